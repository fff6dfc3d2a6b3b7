"""Request and response shapes of transport."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from baotong.transport.entities import (
    CredentialKind,
    CredentialState,
    Leg,
    RouteType,
    RunKind,
    RunState,
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
