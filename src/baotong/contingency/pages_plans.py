"""Plan pages: the list, a plan (progress, map, tables, lifecycle), its changes fragment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.contingency import service as contingency_service
from baotong.contingency import site_views
from baotong.contingency import views as plan_views
from baotong.contingency.document import PlanDocument
from baotong.contingency.models import PlanLifecycle, PlanRun
from baotong.core.exceptions import ConflictError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import PageRequest
from baotong.jobs.models import DONE, WAITING, JobStatus
from baotong.network.entities import Network
from baotong.web import i18n
from baotong.web.forms import attempt, parse_time, see_other
from baotong.web.templating import (
    Csrf,
    NavItem,
    PageRoute,
    is_htmx,
    page_require,
    render,
    templates,
)

router = APIRouter(route_class=PageRoute)
nav = NavItem("/plans", N_("nav.plans"), Permission.PLAN_READ)
templates.env.globals.update(PlanLifecycle=PlanLifecycle, JobStatus=JobStatus, WAITING=WAITING)
Reader = Annotated[Principal, Depends(page_require(Permission.PLAN_READ))]
Runner = Annotated[Principal, Depends(page_require(Permission.PLAN_RUN))]
Approver = Annotated[Principal, Depends(page_require(Permission.PLAN_APPROVE))]
Activator = Annotated[Principal, Depends(page_require(Permission.PLAN_ACTIVATE))]
DETAIL = "contingency/plans/detail.html"
PAGE = 50


@router.get("/plans", include_in_schema=False)
def plan_list(request: Request, session: DbSession, user: Reader,
              lifecycle: PlanLifecycle | None = None, page: int = 1) -> Response:  # fmt: skip
    found = contingency_service.list_plans(session, principal=user, lifecycle=lifecycle,
                                           page=PageRequest.number(page, PAGE))  # fmt: skip
    return render(request, "contingency/plans/list.html", user, plans=found.items, found=found,
                  lifecycle=lifecycle,
                  query=urlencode({"lifecycle": lifecycle.value} if lifecycle else {}))  # fmt: skip


def _plan_values(
    run: PlanRun, network: Network, result: PlanDocument | None = None
) -> dict[str, Any]:
    result = result or contingency_service.result_of(run)
    if result is None:
        return {"run": run, "result": None}
    return {
        "run": run,
        "result": result,
        "summary": plan_views.summary(result),
        "backups": plan_views.backups(result),
        "histogram": plan_views.delay_histogram(result),
        "origin_delays": plan_views.origin_delays(result),
        "origins": plan_views.origin_provinces(result),
        "changes": plan_views.changes(result, network, None),
    }


def _zones(session: Session, network: Network, user: Principal, plan_id: int, q: str,
           page: int) -> dict[str, Any]:  # fmt: skip
    """The plan's zone → backup table: one page of it, searched by id or county name."""
    text = q.strip()
    codes = [r.code for r in network.regions.values()
             if text and (text in r.name or text.lower() in r.pinyin)][:500]  # fmt: skip
    found = contingency_service.plan_zones(session, plan_id, principal=user, search=text,
                                           region_codes=codes,
                                           page=PageRequest.number(page, PAGE))  # fmt: skip
    return {"zones": found, "zones_q": text,
            "zones_query": urlencode({"q": text} if text else {})}  # fmt: skip


@router.get("/plans/{plan_id}", include_in_schema=False)
def plan_page(
    request: Request, plan_id: int, session: DbSession, network: CurrentNetwork, user: Reader
) -> Response:
    run = contingency_service.get_plan(session, plan_id, principal=user)
    return render(request, DETAIL, user, **_plan_values(run, network),
                  **_zones(session, network, user, plan_id, "", 1),
                  alerts=site_views.alerts(session, network, principal=user,
                                           plan_id=plan_id))  # fmt: skip


@router.get("/plans/{plan_id}/zones", include_in_schema=False)
def plan_zones(
    request: Request, plan_id: int, session: DbSession, network: CurrentNetwork, user: Reader,
    q: str = "", page: int = 1,
) -> Response:  # fmt: skip
    """The zone → backup table: its fragment for htmx, or the whole page at that page."""
    run = contingency_service.get_plan(session, plan_id, principal=user)
    return render(request, DETAIL, user, fragment="contingency/plans/_zones.html",
                  **_plan_values(run, network), **_zones(session, network, user, plan_id, q, page),
                  alerts=[])  # fmt: skip


@router.get("/plans/{plan_id}/progress", include_in_schema=False)
def plan_progress(request: Request, plan_id: int, session: DbSession, user: Reader) -> Response:
    """The progress bar (polled by htmx); once the run is over the page reloads itself."""
    run = contingency_service.get_plan(session, plan_id, principal=user)
    if run.status in DONE and is_htmx(request):
        return Response(status_code=200, headers={"HX-Refresh": "true"})
    return render(request, DETAIL, user, fragment="contingency/plans/_progress.html", run=run,
                  result=None)  # fmt: skip


@router.get("/plans/{plan_id}/changes", include_in_schema=False)
def plan_changes(
    request: Request, plan_id: int, session: DbSession, network: CurrentNetwork, user: Reader,
    origin: str | None = None, page: int = 1,
) -> Response:  # fmt: skip
    """Relation changes for one origin province, one page of them: the table fragment, or
    the whole page."""
    run = contingency_service.get_plan(session, plan_id, principal=user)
    result = contingency_service.plan_result(session, plan_id, principal=user)
    values = _plan_values(run, network, result)
    values["changes"] = plan_views.changes(result, network, origin or None, page)
    return render(request, DETAIL, user, fragment="contingency/plans/_changes.html", **values)


@router.get("/plans/{plan_id}/map.json", include_in_schema=False)
def plan_map(
    plan_id: int, session: DbSession, network: CurrentNetwork, user: Reader
) -> JSONResponse:
    run = contingency_service.get_plan(session, plan_id, principal=user)
    result = contingency_service.plan_result(session, plan_id, principal=user)
    return JSONResponse(plan_views.map_data(result, network, list(run.provinces)))


def _act(request: Request, session: Session, network: Network, user: Principal, plan_id: int,
         act: Callable[[], object]) -> Response:  # fmt: skip
    """Do a lifecycle step; a refusal (a conflict, a wrong state) shows on the plan page."""

    def refused(exc: ValidationError | ConflictError) -> Response:
        run = contingency_service.get_plan(session, plan_id, principal=user)
        return render(request, DETAIL, user, status_code=exc.status,
                      flash_error=i18n.error_for(request, exc),
                      **_plan_values(run, network),
                      **_zones(session, network, user, plan_id, "", 1))  # fmt: skip

    return attempt(session, act, done=lambda _: see_other(f"/plans/{plan_id}"), refused=refused)


@router.post("/plans/{plan_id}/approve", include_in_schema=False, dependencies=[Csrf])
def approve(request: Request, plan_id: int, session: DbSession, network: CurrentNetwork,
            user: Approver) -> Response:  # fmt: skip
    return _act(request, session, network, user, plan_id, lambda: contingency_service.approve_plan(
        session, plan_id=plan_id, principal=user))  # fmt: skip


@router.post("/plans/{plan_id}/activate", include_in_schema=False, dependencies=[Csrf])
def activate(request: Request, plan_id: int, session: DbSession, network: CurrentNetwork,
             user: Activator, effective_at: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    return _act(request, session, network, user, plan_id, lambda: contingency_service.activate_plan(
        session, plan_id=plan_id, principal=user,
        effective_at=parse_time(effective_at, "effective_at", zone=user.time_zone)))  # fmt: skip


@router.post("/plans/{plan_id}/lift", include_in_schema=False, dependencies=[Csrf])
def lift(request: Request, plan_id: int, session: DbSession, network: CurrentNetwork,
         user: Activator) -> Response:  # fmt: skip
    return _act(request, session, network, user, plan_id, lambda: contingency_service.lift_plan(
        session, plan_id=plan_id, principal=user))  # fmt: skip


@router.post("/plans/{plan_id}/withdraw", include_in_schema=False, dependencies=[Csrf])
def withdraw(request: Request, plan_id: int, session: DbSession, network: CurrentNetwork,
             user: Approver) -> Response:  # fmt: skip
    return _act(request, session, network, user, plan_id,
                lambda: contingency_service.withdraw_approval(
                    session, plan_id=plan_id, principal=user))  # fmt: skip


@router.post("/plans/{plan_id}/reinstate", include_in_schema=False, dependencies=[Csrf])
def reinstate(request: Request, plan_id: int, session: DbSession, network: CurrentNetwork,
              user: Activator) -> Response:  # fmt: skip
    return _act(request, session, network, user, plan_id,
                lambda: contingency_service.reinstate_plan(
                    session, plan_id=plan_id, principal=user))  # fmt: skip


@router.post("/plans/{plan_id}/unschedule", include_in_schema=False, dependencies=[Csrf])
def unschedule(request: Request, plan_id: int, session: DbSession, network: CurrentNetwork,
               user: Activator) -> Response:  # fmt: skip
    return _act(request, session, network, user, plan_id,
                lambda: contingency_service.cancel_schedule(
                    session, plan_id=plan_id, principal=user))  # fmt: skip


@router.post("/plans/{plan_id}/cancel", include_in_schema=False, dependencies=[Csrf])
def cancel(plan_id: int, session: DbSession, user: Runner) -> Response:
    contingency_service.cancel_plan(session, plan_id=plan_id, principal=user)
    return see_other(f"/plans/{plan_id}")
