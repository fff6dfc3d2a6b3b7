"""Bad input never breaks the network or the server: finite numbers, safe YAML, bounded
requests, CSRF on cookie-authenticated API calls, security headers, 4xx for what the
database cannot hold. Each test reproduces a defect a hostile probe found."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from baotong.network.entities import Network

from ..web.conftest import computed_plan, csrf, log_in

API = "/api/v1"
JSON = {"content-type": "application/json"}


# -- 1. every number that enters is finite -------------------------------------------------
@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity", "1e13"])
def test_a_capacity_that_is_not_a_finite_number_is_refused_naming_the_field(
    client: TestClient, users: Any, number: str
) -> None:
    dispatcher = {**users.headers("dispatcher", "410000"), **JSON}
    body = '{"capacity": {"parcel": NUMBER}, "reason": "x"}'.replace("NUMBER", number)
    reply = client.post(f"{API}/sites/ZZ/capacity", content=body, headers=dispatcher)
    assert reply.status_code == 422, reply.text
    assert reply.json()["field"] == "capacity.parcel"
    assert client.get(f"{API}/sites/ZZ/capacity", headers=dispatcher).json() == []
    assert client.get(f"{API}/sites/ZZ", headers=dispatcher).status_code == 200


def test_the_capacity_form_refuses_inf_and_nan(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    dispatcher = log_in(client, seeded, "dispatcher")
    for typed in ("inf", "nan", "-Infinity"):
        reply = dispatcher.post(
            "/sites/ZZ/capacity",
            data={"capacity_parcel": typed, "reason": "surge", **csrf(dispatcher)},
        )
        assert reply.status_code == 422, typed
        assert "capacity.parcel" in reply.text
    assert dispatcher.get("/sites/ZZ").status_code == 200


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("options.time_limit_s", "Infinity"),
        ("options.costs.unserved_item", "1e999"),
        ("product_classes.parcel", "NaN"),
    ],
)
def test_a_scenario_with_a_non_finite_number_is_refused_naming_the_field(
    client: TestClient, users: Any, scenario_body: Any, path: str, value: str
) -> None:
    body = scenario_body()
    body.setdefault("options", {}).setdefault("costs", {})
    node = body
    *parents, last = path.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = "__N__"
    text = json.dumps({"body": body}).replace('"__N__"', value)
    reply = client.post(
        f"{API}/scenarios", content=text, headers={**users.headers("planner"), **JSON}
    )
    assert reply.status_code == 422, reply.text
    assert reply.json()["field"] == f"body.{path}"


# -- 2. a YAML alias bomb or deep nesting is refused, with a short message ------------------
BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "name: *e\nbackups: *e\n"
)


@pytest.mark.parametrize(
    "document", [BOMB, "name: " + "[" * 1000 + "]" * 1000 + "\n", "name: " + "x" * 300_000]
)
def test_a_compare_document_that_would_blow_up_is_refused_with_a_short_message(
    client: TestClient, seeded: sessionmaker[Session], network: Network, document: str
) -> None:
    plan_id = computed_plan(seeded, network, client)
    viewer = log_in(client, seeded, "viewer")
    reply = viewer.post(f"/plans/{plan_id}/compare", data={"yaml": document, **csrf(viewer)})
    assert reply.status_code == 422
    assert len(reply.content) < 400_000  # the form keeps what was typed, no expansion
    assert "lol', 'lol" not in reply.text


# -- 4. request size ------------------------------------------------------------------------
def test_a_request_body_over_the_limit_is_refused_with_413(client: TestClient, users: Any) -> None:
    limit = client.app.state.context.settings.max_body_bytes  # type: ignore[attr-defined]
    body = {"body": {"name": "x", "description": "d" * (limit + 1)}}
    reply = client.post(f"{API}/scenarios", json=body, headers=users.headers("planner"))
    assert reply.status_code == 413
    assert reply.json()["code"] == "request.too_large"

    def chunks() -> Any:  # no Content-Length: counted while it streams in
        yield b'{"body": {"description": "'
        for _ in range(limit // 65536 + 2):
            yield b"d" * 65536
        yield b'"}}'

    streamed = client.post(
        f"{API}/scenarios", content=chunks(), headers={**users.headers("planner"), **JSON}
    )
    assert streamed.status_code == 413


def test_a_scenario_text_field_over_its_limit_is_refused(
    client: TestClient, users: Any, scenario_body: Any
) -> None:
    body = {**scenario_body(), "description": "长" * 10_001}
    reply = client.post(f"{API}/scenarios", json={"body": body}, headers=users.headers("planner"))
    assert reply.status_code == 422
    assert reply.json()["field"] == "body.description"
    name = {**scenario_body(), "name": "n" * 201}
    reply = client.post(f"{API}/scenarios", json={"body": name}, headers=users.headers("planner"))
    assert reply.json()["field"] == "body.name"


# -- 5. CSRF on the API for the session cookie ----------------------------------------------
def test_the_api_refuses_a_cookie_request_from_another_site(
    client: TestClient, seeded: sessionmaker[Session], network: Network, users: Any
) -> None:
    plan_id = computed_plan(seeded, network, client)
    approver = log_in(client, seeded, "planner")  # a browser: the session cookie only
    foreign = approver.post(
        f"{API}/plans/{plan_id}/approve",
        content="x",
        headers={"origin": "https://evil.example", "content-type": "text/plain"},
    )
    assert foreign.status_code == 403
    assert foreign.json()["code"] == "csrf.other_site"
    bare = approver.post(f"{API}/plans/{plan_id}/approve")  # no Origin, no token
    assert bare.status_code == 403
    assert bare.json()["code"] == "csrf.expired"
    plan = client.get(f"{API}/plans/{plan_id}", headers=users.headers("viewer")).json()
    assert plan["plan"]["lifecycle"] == "draft" if "plan" in plan else True
    own = approver.post(
        f"{API}/plans/{plan_id}/approve", headers={"x-csrf-token": csrf(approver)["csrf_token"]}
    )
    assert own.status_code == 200, own.text


def test_a_bearer_token_needs_no_csrf_token(
    client: TestClient, seeded: sessionmaker[Session], network: Network, users: Any
) -> None:
    plan_id = computed_plan(seeded, network, client)
    reply = client.post(
        f"{API}/plans/{plan_id}/approve",
        headers={**users.headers("planner"), "origin": "https://elsewhere.example"},
    )
    assert reply.status_code == 200, reply.text


# -- 8. security headers --------------------------------------------------------------------
def test_every_answer_carries_the_security_headers(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    viewer = log_in(client, seeded, "viewer")
    for reply in (viewer.get("/map"), client.get("/login"), client.get(f"{API}/auth/me")):
        csp = reply.headers["content-security-policy"]
        assert "script-src 'self';" in csp
        assert "style-src 'self';" in csp
        assert "frame-ancestors 'none'" in csp
        assert reply.headers["x-frame-options"] == "DENY"
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert reply.headers["referrer-policy"] == "same-origin"
        assert "server" not in reply.headers


def test_no_console_page_has_inline_script_or_style(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = computed_plan(seeded, network, client)
    planner = log_in(client, seeded, "planner")
    for path in ("/map", "/sites/ZZ", f"/plans/{plan_id}", f"/plans/{plan_id}/compare",
                 "/plans", "/scenarios", "/scenarios/new", "/audit", "/login"):  # fmt: skip
        page = planner.get(path)
        assert page.status_code == 200, path
        text = page.text
        assert " style=" not in text, path
        assert "<script>" not in text, path
        assert " onclick=" not in text, path
        assert " onload=" not in text, path


# -- 9. what the database cannot hold is a 4xx, never a 5xx ---------------------------------
@pytest.mark.parametrize(
    "path",
    [
        f"{API}/plans/2147483648",
        f"{API}/plans/99999999999999999999999",
        f"{API}/scenarios/9223372036854775808",
        f"{API}/sites?offset=9223372036854775808",
        f"{API}/audit?offset=2147483648",
        f"{API}/regions?q=%00",
        f"{API}/sites/Z%00Z",
    ],
)
def test_ids_offsets_and_nul_characters_are_refused_not_failed(
    client: TestClient, users: Any, path: str
) -> None:
    reply = client.get(path, headers=users.headers("admin"))
    assert 400 <= reply.status_code < 500, reply.text


def test_a_nul_character_in_a_body_is_refused(client: TestClient, users: Any) -> None:
    reply = client.post(
        f"{API}/sites/ZZ/status",
        json={"status": "closed", "reason": "flood\x00"},
        headers=users.headers("dispatcher", "410000"),
    )
    assert 400 <= reply.status_code < 500, reply.text


def test_a_lone_surrogate_or_nan_in_a_login_gets_a_json_answer(client: TestClient) -> None:
    for text in ('{"username": "\\ud800", "password": "x"}', '{"username": NaN, "password": 1}'):
        reply = client.post(f"{API}/auth/login", content=text, headers=JSON)
        assert reply.status_code in (401, 422), reply.text
        assert reply.json()["status"] == reply.status_code


def test_a_plan_for_a_scenario_id_beyond_the_database_integer_is_refused(
    client: TestClient, users: Any
) -> None:
    reply = client.post(
        f"{API}/plans", json={"scenario_id": 2**31}, headers=users.headers("planner")
    )
    assert 400 <= reply.status_code < 500, reply.text


# -- 7. a password reset or a deactivation ends every login, console sessions included ------
@pytest.mark.parametrize("action", ["password", "deactivate"])
def test_a_password_reset_or_deactivation_ends_console_sessions_and_tokens(
    client: TestClient, seeded: sessionmaker[Session], users: Any, action: str
) -> None:
    browser = log_in(client, seeded, "planner")  # the console: the session cookie
    token = client.post(
        f"{API}/auth/login", json={"username": "planner_cn", "password": "correct horse"}
    ).json()["access_token"]
    assert browser.get("/scenarios").status_code == 200
    reply = client.post(f"{API}/users/planner_cn/{action}", json={}, headers=users.headers("admin"))
    assert reply.status_code == 200, reply.text
    assert browser.get("/scenarios").status_code == 303  # back to the login page
    me = client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
