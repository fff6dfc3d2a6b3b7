"""Database rows of emergency supply: demand tables and their lines, quotations per round,
the two clocks, supplier contracts, allocations and the arrival handover.

A demand table belongs to one province and has one named owner and a deputy; it walks
draft → submitted → quoted → confirmed / partly_confirmed / rejected → contracted →
allocated → arriving → received → closed (or cancelled), every step a guarded
``transition``. Each quotation round answers every open line with one quote line; the
province accepts or rejects each, and rejected lines go round again. Each clock (quote
24 h, confirm 4 h) is a ``supply_clocks`` row with its deadlines in the job runner; its
``reminded_at`` / ``breached_at`` are set by a guarded UPDATE, so a reminder or a breach is
recorded once whatever fires it. The catalogue (SKUs, suppliers, kits) stays in the
bundled TOML file; rows name its codes.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from baotong.core.enums import LabelledEnum
from baotong.core.i18n import N_
from baotong.db.base import Base
from baotong.db.types import enum_type
from baotong.supply.catalogue import OutbreakStage
from baotong.supply.clocks import ClockKind
from baotong.supply.shipping import ShippingMode
from baotong.supply.template import ItemKind, SiteKind, SourceKind


class DemandStatus(LabelledEnum):
    DRAFT = "draft", "gray"
    SUBMITTED = "submitted", "orange"
    QUOTED = "quoted", "blue"
    CONFIRMED = "confirmed", "green"
    PARTLY_CONFIRMED = "partly_confirmed", "teal"
    REJECTED = "rejected", "red"
    CONTRACTED = "contracted", "purple"
    ALLOCATED = "allocated", "purple"
    ARRIVING = "arriving", "yellow"
    RECEIVED = "received", "green"
    CLOSED = "closed", "gray"
    CANCELLED = "cancelled", "gray"


class Decision(LabelledEnum, key="quote_decision"):
    """The province's answer to one quote line."""

    PENDING = "pending", "orange"
    ACCEPTED = "accepted", "green"
    REJECTED = "rejected", "red"
    SUPERSEDED = "superseded", "gray"  # not answered: the table was cancelled


# transition() names its errors after the noun and the column; their words are here.
N_("error.demand_table.wrong_status")
N_("error.demand_table.not_found")


class DemandTable(Base):
    """A province's demand table (需求表), its owner (专职专人) and deputy, and its state."""

    __tablename__ = "supply_demand_tables"
    noun = "demand_table"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    stage: Mapped[OutbreakStage | None] = mapped_column(enum_type(OutbreakStage))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[DemandStatus] = mapped_column(enum_type(DemandStatus), index=True)
    round: Mapped[int] = mapped_column(Integer, default=0)  # quotation rounds asked for
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    source_file: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    quoted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    lines: Mapped[list[DemandLine]] = relationship(
        back_populates="table", order_by="DemandLine.position", cascade="all, delete-orphan"
    )


class DemandLine(Base):
    """One need: an SKU or a kit, how many, for whom, where and by when; its shipping mode."""

    __tablename__ = "supply_demand_lines"
    __table_args__ = (UniqueConstraint("table_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("supply_demand_tables.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)  # 1-based; the Excel row for imports
    source_kind: Mapped[SourceKind] = mapped_column(enum_type(SourceKind))
    source_name: Mapped[str] = mapped_column(String(200))
    item_kind: Mapped[ItemKind] = mapped_column(enum_type(ItemKind))
    item_code: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(16))
    site_kind: Mapped[SiteKind] = mapped_column(enum_type(SiteKind, length=20))
    site_name: Mapped[str] = mapped_column(String(200))
    needed_by: Mapped[datetime]
    notes: Mapped[str] = mapped_column(Text, default="")
    shipping_mode: Mapped[ShippingMode | None] = mapped_column(enum_type(ShippingMode))
    shipping_reason: Mapped[str | None] = mapped_column(String(32))
    shipping_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    shipping_comment: Mapped[str | None] = mapped_column(Text)

    table: Mapped[DemandTable] = relationship(back_populates="lines")


class QuoteLine(Base):
    """The sourcing desk's answer to one line in one round, and the province's decision."""

    __tablename__ = "supply_quote_lines"
    __table_args__ = (UniqueConstraint("line_id", "round"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("supply_demand_tables.id", ondelete="CASCADE"), index=True
    )
    line_id: Mapped[int] = mapped_column(
        ForeignKey("supply_demand_lines.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[int] = mapped_column(Integer)
    supplier_code: Mapped[str] = mapped_column(String(32))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    available_quantity: Mapped[int] = mapped_column(Integer)
    lead_time_hours: Mapped[int] = mapped_column(Integer)
    substitute_code: Mapped[str | None] = mapped_column(String(32))  # proposed instead
    note: Mapped[str] = mapped_column(Text, default="")
    quoted_by: Mapped[str] = mapped_column(String(64))
    quoted_at: Mapped[datetime]
    decision: Mapped[Decision] = mapped_column(enum_type(Decision), default=Decision.PENDING)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("supply_contracts.id", ondelete="SET NULL"), index=True
    )


class SupplyClock(Base):
    """One running of a clock: quote (round n) or confirm (round n), met or breached.

    The desk is who answered (the sourcing agent for a quote, the province's user for a
    confirmation); the on-time report groups by province and by desk.
    """

    __tablename__ = "supply_clocks"
    __table_args__ = (
        UniqueConstraint("table_id", "kind", "round"),
        Index("ix_supply_clocks_open", "met_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("supply_demand_tables.id", ondelete="CASCADE"), index=True
    )
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    kind: Mapped[ClockKind] = mapped_column(enum_type(ClockKind))
    round: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    remind_at: Mapped[datetime]
    due_at: Mapped[datetime]
    met_at: Mapped[datetime | None]  # answered (quoted / decided)
    stopped_at: Mapped[datetime | None]  # no longer running: met, or the table cancelled
    met_by: Mapped[str | None] = mapped_column(String(64))
    reminded_at: Mapped[datetime | None]
    breached_at: Mapped[datetime | None]  # the deadline passed unanswered: escalated


class Contract(Base):
    """A supplier contract (签约): the accepted quote lines of one supplier for one table."""

    __tablename__ = "supply_contracts"
    __table_args__ = (UniqueConstraint("table_id", "supplier_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("supply_demand_tables.id", ondelete="CASCADE"), index=True
    )
    supplier_code: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    delivery_from: Mapped[datetime]
    delivery_to: Mapped[datetime]
    documents: Mapped[list[Any]] = mapped_column(default=list)  # names / references
    signed_by: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime]


class Allocation(Base):
    """Units of one SKU a supplier delivers for one line on one day (配货)."""

    __tablename__ = "supply_allocations"
    __table_args__ = (Index("ix_supply_allocations_supplier_day", "supplier_code", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("supply_demand_tables.id", ondelete="CASCADE"), index=True
    )
    line_id: Mapped[int] = mapped_column(
        ForeignKey("supply_demand_lines.id", ondelete="CASCADE"), index=True
    )
    supplier_code: Mapped[str] = mapped_column(String(32))
    sku_code: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)


class Arrival(Base):
    """The arrival handover (到货交接) of one line: counted, and signed by both sides."""

    __tablename__ = "supply_arrivals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("supply_demand_tables.id", ondelete="CASCADE"), index=True
    )
    line_id: Mapped[int] = mapped_column(
        ForeignKey("supply_demand_lines.id", ondelete="CASCADE"), unique=True
    )
    received: Mapped[int] = mapped_column(Integer)
    short: Mapped[int] = mapped_column(Integer, default=0)
    damaged: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    photos: Mapped[list[Any]] = mapped_column(default=list)  # file names / references
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]
    receiver_signed_by: Mapped[str | None] = mapped_column(String(64))  # the province
    receiver_signed_at: Mapped[datetime | None]
    deliverer_signed_by: Mapped[str | None] = mapped_column(String(64))  # the sourcing side
    deliverer_signed_at: Mapped[datetime | None]


class SupplierDay(Base):
    """Units of a supplier's daily capacity already taken on one day, by every table.

    Allocation claims units here with one guarded UPDATE (``used = used + n WHERE used + n
    <= capacity``), so of two allocations racing for the last units of a day one wins and
    the other is refused: a supplier is never promised more than it can deliver.
    """

    __tablename__ = "supply_supplier_days"
    __table_args__ = (CheckConstraint("used >= 0", name="used_not_negative"),)

    supplier_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    used: Mapped[int] = mapped_column(Integer, default=0)


class ReceiptLink(Base):
    """One line of goods a demand table owes a warehouse, and the expected receipt that
    announced it there.

    ``key`` names what is announced — an allocation shipped via the consolidation point
    (``supply-a<allocation>``) or the good units of a line received at the arrival
    handover (``supply-l<line>-<sku>``) — and is unique, so nothing is announced twice,
    whoever asks and however often. The warehouse books what it counted back here, so the
    table shows what was received.
    """

    __tablename__ = "supply_receipt_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("supply_demand_tables.id", ondelete="CASCADE"), index=True
    )
    line_id: Mapped[int] = mapped_column(
        ForeignKey("supply_demand_lines.id", ondelete="CASCADE"), index=True
    )
    allocation_id: Mapped[int | None] = mapped_column(
        ForeignKey("supply_allocations.id", ondelete="CASCADE")
    )
    sku_code: Mapped[str] = mapped_column(String(32))
    supplier_code: Mapped[str | None] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer)
    lot: Mapped[str] = mapped_column(String(48), default="")
    expiry: Mapped[date | None] = mapped_column(Date)
    warehouse_code: Mapped[str] = mapped_column(String(32))
    document_id: Mapped[int | None] = mapped_column(Integer, index=True)  # the receipt
    received: Mapped[int | None] = mapped_column(Integer)  # good units counted in
    damaged: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
