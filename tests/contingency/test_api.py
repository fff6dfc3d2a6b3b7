"""The plan workflow over HTTP: scenario → plan run → approve → activate → routing → lift."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from tests.conftest import wait_for_plan

API = "/api/v1"


def _computed_plan(
    client: TestClient,
    users: Any,
    scenario_body: Callable[..., dict[str, Any]],
    wait: Callable[..., dict[str, Any]],
) -> int:
    planner = users.headers("planner")
    created = client.post(f"{API}/scenarios", json={"body": scenario_body()}, headers=planner)
    assert created.status_code == 201, created.text
    assert created.json()["provinces"] == ["410000"]
    queued = client.post(
        f"{API}/plans", json={"scenario_id": created.json()["id"]}, headers=planner
    )
    assert queued.status_code == 202, queued.text
    assert queued.json()["status"] == "queued"
    plan_id = int(queued.json()["id"])
    done = wait(client, plan_id, planner)
    assert done["status"] == "succeeded", done
    assert done["progress"] == 1.0
    return plan_id


def test_a_henan_county_is_routed_to_its_backup_while_the_plan_is_active_and_back_after(
    client: TestClient,
    users: Any,
    scenario_body: Callable[..., dict[str, Any]],
    wait: Callable[..., dict[str, Any]],
) -> None:
    plan_id = _computed_plan(client, users, scenario_body, wait)
    planner, dispatcher = users.headers("planner"), users.headers("dispatcher")
    before = client.get(f"{API}/routing", params={"destination": "410102"}, headers=dispatcher)
    assert before.status_code == 200, before.text
    assert before.json()["center_id"] == "ZZ"
    assert before.json()["source"] == "baseline"

    result = client.get(f"{API}/plans/{plan_id}/result", headers=planner).json()
    backup = next(
        a["backup_center_id"] for a in result["assignments"] if a["region_code"] == "410102"
    )
    assert backup != "ZZ"

    assert client.post(f"{API}/plans/{plan_id}/approve", headers=planner).status_code == 200
    activated = client.post(f"{API}/plans/{plan_id}/activate", headers=dispatcher)
    assert activated.status_code == 200, activated.text
    assert activated.json()["lifecycle"] == "active"

    during = client.get(f"{API}/routing", params={"destination": "河南2县"}, headers=dispatcher)
    assert during.json()["center_id"] == backup
    assert during.json()["source"] == "plan"
    assert during.json()["plan_id"] == plan_id
    assert during.json()["transit"]["chain"][-1] == backup
    station = client.get(f"{API}/routing", params={"destination": "S4101020"}, headers=dispatcher)
    assert station.json()["center_id"] == backup

    lifted = client.post(f"{API}/plans/{plan_id}/lift", headers=dispatcher)
    assert lifted.json()["lifecycle"] == "lifted"
    after = client.get(f"{API}/routing", params={"destination": "410102"}, headers=dispatcher)
    assert after.json() == before.json()


def test_the_second_plan_claiming_the_same_zones_gets_409_naming_the_first(
    client: TestClient,
    users: Any,
    scenario_body: Callable[..., dict[str, Any]],
    wait: Callable[..., dict[str, Any]],
) -> None:
    first = _computed_plan(client, users, scenario_body, wait)
    second = _computed_plan(client, users, scenario_body, wait)
    planner, dispatcher = users.headers("planner"), users.headers("dispatcher")
    for plan_id in (first, second):
        client.post(f"{API}/plans/{plan_id}/approve", headers=planner)
    assert client.post(f"{API}/plans/{first}/activate", headers=dispatcher).status_code == 200
    refused = client.post(f"{API}/plans/{second}/activate", headers=dispatcher)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["conflicting_plan_id"] == first
    assert problem["zone"].startswith("4101")
    assert f"plan {first}" in problem["detail"]
    assert client.get(f"{API}/plans/{second}", headers=planner).json()["lifecycle"] == "approved"

    client.post(f"{API}/plans/{first}/lift", headers=dispatcher)
    assert client.post(f"{API}/plans/{second}/activate", headers=dispatcher).status_code == 200


def test_a_plan_can_be_approved_only_once_computed_and_activated_only_once_approved(
    client: TestClient,
    users: Any,
    scenario_body: Callable[..., dict[str, Any]],
    wait: Callable[..., dict[str, Any]],
) -> None:
    plan_id = _computed_plan(client, users, scenario_body, wait)
    dispatcher = users.headers("dispatcher")
    early = client.post(f"{API}/plans/{plan_id}/activate", headers=dispatcher)
    assert early.status_code == 409
    assert "must be approved" in early.json()["detail"]


def test_the_audit_log_records_who_approved_and_activated(
    client: TestClient,
    users: Any,
    scenario_body: Callable[..., dict[str, Any]],
    wait: Callable[..., dict[str, Any]],
) -> None:
    plan_id = _computed_plan(client, users, scenario_body, wait)
    client.post(f"{API}/plans/{plan_id}/approve", headers=users.headers("planner"))
    client.post(f"{API}/plans/{plan_id}/activate", headers=users.headers("dispatcher"))
    log = client.get(
        f"{API}/audit",
        params={"object_type": "plan", "object_id": str(plan_id)},
        headers=users.headers("admin"),
    ).json()
    assert [(e["action"], e["actor"]) for e in log] == [
        ("plan.activate", "dispatcher_cn"),
        ("plan.approve", "planner_cn"),
        ("plan.create", "planner_cn"),
    ]
    assert log[0]["before"] == {"lifecycle": "approved"}
    assert log[0]["after"]["lifecycle"] == "active"


def test_the_audit_log_filters_by_actor_action_and_time(
    client: TestClient,
    users: Any,
    scenario_body: Callable[..., dict[str, Any]],
    wait: Callable[..., dict[str, Any]],
) -> None:
    plan_id = _computed_plan(client, users, scenario_body, wait)
    client.post(f"{API}/plans/{plan_id}/approve", headers=users.headers("planner"))
    admin = users.headers("admin")
    by_planner = client.get(f"{API}/audit", params={"actor": "planner_cn"}, headers=admin).json()
    assert by_planner
    assert {e["actor"] for e in by_planner} == {"planner_cn"}
    approvals = client.get(f"{API}/audit", params={"action": "plan.approve"}, headers=admin).json()
    assert [e["object_id"] for e in approvals] == [str(plan_id)]
    newest = approvals[0]["at"]
    later = client.get(f"{API}/audit", params={"since": "2999-01-01T00:00:00Z"}, headers=admin)
    assert later.json() == []
    upto = client.get(
        f"{API}/audit", params={"action": "plan.approve", "until": newest}, headers=admin
    )
    assert upto.json() == []  # until is exclusive
    naive = client.get(f"{API}/audit", params={"since": "2022-04-01T00:00:00"}, headers=admin)
    assert naive.status_code == 422
    assert naive.json()["field"] == "since"


def test_an_invalid_scenario_body_names_the_field(client: TestClient, users: Any) -> None:
    body = {
        "name": "x",
        "locked_areas": [{"region": "410000", "level": "planet"}],
        "product_classes": {"parcel": 1.0},
    }
    reply = client.post(f"{API}/scenarios", json={"body": body}, headers=users.headers("planner"))
    assert reply.status_code == 422
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["field"] == "body.locked_areas.0.level"
    unknown = {**body, "locked_areas": [{"region": "Atlantis"}]}
    reply = client.post(
        f"{API}/scenarios", json={"body": unknown}, headers=users.headers("planner")
    )
    assert reply.json()["field"] == "body.locked_areas.0.region"
    assert "Atlantis" in reply.json()["detail"]


def test_the_real_planner_runs_in_the_pool_and_its_outputs_download(
    service_settings: Any, seeded: Any, network: Any, scenario_body: Callable[..., dict[str, Any]]
) -> None:
    from baotong.app import create_app
    from baotong.contingency.jobs import planner_engine

    app = create_app(service_settings, network=lambda: network, engine=planner_engine)
    with TestClient(app) as client:
        from_users = _users_for(client, seeded)
        planner = from_users("planner")
        scenario = client.post(f"{API}/scenarios", json={"body": scenario_body()}, headers=planner)
        ids = []
        for limit in (5, 3):
            queued = client.post(
                f"{API}/plans",
                json={"scenario_id": scenario.json()["id"], "parameters": {"time_limit_s": limit}},
                headers=planner,
            )
            assert queued.status_code == 202, queued.text
            ids.append(queued.json()["id"])
        for plan_id in ids:
            wait_for_plan(app, plan_id, timeout=60)
            run = client.get(f"{API}/plans/{plan_id}", headers=planner).json()
            assert run["status"] == "succeeded", run
        result = client.get(f"{API}/plans/{ids[0]}/result", headers=planner).json()
        assert result["schema"] == "baotong.plan/1"
        assert {a["region_code"][:2] for a in result["assignments"]} == {"41"}
        csv = client.get(
            f"{API}/plans/{ids[0]}/result.csv", params={"table": "assignments"}, headers=planner
        )
        assert csv.headers["content-type"].startswith("text/csv")
        assert len(csv.text.strip().splitlines()) == len(result["assignments"]) + 1
        xlsx = client.get(f"{API}/plans/{ids[0]}/result.xlsx", headers=planner)
        assert xlsx.content[:2] == b"PK"
        report = client.get(f"{API}/plans/{ids[0]}/report.html", headers=planner)
        assert report.headers["content-type"].startswith("text/html")
        assert "<html" in report.text.lower()
        assert "设备分拣方案 / Chute plan" in report.text  # the operations section
        compared = client.get(
            f"{API}/plans/compare", params={"a": ids[0], "b": ids[1]}, headers=planner
        )
        assert compared.status_code == 200, compared.text
        bad = client.post(
            f"{API}/plans",
            json={"scenario_id": scenario.json()["id"], "parameters": {"time_limit_s": -1}},
            headers=planner,
        )
        assert bad.status_code == 422
        assert bad.json()["field"] == "parameters.time_limit_s"


def _users_for(client: TestClient, sessions: Any) -> Callable[[str], dict[str, str]]:
    from baotong.auth import service as auth_service
    from baotong.db.session import session_scope

    def headers(role: str) -> dict[str, str]:
        with session_scope(sessions) as session:
            auth_service.create_user(session, username=role, password="long enough", role=role)
        token = client.post(
            f"{API}/auth/login", json={"username": role, "password": "long enough"}
        ).json()
        return {"Authorization": f"Bearer {token['access_token']}"}

    return headers
