"""Request and response shapes of regions and sites."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from baotong.core.numbers import Number
from baotong.network.entities import ProductClass, SiteStatus


class RegionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    pinyin: str
    level: str
    parent_code: str | None
    province_code: str
    lon: float
    lat: float
    population: int


class SiteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    name: str
    name_en: str
    province_code: str
    prefecture_code: str
    county_code: str | None
    lon: float
    lat: float
    status: SiteStatus
    capacity: float
    attrs: dict[str, Any]


class SitePage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[SiteRead]


class StatusChange(BaseModel):
    """A site opens, works limited, or closes; ``since`` defaults to now."""

    model_config = ConfigDict(extra="forbid")

    status: SiteStatus
    reason: str = Field(min_length=1, max_length=2000)
    since: AwareDatetime | None = None
    expected_reopening: AwareDatetime | None = None


class StatusChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: str
    status: SiteStatus
    reason: str
    since: datetime
    expected_reopening: datetime | None
    changed_by: str


class CapacityChange(BaseModel):
    """A centre's temporary capacity in items/day per product class, from/until."""

    model_config = ConfigDict(extra="forbid")

    capacity: dict[ProductClass, Annotated[Number, Field(ge=0)]] = Field(min_length=1)
    reason: str = Field(min_length=1, max_length=2000)
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime | None = None


class CapacityOverrideRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: str
    capacity: dict[str, float]
    reason: str
    valid_from: datetime
    valid_until: datetime | None
    created_by: str


class SeedReport(BaseModel):
    regions_added: int
    sites_added: int
    regions_total: int
    sites_total: int
