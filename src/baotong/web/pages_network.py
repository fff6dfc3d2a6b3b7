"""Network pages: the map of China with its centres, boundaries as GeoJSON, the site page."""

from __future__ import annotations

import gzip
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission
from baotong.core.exceptions import ValidationError
from baotong.network import service as network_service
from baotong.network.entities import ProductClass, SiteStatus
from baotong.web import geo, views
from baotong.web.templating import Csrf, PageRoute, PageUser, need, parse_time, render

router = APIRouter(route_class=PageRoute)
CACHE = "private, max-age=86400"  # for logged-in users only


@router.get("/map", include_in_schema=False)
def network_map(request: Request, user: PageUser, network: CurrentNetwork) -> Response:
    need(user, Permission.NETWORK_READ)
    geo.warm_up(network.boundaries_dir)
    return render(request, "network/map.html", user)


@router.get("/geo/regions.json", include_in_schema=False)
def region_names(request: Request, user: PageUser, network: CurrentNetwork) -> Response:
    """Names and pinyin of every region (for map tooltips), cached by the browser."""
    need(user, Permission.NETWORK_READ)
    return _cached(request, geo.region_table(network))


@router.get("/geo/{level}.json", include_in_schema=False)
def boundaries(
    request: Request,
    user: PageUser,
    network: CurrentNetwork,
    level: str,
    province: str | None = None,
) -> Response:
    """Boundaries of one level (optionally one province), gzip and cached by the browser."""
    need(user, Permission.NETWORK_READ)
    return _cached(request, geo.geo_file(level, province, network.boundaries_dir))


def _cached(request: Request, found: geo.GeoFile) -> Response:
    if request.headers.get("if-none-match") == found.etag:
        return Response(status_code=304, headers={"ETag": found.etag, "Cache-Control": CACHE})
    headers = {"ETag": found.etag, "Cache-Control": CACHE, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(found.gzipped, media_type="application/json", headers=headers)
    return Response(gzip.decompress(found.gzipped), media_type="application/json", headers=headers)


@router.get("/map/data.json", include_in_schema=False)
def map_data(session: DbSession, network: CurrentNetwork, user: PageUser) -> JSONResponse:
    """Centres in the user's scope with status and utilisation, and the locked areas now."""
    need(user, Permission.NETWORK_READ)
    return JSONResponse(views.map_data(session, network, user))


@router.get("/sites/{site_id}", include_in_schema=False)
def site_page(
    request: Request, site_id: str, session: DbSession, network: CurrentNetwork, user: PageUser
) -> Response:
    need(user, Permission.NETWORK_READ)
    return render(request, "network/site.html", user,
                  **views.site_view(session, network, user, site_id))  # fmt: skip


@router.post("/sites/{site_id}/status", include_in_schema=False, dependencies=[Csrf])
def change_status(
    request: Request,
    site_id: str,
    session: DbSession,
    network: CurrentNetwork,
    user: PageUser,
    status: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    expected_reopening: Annotated[str, Form()] = "",
) -> Response:
    need(user, Permission.NETWORK_WRITE)
    form = {"status": status, "reason": reason, "expected_reopening": expected_reopening}
    try:
        if status not in {s.value for s in SiteStatus}:
            raise ValidationError("choose open, limited or closed.", field="status", value=status)
        if not reason.strip():
            raise ValidationError("say why the status changes.", field="reason")
        network_service.change_status(
            session, site_id=site_id, status=SiteStatus(status), reason=reason.strip(),
            principal=user,
            expected_reopening=parse_time(expected_reopening, "expected_reopening"))  # fmt: skip
    except ValidationError as exc:
        session.rollback()
        values = views.site_view(session, network, user, site_id)
        values.update(status_error=exc.message, status_form=form)
        return render(request, "network/site.html", user, status_code=422, **values)
    return _redirect_to_site(site_id)


@router.post("/sites/{site_id}/capacity", include_in_schema=False, dependencies=[Csrf])
async def change_capacity(
    request: Request, site_id: str, session: DbSession, network: CurrentNetwork, user: PageUser
) -> Response:
    need(user, Permission.NETWORK_WRITE)
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        capacity: dict[ProductClass, float] = {}
        for cls in ProductClass:
            text = form.get(f"capacity_{cls.value}", "").strip()
            if text:
                try:
                    capacity[cls] = float(text)
                except ValueError:
                    raise ValidationError("is not a number.", field=f"capacity.{cls.value}",
                                          value=text) from None  # fmt: skip
        if not capacity:
            raise ValidationError("give at least one class's capacity.", field="capacity")
        if not form.get("reason", "").strip():
            raise ValidationError("say why the capacity changes.", field="reason")
        network_service.override_capacity(
            session, site_id=site_id, capacity=capacity, reason=form["reason"].strip(),
            principal=user,
            valid_until=parse_time(form.get("valid_until", ""), "valid_until"))  # fmt: skip
    except ValidationError as exc:
        session.rollback()
        values = views.site_view(session, network, user, site_id)
        values.update(capacity_error=exc.message, capacity_form=form)
        return render(request, "network/site.html", user, status_code=422, **values)
    return _redirect_to_site(site_id)


def _redirect_to_site(site_id: str) -> Response:
    return Response(status_code=303, headers={"Location": f"/sites/{site_id}"})
