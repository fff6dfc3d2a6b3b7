"""Scans per second through the API and the latency of one scan (target: ≥ 500 scans/s,
p99 ≤ 50 ms on 2 cores).

A fresh database (PostgreSQL at 127.0.0.1:5432 when reachable, else SQLite) gets a
warehouse and ``RECEIPTS`` receipts of ``LINES`` lots each on its dock; ``baotong serve``
runs in its own process; ``CLIENTS`` threads put the lots away, one scan (``POST
.../putaway`` with a scan id) per request, and one scan in ten is sent twice, as a
handheld that lost the answer would. Afterwards the ledger is checked against on-hand and
every resent scan must have been answered as already applied.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from queue import Empty, Queue

import httpx
import psycopg
from sqlalchemy import func, select

from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal
from baotong.db import migrate
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.warehouse import inbound, ledger, service
from baotong.warehouse.models import Move, WarehouseKind, WarehouseStatus
from baotong.warehouse.schemas import Layout, ReceiveLine, WarehouseCreate

RECEIPTS, LINES = 40, 50  # 40 put-away documents of 50 lots each
CLIENTS = 16
RESEND_EVERY = 10
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _database(folder: Path) -> tuple[str, str | None]:
    """A fresh database URL, and the PostgreSQL database name to drop afterwards."""
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as admin:
            name = f"baotong_bench_{uuid.uuid4().hex[:10]}"
            admin.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", name
    except psycopg.OperationalError:
        return f"sqlite:///{folder / 'bench.db'}", None


def _prepare(url: str) -> list[tuple[int, int]]:
    """The warehouse, a user, and the put-away lines waiting: (document id, line id)."""
    migrate.upgrade(url)
    engine = make_engine(url)
    system = Principal.system("bench")
    with session_scope(make_sessionmaker(engine)) as session:
        auth_service.create_user(session, username="bench", password="correct horse battery",
                                 role="admin")  # fmt: skip
        service.create_warehouse(session, system, WarehouseCreate(
            code="BENCH", name="bench", kind=WarehouseKind.CENTRAL, province_code="320000",
            status=WarehouseStatus.OPEN, layout=Layout(zones=["A", "B"], aisles=10, racks=10,
                                                       bins=10)))  # fmt: skip
        work = []
        for r in range(RECEIPTS):
            lines = [ReceiveLine(sku="FOOD-NOODLE", qty=5, lot=f"L{r:03d}-{i:03d}")
                     for i in range(LINES)]  # fmt: skip
            receipt, _ = inbound.receive(session, system, "BENCH", lines=lines)
            putaway = service.get_document(session, system, int(receipt.data["putaway_id"]))
            work += [(putaway.id, line.id) for line in service.lines_of(session, putaway)]
    engine.dispose()
    return work


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(base: str, token: str, work: list[tuple[int, int]]) -> tuple[list[float], int, int]:
    queue: Queue[tuple[int, int]] = Queue()
    for item in work:
        queue.put(item)
    latencies: list[float] = []
    errors = [0]
    resent = [0]
    failures: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                          timeout=30) as http:  # fmt: skip
            while True:
                try:
                    document_id, line_id = queue.get_nowait()
                except Empty:
                    return
                body = {"line_id": line_id, "scan_id": uuid.uuid4().hex}
                sends = 2 if line_id % RESEND_EVERY == 0 else 1
                for _ in range(sends):
                    start = time.perf_counter()
                    reply = http.post(f"/api/v1/warehouse/documents/{document_id}/putaway",
                                      json=body)  # fmt: skip
                    took = time.perf_counter() - start
                    with lock:
                        latencies.append(took)
                        if reply.status_code != 200:
                            errors[0] += 1
                            failures.append(f"{reply.status_code} {reply.text[:160]}")
                        resent[0] += sends == 2 and not reply.json().get("applied", True)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for failure in sorted(set(failures))[:5]:
        print(f"  failed: {failure}")
    return latencies, errors[0], resent[0]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url, pg_name = _database(Path(tmp))
        try:
            t0 = time.perf_counter()
            work = _prepare(url)
            prepared = time.perf_counter() - t0
            port = _free_port()
            env = {**os.environ, "BAOTONG_DATABASE_URL": url, "BAOTONG_DATA_DIR": tmp,
                   "BAOTONG_SECRET_KEY": "b" * 40, "BAOTONG_JOB_WORKERS": "1"}  # fmt: skip
            server = subprocess.Popen(
                [sys.executable, "-m", "baotong", "serve", "--port", str(port)], env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            base = f"http://127.0.0.1:{port}"
            try:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    if time.monotonic() > deadline:
                        raise RuntimeError("the service did not start within 60 s")
                    time.sleep(0.2)
                login = {"username": "bench", "password": "correct horse battery"}
                token = httpx.post(f"{base}/api/v1/auth/login", json=login).json()["access_token"]
                start = time.perf_counter()
                latencies, errors, repeats = _run(base, token, work)
                resends = sum(1 for _, line_id in work if line_id % RESEND_EVERY == 0)
                elapsed = time.perf_counter() - start
            finally:
                server.terminate()
                server.wait(timeout=30)
            engine = make_engine(url)
            with session_scope(make_sessionmaker(engine), write=False) as session:
                differences = ledger.differences(session)
                moves = session.scalar(select(func.count()).select_from(Move)) or 0
            engine.dispose()
        finally:
            if pg_name:
                with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    ordered = sorted(latencies)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    backend = "PostgreSQL" if pg_name else "SQLite"
    print(f"warehouse scans through the API on {backend}, {CLIENTS} clients, "
          f"{os.cpu_count()} cores (setup {prepared:.1f} s)")  # fmt: skip
    print(f"  scans          {len(latencies)} ({errors} failed; of the {resends} sent twice, "
          f"{repeats} answered as already applied)")  # fmt: skip
    print(f"  throughput     {len(latencies) / elapsed:7.0f} scans/s  (target ≥ 500)")
    print(f"  latency p50    {statistics.median(ordered) * 1000:7.1f} ms")
    print(f"  latency p99    {p99 * 1000:7.1f} ms  (target ≤ 50 ms)")
    print(f"  ledger         {moves} moves, {len(differences)} quants disagree with it")


if __name__ == "__main__":
    main()
