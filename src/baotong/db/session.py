"""Engines and sessions: transactions are opened and closed here, at the edge.

Services only ``flush()``; ``session_scope()`` (CLI, workers) and the request dependency
(API) commit on success and roll back on error. On SQLite a write transaction starts
with ``BEGIN IMMEDIATE`` so two writers queue on the busy timeout instead of failing on
a stale snapshot; reads start a plain deferred ``BEGIN``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

WRITE = {"baotong_write": True}
PING_AFTER_IDLE = 2.0  # seconds
# Connections a process keeps to PostgreSQL, all of them kept open: with SQLAlchemy's
# default of 5 kept and 10 more opened on demand, a busy process opened and closed a server
# process (milliseconds of CPU each) for a good part of its requests.
POOL_SIZE = 15


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys, a busy timeout, real BEGINs."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, echo=echo, pool_size=POOL_SIZE, max_overflow=0)
        _ping_when_idle(engine)
        return engine
    if parsed.database and parsed.database != ":memory:" and not parsed.query.get("uri"):
        private_file(Path(parsed.database))
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"timeout": 30, "check_same_thread": False},
    )
    _configure_sqlite(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use when it has been idle ``PING_AFTER_IDLE``
    seconds or more; a dead one (the database restarted) is replaced before the request
    sees it. A pre-ping on every checkout cost a round trip per request, a tenth of a
    warehouse scan's; a connection used moments ago is taken as alive, and should the
    server die in that moment, the error that request gets makes the pool drop every
    connection it holds."""

    @event.listens_for(engine, "checkin")
    def _idle(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"a pooled connection is dead: {exc}") from exc


def private_file(path: Path) -> None:
    """Create ``path``'s folder (0700) and the empty file (0600) unless they exist: the
    database holds password hashes, no other local user may read it."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, emit BEGIN (so SAVEPOINT and IMMEDIATE work).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get("baotong_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(
    factory: sessionmaker[Session], *, write: bool = True, standalone: bool = False
) -> Iterator[Session]:
    """One transaction: commit when the block succeeds, roll back when it raises.

    ``standalone`` reads (``write=False``) whose every statement stands alone run on
    PostgreSQL without a transaction: no BEGIN and COMMIT round trips, each statement sees
    what was committed when it ran (SQLite reads in a plain read transaction as usual).
    """
    session = factory()
    if write:
        session.connection(execution_options=WRITE)
    elif standalone and session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
