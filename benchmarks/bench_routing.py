"""Latency of the routing lookup (GET /api/v1/routing) under a local load.

Starts ``baotong serve`` in a subprocess on 127.0.0.1 on a fresh SQLite database, then on a
fresh PostgreSQL database at 127.0.0.1:5432 when it answers; each is seeded with the
reference network and one active Henan-wide plan (computed by the real planner). Sends a
fixed number of lookups from client threads and prints p50/p99/max latency and throughput.
Run: ``.venv/bin/python -m benchmarks routing`` (or ``make bench``).
"""

from __future__ import annotations

import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg

from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal, Role
from baotong.contingency import service as plan_service
from baotong.contingency.jobs import planner_engine
from baotong.db import migrate
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.network import service as network_service
from baotong.network.reference import load_reference

REQUESTS = 4000
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
THREADS = 8
HENAN = {
    "name": "Henan",
    "locked_areas": [{"region": "410000", "level": "province"}],
    "product_classes": {"ems": 0.8, "supply": 1.5},
    "options": {"max_road_hours": 8, "time_limit_s": 10},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(url: str) -> list[str]:
    """Migrate, seed, add a user, activate a Henan plan; the destinations to look up."""
    network = load_reference()
    migrate.upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with session_scope(sessions) as session:
        network_service.seed(session, network=network)
        user = auth_service.create_user(
            session, username="bench", password="ninety-nine routes", role="dispatcher"
        )
        bench = Principal(user_id=user.id, username="bench", role=Role.ADMIN, province_code=None)
        scenario = plan_service.create_scenario(
            session, body=HENAN, network=network, principal=bench
        )
        run = plan_service.create_plan(
            session,
            scenario_id=scenario.id,
            name=None,
            parameters={},
            network=network,
            principal=bench,
        )
        result = planner_engine(network, HENAN, lambda *_: None, lambda: False)
        plan_service.store_result(session, run=run, result=result)
        run.status = plan_service.SUCCEEDED
        plan_service.approve_plan(session, plan_id=run.id, principal=bench)
        plan_service.activate_plan(session, plan_id=run.id, principal=bench)
    engine.dispose()
    counties = [r.code for r in network.regions.values() if r.level.value == "county"]
    stations = list(network.stations)
    rng = random.Random(7)
    return [rng.choice(counties) if i % 2 else rng.choice(stations) for i in range(REQUESTS)]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        _bench("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", folder)
        try:
            admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
        except psycopg.OperationalError as exc:
            print(f"routing: PostgreSQL at 127.0.0.1:5432 unreachable, not measured ({exc})")
            return
        name = f"baotong_bench_{os.getpid()}"
        with admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            _bench("PostgreSQL", f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", folder)
        finally:
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _bench(label: str, url: str, folder: str) -> None:
    started = time.perf_counter()
    destinations = _prepare(url)
    print(
        f"routing: {label}: seeded the reference and activated a Henan plan in "
        f"{time.perf_counter() - started:.1f} s"
    )
    port = _free_port()
    env = {
        **os.environ,
        "BAOTONG_DATABASE_URL": url,
        "BAOTONG_DATA_DIR": folder,
        "BAOTONG_SECRET_KEY": "b" * 40,
        "BAOTONG_PORT": str(port),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "baotong", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _measure(label, f"http://127.0.0.1:{port}", destinations)
    finally:
        server.terminate()
        server.wait(10)


def _measure(label: str, base: str, destinations: list[str]) -> None:
    client = httpx.Client(base_url=base, timeout=30)
    for _ in range(200):
        try:
            if client.get("/readyz").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    token = client.post(
        "/api/v1/auth/login", json={"username": "bench", "password": "ninety-nine routes"}
    ).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    client.get("/api/v1/routing", params={"destination": "410105"}, headers=headers)  # warm-up

    def one(destination: str) -> float:
        t0 = time.perf_counter()
        reply = client.get("/api/v1/routing", params={"destination": destination}, headers=headers)
        elapsed = time.perf_counter() - t0
        if reply.status_code != 200:
            raise RuntimeError(f"{destination}: {reply.status_code} {reply.text}")
        return elapsed

    for threads, batch in ((1, destinations[:500]), (THREADS, destinations)):
        t0 = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            latencies = sorted(pool.map(one, batch))
        wall = time.perf_counter() - t0
        ms = [x * 1000 for x in latencies]
        p99 = ms[int(len(ms) * 0.99) - 1]
        print(
            f"routing: {label}, {len(ms)} lookups from {threads} client thread(s), "
            f"1 uvicorn worker: p50 {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms, "
            f"max {ms[-1]:.1f} ms, {len(ms) / wall:.0f} req/s"
        )
