"""The inbox page, the header badge (loaded by htmx on every page) and marking read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from baotong.api.deps import DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.core.pagination import PageRequest
from baotong.notify import service
from baotong.web import i18n
from baotong.web.templating import Csrf, PageRoute, page_require, render

router = APIRouter(route_class=PageRoute)
Reader = Annotated[Principal, Depends(page_require(Permission.INBOX_READ))]
PAGE = 30


@router.get("/inbox", include_in_schema=False)
def inbox_page(
    request: Request, session: DbSession, user: Reader, unread: bool = False, page: int = 1
) -> Response:
    found = service.inbox(session, user, unread_only=unread, page=PageRequest.number(page, PAGE))
    lang = i18n.lang_of(request)
    entries = [(row, service.title(row, lang)) for row in found.items]
    return render(request, "notify/inbox.html", user, entries=entries, found=found,
                  unread=unread, query="unread=1" if unread else "",
                  unread_count=service.unread_count(session, user))  # fmt: skip


@router.get("/inbox/badge", include_in_schema=False)
def badge(request: Request, session: DbSession, user: Reader) -> Response:
    """The unread count in the header (empty when nothing is unread)."""
    return render(request, "notify/_badge.html", user, count=service.unread_count(session, user))


@router.post("/inbox/{notification_id}/open", include_in_schema=False, dependencies=[Csrf])
def open_notification(notification_id: int, session: DbSession, user: Reader) -> Response:
    """Mark it read and go where it points (the inbox when it points nowhere)."""
    row = service.mark_read(session, user, notification_id)
    link = row.link if row.link and row.link.startswith("/") else "/inbox"
    return RedirectResponse(link, status_code=303)


@router.post("/inbox/read-all", include_in_schema=False, dependencies=[Csrf])
def read_all(session: DbSession, user: Reader) -> Response:
    service.mark_all_read(session, user)
    return RedirectResponse("/inbox", status_code=303)
