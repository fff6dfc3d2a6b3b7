"""Announcements (公告) in the console: write a draft, publish it on the public tracking,
withdraw it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from baotong.api.deps import DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.core.i18n import N_
from baotong.core.pagination import PageRequest
from baotong.tracking import service
from baotong.tracking.models import AnnouncementState
from baotong.tracking.schemas import AnnouncementCreate
from baotong.web import i18n
from baotong.web.forms import attempt, parse_form, see_other
from baotong.web.templating import Csrf, NavItem, PageRoute, page_require, render

router = APIRouter(route_class=PageRoute)
nav = NavItem("/tracking/announcements", N_("nav.announcements"), Permission.ANNOUNCEMENTS_WRITE)
Announcer = Annotated[Principal, Depends(page_require(Permission.ANNOUNCEMENTS_WRITE))]
LIST = "/tracking/announcements"
PAGE = 50


def _page(
    request: Request, session: Session, user: Principal, page: int = 1, *,
    status_code: int = 200, **values: Any,
) -> Response:  # fmt: skip
    found = service.list_announcements(session, principal=user, page=PageRequest.number(page, PAGE))
    return render(request, "tracking/announcements.html", user, status_code=status_code,
                  found=found, rows=found.items, query="", **values)  # fmt: skip


@router.get(LIST, include_in_schema=False)
def announcements_page(
    request: Request, session: DbSession, user: Announcer, page: int = 1
) -> Response:
    return _page(request, session, user, page)


@router.post(LIST, include_in_schema=False, dependencies=[Csrf])
async def write(request: Request, session: DbSession, user: Announcer) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    return attempt(
        session,
        lambda: service.create_announcement(
            session, data=parse_form(AnnouncementCreate, form), principal=user
        ),
        done=lambda _: see_other(LIST),
        refused=lambda exc: _page(
            request,
            session,
            user,
            status_code=exc.status,
            form=form,
            error=i18n.error_for(request, exc),
        ),  # fmt: skip
    )


@router.post(f"{LIST}/{{announcement_id}}/{{action}}", include_in_schema=False,
             dependencies=[Csrf])  # fmt: skip
def change(
    request: Request, announcement_id: int, action: str, session: DbSession, user: Announcer
) -> Response:
    state = AnnouncementState.PUBLISHED if action == "publish" else AnnouncementState.WITHDRAWN
    return attempt(
        session,
        lambda: service.set_announcement_state(
            session, announcement_id=announcement_id, state=state, principal=user
        ),
        done=lambda _: see_other(LIST),
        refused=lambda exc: _page(
            request, session, user, status_code=exc.status, error=i18n.error_for(request, exc)
        ),  # fmt: skip
    )
