"""``/api/v1/scenarios``, ``/api/v1/plans``, ``/api/v1/routing``: plan, approve, activate."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import HTMLResponse

from baotong.api.deps import CurrentNetwork, DbSession, Paging, require, with_total
from baotong.auth.permissions import Permission, Principal
from baotong.contingency import in_force as current
from baotong.contingency import outputs, service
from baotong.contingency.engine import compare
from baotong.contingency.models import PlanLifecycle, PlanRun
from baotong.contingency.operations_views import operations_of
from baotong.contingency.report import report_html
from baotong.contingency.schemas import (
    Activation,
    PlanCreate,
    PlanRead,
    RoutingRead,
    ScenarioCreate,
    ScenarioRead,
)
from baotong.core import clock
from baotong.jobs.models import JobStatus

router = APIRouter(tags=["contingency"])
ScenarioReader = Annotated[Principal, Depends(require(Permission.SCENARIO_READ))]
ScenarioWriter = Annotated[Principal, Depends(require(Permission.SCENARIO_WRITE))]
PlanReader = Annotated[Principal, Depends(require(Permission.PLAN_READ))]
PlanRunner = Annotated[Principal, Depends(require(Permission.PLAN_RUN))]
Approver = Annotated[Principal, Depends(require(Permission.PLAN_APPROVE))]
Activator = Annotated[Principal, Depends(require(Permission.PLAN_ACTIVATE))]
RoutingReader = Annotated[Principal, Depends(require(Permission.ROUTING_READ))]
Table = Literal[
    "backups", "assignments", "sort_plan_changes", "transit_changes", "trunk", "zone_runs"
]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/scenarios", response_model=list[ScenarioRead])
def list_scenarios(
    session: DbSession, user: ScenarioReader, paging: Paging, response: Response
) -> list[ScenarioRead]:
    found = service.list_scenarios(session, principal=user, page=paging)
    with_total(response, found)
    return [ScenarioRead.model_validate(r) for r in found.items]


@router.post("/scenarios", response_model=ScenarioRead, status_code=201)
def create_scenario(
    body: ScenarioCreate, session: DbSession, network: CurrentNetwork, user: ScenarioWriter
) -> ScenarioRead:
    row = service.create_scenario(session, body=body.body, network=network, principal=user)
    return ScenarioRead.model_validate(row)


@router.get("/scenarios/{scenario_id}", response_model=ScenarioRead)
def get_scenario(scenario_id: int, session: DbSession, user: ScenarioReader) -> ScenarioRead:
    row = service.get_scenario(session, scenario_id, principal=user)
    return ScenarioRead.model_validate(row)


@router.put("/scenarios/{scenario_id}", response_model=ScenarioRead)
def update_scenario(
    scenario_id: int,
    body: ScenarioCreate,
    session: DbSession,
    network: CurrentNetwork,
    user: ScenarioWriter,
) -> ScenarioRead:
    row = service.update_scenario(
        session,
        scenario_id=scenario_id,
        body=body.body,
        network=network,
        principal=user,
    )
    return ScenarioRead.model_validate(row)


@router.delete("/scenarios/{scenario_id}", status_code=204)
def delete_scenario(scenario_id: int, session: DbSession, user: ScenarioWriter) -> Response:
    service.delete_scenario(session, scenario_id=scenario_id, principal=user)
    return Response(status_code=204)


@router.get("/plans", response_model=list[PlanRead])
def list_plans(
    session: DbSession,
    user: PlanReader,
    paging: Paging,
    response: Response,
    lifecycle: PlanLifecycle | None = None,
    status: JobStatus | None = None,
) -> list[PlanRead]:
    found = service.list_plans(
        session, principal=user, lifecycle=lifecycle, status=status, page=paging
    )
    with_total(response, found)
    return [PlanRead.model_validate(r) for r in found.items]


@router.post("/plans", response_model=PlanRead, status_code=202)
def create_plan(
    body: PlanCreate, session: DbSession, network: CurrentNetwork, user: PlanRunner
) -> PlanRead:
    run = service.create_plan(
        session,
        scenario_id=body.scenario_id,
        name=body.name,
        parameters=body.parameters,
        network=network,
        principal=user,
    )
    return PlanRead.model_validate(run)


@router.get("/plans/compare")
def compare_plans(
    session: DbSession, user: PlanReader, a: int = Query(...), b: int = Query(...)
) -> dict[str, Any]:
    first = service.plan_result(session, a, principal=user)
    second = service.plan_result(session, b, principal=user)
    return compare(first, second).to_json()


@router.get("/plans/{plan_id}", response_model=PlanRead)
def get_plan(plan_id: int, session: DbSession, user: PlanReader) -> PlanRead:
    return PlanRead.model_validate(service.get_plan(session, plan_id, principal=user))


@router.get("/plans/{plan_id}/result")
def plan_result(plan_id: int, session: DbSession, user: PlanReader) -> dict[str, Any]:
    """The plan document (schema "baotong.plan/1", see ``contingency.document``)."""
    return service.plan_result(session, plan_id, principal=user).to_json()


def _attachment(run: PlanRun, user: Principal, suffix: str) -> str:
    """A download named after the plan and its day (in the user's zone): the name people
    see, and an ASCII fallback."""
    day = clock.local(run.created_at, user.time_zone).date().isoformat()
    name = f"{run.name}-{day}{suffix}"
    return (f'attachment; filename="plan-{run.id}-{day}{suffix}"; '
            f"filename*=UTF-8''{quote(name)}")  # fmt: skip


@router.get("/plans/{plan_id}/result.csv", responses={200: {"content": {"text/csv": {}}}})
def plan_csv(
    plan_id: int, session: DbSession, user: PlanReader, table: Table = "assignments"
) -> Response:
    data = service.plan_result(session, plan_id, principal=user)
    text = outputs.plan_csv(data, table)
    run = service.get_plan(session, plan_id, principal=user)
    headers = {"Content-Disposition": _attachment(run, user, f"-{table}.csv")}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/plans/{plan_id}/result.xlsx", responses={200: {"content": {XLSX: {}}}})
def plan_xlsx(plan_id: int, session: DbSession, user: PlanReader) -> Response:
    data = service.plan_result(session, plan_id, principal=user)
    content = outputs.plan_xlsx(data)
    run = service.get_plan(session, plan_id, principal=user)
    headers = {"Content-Disposition": _attachment(run, user, ".xlsx")}
    return Response(content, media_type=XLSX, headers=headers)


@router.get("/plans/{plan_id}/report.html", response_class=HTMLResponse)
def plan_report(
    plan_id: int, session: DbSession, network: CurrentNetwork, user: PlanReader
) -> HTMLResponse:
    data = service.plan_result(session, plan_id, principal=user)
    ops = operations_of(session, plan_id, network, principal=user)
    return HTMLResponse(report_html(data, network, ops))


@router.post("/plans/{plan_id}/cancel", response_model=PlanRead)
def cancel_plan(plan_id: int, session: DbSession, user: PlanRunner) -> PlanRead:
    run = service.cancel_plan(session, plan_id=plan_id, principal=user)
    return PlanRead.model_validate(run)


@router.post("/plans/{plan_id}/approve", response_model=PlanRead)
def approve_plan(plan_id: int, session: DbSession, user: Approver) -> PlanRead:
    run = service.approve_plan(session, plan_id=plan_id, principal=user)
    return PlanRead.model_validate(run)


@router.post("/plans/{plan_id}/activate", response_model=PlanRead)
def activate_plan(
    plan_id: int, session: DbSession, user: Activator, body: Activation | None = None
) -> PlanRead:
    run = service.activate_plan(
        session,
        plan_id=plan_id,
        principal=user,
        effective_at=body.effective_at if body else None,
    )
    return PlanRead.model_validate(run)


@router.post("/plans/{plan_id}/withdraw", response_model=PlanRead)
def withdraw_approval(plan_id: int, session: DbSession, user: Approver) -> PlanRead:
    """Take an approval back: the plan is a draft again."""
    return PlanRead.model_validate(
        service.withdraw_approval(session, plan_id=plan_id, principal=user))  # fmt: skip


@router.post("/plans/{plan_id}/reinstate", response_model=PlanRead)
def reinstate_plan(plan_id: int, session: DbSession, user: Activator) -> PlanRead:
    """A lifted plan approved again, to start without recomputing (unchanged network)."""
    return PlanRead.model_validate(
        service.reinstate_plan(session, plan_id=plan_id, principal=user))  # fmt: skip


@router.post("/plans/{plan_id}/unschedule", response_model=PlanRead)
def unschedule_plan(plan_id: int, session: DbSession, user: Activator) -> PlanRead:
    """Call off a scheduled activation before its effective time."""
    run = service.cancel_schedule(session, plan_id=plan_id, principal=user)
    return PlanRead.model_validate(run)


@router.post("/plans/{plan_id}/lift", response_model=PlanRead)
def lift_plan(plan_id: int, session: DbSession, user: Activator) -> PlanRead:
    run = service.lift_plan(session, plan_id=plan_id, principal=user)
    return PlanRead.model_validate(run)


@router.get("/routing", response_model=RoutingRead)
def routing(
    session: DbSession,
    network: CurrentNetwork,
    _: RoutingReader,
    destination: str = Query(
        ..., min_length=1, description="County code or name, station id, or grid id."
    ),
    origin: str | None = Query(None, description="Origin centre id."),
) -> RoutingRead:
    return current.current_routing(session, network=network, destination=destination, origin=origin)
