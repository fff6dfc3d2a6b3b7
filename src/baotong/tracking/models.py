"""Database rows of tracking: mail items, their scan events, and public announcements.

``scan_events`` holds one row per scan; its primary key (item, kind, site, time) makes a
re-sent batch a no-op (the bulk path inserts with ON CONFLICT DO NOTHING). Contacts live
on ``mail_items`` only and are never part of what the public reads.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from baotong.core.enums import LabelledEnum
from baotong.core.i18n import N_
from baotong.db.base import Base
from baotong.db.types import enum_type
from baotong.network.entities import ProductClass

# SQLite numbers rows only with INTEGER PRIMARY KEY; PostgreSQL gets BIGINT for billions.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class ScanKind(LabelledEnum):
    """What a scan says happened to an item at a site, in the order it usually happens."""

    ACCEPTED = "accepted", "blue"
    SORTED = "sorted", "teal"
    BAGGED = "bagged", "teal"
    DISPATCHED = "dispatched", "purple"
    ARRIVED = "arrived", "purple"
    OUT_FOR_DELIVERY = "out_for_delivery", "orange"
    DELIVERED = "delivered", "green"
    HELD = "held", "red"
    RETURNED = "returned", "gray"


class AnnouncementState(LabelledEnum):
    DRAFT = "draft", "gray"
    PUBLISHED = "published", "green"
    WITHDRAWN = "withdrawn", "red"


N_("error.announcement.wrong_state")
N_("error.announcement.not_found")


class MailItem(Base):
    """A mail item: its waybill number, class, origin and destination, and (private) contacts."""

    __tablename__ = "mail_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(13), unique=True)
    product_class: Mapped[ProductClass] = mapped_column(enum_type(ProductClass))
    origin_site_id: Mapped[str] = mapped_column(String(64))
    origin_province_code: Mapped[str] = mapped_column(String(6))
    dest_region_code: Mapped[str] = mapped_column(String(6))  # county
    dest_province_code: Mapped[str] = mapped_column(String(6), index=True)
    dest_station_id: Mapped[str | None] = mapped_column(String(64))
    sender_contact: Mapped[str] = mapped_column(String(200), default="")
    recipient_contact: Mapped[str] = mapped_column(String(200), default="")
    posted_at: Mapped[datetime]


class ScanEvent(Base):
    """One scan of an item at a site: the scan *is* its key (item, kind, site, time).

    No surrogate id, no foreign key and no second index: each would cost the bulk path
    (the foreign key most, a row lock per scan); the ingest checks every number against
    ``mail_items`` before it writes, and items are never deleted.
    """

    __tablename__ = "scan_events"
    # PostgreSQL: one partition per UTC day (schema ``scan_days``), made by the ingest.
    __table_args__ = {"postgresql_partition_by": "RANGE (at)"}

    item_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    kind: Mapped[ScanKind] = mapped_column(enum_type(ScanKind), primary_key=True)
    site_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(primary_key=True)


class Announcement(Base):
    """A public announcement (公告): national, or for one province."""

    __tablename__ = "announcements"
    noun = "announcement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    province_code: Mapped[str | None] = mapped_column(String(6), index=True)
    state: Mapped[AnnouncementState] = mapped_column(
        enum_type(AnnouncementState), default=AnnouncementState.DRAFT, index=True
    )
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
