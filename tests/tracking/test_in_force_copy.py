"""The public lookup reads what is in force once per version: one statement per lookup
after the first, a committed change seen on the next lookup, and a copy never older than
``MAX_AGE_S`` — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session, sessionmaker

from baotong.contingency import in_force
from baotong.db.session import session_scope
from baotong.network import service as network_service
from baotong.network.entities import Network, SiteStatus
from baotong.tracking import service as tracking

from ..conftest import staff
from .conftest import Lockdown


@contextmanager
def counted(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_after_the_first_lookup_a_lookup_is_one_query(
    seeded: sessionmaker[Session], network: Network, items: dict[str, str], lockdown: Lockdown
) -> None:
    plan_id = lockdown.activate()
    with session_scope(seeded, write=False) as session:
        first = tracking.track(session, network=network, number=items["henan"])
    with session_scope(seeded, write=False) as session, counted(session) as statements:
        again = tracking.track(session, network=network, number=items["henan"])
    assert len([s for s in statements if s.startswith("SELECT")]) == 1, statements
    assert again == first
    assert [(n.kind, n.plan_id) for n in again.notices] == [("lockdown", plan_id)]


def test_a_change_committed_by_another_session_shows_on_the_next_lookup(
    seeded: sessionmaker[Session], network: Network, items: dict[str, str], lockdown: Lockdown
) -> None:
    def notices(item: str) -> list[tuple[str, str | None]]:
        with session_scope(seeded, write=False) as session:
            found = tracking.track(session, network=network, number=items[item]).notices
        return [(n.kind, n.site_id) for n in found]

    assert notices("henan") == notices("hubei") == []
    lockdown.activate()
    assert notices("henan") == [("lockdown", None)]
    lockdown.lift()
    assert notices("henan") == []
    with session_scope(seeded) as session:
        network_service.change_status(
            session, site_id="WH", status=SiteStatus.CLOSED, reason="flood", principal=staff()
        )
    assert notices("hubei") == [("closed_site", "WH")]


def test_a_write_that_left_the_version_alone_is_seen_once_the_copy_is_too_old(
    seeded: sessionmaker[Session],
    network: Network,
    items: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with session_scope(seeded, write=False) as session:
        assert tracking.track(session, network=network, number=items["hubei"]).notices == []
    with session_scope(seeded) as session:  # behind the services' back: no new version
        session.execute(text("UPDATE sites SET status = 'closed' WHERE id = 'WH'"))
    with session_scope(seeded, write=False) as session:
        assert tracking.track(session, network=network, number=items["hubei"]).notices == []
    monkeypatch.setattr(in_force, "MAX_AGE_S", 0.0)
    with session_scope(seeded, write=False) as session:
        hubei = tracking.track(session, network=network, number=items["hubei"])
    assert [(n.kind, n.site_id) for n in hubei.notices] == [("closed_site", "WH")]
