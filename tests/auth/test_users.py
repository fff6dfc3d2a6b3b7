"""User administration: roles and scopes that fit, deactivation and password resets that
end every login at once, guards for the last admin, all audited — API, CLI and page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from baotong.auth import service
from baotong.auth.models import User
from baotong.auth.permissions import Principal, Role, Scope, ScopeKind
from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.db.session import session_scope

API = "/api/v1"
CLI = Principal.system("cli")


def _login(client: TestClient, name: str, password: str = "correct horse") -> Any:
    return client.post(f"{API}/auth/login", json={"username": name, "password": password})


def _bearer(client: TestClient, name: str, password: str = "correct horse") -> dict[str, str]:
    reply = _login(client, name, password)
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


# -- scopes -----------------------------------------------------------------------------------
def test_a_scope_covers_its_area_and_a_unit_only_its_own_unit() -> None:
    henan = Scope.province("410000")
    depot = Scope.unit(ScopeKind.WAREHOUSE, "ZZ-01", province_code="410000")
    assert Scope().covers(ScopeKind.WAREHOUSE, "WH-9", province_code="420000")
    assert henan.covers(ScopeKind.WAREHOUSE, "ZZ-02", province_code="410000")
    assert not henan.covers(ScopeKind.WAREHOUSE, "WH-9", province_code="420000")
    assert depot.covers(ScopeKind.WAREHOUSE, "ZZ-01", province_code="410000")
    assert not depot.covers(ScopeKind.WAREHOUSE, "ZZ-02", province_code="410000")
    assert not depot.covers(ScopeKind.CALL_CENTRE, "ZZ-01", province_code="410000")
    assert depot.covers_province("410000")
    assert not depot.covers_province("420000")


def test_a_principal_keeps_the_province_of_its_scope() -> None:
    depot = Scope.unit(ScopeKind.WAREHOUSE, "ZZ-01", province_code="410000")
    operator = Principal(1, "op", Role.WAREHOUSE_OPERATOR, depot)
    assert operator.province_code == "410000"  # province-filed rows: its province, never all
    assert not operator.is_national
    assert Principal(2, "hn", Role.PLANNER, Scope.province("410000")).province_code == "410000"
    assert Principal.system().is_national
    assert Principal.system().province_code is None


@pytest.mark.parametrize(
    ("role", "kind", "code", "province", "ok"),
    [
        ("planner", None, None, None, True),
        ("planner", None, None, "410000", True),
        ("planner", "warehouse", "ZZ-01", "410000", False),
        ("warehouse_operator", "warehouse", "ZZ-01", "410000", True),
        ("warehouse_operator", None, None, "410000", False),
        ("warehouse_operator", None, None, None, False),
        ("group_leader", "group_point", "GP-7", "410000", True),
        ("group_leader", "call_centre", "CC-1", "410000", False),
        ("cs_agent", "call_centre", "CC-1", "410000", True),
        ("admin", "call_centre", "CC-1", "410000", False),
    ],
)
def test_role_and_scope_kind_must_fit(
    sessions: sessionmaker[Session],
    role: str,
    kind: str | None,
    code: str | None,
    province: str | None,
    ok: bool,
) -> None:
    scope = service.scope_of(kind=kind, code=code, province_code=province)
    with session_scope(sessions) as session:
        if ok:
            user = service.create_user(session, username="u1", password="long enough",
                                       role=role, scope=scope)  # fmt: skip
            assert user.scope == scope
        else:
            with pytest.raises(ValidationError) as err:
                service.create_user(session, username="u1", password="long enough",
                                    role=role, scope=scope)  # fmt: skip
            assert err.value.code == "user.scope_for_role"


@pytest.mark.parametrize(
    ("kind", "code", "province", "error"),
    [
        ("warehouse", None, "410000", "user.bad_unit"),
        ("warehouse", "ZZ-01", None, "user.bad_province"),
        ("warehouse", "ZZ 01", "410000", "user.bad_unit"),
        ("national", None, "410000", "user.national_with_area"),
        ("moon", "x", "410000", "user.unknown_scope"),
        ("province", None, "4101", "user.bad_province"),
    ],
)
def test_a_scope_is_refused_with_the_reason(
    kind: str, code: str | None, province: str | None, error: str
) -> None:
    with pytest.raises(ValidationError) as err:
        service.scope_of(kind=kind, code=code, province_code=province)
    assert err.value.code == error


# -- the service --------------------------------------------------------------------------------
def _make(session: Session, name: str, role: str = "viewer", **kwargs: Any) -> User:
    return service.create_user(session, username=name, password="correct horse", role=role,
                               **kwargs)  # fmt: skip


def test_the_last_active_national_admin_stays(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        _make(session, "root", "admin")
        _make(session, "hn_admin", "admin", province_code="410000")
    with pytest.raises(ConflictError) as err, session_scope(sessions) as session:
        service.deactivate(session, username="root", principal=CLI)
    assert err.value.code == "user.last_admin"
    with pytest.raises(ConflictError), session_scope(sessions) as session:
        service.set_role(session, username="root", role="planner", scope=Scope(), principal=CLI)
    with pytest.raises(ConflictError), session_scope(sessions) as session:
        service.set_role(session, username="root", role="admin",
                         scope=Scope.province("410000"), principal=CLI)  # fmt: skip
    with session_scope(sessions) as session:
        _make(session, "root2", "admin")
        service.deactivate(session, username="root", principal=CLI)
        assert not service.get_user(session, "root").active  # type: ignore[union-attr]


def test_a_provincial_admin_administers_its_province_only(
    sessions: sessionmaker[Session],
) -> None:
    with session_scope(sessions) as session:
        hn = _make(session, "hn_admin", "admin", province_code="410000")
        _make(session, "hb_viewer", province_code="420000")
        _make(session, "hn_viewer", province_code="410000")
        henan = service.principal_of(hn)
        assert [u.username for u in service.list_users(session, principal=henan).items] == [
            "hn_admin", "hn_viewer"]  # fmt: skip
        with pytest.raises(NotFoundError):
            service.deactivate(session, username="hb_viewer", principal=henan)
        with pytest.raises(ValidationError) as err:
            service.set_role(session, username="hn_viewer", role="viewer", scope=Scope(),
                             principal=henan)  # fmt: skip
        assert err.value.code == "user.scope_outside"
        depot = Scope.unit(ScopeKind.WAREHOUSE, "ZZ-01", province_code="410000")
        moved = service.set_role(session, username="hn_viewer", role="warehouse_operator",
                                 scope=depot, principal=henan)  # fmt: skip
        assert (moved.scope_kind, moved.scope_code, moved.province_code) == (
            ScopeKind.WAREHOUSE, "ZZ-01", "410000")  # fmt: skip


def test_a_reset_password_is_generated_once_and_never_audited(
    sessions: sessionmaker[Session],
) -> None:
    with session_scope(sessions) as session:
        _make(session, "li")
        first = service.reset_password(session, username="li", principal=CLI)
        second = service.reset_password(session, username="li", principal=CLI)
        assert first != second
        assert len(second) >= 16
        user = service.get_user(session, "li")
        assert user is not None
        assert service.hasher.verify(user.password_hash, second)
    from baotong.audit.models import AuditEntry

    with session_scope(sessions, write=False) as session:
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "user.password")))
        assert len(rows) == 2
        assert all(second not in str(r.after) and first not in str(r.after) for r in rows)


# -- the API ------------------------------------------------------------------------------------
def test_deactivating_a_user_ends_their_tokens_and_sessions_at_once(
    client: TestClient, users: Any
) -> None:
    admin = users.headers("admin")
    victim = users.headers("planner", "410000")
    other_login = _bearer(client, "planner_410000")
    assert client.get(f"{API}/auth/me", headers=victim).status_code == 200
    off = client.post(f"{API}/users/planner_410000/deactivate", headers=admin)
    assert off.status_code == 200, off.text
    assert off.json()["active"] is False
    for headers in (victim, other_login):
        assert client.get(f"{API}/auth/me", headers=headers).status_code == 401
    assert _login(client, "planner_410000").status_code == 401
    back = client.post(f"{API}/users/planner_410000/reactivate", headers=admin)
    assert back.json()["active"] is True
    assert client.get(f"{API}/auth/me", headers=victim).status_code == 401  # stays ended
    assert _login(client, "planner_410000").status_code == 200
    query = {"object_type": "user", "object_id": "planner_410000"}
    log = client.get(f"{API}/audit", params=query, headers=admin)
    actions = [e["action"] for e in log.json()][:3]
    assert actions == ["user.reactivate", "user.login_failed", "user.deactivate"]


def test_an_admin_cannot_deactivate_themselves(client: TestClient, users: Any) -> None:
    admin = users.headers("admin")
    users.headers("admin", "410000")
    refused = client.post(f"{API}/users/admin_cn/deactivate", headers=admin)
    assert refused.status_code == 409
    assert refused.json()["code"] == "user.deactivate_self"
    assert client.get(f"{API}/auth/me", headers=admin).status_code == 200


def test_a_role_change_takes_effect_on_the_next_request(client: TestClient, users: Any) -> None:
    admin = users.headers("admin")
    viewer = users.headers("viewer")
    change = {"role": "planner", "province_code": "410000"}
    changed = client.put(f"{API}/users/viewer_cn/role", json=change, headers=admin)
    assert changed.status_code == 200, changed.text
    assert changed.json()["scope_kind"] == "province"
    me = client.get(f"{API}/auth/me", headers=viewer).json()
    assert (me["role"], me["province_code"]) == ("planner", "410000")
    assert "plan:run" in me["permissions"]
    unit = {"role": "cs_agent", "scope_kind": "call_centre", "scope_code": "CC-1",
            "province_code": "410000"}  # fmt: skip
    assert client.put(f"{API}/users/viewer_cn/role", json=unit, headers=admin).status_code == 200
    me = client.get(f"{API}/auth/me", headers=viewer).json()
    assert (me["scope_kind"], me["scope_code"], me["province_code"]) == (
        "call_centre", "CC-1", "410000")  # fmt: skip
    misfit = client.put(f"{API}/users/viewer_cn/role", json={"role": "cs_agent"}, headers=admin)
    assert misfit.status_code == 422
    assert misfit.json()["code"] == "user.scope_for_role"
    missing = client.put(f"{API}/users/ghost/role", json=change, headers=admin)
    assert missing.status_code == 404


def test_a_password_reset_ends_every_login_and_returns_a_generated_password_once(
    client: TestClient, users: Any
) -> None:
    admin = users.headers("admin")
    old = users.headers("dispatcher")
    reset = client.post(f"{API}/users/dispatcher_cn/password", json={}, headers=admin)
    assert reset.status_code == 200, reset.text
    password = reset.json()["password"]
    assert client.get(f"{API}/auth/me", headers=old).status_code == 401
    assert _login(client, "dispatcher_cn").status_code == 401
    assert _login(client, "dispatcher_cn", password).status_code == 200
    chosen = client.post(f"{API}/users/dispatcher_cn/password",
                         json={"password": "chosen by me"}, headers=admin)  # fmt: skip
    assert chosen.json() == {"username": "dispatcher_cn", "password": None}
    assert _login(client, "dispatcher_cn", "chosen by me").status_code == 200


@pytest.mark.parametrize("role", ["planner", "dispatcher", "viewer"])
def test_only_an_admin_administers_users(client: TestClient, users: Any, role: str) -> None:
    headers = users.headers(role)
    users.headers("viewer", "420000")
    for method, path, body in [
        ("POST", "/users/viewer_420000/deactivate", None),
        ("POST", "/users/viewer_420000/reactivate", None),
        ("PUT", "/users/viewer_420000/role", {"role": "admin"}),
        ("POST", "/users/viewer_420000/password", {}),
    ]:
        reply = client.request(method, API + path, json=body, headers=headers)
        assert reply.status_code == 403, (method, path)


# -- the page -----------------------------------------------------------------------------------
def _browser(client: TestClient, name: str) -> TestClient:
    browser = TestClient(client.app, follow_redirects=False)
    browser.get("/login")
    form = {"username": name, "password": "correct horse",
            "csrf_token": browser.cookies["baotong_csrf"]}  # fmt: skip
    assert browser.post("/login", data=form).status_code == 303
    return browser


def test_the_users_page_lists_role_and_scope_and_acts_with_csrf(
    client: TestClient, users: Any
) -> None:
    users.headers("admin")
    users.headers("warehouse_operator", "410000")
    viewer = users.headers("viewer", "420000")
    admin = _browser(client, "admin_cn")
    page = admin.get("/users")
    assert page.status_code == 200
    assert 'id="user-warehouse_operator_410000"' in page.text
    assert "仓库 warehouse-1" in page.text  # the unit scope, in Chinese by default
    assert 'href="/users"' in page.text
    token = {"csrf_token": admin.cookies["baotong_csrf"]}
    assert admin.post("/users/viewer_420000/deactivate").status_code == 403  # no CSRF token
    off = admin.post("/users/viewer_420000/deactivate", data=token)
    assert off.status_code == 303
    assert client.get(f"{API}/auth/me", headers=viewer).status_code == 401
    assert "已停用" in admin.get("/users").text
    role = {**token, "role": "planner", "scope_kind": "province", "province_code": "420000"}
    assert admin.post("/users/viewer_420000/role", data=role).status_code == 303
    reset = admin.post("/users/viewer_420000/password", data=token)
    shown = re.search(r"<code>([^<]+)</code>", reset.text)
    assert shown is not None
    assert admin.post("/users/viewer_420000/reactivate", data=token).status_code == 303
    assert _login(client, "viewer_420000", shown.group(1)).status_code == 200
    admin.get("/lang/en", headers={"referer": "http://testserver/users"})
    english = admin.get("/users").text
    assert "Reset password" in english
    assert "Warehouse warehouse-1" in english


def test_the_users_page_is_for_admins_and_explains_a_refusal(
    client: TestClient, users: Any
) -> None:
    users.headers("admin")
    users.headers("planner")
    assert _browser(client, "planner_cn").get("/users").status_code == 403
    admin = _browser(client, "admin_cn")
    token = {"csrf_token": admin.cookies["baotong_csrf"]}
    own = admin.post("/users/admin_cn/deactivate", data=token)
    assert own.status_code == 409
    assert "You cannot deactivate yourself" in own.text or "不能停用自己" in own.text
    misfit = {**token, "role": "group_leader", "scope_kind": "province", "province_code": "410000"}
    refused = admin.post("/users/planner_cn/role", data=misfit)
    assert refused.status_code == 422
    assert "Traceback" not in refused.text


# -- the command line ---------------------------------------------------------------------------
def test_the_users_commands_change_role_deactivate_and_reset(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    from typer.testing import CliRunner

    from baotong.cli.main import app
    from baotong.config import get_settings

    monkeypatch.setenv("BAOTONG_DATABASE_URL", database_url)
    get_settings.cache_clear()
    runner = CliRunner()
    with session_scope(sessions) as session:
        _make(session, "root", "admin")
        _make(session, "zhou")
    try:
        depot = ["--province", "410000", "--unit", "warehouse:ZZ-01"]
        moved = runner.invoke(app, ["users", "set-role", "zhou", "--role", "warehouse_operator",
                                    *depot])  # fmt: skip
        assert moved.exit_code == 0, moved.output
        assert "warehouse ZZ-01 (410000)" in moved.output
        misfit = runner.invoke(app, ["users", "set-role", "zhou", "--role", "warehouse_operator"])
        assert misfit.exit_code == 1
        assert "is scoped to a warehouse, not a national" in " ".join(misfit.output.split())
        assert runner.invoke(app, ["users", "deactivate", "zhou"]).exit_code == 0
        last = runner.invoke(app, ["users", "deactivate", "root"])
        assert last.exit_code == 1
        assert "last active national admin" in " ".join(last.output.split())
        reset = runner.invoke(app, ["users", "reset-password", "zhou", "--generate"])
        assert reset.exit_code == 0, reset.output
        password = reset.output.split("New password: ")[1].split()[0]
        assert runner.invoke(app, ["users", "reactivate", "zhou"]).exit_code == 0
        chosen = runner.invoke(app, ["users", "reset-password", "root", "--password-stdin"],
                               input="typed by the admin\n")  # fmt: skip
        assert chosen.exit_code == 0
        assert "New password" not in chosen.output
    finally:
        get_settings.cache_clear()
    with session_scope(sessions, write=False) as session:
        zhou = service.get_user(session, "zhou")
        assert zhou is not None
        assert zhou.active
        assert zhou.scope == Scope.unit(ScopeKind.WAREHOUSE, "ZZ-01", province_code="410000")
        assert service.hasher.verify(zhou.password_hash, password)
