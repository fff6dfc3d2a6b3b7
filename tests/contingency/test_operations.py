"""A plan's operations over HTTP: JSON, Excel and the page, within the reader's scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.contingency.test_api import _computed_plan

API = "/api/v1"


def test_the_operations_of_a_computed_plan_as_json_excel_and_page(
    client: TestClient,
    users: Any,
    scenario_body: Callable[..., dict[str, Any]],
    wait: Callable[..., dict[str, Any]],
) -> None:
    plan_id = _computed_plan(client, users, scenario_body, wait)
    viewer = users.headers("viewer", "410000")
    result = client.get(f"{API}/plans/{plan_id}/result", headers=viewer).json()
    reply = client.get(f"{API}/plans/{plan_id}/operations", headers=viewer)
    assert reply.status_code == 200, reply.text
    ops = reply.json()
    assert ops["schema"] == "baotong.operations/1"
    assert [c["center_id"] for c in ops["centres"]] == [b["center_id"] for b in result["backups"]]
    placed = {s["zone_id"] for c in ops["centres"] for s in c["chutes"]["slots"] if s["zone_id"]}
    assert placed == {a["zone_id"] for a in result["assignments"]}
    assert len(ops["routes"]) == len(result["transport"]["trunk"])

    xlsx = client.get(f"{API}/plans/{plan_id}/operations.xlsx", headers=viewer)
    assert xlsx.content[:2] == b"PK"
    assert "operations.xlsx" in xlsx.headers["content-disposition"]

    outside = users.headers("viewer", "420000")
    assert client.get(f"{API}/plans/{plan_id}/operations", headers=outside).status_code == 404

    login = {"username": "viewer_410000", "password": "correct horse"}
    assert client.post(f"{API}/auth/login", json=login).status_code == 200
    page = client.get(f"/plans/{plan_id}/operations")
    assert page.status_code == 200
    assert page.text.count('data-testid="ops-centre"') == len(result["backups"])
    assert 'class="chute use-new' in page.text
    assert "夜班" in page.text
    assert f'href="/plans/{plan_id}/operations"' in client.get(f"/plans/{plan_id}").text


def test_the_backlog_simulation_of_a_plan_against_doing_nothing(
    client: TestClient,
    users: Any,
    scenario_body: Callable[..., dict[str, Any]],
    wait: Callable[..., dict[str, Any]],
) -> None:
    plan_id = _computed_plan(client, users, scenario_body, wait)
    viewer = users.headers("viewer", "410000")
    reply = client.get(f"{API}/plans/{plan_id}/simulation", params={"days": 7, "seed": 3},
                       headers=viewer)  # fmt: skip
    assert reply.status_code == 200, reply.text
    data = reply.json()
    assert data["schema"] == "baotong.simulation/1"
    assert data["params"]["days"] == 7
    plan, nothing = data["runs"]
    assert (plan["name"], nothing["name"]) == ("plan", "do_nothing")
    assert len(plan["days"]) == 7
    for run in (plan, nothing):  # every item that arrived is delivered or in the backlog
        # (each figure is rounded to 0.1 item)
        assert run["arrived"] == pytest.approx(run["delivered"] + run["backlog"], abs=0.15)
    assert nothing["held"] == pytest.approx(nothing["backlog"], rel=1e-6)  # all of it held
    assert nothing["delivered"] < plan["delivered"]
    again = client.get(f"{API}/plans/{plan_id}/simulation", params={"days": 7, "seed": 3},
                       headers=viewer).json()  # fmt: skip
    assert again == data  # seeded
    lend = {"days": 7, "seed": 3, "staff_lent": "false"}
    short = client.get(f"{API}/plans/{plan_id}/simulation", params=lend, headers=viewer)
    assert short.status_code == 200, short.text
    short_plan = short.json()["runs"][0]
    assert short.json()["params"]["staff_lent"] is False
    ops = client.get(f"{API}/plans/{plan_id}/operations", headers=viewer).json()
    assert sum(c["shifts"]["gap"] for c in ops["centres"]) > 0  # the shift plan is short
    # Only the rosters' reserve on the floors: the mail is sorted later, less is delivered.
    assert short_plan["days"][-1]["sorted"] <= plan["days"][-1]["sorted"]
    assert short_plan["delivered"] < plan["delivered"]
    bad = client.get(f"{API}/plans/{plan_id}/simulation", params={"days": 0}, headers=viewer)
    assert bad.status_code == 422

    login = {"username": "viewer_410000", "password": "correct horse"}
    assert client.post(f"{API}/auth/login", json=login).status_code == 200
    page = client.get(f"/plans/{plan_id}/simulation", params={"days": 7})
    assert page.status_code == 200
    assert "<svg" in page.text
    assert page.text.count('data-testid="sim-run"') == 2
    short_page = client.get(
        f"/plans/{plan_id}/simulation", params={"days": 7, "short_staff": "true"}
    )
    assert short_page.status_code == 200
    assert 'data-testid="sim-short-staff" checked' in short_page.text
    assert "staff_lent=false" in short_page.text
