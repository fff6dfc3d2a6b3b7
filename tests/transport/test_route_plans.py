"""Route plans: solved by the job runner into delivery runs checked against the passes,
re-planned without a vehicle the check stops, route sheets as PDF, the plan's page with
its map, and the recipients signing for their orders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.contingency.test_api import _computed_plan

from baotong.transport import jobs as transport_jobs
from baotong.transport import service

API = "/api/v1/transport"


def _vans(client: TestClient, headers: dict[str, str], capacity: int = 30,
          count: int = 2) -> list[dict[str, int]]:  # fmt: skip
    fleet = []
    for i in range(count):
        van = client.post(f"{API}/vehicles", headers=headers, json={
            "plate": f"鄂A·V10{i}", "kind": "van", "capacity_kg": 1500, "capacity_m3": 8,
            "packages": capacity, "home_site": "WH", "province_code": "420000"})  # fmt: skip
        assert van.status_code == 201, van.text
        driver = client.post(f"{API}/people", headers=headers, json={
            "name": f"投递员{i}", "phone": "13900000000", "job": "driver", "site": "WH",
            "province_code": "420000"})  # fmt: skip
        fleet.append({"vehicle_id": van.json()["id"], "driver_id": driver.json()["id"]})
    return fleet


def _body(fleet: list[dict[str, int]], region: str = "420101", packages: int = 10,
          stops: int = 5) -> dict[str, Any]:  # fmt: skip
    return {
        "name": "区政府保供订单", "plan_date": str(service.today() + timedelta(days=1)),
        "depot": {"name": "武汉前置仓", "lon": 115.6, "lat": 34.5},
        "stops": [{"id": f"P{i}", "name": f"社区{i}", "address": f"解放路{i}号",
                   "lon": 115.6 + 0.01 * i, "lat": 34.5 + 0.008 * (i % 3), "region": region,
                   "packages": packages, "ready": "08:00", "due": "12:00", "service_min": 5}
                  for i in range(1, stops + 1)],
        "fleet": fleet, "time_limit_s": 0.5,
    }  # fmt: skip


def _solved(client: TestClient, headers: dict[str, str], plan: dict[str, Any]) -> Any:
    assert plan["state"] == "solving"
    client.app.state.context.runner.wait(plan["job_id"], timeout=60)  # type: ignore[attr-defined]
    return client.get(f"{API}/plans/{plan['id']}", headers=headers).json()


def test_a_plan_is_solved_in_the_background_into_cleared_delivery_runs(
    client: TestClient, users: Any
) -> None:
    td = users.headers("transport_dispatcher", "420000")
    made = client.post(f"{API}/plans", headers=td, json=_body(_vans(client, td)))
    assert made.status_code == 202, made.text
    plan = _solved(client, td, made.json())
    assert plan["state"] == "solved", plan
    routes = plan["result"]["routes"]
    assert sorted(s for r in routes for s in r["stops"]) == [f"P{i}" for i in range(1, 6)]
    assert all(r["load"] <= 30 and r["cleared"] for r in routes)
    assert len(routes) == 2  # 50 packages need both vans of 30
    for r in routes:  # each stop is reached inside its window
        assert all(8 * 3600 <= a <= 12 * 3600 for a in r["arrivals"])
    day = plan["plan_date"]
    runs = client.get(f"{API}/runs", params={"date": day}, headers=td).json()
    assert sorted(r["run"]["id"] for r in runs) == sorted(r["run_id"] for r in routes)
    assert {r["run"]["kind"] for r in runs} == {"delivery"}

    sheets = client.get(f"{API}/plans/{plan['id']}/sheets.pdf", headers=td)
    assert sheets.headers["content-type"] == "application/pdf"
    assert sheets.content.startswith(b"%PDF")
    one = client.get(f"{API}/plans/{plan['id']}/sheets.pdf",
                     params={"run": routes[0]["run_id"]}, headers=td)  # fmt: skip
    assert one.content.startswith(b"%PDF")
    assert len(one.content) < len(sheets.content)

    login = {"username": "transport_dispatcher_420000", "password": "correct horse"}
    assert client.post("/api/v1/auth/login", json=login).status_code == 200
    page = client.get(f"/transport/plans/{plan['id']}")
    assert page.status_code == 200
    assert "data-route-map" in page.text
    assert page.text.count('data-testid="route"') == 2
    state = client.get(f"/transport/plans/{plan['id']}/state", headers={"HX-Request": "true"})
    assert state.headers.get("HX-Refresh") == "true"  # solved: the page reloads to show it
    assert "区政府保供订单" in client.get("/transport/plans").text


def test_a_route_the_pass_check_stops_is_flagged_and_replanned_without_its_vehicle(
    client: TestClient,
    users: Any,
    scenario_body: Callable[..., dict[str, Any]],
    wait: Callable[..., dict[str, Any]],
) -> None:
    plan_id = _computed_plan(client, users, scenario_body, wait)
    assert client.post(f"/api/v1/plans/{plan_id}/approve",
                       headers=users.headers("planner")).status_code == 200  # fmt: skip
    assert client.post(f"/api/v1/plans/{plan_id}/activate",
                       headers=users.headers("dispatcher")).status_code == 200  # fmt: skip
    td = users.headers("transport_dispatcher")
    fleet = _vans(client, td)
    today = service.today()
    cleared = fleet[0]
    for kind, subject in (("vehicle_pass", {"vehicle_id": cleared["vehicle_id"]}),
                          ("staff_whitelist", {"person_id": cleared["driver_id"]})):  # fmt: skip
        made = client.post(f"{API}/credentials", headers=td, json={
            "kind": kind, **subject, "areas": ["410000"], "route_types": ["city"],
            "authority": "河南省指挥部", "valid_from": str(today),
            "valid_to": str(today + timedelta(days=7))})  # fmt: skip
        cid = made.json()["id"]
        client.post(f"{API}/credentials/{cid}/submit", headers=td)
        assert client.post(f"{API}/credentials/{cid}/grant", headers=td,
                           json={"number": "1"}).json()["state"] == "granted"  # fmt: skip
    made = client.post(f"{API}/plans", headers=td, json=_body(fleet, region="410101"))
    plan = _solved(client, td, made.json())
    flags = {r["vehicle_id"]: r["cleared"] for r in plan["result"]["routes"]}
    assert flags == {cleared["vehicle_id"]: True, fleet[1]["vehicle_id"]: False}
    blocked = next(r for r in plan["result"]["routes"] if not r["cleared"])
    assert {(m["subject"], m["reason"]) for m in blocked["missing"]} == {
        ("vehicle", "none"), ("driver", "none")}  # fmt: skip

    again = client.post(f"{API}/plans/{plan['id']}/replan", headers=td,
                        json={"without": fleet[1]["vehicle_id"]})  # fmt: skip
    assert again.status_code == 202, again.text
    replanned = _solved(client, td, again.json())
    assert replanned["excluded"] == [fleet[1]["vehicle_id"]]
    assert [r["vehicle_id"] for r in replanned["result"]["routes"]] == [cleared["vehicle_id"]]
    assert replanned["result"]["routes"][0]["cleared"]
    # one van of 30 for 50 packages: the dispatcher sees it cannot be done as planned
    assert replanned["result"]["feasible"] is False
    assert replanned["result"]["routes"][0]["load"] == 50
    runs = client.get(f"{API}/runs", params={"date": plan["plan_date"]}, headers=td).json()
    states = {r["run"]["id"]: r["run"]["state"] for r in runs}
    assert states[blocked["run_id"]] == "cancelled"
    unknown = client.post(f"{API}/plans/{plan['id']}/replan", headers=td, json={"without": 999})
    assert unknown.status_code == 422


def test_a_recipient_signs_for_an_order_and_what_is_short_is_recorded(
    client: TestClient, users: Any
) -> None:
    td = users.headers("transport_dispatcher", "420000")
    made = client.post(f"{API}/plans", headers=td, json=_body(_vans(client, td), stops=2))
    plan = _solved(client, td, made.json())
    route = plan["result"]["routes"][0]
    stop = route["stops"][0]
    at = (service.start_of(service.today()) + timedelta(hours=33)).isoformat()
    signed = client.post(f"{API}/plans/{plan['id']}/deliveries", headers=td, json={
        "run_id": route["run_id"], "stop_id": stop, "recipient": "街道办 周丽", "at": at,
        "count": 9, "damaged": 1, "note": "一箱外包装破损"})  # fmt: skip
    assert signed.status_code == 201, signed.text
    handover = signed.json()
    assert (handover["leg"], handover["to_party"], handover["count"], handover["short"],
            handover["damaged"]) == ("to_recipient", "街道办 周丽", 9, 1, 1)  # fmt: skip
    upload = client.post(f"{API}/handovers/{handover['id']}/evidence", headers=td,
                         params={"kind": "signature"},
                         files={"file": ("sign.png", b"\x89PNG\r\n", "image/png")})  # fmt: skip
    assert upload.status_code == 201, upload.text
    assert upload.json()["kind"] == "signature"
    chain = client.get(f"{API}/loads/{handover['load_ref']}/custody", headers=td).json()
    assert chain["holder"] == "街道办 周丽"
    assert chain["handovers"][0]["evidence"][0]["kind"] == "signature"
    base = {"run_id": route["run_id"], "recipient": "x", "at": at}
    wrong = client.post(f"{API}/plans/{plan['id']}/deliveries", headers=td,
                        json={**base, "stop_id": "P99", "count": 1})  # fmt: skip
    assert (wrong.status_code, wrong.json()["code"]) == (422, "route_plan.unknown_stop")
    too_many = client.post(f"{API}/plans/{plan['id']}/deliveries", headers=td,
                           json={**base, "stop_id": stop, "count": 11})  # fmt: skip
    assert too_many.json()["code"] == "route_plan.bad_count"


def test_a_plan_no_vehicle_can_carry_fails_saying_which_stop(
    client: TestClient, users: Any
) -> None:
    td = users.headers("transport_dispatcher", "420000")
    made = client.post(f"{API}/plans", headers=td,
                       json=_body(_vans(client, td, count=1), packages=40))  # fmt: skip
    plan = _solved(client, td, made.json())
    assert plan["state"] == "failed"
    assert plan["result"]["error"] == "routing.stop_too_big"
    bad_region = client.post(f"{API}/plans", headers=td,
                             json=_body(_vans(client, td, count=0), region="999999"))  # fmt: skip
    assert bad_region.status_code == 422


def test_a_solve_that_crashes_fails_the_plan_and_it_can_be_solved_again(
    client: TestClient, users: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    td = users.headers("transport_dispatcher", "420000")

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("solver out of memory")

    monkeypatch.setattr(transport_jobs.engine, "solve", broken)
    made = client.post(f"{API}/plans", headers=td, json=_body(_vans(client, td)))
    plan = _solved(client, td, made.json())
    assert plan["state"] == "failed"
    assert plan["result"]["message"] == "RuntimeError: solver out of memory"
    monkeypatch.undo()
    again = client.post(f"{API}/plans/{plan['id']}/solve", headers=td)
    assert again.status_code == 202, again.text
    assert _solved(client, td, again.json())["state"] == "solved"


@pytest.mark.parametrize("ending", ["cancelled", "crashed"])
def test_a_plan_whose_job_ended_without_solving_it_says_failed_not_solving(
    client: TestClient, users: Any, seeded: Any, ending: str
) -> None:
    """The plan's state is its job's: a job cancelled while queued, or one whose process
    died mid-run (the sweep fails it), leaves no plan stuck 'solving'; it can be solved
    again."""
    from baotong import jobs
    from baotong.auth.permissions import Principal
    from baotong.db.session import session_scope
    from baotong.jobs.models import JobRun, JobStatus
    from baotong.transport import route_plans

    td = users.headers("transport_dispatcher", "420000")
    made = client.post(f"{API}/plans", headers=td, json=_body(_vans(client, td)))
    assert made.status_code == 202, made.text
    plan = _solved(client, td, made.json())
    assert plan["state"] == "solved"
    with session_scope(seeded) as session:
        row = route_plans.solve(session, plan["id"], principal=Principal.system())
        job_id = row.job_id
        assert job_id is not None
        if ending == "cancelled":
            jobs.cancel(session, job_id, by="dispatcher")
        else:  # the process running it died; the sweep failed the run
            job = session.get(JobRun, job_id)
            assert job is not None
            job.status = JobStatus.FAILED
            job.message = "the process running it stopped"
        session.flush()
    now = client.get(f"{API}/plans/{plan['id']}", headers=td).json()
    assert (now["state"], now["job_id"]) == ("failed", job_id), now
    again = client.post(f"{API}/plans/{plan['id']}/solve", headers=td)
    assert again.status_code == 202, again.text
    assert _solved(client, td, again.json())["state"] == "solved"


def test_transport_jobs_plan_on_the_network_contingency_jobs_were_given() -> None:
    """One network provider for every job handler: what the service hands the contingency
    jobs is what a route plan is solved on (transport keeps no copy of its own)."""
    from baotong.config import get_settings
    from baotong.contingency import jobs as contingency_jobs

    assert not hasattr(transport_jobs, "use")
    marker: Any = object()
    contingency_jobs.use(network=lambda: marker)
    try:
        assert transport_jobs.network_of(get_settings()) is marker
    finally:
        contingency_jobs.use()


def test_a_superseded_solve_finishing_late_does_not_overwrite_the_plan(
    client: TestClient, users: Any, seeded: Any, network: Any
) -> None:
    """A solve given up (its process stopped) and solved again: if the first one's thread
    still finishes, its result and its failure are ignored; the current solve's stands."""
    from baotong.db.session import session_scope
    from baotong.transport import engine, route_plans

    td = users.headers("transport_dispatcher", "420000")
    made = client.post(f"{API}/plans", headers=td, json=_body(_vans(client, td)))
    plan = _solved(client, td, made.json())
    first_job = plan["job_id"]
    again = client.post(f"{API}/plans/{plan['id']}/solve", headers=td)
    current = _solved(client, td, again.json())
    assert current["job_id"] != first_job
    empty = engine.RoutingSolution(routes=(), unassigned=("P1",), feasible=False, seconds=0.0,
                                   distance_m=0)  # fmt: skip
    with session_scope(seeded) as session:
        late = route_plans.store(session, plan["id"], empty, network=network, job_id=first_job)
        assert late is None
        route_plans.fail(session, plan["id"], code="route_plan.solve_failed", message="late",
                         job_id=first_job)  # fmt: skip
    after = client.get(f"{API}/plans/{plan['id']}", headers=td).json()
    assert after["state"] == "solved"
    assert after["result"] == current["result"]
