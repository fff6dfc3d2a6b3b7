"""``/api/v1/regions`` and ``/api/v1/sites`` over HTTP."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

API = "/api/v1"


def test_sites_filter_and_page(client: TestClient, users: Any) -> None:
    viewer = users.headers("viewer")
    page = client.get(
        f"{API}/sites",
        params={"kind": "station", "province": "410000", "limit": 4, "offset": 0},
        headers=viewer,
    ).json()
    assert page["total"] == 6
    assert len(page["items"]) == 4
    rest = client.get(
        f"{API}/sites",
        params={"kind": "station", "province": "410000", "limit": 4, "offset": 4},
        headers=viewer,
    ).json()
    ids = [s["id"] for s in page["items"] + rest["items"]]
    assert ids == sorted(ids)
    assert len(set(ids)) == 6


def test_closing_a_site_shows_in_its_status_history_and_the_status_filter(
    client: TestClient, users: Any
) -> None:
    dispatcher = users.headers("dispatcher", "410000")
    reply = client.post(
        f"{API}/sites/ZZ/status",
        json={
            "status": "closed",
            "reason": "封控",
            "expected_reopening": "2030-01-01T00:00:00+08:00",
        },
        headers=dispatcher,
    )
    assert reply.status_code == 201, reply.text
    closed = client.get(f"{API}/sites", params={"status": "closed"}, headers=dispatcher).json()
    assert [s["id"] for s in closed["items"]] == ["ZZ"]
    history = client.get(f"{API}/sites/ZZ/history", headers=dispatcher).json()
    assert [h["status"] for h in history] == ["closed"]
    assert history[0]["expected_reopening"].startswith("2029-12-31T16:00:00")  # stored in UTC


def test_a_capacity_override_is_listed(client: TestClient, users: Any) -> None:
    planner = users.headers("planner")
    reply = client.post(
        f"{API}/sites/WH/capacity",
        json={"capacity": {"parcel": 150000}, "reason": "extra shift"},
        headers=planner,
    )
    assert reply.status_code == 201, reply.text
    listed = client.get(f"{API}/sites/WH/capacity", headers=planner).json()
    assert listed[0]["capacity"] == {"parcel": 150000.0}
    bad = client.post(
        f"{API}/sites/WH/capacity", json={"capacity": {"gold": 1}, "reason": "x"}, headers=planner
    )
    assert bad.status_code == 422
    assert bad.json()["field"].startswith("capacity")


def test_regions_by_level_parent_and_name(client: TestClient, users: Any) -> None:
    viewer = users.headers("viewer")
    counties = client.get(f"{API}/regions", params={"parent": "410100"}, headers=viewer).json()
    assert [r["code"] for r in counties] == ["410101", "410102", "410103"]
    found = client.get(f"{API}/regions", params={"q": "湖北"}, headers=viewer).json()
    assert [r["code"] for r in found] == ["420000", "420100", "420101"]
    assert client.get(f"{API}/regions/999999", headers=viewer).status_code == 404
    for query in ("41", "河南", "henan", "Henan"):
        ranked = client.get(f"{API}/regions", params={"q": query}, headers=viewer).json()
        assert ranked[0]["code"] == "410000", query
    by_code = client.get(f"{API}/regions", params={"q": "4101"}, headers=viewer).json()
    assert [r["code"] for r in by_code] == ["410100", "410101", "410102", "410103"]
