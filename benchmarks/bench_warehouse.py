"""Scans per second through the API and the latency of one scan (target: ≥ 500 scans/s,
p99 ≤ 50 ms on 2 cores).

A fresh database (PostgreSQL at 127.0.0.1:5432 when reachable, else SQLite) gets a
warehouse and ``RECEIPTS`` receipts of ``LINES`` lots each on its dock; ``baotong serve
--workers WORKERS`` runs in its own processes; ``PICKERS`` handhelds (keep-alive
connections) put the lots away at ``RATE`` scans a second, open loop (each scan timed from
when it was due), one scan (``POST .../putaway`` with a scan id) per request, and one scan
in ten is sent again a little later, as a handheld that lost the answer would. The first
``WARM_SECONDS`` of scans are timed apart (a service just started opens its connections
and prepares its statements); the rate, latency and CPU are the scans after them. Afterwards
every scan id must have been applied exactly once, and the ledger is checked against
on-hand. Sizes: ``BAOTONG_BENCH_RECEIPTS`` (200), ``BAOTONG_BENCH_RATE`` (500),
``BAOTONG_BENCH_WORKERS`` (2).
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

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

from .serving import DatabaseCpu, cpu_seconds, free_port, open_loop, served

RECEIPTS = int(os.environ.get("BAOTONG_BENCH_RECEIPTS", "200"))  # put-away documents
LINES = 50  # lots each
RATE = int(os.environ.get("BAOTONG_BENCH_RATE", "500"))
WORKERS = int(os.environ.get("BAOTONG_BENCH_WORKERS", "2"))
PICKERS = 50
WARM_SECONDS = 3  # the first scans, timed apart: a service just started
RESEND_EVERY = 10
RESEND_AFTER = 25  # a resent scan goes this many scans after the first sending
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


def _requests(work: list[tuple[int, int]], token: str) -> tuple[list[bytes], list[str]]:
    """The raw requests in the order they are sent, and the scan id of each."""
    order: list[tuple[int, int, str]] = []
    resends: list[tuple[int, tuple[int, int, str]]] = []
    for k, (document_id, line_id) in enumerate(work):
        scan = (document_id, line_id, uuid.uuid4().hex)
        order.append(scan)
        if k % RESEND_EVERY == 0:
            resends.append((k + RESEND_AFTER, scan))
    for position, scan in reversed(resends):
        order.insert(min(position, len(order)), scan)
    raw, ids = [], []
    for document_id, line_id, scan_id in order:
        body = json.dumps({"line_id": line_id, "scan_id": scan_id}).encode()
        raw.append(
            f"POST /api/v1/warehouse/documents/{document_id}/putaway HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        ids.append(scan_id)
    return raw, ids


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url, pg_name = _database(Path(tmp))
        try:
            t0 = time.perf_counter()
            work = _prepare(url)
            prepared = time.perf_counter() - t0
            port = free_port()
            env = {**os.environ, "BAOTONG_DATABASE_URL": url, "BAOTONG_DATA_DIR": tmp,
                   "BAOTONG_SECRET_KEY": "b" * 40, "BAOTONG_JOB_WORKERS": "1"}  # fmt: skip
            with served(env, port, "--workers", str(WORKERS)) as server:
                login = {"username": "bench", "password": "correct horse battery"}
                token = httpx.post(f"http://127.0.0.1:{port}/api/v1/auth/login",
                                   json=login).json()["access_token"]  # fmt: skip
                raw, ids = _requests(work, token)
                applied: Counter[str] = Counter()

                def answered(k: int, body: bytes) -> None:
                    applied[ids[k]] += bool(json.loads(body)["applied"])

                warm = min(len(raw) // 4, RATE * WARM_SECONDS)
                cold = asyncio.run(open_loop(port, raw.__getitem__, rate=RATE, total=warm,
                                             connections=PICKERS, answered=answered))  # fmt: skip
                database = DatabaseCpu(url) if pg_name else None
                if database:
                    database.start()
                cpu, client = cpu_seconds(server.pid), time.process_time()
                load = asyncio.run(open_loop(
                    port, lambda k: raw[warm + k], rate=RATE, total=len(raw) - warm,
                    connections=PICKERS, answered=lambda k, b: answered(warm + k, b)))  # fmt: skip
                cpu, client = cpu_seconds(server.pid) - cpu, time.process_time() - client
                db_cpu = database.spent() if database else None
            engine = make_engine(url)
            with session_scope(make_sessionmaker(engine), write=False) as session:
                differences = ledger.differences(session)
                moves = session.scalar(select(func.count()).select_from(Move)) or 0
            engine.dispose()
        finally:
            if pg_name:
                with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    backend = "PostgreSQL" if pg_name else "SQLite"
    twice = sum(1 for n in applied.values() if n > 1)
    never = sum(1 for scan_id in set(ids) if applied[scan_id] == 0)
    print(f"warehouse put-away scans through the API on {backend}, {WORKERS} service processes, "
          f"{PICKERS} handhelds, {os.cpu_count()} cores (setup {prepared:.0f} s)")  # fmt: skip
    print(f"  {len(raw)} scans ({len(raw) - len(set(ids))} of them sent a second time)")
    print(f"  the first {warm} (warming up: connections opened, statements prepared), "
          f"{cold.summary(RATE, warm / RATE)}")  # fmt: skip
    print(f"  the {len(raw) - warm} after them, {load.summary(RATE, (len(raw) - warm) / RATE)}")
    scans = max(1, len(load.times))
    print(
        f"  CPU per scan: service {cpu / scans * 1000:.2f} ms"
        + (f", database {db_cpu / scans * 1000:.2f} ms" if db_cpu is not None else "")
        + f", this client {client / scans * 1000:.2f} ms"
    )
    print(f"  scan ids applied twice {twice}, never applied {never} (both must be 0)")
    print(f"  ledger         {moves} moves, {len(differences)} quants disagree with it")


if __name__ == "__main__":
    main()
