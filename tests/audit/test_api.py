"""``/api/v1/audit`` and the audit page read the registry of object types."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from baotong.audit import service as audit
from baotong.auth import service as auth_service
from baotong.db.session import session_scope

API = "/api/v1"


@pytest.fixture
def parcel_type(monkeypatch: pytest.MonkeyPatch) -> None:
    """A domain that audits parcels, registered for this test only."""
    monkeypatch.setattr(audit, "_TYPES", dict(audit._TYPES))
    audit.register_type("parcel", label_key="object.plan", link="/parcels/{id}")


def test_the_api_lists_the_registered_types_and_refuses_others(
    client: TestClient, users: Any
) -> None:
    admin = users.headers("admin")
    types = client.get(f"{API}/audit/types", headers=admin).json()
    plan = next(t for t in types if t["name"] == "plan")
    assert plan == {"name": "plan", "label_key": "object.plan", "link": "/plans/{id}"}
    refused = client.get(f"{API}/audit", params={"object_type": "planet"}, headers=admin)
    assert refused.status_code == 422
    assert refused.json()["code"] == "audit.unknown_type"
    assert client.get(f"{API}/audit/types", headers=users.headers("viewer")).status_code == 403


@pytest.mark.usefixtures("parcel_type")
def test_a_newly_registered_type_is_a_filter_and_a_link_on_the_page(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    with session_scope(seeded) as session:
        audit.record(session, actor="clerk", action="parcel.lost", object_type="parcel",
                     object_id="P-17")  # fmt: skip
        auth_service.create_user(session, username="reader", password="correct horse",
                                 role="planner")  # fmt: skip
    login = {"username": "reader", "password": "correct horse"}
    assert client.post(f"{API}/auth/login", json=login).status_code == 200
    page = client.get("/audit?object_type=parcel").text
    assert '<option value="parcel" selected>' in page
    assert 'href="/parcels/P-17"' in page


@pytest.mark.usefixtures("parcel_type")
def test_the_log_is_paged_with_the_total_in_a_header(
    client: TestClient, users: Any, seeded: sessionmaker[Session]
) -> None:
    with session_scope(seeded) as session:
        for n in range(3):
            audit.record(session, actor="clerk", action="parcel.lost", object_type="parcel",
                         object_id=f"P-{n}")  # fmt: skip
    admin = users.headers("admin")
    reply = client.get(f"{API}/audit?object_type=parcel&limit=2&offset=2", headers=admin)
    assert [e["object_id"] for e in reply.json()] == ["P-0"]
    assert reply.headers["X-Total-Count"] == "3"
