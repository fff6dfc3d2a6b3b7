"""Sweep pages: the stored sweeps and the national risk table, a sweep's regions, a
region's pre-computed plan (and a scenario built from it), starting a sweep."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.contingency import forms, sweep_service
from baotong.contingency.models import SweepRun
from baotong.contingency.pages import builder_page
from baotong.contingency.sweep import region_scenario
from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import PageRequest
from baotong.jobs.models import DONE
from baotong.web import i18n
from baotong.web.forms import attempt, see_other
from baotong.web.templating import Csrf, NavItem, PageRoute, is_htmx, page_require, render

router = APIRouter(route_class=PageRoute)
nav = NavItem("/sweeps", N_("nav.sweeps"), Permission.PLAN_READ)
Reader = Annotated[Principal, Depends(page_require(Permission.PLAN_READ))]
Runner = Annotated[Principal, Depends(page_require(Permission.PLAN_RUN))]
Writer = Annotated[Principal, Depends(page_require(Permission.SCENARIO_WRITE))]
PAGE = 20
RISK_ROWS = 50
REGIONS = PageRequest(limit=1000)
# Words the templates compute: a plan's status, a sweep's level and source.
WORDS = [N_("sweep.status.optimal"), N_("sweep.status.feasible"), N_("sweep.status.infeasible"),
         N_("sweep.level.province"), N_("sweep.level.prefecture"), N_("sweep.level.all"),
         N_("sweep.source.console")]  # fmt: skip


def _list(request: Request, session: DbSession, user: Principal, page: int = 1, *,
          error: ValidationError | ConflictError | None = None) -> Response:  # fmt: skip
    found = sweep_service.list_sweeps(session, principal=user,
                                      page=PageRequest.number(page, PAGE))  # fmt: skip
    latest = sweep_service.latest_sweep(session, principal=user)
    return render(request, "contingency/sweeps/list.html", user, sweeps=found.items,
                  found=found, latest=latest, risk=(latest.risk if latest else [])[:RISK_ROWS],
                  default_limit=sweep_service.DEFAULT_TIME_LIMIT_S,
                  status_code=error.status if error else 200,
                  error=i18n.error_for(request, error) if error else None)  # fmt: skip


@router.get("/sweeps", include_in_schema=False)
def sweep_list(request: Request, session: DbSession, user: Reader, page: int = 1) -> Response:
    """The sweeps, newest first, and the latest one's national risk table."""
    return _list(request, session, user, page)


@router.post("/sweeps", include_in_schema=False, dependencies=[Csrf])
def sweep_start(
    request: Request,
    session: DbSession,
    network: CurrentNetwork,
    user: Runner,
    time_limit_s: Annotated[float, Form(gt=0, le=60)] = sweep_service.DEFAULT_TIME_LIMIT_S,
) -> Response:
    """Start a province-level sweep as a job; its page shows the progress."""
    return attempt(
        session,
        lambda: sweep_service.start_sweep(
            session, network=network, principal=user, time_limit_s=time_limit_s
        ),  # fmt: skip
        done=lambda row: see_other(f"/sweeps/{row.id}"),
        refused=lambda exc: _list(request, session, user, error=exc),
    )


def _detail_values(session: DbSession, user: Principal, row: SweepRun) -> dict[str, Any]:
    regions = sweep_service.list_regions(session, sweep_id=row.id, principal=user, page=REGIONS)
    return {"sweep": row, "regions": regions.items, "risk": row.risk[:RISK_ROWS]}


@router.get("/sweeps/{sweep_id}", include_in_schema=False)
def sweep_page(request: Request, sweep_id: int, session: DbSession, user: Reader) -> Response:
    """A sweep: its progress while it runs, then its regions and its risk table."""
    row = sweep_service.get_sweep(session, sweep_id, principal=user)
    return render(request, "contingency/sweeps/detail.html", user,
                  **_detail_values(session, user, row))  # fmt: skip


@router.get("/sweeps/{sweep_id}/progress", include_in_schema=False)
def sweep_progress(request: Request, sweep_id: int, session: DbSession, user: Reader) -> Response:
    """The progress bar (polled by htmx); once the sweep is over the page reloads itself."""
    row = sweep_service.get_sweep(session, sweep_id, principal=user)
    if row.status in DONE and is_htmx(request):
        return Response(status_code=200, headers={"HX-Refresh": "true"})
    return render(request, "contingency/sweeps/detail.html", user,
                  fragment="contingency/sweeps/_progress.html",
                  **_detail_values(session, user, row))  # fmt: skip


@router.post("/sweeps/{sweep_id}/cancel", include_in_schema=False, dependencies=[Csrf])
def sweep_cancel(request: Request, sweep_id: int, session: DbSession, user: Runner) -> Response:
    return attempt(
        session,
        lambda: sweep_service.cancel_sweep(session, sweep_id=sweep_id, principal=user),
        done=lambda row: see_other(f"/sweeps/{row.id}"),
        refused=lambda exc: _list(request, session, user, error=exc),
    )


@router.get("/sweeps/{sweep_id}/regions/{region_code}", include_in_schema=False)
def sweep_region(
    request: Request, sweep_id: int, region_code: str, session: DbSession, user: Reader
) -> Response:
    """A region's pre-computed plan: its backups, its zones, what it leaves unserved and why."""
    row = sweep_service.get_sweep(session, sweep_id, principal=user)
    region = sweep_service.get_region(session, sweep_id=sweep_id, region_code=region_code,
                                      principal=user)  # fmt: skip
    plan = region.plan
    return render(request, "contingency/sweeps/region.html", user, sweep=row, region=region,
                  backups=plan.get("backups", []), zones=plan.get("assignments", [])[:200],
                  zone_count=len(plan.get("assignments", [])),
                  unserved=plan.get("unserved", {}))  # fmt: skip


@router.get("/sweeps/{sweep_id}/regions/{region_code}/scenario", include_in_schema=False)
def sweep_region_scenario(
    request: Request,
    sweep_id: int,
    region_code: str,
    session: DbSession,
    network: CurrentNetwork,
    user: Writer,
) -> Response:
    """The scenario builder, filled in with the lockdown the sweep planned for the region."""
    row = sweep_service.get_sweep(session, sweep_id, principal=user)
    region = sweep_service.get_region(session, sweep_id=sweep_id, region_code=region_code,
                                      principal=user)  # fmt: skip
    if region.region_code not in network.regions:
        raise NotFoundError(f"Region {region.region_code} is not in the network.",
                            code="sweep.region_unknown", id=sweep_id,
                            region=region.region_code)  # fmt: skip
    limit = float(row.options.get("time_limit_s", sweep_service.DEFAULT_TIME_LIMIT_S))
    body = region_scenario(network, region.region_code, limit).canonical()
    return builder_page(request, user, forms.values_from_body(body))
