"""The service-desk API: a public complaint becomes a ticket that agents take through its
steps; supervisors feed the load, set rules, add seats, divert; the channels board."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

API = "/api/v1"


def test_a_public_complaint_goes_through_its_steps_by_the_api(
    client: TestClient, users: Any, items: dict[str, str]
) -> None:
    complaint = {
        "number": items["henan"],
        "category": "controlled_area",
        "contact_name": "王女士",
        "contact_phone": "13700000000",
    }
    made = client.post(f"{API}/public/complaints", json=complaint)
    assert made.status_code == 201, made.text
    assert set(made.json()) == {"id", "item_number", "status", "step_due_at"}
    ticket = made.json()["id"]
    agent = users.headers("cs_agent", "410000")
    steps = [
        ("contact", {"expected_by": "2099-01-01T08:00:00Z", "note": "已联系"}),
        ("investigation", {"findings": "滞留备份中心"}),
        ("callback", {"result": "已妥投", "satisfaction": "satisfied"}),
    ]
    for step, body in steps:
        reply = client.post(f"{API}/tickets/{ticket}/{step}", json=body, headers=agent)
        assert reply.status_code == 200, reply.text
    detail = reply.json()
    assert detail["status"] == "closed"
    assert detail["channel"] == "public"
    assert [e["action"] for e in detail["events"]] == [
        "opened",
        "contacted",
        "investigated",
        "called_back",
    ]
    again = client.post(f"{API}/tickets/{ticket}/callback", json=steps[2][1], headers=agent)
    assert (again.status_code, again.json()["code"]) == (409, "ticket.wrong_status")
    hubei = users.headers("cs_agent", "420000")
    assert client.get(f"{API}/tickets/{ticket}", headers=hubei).status_code == 404


def test_a_supervisor_feeds_the_load_and_diverts_an_overflowing_province(
    client: TestClient, users: Any
) -> None:
    boss = users.headers("cs_supervisor")
    client.post(
        f"{API}/callcentre/load",
        headers=boss,
        json=[
            {
                "province_code": "410000",
                "waiting": 90,
                "longest_wait_s": 100,
                "agents_online": 5,
                "handled_per_hour": 40,
            }
        ],
    )
    rule = {
        "province_code": "410000",
        "max_waiting": 30,
        "max_wait_s": 600,
        "targets": ["national"],
        "cap": 40,
    }
    assert client.put(f"{API}/callcentre/rules", json=rule, headers=boss).status_code == 200
    made = client.post(f"{API}/callcentre/divert", headers=boss).json()
    assert [(d["target"], d["contacts"]) for d in made] == [("national", 40)]
    seats = client.post(f"{API}/callcentre/410000/seats", json={"count": 8}, headers=boss).json()
    assert seats["remote_seats"] == 8
    assert seats["waiting"] == 50
    agent = users.headers("cs_agent")
    assert client.post(f"{API}/callcentre/divert", headers=agent).status_code == 403


def test_the_channels_board_is_public(client: TestClient, users: Any) -> None:
    boss = users.headers("cs_supervisor")
    channel = {
        "province_code": "410000",
        "kind": "counter",
        "name": "郑州营业厅",
        "status": "limited",
        "reason": "封控区内网点暂停",
    }
    assert client.put(f"{API}/channels", json=channel, headers=boss).status_code == 200
    board = client.get(f"{API}/public/channels?province=410000").json()
    assert [(c["name"], c["status"]) for c in board] == [("郑州营业厅", "limited")]
