"""Network pages: boundaries as GeoJSON and region names for the maps, and the region
search of the scenario builder."""

from __future__ import annotations

import gzip
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.core.i18n import N_
from baotong.network import geo, service
from baotong.network.entities import SiteStatus
from baotong.web.templating import NavItem, PageRoute, page_require, render, templates

router = APIRouter(route_class=PageRoute)
nav = NavItem("/map", N_("nav.map"), Permission.NETWORK_READ, ("/sites",))
templates.env.globals["SiteStatus"] = SiteStatus
Reader = Annotated[Principal, Depends(page_require(Permission.NETWORK_READ))]
CACHE = "private, max-age=86400"  # for logged-in users only


@router.get("/geo/regions.json", include_in_schema=False)
def region_names(request: Request, user: Reader, network: CurrentNetwork) -> Response:
    """Names and pinyin of every region (for map tooltips), cached by the browser."""
    return _cached(request, geo.region_table(network))


@router.get("/geo/territory.json", include_in_schema=False)
def territory(request: Request, user: Reader) -> Response:
    """Taiwan, Hong Kong, Macao and the boundary lines at sea, for the national map."""
    return _cached(request, geo.territory_file())


@router.get("/geo/{level}.json", include_in_schema=False)
def boundaries(
    request: Request, user: Reader, network: CurrentNetwork, level: str, province: str | None = None
) -> Response:
    """Boundaries of one level (optionally one province), gzip and cached by the browser."""
    return _cached(request, geo.geo_file(level, province, network.boundaries_dir))


def _cached(request: Request, found: geo.GeoFile) -> Response:
    if request.headers.get("if-none-match") == found.etag:
        return Response(status_code=304, headers={"ETag": found.etag, "Cache-Control": CACHE})
    headers = {"ETag": found.etag, "Cache-Control": CACHE, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(found.gzipped, media_type="application/json", headers=headers)
    return Response(gzip.decompress(found.gzipped), media_type="application/json", headers=headers)


@router.get("/regions/search", include_in_schema=False)
def region_search(request: Request, session: DbSession, user: Reader, q: str = "") -> Response:
    """Regions whose code, Chinese name or pinyin match, among those the user may plan
    (a province's users: their province): an htmx fragment of the builder."""
    rows = service.list_regions(session, q=q.strip(), limit=200) if q.strip() else []
    rows = [r for r in rows if user.sees_province(r.province_code)][:12]
    return render(request, "network/_region_search.html", user, regions=rows, q=q)
