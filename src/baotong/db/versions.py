"""Versions of shared state that processes cache: a token that changes with the state.

What the public sees on a tracking lookup depends on a little state that changes rarely —
the plans in force and the zones they claim, closed sites, published announcements — and is
read on every lookup. A process keeps it in memory under the token of ``IN_FORCE`` and reads
only the token per lookup; every write to that state calls :func:`bump` in its own
transaction, so the new token is committed with the change and every process reloads once.
The token is a fresh UUID each time, so two databases never share one.
"""

from __future__ import annotations

import uuid

from sqlalchemy import String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.selectable import ScalarSelect

from baotong.db.base import Base

IN_FORCE = "in_force"  # plans in force, their claims, closed sites, public announcements


class StateVersion(Base):
    __tablename__ = "state_versions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


def bump(session: Session, name: str = IN_FORCE) -> None:
    """Give ``name`` a new token in the caller's transaction (created on first use)."""
    token = uuid.uuid4().hex
    done = session.execute(
        update(StateVersion).where(StateVersion.name == name).values(token=token)
    ).rowcount  # type: ignore[attr-defined]
    if not done:
        session.add(StateVersion(name=name, token=token))
        session.flush()


def token_query(name: str = IN_FORCE) -> ScalarSelect[str]:
    """The token as a scalar subquery, to ride along another lookup's statement."""
    return select(StateVersion.token).where(StateVersion.name == name).scalar_subquery()


def token(session: Session, name: str = IN_FORCE) -> str | None:
    return session.scalar(select(StateVersion.token).where(StateVersion.name == name))
