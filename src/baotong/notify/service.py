"""Use cases of notifications: send one to people, read an inbox, mark entries read.

``send`` is what every domain calls: the recipients are named users plus every active user
of a role whose scope covers a province (national users of that role always). Each gets an
inbox row; a recipient with an email address also gets an email, sent by the
``notify.email`` job after the caller's transaction commits, when SMTP is configured.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from baotong import jobs
from baotong.auth.models import User
from baotong.auth.permissions import Principal, Role
from baotong.config import Settings, get_settings
from baotong.core import clock
from baotong.core import i18n as words
from baotong.core.exceptions import NotFoundError
from baotong.core.pagination import Page, PageRequest, paginate
from baotong.jobs.service import RUNNER
from baotong.notify.models import EmailState, Notification

EMAIL_JOB = "notify.email"


def send(
    session: Session,
    *,
    key: str,
    params: dict[str, Any] | None = None,
    link: str | None = None,
    to_users: Iterable[int] = (),
    to_role: Role | None = None,
    province_code: str | None = None,
    subject_type: str | None = None,
    subject_id: str | int | None = None,
) -> int:
    """Notify the recipients (see the module); how many were notified (each once)."""
    people = recipients(session, to_users=to_users, to_role=to_role, province_code=province_code)
    mail = smtp_configured(session)
    now = clock.now()
    rows = [
        Notification(
            user_id=user.id, key=key, params=dict(params or {}), link=link,
            subject_type=subject_type,
            subject_id=None if subject_id is None else str(subject_id), created_at=now,
            email_state=EmailState.PENDING if mail and user.email else EmailState.NONE,
        )
        for user in people
    ]  # fmt: skip
    session.add_all(rows)
    session.flush()
    emails = [row.id for row in rows if row.email_state is EmailState.PENDING]
    if emails:
        from baotong.notify import jobs as _registers_the_email_job  # noqa: F401

        jobs.enqueue(session, EMAIL_JOB, {"notifications": emails})
    return len(rows)


def recipients(
    session: Session,
    *,
    to_users: Iterable[int] = (),
    to_role: Role | None = None,
    province_code: str | None = None,
) -> list[User]:
    """The active users named, and those of ``to_role`` covering ``province_code``."""
    ids = set(to_users)
    conditions: list[ColumnElement[bool]] = [User.id.in_(ids)] if ids else []
    if to_role is not None:
        covers: ColumnElement[bool] = User.province_code.is_(None)
        if province_code is not None:
            covers = or_(covers, User.province_code == province_code)
        conditions.append((User.role == to_role.value) & covers)
    if not conditions:
        return []
    query = select(User).where(User.active.is_(True), or_(*conditions)).order_by(User.id)
    return list(session.scalars(query))


def smtp_configured(session: Session) -> bool:
    return _settings(session).smtp_host is not None


def _settings(session: Session) -> Settings:
    runner = session.info.get(RUNNER)
    return runner.settings if runner is not None else get_settings()


# -- the inbox ------------------------------------------------------------------------------
def inbox(
    session: Session,
    principal: Principal,
    *,
    unread_only: bool = False,
    page: PageRequest = PageRequest(),
) -> Page[Notification]:
    """The principal's notifications, newest first."""
    query = select(Notification).where(Notification.user_id == principal.user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return paginate(session, query.order_by(Notification.id.desc()), page)


def unread_count(session: Session, principal: Principal) -> int:
    query = select(func.count()).where(
        Notification.user_id == principal.user_id, Notification.read_at.is_(None)
    )
    return session.scalar(query) or 0


def mark_read(session: Session, principal: Principal, notification_id: int) -> Notification:
    """Mark one of the principal's notifications read (someone else's is not found)."""
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != principal.user_id:
        raise NotFoundError(f"Notification {notification_id} not found.",
                            code="notification.not_found", id=notification_id)  # fmt: skip
    if row.read_at is None:
        row.read_at = clock.now()
        session.flush()
    return row


def mark_all_read(session: Session, principal: Principal) -> int:
    """Mark every unread notification of the principal read; how many."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == principal.user_id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def title(row: Notification, lang: str) -> str:
    """The notification's words in ``lang``."""
    return words.translate(lang, row.key, **row.params)
