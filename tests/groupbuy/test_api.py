"""The group-buy API and console pages by role and scope: a leader sees and manages only
their own group; operations run the cut-off once; another province sees nothing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.groupbuy.conftest import POINTS, World
from tests.web.conftest import log_in

from baotong.audit import service as audit
from baotong.audit.models import AuditEntry
from baotong.db.session import session_scope
from baotong.groupbuy.models import AfterSale
from baotong.servicedesk.models import Ticket, TicketCategory, TicketStatus

API = "/api/v1/groupbuy"


def test_a_leader_sees_and_manages_only_their_own_group(
    client: TestClient, users: Any, world: World
) -> None:
    mine, _ = world.open(POINTS[0])
    other, _ = world.open(POINTS[1])
    leader = users.headers("group_leader", "410000")  # scoped to group_point-1
    points = client.get(f"{API}/points", headers=leader).json()
    assert [p["code"] for p in points] == [POINTS[0]]
    assert [o["id"] for o in client.get(f"{API}/orders", headers=leader).json()] == [mine]
    assert client.get(f"{API}/orders/{mine}", headers=leader).status_code == 200
    assert client.get(f"{API}/orders/{other}", headers=leader).status_code == 404
    assert client.get(f"{API}/orders/{other}/handout", headers=leader).status_code == 404
    assert client.post(f"{API}/orders/{other}/cancel", headers=leader).status_code == 404
    body = {"province_code": "410000"}
    assert client.post(f"{API}/cutoff", headers=leader, json=body).status_code == 403
    assert client.post(f"{API}/orders/{mine}/cancel", headers=leader).json()["status"] == (
        "cancelled"
    )


def test_the_leaders_hand_out_list_shows_their_residents_contacts(
    client: TestClient, users: Any, world: World
) -> None:
    mine, token = world.open(POINTS[0])
    world.order(token, "13800001111", VEG_POTATO=2)
    leader = users.headers("group_leader", "410000")
    [row] = client.get(f"{API}/orders/{mine}/handout", headers=leader).json()
    assert (row["seq"], row["room"], row["phone"]) == (1, "1201", "13800001111")
    assert row["lines"][0]["qty"] == 2


def test_operations_run_the_cutoff_once_and_another_province_sees_nothing(
    client: TestClient, users: Any, world: World
) -> None:
    mine, token = world.open(POINTS[0])
    world.order(token, "13800001111", VEG_POTATO=2)
    ops = users.headers("supply_supervisor", "410000")
    body = {"province_code": "410000", "day": world.day.isoformat()}
    first = client.post(f"{API}/cutoff", headers=ops, json=body)
    assert first.status_code == 200, first.text
    assert first.json()["orders"] == 1
    assert first.json()["repeated"] is False
    again = client.post(f"{API}/cutoff", headers=ops, json=body).json()
    assert again["repeated"] is True
    assert again["waves"] == first.json()["waves"]
    hubei = users.headers("supply_supervisor", "420000")
    assert client.get(f"{API}/points", headers=hubei).json() == []
    assert client.get(f"{API}/orders/{mine}", headers=hubei).status_code == 404
    assert client.get(f"{API}/dashboard?day={world.day}", headers=hubei).json() == []
    refused = client.post(f"{API}/cutoff", headers=hubei, json=body)
    assert refused.status_code == 422
    dashboard = f"{API}/dashboard?day={world.day.isoformat()}"
    [henan] = client.get(dashboard, headers=ops).json()
    assert henan["orders"] == 1


def test_console_pages_for_a_leader(client: TestClient, users: Any, world: World) -> None:
    mine, token = world.open(POINTS[0])
    world.order(token, "13800001111", VEG_POTATO=2)
    leader = users.headers("group_leader", "410000")
    browser = TestClient(client.app, follow_redirects=False)
    browser.cookies.set("baotong_session", leader["Authorization"].removeprefix("Bearer "))
    home = browser.get("/groupbuy")
    assert home.status_code == 200
    assert "小区1" in home.text
    assert "小区2" not in home.text
    page = browser.get(f"/groupbuy/orders/{mine}")
    assert page.status_code == 200
    assert f"/g/{token}" in page.text
    assert "13800001111" in page.text
    assert browser.get(f"/groupbuy/orders/{mine}/print").status_code == 200
    assert browser.get("/groupbuy/dashboard?level=county").status_code == 200
    assert browser.get("/groupbuy/leaders").status_code == 200


def test_an_after_sales_case_opens_an_urgent_ticket_about_its_group_order(
    client: TestClient, users: Any, world: World
) -> None:
    mine, token = world.open(POINTS[0])
    world.order(token, "13800001111", VEG_POTATO=2)
    leader = users.headers("group_leader", "410000")
    case = {"resident_seq": 1, "kind": "damaged", "item_code": "VEG-POTATO", "qty": 1,
            "description": "压坏了"}  # fmt: skip
    made = client.post(f"{API}/orders/{mine}/cases", headers=leader, json=case)
    assert made.status_code == 201, made.text
    with session_scope(world.sessions) as session:
        row = session.scalars(select(AfterSale)).one()
        assert row.ticket_id is not None
        ticket = session.get(Ticket, row.ticket_id)
        assert ticket is not None
        assert (ticket.item_id, ticket.item_number) == (None, None)
        assert (ticket.subject_kind, ticket.subject_ref) == ("group_order", str(mine))
        assert (ticket.category, ticket.contact_phone, ticket.province_code) == (
            TicketCategory.DAMAGED, "13800001111", "410000")  # fmt: skip
        assert ticket.status is TicketStatus.CONTACT
        assert ticket.step_due_at is not None
        ticket_id = ticket.id
    agent = users.headers("cs_agent", "410000")
    detail = client.get(f"/api/v1/tickets/{ticket_id}", headers=agent)
    assert detail.status_code == 200, detail.text
    assert (detail.json()["item_number"], detail.json()["subject_ref"]) == (None, str(mine))
    assert ticket_id in [t["id"] for t in client.get("/api/v1/tickets", headers=agent).json()]
    hubei = users.headers("cs_agent", "420000")
    assert client.get(f"/api/v1/tickets/{ticket_id}", headers=hubei).status_code == 404

    browser = log_in(client, world.sessions, "admin", "410000")
    page = browser.get(f"/tickets/{ticket_id}")
    assert page.status_code == 200, page.text
    assert f'href="/groupbuy/orders/{mine}"' in page.text  # the group order, not a waybill
    assert "/lookup?number=" not in page.text
    listed = browser.get("/tickets")
    assert listed.status_code == 200
    assert 'data-testid="ticket-subject"' in listed.text
    order_page = browser.get(f"/groupbuy/orders/{mine}")
    assert f'href="/tickets/{ticket_id}"' in order_page.text
    assert 'c-orange" data-testid="case-ticket-status"' in order_page.text

    for step, body in (
        ("contact", {"expected_by": "2099-01-01T08:00:00Z", "note": "已联系"}),
        ("investigation", {"findings": "分拣压坏"}),
        ("callback", {"result": "已补发", "satisfaction": "satisfied"}),
    ):
        done = client.post(f"/api/v1/tickets/{ticket_id}/{step}", headers=agent, json=body)
        assert done.status_code == 200, done.text
    closed = browser.get(f"/groupbuy/orders/{mine}")
    assert 'c-green" data-testid="case-ticket-status"' in closed.text  # closing shows on the case


def test_the_cutoffs_audit_entry_links_to_the_group_orders_of_that_day(
    client: TestClient, users: Any, world: World
) -> None:
    mine, token = world.open(POINTS[0])
    world.order(token, "13800001111", VEG_POTATO=2)
    ops = users.headers("supply_supervisor", "410000")
    body = {"province_code": "410000", "day": world.day.isoformat()}
    assert client.post(f"{API}/cutoff", headers=ops, json=body).status_code == 200
    with session_scope(world.sessions) as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "group_order.cutoff")
        ).one()
        kind = audit.object_type(entry.object_type)
        assert kind is not None
        assert kind.link is not None
        link = kind.link.format(id=entry.object_id)
    assert link == f"/groupbuy/cutoffs/410000:{world.day.isoformat()}"
    browser = log_in(client, world.sessions, "supply_supervisor", "410000")
    page = browser.get(link)
    assert page.status_code == 200, page.text
    assert f'href="/groupbuy/orders/{mine}"' in page.text
    assert browser.get("/groupbuy/cutoffs/410000:not-a-day").status_code == 404
    assert browser.get("/groupbuy/cutoffs/nonsense").status_code == 404
    other = log_in(client, world.sessions, "supply_supervisor", "420000")
    assert other.get(link).status_code == 404
