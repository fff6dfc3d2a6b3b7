"""The public tracking page (no login, rate-limited, phone-sized): an item's scans with any
lockdown notice and announcements, a complaint form that opens an urgent ticket, and the
board of public channels. Never a contact detail."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Principal
from baotong.core.exceptions import BaotongError
from baotong.servicedesk import load, service
from baotong.servicedesk.models import TicketCategory, TicketChannel
from baotong.servicedesk.schemas import TicketCreate
from baotong.tracking import service as tracking_service
from baotong.tracking.public import RateLimited
from baotong.tracking.schemas import TrackingRead
from baotong.web import i18n
from baotong.web.forms import attempt, parse_form, see_other
from baotong.web.templating import Csrf, PageRoute, render

router = APIRouter(route_class=PageRoute)
PUBLIC = Principal.system("public")
PAGE = "servicedesk/public.html"


def _page(
    request: Request, session: DbSession, network: CurrentNetwork, number: str, *,
    status_code: int = 200, **values: Any,
) -> Response:  # fmt: skip
    view: TrackingRead | None = None
    error = None
    if number.strip():
        try:
            view = tracking_service.track(session, network=network, number=number)
        except BaotongError as exc:
            error = i18n.error_for(request, exc)
    province = view.dest_province_code if view else None
    return render(request, PAGE, None, status_code=status_code, number=number.strip().upper(),
                  view=view, lookup_error=error, categories=list(TicketCategory),
                  channels=load.channels(session, province_code=province),
                  all_channels=province is None, **values)  # fmt: skip


@router.get("/track", include_in_schema=False, dependencies=[RateLimited])
def track_page(
    request: Request, session: DbSession, network: CurrentNetwork, number: str = "",
    ticket: int | None = None,
) -> Response:  # fmt: skip
    return _page(request, session, network, number, ticket=ticket)


@router.post("/track/complaints", include_in_schema=False, dependencies=[RateLimited, Csrf])
async def complain(request: Request, session: DbSession, network: CurrentNetwork) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    return attempt(
        session,
        lambda: service.open_ticket(
            session,
            data=parse_form(TicketCreate, form),
            channel=TicketChannel.PUBLIC,
            principal=PUBLIC,
        ),  # fmt: skip
        done=lambda t: see_other(f"/track?number={t.item_number}&ticket={t.id}"),
        refused=lambda exc: _page(
            request,
            session,
            network,
            form.get("number", ""),
            status_code=exc.status,
            form=form,
            complaint_error=i18n.error_for(request, exc),
        ),  # fmt: skip
    )
