"""Role × scope: every endpoint lets through exactly the roles and provinces it should.

Henan (410000) is the locked province of the test scenario; a Henan user sees Henan's
sites and plans, a Hubei (420000) user sees neither (404, the object is not revealed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

API = "/api/v1"
ROLES = [
    "admin",
    "planner",
    "dispatcher",
    "warehouse_operator",
    "cs_agent",
    "group_leader",
    "viewer",
]
SCOPES = [None, "410000", "420000"]

# (method, path, who may) — "who may" is the set of roles with the permission.
READ_ALL = {"admin", "planner", "dispatcher", "viewer"}
ENDPOINTS = [
    ("GET", "/sites/ZZ", READ_ALL | {"warehouse_operator", "cs_agent"}),
    ("GET", "/scenarios/{scenario}", READ_ALL),
    ("GET", "/plans/{plan}", READ_ALL),
    (
        "GET",
        "/routing?destination=410101",
        READ_ALL | {"warehouse_operator", "cs_agent", "group_leader"},
    ),
    ("POST", "/sites/ZZ/status", {"admin", "planner", "dispatcher"}),
    ("POST", "/plans/{plan}/approve", {"admin", "planner"}),
    ("POST", "/plans/{plan}/activate", {"admin", "dispatcher"}),
    ("GET", "/audit", {"admin", "planner", "dispatcher"}),
    ("GET", "/plans/{plan}/result", READ_ALL),
    ("POST", "/sites/ZZ/capacity", {"admin", "planner", "dispatcher"}),
    ("POST", "/scenarios", {"admin", "planner"}),
    ("POST", "/plans", {"admin", "planner"}),
    ("POST", "/plans/{other}/lift", {"admin", "dispatcher"}),
    ("DELETE", "/scenarios/{scenario}", {"admin", "planner"}),
]
SCOPED = {
    "/plans/{plan}/result",
    "/sites/ZZ/capacity",
    "/scenarios",
    "/plans",
    "/plans/{other}/lift",
    "/scenarios/{scenario}",
    "/sites/ZZ",
    "/plans/{plan}",
    "/sites/ZZ/status",
    "/plans/{plan}/approve",
    "/plans/{plan}/activate",
}


@pytest.fixture
def henan_plan(
    client: TestClient,
    users: Any,
    scenario_body: Callable[..., dict[str, Any]],
    wait: Callable[..., dict[str, Any]],
) -> dict[str, int]:
    admin = users.headers("admin")
    scenario = client.post(f"{API}/scenarios", json={"body": scenario_body()}, headers=admin)
    ids = {"scenario": scenario.json()["id"]}
    for key in ("plan", "other"):
        plan = client.post(f"{API}/plans", json={"scenario_id": ids["scenario"]}, headers=admin)
        wait(client, plan.json()["id"], admin)
        ids[key] = plan.json()["id"]
    return ids


def _body(template: str, ids: dict[str, int], scenario: dict[str, Any]) -> Any:
    return {
        "/sites/ZZ/status": {"status": "limited", "reason": "staff shortage"},
        "/sites/ZZ/capacity": {"capacity": {"parcel": 90000}, "reason": "half the staff"},
        "/scenarios": {"body": scenario},
        "/plans": {"scenario_id": ids["scenario"]},
    }.get(template)


def _prepare(client: TestClient, template: str, ids: dict[str, int], admin: Any) -> None:
    """Put the plan in the state the endpoint acts on, as an admin."""
    if template.endswith("/activate"):
        client.post(f"{API}/plans/{ids['plan']}/approve", headers=admin)
    if template.endswith("/lift"):
        client.post(f"{API}/plans/{ids['plan']}/lift", headers=admin)
        client.post(f"{API}/plans/{ids['other']}/approve", headers=admin)
        client.post(f"{API}/plans/{ids['other']}/activate", headers=admin)


@pytest.mark.parametrize("scope", SCOPES, ids=["national", "henan", "hubei"])
@pytest.mark.parametrize("role", ROLES)
def test_role_and_scope_matrix(
    client: TestClient,
    users: Any,
    henan_plan: dict[str, int],
    scenario_body: Callable[..., dict[str, Any]],
    role: str,
    scope: str | None,
) -> None:
    headers = users.headers(role, scope)
    admin = users.headers("admin")
    for method, template, allowed in ENDPOINTS:
        _prepare(client, template, henan_plan, admin)
        path = template.format(**henan_plan)
        body = _body(template, henan_plan, scenario_body())
        reply = client.request(method, API + path, headers=headers, json=body)
        in_scope = scope in (None, "410000") or template not in SCOPED
        if role not in allowed:
            expected = {403}
        elif not in_scope:
            # a scenario for another province is refused on its field; objects are hidden
            expected = {422} if template == "/scenarios" else {404}
        else:
            expected = {200, 201, 202, 204}
        assert reply.status_code in expected, (method, path, role, scope, reply.text)
        if reply.status_code != 204:
            assert reply.headers["content-type"].startswith(
                "application/problem+json" if reply.status_code >= 400 else "application/json"
            )
        if reply.status_code == 404:
            assert "ZZ" not in reply.json().get("title", "")
        if template.endswith("/activate") and reply.status_code == 200:
            client.post(f"{API}/plans/{henan_plan['plan']}/lift", headers=admin)


def test_lists_show_a_provincial_user_only_its_province(
    client: TestClient, users: Any, henan_plan: dict[str, int]
) -> None:
    hubei = users.headers("viewer", "420000")
    sites = client.get(f"{API}/sites", headers=hubei).json()
    assert sites["total"] == 3  # Hubei's centre WH and the two stations of its one county
    assert {s["province_code"] for s in sites["items"]} == {"420000"}
    assert client.get(f"{API}/plans", headers=hubei).json() == []
    assert client.get(f"{API}/scenarios", headers=hubei).json() == []
    henan = users.headers("viewer", "410000")
    listed = [p["id"] for p in client.get(f"{API}/plans", headers=henan).json()]
    assert listed == [henan_plan["other"], henan_plan["plan"]]


def test_api_lists_are_pages_with_the_total_in_a_header(
    client: TestClient, users: Any, henan_plan: dict[str, int]
) -> None:
    henan = users.headers("viewer", "410000")
    reply = client.get(f"{API}/plans?limit=1&offset=1", headers=henan)
    assert [p["id"] for p in reply.json()] == [henan_plan["plan"]]
    assert reply.headers["X-Total-Count"] == "2"
    assert client.get(f"{API}/scenarios", headers=henan).headers["X-Total-Count"] == "1"
    assert client.get(f"{API}/plans?limit=0", headers=henan).status_code == 422


def test_a_provincial_planner_cannot_plan_for_another_province(
    client: TestClient, users: Any, scenario_body: Callable[..., dict[str, Any]]
) -> None:
    hubei = users.headers("planner", "420000")
    reply = client.post(f"{API}/scenarios", json={"body": scenario_body()}, headers=hubei)
    assert reply.status_code == 422
    assert reply.json()["field"] == "body.locked_areas"


def test_no_token_is_401_and_a_forged_token_too(client: TestClient) -> None:
    assert client.get(f"{API}/plans").status_code == 401
    forged = client.get(f"{API}/plans", headers={"Authorization": "Bearer abc.123.def"})
    assert forged.status_code == 401
    assert forged.headers["content-type"] == "application/problem+json"
