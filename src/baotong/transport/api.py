"""``/api/v1/transport``: vehicles, people, credentials and their workflow, runs and the
check that decides whether a run may enter a controlled area, shuttles and their trailer
swap, route plans solved in the background with their route sheets, and handovers."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, UploadFile
from sqlalchemy.orm import Session

from baotong.api.deps import CurrentNetwork, DbSession, Paging, require, with_total
from baotong.auth.permissions import Permission, Principal
from baotong.network.entities import Network
from baotong.transport import route_plans, service, sheets, shuttles
from baotong.transport.entities import CredentialKind, CredentialState
from baotong.transport.models import Evidence
from baotong.transport.schemas import (
    CredentialIn,
    CredentialRead,
    Custody,
    Decision,
    DeliveryIn,
    EvidenceRead,
    HandoverIn,
    HandoverRead,
    MissingRead,
    PersonIn,
    PersonRead,
    ReplanIn,
    RoutePlanIn,
    RoutePlanRead,
    RunCheck,
    RunIn,
    RunRead,
    ShuttleBoard,
    ShuttleIn,
    ShuttleRead,
    StageIn,
    SwapStatementIn,
    TrailerRead,
    VehicleIn,
    VehicleRead,
)
from baotong.transport.views import custody_of

router = APIRouter(prefix="/transport", tags=["transport"])
Reader = Annotated[Principal, Depends(require(Permission.TRANSPORT_READ))]
Writer = Annotated[Principal, Depends(require(Permission.TRANSPORT_WRITE))]


@router.get("/vehicles", response_model=list[VehicleRead])
def vehicles(session: DbSession, user: Reader, paging: Paging,
             response: Response) -> list[VehicleRead]:  # fmt: skip
    found = service.list_vehicles(session, principal=user, page=paging)
    with_total(response, found)
    return [VehicleRead.model_validate(v) for v in found.items]


@router.post("/vehicles", response_model=VehicleRead, status_code=201)
def add_vehicle(body: VehicleIn, session: DbSession, network: CurrentNetwork,
                user: Writer) -> VehicleRead:  # fmt: skip
    row = service.add_vehicle(session, **body.model_dump(), network=network, principal=user)
    return VehicleRead.model_validate(row)


@router.get("/people", response_model=list[PersonRead])
def people(session: DbSession, user: Reader, paging: Paging,
           response: Response) -> list[PersonRead]:  # fmt: skip
    found = service.list_people(session, principal=user, page=paging)
    with_total(response, found)
    return [PersonRead.model_validate(p) for p in found.items]


@router.post("/people", response_model=PersonRead, status_code=201)
def add_person(body: PersonIn, session: DbSession, network: CurrentNetwork,
               user: Writer) -> PersonRead:  # fmt: skip
    row = service.add_person(session, **body.model_dump(), network=network, principal=user)
    return PersonRead.model_validate(row)


@router.get("/credentials", response_model=list[CredentialRead])
def credentials(
    session: DbSession, user: Reader, paging: Paging, response: Response,
    kind: CredentialKind | None = None, state: CredentialState | None = None,
    expiring: int | None = Query(None, ge=0, le=366,
                                 description="Granted ones ending within this many days."),
) -> list[CredentialRead]:  # fmt: skip
    found = service.list_credentials(session, principal=user, kind=kind, state=state,
                                     expiring_days=expiring, page=paging)  # fmt: skip
    with_total(response, found)
    return [CredentialRead.model_validate(c) for c in found.items]


@router.post("/credentials", response_model=CredentialRead, status_code=201)
def apply(body: CredentialIn, session: DbSession, network: CurrentNetwork,
          user: Writer) -> CredentialRead:  # fmt: skip
    row = service.apply(session, **body.model_dump(), network=network, principal=user)
    return CredentialRead.model_validate(row)


@router.post("/credentials/{credential_id}/submit", response_model=CredentialRead)
def submit(credential_id: int, session: DbSession, user: Writer) -> CredentialRead:
    return CredentialRead.model_validate(service.submit(session, credential_id, principal=user))


@router.post("/credentials/{credential_id}/grant", response_model=CredentialRead)
def grant(credential_id: int, body: Decision, session: DbSession,
          user: Writer) -> CredentialRead:  # fmt: skip
    row = service.decide(session, credential_id, grant=True, number=body.number, note=body.note,
                         principal=user)  # fmt: skip
    return CredentialRead.model_validate(row)


@router.post("/credentials/{credential_id}/refuse", response_model=CredentialRead)
def refuse(credential_id: int, body: Decision, session: DbSession,
           user: Writer) -> CredentialRead:  # fmt: skip
    row = service.decide(session, credential_id, grant=False, number=body.number,
                         note=body.note, principal=user)  # fmt: skip
    return CredentialRead.model_validate(row)


@router.post("/runs", response_model=RunRead, status_code=201)
def plan_run(body: RunIn, session: DbSession, network: CurrentNetwork, user: Writer) -> RunRead:
    row = service.create_run(session, **body.model_dump(), network=network, principal=user)
    return RunRead.model_validate(row)


@router.get("/runs", response_model=list[RunCheck])
def runs(session: DbSession, network: CurrentNetwork, user: Reader,
         day: date = Query(..., alias="date")) -> list[RunCheck]:  # fmt: skip
    """The day's runs, each with what it lacks to enter its controlled area."""
    return [
        RunCheck(run=RunRead.model_validate(r), plate=v.plate, driver=p.name, cleared=not m,
                 missing=[MissingRead(**dataclasses.asdict(x)) for x in m])
        for r, v, p, m in service.runs_on(session, day, network=network, principal=user)
    ]  # fmt: skip


@router.post("/runs/{run_id}/dispatch", response_model=RunRead)
def dispatch(run_id: int, session: DbSession, network: CurrentNetwork, user: Writer) -> RunRead:
    return RunRead.model_validate(service.dispatch(session, run_id, network=network,
                                                   principal=user))  # fmt: skip


# -- handovers -----------------------------------------------------------------------------
@router.post("/handovers", response_model=HandoverRead, status_code=201)
def record_handover(body: HandoverIn, session: DbSession, network: CurrentNetwork,
                    user: Writer) -> HandoverRead:  # fmt: skip
    row = service.record_handover(session, **body.model_dump(), network=network, principal=user)
    return HandoverRead.model_validate(row)


@router.post("/handovers/{handover_id}/evidence", response_model=EvidenceRead, status_code=201)
async def attach_evidence(
    handover_id: int, file: UploadFile, session: DbSession, user: Writer,
    kind: str = Query("photo", pattern="^(photo|signature)$"),
) -> EvidenceRead:  # fmt: skip
    """A photo or signature (JPEG, PNG or PDF, at most 2 MB)."""
    content = await file.read(service.EVIDENCE_MAX + 1)
    row = service.attach_evidence(session, handover_id, filename=file.filename or "evidence",
                                  content_type=file.content_type or "", content=content,
                                  kind=kind, principal=user)  # fmt: skip
    return EvidenceRead(id=row.id, filename=row.filename, kind=row.kind)


@router.get("/evidence/{evidence_id}", responses={200: {"content": {
    kind: {} for kind in service.EVIDENCE_TYPES}}})  # fmt: skip
def evidence(evidence_id: int, session: DbSession, user: Reader) -> Response:
    return evidence_file(service.get_evidence(session, evidence_id, principal=user))


def evidence_file(row: Evidence) -> Response:
    """A kept photo, scan or signature as the browser shows it (never sniffed as HTML)."""
    headers = {"Content-Disposition": f'inline; filename="{row.filename}"',
               "X-Content-Type-Options": "nosniff"}  # fmt: skip
    return Response(row.content, media_type=row.content_type, headers=headers)


@router.get("/loads/{load_ref}/custody", response_model=Custody)
def custody(load_ref: str, session: DbSession, user: Reader) -> Custody:
    """The load's chain of custody: every handover in order, with its evidence."""
    return custody_of(session, load_ref, principal=user)


# -- shuttles ------------------------------------------------------------------------------
def shuttle_board(session: Session, day: date, principal: Principal) -> ShuttleBoard:
    return ShuttleBoard(
        date=day,
        shuttles=[ShuttleRead.model_validate(s)
                  for s in shuttles.on_day(session, day, principal=principal)],
        trailers=[TrailerRead(trailer_id=p.trailer.id, plate=p.trailer.plate, stage=p.stage,
                              shuttle_id=p.shuttle.id if p.shuttle else None)
                  for p in shuttles.positions(session, principal=principal)],
    )  # fmt: skip


@router.get("/shuttles", response_model=ShuttleBoard)
def shuttle_list(session: DbSession, user: Reader,
                 day: date | None = Query(None, alias="date")) -> ShuttleBoard:  # fmt: skip
    """The day's timetable (default today, Beijing) and each trailer's place in its cycle."""
    return shuttle_board(session, day or service.today(), user)


@router.post("/shuttles", response_model=ShuttleRead, status_code=201)
def timetable_shuttle(body: ShuttleIn, session: DbSession, network: CurrentNetwork,
                      user: Writer) -> ShuttleRead:  # fmt: skip
    row = shuttles.timetable(session, **body.model_dump(), network=network, principal=user)
    return ShuttleRead.model_validate(row)


@router.get("/shuttles/{shuttle_id}", response_model=ShuttleRead)
def shuttle(shuttle_id: int, session: DbSession, user: Reader) -> ShuttleRead:
    return ShuttleRead.model_validate(shuttles.get(session, shuttle_id, principal=user))


@router.post("/shuttles/{shuttle_id}/depart", response_model=ShuttleRead)
def depart(shuttle_id: int, body: StageIn, session: DbSession, network: CurrentNetwork,
           user: Writer) -> ShuttleRead:  # fmt: skip
    """The loaded trailer leaves (409 ``run.not_cleared`` when the pass check stops it)."""
    row = shuttles.depart(session, shuttle_id, at=body.at, network=network, principal=user)
    return ShuttleRead.model_validate(row)


@router.post("/shuttles/{shuttle_id}/arrive", response_model=ShuttleRead)
def arrive(shuttle_id: int, body: StageIn, session: DbSession, user: Writer) -> ShuttleRead:
    return ShuttleRead.model_validate(shuttles.arrive(session, shuttle_id, at=body.at,
                                                      principal=user))  # fmt: skip


HandOver = Annotated[Principal, Depends(require(Permission.SWAP_HAND_OVER))]
Receive = Annotated[Principal, Depends(require(Permission.SWAP_RECEIVE))]


def _state(session: Session, shuttle_id: int, side: str, body: SwapStatementIn,
           network: Network, user: Principal) -> ShuttleRead:  # fmt: skip
    statement = shuttles.SwapSide(body.name, body.seal, body.count,
                                  tuple(shuttles.LoadCount(x.document_id, x.seal, x.count)
                                        for x in body.loads))  # fmt: skip
    row = shuttles.record_side(session, shuttle_id, side=side, statement=statement,
                               area_vehicle=body.area_vehicle, at=body.at, note=body.note,
                               network=network, principal=user)  # fmt: skip
    return ShuttleRead.model_validate(row)


@router.post("/shuttles/{shuttle_id}/swap/handed", response_model=ShuttleRead)
def swap_handed(shuttle_id: int, body: SwapStatementIn, session: DbSession,
                network: CurrentNetwork, user: HandOver) -> ShuttleRead:  # fmt: skip
    """The shuttle's side of the swap: per load the seal and the count handed over (once;
    409 ``shuttle.side_recorded`` naming who stated it)."""
    return _state(session, shuttle_id, "handed", body, network, user)


@router.post("/shuttles/{shuttle_id}/swap/received", response_model=ShuttleRead)
def swap_received(shuttle_id: int, body: SwapStatementIn, session: DbSession,
                  network: CurrentNetwork, user: Receive) -> ShuttleRead:  # fmt: skip
    """The transfer station's side: per load the seal and the count received, and the
    area's vehicle; when both sides are in, mismatches are kept as discrepancies."""
    return _state(session, shuttle_id, "received", body, network, user)


@router.post("/shuttles/{shuttle_id}/return", response_model=ShuttleRead)
def return_empty(shuttle_id: int, body: StageIn, session: DbSession,
                 user: Writer) -> ShuttleRead:  # fmt: skip
    return ShuttleRead.model_validate(shuttles.return_empty(session, shuttle_id, at=body.at,
                                                            principal=user))  # fmt: skip


# -- route plans ---------------------------------------------------------------------------
PDF = "application/pdf"


@router.get("/plans", response_model=list[RoutePlanRead])
def plans(session: DbSession, user: Reader, paging: Paging,
          response: Response) -> list[RoutePlanRead]:  # fmt: skip
    found = route_plans.listed(session, principal=user, page=paging)
    with_total(response, found)
    return [RoutePlanRead.model_validate(p) for p in found.items]


@router.post("/plans", response_model=RoutePlanRead, status_code=202)
def create_plan(body: RoutePlanIn, session: DbSession, network: CurrentNetwork,
                user: Writer) -> RoutePlanRead:  # fmt: skip
    """A delivery plan, solved in the background (poll it until it is solved or failed)."""
    fields = body.model_dump()
    row = route_plans.create(session, **fields, network=network, principal=user)
    return RoutePlanRead.model_validate(row)


@router.get("/plans/{route_plan_id}", response_model=RoutePlanRead)
def plan(route_plan_id: int, session: DbSession, user: Reader) -> RoutePlanRead:
    return RoutePlanRead.model_validate(route_plans.get(session, route_plan_id, principal=user))


@router.post("/plans/{route_plan_id}/solve", response_model=RoutePlanRead, status_code=202)
def solve_plan(route_plan_id: int, session: DbSession, user: Writer) -> RoutePlanRead:
    """Solve the plan again (after a failure, or with vehicles changed meanwhile)."""
    return RoutePlanRead.model_validate(route_plans.solve(session, route_plan_id, principal=user))


@router.post("/plans/{route_plan_id}/replan", response_model=RoutePlanRead, status_code=202)
def replan(route_plan_id: int, body: ReplanIn, session: DbSession, user: Writer) -> RoutePlanRead:
    """Solve again without a vehicle (one the pass check stops); its runs are cancelled."""
    row = route_plans.replan(session, route_plan_id, without=body.without, principal=user)
    return RoutePlanRead.model_validate(row)


@router.get("/plans/{route_plan_id}/sheets.pdf", responses={200: {"content": {PDF: {}}}})
def route_sheets(route_plan_id: int, session: DbSession, user: Reader,
                 run: int | None = Query(None, ge=1, le=2**31 - 1)) -> Response:  # fmt: skip
    """The plan's route sheets (one page per route; ``run``: only that run's)."""
    row = route_plans.get(session, route_plan_id, principal=user)
    plates, drivers = route_plans.fleet_names(session, row)
    body = sheets.route_sheets(row, plates, drivers, run_id=run)
    name = f"route-sheets-{route_plan_id}" + (f"-run{run}" if run else "") + ".pdf"
    return Response(body, media_type=PDF,
                    headers={"Content-Disposition": f'inline; filename="{name}"'})  # fmt: skip


@router.post("/plans/{route_plan_id}/deliveries", response_model=HandoverRead, status_code=201)
def deliver(route_plan_id: int, body: DeliveryIn, session: DbSession, network: CurrentNetwork,
            user: Writer) -> HandoverRead:  # fmt: skip
    """The recipient signs for a stop's order (attach the photo or signature to the
    handover it returns)."""
    row = route_plans.deliver(session, route_plan_id, **body.model_dump(), network=network,
                              principal=user)  # fmt: skip
    return HandoverRead.model_validate(row)
