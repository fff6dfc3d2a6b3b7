"""``/api/v1/transport/stations`` and ``/special-runs``: special runs (专趟) from the backup
centre to a delivery station, opening their bags (开拆), the station's call list with the
contact recorded, the delivery that closes a line with its proof (a photo and/or the
signed name), and the return (退回) of a refused item."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, UploadFile
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from baotong.api.deps import CurrentNetwork, DbSession, require
from baotong.auth.permissions import Permission, Principal
from baotong.transport import stations
from baotong.transport.api import evidence_file
from baotong.transport.entities import BagState, ContactState, RouteType, SpecialRunStage
from baotong.transport.models import SpecialRun, StationBag, StationItem

router = APIRouter(prefix="/transport", tags=["transport"])
Reader = Annotated[Principal, Depends(require(Permission.STATIONS_READ))]
Worker = Annotated[Principal, Depends(require(Permission.STATIONS_WORK))]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ManifestIn(_In):
    number: str = Field(min_length=13, max_length=13)
    recipient: str = Field("", max_length=64)
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)
    pickup_point: str = Field("", max_length=100)


class BagIn(_In):
    label: str = Field(min_length=1, max_length=40)
    items: list[ManifestIn] = Field(min_length=1, max_length=2000)


class SpecialRunIn(_In):
    station_id: str = Field(min_length=1, max_length=64)
    vehicle_id: int
    driver_id: int
    run_date: date
    origin: str | None = Field(
        None,
        max_length=64,
        description="A centre id or a transfer "
        "station; default: the backup centre of the plan in force.",
    )
    route_type: RouteType = RouteType.CITY
    bags: list[BagIn] = Field(min_length=1, max_length=200)


class AtIn(_In):
    at: AwareDatetime | None = None


class ArriveIn(AtIn):
    received_by: str = Field(min_length=1, max_length=100)


class OpenIn(AtIn):
    scanned: list[str] = Field(max_length=2000, description="The item numbers scanned.")


class CallIn(_In):
    outcome: ContactState
    note: str | None = Field(None, max_length=200)
    next_try_at: AwareDatetime | None = None
    appointment_at: AwareDatetime | None = None


class DeliverIn(AtIn):
    to: str = Field(min_length=1, max_length=100, description="Who took the item.")
    count: int = Field(1, ge=1, le=1000)
    signed_by: str | None = Field(None, max_length=64,
                                  description="The name the recipient signed with.")  # fmt: skip


class ReturnIn(AtIn):
    note: str | None = Field(None, max_length=200, description="Why, where it goes back.")


class ProofRead(BaseModel):
    """A piece of a delivery's proof: a photo (fetch it at ``url``) or a signed name."""

    evidence_id: int
    kind: str
    filename: str
    signed_by: str | None
    url: str | None


class BagRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    label: str
    station_id: str
    state: BagState
    manifest_count: int
    scanned_count: int | None
    missing: list[str]
    extra: list[str]
    opened_at: datetime | None
    opened_by: str | None


class SpecialRunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    run_id: int
    station_id: str
    station_name: str
    origin: str
    origin_name: str
    origin_source: str
    plan_id: int | None
    load_ref: str
    stage: SpecialRunStage
    departed_at: datetime | None
    arrived_at: datetime | None
    received_by: str | None
    province_code: str
    bags: list[BagRead]


class CallRead(BaseModel):
    """A line of the call list; the phone masked (reveal it with ``/reveal``)."""

    id: int
    number: str
    bag_id: int
    recipient: str
    phone: str
    address: str
    pickup_point: str
    contact: ContactState
    attempts: int
    last_call_at: datetime | None
    next_try_at: datetime | None
    appointment_at: datetime | None
    note: str | None
    scanned_at: datetime | None
    delivered_at: datetime | None
    delivered_to: str | None
    handover_id: int | None
    returned_at: datetime | None

    @classmethod
    def of(cls, row: StationItem) -> CallRead:
        return cls(id=row.id, number=row.number, bag_id=row.bag_id, recipient=row.recipient,
                   phone=stations.mask(row.phone), address=row.address,
                   pickup_point=row.pickup_point, contact=row.contact, attempts=row.attempts,
                   last_call_at=row.last_call_at, next_try_at=row.next_try_at,
                   appointment_at=row.appointment_at, note=row.note,
                   scanned_at=row.scanned_at, delivered_at=row.delivered_at,
                   delivered_to=row.delivered_to, handover_id=row.handover_id,
                   returned_at=row.returned_at)  # fmt: skip


class Revealed(BaseModel):
    id: int
    number: str
    phone: str


def _run(row: SpecialRun) -> SpecialRunRead:
    return SpecialRunRead.model_validate(row)


@router.get("/special-runs", response_model=list[SpecialRunRead])
def special_runs(session: DbSession, user: Reader) -> list[SpecialRunRead]:
    return [_run(r) for r in stations.list_special_runs(session, principal=user)]


@router.post("/special-runs", response_model=SpecialRunRead, status_code=201)
def plan_special_run(body: SpecialRunIn, session: DbSession, network: CurrentNetwork,
                     user: Worker) -> SpecialRunRead:  # fmt: skip
    bags = [stations.BagManifest(b.label, tuple(stations.ManifestEntry(**i.model_dump())
                                                for i in b.items)) for b in body.bags]  # fmt: skip
    row = stations.plan_special_run(
        session, station_id=body.station_id, vehicle_id=body.vehicle_id,
        driver_id=body.driver_id, run_date=body.run_date, bags=bags, origin=body.origin,
        route_type=body.route_type, network=network, principal=user)  # fmt: skip
    return _run(row)


@router.get("/special-runs/{special_run_id}", response_model=SpecialRunRead)
def special_run(special_run_id: int, session: DbSession, user: Reader) -> SpecialRunRead:
    return _run(stations.get_special_run(session, special_run_id, principal=user))


@router.post("/special-runs/{special_run_id}/depart", response_model=SpecialRunRead)
def depart(special_run_id: int, body: AtIn, session: DbSession, network: CurrentNetwork,
           user: Worker) -> SpecialRunRead:  # fmt: skip
    """Dispatch the run (the pass check applies) and scan its items dispatched."""
    return _run(stations.depart(session, special_run_id, at=body.at, network=network,
                                principal=user))  # fmt: skip


@router.post("/special-runs/{special_run_id}/arrive", response_model=SpecialRunRead)
def arrive(special_run_id: int, body: ArriveIn, session: DbSession, network: CurrentNetwork,
           user: Worker) -> SpecialRunRead:  # fmt: skip
    """The bags are handed over to the station (a handover of the chain of custody)."""
    return _run(stations.arrive(session, special_run_id, received_by=body.received_by,
                                at=body.at, network=network, principal=user))  # fmt: skip


@router.post("/bags/{bag_id}/open", response_model=BagRead)
def open_bag(bag_id: int, body: OpenIn, session: DbSession, network: CurrentNetwork,
             user: Worker) -> BagRead:  # fmt: skip
    """Open a bag (开拆): the items scanned, compared with the manifest."""
    row: StationBag = stations.open_bag(session, bag_id, scanned=body.scanned, at=body.at,
                                        network=network, principal=user)  # fmt: skip
    return BagRead.model_validate(row)


@router.get("/stations/{station_id}/bags", response_model=list[BagRead])
def station_bags(station_id: str, session: DbSession, network: CurrentNetwork,
                 user: Reader) -> list[BagRead]:  # fmt: skip
    rows = stations.bags_at(session, station_id, network=network, principal=user)
    return [BagRead.model_validate(b) for b in rows]


@router.get("/stations/{station_id}/calls", response_model=list[CallRead])
def calls(station_id: str, session: DbSession, network: CurrentNetwork, user: Reader,
          delivered: bool = False) -> list[CallRead]:  # fmt: skip
    """The station's call list, in the caller's order (not reached first, oldest first)."""
    rows = stations.call_list(session, station_id, network=network, principal=user,
                              include_delivered=delivered)  # fmt: skip
    return [CallRead.of(r) for r in rows]


@router.post("/calls/{call_id}/contact", response_model=CallRead)
def contact(call_id: int, body: CallIn, session: DbSession, user: Worker) -> CallRead:
    """Record a call: no answer, reached, an appointment or a refusal."""
    row = stations.record_call(session, call_id, outcome=body.outcome, note=body.note,
                               next_try_at=body.next_try_at,
                               appointment_at=body.appointment_at, principal=user)  # fmt: skip
    return CallRead.of(row)


@router.post("/calls/{call_id}/deliver", response_model=CallRead)
def deliver(call_id: int, body: DeliverIn, session: DbSession, network: CurrentNetwork,
            user: Worker) -> CallRead:  # fmt: skip
    """The delivery scan: handed to the recipient, which closes the line."""
    row = stations.deliver(session, call_id, to=body.to, count=body.count, at=body.at,
                           signed_by=body.signed_by, network=network,
                           principal=user)  # fmt: skip
    return CallRead.of(row)


def _proof(call_id: int, rows: list[stations.Proof]) -> list[ProofRead]:
    return [ProofRead(evidence_id=p.evidence_id, kind=p.kind, filename=p.filename,
                      signed_by=p.signed_by,
                      url=None if p.signed_by is not None else
                      f"/api/v1/transport/calls/{call_id}/proof/{p.evidence_id}")
            for p in rows]  # fmt: skip


@router.post("/calls/{call_id}/proof", response_model=list[ProofRead], status_code=201)
async def add_proof(
    call_id: int, session: DbSession, user: Worker, photo: UploadFile | None = None,
    signed_by: Annotated[str | None, Form(max_length=64)] = None,
) -> list[ProofRead]:  # fmt: skip
    """The proof of a delivery: a photo (JPEG or PNG, at most 2 MB, field ``photo``) and/or
    the name the recipient signed with; kept as evidence of the handover to the recipient.
    Answers the line's proof so far."""
    picture = None
    if photo is not None and photo.filename:
        content = await photo.read(stations.PHOTO_MAX + 1)
        picture = stations.Photo(photo.filename, photo.content_type or "", content)
    rows = stations.add_proof(session, call_id, photo=picture, signed_by=signed_by,
                              principal=user)  # fmt: skip
    return _proof(call_id, rows)


@router.get("/calls/{call_id}/proof", response_model=list[ProofRead])
def proof(call_id: int, session: DbSession, user: Reader) -> list[ProofRead]:
    row = stations.get_line(session, call_id, principal=user)
    return _proof(call_id, stations.proof_of(session, [row]).get(row.id, []))


@router.get("/calls/{call_id}/proof/{evidence_id}",
            responses={200: {"content": {kind: {} for kind in stations.PHOTO_TYPES}}})  # fmt: skip
def proof_file(call_id: int, evidence_id: int, session: DbSession, user: Reader) -> Response:
    """A photo of the delivery (or the signed name as text)."""
    return evidence_file(stations.proof_file(session, call_id, evidence_id, principal=user))


@router.post("/calls/{call_id}/return", response_model=CallRead)
def return_item(call_id: int, body: ReturnIn, session: DbSession, network: CurrentNetwork,
                user: Worker) -> CallRead:  # fmt: skip
    """Put a refused item on its way back (退回): a ``returned`` scan, the line closed."""
    row = stations.return_item(session, call_id, note=body.note, at=body.at, network=network,
                               principal=user)  # fmt: skip
    return CallRead.of(row)


@router.post("/calls/{call_id}/reveal", response_model=Revealed)
def reveal(call_id: int, session: DbSession, user: Worker) -> Revealed:
    """The recipient's full phone number; the reveal is audited."""
    phone = stations.reveal(session, call_id, principal=user)
    row = stations.get_line(session, call_id, principal=user)
    return Revealed(id=row.id, number=row.number, phone=phone)
