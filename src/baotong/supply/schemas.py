"""What the supply API and the console's forms take and give: one set of models for both."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from baotong.supply.catalogue import OutbreakStage
from baotong.supply.clocks import ClockKind
from baotong.supply.models import Decision, DemandStatus
from baotong.supply.shipping import ShippingMode
from baotong.supply.template import ItemKind, SiteKind, SourceKind

Text = Field(default="", max_length=500)


class DemandLineCreate(BaseModel):
    source_kind: SourceKind
    source_name: str = Field(min_length=1, max_length=200)
    item_kind: ItemKind
    item_code: str = Field(min_length=1, max_length=32)
    quantity: int = Field(gt=0, le=10_000_000)
    unit: str = Field(min_length=1, max_length=16)
    site_kind: SiteKind
    site_name: str = Field(min_length=1, max_length=200)
    needed_by: AwareDatetime
    notes: str = Text


class DemandTableCreate(BaseModel):
    """A table entered by hand: its province, its owner and deputy (usernames), its lines."""

    title: str = Field(min_length=1, max_length=200)
    province_code: str = Field(pattern=r"^\d{6}$")
    owner: str = Field(min_length=1, max_length=64)
    deputy: str | None = Field(default=None, max_length=64)
    stage: OutbreakStage | None = None
    lines: list[DemandLineCreate] = Field(default_factory=list, max_length=20_000)


class QuoteLineIn(BaseModel):
    """The desk's answer to one demand line."""

    line_id: int
    supplier_code: str = Field(min_length=1, max_length=32)
    unit_price: Decimal = Field(ge=0, le=10_000_000, decimal_places=2)
    available_quantity: int = Field(ge=0, le=10_000_000)
    lead_time_hours: int = Field(ge=0, le=24 * 60)
    substitute_code: str | None = Field(default=None, max_length=32)
    note: str = Text


class Quotation(BaseModel):
    lines: list[QuoteLineIn] = Field(min_length=1)


class DecisionIn(BaseModel):
    line_id: int
    accept: bool
    reason: str = Text


class Confirmation(BaseModel):
    decisions: list[DecisionIn] = Field(min_length=1)


class ContractCreate(BaseModel):
    documents: list[str] = Field(default_factory=list, max_length=20)


class ArrivalIn(BaseModel):
    line_id: int
    received: int = Field(ge=0)
    short: int = Field(default=0, ge=0)
    damaged: int = Field(default=0, ge=0)
    notes: str = Text
    photos: list[str] = Field(default_factory=list, max_length=20)


class ShippingOverride(BaseModel):
    mode: ShippingMode
    comment: str = Field(min_length=1, max_length=500)


class LineShipping(ShippingOverride):
    line_id: int


class Cancellation(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class DemandLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    position: int
    source_kind: SourceKind
    source_name: str
    item_kind: ItemKind
    item_code: str
    quantity: int
    unit: str
    site_kind: SiteKind
    site_name: str
    needed_by: datetime
    notes: str
    shipping_mode: ShippingMode | None
    shipping_reason: str | None
    shipping_overridden: bool
    shipping_comment: str | None


class DemandTableRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    province_code: str
    stage: OutbreakStage | None
    owner_id: int
    deputy_id: int | None
    status: DemandStatus
    round: int
    escalated: bool
    source_file: str | None
    created_by: str
    created_at: datetime
    submitted_at: datetime | None
    quoted_at: datetime | None
    decided_at: datetime | None
    closed_at: datetime | None


class DemandTableDetail(DemandTableRead):
    lines: list[DemandLineRead]


class QuoteLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    line_id: int
    round: int
    supplier_code: str
    unit_price: Decimal
    available_quantity: int
    lead_time_hours: int
    substitute_code: str | None
    note: str
    quoted_by: str
    quoted_at: datetime
    decision: Decision
    decision_reason: str | None
    decided_by: str | None
    contract_id: int | None


class ClockRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    table_id: int
    province_code: str
    kind: ClockKind
    round: int
    started_at: datetime
    remind_at: datetime
    due_at: datetime
    met_at: datetime | None
    stopped_at: datetime | None
    met_by: str | None
    reminded_at: datetime | None
    breached_at: datetime | None


class ContractRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    table_id: int
    supplier_code: str
    amount: Decimal
    delivery_from: datetime
    delivery_to: datetime
    documents: list[str]
    signed_by: str
    signed_at: datetime


class AllocationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    line_id: int
    supplier_code: str
    sku_code: str
    quantity: int
    day: date


class ArrivalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    line_id: int
    received: int
    short: int
    damaged: int
    notes: str
    photos: list[str]
    recorded_by: str
    receiver_signed_by: str | None
    deliverer_signed_by: str | None
