"""Database rows of the warehouse: sites, locations, lots, quants, the ledger of moves,
scans, documents with their lines, and packages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from baotong.core.enums import LabelledEnum
from baotong.db.base import Base
from baotong.db.types import enum_type


class WarehouseKind(LabelledEnum):
    """What a warehouse is for: kitting next to a closed area, or group-buy fulfilment."""

    CONSOLIDATION_POINT = "consolidation_point", "purple"
    CENTRAL = "central", "blue"
    FORWARD = "forward", "teal"


class WarehouseStatus(LabelledEnum):
    """Opening status of a warehouse site."""

    PLANNED = "planned", "gray"
    OPENING = "opening", "orange"
    OPEN = "open", "green"
    CLOSED = "closed", "red"


class LocationKind(LabelledEnum):
    """A storage bin, a dock (in or out), the staging area pickers bring goods to, or the
    kitting area where kits are assembled."""

    BIN = "bin", "blue"
    DOCK = "dock", "orange"
    STAGING = "staging", "yellow"
    KITTING = "kitting", "purple"


class DocumentKind(LabelledEnum):
    """The seven operations, and the cycle count."""

    RECEIPT = "receipt", "blue"
    PUTAWAY = "putaway", "teal"
    PICK = "pick", "orange"
    KIT = "kit", "purple"
    PACK = "pack", "yellow"
    SHIPMENT = "shipment", "green"
    DISPATCH = "dispatch", "green"
    COUNT = "count", "gray"


class DocumentStatus(LabelledEnum):
    """Where a document stands: expected (a receipt announced by supply), open, in
    progress, waiting for a supervisor (a count), done or cancelled."""

    EXPECTED = "expected", "gray"
    OPEN = "open", "blue"
    IN_PROGRESS = "in_progress", "orange"
    AWAITING_APPROVAL = "awaiting_approval", "purple"
    DONE = "done", "green"
    CANCELLED = "cancelled", "red"


class Warehouse(Base):
    """A warehouse site, tied to a network site (a processing centre) or a region."""

    __tablename__ = "wh_warehouses"
    noun = "warehouse"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[WarehouseKind] = mapped_column(enum_type(WarehouseKind, length=24))
    status: Mapped[WarehouseStatus] = mapped_column(enum_type(WarehouseStatus), index=True)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    site_id: Mapped[str | None] = mapped_column(String(64))  # a network site, when at one
    region_code: Mapped[str | None] = mapped_column(String(6))
    equipment: Mapped[dict[str, Any]]  # docks, pallets, forklifts, racks, cameras, trailers
    staff: Mapped[list[Any]]  # the roster: [{"name": ..., "role": ..., "shift": ...}]
    created_at: Mapped[datetime]


class Location(Base):
    """A place stock lies: a bin (zone/aisle/rack/bin), a dock, staging or kitting.

    ``distance`` is the walking order from the inbound dock: put-away suggests the nearest
    free bin by it.
    """

    __tablename__ = "wh_locations"
    __table_args__ = (UniqueConstraint("warehouse_id", "code", name="uq_wh_locations_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("wh_warehouses.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    kind: Mapped[LocationKind] = mapped_column(enum_type(LocationKind))
    zone: Mapped[str] = mapped_column(String(8), default="")
    aisle: Mapped[str] = mapped_column(String(8), default="")
    rack: Mapped[str] = mapped_column(String(8), default="")
    bin: Mapped[str] = mapped_column(String(8), default="")
    distance: Mapped[int] = mapped_column(Integer, default=0)


class Lot(Base):
    """A lot of an SKU received at a warehouse, with its expiry date (food)."""

    __tablename__ = "wh_lots"
    __table_args__ = (UniqueConstraint("warehouse_id", "sku", "code", name="uq_wh_lots_sku_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("wh_warehouses.id", ondelete="CASCADE"))
    sku: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(48))
    expiry: Mapped[date | None] = mapped_column(Date)


class Quant(Base):
    """On-hand and reserved units of an SKU and lot ("" = no lot) at a location: derived
    from the ledger, updated with each move in the same transaction."""

    __tablename__ = "wh_quants"
    __table_args__ = (
        UniqueConstraint("location_id", "sku", "lot", name="uq_wh_quants_location_sku_lot"),
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved_within"),
        Index("ix_wh_quants_warehouse_sku", "warehouse_id", "sku"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("wh_warehouses.id", ondelete="CASCADE"))
    location_id: Mapped[int] = mapped_column(ForeignKey("wh_locations.id", ondelete="CASCADE"))
    sku: Mapped[str] = mapped_column(String(32))
    lot: Mapped[str] = mapped_column(String(48), default="")
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)


class Move(Base):
    """One line of the append-only stock ledger. A location of None is outside the
    warehouse: a supplier (receipt), a vehicle (shipment), consumption or production by a
    kit order, or a count adjustment."""

    __tablename__ = "wh_moves"
    __table_args__ = (
        CheckConstraint("qty > 0", name="qty_positive"),
        Index("ix_wh_moves_warehouse_sku", "warehouse_id", "sku"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("wh_warehouses.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    sku: Mapped[str] = mapped_column(String(32))
    lot: Mapped[str] = mapped_column(String(48), default="")
    qty: Mapped[int] = mapped_column(Integer)
    from_location_id: Mapped[int | None] = mapped_column(ForeignKey("wh_locations.id"))
    to_location_id: Mapped[int | None] = mapped_column(ForeignKey("wh_locations.id"))
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("wh_documents.id", ondelete="SET NULL"), index=True
    )
    actor: Mapped[str] = mapped_column(String(64))
    scan_id: Mapped[str | None] = mapped_column(String(64), index=True)


class Scan(Base):
    """A client-generated scan id, stored once: a retried or double-sent scan finds it and
    gets the first answer back instead of being applied again."""

    __tablename__ = "wh_scans"

    scan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("wh_warehouses.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    result: Mapped[dict[str, Any]]


class Document(Base):
    """A warehouse document: a receipt, put-away, pick list, kit work order, pack,
    shipment, dispatch or cycle count. ``data`` holds what only its kind has (the wave,
    shortages, the vehicle and seal, the handover record)."""

    __tablename__ = "wh_documents"
    __table_args__ = (Index("ix_wh_documents_warehouse_kind", "warehouse_id", "kind", "status"),)
    noun = "warehouse_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("wh_warehouses.id", ondelete="CASCADE"))
    kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind))
    status: Mapped[DocumentStatus] = mapped_column(enum_type(DocumentStatus, length=20))
    reference: Mapped[str] = mapped_column(String(64), default="")
    source_type: Mapped[str | None] = mapped_column(String(32))
    source_id: Mapped[str | None] = mapped_column(String(64))
    wave: Mapped[str | None] = mapped_column(String(64), index=True)
    data: Mapped[dict[str, Any]]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]


class DocumentLine(Base):
    """A line of a document: an SKU (and lot), the quantity planned and done, damaged
    units (receipts), and where from and to."""

    __tablename__ = "wh_document_lines"
    __table_args__ = (  # the lines not done yet: "is any line still open?" ends every scan
        Index(
            "ix_wh_document_lines_open",
            "document_id",
            postgresql_where=text("qty_done < qty"),
            sqlite_where=text("qty_done < qty"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("wh_documents.id", ondelete="CASCADE"), index=True
    )
    sku: Mapped[str] = mapped_column(String(32))
    lot: Mapped[str] = mapped_column(String(48), default="")
    expiry: Mapped[date | None] = mapped_column(Date)
    qty: Mapped[int] = mapped_column(Integer, default=0)
    qty_done: Mapped[int] = mapped_column(Integer, default=0)
    qty_damaged: Mapped[int] = mapped_column(Integer, default=0)
    from_location_id: Mapped[int | None] = mapped_column(ForeignKey("wh_locations.id"))
    to_location_id: Mapped[int | None] = mapped_column(ForeignKey("wh_locations.id"))


class Package(Base):
    """A packed parcel or pallet: contents, weight and size, the label's code, and the
    shipment that loaded it."""

    __tablename__ = "wh_packages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("wh_warehouses.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("wh_documents.id", ondelete="CASCADE"))
    shipment_id: Mapped[int | None] = mapped_column(
        ForeignKey("wh_documents.id", ondelete="SET NULL"), index=True
    )
    location_id: Mapped[int | None] = mapped_column(ForeignKey("wh_locations.id"))
    weight_kg: Mapped[float] = mapped_column(Float)
    size_cm: Mapped[list[Any]]  # [length, width, height]
    contents: Mapped[list[Any]]  # [{"sku": ..., "lot": ..., "qty": ...}]
