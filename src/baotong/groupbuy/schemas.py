"""Request and response shapes of group buying (the API's and the forms')."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from baotong.groupbuy.models import (
    CaseKind,
    CaseOutcome,
    DeliveryStatus,
    GroupOrderStatus,
    LeaderSource,
    LeaderStatus,
    ResidentOrderStatus,
)
from baotong.supply.template import ItemKind

Code = Field(min_length=2, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
PHONE = r"^1[3-9]\d{9}$"  # a mainland mobile number


class LeaderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Code
    name: str = Field(min_length=1, max_length=64)
    phone: str = Field(pattern=PHONE)
    source: LeaderSource
    province_code: str = Field(pattern=r"^\d{6}$")
    username: str | None = Field(None, max_length=64)


class Training(BaseModel):
    """The training a leader attended: the materials and when."""

    model_config = ConfigDict(extra="forbid")
    materials: list[str] = Field(min_length=1, max_length=20)
    attended_at: AwareDatetime | None = None


class LeaderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    name: str
    source: LeaderSource
    status: LeaderStatus
    province_code: str
    training: dict[str, object]


class PickupPointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Code
    name: str = Field(min_length=1, max_length=100)
    address: str = Field("", max_length=200)
    region_code: str = Field(pattern=r"^\d{6}$")
    lon: float = Field(ge=73, le=136)
    lat: float = Field(ge=3, le=54)
    forward_warehouse: str = Code


class GroupPointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Code
    name: str = Field(min_length=1, max_length=100)
    community_code: str = Field(pattern=r"^\d{6}$")
    pickup_point: str = Code
    leader: str = Code


class GroupPointRead(BaseModel):
    code: str
    name: str
    community_code: str
    province_code: str
    pickup_point: str
    leader: str
    leader_name: str
    leader_status: LeaderStatus


class OfferCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    province_code: str = Field(pattern=r"^\d{6}$")
    item_kind: ItemKind
    item_code: str = Field(min_length=1, max_length=32)
    price: Decimal = Field(ge=0, le=100_000, decimal_places=2)
    daily_limit: int = Field(ge=1, le=1000)
    prepaid: bool = False


class OfferRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    province_code: str
    item_kind: ItemKind
    item_code: str
    name: str
    name_en: str
    price: Decimal
    daily_limit: int
    prepaid: bool
    active: bool


class GroupOrderOpen(BaseModel):
    """The leader opens the day's group order with its cut-off."""

    model_config = ConfigDict(extra="forbid")
    day: date | None = None
    cutoff_at: AwareDatetime
    note: str = Field("", max_length=200)


class GroupOrderRead(BaseModel):
    id: int
    group_point: str
    group_name: str
    day: date
    cutoff_at: datetime
    status: GroupOrderStatus
    token: str
    orders: int
    units: int
    late: bool


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    offer_id: int = Field(ge=1, le=2**31 - 1)
    qty: int = Field(ge=1, le=1000)


class ResidentOrderIn(BaseModel):
    """A resident's line (接龙): nickname, building and room, phone, the items."""

    model_config = ConfigDict(extra="forbid")
    nickname: str = Field(min_length=1, max_length=32)
    building: str = Field(min_length=1, max_length=16)
    room: str = Field(min_length=1, max_length=16)
    phone: str = Field(pattern=PHONE)
    lines: list[LineIn] = Field(min_length=1, max_length=50)


class PublicEntry(BaseModel):
    """One line of the running list as every resident sees it: no phone, no room."""

    seq: int
    nickname: str
    building: str
    units: int


class ResidentOrderRead(BaseModel):
    """A resident order as its group's leader sees it."""

    id: int
    seq: int
    nickname: str
    building: str
    room: str
    phone: str
    status: ResidentOrderStatus
    lines: list[HandoutLine]
    collected_at: datetime | None


class HandoutLine(BaseModel):
    item_code: str
    name: str
    qty: int
    allocated: int | None


class Placed(BaseModel):
    """What a resident gets back: the number in the list and the code to change it."""

    seq: int
    edit_code: str


class CutoffRead(BaseModel):
    province_code: str
    day: date
    orders: int
    groups: int
    waves: list[str]
    kit_orders: list[int]
    shortfall: dict[str, int]
    demand_table_id: int | None
    deliveries: int
    routes: int
    runs: list[int]
    fill_rate: float
    seconds: float
    phases: dict[str, float] = {}  # seconds of each step: read, consolidate, allocate, ...
    repeated: bool = False


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    group_order_id: int
    forward_warehouse: str
    route: int
    stop: int
    run_id: int | None
    packages: int
    items: dict[str, int]
    due_at: datetime
    status: DeliveryStatus
    delivered_at: datetime | None


class Reconciliation(BaseModel):
    """Per item: delivered, handed out (collected orders), still to hand out, and any
    difference (handed out more than delivered)."""

    item_code: str
    delivered: int
    handed_out: int
    waiting: int
    difference: int


class AfterSaleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    resident_seq: int = Field(ge=1, le=100_000)
    kind: CaseKind
    item_code: str = Field(min_length=1, max_length=32)
    qty: int = Field(ge=1, le=1000)
    description: str = Field("", max_length=2000)


class AfterSaleClose(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: CaseOutcome


class DashboardRow(BaseModel):
    region_code: str
    groups: int
    open_groups: int
    orders: int
    ordered: int
    delivered: int
    fill_rate: float | None
    late: int
    leaders: int
    active_leaders: int


ResidentOrderRead.model_rebuild()
