"""The group-buy API and console pages by role and scope: a leader sees and manages only
their own group; operations run the cut-off once; another province sees nothing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.groupbuy.conftest import POINTS, World

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
