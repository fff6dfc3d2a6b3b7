"""The duty desk over HTTP: the "done when" path of command and dispatch through the API,
and the console pages in Chinese and English."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook

from baotong.command import service as command_service
from baotong.core import clock

API = "/api/v1/command"


def _plan(scenario: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "河南全省封控应急预案",
        "province_code": "410000",
        "event_type": "province_lockdown",
        "scenario": scenario,
        "instructions": [
            {"to_province": "420000", "title": "武汉中心接管河南分区", "hours": 6},
            {"to_province": "610000", "title": "西安中心接管河南分区", "hours": 6},
        ],
        "contacts": [{"name": "河南值班室", "phone": "0371-1"}],
        "passes": [{"area": "410100", "vehicles": 20}],
    }


def test_a_duty_officer_activates_henans_plan_and_hubei_executes_then_reports(
    client: TestClient,
    users: Any,
    scenario_body: Callable[..., Any],
    wait: Callable[..., dict[str, Any]],
) -> None:
    desk = users.headers("duty_officer")
    hubei = users.headers("duty_officer", "420000")
    saved = client.put(f"{API}/emergency-plans", json=_plan(scenario_body()), headers=desk)
    assert saved.status_code == 200, saved.text
    assert saved.json()["readiness"] == "ready"
    incident = client.post(
        f"{API}/emergency-plans/{saved.json()['id']}/activate", json={}, headers=desk
    )
    assert incident.status_code == 201, incident.text
    body = incident.json()
    assert (body["kind"], body["province_code"], body["drill"]) == (
        "lockdown_declared",
        "410000",
        False,
    )
    assert wait(client, body["plan_run_id"], desk)["status"] == "succeeded"
    listed = client.get(f"{API}/instructions?incident_id={body['id']}", headers=desk)
    assert listed.headers["X-Total-Count"] == "2"
    mine = client.get(f"{API}/instructions", headers=hubei).json()
    assert [i["province_code"] for i in mine] == ["420000"]
    order = mine[0]["id"]
    assert client.post(f"{API}/instructions/{order}/receive", headers=hubei).status_code == 200
    executed = client.post(
        f"{API}/instructions/{order}/execute",
        headers=hubei,
        json={"execution": "已启用分拣封发关系"},
    )
    assert executed.json()["status"] == "executed"
    reported = client.post(
        f"{API}/instructions/{order}/report",
        headers=hubei,
        json={"result": "已接收", "objection": "武汉负荷已达 92%"},
    )
    assert (reported.json()["status"], reported.json()["objection"]) == (
        "reported",
        "武汉负荷已达 92%",
    )
    timeline = client.get(f"{API}/incidents/{body['id']}/timeline", headers=desk).json()
    actions = [e["action"] for e in timeline]
    assert actions[:3] == ["timeline.created", "timeline.activated", "timeline.scenario"]
    assert actions[-1] == "timeline.objection"
    assert "timeline.passes_applied" in actions  # no vehicles yet: 20 short
    board = {c["province_code"]: c for c in client.get(f"{API}/compliance", headers=desk).json()}
    assert board["420000"]["objections"] == 1
    assert board["610000"]["by_status"] == {"issued": 1}


def test_roles_and_provinces_bound_what_the_desk_can_do(client: TestClient, users: Any) -> None:
    viewer = users.headers("viewer")
    incident = {"kind": "road_blocked", "region": "410100", "title": "G4 封闭"}
    assert client.post(f"{API}/incidents", json=incident, headers=viewer).status_code == 403
    dispatcher = users.headers("dispatcher", "410000")
    made = client.post(f"{API}/incidents", json=incident, headers=dispatcher)
    assert made.status_code == 201
    assert made.json()["province_code"] == "410000"
    due = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    order = {"title": "绕行", "execute_by": due, "to_province": "410000"}
    assert client.post(f"{API}/instructions", json=order, headers=dispatcher).status_code == 403
    henan_desk = users.headers("duty_officer", "410000")
    refused = client.post(f"{API}/instructions", json=order, headers=henan_desk)
    assert (refused.status_code, refused.json()["code"]) == (422, "instruction.site_needed")
    to_site = client.post(
        f"{API}/instructions",
        headers=henan_desk,
        json={"title": "ZZ 中心加开夜班", "execute_by": due, "site_id": "ZZ"},
    )
    assert to_site.status_code == 201
    assert to_site.json()["issuer_province"] == "410000"
    hubei = users.headers("viewer", "420000")
    assert client.get(f"{API}/incidents/{made.json()['id']}", headers=hubei).status_code == 404


def test_a_bad_workbook_is_refused_whole_naming_sheet_row_and_column(
    client: TestClient, users: Any
) -> None:
    desk = users.headers("duty_officer", "420000")
    book = Workbook()
    sheet = book.active
    sheet.title = "equipment"
    sheet.append(["province_code", "site_id", "category", "name", "quantity"])
    sheet.append(["420000", "WH", "forklift", "叉车", 3])
    sheet.append(["420000", "WH", "crane", "吊车", 1])
    out = io.BytesIO()
    book.save(out)
    files = {"file": ("hubei.xlsx", out.getvalue(), "application/octet-stream")}
    reply = client.post(f"{API}/resources/import", files=files, headers=desk)
    assert reply.status_code == 422
    assert reply.json()["code"] == "resource.bad_import"
    assert "sheet 'equipment', row 3, column C (category)" in reply.json()["detail"]
    assert client.get(f"{API}/resources", headers=desk).json() == []


def test_overdue_instructions_are_listed_once_their_step_is_late(
    client: TestClient, users: Any
) -> None:
    desk = users.headers("duty_officer")
    due = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    client.post(
        f"{API}/instructions",
        headers=desk,
        json={"title": "西安中心接管", "execute_by": due, "to_province": "610000"},
    )
    assert client.get(f"{API}/instructions?overdue=true", headers=desk).json() == []
    later = datetime.now(UTC) + command_service.RECEIVE_WITHIN + timedelta(minutes=1)
    browser = TestClient(client.app)
    browser.cookies.set("baotong_session", desk["Authorization"].removeprefix("Bearer "))
    with clock.frozen(later):
        late = client.get(f"{API}/instructions?overdue=true", headers=desk).json()
        board = browser.get("/command")
    assert [i["title"] for i in late] == ["西安中心接管"]
    assert board.status_code == 200
    assert 'data-testid="late"' in board.text


def test_the_console_pages_speak_chinese_and_english(client: TestClient, users: Any) -> None:
    desk = users.headers("duty_officer")
    made = client.post(
        f"{API}/incidents",
        headers=desk,
        json={"kind": "staff_shortage", "site_id": "ZZ", "title": "郑州分拣员不足"},
    )
    page = f"/command/incidents/{made.json()['id']}"
    token = desk["Authorization"].removeprefix("Bearer ")
    browser = TestClient(client.app)
    browser.cookies.set("baotong_session", token)
    for path, zh, en in (
        (page, "起草借调申请", "Draft a lending request"),
        ("/command", "登记事件", "Record an incident"),
        ("/command/instructions", "逾期指令", "Overdue instructions"),
        ("/command/resources", "应急资源台账", "Resource inventory"),
        ("/command/safety", "填报日志", "File a log"),
        ("/command/emergency-plans", "应急预案", "Emergency plans"),
    ):
        browser.get("/lang/zh")
        assert zh in browser.get(path).text, path
        browser.get("/lang/en")
        assert en in browser.get(path).text, path
