"""Warehouse scans per second and the latency of one scan, in process, on SQLite and on
PostgreSQL (target: ≥ 500 scans/s, p99 ≤ 50 ms on PostgreSQL, 2 cores).

Each database (a fresh SQLite file; a fresh PostgreSQL database at 127.0.0.1:5432 when
it answers) gets a warehouse whose dock holds ``RECEIPTS × LINES`` lots of four SKUs,
received in put-away documents. Then, twice — through the service layer (``THREADS``
threads, a session and a transaction per scan, as the request does) and through the HTTP
API (httpx against the ASGI app, ``CLIENTS`` concurrent clients, a picker's bearer token)
— the lots are put away (one scan a line) and picked (pick lists reserved FEFO, each line
in two scans of 2 and 3 units). One scan in ten is sent twice, as a handheld that lost the
answer would; the repeat must be answered as already applied. Afterwards the ledger must
agree with on-hand.

    .venv/bin/python -m benchmarks warehouse_scans            # both databases, both paths
    .venv/bin/python -m benchmarks.bench_warehouse_scans --profile [sqlite|postgresql]

``--profile`` runs 300 put-away scans through the service layer in one thread under
cProfile and prints the SQL statements per scan and where the time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Queue
from typing import Any

import httpx
import psycopg
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from baotong.app import create_app
from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal, Role, Scope, ScopeKind
from baotong.config import Settings
from baotong.db import migrate
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.network.reference import load_reference
from baotong.warehouse import inbound, ledger, outbound, service
from baotong.warehouse.models import DocumentKind, Move, Quant, WarehouseKind, WarehouseStatus
from baotong.warehouse.schemas import ItemLine, Layout, ReceiveLine, WarehouseCreate

SITE = "BENCH"
SKUS = ("FOOD-NOODLE", "FOOD-RICE-5", "VEG-CABBAGE", "MILK-UHT-12")
RECEIPTS, LINES, UNITS = 40, 50, 5  # 2000 lots of 5 units on the dock
PICK_LISTS = 40  # pick lists of 50 lines (one SKU each)
THREADS = CLIENTS = 16
RESEND_EVERY = 10
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PASSWORD = "correct horse battery"


# -- databases ------------------------------------------------------------------------------
@contextmanager
def database(backend: str, folder: Path) -> Iterator[str]:
    """A fresh, migrated database of ``backend``; PostgreSQL's is dropped afterwards."""
    if backend == "sqlite":
        url = f"sqlite:///{folder / f'{uuid.uuid4().hex}.db'}"
        migrate.upgrade(url)
        yield url
        return
    name = f"baotong_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        migrate.upgrade(url)
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def backends() -> list[str]:
    try:
        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
    except psycopg.OperationalError:
        return ["sqlite"]
    return ["sqlite", "postgresql"]


def prepare(sessions: sessionmaker[Session]) -> Principal:
    """The warehouse with its lots on the dock, in put-away documents; a picker."""
    system = Principal.system("bench")
    with session_scope(sessions) as session:
        scope = Scope.unit(ScopeKind.WAREHOUSE, SITE, province_code="320000")
        role = Role.WAREHOUSE_OPERATOR.value
        user = auth_service.create_user(
            session, username="picker", password=PASSWORD, role=role, scope=scope
        )
        service.create_warehouse(session, system, WarehouseCreate(
            code=SITE, name="bench", kind=WarehouseKind.CENTRAL, province_code="320000",
            status=WarehouseStatus.OPEN, layout=Layout(zones=["A", "B"], aisles=10, racks=10,
                                                       bins=10)))  # fmt: skip
        picker = auth_service.principal_of(user)
    for r in range(RECEIPTS):
        with session_scope(sessions) as session:
            sku = SKUS[r % len(SKUS)]
            lines = [ReceiveLine(sku=sku, qty=UNITS, lot=f"L{r:03d}-{i:03d}")
                     for i in range(LINES)]  # fmt: skip
            inbound.receive(session, system, SITE, lines=lines, scan_id=f"receipt-{r:04d}")
    return picker


def putaway_scans(sessions: sessionmaker[Session]) -> list[Scan]:
    with session_scope(sessions, write=False) as session:
        system = Principal.system("bench")
        docs = service.list_documents(session, system, SITE, kind=DocumentKind.PUTAWAY)
        return [
            Scan("putaway", doc.id, {"line_id": line.id})
            for doc in sorted(docs.items, key=lambda d: d.id)
            for line in service.lines_of(session, doc)
        ]


def pick_scans(sessions: sessionmaker[Session]) -> list[Scan]:
    """Pick lists of the stock put away; each line picked in two scans (2, then 3 units)."""
    scans: list[Scan] = []
    system = Principal.system("bench")
    per_list = RECEIPTS * LINES * UNITS // PICK_LISTS
    for p in range(PICK_LISTS):
        with session_scope(sessions) as session:
            wanted = [ItemLine(sku=SKUS[p % len(SKUS)], qty=per_list)]
            doc = outbound.create_pick(session, system, SITE, lines=wanted, wave="W1")
            for line in service.lines_of(session, doc):
                for qty in (2, line.qty - 2):
                    scans.append(Scan("pick", doc.id, {"line_id": line.id, "qty": qty}))
    return scans


@dataclass
class Scan:
    action: str  # putaway or pick
    document_id: int
    body: dict[str, Any]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    resent: int = 0
    repeats_answered: int = 0
    elapsed: float = 0.0

    def line(self, label: str) -> str:
        ordered = sorted(self.latencies)
        p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
        rate = len(ordered) / self.elapsed
        failed = sum(self.failures.values())
        return (
            f"  {label:<22} {len(ordered):5d} scans {rate:6.0f}/s  "
            f"p50 {statistics.median(ordered) * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms  "
            f"failed {failed}  resent {self.resent}, answered as repeats "
            f"{self.repeats_answered}"
        )


def _sends(index: int) -> int:
    return 2 if index % RESEND_EVERY == 0 else 1


# -- through the service layer --------------------------------------------------------------
def run_service(sessions: sessionmaker[Session], picker: Principal, scans: list[Scan]) -> Tally:
    queue: Queue[tuple[int, Scan]] = Queue()
    for item in enumerate(scans):
        queue.put(item)
    tally = Tally()
    lock = threading.Lock()

    def one(scan: Scan, scan_id: str) -> bool:
        with session_scope(sessions) as session:
            if scan.action == "putaway":
                _, applied = inbound.put_away(session, picker, scan.document_id,
                                              scan_id=scan_id, **scan.body)  # fmt: skip
            else:
                _, applied = outbound.pick(session, picker, scan.document_id,
                                           scan_id=scan_id, **scan.body)  # fmt: skip
        return applied

    def worker() -> None:
        while True:
            try:
                index, scan = queue.get_nowait()
            except Empty:
                return
            scan_id = uuid.uuid4().hex
            for attempt in range(_sends(index)):
                start = time.perf_counter()
                try:
                    applied = one(scan, scan_id)
                    failure = None
                except Exception as exc:  # noqa: BLE001  (counted and shown)
                    applied, failure = True, f"{type(exc).__name__}: {str(exc)[:120]}"
                took = time.perf_counter() - start
                with lock:
                    tally.latencies.append(took)
                    if failure:
                        tally.failures[failure] += 1
                    if attempt:
                        tally.resent += 1
                        tally.repeats_answered += not applied

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.elapsed = time.perf_counter() - start
    return tally


# -- through the HTTP API -------------------------------------------------------------------
async def run_api(app: Any, scans: list[Scan]) -> Tally:
    transport = httpx.ASGITransport(app=app)
    tally = Tally()
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        login = {"username": "picker", "password": PASSWORD}
        reply = await http.post("/api/v1/auth/login", json=login)
        reply.raise_for_status()
        headers = {"Authorization": f"Bearer {reply.json()['access_token']}"}
        queue: asyncio.Queue[tuple[int, Scan]] = asyncio.Queue()
        for item in enumerate(scans):
            queue.put_nowait(item)

        async def client() -> None:
            while not queue.empty():
                index, scan = queue.get_nowait()
                body = {**scan.body, "scan_id": uuid.uuid4().hex}
                url = f"/api/v1/warehouse/documents/{scan.document_id}/{scan.action}"
                for attempt in range(_sends(index)):
                    start = time.perf_counter()
                    answer = await http.post(url, json=body, headers=headers)
                    tally.latencies.append(time.perf_counter() - start)
                    if answer.status_code != 200:
                        tally.failures[f"{answer.status_code} {answer.text[:120]}"] += 1
                    elif attempt:
                        tally.resent += 1
                        tally.repeats_answered += not answer.json()["applied"]

        start = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(CLIENTS)))
        tally.elapsed = time.perf_counter() - start
    return tally


# -- one database ---------------------------------------------------------------------------
def check(sessions: sessionmaker[Session]) -> str:
    with session_scope(sessions, write=False) as session:
        differences = ledger.differences(session)
        moves = session.scalar(select(func.count()).select_from(Move)) or 0
        negative = session.scalar(select(func.count()).select_from(Quant).where(
            Quant.on_hand < 0)) or 0  # fmt: skip
    return f"{moves} moves, {len(differences)} quants disagree with them, {negative} negative"


def bench(backend: str, folder: Path) -> None:
    for path in ("service", "api"):
        with database(backend, folder) as url:
            engine = make_engine(url)
            sessions = make_sessionmaker(engine)
            t0 = time.perf_counter()
            picker = prepare(sessions)
            putaways = putaway_scans(sessions)
            setup = time.perf_counter() - t0
            label = f"{backend} {'service layer' if path == 'service' else 'HTTP API (ASGI)'}"
            print(f"{label}: {THREADS} {'threads' if path == 'service' else 'clients'}, "
                  f"setup {setup:.1f} s")  # fmt: skip
            settings = Settings(data_dir=folder, database_url=url, secret_key="b" * 40,
                                job_workers=1)  # fmt: skip
            app = create_app(settings, network=load_reference)

            def run(scans: list[Scan]) -> Tally:
                if path == "service":  # noqa: B023  (called in this iteration only)
                    return run_service(sessions, picker, scans)  # noqa: B023
                return asyncio.run(run_api(app, scans))  # noqa: B023

            results = run(putaways)
            print(results.line("put away"))
            _failures(results)
            results = run(pick_scans(sessions))
            print(results.line("pick"))
            _failures(results)
            print(f"  ledger                 {check(sessions)}")
            app.state.context.engine.dispose()
            engine.dispose()


def _failures(tally: Tally) -> None:
    for text, count in tally.failures.most_common(3):
        print(f"    {count} × {text}")


# -- profile ------------------------------------------------------------------------------
def count_statements(engine: Engine) -> Counter[str]:
    seen: Counter[str] = Counter()

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        seen[" ".join(statement.split()[:4])[:60]] += 1

    return seen


def profile(backend: str, folder: Path, scans: int = 300) -> None:
    with database(backend, folder) as url:
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        t0 = time.perf_counter()
        picker = prepare(sessions)
        setup = time.perf_counter() - t0
        work = putaway_scans(sessions)
        start = time.perf_counter()
        run_single(sessions, picker, work[:scans])
        plain = (time.perf_counter() - start) / scans
        work = work[scans : 2 * scans]
        seen = count_statements(engine)
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        tally = run_single(sessions, picker, work)
        profiler.disable()
        elapsed = time.perf_counter() - start
        engine.dispose()
    print(f"{backend}: setup (receiving {RECEIPTS} receipts of {LINES} lots) {setup:.1f} s; "
          f"put-away scans in one thread: {plain * 1000:.2f} ms a scan, "
          f"{elapsed / len(work) * 1000:.2f} ms under the profiler; "
          f"{sum(seen.values()) / len(work):.1f} statements a scan:")  # fmt: skip
    for text, count in seen.most_common():
        print(f"  {count / len(work):5.2f}  {text}")
    print(f"  failures: {dict(tally)}")
    stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
    stats.print_stats(40)
    stats.sort_stats("tottime").print_stats(25)


def run_single(
    sessions: sessionmaker[Session], picker: Principal, scans: list[Scan]
) -> Counter[str]:
    failures: Counter[str] = Counter()
    for scan in scans:
        try:
            with session_scope(sessions) as session:
                inbound.put_away(session, picker, scan.document_id, scan_id=uuid.uuid4().hex,
                                 **scan.body)  # fmt: skip
        except Exception as exc:  # noqa: BLE001  (counted and shown)
            failures[type(exc).__name__] += 1
    return failures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench_warehouse_scans")
    parser.add_argument("--profile", nargs="?", const="sqlite", default=None)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default=None)
    args = parser.parse_args(argv if argv is not None else [])
    with tempfile.TemporaryDirectory() as tmp:
        if args.profile:
            profile(args.profile, Path(tmp))
            return
        print(f"warehouse scans in process, {os.cpu_count()} cores")
        for backend in [args.backend] if args.backend else backends():
            bench(backend, Path(tmp))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
