"""The network map and a site's page, as a planner sees them: centres with their status
and load, the areas locked now, and where a site's mail goes under the plans in force.

They show the plans in force, so they live here, above the network in the dependency
order; the network's own pages (boundaries, region search) are ``network/pages.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response, StreamingResponse

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.contingency import live, site_views
from baotong.contingency import service as contingency_service
from baotong.core.exceptions import BaotongError
from baotong.db.session import session_scope
from baotong.network import geo
from baotong.network import service as network_service
from baotong.network.entities import ProductClass
from baotong.network.schemas import CapacityChange, StatusChange
from baotong.web import i18n
from baotong.web.forms import attempt, parse_form, see_other
from baotong.web.templating import Csrf, PageRoute, page_require, render

router = APIRouter(route_class=PageRoute)
Reader = Annotated[Principal, Depends(page_require(Permission.NETWORK_READ))]
Writer = Annotated[Principal, Depends(page_require(Permission.NETWORK_WRITE))]
SITE = "contingency/sites/site.html"
LIVE_POLL_S = 2.0  # how often a live stream looks for new changes
LIVE_POLLS = 30  # then it ends and the browser reconnects (with Last-Event-ID)
LIVE_RETRY_MS = 1000


@router.get("/map", include_in_schema=False)
def network_map(
    request: Request, session: DbSession, user: Reader, network: CurrentNetwork
) -> Response:
    geo.warm_up(network.boundaries_dir)
    return render(request, "contingency/sites/map.html", user,
                  alerts=site_views.alerts(session, network, principal=user))  # fmt: skip


@router.get("/search", include_in_schema=False)
def search(
    request: Request, session: DbSession, network: CurrentNetwork, user: Reader, q: str = ""
) -> Response:
    """Find a centre, station or region from the header of every page."""
    return render(request, "contingency/sites/search.html", user,
                  **site_views.search(session, network, user, q))  # fmt: skip


@router.get("/events", include_in_schema=False)
async def events(request: Request, user: Reader, wait: int = 0) -> Response:
    """Server-sent events: each change colleagues make to plans, scenarios and sites in
    the user's scope, from the ``Last-Event-ID`` the browser sends (new ones only on a
    first connection). With ``wait=1`` (the console's pages) the stream stays open for a
    minute and the browser then reconnects; without, it sends what is pending and ends."""
    sessions = request.app.state.context.sessions
    lang = i18n.lang_of(request)
    sent = request.headers.get("last-event-id", "")

    def pending(after: int) -> list[live.Change]:
        with session_scope(sessions, write=False) as session:
            return live.changes_since(session, after, principal=user, lang=lang)

    with session_scope(sessions, write=False) as session:
        start = int(sent) if sent.isdigit() else live.last_id(session)

    async def stream() -> AsyncIterator[str]:
        after = start
        yield f"retry: {LIVE_RETRY_MS}\n\n"
        for _ in range(LIVE_POLLS if wait else 1):
            for change in await run_in_threadpool(pending, after):
                after = change.id
                yield change.event()
            if not wait or await request.is_disconnected():
                return
            await asyncio.sleep(LIVE_POLL_S)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


@router.get("/map/data.json", include_in_schema=False)
def map_data(session: DbSession, network: CurrentNetwork, user: Reader) -> JSONResponse:
    """Centres in the user's scope with status and utilisation, and the locked areas now."""
    return JSONResponse(site_views.map_data(session, network, user))


@router.get("/sites/{site_id}", include_in_schema=False)
def site_page(
    request: Request, site_id: str, session: DbSession, network: CurrentNetwork, user: Reader
) -> Response:
    return render(request, SITE, user, **site_views.site_view(session, network, user, site_id))


@router.post("/sites/{site_id}/status", include_in_schema=False, dependencies=[Csrf])
async def change_status(
    request: Request, site_id: str, session: DbSession, network: CurrentNetwork, user: Writer
) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}

    def change() -> int:
        typed = parse_form(StatusChange, form, zone=user.time_zone)
        network_service.change_status(session, site_id=site_id, principal=user, **dict(typed))
        return contingency_service.warn_plans_relying_on(session, site_id=site_id,
                                                         actor=user.username)  # fmt: skip

    return attempt(
        session,
        change,
        done=lambda _: see_other(f"/sites/{site_id}"),
        refused=lambda exc: _refused(request, session, network, user, site_id, exc, "status", form),
    )


@router.post("/sites/{site_id}/capacity", include_in_schema=False, dependencies=[Csrf])
async def change_capacity(
    request: Request, site_id: str, session: DbSession, network: CurrentNetwork, user: Writer
) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    typed = {f"capacity_{c.value}": c.value for c in ProductClass}
    fields = {
        "capacity": {
            cls: text for key, cls in typed.items() if (text := form.get(key, "").strip())
        },
        **{k: v for k, v in form.items() if k not in typed},
    }
    return attempt(
        session,
        lambda: network_service.override_capacity(
            session,
            site_id=site_id,
            principal=user,
            **dict(parse_form(CapacityChange, fields, zone=user.time_zone)),
        ),
        done=lambda _: see_other(f"/sites/{site_id}"),
        refused=lambda exc: _refused(
            request, session, network, user, site_id, exc, "capacity", form
        ),
    )


def _refused(
    request: Request,
    session: DbSession,
    network: CurrentNetwork,
    user: Principal,
    site_id: str,
    exc: BaotongError,
    form_name: str,
    form: dict[str, str],
) -> Response:
    """The site page again, with a refused form's words and what was typed in it."""
    values = {f"{form_name}_error": i18n.error_for(request, exc), f"{form_name}_form": form}
    return render(request, SITE, user, status_code=exc.status,
                  **site_views.site_view(session, network, user, site_id, **values))  # fmt: skip
