"""Notifications: who receives one, the inbox and its badge, and the email that follows
the committed transaction (to a local SMTP server)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from baotong import jobs
from baotong.auth import service as auth_service
from baotong.auth.models import User
from baotong.auth.permissions import Principal, Role, Scope
from baotong.config import Settings
from baotong.core.exceptions import NotFoundError
from baotong.db.session import session_scope
from baotong.jobs.executors import ThreadExecutor
from baotong.notify import service as notify
from baotong.notify.models import EmailState, Notification

API = "/api/v1"
KEY = "error.notification.not_found"  # a catalogued key with a parameter: "... {id} ..."


def make_user(session: Session, name: str, role: str, province: str | None = None,
              email: str | None = None) -> User:  # fmt: skip
    scope = Scope.province(province) if province else Scope()
    return auth_service.create_user(session, username=name, password="correct horse",
                                    role=role, scope=scope, email=email)  # fmt: skip


def me(user: User) -> Principal:
    return Principal(user.id, user.username, Role(user.role), user.scope)


def test_a_role_in_a_province_reaches_its_province_and_the_national_ones_only(
    sessions: sessionmaker[Session],
) -> None:
    with session_scope(sessions) as session:
        henan = make_user(session, "henan", "dispatcher", "410000")
        national = make_user(session, "national", "dispatcher")
        make_user(session, "hubei", "dispatcher", "420000")
        make_user(session, "planner", "planner", "410000")
        gone = make_user(session, "gone", "dispatcher", "410000")
        gone.active = False
        named = make_user(session, "named", "viewer", "420000")
        sent = notify.send(session, key=KEY, params={"id": 7}, to_users=[named.id, henan.id],
                           to_role=Role.DISPATCHER, province_code="410000")  # fmt: skip
        got = session.scalars(select(Notification.user_id).order_by(Notification.user_id))
        assert sent == 3
        assert sorted(got) == sorted([henan.id, national.id, named.id])  # each once


def test_the_inbox_is_ones_own_and_reads_in_each_language(
    sessions: sessionmaker[Session],
) -> None:
    with session_scope(sessions) as session:
        alice, bob = make_user(session, "alice", "viewer"), make_user(session, "bob", "viewer")
        notify.send(session, key=KEY, params={"id": 7}, to_users=[alice.id], link="/plans/7")
        notify.send(session, key=KEY, params={"id": 8}, to_users=[alice.id])
        found = notify.inbox(session, me(alice))
        assert [row.params["id"] for row in found.items] == [8, 7]  # newest first
        assert "7" in notify.title(found.items[1], "zh")
        assert "没有" in notify.title(found.items[1], "zh")
        assert notify.title(found.items[1], "en") == "There is no notification 7."
        assert notify.inbox(session, me(bob)).total == 0
        with pytest.raises(NotFoundError):
            notify.mark_read(session, me(bob), found.items[0].id)
        notify.mark_read(session, me(alice), found.items[0].id)
        assert notify.unread_count(session, me(alice)) == 1
        assert notify.mark_all_read(session, me(alice)) == 1
        assert notify.unread_count(session, me(alice)) == 0


def test_the_api_and_the_pages_show_the_inbox_and_its_badge(
    client: TestClient, users: Any, seeded: sessionmaker[Session]
) -> None:
    viewer = users.headers("viewer")
    other = users.headers("planner")
    with session_scope(seeded) as session:
        ids = {u.username: u.id for u in session.scalars(select(User))}
        notify.send(session, key=KEY, params={"id": 7}, to_users=[ids["viewer_cn"]],
                    link="/plans/7")  # fmt: skip
    listed = client.get(f"{API}/inbox", params={"lang": "en"}, headers=viewer)
    assert listed.status_code == 200
    assert listed.headers["X-Unread-Count"] == "1"
    assert listed.headers["X-Total-Count"] == "1"
    entry = listed.json()[0]
    assert entry["title"] == "There is no notification 7."
    assert entry["link"] == "/plans/7"
    assert client.post(f"{API}/inbox/{entry['id']}/read", headers=other).status_code == 404
    assert client.get(f"{API}/inbox", headers=other).json() == []

    login = {"username": "viewer_cn", "password": "correct horse"}
    assert client.post(f"{API}/auth/login", json=login).status_code == 200
    assert 'data-testid="inbox-count">1<' in client.get("/inbox/badge").text
    page = client.get("/inbox").text
    assert "7" in page
    assert 'data-testid="notification"' in page
    assert client.post(f"{API}/inbox/read-all", headers=viewer).json() == {"marked": 1}
    assert "inbox-count" not in client.get("/inbox/badge").text
    assert client.get(f"{API}/inbox", params={"unread": True}, headers=viewer).json() == []


# -- email ----------------------------------------------------------------------------------
class Mailbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Any] = []

    def handle_message(self, message: Any) -> None:
        self.messages.append(message)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, Mailbox]]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def send_with_runner(
    sessions: sessionmaker[Session], settings: Settings, email: str
) -> tuple[int, int]:
    runner = jobs.Runner(sessions, settings, executor=ThreadExecutor(1))
    try:
        with session_scope(sessions) as session:
            user = make_user(session, "duty", "dispatcher", "410000", email=email)
            notify.send(session, key=KEY, params={"id": 9}, to_users=[user.id], link="/plans/9")
            job_id = session.scalar(
                select(jobs.JobRun.id).where(jobs.JobRun.kind == "notify.email")
            )
            row_id = session.scalar(select(Notification.id))
        assert job_id is not None
        assert row_id is not None
        runner.wait(job_id, timeout=30)
    finally:
        runner.shutdown()
    return job_id, row_id


def test_with_smtp_configured_the_committed_notification_is_mailed_in_both_languages(
    sessions: sessionmaker[Session], service_settings: Settings,
    smtp_server: tuple[Controller, Mailbox],
) -> None:  # fmt: skip
    controller, mailbox = smtp_server
    settings = service_settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": controller.port,
            "public_url": "https://baotong.example.org",
        }  # fmt: skip
    )
    _, row_id = send_with_runner(sessions, settings, "duty@example.org")
    assert len(mailbox.messages) == 1
    mail = mailbox.messages[0]
    assert mail["To"] == "duty@example.org"
    body = mail.get_payload(decode=True).decode()
    assert "There is no notification 9." in body
    assert "9" in str(mail["Subject"])
    assert "https://baotong.example.org/plans/9" in body
    with session_scope(sessions, write=False) as session:
        row = session.get(Notification, row_id)
        assert row is not None
        assert row.email_state is EmailState.SENT


def test_an_unreachable_smtp_server_marks_the_email_failed_and_keeps_the_inbox_entry(
    sessions: sessionmaker[Session], service_settings: Settings
) -> None:
    settings = service_settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": free_port()}
    )
    _, row_id = send_with_runner(sessions, settings, "duty@example.org")
    with session_scope(sessions, write=False) as session:
        row = session.get(Notification, row_id)
        assert row is not None
        assert row.email_state is EmailState.FAILED
        assert row.email_error
        assert "Connection" in row.email_error
        assert row.read_at is None


def test_without_smtp_no_email_is_attempted(
    sessions: sessionmaker[Session], service_settings: Settings
) -> None:
    runner = jobs.Runner(sessions, service_settings, executor=ThreadExecutor(1))
    try:
        with session_scope(sessions) as session:
            user = make_user(session, "duty", "dispatcher", email="duty@example.org")
            notify.send(session, key=KEY, params={"id": 1}, to_users=[user.id])
            row = session.scalars(select(Notification)).one()
            assert row.email_state is EmailState.NONE
            assert session.scalar(select(jobs.JobRun.id)) is None
    finally:
        runner.shutdown()
