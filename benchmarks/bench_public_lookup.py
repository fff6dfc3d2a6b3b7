"""The public tracking lookup through the service, at a fixed rate, over millions of items.

A fresh PostgreSQL database (``BAOTONG_BENCH_POSTGRES_URL``, default the local server) gets
the reference network, ``ITEMS`` mail items (default 10,000,000) with one scan each, the
``LOOKED_UP`` items the clients ask for with a six-scan history, and the Henan lockdown
plan in force. ``baotong serve --workers WORKERS`` then answers
``GET /api/v1/public/track/{number}`` from an open-loop client on the same machine:
``RATE`` requests a second (default 500) for ``SECONDS`` (20) over keep-alive connections,
each request timed from the moment it was due (so a slow answer delays the next ones'
clocks, not the schedule). Prints the rate reached, p50 / p99 / max and any non-200.

Sizes: ``BAOTONG_BENCH_ITEMS``, ``BAOTONG_BENCH_RATE``, ``BAOTONG_BENCH_SECONDS``,
``BAOTONG_BENCH_WORKERS`` (2).
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from rich.progress import Progress

from baotong.db import migrate
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.network import service as network_service
from baotong.network.reference import load_reference
from baotong.tracking import s10
from baotong.tracking import service as tracking

from .bench_tracking import KINDS, _activate_henan
from .serving import cpu_seconds, free_port, open_loop, postgres_database, served

ITEMS = int(os.environ.get("BAOTONG_BENCH_ITEMS", "10000000"))
RATE = int(os.environ.get("BAOTONG_BENCH_RATE", "500"))
SECONDS = float(os.environ.get("BAOTONG_BENCH_SECONDS", "20"))
WORKERS = int(os.environ.get("BAOTONG_BENCH_WORKERS", "2"))
LOOKED_UP = min(ITEMS, 100_000)
CONNECTIONS = 64
CHUNK = 500_000


def main() -> None:
    with postgres_database() as url, tempfile.TemporaryDirectory() as folder:
        serve_and_measure(url, folder, prepare(url))


def prepare(url: str) -> list[str]:
    """The database filled; the numbers the clients will ask for."""
    migrate.upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    network = load_reference()
    rng = random.Random(11)
    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    stations = list(network.stations.values())
    sites = list(network.centers)
    with session_scope(sessions) as session:
        network_service.seed(session, network=network)
    start = time.perf_counter()
    with Progress() as progress:
        task = progress.add_task("items and scans", total=ITEMS)
        for first in range(0, ITEMS, CHUNK):
            count = min(CHUNK, ITEMS - first)
            with session_scope(sessions) as session:
                raw: Any = session.connection().connection.driver_connection
                with (
                    raw.cursor() as cur,
                    cur.copy(
                        "COPY mail_items (number, product_class, origin_site_id, "
                        "origin_province_code, dest_region_code, dest_province_code, "
                        "dest_station_id, sender_contact, recipient_contact, posted_at) "
                        "FROM STDIN"
                    ) as copy,
                ):
                    for i in range(first, first + count):
                        station = stations[rng.randrange(len(stations))]
                        county = network.regions[station.county_code]
                        copy.write_row((s10.make("CP", i), "parcel", "BJ", "110000",
                                        county.code, county.province_code, station.id,
                                        "13800000000", "13900000000", t0))  # fmt: skip
            progress.advance(task, count)
    with session_scope(sessions) as session:  # one scan each, written by the database itself
        raw = session.connection().connection.driver_connection
        with raw.cursor() as cur:
            tracking._day_partitions(cur, [t0])
            cur.execute(
                "INSERT INTO scan_events (item_id, kind, site_id, at) SELECT id, 'accepted', "
                "'BJ', posted_at + (id % 86400) * interval '1 second' FROM mail_items"
            )
    chosen = rng.sample(range(ITEMS), LOOKED_UP)
    numbers = [s10.make("CP", i) for i in chosen]
    with session_scope(sessions) as session:
        ids = tracking.item_ids(session, numbers)
        history = [(ids[n], kind, sites[rng.randrange(len(sites))], t0 + timedelta(hours=h))
                   for n in numbers for h, kind in enumerate(KINDS[1:6], start=1)]  # fmt: skip
        tracking.insert_events(session, history)
    print(f"{ITEMS:,} items and {ITEMS + len(history):,} scans loaded in "
          f"{time.perf_counter() - start:.0f} s; PostgreSQL, {os.cpu_count()} cores")  # fmt: skip
    _activate_henan(sessions, network)
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as raw:
        raw.execute("VACUUM ANALYZE")
        raw.execute("CHECKPOINT")  # the load's dirty pages written now, not while measuring
    engine.dispose()
    return numbers


def serve_and_measure(url: str, folder: str, numbers: list[str]) -> None:
    port = free_port()
    env = {**os.environ, "BAOTONG_DATA_DIR": folder, "BAOTONG_DATABASE_URL": url,
           "BAOTONG_PUBLIC_REQUESTS_PER_MINUTE": "100000000",
           "BAOTONG_JOB_WORKERS": "1"}  # fmt: skip
    rng = random.Random(3)
    asked = [numbers[rng.randrange(len(numbers))] for _ in range(int(RATE * (SECONDS + 3)))]

    def request(k: int) -> bytes:
        return f"GET /api/v1/public/track/{asked[k]} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()

    warm = RATE * 3  # three seconds to warm every worker, on other numbers than measured
    with served(env, port, "--workers", str(WORKERS)) as server:
        asyncio.run(open_loop(port, request, rate=RATE, total=warm, connections=CONNECTIONS))
        cpu = cpu_seconds(server.pid)
        load = asyncio.run(
            open_loop(
                port,
                lambda k: request(warm + k),
                rate=RATE,
                total=int(RATE * SECONDS),
                connections=CONNECTIONS,
            )  # fmt: skip
        )
        cpu = cpu_seconds(server.pid) - cpu
    print(f"  {WORKERS} service processes, {load.summary(RATE, SECONDS)}")
    print(f"  service CPU per answer {cpu / max(1, len(load.times)) * 1000:.2f} ms "
          f"(every service process; the database's own CPU not counted)")  # fmt: skip


if __name__ == "__main__":
    main()
