"""``/api/v1/command/...``: incidents, instructions, resources and loans, safety logs,
emergency plans."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Response, UploadFile

from baotong.api.deps import CurrentNetwork, DbSession, Paging, require, with_total
from baotong.auth.permissions import Permission, Principal
from baotong.command import emergency, excel, logistics, resources
from baotong.command import service as command_service
from baotong.command.models import IncidentStatus, InstructionStatus, LoanStatus, ResourceKind
from baotong.command.schemas import (
    Activation,
    ComplianceRead,
    EmergencyPlanIn,
    EmergencyPlanRead,
    EventRead,
    Execution,
    HoldingRead,
    IncidentCreate,
    IncidentRead,
    InstructionCreate,
    InstructionRead,
    LoanCreate,
    LoanRead,
    NoteCreate,
    Report,
    ResourceIn,
    ResourceRead,
    RoadEffectsRead,
    SafetyLogCreate,
    SafetyLogRead,
)
from baotong.core import clock

router = APIRouter(prefix="/command", tags=["command"])
Reader = Annotated[Principal, Depends(require(Permission.COMMAND_READ))]
IncidentWriter = Annotated[Principal, Depends(require(Permission.INCIDENT_WRITE))]
Issuer = Annotated[Principal, Depends(require(Permission.INSTRUCTION_ISSUE))]
Answerer = Annotated[Principal, Depends(require(Permission.INSTRUCTION_ANSWER))]
ResourceWriter = Annotated[Principal, Depends(require(Permission.RESOURCE_WRITE))]
LoanApprover = Annotated[Principal, Depends(require(Permission.LOAN_APPROVE))]
PlanWriter = Annotated[Principal, Depends(require(Permission.EMERGENCY_PLAN_WRITE))]
Activator = Annotated[Principal, Depends(require(Permission.EMERGENCY_PLAN_ACTIVATE))]


# -- incidents ------------------------------------------------------------------------
@router.get("/incidents", response_model=list[IncidentRead])
def list_incidents(
    session: DbSession,
    user: Reader,
    paging: Paging,
    response: Response,
    status: IncidentStatus | None = None,
) -> list[IncidentRead]:
    found = command_service.list_incidents(session, principal=user, status=status, page=paging)
    with_total(response, found)
    return [IncidentRead.model_validate(r) for r in found.items]


@router.post("/incidents", response_model=IncidentRead, status_code=201)
def create_incident(
    body: IncidentCreate, session: DbSession, network: CurrentNetwork, user: IncidentWriter
) -> IncidentRead:
    row = command_service.create_incident(
        session, **body.model_dump(), network=network, principal=user
    )
    return IncidentRead.model_validate(row)


@router.get("/incidents/{incident_id}", response_model=IncidentRead)
def get_incident(incident_id: int, session: DbSession, user: Reader) -> IncidentRead:
    return IncidentRead.model_validate(
        command_service.get_incident(session, incident_id, principal=user)
    )


@router.get("/incidents/{incident_id}/timeline", response_model=list[EventRead])
def incident_timeline(incident_id: int, session: DbSession, user: Reader) -> list[EventRead]:
    events = command_service.timeline(session, incident_id, principal=user)
    return [EventRead.model_validate(e) for e in events]


@router.post("/incidents/{incident_id}/scenario", response_model=IncidentRead)
def open_scenario(
    incident_id: int, session: DbSession, network: CurrentNetwork, user: IncidentWriter
) -> IncidentRead:
    row = command_service.open_scenario(
        session, incident_id=incident_id, network=network, principal=user
    )
    return IncidentRead.model_validate(row)


@router.post("/incidents/{incident_id}/plan-run", response_model=IncidentRead, status_code=202)
def start_plan_run(
    incident_id: int, session: DbSession, network: CurrentNetwork, user: IncidentWriter
) -> IncidentRead:
    row = command_service.start_plan_run(
        session, incident_id=incident_id, network=network, principal=user
    )
    return IncidentRead.model_validate(row)


@router.post("/incidents/{incident_id}/notes", response_model=IncidentRead)
def add_note(
    incident_id: int, body: NoteCreate, session: DbSession, user: IncidentWriter
) -> IncidentRead:
    row = command_service.add_note(session, incident_id=incident_id, text=body.text, principal=user)
    return IncidentRead.model_validate(row)


@router.get("/incidents/{incident_id}/road", response_model=RoadEffectsRead)
def road_effects(
    incident_id: int, session: DbSession, network: CurrentNetwork, user: Reader
) -> RoadEffectsRead:
    """A blocked road's incident: the transport runs and vehicle passes that use it."""
    row = command_service.get_incident(session, incident_id, principal=user)
    return RoadEffectsRead.of(logistics.road_effects(session, row, network))


@router.post("/incidents/{incident_id}/road/flag", response_model=RoadEffectsRead)
def flag_road(
    incident_id: int, session: DbSession, network: CurrentNetwork, user: IncidentWriter
) -> RoadEffectsRead:
    """Put the runs and passes on the timeline and tell the transport dispatchers."""
    found = logistics.flag_road(session, incident_id=incident_id, network=network, principal=user)
    return RoadEffectsRead.of(found)


@router.post("/incidents/{incident_id}/close", response_model=IncidentRead)
def close_incident(incident_id: int, session: DbSession, user: IncidentWriter) -> IncidentRead:
    row = command_service.close_incident(session, incident_id=incident_id, principal=user)
    return IncidentRead.model_validate(row)


# -- instructions ---------------------------------------------------------------------
@router.get("/instructions", response_model=list[InstructionRead])
def list_instructions(
    session: DbSession,
    user: Reader,
    paging: Paging,
    response: Response,
    status: InstructionStatus | None = None,
    overdue: bool = False,
    incident_id: int | None = None,
    province: str | None = None,
) -> list[InstructionRead]:
    found = command_service.list_instructions(
        session,
        principal=user,
        status=status,
        overdue=overdue,
        incident_id=incident_id,
        province=province,
        page=paging,
    )
    with_total(response, found)
    return [InstructionRead.model_validate(r) for r in found.items]


@router.post("/instructions", response_model=InstructionRead, status_code=201)
def issue(body: InstructionCreate, session: DbSession, user: Issuer) -> InstructionRead:
    row = command_service.issue(session, **body.model_dump(), principal=user)
    return InstructionRead.model_validate(row)


@router.get("/instructions/{instruction_id}", response_model=InstructionRead)
def get_instruction(instruction_id: int, session: DbSession, user: Reader) -> InstructionRead:
    return InstructionRead.model_validate(
        command_service.get_instruction(session, instruction_id, principal=user)
    )


@router.post("/instructions/{instruction_id}/receive", response_model=InstructionRead)
def receive(instruction_id: int, session: DbSession, user: Answerer) -> InstructionRead:
    row = command_service.receive(session, instruction_id=instruction_id, principal=user)
    return InstructionRead.model_validate(row)


@router.post("/instructions/{instruction_id}/execute", response_model=InstructionRead)
def execute(
    instruction_id: int, body: Execution, session: DbSession, user: Answerer
) -> InstructionRead:
    row = command_service.execute(
        session, instruction_id=instruction_id, execution=body.execution, principal=user
    )
    return InstructionRead.model_validate(row)


@router.post("/instructions/{instruction_id}/report", response_model=InstructionRead)
def report(
    instruction_id: int, body: Report, session: DbSession, user: Answerer
) -> InstructionRead:
    row = command_service.report(
        session,
        instruction_id=instruction_id,
        result=body.result,
        objection=body.objection,
        principal=user,
    )
    return InstructionRead.model_validate(row)


@router.get("/compliance", response_model=list[ComplianceRead])
def compliance(session: DbSession, user: Reader) -> list[ComplianceRead]:
    board = command_service.compliance(session, principal=user)
    return [ComplianceRead.model_validate(c) for c in board]


# -- resources, loans, safety logs ----------------------------------------------------
@router.get("/resources", response_model=list[ResourceRead])
def list_resources(
    session: DbSession,
    user: Reader,
    paging: Paging,
    response: Response,
    kind: ResourceKind | None = None,
    province: str | None = None,
) -> list[ResourceRead]:
    found = resources.list_resources(
        session, principal=user, kind=kind, province=province, page=paging
    )
    with_total(response, found)
    return [ResourceRead.model_validate(r) for r in found.items]


@router.post("/resources", response_model=list[ResourceRead], status_code=201)
def add_resources(
    body: list[ResourceIn], session: DbSession, user: ResourceWriter
) -> list[ResourceRead]:
    added = resources.add_resources(session, rows=body, principal=user)
    return [ResourceRead.model_validate(r) for r in added]


@router.get(
    "/resources/template.xlsx",
    response_class=Response,
    responses={
        200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}
    },
)
def resource_template(user: Reader) -> Response:
    """The empty inventory workbook: the sheets people, vehicles and equipment."""
    return Response(
        excel.template(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="resources.xlsx"'},
    )


@router.post("/resources/import", response_model=list[ResourceRead], status_code=201)
async def import_resources(
    session: DbSession, user: ResourceWriter, file: Annotated[UploadFile, File()]
) -> list[ResourceRead]:
    rows = excel.read_resources(await file.read(), file=file.filename or "resources.xlsx")
    added = resources.add_resources(session, rows=rows, principal=user)
    return [ResourceRead.model_validate(r) for r in added]


@router.get("/inventory", response_model=list[HoldingRead])
def inventory(session: DbSession, user: Reader) -> list[HoldingRead]:
    found = resources.inventory(session, principal=user)
    return [HoldingRead.model_validate(h) for h in found.holdings]


@router.get("/loans", response_model=list[LoanRead])
def list_loans(
    session: DbSession,
    user: Reader,
    paging: Paging,
    response: Response,
    status: LoanStatus | None = None,
) -> list[LoanRead]:
    found = resources.list_loans(session, principal=user, status=status, page=paging)
    with_total(response, found)
    return [LoanRead.model_validate(r) for r in found.items]


@router.post("/loans", response_model=LoanRead, status_code=201)
def request_loan(body: LoanCreate, session: DbSession, user: ResourceWriter) -> LoanRead:
    loan = resources.request_loan(session, **body.model_dump(), principal=user)
    return LoanRead.model_validate(loan)


@router.get("/loans/{loan_id}", response_model=LoanRead)
def get_loan(loan_id: int, session: DbSession, user: Reader) -> LoanRead:
    return LoanRead.model_validate(resources.get_loan(session, loan_id, principal=user))


@router.post("/loans/{loan_id}/approve", response_model=LoanRead)
def approve_loan(loan_id: int, session: DbSession, user: LoanApprover) -> LoanRead:
    return LoanRead.model_validate(resources.approve_loan(session, loan_id=loan_id, principal=user))


@router.post("/loans/{loan_id}/refuse", response_model=LoanRead)
def refuse_loan(loan_id: int, session: DbSession, user: LoanApprover) -> LoanRead:
    return LoanRead.model_validate(resources.refuse_loan(session, loan_id=loan_id, principal=user))


@router.post("/loans/{loan_id}/return", response_model=LoanRead)
def return_loan(loan_id: int, session: DbSession, user: ResourceWriter) -> LoanRead:
    return LoanRead.model_validate(resources.return_loan(session, loan_id=loan_id, principal=user))


@router.get("/safety-logs", response_model=list[SafetyLogRead])
def list_safety_logs(
    session: DbSession, user: Reader, paging: Paging, response: Response, day: date | None = None
) -> list[SafetyLogRead]:
    found = resources.list_safety_logs(session, principal=user, day=day, page=paging)
    with_total(response, found)
    return [SafetyLogRead.model_validate(r) for r in found.items]


@router.post("/safety-logs", response_model=SafetyLogRead, status_code=201)
def file_safety_log(
    body: SafetyLogCreate, session: DbSession, user: ResourceWriter
) -> SafetyLogRead:
    log = resources.file_safety_log(session, **body.model_dump(), principal=user)
    return SafetyLogRead.model_validate(log)


@router.get("/safety-logs/missing", response_model=dict[str, str])
def missing_safety_logs(
    session: DbSession, user: Reader, day: date | None = None
) -> dict[str, str]:
    """The sites that keep a log and have not filed the one of ``day`` (today): id →
    province."""
    return resources.missing_logs(session, day=day or clock.now().date(), principal=user)


# -- emergency plans ------------------------------------------------------------------
@router.get("/emergency-plans", response_model=list[EmergencyPlanRead])
def list_emergency_plans(
    session: DbSession, user: Reader, paging: Paging, response: Response
) -> list[EmergencyPlanRead]:
    found = emergency.list_plans(session, principal=user, page=paging)
    with_total(response, found)
    return [EmergencyPlanRead.model_validate(r) for r in found.items]


@router.put("/emergency-plans", response_model=EmergencyPlanRead)
def save_emergency_plan(
    body: EmergencyPlanIn, session: DbSession, network: CurrentNetwork, user: PlanWriter
) -> EmergencyPlanRead:
    """Create or replace the province's plan for the event type."""
    row = emergency.save_plan(session, plan=body, network=network, principal=user)
    return EmergencyPlanRead.model_validate(row)


@router.get("/emergency-plans/{eplan_id}", response_model=EmergencyPlanRead)
def get_emergency_plan(eplan_id: int, session: DbSession, user: Reader) -> EmergencyPlanRead:
    return EmergencyPlanRead.model_validate(emergency.get_plan(session, eplan_id, principal=user))


@router.post("/emergency-plans/{eplan_id}/check", response_model=EmergencyPlanRead)
def check_emergency_plan(eplan_id: int, session: DbSession, user: PlanWriter) -> EmergencyPlanRead:
    row = emergency.get_plan(session, eplan_id, principal=user)
    emergency.check_readiness(session, row)
    return EmergencyPlanRead.model_validate(row)


@router.post("/emergency-plans/{eplan_id}/activate", response_model=IncidentRead, status_code=201)
def activate_emergency_plan(
    eplan_id: int, body: Activation, session: DbSession, network: CurrentNetwork, user: Activator
) -> IncidentRead:
    """Activate the plan (or drill it): the incident, its scenario and plan run, and the
    instructions, in one step."""
    incident = emergency.activate(
        session,
        plan_id=eplan_id,
        network=network,
        principal=user,
        drill=body.drill,
        title=body.title,
    )
    return IncidentRead.model_validate(incident)
