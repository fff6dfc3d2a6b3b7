"""The production unit (the centre or station where a ticket's item is): it sees only its
own unit's tickets, the investigation first, records the findings (and no other step), gets
the investigation's notices, reminders and escalations, and may open nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from baotong import jobs
from baotong.core import clock
from baotong.core.exceptions import NotFoundError
from baotong.core.pagination import PageRequest
from baotong.db.session import session_scope
from baotong.servicedesk import service as desk
from baotong.servicedesk.models import TicketChannel, TicketStatus
from baotong.servicedesk.schemas import ContactDone, InvestigationDone

from ..tracking.conftest import T0
from .conftest import AGENT, PASSWORD, WH, XA, complaint, inbox, log_in_as, supervisor, unit_user


def test_a_unit_sees_its_own_tickets_only_the_investigation_first(
    seeded: sessionmaker[Session], items: dict[str, str], tickets: dict[str, int]
) -> None:
    xian, wuhan = unit_user(seeded, "xa_unit", XA), unit_user(seeded, "wh_unit", WH)
    with clock.frozen(T0), session_scope(seeded) as session:
        later = desk.open_ticket(  # a newer Xi'an ticket, still at the contact step
            session, data=complaint(items["henan"]), channel=TicketChannel.AGENT, principal=AGENT
        )
    with session_scope(seeded, write=False) as session:
        mine = desk.list_tickets(session, principal=xian, page=PageRequest(limit=10)).items
        assert [(t.id, t.status) for t in mine] == [
            (tickets["henan"], TicketStatus.INVESTIGATE),
            (later.id, TicketStatus.CONTACT),
        ]
        theirs = desk.list_tickets(session, principal=wuhan, page=PageRequest(limit=10)).items
        assert [t.id for t in theirs] == [tickets["hubei"]]
        with pytest.raises(NotFoundError):
            desk.get_ticket(session, tickets["henan"], principal=wuhan)


def test_the_unit_is_told_reminded_and_escalated_then_records_its_findings(
    seeded: sessionmaker[Session], items: dict[str, str]
) -> None:
    xian, wuhan = unit_user(seeded, "xa_unit", XA), unit_user(seeded, "wh_unit", WH)
    boss = supervisor(seeded)
    with clock.frozen(T0) as now:
        with session_scope(seeded) as session:
            ticket = desk.open_ticket(
                session, data=complaint(items["henan"]), channel=TicketChannel.AGENT,
                principal=AGENT,
            )  # fmt: skip
            desk.record_contact(
                session, ticket_id=ticket.id, principal=AGENT,
                data=ContactDone(expected_by=T0 + timedelta(hours=4)),
            )  # fmt: skip
        assert inbox(seeded, xian.user_id) == ["ticket.notice.investigate"]
        now.advance(timedelta(hours=3, minutes=1))
        assert jobs.fire_due(seeded) == 1  # three quarters of the promised four hours
        assert inbox(seeded, xian.user_id)[-1] == "ticket.notice.reminder"
        assert inbox(seeded, boss) == []  # the unit is there to be reminded
        now.advance(timedelta(hours=1))
        assert jobs.fire_due(seeded) == 1
        assert inbox(seeded, xian.user_id)[-1] == "ticket.notice.escalated"
        assert inbox(seeded, boss) == ["ticket.notice.escalated"]
        assert inbox(seeded, wuhan.user_id) == []
        with session_scope(seeded) as session:
            done = desk.record_findings(
                session, ticket_id=ticket.id, principal=xian,
                data=InvestigationDone(findings="在西安中心滞留，已安排发车"),
            )  # fmt: skip
            assert (done.status, done.findings) == (
                TicketStatus.CALLBACK,
                "在西安中心滞留，已安排发车",
            )
            assert desk.events_of(session, ticket.id)[-1].actor == "xa_unit"


def test_in_the_console_the_unit_records_findings_and_nothing_else(
    client: TestClient, seeded: sessionmaker[Session], tickets: dict[str, int]
) -> None:
    unit_user(seeded, "xa_unit", XA)
    browser = log_in_as(client, "xa_unit")
    csrf = {"csrf_token": browser.cookies["baotong_csrf"]}
    assert browser.get("/").headers["location"] == "/tickets"
    listed = browser.get("/tickets")
    assert f'/tickets/{tickets["henan"]}"' in listed.text
    assert f'/tickets/{tickets["hubei"]}"' not in listed.text
    assert browser.get(f"/tickets/{tickets['hubei']}").status_code == 404
    henan = f"/tickets/{tickets['henan']}"
    page = browser.get(henan)
    assert 'data-testid="investigation-form"' in page.text
    assert "/lookup" not in page.text  # the agents' tools are not the unit's
    for path in ("/plans", "/lookup", "/servicedesk/load", "/servicedesk/scripts", "/map"):
        assert browser.get(path).status_code == 403, path
    refused = browser.post(f"{henan}/contact", data={"expected_by": "2099-01-01T08:00", **csrf})
    assert refused.status_code == 403
    empty = browser.post(f"{henan}/investigation", data={"findings": "", **csrf})
    assert empty.status_code == 422
    done = browser.post(f"{henan}/investigation", data={"findings": "滞留，已发车", **csrf})
    assert done.status_code == 303, done.text
    after = browser.get(henan)
    assert 'data-testid="ticket-status">待回访' in after.text
    assert "callback-form" not in after.text  # the 11183 team's step, not the unit's
    refused = browser.post(
        f"{henan}/callback", data={"result": "x", "satisfaction": "satisfied", **csrf}
    )
    assert refused.status_code == 403
    assert browser.post(f"{henan}/reopen", data={"reason": "x", **csrf}).status_code == 403


def test_through_the_api_the_unit_investigates_and_is_refused_the_other_steps(
    client: TestClient, seeded: sessionmaker[Session], tickets: dict[str, int]
) -> None:
    unit_user(seeded, "xa_unit", XA)
    login = client.post("/api/v1/auth/login", json={"username": "xa_unit", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    api = "/api/v1/tickets"
    assert [t["id"] for t in client.get(api, headers=headers).json()] == [tickets["henan"]]
    assert client.get(f"{api}/{tickets['hubei']}", headers=headers).status_code == 404
    assert client.post(f"{api}/{tickets['henan']}/contact", headers=headers,
                       json={"expected_by": "2099-01-01T08:00:00Z"}).status_code == 403  # fmt: skip
    assert client.get("/api/v1/scripts", headers=headers).status_code == 403
    assert client.get("/api/v1/plans", headers=headers).status_code == 403
    done = client.post(f"{api}/{tickets['henan']}/investigation", headers=headers,
                       json={"findings": "滞留"})  # fmt: skip
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "callback"
    callback = {"result": "x", "satisfaction": "satisfied"}
    assert client.post(f"{api}/{tickets['henan']}/callback", headers=headers,
                       json=callback).status_code == 403  # fmt: skip
    again = client.post(f"{api}/{tickets['henan']}/investigation", headers=headers,
                        json={"findings": "再次"})  # fmt: skip
    assert again.status_code == 409
