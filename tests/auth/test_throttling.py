"""Login throttling: per account and per address, with back-off, shared through the
database by every process; unknown users cost the same as known ones; failures audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from baotong.app import create_app
from baotong.audit.models import AuditEntry
from baotong.auth import service as auth_service
from baotong.auth.models import LoginFailure
from baotong.config import Settings
from baotong.core import clock
from baotong.db.session import session_scope
from baotong.network.entities import Network

from ..web.conftest import csrf

API = "/api/v1"
PASSWORD = "correct horse"
T0 = datetime(2026, 12, 1, 8, tzinfo=UTC)


def _user(sessions: sessionmaker[Session], name: str = "planner_cn") -> str:
    with session_scope(sessions) as session:
        auth_service.create_user(session, username=name, password=PASSWORD, role="planner")
    return name


def _login(client: TestClient, name: str, password: str) -> Any:
    return client.post(f"{API}/auth/login", json={"username": name, "password": password})


def test_wrong_passwords_for_one_account_are_throttled_with_back_off(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    name = _user(seeded)
    with clock.frozen(T0) as frozen:
        for _ in range(5):
            assert _login(client, name, "wrong password").status_code == 401
        refused = _login(client, name, PASSWORD)  # even the right one waits now
        assert refused.status_code == 429
        assert refused.json()["code"] == "auth.throttled"
        assert refused.headers["retry-after"] == "2"
        frozen.advance(timedelta(seconds=1))
        assert _login(client, name, "wrong again").status_code == 429  # not even checked
        frozen.advance(timedelta(seconds=1))
        assert _login(client, name, "wrong again").status_code == 401  # checked: 6 failures
        assert _login(client, name, PASSWORD).headers["retry-after"] == "4"  # doubled
        frozen.advance(timedelta(seconds=4))
        assert _login(client, name, PASSWORD).status_code == 200
        assert _login(client, name, "wrong password").status_code == 401  # forgotten: 1 of 5


def test_one_address_is_throttled_across_accounts(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    name = _user(seeded)
    with clock.frozen(T0) as frozen:
        for k in range(20):  # 5 accounts x 4 = the address's allowance, one try per name
            assert _login(client, f"guess{k}", "password1").status_code == 401
        assert _login(client, name, PASSWORD).status_code == 429
        frozen.advance(timedelta(minutes=16))  # the window has passed
        assert _login(client, name, PASSWORD).status_code == 200


def test_the_throttle_is_shared_by_every_process_of_the_service(
    client: TestClient,
    seeded: sessionmaker[Session],
    service_settings: Settings,
    network: Network,
    engine_for_tests: Any,
) -> None:
    name = _user(seeded)
    other = create_app(service_settings, network=lambda: network, engine=engine_for_tests)
    with clock.frozen(T0), TestClient(other) as second:
        for _ in range(5):
            assert _login(client, name, "wrong password").status_code == 401
        assert _login(second, name, PASSWORD).status_code == 429


def test_an_unknown_user_costs_a_password_check_like_a_known_one(
    client: TestClient, seeded: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = _user(seeded)
    checks: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            checks.append(str(password))
            return super().verify(hash, password)

    with session_scope(seeded) as session:  # the user's hash, made by the counting hasher
        counting = Counting(time_cost=1, memory_cost=8, parallelism=1)
        monkeypatch.setattr(auth_service, "hasher", counting)
        auth_service.reset_password(session, username=name, password=PASSWORD)
    unknown = _login(client, "nobody_at_all", "wrong password")
    known = _login(client, name, "wrong password")
    assert unknown.status_code == known.status_code == 401
    assert unknown.json()["detail"] == known.json()["detail"]
    assert checks == ["wrong password", "wrong password"]


def test_failed_logins_are_counted_and_audited(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    name = _user(seeded)
    _login(client, name, "wrong password")
    _login(client, "nobody_at_all", "wrong password")
    with session_scope(seeded, write=False) as session:
        failures = session.scalar(select(func.count()).select_from(LoginFailure))
        audited = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "user.login_failed")
        ).all()
    assert failures == 2
    assert sorted(e.object_id for e in audited) == sorted([name, "nobody_at_all"])
    assert all(e.after == {"address": "testclient"} for e in audited)


def test_the_login_page_says_when_to_try_again(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    name = _user(seeded)
    browser = TestClient(client.app, follow_redirects=False)
    browser.get("/login")
    with clock.frozen(T0):
        for _ in range(5):
            form = {"username": name, "password": "wrong password", **csrf(browser)}
            assert browser.post("/login", data=form).status_code == 401
        form = {"username": name, "password": PASSWORD, **csrf(browser)}
        page = browser.post("/login", data=form)
    assert page.status_code == 429
    assert "2" in page.text
    assert "baotong_session" not in page.cookies
