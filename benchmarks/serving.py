"""What several benchmarks share: a scratch PostgreSQL database, ``baotong serve`` run in a
subprocess until it answers ``/readyz``, the CPU its processes used, and an open-loop client
that asks at a fixed rate."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

ADMIN = os.environ.get(
    "BAOTONG_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh database on the benchmark's server (its SQLAlchemy URL), dropped afterwards."""
    name = f"baotong_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(env: dict[str, str], port: int, *options: str) -> Iterator[subprocess.Popen[bytes]]:
    """``baotong serve --port PORT OPTIONS`` with ``env``, once every one of its processes
    has started (``--workers N``: N "service ready" lines in its log) — a client connecting
    earlier would find one process accepting every connection. Its own process group, ended
    whole: the workers go with it."""
    processes = int(options[options.index("--workers") + 1]) if "--workers" in options else 1
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "baotong", "serve", "--port", str(port), *options],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            for _ in range(1200):
                log.seek(0)
                if log.read().count(b"service ready") >= processes and _ready(port):
                    break
                if server.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"baotong serve stopped: {log.read()[-2000:]!r}")
                time.sleep(0.1)
            yield server
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def _ready(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def cpu_seconds(pid: int) -> float:
    """User and system CPU of ``pid`` and its children (the worker processes), from /proc."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        fields = _stat(entry.name)
        if fields and (entry.name == str(pid) or fields[1] == str(pid)):
            total += _cpu(fields)
    return total


def _stat(pid: int | str) -> list[str]:
    """The fields of /proc/PID/stat after the command's name (none: no such process)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _cpu(fields: list[str]) -> float:
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class DatabaseCpu:
    """The CPU PostgreSQL's server processes spent on one database (its connections' backends,
    read from /proc: the server runs on this machine): ``start()`` before a load, ``spent()``
    after it, while the connections are still open."""

    def __init__(self, url: str) -> None:
        parsed = url.replace("postgresql+psycopg://", "postgresql://")
        self.admin, self.name = parsed.rsplit("/", 1)[0] + "/postgres", parsed.rsplit("/", 1)[1]
        self.before: dict[int, float] = {}

    def _backends(self) -> dict[int, float]:
        with psycopg.connect(self.admin, autocommit=True) as admin:
            pids = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.name,)
            ).fetchall()
        return {pid: _cpu(fields) for (pid,) in pids if (fields := _stat(pid))}

    def start(self) -> None:
        self.before = self._backends()

    def spent(self) -> float:
        return sum(cpu - self.before.get(pid, 0.0) for pid, cpu in self._backends().items())


@dataclass
class Load:
    """What an open-loop run measured: the time of every 200 from when it was due, the
    other answers and errors by kind, the run's length, and p99 per ``window`` seconds."""

    times: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    windows: dict[int, list[float]] = field(default_factory=dict)
    window: float = 5.0

    def fail(self, kind: str) -> None:
        self.failures[kind] = self.failures.get(kind, 0) + 1

    def summary(self, rate: int, seconds: float) -> str:
        times = sorted(self.times)
        if not times:
            return f"no answers; {self.failures}"
        p50, p99 = times[len(times) // 2], times[int(len(times) * 0.99)]
        windows = ", ".join(
            f"{sorted(w)[int(len(w) * 0.99)] * 1000:.0f}" for _, w in sorted(self.windows.items())
        )
        return (
            f"asked {rate}/s for {seconds:.0f} s: answered {len(times) / self.elapsed:,.0f}/s; "
            f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {times[-1] * 1000:.0f} ms"
            f"\n  p99 per {self.window:.0f} s: {windows} ms"
            + (f"\n  failures: {self.failures}" if self.failures else "")
        )


Answer = Callable[[int, bytes], None]


async def open_loop(
    port: int,
    request: Callable[[int], bytes],
    *,
    rate: int,
    total: int,
    connections: int,
    answered: Answer | None = None,
) -> Load:
    """Request k (the bytes ``request(k)``) is due at start + k / rate and timed from then,
    so a slow answer delays the clock of the requests queued behind it, not the schedule
    (no coordinated omission). Keep-alive connections, at most ``connections`` in flight;
    ``answered(k, body)`` sees every 200's body."""
    # The client's own pauses would count as the service's: what the benchmark loaded
    # before (a network, millions of numbers) is kept out of the collector's full passes.
    gc.collect()
    gc.freeze()
    idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    load = Load()
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def one(k: int) -> None:
        due = start + k / rate
        reader, writer = await idle.get()
        try:
            writer.write(request(k))
            head = await reader.readuntil(b"\r\n\r\n")
            status = head.split(b" ", 2)[1].decode()
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))  # fmt: skip
            body = await reader.readexactly(length)
            if status == "200":
                load.times.append(loop.time() - due)
                load.windows.setdefault(int(k / rate // load.window), []).append(load.times[-1])
                if answered is not None:
                    answered(k, body)
            else:
                load.fail(status)
        except (OSError, asyncio.IncompleteReadError, StopIteration) as exc:
            load.fail(type(exc).__name__)
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        finally:
            idle.put_nowait((reader, writer))

    tasks = []
    for k in range(total):
        delay = start + k / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(k)))
    await asyncio.gather(*tasks)
    load.elapsed = loop.time() - start
    while not idle.empty():
        _, writer = idle.get_nowait()
        writer.close()
    return load
