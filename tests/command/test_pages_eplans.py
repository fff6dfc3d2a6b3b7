"""Emergency plan pages (应急预案) without a browser: a plan created, edited, checked and
drilled through the console's forms; a bad field named with nothing written; the roles and
provinces that may read and write."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.web.conftest import csrf, log_in

from baotong.command import resources
from baotong.command.excel import ResourceIn
from baotong.command.models import EmergencyPlan, Incident, Instruction, ResourceKind
from baotong.db.session import session_scope

from ..conftest import staff

HENAN = "410000"
NEW = "/command/emergency-plans"


def _truck(seeded: sessionmaker[Session]) -> int:
    with session_scope(seeded) as session:
        row = ResourceIn(
            kind=ResourceKind.VEHICLE, category="truck", name="郑州应急货车", quantity=8,
            province_code=HENAN, site_id="ZZ",
        )  # fmt: skip
        return resources.add_resources(session, rows=[row], principal=staff())[0].id


def _form(truck: int, **changes: str) -> dict[str, str]:
    return {
        "name": "河南郑州封控应急预案",
        "province_code": HENAN,
        "event_type": "city_lockdown",
        "scenario.locked_areas.0.region": "410100",
        "scenario.locked_areas.0.level": "city",
        "scenario.locked_areas.1.region": "",  # a spare row, left empty
        "scenario.locked_areas.1.level": "province",
        "scenario.product_classes.ems": "0.8",
        "scenario.product_classes.supply": "1.5",
        "instructions.0.to": "ZZ",
        "instructions.0.title": "郑州中心启用备份分拣",
        "instructions.0.hours": "4",
        "instructions.1.to": "",
        "instructions.1.title": "",
        "resources.0.resource_id": str(truck),
        "resources.0.quantity": "5",
        "contacts.0.name": "郑州值班室",
        "contacts.0.role": "值班",
        "contacts.0.phone": "0371-2",
        "passes.0.area": "郑州市",
        "passes.0.vehicles": "5",
        "checklist": "确认封控范围\n\n申请通行证\n",
        **changes,
    }


def _plans(seeded: sessionmaker[Session]) -> list[EmergencyPlan]:
    with session_scope(seeded) as session:
        rows = list(session.scalars(select(EmergencyPlan)))
        session.expunge_all()
        return rows


def test_a_provincial_officer_creates_edits_checks_and_drills_a_plan(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    desk = log_in(client, seeded, "duty_officer", HENAN)
    truck = _truck(seeded)
    page = desk.get(f"{NEW}/new")
    assert page.status_code == 200
    assert 'name="scenario.locked_areas.0.region"' in page.text
    reply = desk.post(NEW, data={**_form(truck), **csrf(desk)})
    assert reply.status_code == 303, reply.text[-3000:]
    url = reply.headers["location"]
    [plan] = _plans(seeded)
    assert url == f"{NEW}/{plan.id}"
    assert plan.scenario["locked_areas"] == [{"region": "410100", "level": "city"}]
    assert plan.scenario["product_classes"] == {"ems": 0.8, "supply": 1.5}
    assert plan.instructions == [
        {"to_province": None, "site_id": "ZZ", "title": "郑州中心启用备份分拣", "body": "",
         "hours": 4.0},
    ]  # fmt: skip
    assert plan.resources == [{"resource_id": truck, "quantity": 5}]
    assert plan.checklist == ["确认封控范围", "申请通行证"]
    assert plan.readiness.value == "ready"
    shown = desk.get(url)
    assert "河南郑州封控应急预案" in shown.text
    assert 'data-testid="readiness-ok"' in shown.text
    assert plan.name in desk.get(NEW).text

    # the edit form shows what was saved; sent back unchanged it saves the same plan
    form = desk.get(f"{url}/edit")
    assert form.status_code == 200
    for value in ("410100", "郑州中心启用备份分拣", "0371-2", "申请通行证", 'value="0.8"'):
        assert value in form.text
    reply = desk.post(f"{url}/edit", data={**_form(truck), **csrf(desk)})
    assert reply.status_code == 303, reply.text[-3000:]
    [same] = _plans(seeded)
    keys = ("name", "scenario", "instructions", "resources", "contacts", "checklist", "passes")
    assert {k: getattr(same, k) for k in keys} == {k: getattr(plan, k) for k in keys}

    # an edit that commits more trucks than are at home leaves a gap the check shows
    reply = desk.post(
        f"{url}/edit",
        data={
            **_form(truck, **{"resources.0.quantity": "20", "contacts.0.phone": ""}),
            **csrf(desk),
        },
    )
    assert reply.status_code == 303, reply.text[-3000:]
    [edited] = _plans(seeded)
    assert (edited.id, edited.readiness.value) == (plan.id, "gaps")
    assert edited.readiness_problems == [
        "郑州应急货车: 8 at home, 20 committed",
        "郑州值班室: no phone",
    ]
    assert 'data-testid="readiness-problems"' in desk.get(url).text
    assert desk.post(f"{url}/check", data=csrf(desk)).status_code == 303

    # a drill lands on the incident it made, marked as a drill
    reply = desk.post(f"{url}/activate", data={"drill": "1", **csrf(desk)})
    assert reply.status_code == 303, reply.text[-3000:]
    incident_id = int(reply.headers["location"].rsplit("/", 1)[1])
    with session_scope(seeded) as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None
        assert (incident.drill, incident.emergency_plan_id) == (True, plan.id)
        sent = session.scalars(select(Instruction).where(Instruction.incident_id == incident_id))
        assert [(i.site_id, i.drill) for i in sent] == [("ZZ", True)]


def test_a_bad_field_is_named_and_nothing_is_written(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    desk = log_in(client, seeded, "duty_officer", HENAN)
    truck = _truck(seeded)
    cases: list[tuple[dict[str, str], str]] = [
        ({"instructions.0.hours": "soon"}, "instructions.0.hours"),
        ({"contacts.0.name": "", "contacts.0.role": "值班"}, "contacts.0.name"),
        ({"scenario.locked_areas.0.region": "火星"}, "scenario.locked_areas.0.region"),
        ({"scenario.product_classes.ems": "much"}, "scenario.product_classes.ems"),
        ({"passes.0.vehicles": "0"}, "passes.0.vehicles"),
        ({"province_code": "420000"}, "province_code"),  # not the officer's province
    ]
    for change, field in cases:
        reply = desk.post(NEW, data={**_form(truck, **change), **csrf(desk)})
        assert reply.status_code == 422, (field, reply.status_code)
        assert field in reply.text, field
        assert re.search(rf'name="{re.escape(field)}"[^>]*aria-invalid="true"', reply.text), field
        assert "河南郑州封控应急预案" in reply.text  # what was typed comes back
    assert _plans(seeded) == []

    assert desk.post(NEW, data={**_form(truck), **csrf(desk)}).status_code == 303
    [plan] = _plans(seeded)
    # the new-plan form never overwrites the province's plan for the same event type
    again = desk.post(NEW, data={**_form(truck, name="另一份预案"), **csrf(desk)})
    assert again.status_code == 409
    assert f"#{plan.id}" in again.text
    bad = desk.post(
        f"{NEW}/{plan.id}/edit",
        data={**_form(truck, **{"instructions.0.title": ""}), **csrf(desk)},
    )
    assert bad.status_code == 422
    assert "instructions.0.title" in bad.text
    [kept] = _plans(seeded)
    assert (kept.name, kept.instructions, kept.readiness_checked_at) == (
        plan.name, plan.instructions, plan.readiness_checked_at,
    )  # fmt: skip


def test_roles_and_provinces_bound_the_plan_pages(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    henan = log_in(client, seeded, "duty_officer", HENAN)
    truck = _truck(seeded)
    assert henan.post(NEW, data={**_form(truck), **csrf(henan)}).status_code == 303
    [plan] = _plans(seeded)
    url = f"{NEW}/{plan.id}"
    pages: list[tuple[str, Any]] = [
        (NEW, 200),
        (url, 200),
        (f"{NEW}/new", 200),
        (f"{url}/edit", 200),
    ]
    for who, province, wanted in (
        ("duty_officer", None, pages),
        ("planner", None, pages),
        ("viewer", None, [(NEW, 200), (url, 200), (f"{NEW}/new", 403), (f"{url}/edit", 403)]),
        ("duty_officer", "420000", [(NEW, 200), (url, 404), (f"{url}/edit", 404)]),
        ("cs_agent", None, [(NEW, 403), (url, 403), (f"{NEW}/new", 403)]),
    ):
        browser = log_in(client, seeded, who, province)
        for path, status in wanted:
            assert browser.get(path).status_code == status, (who, province, path)
        listed = browser.get(NEW)
        if listed.status_code == 200:
            assert (plan.name in listed.text) == (province in (None, HENAN)), (who, province)
    viewer = log_in(client, seeded, "viewer")
    for path in (NEW, f"{url}/edit", f"{url}/check", f"{url}/activate"):
        assert viewer.post(path, data={**_form(truck), **csrf(viewer)}).status_code == 403, path
    hubei = log_in(client, seeded, "duty_officer", "420000")
    assert hubei.post(f"{url}/edit", data={**_form(truck), **csrf(hubei)}).status_code == 404
    with session_scope(seeded) as session:
        assert session.scalar(select(func.count()).select_from(EmergencyPlan)) == 1
        assert session.scalar(select(func.count()).select_from(Incident)) == 0
