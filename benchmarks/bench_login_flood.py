"""Routing throughput under a login flood, with login throttling, and the time a login
takes for a known and an unknown user.

Starts ``baotong serve`` in a subprocess on 127.0.0.1 on a fresh SQLite database seeded
with the reference network and one dispatcher. Measures GET /api/v1/routing throughput
from client threads alone, then while as many other threads send wrong passwords to
POST /api/v1/auth/login as fast as they can (the throttle answers most of them 429 without
hashing a password). Then times logins with a wrong password for the real user and for an
unknown one (they should cost the same). Run: ``.venv/bin/python -m benchmarks login_flood``.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from baotong.auth import service as auth_service
from baotong.db import migrate
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.network import service as network_service
from baotong.network.reference import load_reference

from .serving import free_port, served

LOOKUPS = 600
THREADS = 4
FLOODERS = 4
PASSWORD = "ninety-nine routes"
DESTINATIONS = ["410102", "410105", "410302", "411502", "410702", "410202"]


def _prepare(url: str) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        network_service.seed(session, network=load_reference())
        auth_service.create_user(session, username="bench", password=PASSWORD, role="dispatcher")
    engine.dispose()


def _lookups(base: str, token: str) -> float:
    """Routing lookups per second from THREADS client threads."""

    def one(k: int) -> int:
        destination = DESTINATIONS[k % len(DESTINATIONS)]
        with httpx.Client(base_url=base, timeout=30) as client:
            reply = client.get("/api/v1/routing", params={"destination": destination},
                               headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        return reply.status_code

    start = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        codes = Counter(pool.map(one, range(LOOKUPS)))
    elapsed = time.perf_counter() - start
    if set(codes) != {200}:
        print(f"  routing answers: {dict(codes)}")
    return LOOKUPS / elapsed


def _flood(base: str, stop: threading.Event, answers: Counter[int]) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        k = 0
        while not stop.is_set():
            name = "bench" if k % 2 else f"guess{k}"
            reply = client.post("/api/v1/auth/login", json={"username": name, "password": "x"})
            answers[reply.status_code] += 1
            k += 1


def _login_ms(base: str, username: str, runs: int = 15) -> float:
    times = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(runs):
            start = time.perf_counter()
            client.post("/api/v1/auth/login", json={"username": username, "password": "wrong"})
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'baotong.db'}"
        _prepare(url)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "BAOTONG_DATA_DIR": folder, "BAOTONG_DATABASE_URL": url,
               "BAOTONG_LOGIN_MAX_FAILURES": "1000000"}  # fmt: skip
        with served(env, port):
            token = httpx.post(f"{base}/api/v1/auth/login",
                               json={"username": "bench", "password": PASSWORD}).json()[
                "access_token"]  # fmt: skip
            known, unknown = _login_ms(base, "bench"), _login_ms(base, "nobody-here")
            print(f"wrong password, median of 15: known user {known:.0f} ms, "
                  f"unknown user {unknown:.0f} ms")  # fmt: skip
        env["BAOTONG_LOGIN_MAX_FAILURES"] = "5"  # the default throttle from here on
        with served(env, port):
            quiet = _lookups(base, token)
            stop, answers = threading.Event(), Counter[int]()
            flooders = [threading.Thread(target=_flood, args=(base, stop, answers))
                        for _ in range(FLOODERS)]  # fmt: skip
            for thread in flooders:
                thread.start()
            flooded = _lookups(base, token)
            stop.set()
            for thread in flooders:
                thread.join()
    print(
        f"routing, {THREADS} threads, {LOOKUPS} lookups: {quiet:.0f}/s alone, "
        f"{flooded:.0f}/s during a login flood ({flooded / quiet - 1:+.0%})"
    )
    total = sum(answers.values())
    print(
        f"login flood from {FLOODERS} threads: {total} attempts, "
        f"{answers[429]} throttled (429), {answers[401]} checked (401)"
    )


if __name__ == "__main__":
    main()
