"""Pooled PostgreSQL connections: a dead one is replaced before a request uses it, when it
has been idle; one used moments ago is not checked (no round trip per request)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from tests.conftest import PG_ADMIN, fresh_database

from baotong.db import session as db_session
from baotong.db.session import make_engine


def _backend_pid(engine: object) -> int:
    with engine.connect() as connection:  # type: ignore[attr-defined]
        return int(connection.scalar(text("SELECT pg_backend_pid()")))


def test_an_idle_connection_whose_server_process_died_is_replaced_unseen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_database("postgresql", tmp_path) as url:
        engine = make_engine(url)
        try:
            first = _backend_pid(engine)
            assert _backend_pid(engine) == first  # the pooled connection is used again
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (first,))
            monkeypatch.setattr(db_session, "PING_AFTER_IDLE", 0.0)  # idle long enough
            second = _backend_pid(engine)  # no error: the dead connection was replaced
            assert second != first
        finally:
            engine.dispose()


def test_a_connection_used_moments_ago_is_not_pinged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_database("postgresql", tmp_path) as url:
        engine = make_engine(url)
        pings: list[object] = []
        real = engine.dialect.do_ping
        monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(c) or real(c))
        try:
            for _ in range(5):
                _backend_pid(engine)
            assert pings == []
            monkeypatch.setattr(db_session, "PING_AFTER_IDLE", 0.0)
            _backend_pid(engine)
            assert len(pings) == 1
        finally:
            engine.dispose()
