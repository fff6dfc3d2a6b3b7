"""Duty desk pages: the board (incidents, overdue instructions, compliance), an incident
with its suggested response and timeline, the instructions and their steps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from baotong.api.deps import CurrentNetwork, DbSession, get_network
from baotong.auth.permissions import Permission, Principal
from baotong.command import emergency, logistics
from baotong.command import service as command_service
from baotong.command.models import (
    IncidentKind,
    IncidentStatus,
    InstructionStatus,
    Severity,
)
from baotong.command.schemas import (
    Execution,
    IncidentCreate,
    InstructionCreate,
    NoteCreate,
    Report,
)
from baotong.core import clock
from baotong.core.exceptions import ConflictError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import PageRequest
from baotong.web import i18n
from baotong.web.forms import attempt, parse_form, see_other
from baotong.web.templating import Csrf, NavItem, PageRoute, page_require, render, templates

router = APIRouter(route_class=PageRoute)
nav = NavItem("/command", N_("nav.command"), Permission.COMMAND_READ)
templates.env.globals.update(
    IncidentKind=IncidentKind,
    IncidentStatus=IncidentStatus,
    InstructionStatus=InstructionStatus,
    Severity=Severity,
)
Reader = Annotated[Principal, Depends(page_require(Permission.COMMAND_READ))]
IncidentWriter = Annotated[Principal, Depends(page_require(Permission.INCIDENT_WRITE))]
Issuer = Annotated[Principal, Depends(page_require(Permission.INSTRUCTION_ISSUE))]
Answerer = Annotated[Principal, Depends(page_require(Permission.INSTRUCTION_ANSWER))]
PAGE = 50
LINKS = (N_("link.plan"), N_("link.emergency_plan"))  # what an instruction links to
Refused = ValidationError | ConflictError


def _board(
    request: Request,
    session: Session,
    user: Principal,
    *,
    page: int = 1,
    error: Refused | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    found = command_service.list_incidents(
        session, principal=user, page=PageRequest.number(page, PAGE)
    )
    overdue = command_service.list_instructions(
        session, principal=user, overdue=True, page=PageRequest(limit=10)
    )
    plans = emergency.list_plans(session, principal=user, page=PageRequest(limit=PAGE))
    return render(
        request,
        "command/board.html",
        user,
        incidents=found.items,
        found=found,
        query="",
        now=clock.now(),
        overdue=overdue,
        plans=plans.items,
        board=command_service.compliance(session, principal=user),
        form=form or {},
        status_code=error.status if error else 200,
        error=i18n.error_for(request, error) if error else None,
    )


@router.get("/command", include_in_schema=False)
def board(request: Request, session: DbSession, user: Reader, page: int = 1) -> Response:
    return _board(request, session, user, page=page)


@router.post("/command/incidents", include_in_schema=False, dependencies=[Csrf])
async def incident_create(
    request: Request, session: DbSession, network: CurrentNetwork, user: IncidentWriter
) -> Response:
    form = dict(await request.form())
    form.pop("csrf_token", None)
    place = str(form.pop("place", "")).strip()
    if place:
        form[
            "site_id" if place.upper() in network.centers or place in network.stations else "region"
        ] = place
    return attempt(
        session,
        lambda: command_service.create_incident(
            session,
            **parse_form(IncidentCreate, form).model_dump(),
            network=network,
            principal=user,
        ),
        done=lambda row: see_other(f"/command/incidents/{row.id}"),
        refused=lambda exc: _board(request, session, user, error=exc, form=dict(form)),
    )


def _incident(
    request: Request,
    session: Session,
    user: Principal,
    incident_id: int,
    *,
    error: Refused | None = None,
) -> Response:
    row = command_service.get_incident(session, incident_id, principal=user)
    road = None
    if row.kind is IncidentKind.ROAD_BLOCKED and row.status is not IncidentStatus.CLOSED:
        try:
            road = logistics.road_effects(session, row, get_network(request.app.state.context))
        except ConflictError:
            road = None  # no place to look in: the page says so through the suggestion
    orders = command_service.list_instructions(
        session, principal=user, incident_id=row.id, page=PageRequest(limit=PAGE)
    )
    return render(
        request,
        "command/incident.html",
        user,
        incident=row,
        suggestion=command_service.suggestion(row),
        road=road,
        now=clock.now(),
        events=command_service.timeline(session, row.id, principal=user),
        instructions=orders.items,
        status_code=error.status if error else 200,
        error=i18n.error_for(request, error) if error else None,
    )


@router.get("/command/incidents/{incident_id}", include_in_schema=False)
def incident_page(request: Request, incident_id: int, session: DbSession, user: Reader) -> Response:
    return _incident(request, session, user, incident_id)


def _on_incident(
    request: Request, session: Session, user: Principal, incident_id: int, act: Callable[[], object]
) -> Response:
    return attempt(
        session,
        act,
        done=lambda _: see_other(f"/command/incidents/{incident_id}"),
        refused=lambda exc: _incident(request, session, user, incident_id, error=exc),
    )


def _step(path: str, act: Callable[..., object]) -> None:
    """An incident's suggested step, one button: ``act(session, incident_id=, network=,
    principal=)``, then back to the incident (or the incident with the refusal)."""

    def handler(
        request: Request,
        incident_id: int,
        session: DbSession,
        network: CurrentNetwork,
        user: IncidentWriter,
    ) -> Response:
        return _on_incident(
            request,
            session,
            user,
            incident_id,
            lambda: act(session, incident_id=incident_id, network=network, principal=user),
        )

    router.post(
        f"/command/incidents/{{incident_id}}/{path}",
        name=f"incident_{path.replace('-', '_')}",
        include_in_schema=False,
        dependencies=[Csrf],
    )(handler)


_step("scenario", command_service.open_scenario)  # a draft planner scenario for the place
_step("plan-run", command_service.start_plan_run)  # compute its network adjustment plan
_step("road", logistics.flag_road)  # flag the runs and passes through a blocked road


@router.post("/command/incidents/{incident_id}/notes", include_in_schema=False, dependencies=[Csrf])
async def incident_note(
    request: Request, incident_id: int, session: DbSession, user: IncidentWriter
) -> Response:
    form = await request.form()
    return _on_incident(
        request,
        session,
        user,
        incident_id,
        lambda: command_service.add_note(
            session,
            incident_id=incident_id,
            principal=user,
            text=parse_form(NoteCreate, {"text": form.get("text", "")}).text,
        ),
    )


@router.post("/command/incidents/{incident_id}/close", include_in_schema=False, dependencies=[Csrf])
def incident_close(
    request: Request, incident_id: int, session: DbSession, user: IncidentWriter
) -> Response:
    return _on_incident(
        request,
        session,
        user,
        incident_id,
        lambda: command_service.close_incident(session, incident_id=incident_id, principal=user),
    )


# -- instructions ---------------------------------------------------------------------
def _instructions(
    request: Request,
    session: Session,
    user: Principal,
    *,
    page: int = 1,
    status: InstructionStatus | None = None,
    overdue: bool = False,
    error: Refused | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    found = command_service.list_instructions(
        session, principal=user, status=status, overdue=overdue, page=PageRequest.number(page, PAGE)
    )
    parts = ([f"status={status.value}"] if status else []) + (["overdue=true"] if overdue else [])
    query = "&".join(parts)
    return render(
        request,
        "command/instructions.html",
        user,
        instructions=found.items,
        found=found,
        query=query,
        status=status,
        overdue=overdue,
        now=clock.now(),
        form=form or {},
        status_code=error.status if error else 200,
        error=i18n.error_for(request, error) if error else None,
    )


@router.get("/command/instructions", include_in_schema=False)
def instruction_list(
    request: Request,
    session: DbSession,
    user: Reader,
    page: int = 1,
    status: InstructionStatus | None = None,
    overdue: bool = False,
) -> Response:
    return _instructions(request, session, user, page=page, status=status, overdue=overdue)


@router.post("/command/instructions", include_in_schema=False, dependencies=[Csrf])
async def instruction_issue(request: Request, session: DbSession, user: Issuer) -> Response:
    form = {k: v for k, v in (await request.form()).items() if k != "csrf_token"}
    back = str(form.pop("back", ""))
    return attempt(
        session,
        lambda: command_service.issue(
            session, **parse_form(InstructionCreate, form).model_dump(), principal=user
        ),
        done=lambda row: see_other(
            back if back.startswith("/command/") else f"/command/instructions/{row.id}"
        ),
        refused=lambda exc: _instructions(request, session, user, error=exc, form=form),
    )


def _instruction(
    request: Request,
    session: Session,
    user: Principal,
    instruction_id: int,
    *,
    error: Refused | None = None,
) -> Response:
    row = command_service.get_instruction(session, instruction_id, principal=user)
    return render(
        request,
        "command/instruction.html",
        user,
        instruction=row,
        now=clock.now(),
        status_code=error.status if error else 200,
        error=i18n.error_for(request, error) if error else None,
    )


@router.get("/command/instructions/{instruction_id}", include_in_schema=False)
def instruction_page(
    request: Request, instruction_id: int, session: DbSession, user: Reader
) -> Response:
    return _instruction(request, session, user, instruction_id)


def _answer(
    request: Request,
    session: Session,
    user: Principal,
    instruction_id: int,
    act: Callable[[], object],
) -> Response:
    return attempt(
        session,
        act,
        done=lambda _: see_other(f"/command/instructions/{instruction_id}"),
        refused=lambda exc: _instruction(request, session, user, instruction_id, error=exc),
    )


@router.post(
    "/command/instructions/{instruction_id}/receive", include_in_schema=False, dependencies=[Csrf]
)
def instruction_receive(
    request: Request, instruction_id: int, session: DbSession, user: Answerer
) -> Response:
    return _answer(
        request,
        session,
        user,
        instruction_id,
        lambda: command_service.receive(session, instruction_id=instruction_id, principal=user),
    )


@router.post(
    "/command/instructions/{instruction_id}/execute", include_in_schema=False, dependencies=[Csrf]
)
async def instruction_execute(
    request: Request, instruction_id: int, session: DbSession, user: Answerer
) -> Response:
    form = await request.form()
    return _answer(
        request,
        session,
        user,
        instruction_id,
        lambda: command_service.execute(
            session,
            instruction_id=instruction_id,
            principal=user,
            execution=parse_form(Execution, {"execution": form.get("execution", "")}).execution,
        ),
    )


@router.post(
    "/command/instructions/{instruction_id}/report", include_in_schema=False, dependencies=[Csrf]
)
async def instruction_report(
    request: Request, instruction_id: int, session: DbSession, user: Answerer
) -> Response:
    form = await request.form()

    def act() -> object:
        body = parse_form(
            Report, {"result": form.get("result", ""), "objection": form.get("objection", "")}
        )
        return command_service.report(
            session,
            instruction_id=instruction_id,
            principal=user,
            result=body.result,
            objection=body.objection,
        )

    return _answer(request, session, user, instruction_id, act)
