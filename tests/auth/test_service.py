"""Users, passwords, logins, tokens and the session cookie."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from baotong.auth import service
from baotong.auth.models import LoginSession, User
from baotong.auth.tokens import issue, secret_key, verify
from baotong.config import Settings
from baotong.core import clock
from baotong.core.exceptions import ConflictError, ValidationError
from baotong.db.session import session_scope

API = "/api/v1"


def test_the_password_is_stored_as_an_argon2_hash(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        user = service.create_user(
            session, username="li", password="s3cret-pass", role="planner", province_code="410000"
        )
        assert user.password_hash.startswith("$argon2")
        assert "s3cret-pass" not in user.password_hash


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role": "emperor"}, "role"),
        ({"province_code": "4100"}, "province"),
        ({"password": "short"}, "password"),
        ({"username": "a b"}, "username"),
    ],
)
def test_bad_user_input_names_the_field(
    sessions: sessionmaker[Session], kwargs: dict[str, Any], field: str
) -> None:
    args = {"username": "wang", "password": "long enough", "role": "viewer", **kwargs}
    with pytest.raises(ValidationError) as caught, session_scope(sessions) as session:
        service.create_user(session, **args)
    assert caught.value.field == field


def test_a_user_name_is_unique(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        service.create_user(session, username="zhao", password="long enough", role="viewer")
    with pytest.raises(ConflictError), session_scope(sessions) as session:
        service.create_user(session, username="zhao", password="other one", role="admin")


def test_login_gives_a_token_and_a_httponly_lax_cookie(client: TestClient, users: Any) -> None:
    users.headers("viewer")
    reply = client.post(
        f"{API}/auth/login", json={"username": "viewer_cn", "password": "correct horse"}
    )
    assert reply.status_code == 200
    cookie = reply.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    me = client.get(f"{API}/auth/me")  # the client keeps the cookie
    assert me.json()["username"] == "viewer_cn"
    assert "plan:activate" not in me.json()["permissions"]


def test_a_wrong_password_is_401_without_saying_which_part(client: TestClient, users: Any) -> None:
    users.headers("viewer")
    wrong = client.post(f"{API}/auth/login", json={"username": "viewer_cn", "password": "nope"})
    nobody = client.post(f"{API}/auth/login", json={"username": "ghost", "password": "nope"})
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.json()["detail"] == nobody.json()["detail"]


def test_logout_revokes_the_token(client: TestClient, users: Any) -> None:
    headers = users.headers("planner")
    assert client.get(f"{API}/auth/me", headers=headers).status_code == 200
    client.cookies.clear()
    assert client.post(f"{API}/auth/logout", headers=headers).status_code == 204
    assert client.get(f"{API}/auth/me", headers=headers).status_code == 401


def test_an_expired_or_tampered_token_is_refused() -> None:
    key = b"k" * 40
    now = clock.now()
    token = issue(key, "abc", now + timedelta(minutes=5))
    assert verify(key, token, now) is not None
    assert verify(key, token, now + timedelta(minutes=6)) is None
    assert verify(b"other key" * 5, token, now) is None
    session_id, expiry, signature = token.split(".")
    assert verify(key, f"{session_id}.{int(expiry) + 3600}.{signature}", now) is None


def test_the_embedded_secret_is_generated_once_with_0600(tmp_path: Any) -> None:
    settings = Settings(data_dir=tmp_path, secret_key=None)
    first = secret_key(settings)
    assert secret_key(settings) == first
    assert len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_an_admin_creates_and_lists_users_over_the_api(client: TestClient, users: Any) -> None:
    admin = users.headers("admin")
    body = {
        "username": "sun",
        "password": "long enough",
        "role": "dispatcher",
        "province_code": "410000",
    }
    created = client.post(f"{API}/users", json=body, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["province_code"] == "410000"
    assert "password" not in created.text
    names = [u["username"] for u in client.get(f"{API}/users", headers=admin).json()]
    assert "sun" in names
    login = client.post(f"{API}/auth/login", json={"username": "sun", "password": "long enough"})
    assert login.json()["user"]["role"] == "dispatcher"
    again = client.post(f"{API}/users", json=body, headers=admin)
    assert again.status_code == 409
    weak = client.post(
        f"{API}/users", json={**body, "username": "ma", "password": "short"}, headers=admin
    )
    assert weak.status_code == 422
    assert weak.json()["field"] == "password"


@pytest.mark.parametrize("role", ["planner", "dispatcher", "viewer"])
def test_only_an_admin_manages_users(client: TestClient, users: Any, role: str) -> None:
    headers = users.headers(role)
    assert client.get(f"{API}/users", headers=headers).status_code == 403
    body = {"username": "x1", "password": "long enough", "role": "admin"}
    assert client.post(f"{API}/users", json=body, headers=headers).status_code == 403


def test_a_provincial_admin_manages_only_its_province(client: TestClient, users: Any) -> None:
    henan_admin = users.headers("admin", "410000")
    users.headers("viewer", "420000")
    national = {"username": "boss2", "password": "long enough", "role": "admin"}
    refused = client.post(f"{API}/users", json=national, headers=henan_admin)
    assert refused.status_code == 422
    assert refused.json()["field"] == "province_code"
    mine = {**national, "username": "henan_planner", "role": "planner", "province_code": "410000"}
    assert client.post(f"{API}/users", json=mine, headers=henan_admin).status_code == 201
    listed = {u["province_code"] for u in client.get(f"{API}/users", headers=henan_admin).json()}
    assert listed == {"410000"}


def test_a_token_counts_only_while_its_login_row_and_user_allow(
    client: TestClient, users: Any, seeded: sessionmaker[Session]
) -> None:
    """The token's own expiry is not enough: the stored login must be unrevoked and
    unexpired and its user active (one query checks all three)."""
    headers = users.headers("dispatcher")
    assert client.get(f"{API}/auth/me", headers=headers).status_code == 200
    with session_scope(seeded) as session:
        session.execute(update(LoginSession).values(expires_at=clock.now() - timedelta(seconds=1)))
    assert client.get(f"{API}/auth/me", headers=headers).status_code == 401
    with session_scope(seeded) as session:
        session.execute(update(LoginSession).values(expires_at=clock.now() + timedelta(hours=1)))
    assert client.get(f"{API}/auth/me", headers=headers).status_code == 200
    with session_scope(seeded) as session:
        session.execute(update(User).where(User.username == "dispatcher_cn").values(active=False))
    assert client.get(f"{API}/auth/me", headers=headers).status_code == 401
    with session_scope(seeded) as session:
        session.execute(update(User).values(active=True))
        session.execute(update(LoginSession).values(revoked_at=clock.now()))
    assert client.get(f"{API}/auth/me", headers=headers).status_code == 401
