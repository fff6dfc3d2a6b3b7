"""The supply demo: a table in every state, the clocks alive, and seeding twice adds nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from baotong import jobs
from baotong.config import Settings
from baotong.db.session import session_scope
from baotong.supply.demo import seed_demo
from baotong.supply.models import DemandStatus, DemandTable, SupplyClock


def test_the_demo_has_every_state_an_overdue_quote_and_an_escalation(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="k" * 40)
    with session_scope(sessions) as session:
        said = seed_demo(session, settings)
    assert any("sh_supply " in line for line in said)
    with session_scope(sessions) as session:
        seed_demo(session, settings)  # again: nothing added
    with session_scope(sessions, write=False) as session:
        states = set(session.scalars(select(DemandTable.status)))
        assert states == set(DemandStatus)
        assert session.scalar(select(func.count()).select_from(DemandTable)) == 14
        escalated = session.scalars(select(DemandTable.title).where(DemandTable.escalated)).all()
        assert len(escalated) == 1
    assert jobs.fire_due(sessions) >= 2  # the overdue quote: its reminder and its deadline
    with session_scope(sessions, write=False) as session:
        breached = session.scalars(select(SupplyClock).where(SupplyClock.breached_at.is_not(None)))
        assert {(c.kind.value, c.met_at is None) for c in breached} == {
            ("confirm", True),
            ("quote", True),
        }
        assert len(session.scalars(select(DemandTable.id).where(DemandTable.escalated)).all()) == 2
