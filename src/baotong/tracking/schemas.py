"""Request and response shapes of tracking: items and events in, the public view out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from baotong.network.entities import ProductClass
from baotong.tracking.models import AnnouncementState, ScanKind


class ItemCreate(BaseModel):
    """A mail item as the counter registers it (contacts are kept private)."""

    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=13, max_length=13)
    product_class: ProductClass
    origin_site_id: str = Field(min_length=1, max_length=64)
    dest_region_code: str = Field(min_length=6, max_length=6)
    dest_station_id: str | None = None
    sender_contact: str = Field(default="", max_length=200)
    recipient_contact: str = Field(default="", max_length=200)
    posted_at: AwareDatetime | None = None


class EventIn(BaseModel):
    """One scan: the item's number, what happened, at which site, when."""

    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=13, max_length=13)
    event: ScanKind
    site_id: str = Field(min_length=1, max_length=64)
    at: AwareDatetime


class IngestBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[ItemCreate] = Field(default_factory=list, max_length=100_000)
    events: list[EventIn] = Field(default_factory=list, max_length=100_000)


class IngestReport(BaseModel):
    items_received: int
    items_added: int
    events_received: int
    events_added: int


class PruneReport(BaseModel):
    """What ``prune_scans`` forgot: scans before ``cut`` (a UTC day)."""

    cut: date
    partitions_dropped: int
    events_deleted: int


class EventRead(BaseModel):
    event: ScanKind
    site_id: str
    site_name: str
    at: datetime


class Notice(BaseModel):
    """Why an item may be late: its destination is locked down, or its route has a closed
    site; ``extra_hours`` is what the plan in force expects."""

    kind: Literal["lockdown", "closed_site"]
    plan_id: int | None = None
    plan_name: str | None = None
    area_code: str | None = None
    area_name: str | None = None
    site_id: str | None = None
    site_name: str | None = None
    backup_center_id: str | None = None
    backup_center_name: str | None = None
    extra_hours: float | None = None


class AnnouncementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    body: str
    province_code: str | None
    state: AnnouncementState
    created_by: str
    created_at: datetime
    published_at: datetime | None


class AnnouncementCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    body: str = Field(default="", max_length=5000)
    province_code: str | None = Field(default=None, min_length=6, max_length=6)


class TrackingRead(BaseModel):
    """An item as the public sees it: no contact, ever."""

    number: str
    product_class: ProductClass
    origin_province_code: str
    dest_region_code: str
    dest_region_name: str
    dest_province_code: str
    dest_station_id: str | None
    status: ScanKind | None
    events: list[EventRead]
    notices: list[Notice]
    announcements: list[AnnouncementRead]


class ItemRead(TrackingRead):
    """An item as staff see it: with the contacts."""

    sender_contact: str
    recipient_contact: str
    posted_at: datetime
