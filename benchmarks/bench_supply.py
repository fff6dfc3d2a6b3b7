"""Emergency supply: a 5,000-line demand table from Excel (target ≤ 2 s, read and saved) and
the deadline sweep over 100,000 open deadlines (target ≤ 1 s on PostgreSQL).

Wall times are printed with this process's CPU time: on a busy machine the difference is
time spent waiting for a core (or, for the database, on the server and its disk).

Each database benchmark runs on a fresh SQLite file and on a fresh PostgreSQL database at
127.0.0.1:5432 (user postgres, trust; ``BAOTONG_BENCH_POSTGRES`` overrides the server),
migrated to head and dropped afterwards. Run: ``python -m benchmarks supply``.
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from openpyxl import load_workbook
from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

import baotong.supply.jobs  # noqa: F401  (the clocks' deadline kinds)
from baotong import jobs
from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal
from baotong.core import clock
from baotong.db import migrate
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.jobs.models import Deadline, DeadlineState
from baotong.supply import service
from baotong.supply.catalogue import load_catalogue
from baotong.supply.template import DEMAND_SHEET, read_demand, template_bytes

LINES = 5_000
DEADLINES = 100_000
DUE = 100  # of them due at the sweep (one sweep's worth)
PG_SERVER = os.environ.get("BAOTONG_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
NOW = datetime(2022, 4, 10, 8, 0, tzinfo=UTC)


def demand_file(lines: int) -> bytes:
    catalogue = load_catalogue()
    book = load_workbook(io.BytesIO(template_bytes(catalogue)))
    sheet = book[DEMAND_SHEET]
    skus = list(catalogue.skus.values())
    for n in range(lines):
        sku = skus[n % len(skus)]
        sheet.append(
            [
                "政府",
                f"街道 {n % 97}",
                "单品",
                sku.code,
                10 + n % 50,
                sku.unit,
                "转运站",
                "浦东转运站",
                "2030-04-12 18:00",
                "",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@contextmanager
def database(backend: str) -> Iterator[sessionmaker[Session]]:
    """A fresh database of ``backend`` at head, dropped afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        if backend == "sqlite":
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
        else:
            name = f"baotong_bench_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            url = f"{PG_SERVER.replace('postgresql://', 'postgresql+psycopg://')}/{name}"
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            yield make_sessionmaker(engine)
        finally:
            engine.dispose()
            if backend != "sqlite":
                with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_read(data: bytes) -> None:
    catalogue = load_catalogue()
    times = []
    for _ in range(5):
        start = time.perf_counter()
        assert len(read_demand(data, catalogue)) == LINES
        times.append(time.perf_counter() - start)
    print(
        f"read {LINES:,}-line demand table ({len(data) / 1e6:.2f} MB): "
        f"best {min(times):.2f} s, median {statistics.median(times):.2f} s"
    )


def bench_import(data: bytes, backend: str) -> None:
    """Read, check and save the table (one transaction), as the console's import does."""
    system = Principal.system("bench")
    with database(backend) as sessions:
        with session_scope(sessions) as session:
            auth_service.create_user(
                session,
                username="owner",
                password="bench password 1",
                role="supply_owner",
                province_code="310000",
            )
        times, cpu = [], []
        for n in range(3):
            start, started_cpu = time.perf_counter(), time.process_time()
            with session_scope(sessions) as session:
                table = service.import_table(
                    session,
                    content=data,
                    file="bench.xlsx",
                    title=f"bench {n}",
                    province_code="310000",
                    owner="owner",
                    principal=system,
                )
                assert len(table.lines) == LINES
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - started_cpu)
    print(
        f"import {LINES:,}-line demand table into {backend}: best {min(times):.2f} s, "
        f"median {statistics.median(times):.2f} s, this process's CPU {min(cpu):.2f} s "
        "(target ≤ 2 s)"
    )


def bench_sweep(backend: str) -> None:
    """100,000 pending clock deadlines, ``DUE`` of them due: one sweep fires those."""
    with database(backend) as sessions:
        rows = [
            {
                "kind": service.REMIND if n % 2 else service.DUE,
                "subject_type": "supply_clock",
                "subject_id": str(10_000_000 + n),
                "state": DeadlineState.PENDING,
                "payload": {},
                "created_at": NOW,
                "due_at": NOW + timedelta(minutes=(n - DUE + 1) if n >= DUE else -1 - n),
            }
            for n in range(DEADLINES)
        ]
        with session_scope(sessions) as session:
            for start in range(0, DEADLINES, 10_000):
                session.execute(insert(Deadline), rows[start : start + 10_000])
        with clock.frozen(NOW):
            t, c = time.perf_counter(), time.process_time()
            fired = jobs.fire_due(sessions)
            due_seconds, due_cpu = time.perf_counter() - t, time.process_time() - c
            idle = []
            for _ in range(5):
                t = time.perf_counter()
                assert jobs.fire_due(sessions) == 0
                idle.append(time.perf_counter() - t)
    assert fired == DUE, fired
    print(
        f"deadline sweep over {DEADLINES:,} open deadlines on {backend}: {fired} due fired in "
        f"{due_seconds:.3f} s (CPU {due_cpu:.3f} s); nothing due: median "
        f"{statistics.median(idle) * 1000:.1f} ms "
        "(target ≤ 1 s)"
    )


def main() -> None:
    data = demand_file(LINES)
    bench_read(data)
    for backend in ("sqlite", "postgresql"):
        bench_import(data, backend)
    for backend in ("sqlite", "postgresql"):
        bench_sweep(backend)


if __name__ == "__main__":
    main()
