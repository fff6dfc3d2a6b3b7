"""Role × scope, generated from the route table: every API operation and every logged-in
page lets through exactly the roles and provinces it should.

Each route declares its permission (``require(...)`` / ``page_require(...)``); a route that
declares none must be in ``PUBLIC``. For every role × (national, Henan, Hubei) user the
test calls every route: a role without the permission gets 403; a Hubei user asking for a
Henan object (a path that names a site, scenario or plan) gets 404, so the object is not
revealed; anyone else gets an answer that is neither 403 nor a server error. Henan
(410000) is the locked province of the test scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from baotong.api.deps import route_permissions
from baotong.app import create_app
from baotong.auth.permissions import ROLE_PERMISSIONS, Permission, Role
from baotong.config import Settings
from baotong.contingency import sweep_service
from baotong.contingency.document import PlanDocument
from baotong.contingency.jobs import planner_engine
from baotong.contingency.models import SweepRun
from baotong.db.session import session_scope
from baotong.network.entities import Network

API = "/api/v1"
SCOPES = {"national": None, "henan": "410000", "hubei": "420000"}
PUBLIC = {  # (method, path) of routes anyone may call, logged in or not
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("POST", f"{API}/auth/login"),
    ("POST", f"{API}/auth/logout"),
    ("GET", f"{API}/auth/me"),  # any logged-in user, whatever the role
    ("PUT", f"{API}/auth/me/time-zone"),  # any logged-in user: their own time zone
    ("GET", "/account"),
    ("POST", "/account/time-zone"),
    ("GET", "/"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/lang/{code}"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/redoc"),
    ("*", "/static"),
    ("GET", f"{API}/public/track/{{number}}"),  # the public tracking, rate-limited
    ("POST", f"{API}/public/complaints"),
    ("GET", f"{API}/public/channels"),
    ("GET", "/track"),
    ("POST", "/track/complaints"),
    ("GET", "/g/{token}"),  # the residents' group-buy page: an unguessable token, rate-limited
    ("POST", "/g/{token}/orders"),
    ("POST", "/g/{token}/edit"),
}
# Path and required query parameters that name an object in a province; the rest are
# filled from VALUES.
SCOPED = {"site_id": "ZZ", "scenario_id": "scenario", "plan_id": "plan", "a": "plan", "b": "plan",
          "username": "user", "incident_id": "incident", "instruction_id": "instruction",
          "loan_id": "loan", "eplan_id": "eplan", "table_id": "supply_table",
          "warehouse_code": "warehouse", "document_id": "warehouse_document",
          "region_code": "sweep_region"}  # fmt: skip
# Path parameters that name an object every reader sees (national data), filled from ids.
NAMED = {"sweep_id": "sweep"}
VALUES = {
    "code": "410000",
    "level": "province",
    "destination": "410101",
    "notification_id": "1",
    "handover_id": "1",
    "evidence_id": "1",
    "load_ref": "SH-1",
    "credential_id": "1",
    "run_id": "1",
    "action": "submit",
    "date": "2026-12-01",
    "number": "EE123456785CN",
    "ticket_id": "1",
    "announcement_id": "1",
    "province_code": "410000",
    "step": "contact",
    "line_id": "1",
    "name": "0000abcd-none.pdf",
    "order_id": "1",
    "point_code": "group_point-1",
    "leader_code": "L-1",
    "seq": "1",
    "case_id": "1",
    "shuttle_id": "1",
    "route_plan_id": "1",
    "key": "410000:2026-12-01",
    "station_id": "S4101020",
    "special_run_id": "1",
    "bag_id": "1",
    "call_id": "1",
}
CSRF = "matrix-csrf"
_ONION = [{"sku": "VEG-ONION", "qty": 1}]
_WH = f"{API}/warehouse/sites/{{warehouse_code}}"
_DOC = f"{API}/warehouse/documents/{{document_id}}"
WAREHOUSE_BODIES = {
    ("POST", f"{_WH}/expected-receipts"): {"lines": _ONION, "source_type": "t", "source_id": "1"},
    ("POST", f"{_WH}/receipts"): {"lines": _ONION},
    ("POST", f"{_WH}/picks"): {"lines": _ONION, "wave": "W1"},
    ("POST", f"{_WH}/kits"): {"kit": "KIT-MILK", "kits": 1},
    ("POST", f"{_WH}/packs"): {"items": _ONION, "source": "DOCK-IN", "weight_kg": 1,
                               "size_cm": [1, 1, 1]},
    ("POST", f"{_WH}/shipments"): {"vehicle": "V1"},
    ("POST", f"{_WH}/dispatches"): {"shipment_id": 1, "carrier": "c", "handed_to": "h"},
    ("POST", f"{_WH}/counts"): {"location": "DOCK-IN"},
    ("POST", f"{_DOC}/putaway"): {"line_id": 1},
    ("POST", f"{_DOC}/pick"): {"line_id": 1},
    ("POST", f"{_DOC}/assemble"): {"kits": 1},
    ("POST", f"{_DOC}/load"): {"package": "P1"},
    ("POST", f"{_DOC}/seal"): {"seal": "S1"},
    ("POST", f"{_DOC}/count"): {"lines": []},
}  # fmt: skip


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    route: APIRoute

    @property
    def permissions(self) -> set[Permission]:
        return route_permissions(self.route)

    @property
    def is_page(self) -> bool:
        return not self.path.startswith(API)

    @property
    def names_an_object(self) -> bool:
        return any(name in SCOPED for name in self.parameters)

    @property
    def parameters(self) -> list[str]:
        dependant = self.route.dependant
        required = [q.alias for q in dependant.query_params if q.field_info.is_required()]
        return [p.name for p in dependant.path_params] + required

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def operations(app: FastAPI) -> Iterator[Operation | tuple[str, str]]:
    """Every operation of the route table; a route that is not an endpoint as (method, path)."""
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, str(context.path)
        if not isinstance(route, APIRoute):
            yield from ((m, path) for m in sorted(context.methods or {"*"}) if m != "HEAD")
            continue
        for method in sorted(route.methods - {"HEAD"}):
            yield Operation(method, path, route)


def _builder_form(scenario: dict[str, Any]) -> dict[str, Any]:
    area = scenario["locked_areas"][0]
    return {"name": scenario["name"], "area_region": area["region"], "area_level": area["level"],
            "class_parcel": "1", "factor_parcel": "1"}  # fmt: skip


def _request(operation: Operation, ids: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The URL of an operation on the Henan objects, and what it sends."""
    values = {**VALUES, **{k: ids.get(v, v) for k, v in {**SCOPED, **NAMED}.items()}}
    in_path = {p.name for p in operation.route.dependant.path_params}
    query = "&".join(f"{n}={values[n]}" for n in operation.parameters if n not in in_path)
    url = operation.path.format(**values) + (f"?{query}" if query else "")
    key = (operation.method, operation.path)
    if operation.is_page:
        forms = {
            ("POST", "/sites/{site_id}/status"): {"status": "limited", "reason": "staff"},
            ("POST", "/sites/{site_id}/capacity"): {"capacity_parcel": "90000", "reason": "half"},
            ("POST", "/scenarios"): _builder_form(ids["body"]),
            ("POST", "/scenarios/{scenario_id}"): _builder_form(ids["body"]),
            ("POST", "/users/{username}/role"): {"role": "viewer", "province_code": "410000"},
            ("POST", "/sweeps"): {"time_limit_s": "1"},
        }  # fmt: skip
        return url, {"data": {**forms.get(key, {}), "csrf_token": CSRF}}
    bodies = {
        ("POST", f"{API}/sites/{{site_id}}/status"): {"status": "limited", "reason": "staff"},
        ("POST", f"{API}/sites/{{site_id}}/capacity"): {"capacity": {"parcel": 9e4}, "reason": "x"},
        ("POST", f"{API}/scenarios"): {"body": ids["body"]},
        ("PUT", f"{API}/scenarios/{{scenario_id}}"): {"body": ids["body"]},
        ("POST", f"{API}/plans"): {"scenario_id": ids["scenario"]},
        ("POST", f"{API}/users"): {"username": "new_user", "password": "correct horse",
                                   "role": "viewer", "province_code": "410000"},
        ("PUT", f"{API}/users/{{username}}/role"): {"role": "viewer", "province_code": "410000"},
        ("POST", f"{API}/users/{{username}}/password"): {},
        ("POST", f"{API}/supply/tables"): {"title": "t", "province_code": "410000",
                                           "owner": "admin_cn"},
        ("POST", f"{API}/supply/tables/{{table_id}}/quote"): {"lines": [{
            "line_id": 1, "supplier_code": "SUP-JS-VEG", "unit_price": "1",
            "available_quantity": 1, "lead_time_hours": 1}]},
        ("POST", f"{API}/supply/tables/{{table_id}}/decide"): {"decisions": [
            {"line_id": 1, "accept": True}]},
        ("POST", f"{API}/supply/tables/{{table_id}}/cancel"): {"reason": "lifted"},
        ("POST", f"{API}/supply/tables/{{table_id}}/shipping"): {"line_id": 1, "mode": "direct",
                                                                 "comment": "full load"},
        ("POST", f"{API}/supply/tables/{{table_id}}/arrivals"): {"line_id": 1, "received": 1},
        ("POST", f"{API}/supply/tables/{{table_id}}/lines"): {
            "source_kind": "government", "source_name": "郑州", "item_kind": "kit",
            "item_code": "KIT-VEG", "quantity": 10, "unit": "套", "site_kind": "transfer_station",
            "site_name": "郑州转运站", "needed_by": "2030-01-01T08:00:00+08:00"},
        ("PUT", f"{API}/users/{{username}}/email"): {"email": "duty@example.org"},
        ("POST", f"{API}/command/incidents/{{incident_id}}/notes"): {"text": "x"},
        ("POST", f"{API}/command/instructions/{{instruction_id}}/execute"): {"execution": "x"},
        ("POST", f"{API}/command/instructions/{{instruction_id}}/report"): {"result": "x"},
        ("POST", f"{API}/command/emergency-plans/{{eplan_id}}/activate"): {"drill": True},
        **WAREHOUSE_BODIES,
    }  # fmt: skip
    return url, {"json": bodies.get(key)}


@pytest.fixture
def client(
    service_settings: Settings, seeded: sessionmaker[Session], network: Network
) -> Iterator[TestClient]:
    """The service with the real planner: every plan table and report has its columns."""
    app = create_app(service_settings, network=lambda: network, engine=planner_engine)
    with TestClient(app) as test_client:
        yield test_client


def _warehouse(client: TestClient, admin: dict[str, str]) -> dict[str, Any]:
    """The Henan warehouse the test users of warehouse roles work in, and a receipt of it."""
    site = f"{API}/warehouse/sites/warehouse-1"
    if client.get(site, headers=admin).status_code == 404:
        client.post(f"{API}/warehouse/sites", headers=admin, json={
            "code": "warehouse-1", "name": "郑州汇集点", "kind": "consolidation_point",
            "province_code": "410000", "site_id": "ZZ"})  # fmt: skip
    receipt = client.post(f"{site}/receipts", headers=admin,
                          json={"lines": [{"sku": "VEG-ONION", "qty": 5}]})  # fmt: skip
    return {"warehouse": "warehouse-1", "warehouse_document": receipt.json()["document"]["id"]}


@pytest.fixture
def henan(
    client: TestClient,
    users: Any,
    scenario_body: Callable[..., dict[str, Any]],
    wait: Callable[..., dict[str, Any]],
) -> Callable[[], dict[str, Any]]:
    """Makes a Henan scenario with a computed plan and a Henan user, as an admin; returns
    their ids."""
    admin = users.headers("admin")

    def make() -> dict[str, Any]:
        body = scenario_body()
        scenario = client.post(f"{API}/scenarios", json={"body": body}, headers=admin).json()
        plan = client.post(f"{API}/plans", json={"scenario_id": scenario["id"]}, headers=admin)
        wait(client, plan.json()["id"], admin)
        user = {"username": f"henan_{scenario['id']}", "password": "correct horse",
                "role": "viewer", "province_code": "410000"}  # fmt: skip
        client.post(f"{API}/users", json=user, headers=admin)
        table = client.post(
            f"{API}/supply/tables",
            headers=admin,
            json={"title": "河南 demand", "province_code": "410000", "owner": "admin_cn"},
        ).json()
        return {"scenario": scenario["id"], "plan": plan.json()["id"], "body": body,
                "user": user["username"], "supply_table": table["id"],
                **_sweep(client, admin, plan.json()["id"]),
                **_command_objects(client, admin, body), **_warehouse(client, admin)}  # fmt: skip

    return make


def _sweep(client: TestClient, admin: dict[str, str], plan_id: int) -> dict[str, Any]:
    """A stored sweep whose one region, Henan, has the plan ``plan_id`` computed."""
    result = PlanDocument.model_validate(
        client.get(f"{API}/plans/{plan_id}/result", headers=admin).json()
    )
    context = client.app.state.context  # type: ignore[attr-defined]
    with session_scope(context.sessions) as session:
        row = SweepRun(level="province", network="test", source="test", regions=1,
                       created_by="admin", started_at=datetime.now(UTC))  # fmt: skip
        session.add(row)
        session.flush()
        sweep_service.store_plans(session, sweep=row, plans={"410000": result},
                                  network=context.network)  # fmt: skip
        return {"sweep": row.id, "sweep_region": "410000"}


def _command_objects(
    client: TestClient, admin: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    """A Henan incident, instruction, emergency plan and a loan from Henan to Shaanxi."""
    command = f"{API}/command"
    due = (datetime.now(UTC) + timedelta(hours=6)).isoformat()
    returns = (datetime.now(UTC).date() + timedelta(days=7)).isoformat()
    incident = {"kind": "lockdown_declared", "region": "410000"}
    instruction = {"title": "x", "execute_by": due, "to_province": "410000"}
    eplan = {
        "name": "河南",
        "province_code": "410000",
        "event_type": "province_lockdown",
        "scenario": body,
        "instructions": [{"to_province": "420000", "title": "x"}],
    }
    resource = {
        "kind": "equipment",
        "category": "forklift",
        "name": "叉车",
        "quantity": 5,
        "province_code": "410000",
        "site_id": "ZZ",
    }
    made = client.post(f"{command}/resources", headers=admin, json=[resource]).json()[0]
    loan = {"resource_id": made["id"], "to_province": "610000", "return_on": returns}
    return {
        "incident": client.post(f"{command}/incidents", headers=admin, json=incident).json()["id"],
        "instruction": client.post(
            f"{command}/instructions", headers=admin, json=instruction
        ).json()["id"],
        "eplan": client.put(f"{command}/emergency-plans", headers=admin, json=eplan).json()["id"],
        "loan": client.post(f"{command}/loans", headers=admin, json=loan).json()["id"],
    }


def test_every_route_declares_a_permission_or_is_public(client: TestClient) -> None:
    undeclared = [
        str(op) if isinstance(op, Operation) else " ".join(op)
        for op in operations(client.app)  # type: ignore[arg-type]
        if (op.permissions == set() if isinstance(op, Operation) else True)
        and ((op.method, op.path) if isinstance(op, Operation) else op) not in PUBLIC
    ]
    assert undeclared == [], "declare a permission (require / page_require) or list it in PUBLIC"


def test_every_protected_route_refuses_a_caller_who_is_not_logged_in(client: TestClient) -> None:
    anonymous = TestClient(client.app, follow_redirects=False)
    anonymous.cookies.set("baotong_csrf", CSRF)
    ids = {"scenario": 1, "plan": 1, "sweep": 1, "incident": 1, "instruction": 1, "loan": 1,
           "eplan": 1, "supply_table": 1,
           "body": {"name": "x",
                    "locked_areas": [{"region": "410000", "level": "province"}]}}  # fmt: skip
    wrong = []
    for op in operations(client.app):  # type: ignore[arg-type]
        if not isinstance(op, Operation) or not op.permissions:
            continue
        url, sent = _request(op, ids)
        reply = anonymous.request(op.method, url, headers={"x-csrf-token": CSRF}, **sent)
        refused = (
            reply.status_code == 303 and reply.headers["location"].startswith("/login")
            if op.is_page
            else reply.status_code == 401
        )
        if not refused:
            wrong.append(f"{op}: {reply.status_code}")
    assert wrong == []


# Every route for every role and scope is a few thousand requests a cell: the matrix runs on
# PostgreSQL, the production database (role and scope checks do not depend on the backend;
# the other tests here run on both).
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("role", list(Role))
def test_role_and_scope_matrix(
    client: TestClient, users: Any, henan: Callable[[], dict[str, Any]], role: Role, scope: str
) -> None:
    ids = henan()
    headers = users.headers(role.value, SCOPES[scope])
    token = headers["Authorization"].removeprefix("Bearer ")
    browser = TestClient(client.app, follow_redirects=False)
    browser.cookies.set("baotong_session", token)
    browser.cookies.set("baotong_csrf", CSRF)
    wrong = []
    for op in operations(client.app):  # type: ignore[arg-type]
        if not isinstance(op, Operation) or not op.permissions:
            continue
        target = henan() if op.method == "DELETE" else ids  # deletes take their own objects
        url, sent = _request(op, target)
        if op.is_page:
            reply = browser.request(op.method, url, headers={"x-csrf-token": CSRF}, **sent)
        else:
            reply = client.request(op.method, url, headers=headers, **sent)
        allowed = op.permissions <= ROLE_PERMISSIONS[role]
        hidden = scope == "hubei" and op.names_an_object
        if not allowed:
            ok = reply.status_code == 403
        elif hidden:
            ok = reply.status_code == 404
        else:
            ok = reply.status_code < 500 and reply.status_code not in {401, 403}
            ok = ok and not (op.names_an_object and reply.status_code == 404)
        if op.is_page and reply.status_code == 303:
            ok = ok and not reply.headers["location"].startswith("/login")
        if not ok:
            wrong.append(f"{op}: {reply.status_code} {reply.text[:200]}")
        elif not op.is_page and reply.status_code in {403, 404}:
            assert reply.headers["content-type"] == "application/problem+json"
            assert "ZZ" not in reply.json().get("title", "")
    assert wrong == [], (role, scope)


@pytest.fixture
def henan_plan(
    client: TestClient,
    users: Any,
    scenario_body: Callable[..., dict[str, Any]],
    wait: Callable[..., dict[str, Any]],
) -> dict[str, int]:
    """One Henan scenario with two computed plans, ``plan`` and ``other``."""
    admin = users.headers("admin")
    scenario = client.post(f"{API}/scenarios", json={"body": scenario_body()}, headers=admin)
    ids = {"scenario": scenario.json()["id"]}
    for key in ("plan", "other"):
        plan = client.post(f"{API}/plans", json={"scenario_id": ids["scenario"]}, headers=admin)
        wait(client, plan.json()["id"], admin)
        ids[key] = plan.json()["id"]
    return ids


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
