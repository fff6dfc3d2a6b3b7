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
from pathlib import Path
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
from .serving import free_port, postgres_database, served

ITEMS = int(os.environ.get("BAOTONG_BENCH_ITEMS", "10000000"))
RATE = int(os.environ.get("BAOTONG_BENCH_RATE", "500"))
SECONDS = float(os.environ.get("BAOTONG_BENCH_SECONDS", "20"))
WORKERS = int(os.environ.get("BAOTONG_BENCH_WORKERS", "2"))
LOOKED_UP = min(ITEMS, 100_000)
CONNECTIONS = 64
CHUNK = 500_000
WINDOW = 5.0  # seconds of each p99 printed along the way


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


def _cpu_seconds(pid: int) -> float:
    """User and system CPU of ``pid`` and its children (the worker processes), from /proc."""
    total, ticks = 0.0, os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if entry.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def serve_and_measure(url: str, folder: str, numbers: list[str]) -> None:
    port = free_port()
    env = {**os.environ, "BAOTONG_DATA_DIR": folder, "BAOTONG_DATABASE_URL": url,
           "BAOTONG_PUBLIC_REQUESTS_PER_MINUTE": "100000000",
           "BAOTONG_JOB_WORKERS": "1"}  # fmt: skip
    with served(env, port, "--workers", str(WORKERS)) as server:
        asyncio.run(load(port, numbers, rate=RATE, seconds=3))  # warm every worker
        cpu = _cpu_seconds(server.pid)
        times, failures, elapsed = asyncio.run(load(port, numbers, rate=RATE, seconds=SECONDS))
        cpu = _cpu_seconds(server.pid) - cpu
    times.sort()
    if not times:
        print(f"  no answers; {failures}")
        return
    p50, p99 = times[len(times) // 2], times[int(len(times) * 0.99)]
    print(f"  {WORKERS} service processes, asked {RATE}/s for {SECONDS:.0f} s: answered "
          f"{len(times) / elapsed:,.0f}/s; p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
          f"max {times[-1] * 1000:.0f} ms")  # fmt: skip
    print(f"  service CPU per answer {cpu / max(1, len(times)) * 1000:.2f} ms "
          f"(every service process; the database's own CPU not counted)")  # fmt: skip
    if failures:
        print(f"  failures: {failures}")


async def load(
    port: int, numbers: list[str], *, rate: int, seconds: float
) -> tuple[list[float], dict[str, int], float]:
    """Open loop: request k is due at start + k / rate; its time counts from then."""
    idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(CONNECTIONS):
        idle.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    times: list[float] = []
    windows: dict[int, list[float]] = {}
    failures: dict[str, int] = {}
    rng = random.Random(3)
    loop = asyncio.get_running_loop()
    start = loop.time()
    total = int(rate * seconds)

    async def one(k: int, number: str) -> None:
        due = start + k / rate
        reader, writer = await idle.get()
        try:
            writer.write(f"GET /api/v1/public/track/{number} HTTP/1.1\r\n"
                         f"Host: 127.0.0.1\r\n\r\n".encode())  # fmt: skip
            head = await reader.readuntil(b"\r\n\r\n")
            status = head.split(b" ", 2)[1].decode()
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))  # fmt: skip
            await reader.readexactly(length)
            if status == "200":
                times.append(loop.time() - due)
                windows.setdefault(int(k / rate // WINDOW), []).append(times[-1])
            else:
                failures[status] = failures.get(status, 0) + 1
        except (OSError, asyncio.IncompleteReadError, StopIteration) as exc:
            failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        finally:
            idle.put_nowait((reader, writer))

    tasks = []
    for k in range(total):
        delay = start + k / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(k, numbers[rng.randrange(len(numbers))])))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - start
    while not idle.empty():
        _, writer = idle.get_nowait()
        writer.close()
    if seconds > WINDOW:
        print(
            "  p99 per "
            + f"{WINDOW:.0f} s: "
            + ", ".join(
                f"{sorted(w)[int(len(w) * 0.99)] * 1000:.0f}" for _, w in sorted(windows.items())
            )
            + " ms"
        )
    return times, failures, elapsed


if __name__ == "__main__":
    main()
