"""Database rows of group buying: leaders, pickup points, group points, the province's
offers, the daily group orders with their resident orders and lines, the cut-off of a
province's day, the deliveries to pickup points and after-sales cases.

A group point has exactly one leader: ``leader_id`` is a required column (NOT NULL, a
foreign key), so the database refuses a group point without one or with two. Leaders,
group orders and after-sales cases move through their states by guarded
``transition``; a resident order is placed or cancelled, and collected once.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from baotong.core.enums import LabelledEnum
from baotong.core.i18n import N_
from baotong.db.base import Base
from baotong.db.types import enum_type
from baotong.supply.template import ItemKind


class LeaderSource(LabelledEnum):
    """Where a leader was recruited."""

    SHOP_OWNER = "shop_owner", "blue"
    POSTAL_STAFF = "postal_staff", "green"
    PICKUP_POINT = "pickup_point", "teal"
    POSTAL_RETAIL = "postal_retail", "purple"


class LeaderStatus(LabelledEnum):
    REGISTERED = "registered", "gray"
    TRAINED = "trained", "blue"
    ACTIVE = "active", "green"
    PAUSED = "paused", "orange"


class GroupOrderStatus(LabelledEnum, key="group_order_status"):
    OPEN = "open", "green"
    CUT_OFF = "cut_off", "orange"
    PICKING = "picking", "purple"
    DELIVERED = "delivered", "blue"
    HANDED_OUT = "handed_out", "teal"
    CANCELLED = "cancelled", "gray"


class ResidentOrderStatus(LabelledEnum, key="resident_order_status"):
    PLACED = "placed", "green"
    CANCELLED = "cancelled", "gray"


class DeliveryStatus(LabelledEnum, key="gb_delivery_status"):
    PLANNED = "planned", "gray"
    DELIVERED = "delivered", "green"


class CaseKind(LabelledEnum, key="case_kind"):
    MISSING = "missing", "red"
    DAMAGED = "damaged", "orange"
    WRONG_ITEM = "wrong_item", "purple"


class CaseOutcome(LabelledEnum, key="case_outcome"):
    OPEN = "open", "orange"
    REFUNDED = "refunded", "green"
    REPLACED = "replaced", "blue"
    REJECTED = "rejected", "gray"


# transition() names its errors after the noun and the column; their words are here.
N_("error.leader.wrong_status")
N_("error.leader.not_found")
N_("error.group_order.wrong_status")
N_("error.group_order.not_found")
N_("error.aftersale.wrong_outcome")
N_("error.aftersale.not_found")
N_("error.resident_order.wrong_status")
N_("error.resident_order.not_found")


class Leader(Base):
    """A group leader (团长): who, recruited from where, trained with what, in which state."""

    __tablename__ = "gb_leaders"
    noun = "leader"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20))
    source: Mapped[LeaderSource] = mapped_column(enum_type(LeaderSource, length=20))
    status: Mapped[LeaderStatus] = mapped_column(enum_type(LeaderStatus), index=True)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    training: Mapped[dict[str, Any]]  # {"materials": [...], "attended_at": ..., "by": ...}
    created_at: Mapped[datetime]
    status_at: Mapped[datetime]


class PickupPoint(Base):
    """A pickup point (自提点) where a forward warehouse's van drops the group's goods."""

    __tablename__ = "gb_pickup_points"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    region_code: Mapped[str] = mapped_column(String(6))
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    forward_warehouse_id: Mapped[int] = mapped_column(ForeignKey("wh_warehouses.id"), index=True)


class GroupPoint(Base):
    """A community's group point (团购点): its community, pickup point and one leader."""

    __tablename__ = "gb_group_points"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    community_code: Mapped[str] = mapped_column(String(6), index=True)  # a network region
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    pickup_point_id: Mapped[int] = mapped_column(ForeignKey("gb_pickup_points.id"), index=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("gb_leaders.id"), index=True)
    created_at: Mapped[datetime]


class Offer(Base):
    """One line of a province's group-buy shop: an SKU or kit, its price, the most one
    resident may order a day, and whether it is paid ahead or on delivery."""

    __tablename__ = "gb_offers"
    __table_args__ = (
        UniqueConstraint("province_code", "item_code", name="uq_gb_offers_province_item"),
        CheckConstraint("daily_limit > 0", name="daily_limit_positive"),
        CheckConstraint("price >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    item_kind: Mapped[ItemKind] = mapped_column(enum_type(ItemKind))
    item_code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    daily_limit: Mapped[int] = mapped_column(Integer)
    prepaid: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class GroupOrder(Base):
    """A group point's order of one day (开团): open until its cut-off, then cut off,
    picking, delivered and handed out (or cancelled). ``token`` is the unguessable part
    of the residents' page address."""

    __tablename__ = "gb_group_orders"
    __table_args__ = (
        UniqueConstraint("group_point_id", "day", name="uq_gb_group_orders_point_day"),
        Index("ix_gb_group_orders_province_day", "province_code", "day"),
    )
    noun = "group_order"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_point_id: Mapped[int] = mapped_column(ForeignKey("gb_group_points.id"))
    province_code: Mapped[str] = mapped_column(String(6))
    day: Mapped[date] = mapped_column(Date)
    cutoff_at: Mapped[datetime]
    status: Mapped[GroupOrderStatus] = mapped_column(enum_type(GroupOrderStatus), index=True)
    token: Mapped[str] = mapped_column(String(48), unique=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime]
    cut_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    late: Mapped[bool] = mapped_column(Boolean, default=False)


PLACED = text("status = 'placed'")


class ResidentOrder(Base):
    """A resident's line of the day (接龙): who and where (the phone is seen by the leader
    only), the hash of the edit code given back, and when it was collected."""

    __tablename__ = "gb_resident_orders"
    __table_args__ = (
        UniqueConstraint("group_order_id", "seq", name="uq_gb_resident_orders_seq"),
        # One placed order per phone and group order: the database refuses a second one,
        # however close together two residents' forms arrive.
        Index(
            "uq_gb_resident_orders_phone_placed",
            "group_order_id",
            "phone",
            unique=True,
            postgresql_where=PLACED,
            sqlite_where=PLACED,
        ),
    )
    noun = "resident_order"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_order_id: Mapped[int] = mapped_column(
        ForeignKey("gb_group_orders.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)  # the number in the running list, from 1
    nickname: Mapped[str] = mapped_column(String(32))
    building: Mapped[str] = mapped_column(String(16))
    room: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str] = mapped_column(String(20))
    code_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[ResidentOrderStatus] = mapped_column(enum_type(ResidentOrderStatus))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    collected_at: Mapped[datetime | None]
    collected_by: Mapped[str | None] = mapped_column(String(64))


class CodeFailure(Base):
    """A wrong edit code typed on the public page: for which resident order (group order
    and number) and from which address. Recent ones make the next try wait (see
    ``groupbuy.service.check_code_throttle``); none of them locks an order for good."""

    __tablename__ = "gb_code_failures"
    __table_args__ = (Index("ix_gb_code_failures_order_seq", "group_order_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_order_id: Mapped[int] = mapped_column(
        ForeignKey("gb_group_orders.id", ondelete="CASCADE")
    )
    seq: Mapped[int] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(index=True)


class ResidentLine(Base):
    """So many units of an offer in a resident order; ``allocated`` is what the cut-off
    could fill when it could not fill the whole quantity (None: before the cut-off, or
    filled in full — ``service.SERVED`` reads it)."""

    __tablename__ = "gb_resident_lines"
    __table_args__ = (CheckConstraint("qty > 0", name="qty_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    resident_order_id: Mapped[int] = mapped_column(
        ForeignKey("gb_resident_orders.id", ondelete="CASCADE"), index=True
    )
    group_order_id: Mapped[int] = mapped_column(
        ForeignKey("gb_group_orders.id", ondelete="CASCADE"), index=True
    )
    offer_id: Mapped[int] = mapped_column(ForeignKey("gb_offers.id"))
    item_code: Mapped[str] = mapped_column(String(32))
    qty: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    allocated: Mapped[int | None] = mapped_column(Integer)


class Cutoff(Base):
    """The cut-off of a province's day: done once (the unique key makes a second run a
    no-op), with what it produced."""

    __tablename__ = "gb_cutoffs"
    __table_args__ = (UniqueConstraint("province_code", "day", name="uq_gb_cutoffs_province_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    province_code: Mapped[str] = mapped_column(String(6))
    day: Mapped[date] = mapped_column(Date)
    central_warehouse: Mapped[str | None] = mapped_column(String(32))
    demand_table_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[dict[str, Any]]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    seconds: Mapped[float] = mapped_column(Float, default=0.0)


class Delivery(Base):
    """A forward warehouse's drop of one group order's goods at its pickup point, on a
    planned route (a transport run when a vehicle was found)."""

    __tablename__ = "gb_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cutoff_id: Mapped[int] = mapped_column(ForeignKey("gb_cutoffs.id", ondelete="CASCADE"))
    group_order_id: Mapped[int] = mapped_column(ForeignKey("gb_group_orders.id"), unique=True)
    forward_warehouse: Mapped[str] = mapped_column(String(32))
    route: Mapped[int] = mapped_column(Integer)  # the route's number at its warehouse, from 1
    stop: Mapped[int] = mapped_column(Integer)  # the stop's number on its route, from 1
    run_id: Mapped[int | None] = mapped_column(ForeignKey("transport_runs.id"))
    packages: Mapped[int] = mapped_column(Integer)
    items: Mapped[dict[str, Any]]  # item code -> units
    due_at: Mapped[datetime]
    status: Mapped[DeliveryStatus] = mapped_column(enum_type(DeliveryStatus))
    delivered_at: Mapped[datetime | None]
    received_by: Mapped[str | None] = mapped_column(String(64))


class AfterSale(Base):
    """An after-sales case of a resident order: missing, damaged or wrong item, and its
    outcome; a complaint opens a service-desk ticket."""

    __tablename__ = "gb_after_sales"
    noun = "aftersale"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    resident_order_id: Mapped[int] = mapped_column(
        ForeignKey("gb_resident_orders.id", ondelete="CASCADE"), index=True
    )
    group_order_id: Mapped[int] = mapped_column(ForeignKey("gb_group_orders.id"), index=True)
    kind: Mapped[CaseKind] = mapped_column(enum_type(CaseKind))
    item_code: Mapped[str] = mapped_column(String(32))
    qty: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[CaseOutcome] = mapped_column(enum_type(CaseOutcome))
    ticket_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
