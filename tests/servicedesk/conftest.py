"""The tracking fixtures serve the service-desk tests too; what several of its test files
share: the agent, a complaint, the province supervisor, the production units and their
tickets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal, Role, Scope, ScopeKind
from baotong.core import clock
from baotong.db.session import session_scope
from baotong.network.entities import Network
from baotong.notify.models import Notification
from baotong.servicedesk import service as desk
from baotong.servicedesk.models import TicketCategory, TicketChannel
from baotong.servicedesk.schemas import ContactDone, TicketCreate
from baotong.tracking import service as tracking_service
from baotong.tracking.schemas import EventIn

from ..conftest import staff
from ..tracking.conftest import T0, items, lockdown, system  # noqa: F401

AGENT = Principal(1, "agent", Role.CS_AGENT, Scope.province("410000"))


def complaint(number: str) -> TicketCreate:
    return TicketCreate(
        number=number,
        category=TicketCategory.CONTROLLED_AREA,
        contact_name="王女士",
        contact_phone="13700000000",
        description="寄往郑州的药品三天没有动",
    )


def supervisor(sessions: sessionmaker[Session]) -> int:
    with session_scope(sessions) as session:
        user = auth_service.create_user(
            session,
            username="henan_supervisor",
            password="correct horse",
            role="cs_supervisor",
            scope=Scope.province("410000"),
        )
        return user.id


def inbox(sessions: sessionmaker[Session], user_id: int) -> list[str]:
    with session_scope(sessions, write=False) as session:
        return list(
            session.scalars(select(Notification.key).where(Notification.user_id == user_id))
        )


PASSWORD = "correct horse"
XA = Scope.unit(ScopeKind.SITE, "XA", province_code="610000")  # Xi'an centre
WH = Scope.unit(ScopeKind.SITE, "WH", province_code="420000")  # Wuhan centre


def unit_user(sessions: sessionmaker[Session], name: str, scope: Scope) -> Principal:
    with session_scope(sessions) as session:
        user = auth_service.create_user(
            session, username=name, password=PASSWORD, role="production_unit", scope=scope
        )
        return Principal(user.id, name, Role.PRODUCTION_UNIT, scope)


@pytest.fixture
def tickets(
    seeded: sessionmaker[Session],
    network: Network,
    items: dict[str, str],  # noqa: F811
) -> dict[str, int]:
    """A Henan ticket whose item is at Xi'an (waiting for the investigation) and a Hubei
    ticket whose item arrived at Wuhan (waiting for the contact)."""
    with clock.frozen(T0), session_scope(seeded) as session:
        tracking_service.ingest(
            session, network=network, items=[], principal=staff(),
            events=[EventIn(number=items["hubei"], event="arrived", site_id="WH",
                            at=T0 + timedelta(hours=6))],
        )  # fmt: skip
        made = {
            key: desk.open_ticket(
                session, data=complaint(items[key]), channel=TicketChannel.AGENT, principal=AGENT
            ).id
            for key in ("henan", "hubei")
        }
        desk.record_contact(
            session, ticket_id=made["henan"], principal=AGENT,
            data=ContactDone(expected_by=T0 + timedelta(hours=8), note="已联系"),
        )  # fmt: skip
    return made


def log_in_as(client: TestClient, username: str) -> TestClient:
    browser = TestClient(client.app, follow_redirects=False)
    browser.get("/login")
    reply = browser.post(
        "/login",
        data={"username": username, "password": PASSWORD,
              "csrf_token": browser.cookies["baotong_csrf"]},
    )  # fmt: skip
    assert reply.status_code == 303, reply.text
    return browser
