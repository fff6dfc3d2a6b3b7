"""Request and response shapes of the service desk."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from baotong.network.entities import SiteStatus
from baotong.servicedesk.models import (
    ChannelKind,
    Satisfaction,
    ScriptTopic,
    TicketCategory,
    TicketChannel,
    TicketStatus,
)


class TicketCreate(BaseModel):
    """A complaint about an item: who to call back, and what is wrong."""

    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=13, max_length=16)
    category: TicketCategory
    contact_name: str = Field(min_length=1, max_length=100)
    contact_phone: str = Field(min_length=5, max_length=40, pattern=r"^[0-9+\- ]+$")
    description: str = Field(default="", max_length=2000)


class ContactDone(BaseModel):
    """The province reached the customer and promises a processing time."""

    model_config = ConfigDict(extra="forbid")

    expected_by: AwareDatetime
    note: str = Field(default="", max_length=2000)


class InvestigationDone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    findings: str = Field(min_length=1, max_length=4000)


class CallbackDone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    result: str = Field(min_length=1, max_length=2000)
    satisfaction: Satisfaction


class Transfer(BaseModel):
    """Hand the investigation to another production unit (转办), with the reason."""

    model_config = ConfigDict(extra="forbid")

    unit_id: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=2000)


class Reopen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class TicketEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    step: TicketStatus
    note: str
    late: bool


class TicketRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    item_number: str | None  # None: the ticket is about its subject, not a mail item
    subject_kind: str | None = None  # e.g. group_order
    subject_ref: str | None = None  # that object's reference (a group order's number)
    category: TicketCategory
    channel: TicketChannel
    contact_name: str
    contact_phone: str
    description: str
    province_code: str
    intake_province_code: str
    unit_id: str
    status: TicketStatus
    step_due_at: datetime | None
    expected_by: datetime | None
    contact_note: str
    findings: str
    callback_result: str
    satisfaction: Satisfaction | None
    breaches: int
    escalated_at: datetime | None
    reopened: int
    created_by: str
    created_at: datetime
    closed_at: datetime | None


class TicketDetail(TicketRead):
    events: list[TicketEventRead]


class PublicTicketRead(BaseModel):
    """What the customer is told after complaining: the ticket and when to expect a call."""

    id: int
    item_number: str | None
    status: TicketStatus
    step_due_at: datetime | None


class SlaRow(BaseModel):
    """Tickets of a province or unit: how many, closed, steps done late, escalated."""

    key: str
    tickets: int
    open: int
    closed: int
    late_steps: int
    escalated: int
    on_time_share: float


class SlaReport(BaseModel):
    by_province: list[SlaRow]
    by_unit: list[SlaRow]


class ScriptCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic: ScriptTopic
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=10_000)


class ScriptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    topic: ScriptTopic
    version: int
    title: str
    body: str
    created_by: str
    created_at: datetime


class LoadIn(BaseModel):
    """A province's call-centre figures, as its telephony reports them."""

    model_config = ConfigDict(extra="forbid")

    province_code: str = Field(min_length=6, max_length=6)
    waiting: int = Field(ge=0)
    longest_wait_s: int = Field(ge=0)
    agents_online: int = Field(ge=0)
    handled_per_hour: int = Field(ge=0)


class LoadRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    province_code: str
    waiting: int
    longest_wait_s: int
    agents_online: int
    remote_seats: int
    handled_per_hour: int
    updated_at: datetime


class SeatsAdd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = Field(ge=1, le=500)


class RuleWrite(BaseModel):
    """Divert when waiting > ``max_waiting`` or the longest wait > ``max_wait_s`` seconds."""

    model_config = ConfigDict(extra="forbid")

    province_code: str = Field(min_length=6, max_length=6)
    max_waiting: int = Field(ge=0)
    max_wait_s: int = Field(ge=0)
    targets: list[str] = Field(min_length=1, max_length=10)
    cap: int = Field(ge=1, le=100_000)
    active: bool = True


class RuleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    province_code: str
    max_waiting: int
    max_wait_s: int
    targets: list[str]
    cap: int
    active: bool
    updated_by: str
    updated_at: datetime


class DiversionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    province_code: str
    target: str
    contacts: int
    reason: str
    waiting: int
    longest_wait_s: int


class SurgeIn(BaseModel):
    """Simulate a surge in ``provinces`` (default: those of the plans in force)."""

    model_config = ConfigDict(extra="forbid")

    provinces: list[str] = Field(default_factory=list, max_length=40)
    seed: int = Field(0, ge=0, le=2**31 - 1)


class ChannelWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    province_code: str = Field(min_length=6, max_length=6)
    kind: ChannelKind
    name: str = Field(min_length=1, max_length=100)
    status: SiteStatus
    reason: str = Field(default="", max_length=2000)


class ChannelRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    province_code: str
    kind: ChannelKind
    name: str
    status: SiteStatus
    reason: str
    since: datetime
    changed_by: str
