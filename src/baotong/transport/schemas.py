"""Request and response shapes of transport."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from baotong.transport.entities import (
    CredentialKind,
    CredentialState,
    Leg,
    PlanState,
    RouteType,
    RunKind,
    RunState,
    ShuttleStage,
    SwapState,
    VehicleKind,
)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VehicleIn(_In):
    plate: str = Field(min_length=2, max_length=16)
    kind: VehicleKind
    capacity_kg: float = Field(gt=0, le=100_000, allow_inf_nan=False)
    capacity_m3: float = Field(gt=0, le=500, allow_inf_nan=False)
    packages: int = Field(gt=0, le=100_000)
    cold_chain: bool = False
    home_site: str = Field(min_length=1, max_length=32)
    province_code: str = Field(min_length=2, max_length=20)


class VehicleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    plate: str
    kind: VehicleKind
    capacity_kg: float
    capacity_m3: float
    packages: int
    cold_chain: bool
    home_site: str
    province_code: str
    active: bool


class PersonIn(_In):
    name: str = Field(min_length=1, max_length=64)
    phone: str = Field(min_length=3, max_length=20)
    job: str = Field(min_length=1, max_length=32)
    site: str = Field(min_length=1, max_length=32)
    province_code: str = Field(min_length=2, max_length=20)


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    job: str
    site: str
    province_code: str


class CredentialIn(_In):
    kind: CredentialKind
    vehicle_id: int | None = Field(None, ge=1, le=2**31 - 1)
    person_id: int | None = Field(None, ge=1, le=2**31 - 1)
    site_id: str | None = Field(None, max_length=32)
    areas: list[str] = Field(min_length=1, max_length=50, description="Region codes or names.")
    route_types: list[RouteType] = Field(default_factory=list)
    authority: str = Field(min_length=1, max_length=100)
    valid_from: date
    valid_to: date
    closed_loop: bool = False
    note: str | None = Field(None, max_length=500)


class Decision(_In):
    number: str | None = Field(None, max_length=40)
    note: str | None = Field(None, max_length=500)


class CredentialRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: CredentialKind
    vehicle_id: int | None
    person_id: int | None
    site_id: str | None
    areas: list[str]
    route_types: list[str]
    authority: str
    number: str | None
    closed_loop: bool
    valid_from: date
    valid_to: date
    state: CredentialState
    province_code: str
    created_by: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None


class RunIn(_In):
    kind: RunKind
    run_date: date
    vehicle_id: int = Field(ge=1, le=2**31 - 1)
    driver_id: int = Field(ge=1, le=2**31 - 1)
    origin: str = Field(min_length=1, max_length=64)
    destination: str = Field(min_length=1, max_length=40, description="A region code or name.")
    route_type: RouteType
    end_site: str | None = Field(
        None, min_length=1, max_length=32, description="The network site the run ends at."
    )
    plan_id: int | None = Field(None, ge=1, le=2**31 - 1)


class MissingRead(BaseModel):
    subject: str
    who: str
    area: str
    need: CredentialKind
    reason: str
    until: date | None


class RunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: RunKind
    run_date: date
    vehicle_id: int
    driver_id: int
    origin: str
    destination_code: str
    route_type: RouteType
    end_site: str | None
    plan_id: int | None
    state: RunState
    province_code: str
    dispatched_by: str | None


class RunCheck(BaseModel):
    run: RunRead
    plate: str
    driver: str
    cleared: bool
    missing: list[MissingRead]


class HandoverIn(_In):
    load_ref: str = Field(min_length=1, max_length=40)
    leg: Leg
    from_party: str = Field(min_length=1, max_length=100)
    to_party: str = Field(min_length=1, max_length=100)
    at: AwareDatetime
    place: str = Field(min_length=1, max_length=100)
    count: int = Field(ge=0, le=10_000_000)
    short: int = Field(0, ge=0, le=10_000_000)
    damaged: int = Field(0, ge=0, le=10_000_000)
    seal: str | None = Field(None, max_length=40)
    note: str | None = Field(None, max_length=500)
    run_id: int | None = Field(None, ge=1, le=2**31 - 1)
    province_code: str = Field(min_length=2, max_length=20)


class EvidenceRead(BaseModel):
    id: int
    filename: str
    kind: str = "photo"  # photo or signature


class HandoverRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    load_ref: str
    leg: Leg
    run_id: int | None
    from_party: str
    to_party: str
    at: datetime
    place: str
    count: int
    short: int
    damaged: int
    seal: str | None
    note: str | None
    province_code: str
    recorded_by: str
    evidence: list[EvidenceRead] = Field(default_factory=list)


class Custody(BaseModel):
    """A load's chain: its handovers in order, who holds it now, what went missing."""

    load_ref: str
    holder: str
    first_count: int
    last_count: int
    short: int
    damaged: int
    handovers: list[HandoverRead]


# -- shuttles ------------------------------------------------------------------------------
ID = Field(ge=1, le=2**31 - 1)
TIME = Field(min_length=4, max_length=5, pattern=r"^\d{1,2}:\d{2}$")


class ShuttleIn(_In):
    warehouse_code: str = Field(min_length=1, max_length=32, description="The consolidation point.")
    station: str = Field(min_length=1, max_length=100, description="The transfer station.")
    station_region: str = Field(
        min_length=1, max_length=40, description="The region (code or name) the station is in."
    )
    trailer_id: int = ID
    tractor_id: int = ID
    driver_id: int = ID
    departs_at: AwareDatetime
    arrives_at: AwareDatetime
    dispatch_ids: list[int] = Field(
        min_length=1, max_length=50, description="The warehouse's dispatch documents."
    )
    route_type: RouteType = RouteType.INTRA_PROVINCIAL


class StageIn(_In):
    at: AwareDatetime | None = None


class LoadCountIn(_In):
    document_id: int = ID
    seal: str = Field("", max_length=40)
    count: int = Field(ge=0, le=10_000_000)


class SwapSideIn(_In):
    """One side's statement: per load (dispatch document) the seal and the count; a shuttle
    with a single load may be stated with ``seal`` and ``count`` alone."""

    name: str = Field(min_length=1, max_length=64)
    seal: str = Field("", max_length=40)
    count: int = Field(0, ge=0, le=10_000_000)
    loads: list[LoadCountIn] = Field(default_factory=list, max_length=50)


class SwapStatementIn(SwapSideIn):
    """One side's own statement at the swap: the shuttle's side (handed) or the transfer
    station's (received, naming the area's vehicle the loads go into)."""

    area_vehicle: str | None = Field(None, max_length=100)
    at: AwareDatetime | None = None
    note: str | None = Field(None, max_length=500)


class ShuttleLoadRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    document_id: int
    seal: str | None
    packages: int


class ShuttleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    run_id: int
    trailer_id: int
    warehouse_code: str
    station: str
    departs_at: datetime
    arrives_at: datetime
    departed_at: datetime | None
    arrived_at: datetime | None
    swapped_at: datetime | None
    returned_at: datetime | None
    dispatch_ids: list[int]
    loads: list[ShuttleLoadRead]
    load_ref: str
    packages: int
    seal: str | None
    stage: ShuttleStage
    swap_state: SwapState
    handed: dict[str, Any] | None
    received: dict[str, Any] | None
    swap: dict[str, Any] | None
    discrepancies: list[dict[str, Any]]
    province_code: str


class TrailerRead(BaseModel):
    trailer_id: int
    plate: str
    stage: ShuttleStage | None
    shuttle_id: int | None


class ShuttleBoard(BaseModel):
    """The day's timetable and where each trailer is in its cycle."""

    date: date
    shuttles: list[ShuttleRead]
    trailers: list[TrailerRead]


# -- route plans ---------------------------------------------------------------------------
class DepotIn(_In):
    name: str = Field(min_length=1, max_length=64)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)


class PlanStopIn(_In):
    id: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_\-]+$")
    name: str = Field(min_length=1, max_length=64)
    address: str = Field("", max_length=100)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    region: str = Field(min_length=1, max_length=40, description="A region code or name.")
    packages: int = Field(ge=0, le=100_000)
    ready: str = TIME
    due: str = TIME
    service_min: int = Field(0, ge=0, le=600)


class FleetIn(_In):
    vehicle_id: int = ID
    driver_id: int = ID


class RoutePlanIn(_In):
    name: str = Field(min_length=1, max_length=100)
    plan_date: date
    depot: DepotIn
    stops: list[PlanStopIn] = Field(min_length=1, max_length=500)
    fleet: list[FleetIn] = Field(min_length=1, max_length=200)
    speed_kmh: float = Field(30.0, gt=0, le=120, allow_inf_nan=False)
    time_limit_s: float = Field(10.0, ge=0.1, le=120, allow_inf_nan=False)


class ReplanIn(_In):
    without: int = Field(ge=1, le=2**31 - 1, description="The vehicle to leave out.")


class RoutePlanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    plan_date: date
    depot: dict[str, Any]
    stops: list[dict[str, Any]]
    fleet: list[dict[str, Any]]
    excluded: list[int]
    speed_kmh: float
    time_limit_s: float
    state: PlanState
    job_id: int | None
    result: dict[str, Any] | None
    province_code: str


class DeliveryIn(_In):
    """A recipient signs for a stop's order."""

    run_id: int = ID
    stop_id: str = Field(min_length=1, max_length=20)
    recipient: str = Field(min_length=1, max_length=100)
    at: AwareDatetime
    count: int = Field(ge=0, le=100_000)
    damaged: int = Field(0, ge=0, le=100_000)
    note: str | None = Field(None, max_length=500)
