"""What command asks of transport: a blocked road lists and flags the runs and vehicle
passes that use its area, and an activated emergency plan applies for its passes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from baotong.auth import service as auth_service
from baotong.auth.permissions import Scope
from baotong.command import emergency, logistics, resources
from baotong.command import service as command_service
from baotong.command.excel import ResourceIn
from baotong.command.models import EventType, IncidentKind, ResourceKind
from baotong.core import clock
from baotong.db.session import session_scope
from baotong.network.entities import Network
from baotong.notify.models import Notification
from baotong.transport import service as transport
from baotong.transport.entities import (
    CredentialKind,
    CredentialState,
    RouteType,
    RunKind,
    VehicleKind,
)
from baotong.transport.models import Credential

from ..conftest import henan_scenario, staff

START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
DESK = staff("desk")


def _vehicle(session: Session, network: Network, plate: str, province: str) -> int:
    return transport.add_vehicle(
        session, plate=plate, kind=VehicleKind.TRUCK, capacity_kg=9000, capacity_m3=40,
        packages=9000, cold_chain=False, home_site="ZZ", province_code=province,
        network=network, principal=DESK,
    ).id  # fmt: skip


def _pass(session: Session, network: Network, vehicle_id: int, area: str) -> Credential:
    today = transport.today()
    return transport.apply(
        session, kind=CredentialKind.VEHICLE_PASS, vehicle_id=vehicle_id, areas=[area],
        route_types=[RouteType.INTRA_PROVINCIAL], authority="郑州交警", valid_from=today,
        valid_to=today + timedelta(days=7), network=network, principal=DESK,
    )  # fmt: skip


def test_a_blocked_road_lists_and_flags_the_runs_and_passes_that_use_it(
    seeded: sessionmaker[Session], network: Network
) -> None:
    with session_scope(seeded) as session:
        auth_service.create_user(session, username="henan_td", password="correct horse",
                                 role="transport_dispatcher",
                                 scope=Scope.province("410000"))  # fmt: skip
    with clock.frozen(START), session_scope(seeded) as session:
        today = transport.today()
        driver = transport.add_person(session, name="王师傅", phone="13800000000", job="driver",
                                      site="ZZ", province_code="410000", network=network,
                                      principal=DESK)  # fmt: skip
        into, other, past = (
            _vehicle(session, network, p, "410000") for p in ("豫A1", "豫A2", "豫A3")
        )
        hubei = _vehicle(session, network, "鄂A1", "420000")

        def run(vehicle: int, day: int, to: str, origin: str = "WH") -> int:
            return transport.create_run(
                session, kind=RunKind.ZONE_RUN, run_date=today + timedelta(days=day),
                vehicle_id=vehicle, driver_id=driver.id, origin=origin, destination=to,
                route_type=RouteType.INTRA_PROVINCIAL, network=network, principal=DESK,
            ).id  # fmt: skip

        uses = run(into, 0, "410102")  # into a county of the blocked prefecture
        leaves = run(other, 1, "420100", origin="ZZ")  # starts at the centre inside it
        run(hubei, 0, "420100")  # elsewhere entirely
        run(past, -1, "410101")  # yesterday's: done with the road
        held = _pass(session, network, into, "410100").id
        _pass(session, network, hubei, "420000")
        incident = command_service.create_incident(
            session, kind=IncidentKind.ROAD_BLOCKED, title="G4 郑州段封闭", region="410100",
            network=network, principal=DESK,
        )  # fmt: skip
        found = logistics.road_effects(session, incident, network)
        assert (found.area, found.since) == ("410100", today)
        assert [r.id for r in found.runs] == [uses, leaves]
        assert [c.id for c in found.passes] == [held]
        logistics.flag_road(session, incident_id=incident.id, network=network, principal=DESK)
        events = command_service.timeline(session, incident.id, principal=DESK)
        assert events[-1].action == "timeline.status"  # responding, after the flag
        flagged = [e for e in events if e.action == "timeline.road_flagged"]
        assert flagged[0].params == {"area": "410100", "runs": 2, "passes": 1}
        notes = list(session.scalars(select(Notification)))
        assert [n.key for n in notes] == ["notify.road_blocked"]  # Henan's dispatcher only


def test_activating_an_emergency_plan_applies_for_its_passes_for_vehicles_without_one(
    seeded: sessionmaker[Session], network: Network
) -> None:
    with clock.frozen(START), session_scope(seeded) as session:
        first, second, third = (
            _vehicle(session, network, p, "410000") for p in ("豫B1", "豫B2", "豫B3")
        )
        _pass(session, network, first, "410100")  # already holds one for the area
        body = {
            "name": "河南全省封控应急预案",
            "province_code": "410000",
            "event_type": EventType.PROVINCE_LOCKDOWN,
            "scenario": henan_scenario(),
            "contacts": [{"name": "河南值班室", "phone": "0371-1"}],
            "passes": [{"area": "河南市", "vehicles": 3}, {"area": "火星", "vehicles": 1}],
        }
        plan = emergency.save_plan(
            session, plan=emergency.EmergencyPlanIn.model_validate(body), network=network,
            principal=DESK,
        )  # fmt: skip
        drill = emergency.activate(session, plan_id=plan.id, network=network, principal=DESK,
                                   drill=True, compute=False)  # fmt: skip
        assert _applied(session) == []  # a drill applies for nothing
        assert "timeline.passes" in _actions(session, drill.id)
        incident = emergency.activate(session, plan_id=plan.id, network=network,
                                      principal=DESK, compute=False)  # fmt: skip
        assert _applied(session) == [(second, ["410100"]), (third, ["410100"])]
        events = {
            e.action: e.params
            for e in command_service.timeline(session, incident.id, principal=DESK)
        }
        assert events["timeline.passes_applied"] == {"area": "410100", "applied": 2, "missing": 1}
        assert events["timeline.pass_area_unknown"] == {"area": "火星", "missing": 1}


def _applied(session: Session) -> list[tuple[int | None, list[Any]]]:
    rows = session.scalars(
        select(Credential)
        .where(Credential.state == CredentialState.REQUESTED, Credential.note.is_not(None))
        .order_by(Credential.id)
    )
    return [(c.vehicle_id, c.areas) for c in rows]


def _actions(session: Session, incident_id: int) -> list[str]:
    return [e.action for e in command_service.timeline(session, incident_id, principal=DESK)]


def test_the_road_api_answers_readers_and_flags_for_writers_only(
    client: TestClient, users: Any
) -> None:
    desk = users.headers("duty_officer")
    road_blocked = {"kind": "road_blocked", "region": "410100", "title": "G4 封闭"}
    made = client.post("/api/v1/command/incidents", headers=desk, json=road_blocked)
    assert made.status_code == 201, made.text
    road = f"/api/v1/command/incidents/{made.json()['id']}/road"
    seen = client.get(road, headers=users.headers("viewer"))
    assert seen.status_code == 200
    assert (seen.json()["area"], seen.json()["runs"], seen.json()["passes"]) == ("410100", [], [])
    assert client.post(f"{road}/flag", headers=users.headers("viewer")).status_code == 403
    assert client.post(f"{road}/flag", headers=desk).status_code == 200
    declared = {"kind": "lockdown_declared", "region": "410000", "title": "封控"}
    lockdown = client.post("/api/v1/command/incidents", headers=desk, json=declared)
    refused = client.get(f"/api/v1/command/incidents/{lockdown.json()['id']}/road", headers=desk)
    assert (refused.status_code, refused.json()["code"]) == (409, "incident.not_road")
    browser = TestClient(client.app)
    browser.cookies.set("baotong_session", desk["Authorization"].removeprefix("Bearer "))
    page = browser.get(f"/command/incidents/{made.json()['id']}")
    assert page.status_code == 200
    assert 'data-testid="road-effects"' in page.text
    assert 'data-testid="flag-road"' in page.text


def test_a_staff_shortage_drafts_a_loan_of_the_nearest_provinces_whitelisted_people(
    client: TestClient, seeded: sessionmaker[Session], network: Network, users: Any
) -> None:
    with session_scope(seeded) as session:
        rows = [
            ResourceIn(
                kind=ResourceKind.PERSON,
                category="sorter",
                name=name,
                quantity=quantity,
                province_code=province,
                site_id=site,
                whitelisted=whitelisted,
                closed_loop=True,
            )  # fmt: skip
            for name, quantity, province, site, whitelisted in (
                ("西安分拣员", 40, "610000", "XA", True),  # farther
                ("武汉分拣员", 6, "420000", "WH", True),  # nearest to Zhengzhou: 6 at home
                ("武汉临时工", 50, "420000", "WH", False),  # not whitelisted
            )
        ]
        added = resources.add_resources(session, rows=rows, principal=DESK)
        shortage = command_service.create_incident(
            session, kind=IncidentKind.STAFF_SHORTAGE, title="郑州中心分拣员不足",
            site_id="ZZ", network=network, principal=DESK,
        )  # fmt: skip
        assert command_service.suggestion(shortage).action == "loan"
        incident_id, wuhan = shortage.id, added[1].id
    desk = users.headers("duty_officer")
    browser = TestClient(client.app)
    browser.cookies.set("baotong_session", desk["Authorization"].removeprefix("Bearer "))
    page = browser.get(f"/command/resources?incident={incident_id}")
    assert page.status_code == 200
    assert f'<option value="{wuhan}" selected>' in page.text
    assert 'name="quantity" inputmode="numeric" value="6"' in page.text  # all six at home
    assert 'name="to_province" value="410000"' in page.text
    assert f'name="incident_id" value="{incident_id}"' in page.text
    with session_scope(seeded) as session:
        row = command_service.get_incident(session, incident_id, principal=DESK)
        draft = resources.draft_for_shortage(session, incident=row, network=network)  # fmt: skip
        loan = resources.request_loan(
            session, resource_id=int(draft["resource_id"]), quantity=int(draft["quantity"]),
            to_province=draft["to_province"], to_site=draft["to_site"],
            return_on=date.fromisoformat(draft["return_on"]), reason=draft["reason"],
            incident_id=int(draft["incident_id"]), principal=DESK,
        )  # fmt: skip
        assert (loan.resource_id, loan.quantity, loan.to_site) == (wuhan, 6, "ZZ")
