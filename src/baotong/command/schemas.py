"""Request and response models of command and dispatch, shared by the API and the forms."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from baotong.command.emergency import EmergencyPlanIn
from baotong.command.excel import ResourceIn
from baotong.command.models import (
    EventType,
    IncidentKind,
    IncidentStatus,
    InstructionStatus,
    LoanStatus,
    Readiness,
    ResourceKind,
    Severity,
)

__all__ = ["EmergencyPlanIn", "ResourceIn"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class IncidentCreate(_In):
    kind: IncidentKind
    title: str = Field(default="", max_length=200)
    site_id: str | None = None
    region: str | None = None  # a code, a Chinese name or pinyin
    severity: Severity = Severity.HIGH
    source: str = Field(default="", max_length=200)
    description: str = ""
    occurred_at: AwareDatetime | None = None


class IncidentRead(_Out):
    id: int
    title: str
    kind: IncidentKind
    severity: Severity
    status: IncidentStatus
    site_id: str | None
    region_code: str | None
    province_code: str | None
    occurred_at: datetime
    source: str
    description: str
    drill: bool
    emergency_plan_id: int | None
    scenario_id: int | None
    plan_run_id: int | None
    created_by: str
    created_at: datetime
    closed_at: datetime | None


class EventRead(_Out):
    at: datetime
    actor: str
    action: str
    params: dict[str, Any]
    link: str | None


class NoteCreate(_In):
    text: str = Field(min_length=1)


class InstructionCreate(_In):
    title: str = Field(min_length=1, max_length=200)
    body: str = ""
    execute_by: AwareDatetime
    to_province: str | None = Field(default=None, pattern=r"^\d{6}$")
    site_id: str | None = None
    incident_id: int | None = None
    links: list[dict[str, Any]] = []


class InstructionRead(_Out):
    id: int
    title: str
    body: str
    incident_id: int | None
    issuer_province: str | None
    province_code: str
    site_id: str | None
    links: list[Any]
    status: InstructionStatus
    drill: bool
    issued_by: str
    issued_at: datetime
    receive_by: datetime
    execute_by: datetime
    report_by: datetime
    due_at: datetime | None
    received_at: datetime | None
    executed_at: datetime | None
    execution: str | None
    reported_at: datetime | None
    result: str | None
    objection: str | None
    escalations: int


class Execution(_In):
    execution: str = Field(min_length=1)


class Report(_In):
    result: str = Field(min_length=1)
    objection: str | None = None


class ComplianceRead(_Out):
    province_code: str
    total: int
    by_status: dict[str, int]
    overdue: int
    escalated: int
    objections: int
    on_time: int
    rate: float | None


class ResourceRead(_Out):
    id: int
    kind: ResourceKind
    category: str
    name: str
    quantity: int
    lent: int
    province_code: str
    site_id: str | None
    whitelisted: bool
    closed_loop: bool
    plate: str | None


class HoldingRead(_Out):
    province_code: str
    kind: ResourceKind
    category: str
    own: int
    lent_out: int
    borrowed: int
    at_hand: int
    whitelisted: int
    closed_loop: int


class LoanCreate(_In):
    resource_id: int
    quantity: int = Field(default=1, ge=1)
    to_province: str = Field(pattern=r"^\d{6}$")
    to_site: str | None = None
    return_on: date
    reason: str = ""
    incident_id: int | None = None


class LoanRead(_Out):
    id: int
    resource_id: int
    quantity: int
    from_province: str
    to_province: str
    to_site: str | None
    incident_id: int | None
    reason: str
    return_on: date
    status: LoanStatus
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    returned_at: datetime | None


class SafetyLogCreate(_In):
    site_id: str = Field(min_length=1)
    day: date
    disinfected: bool = False
    protection: bool = False
    tests: int = Field(default=0, ge=0)
    positives: int = Field(default=0, ge=0)
    note: str = ""


class SafetyLogRead(_Out):
    id: int
    site_id: str
    province_code: str
    day: date
    disinfected: bool
    protection: bool
    tests: int
    positives: int
    note: str
    filed_by: str


class EmergencyPlanRead(_Out):
    id: int
    name: str
    province_code: str
    event_type: EventType
    scenario: dict[str, Any]
    instructions: list[Any]
    resources: list[Any]
    contacts: list[Any]
    checklist: list[Any]
    passes: list[Any]
    readiness: Readiness
    readiness_problems: list[Any]
    readiness_checked_at: datetime | None
    last_activated_at: datetime | None


class Activation(_In):
    drill: bool = False
    title: str | None = None


class RoadRun(BaseModel):
    id: int
    run_date: date
    origin: str
    destination_code: str
    state: str
    province_code: str


class RoadPass(BaseModel):
    id: int
    kind: str
    vehicle_id: int | None
    areas: list[str]
    state: str
    valid_to: date


class RoadEffectsRead(BaseModel):
    """The runs and passes that use a blocked road's area from ``since`` on."""

    area: str
    since: date
    runs: list[RoadRun]
    passes: list[RoadPass]

    @classmethod
    def of(cls, found: Any) -> RoadEffectsRead:
        return cls(
            area=found.area,
            since=found.since,
            runs=[
                RoadRun(
                    id=r.id,
                    run_date=r.run_date,
                    origin=r.origin,
                    destination_code=r.destination_code,
                    state=r.state.value,
                    province_code=r.province_code,
                )  # fmt: skip
                for r in found.runs
            ],
            passes=[
                RoadPass(
                    id=c.id,
                    kind=c.kind.value,
                    vehicle_id=c.vehicle_id,
                    areas=[str(a) for a in c.areas],
                    state=c.state.value,
                    valid_to=c.valid_to,
                )  # fmt: skip
                for c in found.passes
            ],
        )
