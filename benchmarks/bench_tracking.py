"""Tracking on PostgreSQL: bulk ingest of scan events against a raw COPY, and the public
lookup's latency.

A fresh database (``BAOTONG_BENCH_POSTGRES_URL``, default the local server) gets the
reference network, ``ITEMS`` mail items and ``EVENTS`` scans built in memory. It times:

* the bulk path (``tracking.service.insert_events``: COPY into a staging table, then
  INSERT … ON CONFLICT DO NOTHING into the constrained, indexed table) — events/s;
* the same batch again (every row a duplicate: the idempotence check);
* a raw binary COPY of the same rows into an unconstrained table — the ratio;
* the public lookup (``tracking.service.track``, in-process, one transaction each) for
  random items, with a Henan lockdown plan in force: p50 / p99 in ms.

Sizes: ``BAOTONG_BENCH_ITEMS`` (default 200,000), ``BAOTONG_BENCH_EVENTS`` (1,000,000).
"""

from __future__ import annotations

import os
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import yaml
from sqlalchemy import select

from baotong.auth.permissions import Principal
from baotong.contingency import service as contingency
from baotong.contingency.jobs import planner_engine
from baotong.db import migrate
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.jobs.models import JobStatus
from baotong.network import service as network_service
from baotong.network.reference import load_reference
from baotong.tracking import s10
from baotong.tracking import service as tracking
from baotong.tracking.models import MailItem

from .serving import postgres_database

ITEMS = int(os.environ.get("BAOTONG_BENCH_ITEMS", "200000"))
EVENTS = int(os.environ.get("BAOTONG_BENCH_EVENTS", "1000000"))
LOOKUPS = 2000
HENAN = Path(__file__).resolve().parents[1] / "examples" / "henan.yaml"
KINDS = ("accepted", "sorted", "bagged", "dispatched", "arrived", "out_for_delivery", "delivered")


def _items(network: Any, rng: random.Random, t0: datetime) -> list[tuple[Any, ...]]:
    stations = list(network.stations.values())
    rows = []
    for i in range(ITEMS):
        station = stations[rng.randrange(len(stations))]
        county = network.regions[station.county_code]
        rows.append((s10.make("CP", i), "parcel", "BJ", "110000", county.code,
                     county.province_code, station.id, "", "", t0))  # fmt: skip
    return rows


def main() -> None:
    with postgres_database() as url:
        run(url)


def run(url: str) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    network = load_reference()
    rng = random.Random(7)
    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    with session_scope(sessions) as session:
        network_service.seed(session, network=network)
        raw: Any = session.connection().connection.driver_connection
        with (
            raw.cursor() as cur,
            cur.copy(
                "COPY mail_items (number, product_class, origin_site_id, origin_province_code, "
                "dest_region_code, dest_province_code, dest_station_id, sender_contact, "
                "recipient_contact, posted_at) FROM STDIN"
            ) as copy,
        ):
            for row in _items(network, rng, t0):
                copy.write_row(row)
    with session_scope(sessions, write=False) as session:
        ids = [i for (i,) in session.execute(select(MailItem.id))]
    sites = list(network.centers)
    rows = [(ids[rng.randrange(len(ids))], KINDS[i % len(KINDS)], sites[rng.randrange(len(sites))],
             t0 + timedelta(seconds=i)) for i in range(EVENTS)]  # fmt: skip
    print(f"{ITEMS:,} items, {EVENTS:,} scan events; PostgreSQL, {os.cpu_count()} cores")

    with session_scope(sessions) as session:
        start = time.perf_counter()
        added = tracking.insert_events(session, rows)
    bulk = time.perf_counter() - start
    with session_scope(sessions) as session:
        start = time.perf_counter()
        again = tracking.insert_events(session, rows)
    repeat = time.perf_counter() - start
    with psycopg.connect(url.replace("+psycopg", "")) as raw:
        raw.execute("CREATE TABLE raw_scans (item_id bigint, kind varchar(16), "
                    "site_id varchar(64), at timestamptz)")  # fmt: skip
        raw.commit()
        start = time.perf_counter()
        with (
            raw.cursor() as cur,
            cur.copy(
                "COPY raw_scans (item_id, kind, site_id, at) FROM STDIN (FORMAT BINARY)"
            ) as copy,
        ):
            copy.set_types(tracking.COPY_TYPES)
            for row in rows:
                copy.write_row(row)
        raw.commit()
    copy_s = time.perf_counter() - start
    print(f"  bulk path (COPY → staging → INSERT … ON CONFLICT)  {EVENTS / bulk:>10,.0f} events/s "
          f"({bulk:.1f} s, {added:,} new)")  # fmt: skip
    print(f"  the same batch again (all duplicates)             {EVENTS / repeat:>10,.0f} events/s "
          f"({repeat:.1f} s, {again:,} new)")  # fmt: skip
    print(f"  raw COPY into an unconstrained table              {EVENTS / copy_s:>10,.0f} events/s "
          f"({copy_s:.1f} s)  → bulk path at {copy_s / bulk:.0%} of raw COPY")  # fmt: skip
    _lookups(sessions, network, rng)
    engine.dispose()


def _activate_henan(sessions: Any, network: Any) -> None:
    """The Henan example scenario planned by the real planner, approved and activated."""
    body = yaml.safe_load(HENAN.read_text(encoding="utf-8"))
    system = Principal.system("bench")
    with session_scope(sessions) as session:
        scenario = contingency.create_scenario(session, body=body, network=network,
                                               principal=system)  # fmt: skip
        run = contingency.create_plan(session, scenario_id=scenario.id, name=None, parameters={},
                                      network=network, principal=system)  # fmt: skip
        document = planner_engine(network, body, lambda *_: None, lambda: False)
        contingency.store_result(session, run=run, result=document)
        run.job.status = JobStatus.SUCCEEDED
        contingency.approve_plan(session, plan_id=run.id, principal=system)
        contingency.activate_plan(session, plan_id=run.id, principal=system)


def _lookups(sessions: Any, network: Any, rng: random.Random) -> None:
    start = time.perf_counter()
    _activate_henan(sessions, network)
    print(f"  (the Henan plan computed and put in force in {time.perf_counter() - start:.0f} s)")
    numbers = [s10.make("CP", rng.randrange(ITEMS)) for _ in range(LOOKUPS)]
    times = []
    for number in numbers:
        start = time.perf_counter()
        with session_scope(sessions, write=False) as session:
            tracking.track(session, network=network, number=number)
        times.append(time.perf_counter() - start)
    times.sort()
    p50, p99 = times[len(times) // 2], times[int(len(times) * 0.99)]
    print(f"  public lookup (in-process, one transaction each, {LOOKUPS} random items, Henan "
          f"locked): p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
