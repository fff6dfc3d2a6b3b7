"""Engines and sessions: transactions are opened and closed here, at the edge.

Services only ``flush()``; ``session_scope()`` (CLI, workers) and the request dependency
(API) commit on success and roll back on error. On SQLite a write transaction starts
with ``BEGIN IMMEDIATE`` so two writers queue on the busy timeout instead of failing on
a stale snapshot; reads start a plain deferred ``BEGIN``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

WRITE = {"baotong_write": True}


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys, a busy timeout, real BEGINs."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:" and not parsed.query.get("uri"):
        private_file(Path(parsed.database))
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"timeout": 30, "check_same_thread": False},
    )
    _configure_sqlite(engine)
    return engine


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
