"""The audit log: rows in the caller's transaction, and the registry of object types."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from baotong.audit import service as audit
from baotong.audit.models import AuditEntry
from baotong.core.exceptions import ValidationError
from baotong.db.session import session_scope


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of the registry, so a test's own types do not outlive it."""
    monkeypatch.setattr(audit, "_TYPES", dict(audit._TYPES))


def test_every_domain_registers_the_types_it_audits() -> None:
    import baotong.auth.service
    import baotong.contingency.service
    import baotong.network.service  # noqa: F401

    names = {t.name for t in audit.object_types()}
    assert {"site", "scenario", "plan", "user"} <= names
    plan = audit.object_type("plan")
    assert plan is not None
    assert plan.label_key == "object.plan"
    assert plan.href("7") == "/plans/7"


@pytest.mark.usefixtures("registry")
def test_a_type_is_registered_once_with_one_meaning() -> None:
    first = audit.register_type("parcel", label_key="object.parcel", link="/parcels/{id}")
    assert audit.register_type("parcel", label_key="object.parcel", link="/parcels/{id}") == first
    with pytest.raises(ValueError, match="already registered"):
        audit.register_type("parcel", label_key="object.other")
    assert audit.register_type("note", label_key="object.note").href("1") is None


@pytest.mark.usefixtures("registry")
def test_recording_an_unregistered_type_is_a_programming_error(
    sessions: sessionmaker[Session],
) -> None:
    with session_scope(sessions) as session, pytest.raises(ValueError, match="not registered"):
        audit.record(session, actor="a", action="x.y", object_type="nothing", object_id="1")


def _lose_a_parcel_and_fail(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        audit.record(session, actor="a", action="parcel.lost", object_type="parcel", object_id="1")
        raise RuntimeError("the change failed")


@pytest.mark.usefixtures("registry")
def test_a_row_lives_and_dies_with_the_callers_transaction(
    sessions: sessionmaker[Session],
) -> None:
    audit.register_type("parcel", label_key="object.parcel")
    with pytest.raises(RuntimeError, match="the change failed"):
        _lose_a_parcel_and_fail(sessions)
    with session_scope(sessions) as session:
        audit.record(session, actor="a", action="parcel.found", object_type="parcel", object_id="1")
    with session_scope(sessions, write=False) as session:
        assert list(session.scalars(select(AuditEntry.action))) == ["parcel.found"]
        found = audit.entries(session, object_type="parcel")
        assert [e.action for e in found.items] == ["parcel.found"]


def test_filtering_by_a_type_nobody_registered_is_refused(
    sessions: sessionmaker[Session],
) -> None:
    with session_scope(sessions, write=False) as session, pytest.raises(ValidationError) as err:
        audit.entries(session, object_type="planet")
    assert err.value.code == "audit.unknown_type"
    assert err.value.field == "object_type"
