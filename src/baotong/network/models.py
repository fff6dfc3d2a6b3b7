"""Database rows of the network: regions, sites, site status history, capacity overrides.

The plain engine data lives in ``entities``; these tables mirror it so the service can
filter, page and scope it, and record what operators change (a site closes, a centre
runs at half capacity) with who, why and since when.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from baotong.db.base import Base
from baotong.db.types import enum_type
from baotong.network.entities import SiteStatus


class RegionRow(Base):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    pinyin: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16), index=True)
    parent_code: Mapped[str | None] = mapped_column(String(6), index=True)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    population: Mapped[int] = mapped_column(Integer)


class SiteRow(Base):
    """A processing centre, collection hub or delivery station, with its current status."""

    __tablename__ = "sites"
    __table_args__ = (Index("ix_sites_province_kind", "province_code", "kind"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # center | hub | station
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    province_code: Mapped[str] = mapped_column(String(6))
    prefecture_code: Mapped[str] = mapped_column(String(6))
    county_code: Mapped[str | None] = mapped_column(String(6), index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    status: Mapped[SiteStatus] = mapped_column(
        enum_type(SiteStatus), default=SiteStatus.OPEN, index=True
    )
    capacity: Mapped[float] = mapped_column(Float, default=0.0)  # items/day, all classes
    attrs: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SiteStatusChange(Base):
    """One entry of a site's status history (open / limited / closed)."""

    __tablename__ = "site_status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    status: Mapped[SiteStatus] = mapped_column(enum_type(SiteStatus))
    reason: Mapped[str] = mapped_column(Text, default="")
    since: Mapped[datetime]
    expected_reopening: Mapped[datetime | None]
    changed_by: Mapped[str] = mapped_column(String(64))


class CapacityOverride(Base):
    """A temporary capacity of a centre (items/day per product class), in force in a window."""

    __tablename__ = "capacity_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    capacity: Mapped[dict[str, Any]]  # product class -> items/day
    reason: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(64))
