"""``/api/v1/transport``: vehicles, people, credentials and their workflow, runs and the
check that decides whether a run may enter a controlled area."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, UploadFile

from baotong.api.deps import CurrentNetwork, DbSession, Paging, require, with_total
from baotong.auth.permissions import Permission, Principal
from baotong.transport import service
from baotong.transport.entities import CredentialKind, CredentialState
from baotong.transport.schemas import (
    CredentialIn,
    CredentialRead,
    Custody,
    Decision,
    EvidenceRead,
    HandoverIn,
    HandoverRead,
    MissingRead,
    PersonIn,
    PersonRead,
    RunCheck,
    RunIn,
    RunRead,
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
async def attach_evidence(handover_id: int, file: UploadFile, session: DbSession,
                          user: Writer) -> EvidenceRead:  # fmt: skip
    """A photo or signature (JPEG, PNG or PDF, at most 2 MB)."""
    content = await file.read(service.EVIDENCE_MAX + 1)
    row = service.attach_evidence(session, handover_id, filename=file.filename or "evidence",
                                  content_type=file.content_type or "", content=content,
                                  principal=user)  # fmt: skip
    return EvidenceRead(id=row.id, filename=row.filename)


@router.get("/evidence/{evidence_id}", responses={200: {"content": {
    kind: {} for kind in service.EVIDENCE_TYPES}}})  # fmt: skip
def evidence(evidence_id: int, session: DbSession, user: Reader) -> Response:
    row = service.get_evidence(session, evidence_id, principal=user)
    headers = {"Content-Disposition": f'inline; filename="{row.filename}"',
               "X-Content-Type-Options": "nosniff"}  # fmt: skip
    return Response(row.content, media_type=row.content_type, headers=headers)


@router.get("/loads/{load_ref}/custody", response_model=Custody)
def custody(load_ref: str, session: DbSession, user: Reader) -> Custody:
    """The load's chain of custody: every handover in order, with its evidence."""
    return custody_of(session, load_ref, principal=user)
