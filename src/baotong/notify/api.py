"""``/api/v1/inbox``: the caller's notifications, newest first, and marking them read."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from baotong.api.deps import DbSession, Paging, require, with_total
from baotong.auth.permissions import Permission, Principal
from baotong.notify import service
from baotong.notify.models import Notification
from baotong.notify.schemas import MarkedRead, NotificationRead

router = APIRouter(prefix="/inbox", tags=["inbox"])
Reader = Annotated[Principal, Depends(require(Permission.INBOX_READ))]
UNREAD_HEADER = "X-Unread-Count"


def read(row: Notification, lang: str) -> NotificationRead:
    return NotificationRead(
        id=row.id, key=row.key, title=service.title(row, lang), params=row.params,
        link=row.link, subject_type=row.subject_type, subject_id=row.subject_id,
        created_at=row.created_at, read_at=row.read_at, email_state=row.email_state,
    )  # fmt: skip


@router.get("", response_model=list[NotificationRead])
def inbox(
    session: DbSession,
    user: Reader,
    paging: Paging,
    response: Response,
    unread: bool = Query(False, description="Only the unread ones."),
    lang: Literal["zh", "en"] = Query("zh", description="The language of the titles."),
) -> list[NotificationRead]:
    found = service.inbox(session, user, unread_only=unread, page=paging)
    with_total(response, found)
    response.headers[UNREAD_HEADER] = str(service.unread_count(session, user))
    return [read(row, lang) for row in found.items]


@router.post("/{notification_id}/read", response_model=NotificationRead)
def mark_read(
    notification_id: int,
    session: DbSession,
    user: Reader,
    lang: Literal["zh", "en"] = Query("zh"),
) -> NotificationRead:
    return read(service.mark_read(session, user, notification_id), lang)


@router.post("/read-all", response_model=MarkedRead)
def mark_all_read(session: DbSession, user: Reader) -> MarkedRead:
    return MarkedRead(marked=service.mark_all_read(session, user))
