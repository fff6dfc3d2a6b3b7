"""Fixtures of the console tests.

The browser tests start the real app with uvicorn in a background thread on a free
127.0.0.1 port, against a fresh SQLite database seeded with the bundled reference network
and users created through the auth service; playwright drives Debian's Chromium.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)
from sqlalchemy.orm import Session, sessionmaker

from baotong.app import create_app
from baotong.auth import service as auth_service
from baotong.auth.permissions import ROLE_SCOPES, UNIT_KINDS, Role, Scope, ScopeKind
from baotong.config import Settings
from baotong.contingency import service as contingency_service
from baotong.db import migrate
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.network import service as network_service
from baotong.network.entities import Network
from baotong.network.reference import load_reference

from ..conftest import staff

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse battery"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
USERS = {  # name: (role, province)
    "planner": ("planner", None),
    "dispatcher": ("dispatcher", None),
    "viewer": ("viewer", None),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    settings: Settings


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Baotong on a free port, with the reference network and one user per role."""
    folder = tmp_path_factory.mktemp("console")
    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'baotong.db'}",
        secret_key="s" * 40,
        job_workers=1,
    )
    migrate.upgrade(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        network_service.seed(session, network=load_reference())
        for name, (role, province) in USERS.items():
            auth_service.create_user(
                session, username=name, password=PASSWORD, role=role, province_code=province
            )
    engine.dispose()
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the Baotong server did not start within 30 s")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", settings)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Maps draw on canvas after their GeoJSON arrives: give a busy CI machine time.
    expect.set_options(timeout=15_000)
    with sync_playwright() as p:
        found = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield found
        found.close()


@dataclass
class Console:
    """A logged-in browser tab that records JavaScript errors and takes screenshots."""

    server: LiveServer
    context: BrowserContext
    page: Page
    errors: list[str] = field(default_factory=list)

    def goto(self, path: str) -> None:
        self.page.goto(self.server.url + path)
        self.page.wait_for_load_state("networkidle")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def log_in(self, username: str) -> None:
        self.goto("/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state("networkidle")


def open_console(server: LiveServer, browser: Browser, username: str) -> Console:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    console = Console(server, context, page)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console.errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: console.errors.append(f"{page.url}: {exc}"))
    page.on("dialog", lambda dialog: dialog.accept())
    console.log_in(username)
    return console


# -- page tests without a browser (TestClient on the service suite's small network) ----
PAGE_PASSWORD = "correct horse"
HENAN = {
    "name": "河南全省封控",
    "locked_areas": [{"region": "410000", "level": "province"}],
    "product_classes": {"parcel": 1.0},
}


def scope_for(role: str, province: str | None) -> Scope:
    """Office roles: the province (or national); the others a unit of their kind in the
    province (Henan when None) — as ``tests/conftest.py`` gives them."""
    kinds = ROLE_SCOPES[Role(role)]
    kind = next(iter(kinds))
    if kind in UNIT_KINDS:
        return Scope.unit(kind, f"{kind.value}-1", province_code=province or "410000")
    if ScopeKind.NATIONAL not in kinds:  # a provincial role (station staff): Henan by default
        return Scope.province(province or "410000")
    return Scope.province(province) if province else Scope()


def log_in(
    client: TestClient, seeded: sessionmaker[Session], role: str, province: str | None = None
) -> TestClient:
    """A new browser (own cookies) logged in through the login form as a fresh user."""
    name = f"{role}_{province or 'cn'}"
    with session_scope(seeded) as session:
        if auth_service.get_user(session, name) is None:
            auth_service.create_user(
                session,
                username=name,
                password=PAGE_PASSWORD,
                role=role,
                scope=scope_for(role, province),
            )
    browser = TestClient(client.app, follow_redirects=False)
    browser.get("/login")
    reply = browser.post(
        "/login",
        data={
            "username": name,
            "password": PAGE_PASSWORD,
            "csrf_token": browser.cookies["baotong_csrf"],
        },
    )
    assert reply.status_code == 303, reply.text
    return browser


def csrf(browser: TestClient) -> dict[str, str]:
    return {"csrf_token": browser.cookies["baotong_csrf"]}


def computed_plan(
    seeded: sessionmaker[Session], network: Network, client: TestClient, lifecycle: str = "draft"
) -> int:
    """A Henan plan computed by the test engine, walked to ``lifecycle``."""
    with session_scope(seeded) as session:
        scenario = contingency_service.create_scenario(
            session, body=HENAN, network=network, principal=staff("planner")
        )
        run = contingency_service.create_plan(
            session,
            scenario_id=scenario.id,
            name=None,
            parameters={},
            network=network,
            principal=staff("planner"),
        )
        plan_id, job_id = run.id, run.job_id
    runner = client.app.state.context.runner  # type: ignore[attr-defined]
    runner.submit(job_id)
    runner.wait(job_id, timeout=30)
    with session_scope(seeded) as session:
        if lifecycle in ("approved", "active"):
            contingency_service.approve_plan(session, plan_id=plan_id, principal=staff("p"))
        if lifecycle == "active":
            contingency_service.activate_plan(session, plan_id=plan_id, principal=staff("d"))
    return plan_id
