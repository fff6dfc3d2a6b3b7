"""The production unit follows the item: the investigation goes where the item is when the
province has reached the customer, and a ticket can be handed to another unit (转办) until
its findings are in — by the agents or by the unit itself, with the reason, logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from baotong.audit.models import AuditEntry
from baotong.core import clock
from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.db.session import session_scope
from baotong.network.entities import Network
from baotong.servicedesk import service as desk
from baotong.servicedesk.models import TicketChannel, TicketStatus
from baotong.servicedesk.schemas import ContactDone, InvestigationDone, Transfer
from baotong.tracking import service as tracking_service
from baotong.tracking.schemas import EventIn

from ..conftest import staff
from ..tracking.conftest import T0
from .conftest import AGENT, PASSWORD, WH, XA, complaint, inbox, log_in_as, unit_user


def test_the_investigation_goes_where_the_item_is_once_the_customer_is_reached(
    seeded: sessionmaker[Session], network: Network, items: dict[str, str]
) -> None:
    xian, wuhan = unit_user(seeded, "xa_unit", XA), unit_user(seeded, "wh_unit", WH)
    with clock.frozen(T0 + timedelta(hours=4)), session_scope(seeded) as session:
        ticket = desk.open_ticket(
            session, data=complaint(items["henan"]), channel=TicketChannel.AGENT, principal=AGENT
        )
        assert ticket.unit_id == "XA"  # dispatched from Xi'an three hours after 08:00
        tracking_service.ingest(  # the item moves on to Wuhan before the province calls
            session, network=network, items=[], principal=staff(),
            events=[EventIn(number=items["henan"], event="arrived", site_id="WH",
                            at=T0 + timedelta(hours=5))],
        )  # fmt: skip
    with clock.frozen(T0 + timedelta(hours=6)), session_scope(seeded) as session:
        moved = desk.record_contact(
            session, ticket_id=ticket.id, principal=AGENT,
            data=ContactDone(expected_by=T0 + timedelta(hours=12)),
        )  # fmt: skip
        assert (moved.status, moved.unit_id) == (TicketStatus.INVESTIGATE, "WH")
    assert inbox(seeded, wuhan.user_id) == ["ticket.notice.investigate"]
    assert inbox(seeded, xian.user_id) == []


def test_the_unit_hands_a_ticket_on_and_the_next_unit_is_told(
    seeded: sessionmaker[Session], tickets: dict[str, int]
) -> None:
    xian, wuhan = unit_user(seeded, "xa_unit", XA), unit_user(seeded, "wh_unit", WH)
    henan = tickets["henan"]  # at Xi'an, waiting for its investigation
    with clock.frozen(T0 + timedelta(hours=1)), session_scope(seeded) as session:
        due = desk.get_ticket(session, henan, principal=AGENT).step_due_at
        done = desk.transfer(session, ticket_id=henan, principal=xian,
                             data=Transfer(unit_id="WH", reason="邮件已发往武汉"))  # fmt: skip
        assert (done.unit_id, done.status, done.step_due_at) == ("WH", TicketStatus.INVESTIGATE,
                                                                 due)  # fmt: skip
        last = desk.events_of(session, henan)[-1]
        assert (last.action, last.actor, last.note) == ("transferred", "xa_unit",
                                                        "XA → WH: 邮件已发往武汉")  # fmt: skip
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "ticket.transfer")
        ).one()
        assert (audit.before, audit.after) == (
            {"unit_id": "XA"}, {"unit_id": "WH", "reason": "邮件已发往武汉"},
        )  # fmt: skip
    assert inbox(seeded, wuhan.user_id) == ["ticket.notice.transferred"]
    with session_scope(seeded) as session:
        with pytest.raises(NotFoundError):  # no longer Xi'an's to see
            desk.get_ticket(session, henan, principal=xian)
        findings = InvestigationDone(findings="已到武汉，今日投递")
        found = desk.record_findings(session, ticket_id=henan, principal=wuhan, data=findings)
        assert found.status is TicketStatus.CALLBACK


def test_a_transfer_is_refused_with_the_reason_and_changes_nothing(
    seeded: sessionmaker[Session], tickets: dict[str, int]
) -> None:
    xian, wuhan = unit_user(seeded, "xa_unit", XA), unit_user(seeded, "wh_unit", WH)
    henan = tickets["henan"]
    with session_scope(seeded) as session:
        with pytest.raises(NotFoundError):  # another unit's ticket
            desk.transfer(session, ticket_id=henan, principal=wuhan,
                          data=Transfer(unit_id="WH", reason="x"))  # fmt: skip
        for unit, code in (("NOPE", "ticket.unknown_unit"), ("XA", "ticket.same_unit")):
            with pytest.raises(ValidationError) as refused:
                desk.transfer(session, ticket_id=henan, principal=xian,
                              data=Transfer(unit_id=unit, reason="x"))  # fmt: skip
            assert (refused.value.code, refused.value.field) == (code, "unit_id")
        desk.record_findings(session, ticket_id=henan, principal=xian,
                             data=InvestigationDone(findings="滞留"))  # fmt: skip
    with session_scope(seeded) as session:
        with pytest.raises(ConflictError) as late:
            desk.transfer(session, ticket_id=henan, principal=AGENT,
                          data=Transfer(unit_id="WH", reason="x"))  # fmt: skip
        assert late.value.code == "ticket.not_transferable"
        ticket = desk.get_ticket(session, henan, principal=AGENT)
        assert ticket.unit_id == "XA"
        assert [e.action for e in desk.events_of(session, henan)].count("transferred") == 0


def test_agents_transfer_through_the_api_and_units_in_the_console(
    client: TestClient, seeded: sessionmaker[Session], tickets: dict[str, int]
) -> None:
    unit_user(seeded, "xa_unit", XA)
    login = client.post("/api/v1/auth/login", json={"username": "xa_unit", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    api = f"/api/v1/tickets/{tickets['henan']}/transfer"
    bad = client.post(api, headers=headers, json={"unit_id": "NOPE", "reason": "x"})
    assert bad.status_code == 422
    assert bad.json()["field"] == "unit_id"
    browser = log_in_as(client, "xa_unit")
    csrf = {"csrf_token": browser.cookies["baotong_csrf"]}
    page = f"/tickets/{tickets['henan']}"
    assert 'data-testid="transfer-form"' in browser.get(page).text
    refused = browser.post(f"{page}/transfer", data={"unit_id": "XA", "reason": "x", **csrf})
    assert refused.status_code == 422
    assert 'data-testid="transfer-error"' in refused.text
    done = browser.post(f"{page}/transfer", data={"unit_id": "WH", "reason": "已转武汉", **csrf})
    assert done.status_code == 303, done.text
    assert browser.get(page).status_code == 404  # now Wuhan's
