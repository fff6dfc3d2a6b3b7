"""The group-buy cut-off at scale (target: 2,000 group points and 200,000 resident orders
consolidated in ≤ 30 s on 2 cores).

A fresh database (PostgreSQL at 127.0.0.1:5432 when reachable, else SQLite) gets a
synthetic day of Shanghai (``baotong groupbuy generate``: bulk inserts, not timed as the
cut-off); then one cut-off runs in one transaction, as ``baotong groupbuy cutoff`` does:
close the groups, read the lines, consolidate, allocate, pick waves and kit orders in the
central warehouse, the shortfall as a demand table, delivery routes from each forward
warehouse. A second cut-off of the same day must change nothing (and is timed too).
"""

from __future__ import annotations

import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import psycopg

from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal
from baotong.db import migrate
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.groupbuy import cutoff, generate
from baotong.network.reference import load_reference

GROUPS, ORDERS = 2_000, 200_000
PROVINCE = "310000"
ROUTING_SECONDS = 2.0  # the delivery routing's share, over all forward warehouses
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _database(folder: Path) -> tuple[str, str | None]:
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as admin:
            name = f"baotong_bench_{uuid.uuid4().hex[:10]}"
            admin.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", name
    except psycopg.OperationalError:
        return f"sqlite:///{folder / 'bench.db'}", None


def run(url: str) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    system = Principal.system("bench")
    network = load_reference()
    day = date(2022, 4, 15)
    with session_scope(sessions) as session:
        auth_service.create_user(session, username="bench_supply", password="bench password",
                                 role="supply_owner", province_code=PROVINCE)  # fmt: skip
    started = time.perf_counter()
    with session_scope(sessions) as session:
        made = generate.generate(session, network=network, province_code=PROVINCE, day=day,
                                 groups=GROUPS, orders=ORDERS, principal=system)  # fmt: skip
    print(f"  generated {made.groups} group orders, {made.orders} resident orders, "
          f"{made.lines} lines, {made.forward_warehouses} forward warehouses "
          f"in {time.perf_counter() - started:.1f} s (bulk inserts, not the target)")  # fmt: skip
    started = time.perf_counter()
    with session_scope(sessions) as session:
        result = cutoff.run(session, province_code=PROVINCE, day=day, network=network,
                            principal=system, routing_seconds=ROUTING_SECONDS)  # fmt: skip
    seconds = time.perf_counter() - started
    print(f"  cut-off: {result.orders} orders, {result.groups} groups, {len(result.waves)} "
          f"waves, {len(result.kit_orders)} kit orders, shortfall "
          f"{sum(result.shortfall.values())} units ({len(result.shortfall)} items), "
          f"{result.deliveries} deliveries on {result.routes} routes, fill rate "
          f"{result.fill_rate:.1%}")  # fmt: skip
    verdict = "meets" if seconds <= 30 else "MISSES"
    print("  phases (s): " + ", ".join(f"{k} {v:.1f}" for k, v in result.phases.items()))
    print(f"  cut-off time {seconds:.1f} s including commit (target ≤ 30 s: {verdict}; "
          f"routing budget {ROUTING_SECONDS:.0f} s)")  # fmt: skip
    started = time.perf_counter()
    with session_scope(sessions) as session:
        again = cutoff.run(session, province_code=PROVINCE, day=day, network=network,
                           principal=system)  # fmt: skip
    print(f"  second cut-off of the day: repeated={again.repeated}, "
          f"{time.perf_counter() - started:.2f} s")  # fmt: skip
    engine.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url, name = _database(Path(folder))
        print(f"  database: {url.split('@')[-1] if name else 'SQLite'}")
        try:
            run(url)
        finally:
            if name:
                with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
