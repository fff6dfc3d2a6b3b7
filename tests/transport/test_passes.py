"""Credentials and runs over the service and HTTP: the workflow, the expiry deadlines and
their notices, scope, and a run refused entry into locked Henan naming what it lacks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.contingency.test_api import _computed_plan

from baotong import jobs
from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal, Scope
from baotong.core import clock
from baotong.db.session import session_scope
from baotong.network.entities import Network
from baotong.notify.models import Notification
from baotong.transport import service
from baotong.transport.entities import CredentialKind, CredentialState, RouteType, VehicleKind
from baotong.transport.models import Credential

API = "/api/v1/transport"
START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


def _fleet(session: Session, network: Network, principal: Principal) -> tuple[int, int]:
    vehicle = service.add_vehicle(session, plate="鄂A·T0001", kind=VehicleKind.TRUCK,
                                  capacity_kg=9000, capacity_m3=40, packages=9000,
                                  cold_chain=False, home_site="WH", province_code="420000",
                                  network=network, principal=principal)  # fmt: skip
    person = service.add_person(session, name="王师傅", phone="13800000000", job="driver",
                                site="WH", province_code="420000", network=network,
                                principal=principal)  # fmt: skip
    return vehicle.id, person.id


def test_a_granted_pass_warns_before_it_expires_and_expires_once(
    seeded: sessionmaker[Session], network: Network
) -> None:
    with session_scope(seeded) as session:
        auth_service.create_user(session, username="hubei_td", password="correct horse",
                                 role="transport_dispatcher",
                                 scope=Scope.province("420000"))  # fmt: skip
    officer = Principal.system("hubei_td")
    with clock.frozen(START) as frozen:
        today = service.today()
        with session_scope(seeded) as session:
            vehicle_id, _ = _fleet(session, network, officer)
            row = service.apply(session, kind=CredentialKind.VEHICLE_PASS, vehicle_id=vehicle_id,
                                areas=["河南"], route_types=[RouteType.INTER_PROVINCIAL],
                                authority="河南省指挥部", valid_from=today,
                                valid_to=today + timedelta(days=5), network=network,
                                principal=officer)  # fmt: skip
            assert row.areas == ["410000"]  # named as a person would, kept as a code
            assert row.province_code == "420000"  # filed under the vehicle's province
            service.submit(session, row.id, principal=officer)
            service.decide(session, row.id, grant=True, number="TX-1", principal=officer)
            credential_id = row.id
        assert jobs.fire_due(seeded) == 0
        frozen.advance(timedelta(days=3))  # within three days of the last one
        assert jobs.fire_due(seeded) == 1
        assert jobs.fire_due(seeded) == 0  # not twice
        with session_scope(seeded, write=False) as session:
            notes = list(session.scalars(select(Notification)))
            assert len(notes) == 1  # the applicant, who is also Hubei's transport dispatcher
            assert notes[0].params["holder"] == "鄂A·T0001"
        frozen.advance(timedelta(days=3))  # past the end of the last day (Beijing)
        assert jobs.fire_due(seeded) == 1
        with session_scope(seeded, write=False) as session:
            assert session.get(Credential, credential_id).state is CredentialState.EXPIRED  # type: ignore[union-attr]


def test_a_run_into_locked_henan_is_refused_until_its_pass_is_granted(
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
    td = users.headers("transport_dispatcher", "420000")
    vehicle = client.post(f"{API}/vehicles", headers=td, json={
        "plate": "鄂A·T0002", "kind": "truck", "capacity_kg": 9000, "capacity_m3": 40,
        "packages": 9000, "home_site": "WH", "province_code": "420000"})  # fmt: skip
    assert vehicle.status_code == 201, vehicle.text
    driver = client.post(f"{API}/people", headers=td, json={
        "name": "李师傅", "phone": "13900000000", "job": "driver", "site": "WH",
        "province_code": "420000"})  # fmt: skip
    assert driver.status_code == 201, driver.text
    today = service.today()
    run = client.post(f"{API}/runs", headers=td, json={
        "kind": "zone_run", "run_date": str(today), "vehicle_id": vehicle.json()["id"],
        "driver_id": driver.json()["id"], "origin": "WH", "destination": "410102",
        "route_type": "inter_provincial"})  # fmt: skip
    assert run.status_code == 201, run.text
    run_id = run.json()["id"]
    # Henan's run: a Henan dispatcher sees it; the Hubei one who planned it does not.
    henan = users.headers("transport_dispatcher", "410000")
    listed = client.get(f"{API}/runs", params={"date": str(today)}, headers=henan).json()
    [entry] = listed
    assert not entry["cleared"]
    assert {(m["subject"], m["reason"]) for m in entry["missing"]} == {
        ("vehicle", "none"), ("driver", "none")}  # fmt: skip
    refused = client.post(f"{API}/runs/{run_id}/dispatch", headers=henan)
    assert refused.status_code == 409
    assert refused.json()["code"] == "run.not_cleared"
    assert "鄂A·T0002" in refused.json()["detail"]

    for kind, subject in (("vehicle_pass", {"vehicle_id": vehicle.json()["id"]}),
                          ("staff_whitelist", {"person_id": driver.json()["id"]})):  # fmt: skip
        body = {"kind": kind, **subject, "areas": ["410000"],
                "route_types": ["inter_provincial"], "authority": "河南省指挥部",
                "valid_from": str(today), "valid_to": str(today + timedelta(days=7))}  # fmt: skip
        made = client.post(f"{API}/credentials", headers=td, json=body)
        assert made.status_code == 201, made.text
        cid = made.json()["id"]
        assert client.post(f"{API}/credentials/{cid}/grant", headers=td,
                           json={}).json()["code"] == "credential.wrong_state"  # fmt: skip
        assert client.post(f"{API}/credentials/{cid}/submit", headers=td).status_code == 200
        granted = client.post(f"{API}/credentials/{cid}/grant", headers=td, json={"number": "1"})
        assert granted.json()["state"] == "granted"
    dispatched = client.post(f"{API}/runs/{run_id}/dispatch", headers=henan)
    assert dispatched.status_code == 200, dispatched.text
    assert dispatched.json()["state"] == "dispatched"


def test_a_province_sees_and_changes_only_its_own(
    client: TestClient, users: Any, seeded: sessionmaker[Session], network: Network
) -> None:
    with session_scope(seeded) as session:
        vehicle_id, _ = _fleet(session, network, Principal.system())
    henan = users.headers("transport_dispatcher", "410000")
    assert client.get(f"{API}/vehicles", headers=henan).json() == []
    refused = client.post(f"{API}/credentials", headers=henan, json={
        "kind": "vehicle_pass", "vehicle_id": vehicle_id, "areas": ["410000"],
        "authority": "x", "valid_from": "2026-12-01", "valid_to": "2026-12-02"})  # fmt: skip
    assert refused.status_code == 404
    bad = client.post(f"{API}/vehicles", headers=henan, json={
        "plate": "豫A·1", "kind": "truck", "capacity_kg": "NaN", "capacity_m3": 1,
        "packages": 1, "home_site": "ZZ", "province_code": "410000"})  # fmt: skip
    assert bad.status_code == 422
    assert client.get(f"{API}/vehicles", headers=users.headers("viewer")).status_code == 200
    assert client.post(f"{API}/people", headers=users.headers("viewer"), json={}).status_code == 403


def test_the_runs_page_says_why_a_run_is_stopped(
    client: TestClient, seeded: sessionmaker[Session], network: Network, users: Any
) -> None:
    users.headers("transport_dispatcher")
    with session_scope(seeded) as session:
        vehicle_id, person_id = _fleet(session, network, Principal.system())
        service.create_run(session, kind=service.RunKind.ZONE_RUN, run_date=date(2026, 12, 5),
                           vehicle_id=vehicle_id, driver_id=person_id, origin="WH",
                           destination="420100", route_type=RouteType.INTRA_PROVINCIAL,
                           network=network, principal=Principal.system())  # fmt: skip
    login = {"username": "transport_dispatcher_cn", "password": "correct horse"}
    assert client.post("/api/v1/auth/login", json=login).status_code == 200
    page = client.get("/transport/runs", params={"date": "2026-12-05"})
    assert page.status_code == 200
    assert "鄂A·T0001" in page.text
    assert "可通行" in page.text  # nothing is locked: cleared
    assert client.get("/transport").status_code == 200
    assert "鄂A·T0001" in client.get("/transport/vehicles").text


def test_a_loads_chain_of_custody_must_continue_and_add_up(client: TestClient, users: Any) -> None:
    td = users.headers("transport_dispatcher", "420000")
    base = {"load_ref": "SH-1", "place": "武汉汇集点", "province_code": "420000"}
    first = {**base, "leg": "supplier_to_point", "from_party": "合作社", "to_party": "汇集点",
             "at": "2022-04-12T06:00:00+08:00", "count": 480}  # fmt: skip
    assert client.post(f"{API}/handovers", headers=td, json=first).status_code == 201
    broken = {**base, "leg": "point_to_shuttle", "from_party": "别人", "to_party": "盘驳车",
              "at": "2022-04-12T12:00:00+08:00", "count": 480}  # fmt: skip
    refused = client.post(f"{API}/handovers", headers=td, json=broken)
    assert refused.status_code == 422
    assert refused.json()["code"] == "handover.broken_chain"
    assert refused.json()["field"] == "from_party"
    wrong = {**broken, "from_party": "汇集点", "count": 470, "short": 2}
    mismatch = client.post(f"{API}/handovers", headers=td, json=wrong)
    assert mismatch.json()["code"] == "handover.count_mismatch"
    good = client.post(f"{API}/handovers", headers=td, json={**wrong, "count": 478})
    assert good.status_code == 201, good.text
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    attached = client.post(f"{API}/handovers/{good.json()['id']}/evidence", headers=td,
                           files={"file": ("sign.png", png, "image/png")})  # fmt: skip
    assert attached.status_code == 201, attached.text
    not_image = client.post(f"{API}/handovers/{good.json()['id']}/evidence", headers=td,
                            files={"file": ("x.html", b"<script>", "text/html")})  # fmt: skip
    assert not_image.json()["code"] == "evidence.bad_type"

    chain = client.get(f"{API}/loads/SH-1/custody", headers=td).json()
    assert chain["holder"] == "盘驳车"
    assert (chain["first_count"], chain["last_count"], chain["short"]) == (480, 478, 2)
    [evidence] = chain["handovers"][1]["evidence"]
    got = client.get(f"{API}/evidence/{evidence['id']}", headers=td)
    assert got.content == png
    assert got.headers["content-type"] == "image/png"
    outside = users.headers("transport_dispatcher", "410000")
    assert client.get(f"{API}/loads/SH-1/custody", headers=outside).status_code == 404
    assert client.get(f"{API}/evidence/{evidence['id']}", headers=outside).status_code == 404
