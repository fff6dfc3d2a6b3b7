"""Request and response shapes of the warehouse API (and of its console forms)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from baotong.warehouse.models import (
    DocumentKind,
    DocumentStatus,
    LocationKind,
    WarehouseKind,
    WarehouseStatus,
)

ScanId = Field(
    None,
    min_length=8,
    max_length=64,
    description="Client-generated id of the scan: a retry with it applies once.",
)


class Layout(BaseModel):
    """Storage bins to create: zones × aisles × racks × bins, codes like ``A-01-02-03``."""

    zones: list[str] = Field(default_factory=lambda: ["A"], min_length=1, max_length=10)
    aisles: int = Field(2, ge=1, le=50)
    racks: int = Field(3, ge=1, le=50)
    bins: int = Field(4, ge=1, le=20)


class WarehouseCreate(BaseModel):
    code: str = Field(min_length=2, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=200)
    kind: WarehouseKind
    province_code: str = Field(pattern=r"^\d{6}$")
    site_id: str | None = Field(None, max_length=64)
    region_code: str | None = Field(None, pattern=r"^\d{6}$")
    status: WarehouseStatus = WarehouseStatus.OPENING
    equipment: dict[str, int] = Field(default_factory=dict)
    staff: list[dict[str, str]] = Field(default_factory=list)
    layout: Layout = Field(default_factory=Layout)


class WarehouseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    name: str
    kind: WarehouseKind
    status: WarehouseStatus
    province_code: str
    site_id: str | None
    region_code: str | None
    equipment: dict[str, Any]
    staff: list[Any]


class LocationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    kind: LocationKind
    zone: str
    aisle: str
    rack: str
    bin: str
    distance: int


class ItemLine(BaseModel):
    """So many units of an SKU (or kit), optionally of one lot."""

    sku: str = Field(min_length=1, max_length=32)
    qty: int = Field(gt=0, le=1_000_000)
    lot: str = Field("", max_length=48)
    expiry: date | None = None


class ReceiveLine(ItemLine):
    """Units counted at the dock. Against an expected receipt, ``line_id`` names the
    receipt line they are for; without it they go to the one line of their SKU (and lot,
    when several lines of the SKU carry lots), and are refused when that is ambiguous."""

    damaged: int = Field(0, ge=0)
    line_id: int | None = Field(None, description="The expected receipt's line counted.")


class ExpectedReceipt(BaseModel):
    lines: list[ItemLine] = Field(min_length=1)
    source_type: str = Field(max_length=32)
    source_id: str = Field(max_length=64)
    reference: str = Field("", max_length=64)


class Receive(BaseModel):
    """Goods counted at the dock: against an expected receipt (``document_id``) or blind."""

    document_id: int | None = None
    lines: list[ReceiveLine] = Field(min_length=1)
    reference: str = Field("", max_length=64)
    photos: list[str] = Field(default_factory=list, max_length=20)
    scan_id: str | None = ScanId


class PutAway(BaseModel):
    line_id: int
    location: str | None = Field(
        None, max_length=32, description="Scanned bin; else the suggested one."
    )
    scan_id: str | None = ScanId


class PickCreate(BaseModel):
    lines: list[ItemLine] = Field(min_length=1)
    wave: str = Field(min_length=1, max_length=64)
    reference: str = Field("", max_length=64)
    cutoff: datetime | None = None


class Pick(BaseModel):
    line_id: int
    location: str | None = Field(
        None, max_length=32, description="Scanned bin: must be the line's."
    )
    qty: int | None = Field(None, gt=0)
    scan_id: str | None = ScanId


class KitCreate(BaseModel):
    kit: str = Field(min_length=1, max_length=32)
    kits: int = Field(gt=0, le=100_000)
    province_code: str | None = Field(None, pattern=r"^\d{6}$")
    reference: str = Field("", max_length=64)


class Assemble(BaseModel):
    kits: int = Field(gt=0, le=100_000)
    scan_id: str | None = ScanId


class PackCreate(BaseModel):
    items: list[ItemLine] = Field(min_length=1)
    source: str = Field("KIT", max_length=32, description="Location the contents come from.")
    weight_kg: float = Field(gt=0, le=2000)
    size_cm: list[float] = Field(min_length=3, max_length=3)
    scan_id: str | None = ScanId


class ShipmentCreate(BaseModel):
    vehicle: str = Field(min_length=1, max_length=32)
    trailer: str = Field("", max_length=32)
    reference: str = Field("", max_length=64)


class Load(BaseModel):
    package: str = Field(min_length=1, max_length=32)
    scan_id: str | None = ScanId


class Seal(BaseModel):
    seal: str = Field(min_length=1, max_length=32)
    scan_id: str | None = ScanId


class DispatchCreate(BaseModel):
    shipment_id: int
    carrier: str = Field(min_length=1, max_length=64, description="Shuttle or delivery run.")
    handed_to: str = Field(min_length=1, max_length=64)
    note: str = Field("", max_length=500)
    scan_id: str | None = ScanId


class CountCreate(BaseModel):
    location: str = Field(min_length=1, max_length=32)


class Counted(BaseModel):
    lines: list[ItemLine] = Field(default_factory=list)


class LineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    sku: str
    lot: str
    expiry: date | None
    qty: int
    qty_done: int
    qty_damaged: int
    source: str | None = None
    target: str | None = None


class DocumentRead(BaseModel):
    id: int
    warehouse: str
    kind: DocumentKind
    status: DocumentStatus
    reference: str
    source_type: str | None
    source_id: str | None
    wave: str | None
    data: dict[str, Any]
    created_by: str
    created_at: datetime
    done_at: datetime | None
    lines: list[LineRead]


class ScanResult(BaseModel):
    """The document a scan acted on (without its lines: GET the document for them);
    ``applied`` is False for a repeated scan id."""

    applied: bool
    document: DocumentRead


class StockRow(BaseModel):
    location: str
    sku: str
    lot: str
    expiry: date | None
    on_hand: int
    reserved: int
    available: int


class MoveRead(BaseModel):
    id: int
    at: datetime
    sku: str
    lot: str
    qty: int
    source: str | None
    target: str | None
    document_id: int | None
    actor: str
    scan_id: str | None
