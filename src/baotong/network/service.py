"""Use cases of the network's database side: seed, browse, change status and capacity.

Every use case acts for a ``Principal``: its name is the actor of the audit rows, its
province the scope; a site outside the caller's scope is reported as not found, so its
existence is not revealed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, insert, or_, select
from sqlalchemy.orm import Session

from baotong.audit import service as audit
from baotong.auth.permissions import Principal
from baotong.auth.scope import in_scope
from baotong.core import clock
from baotong.core.exceptions import NotFoundError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import Page, PageRequest, paginate
from baotong.db import versions
from baotong.network.entities import Network, ProcessingCenter, ProductClass, SiteStatus
from baotong.network.models import CapacityOverride, RegionRow, SiteRow, SiteStatusChange
from baotong.network.schemas import SeedReport

audit.register_type("site", label_key=N_("object.site"), link="/sites/{id}")
ACTIONS = [N_("action.site.status"), N_("action.site.capacity")]  # the audit page's words

BATCH = 5000


# -- seed ---------------------------------------------------------------------------
def _region_rows(network: Network) -> Iterable[dict[str, Any]]:
    for r in network.regions.values():
        yield {
            "code": r.code,
            "name": r.name,
            "pinyin": r.pinyin,
            "level": r.level.value,
            "parent_code": r.parent_code,
            "province_code": r.province_code,
            "lon": r.centroid[0],
            "lat": r.centroid[1],
            "population": r.population,
        }


def _prefecture_of(network: Network, county_code: str) -> str:
    region = network.regions.get(county_code)
    if region is not None and region.parent_code is not None:
        return region.parent_code
    return county_code[:4] + "00"


def _site_rows(network: Network) -> Iterable[dict[str, Any]]:
    for c in network.centers.values():
        yield {
            "id": c.id,
            "kind": "center",
            "name": c.name,
            "name_en": c.name_en,
            "province_code": c.province_code,
            "prefecture_code": c.prefecture_code,
            "county_code": None,
            "lon": c.location[0],
            "lat": c.location[1],
            "status": c.status.value,
            "capacity": c.total_capacity,
            "attrs": {
                "role": c.role.value,
                "automation": c.automation.value,
                "capacity": {k.value: v for k, v in c.capacity.items()},
                "chutes": c.chutes,
                "chutes_in_use": c.chutes_in_use,
            },
        }
    for h in network.hubs.values():
        yield {
            "id": h.id,
            "kind": "hub",
            "name": h.name,
            "name_en": h.name_en,
            "province_code": h.prefecture_code[:2] + "0000",
            "prefecture_code": h.prefecture_code,
            "county_code": None,
            "lon": h.location[0],
            "lat": h.location[1],
            "status": "open",
            "capacity": 0.0,
            "attrs": {
                "airport": h.airport,
                "center_id": h.center_id,
                "national": h.national,
                "air_links": list(h.air_links),
            },
        }
    for s in network.stations.values():
        yield {
            "id": s.id,
            "kind": "station",
            "name": s.name,
            "name_en": "",
            "province_code": s.county_code[:2] + "0000",
            "prefecture_code": _prefecture_of(network, s.county_code),
            "county_code": s.county_code,
            "lon": s.location[0],
            "lat": s.location[1],
            "status": "open",
            "capacity": s.daily_inbound,
            "attrs": {"grids": s.grids, "segments_per_grid": s.segments_per_grid},
        }


def _insert_missing(
    session: Session, model: Any, key: Any, rows: Iterable[dict[str, Any]], key_name: str
) -> int:
    existing = set(session.scalars(select(key)))
    new = [row for row in rows if row[key_name] not in existing]
    for start in range(0, len(new), BATCH):
        session.execute(insert(model), new[start : start + BATCH])
    return len(new)


def seed(session: Session, *, network: Network) -> SeedReport:
    """Load regions and sites of ``network``; rows already there are left as they are."""
    regions = _insert_missing(session, RegionRow, RegionRow.code, _region_rows(network), "code")
    sites = _insert_missing(session, SiteRow, SiteRow.id, _site_rows(network), "id")
    session.flush()
    versions.bump(session)
    return SeedReport(
        regions_added=regions,
        sites_added=sites,
        regions_total=session.scalar(select(func.count()).select_from(RegionRow)) or 0,
        sites_total=session.scalar(select(func.count()).select_from(SiteRow)) or 0,
    )


def is_seeded(session: Session) -> bool:
    return session.scalar(select(SiteRow.id).limit(1)) is not None


# -- browse -------------------------------------------------------------------------
def list_regions(
    session: Session,
    *,
    level: str | None = None,
    parent: str | None = None,
    q: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[RegionRow]:
    """Regions by level and parent; ``q`` matches code (or its start), Chinese name or pinyin.

    With ``q`` the best matches come first: exact, then starting with it, then containing
    it; provinces before prefectures before counties.
    """
    query = select(RegionRow)
    if level:
        query = query.where(RegionRow.level == level)
    if parent:
        query = query.where(RegionRow.parent_code == parent)
    if not q:
        return list(session.scalars(query.order_by(RegionRow.code).limit(limit).offset(offset)))
    query = query.where(
        or_(
            RegionRow.name.like(f"%{q}%"),
            RegionRow.pinyin.ilike(f"%{q}%"),
            RegionRow.code.like(f"{q}%") if q.isdigit() else RegionRow.code == q,
        )
    )
    exact = or_(RegionRow.code == q, RegionRow.name == q, func.lower(RegionRow.pinyin) == q.lower())
    starts = or_(RegionRow.name.like(f"{q}%"), RegionRow.pinyin.ilike(f"{q}%"))
    rank = case((exact, 0), (starts, 1), else_=2)
    depth = case((RegionRow.level == "province", 0), (RegionRow.level == "prefecture", 1), else_=2)
    query = query.order_by(rank, depth, RegionRow.code)
    return list(session.scalars(query.limit(limit).offset(offset)))


def get_region(session: Session, code: str) -> RegionRow:
    row = session.get(RegionRow, code)
    if row is None:
        raise NotFoundError(
            f"Unknown region code '{code}'.", code="network.unknown_region", region_code=code
        )
    return row


def list_sites(
    session: Session,
    *,
    principal: Principal,
    kind: str | None = None,
    province: str | None = None,
    status: str | None = None,
    q: str | None = None,
    page: PageRequest = PageRequest(limit=50),
) -> Page[SiteRow]:
    """One page of sites in scope, and the total that match the filters."""
    query = select(SiteRow).where(in_scope(principal, SiteRow.province_code))
    if kind:
        query = query.where(SiteRow.kind == kind)
    if province:
        query = query.where(SiteRow.province_code == province)
    if status:
        query = query.where(SiteRow.status == status)
    if q:
        query = query.where(or_(SiteRow.name.like(f"%{q}%"), SiteRow.id == q))
    return paginate(session, query.order_by(SiteRow.id), page)


def get_site(session: Session, site_id: str, *, principal: Principal) -> SiteRow:
    row = session.get(SiteRow, site_id)
    if row is None or not principal.sees_province(row.province_code):
        raise NotFoundError(f"Unknown site '{site_id}'.", code="site.unknown", id=site_id)
    return row


def status_history(
    session: Session, site_id: str, *, principal: Principal
) -> list[SiteStatusChange]:
    get_site(session, site_id, principal=principal)
    query = select(SiteStatusChange).where(SiteStatusChange.site_id == site_id)
    return list(session.scalars(query.order_by(SiteStatusChange.id.desc())))


# -- change -------------------------------------------------------------------------
def change_status(
    session: Session,
    *,
    site_id: str,
    status: SiteStatus,
    reason: str,
    principal: Principal,
    since: datetime | None = None,
    expected_reopening: datetime | None = None,
) -> SiteStatusChange:
    """Record a status change in the history and make it the site's current status."""
    actor = principal.username
    site = get_site(session, site_id, principal=principal)
    since = since or clock.now()
    if expected_reopening is not None and expected_reopening <= since:
        raise ValidationError(
            "must be after 'since'.",
            code="site.reopening_too_early",
            field="expected_reopening",
            value=expected_reopening.isoformat(),
        )
    before = {"status": site.status}
    site.status = status
    change = SiteStatusChange(
        site_id=site.id,
        status=status,
        reason=reason,
        since=since,
        expected_reopening=expected_reopening,
        changed_by=actor,
    )
    session.add(change)
    session.flush()
    versions.bump(session)
    audit.record(
        session,
        actor=actor,
        action="site.status",
        object_type="site",
        object_id=site.id,
        province_code=site.province_code,
        before=before,
        after={"status": site.status, "reason": reason},
    )
    return change


def override_capacity(
    session: Session,
    *,
    site_id: str,
    capacity: dict[ProductClass, float],
    reason: str,
    principal: Principal,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> CapacityOverride:
    """Set a centre's capacity (items/day per class) for a window; planning uses it."""
    actor = principal.username
    site = get_site(session, site_id, principal=principal)
    if site.kind != "center":
        raise ValidationError(
            f"site '{site_id}' is a {site.kind}; only processing centres have a sorting capacity.",
            code="site.not_a_centre",
            field="site_id",
            kind=site.kind,
            value=site_id,
        )
    for cls, value in capacity.items():
        if not value >= 0:
            raise ValidationError(
                "must be >= 0 items/day.",
                code="site.negative_capacity",
                field=f"capacity.{cls.value}",
                value=value,
            )
    if sum(capacity.values()) <= 0:
        raise ValidationError(
            "must add up to > 0 items/day; to stop a centre, close it.",
            code="site.zero_capacity",
            field="capacity",
            value=None,
        )
    valid_from = valid_from or clock.now()
    if valid_until is not None and valid_until <= valid_from:
        raise ValidationError(
            "must be after 'valid_from'.",
            code="site.valid_until_too_early",
            field="valid_until",
            value=valid_until.isoformat(),
        )
    row = CapacityOverride(
        site_id=site.id,
        capacity={k.value: v for k, v in capacity.items()},
        reason=reason,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=actor,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="site.capacity",
        object_type="site",
        object_id=site.id,
        province_code=site.province_code,
        after={"capacity": row.capacity, "reason": reason},
    )
    return row


def capacity_overrides(
    session: Session, site_id: str, *, principal: Principal
) -> list[CapacityOverride]:
    get_site(session, site_id, principal=principal)
    query = select(CapacityOverride).where(CapacityOverride.site_id == site_id)
    return list(session.scalars(query.order_by(CapacityOverride.id.desc())))


# -- the network as it is now ---------------------------------------------------------
def effective_network(session: Session, *, network: Network, at: datetime | None = None) -> Network:
    """``network`` with the centres' recorded status and the capacity overrides in force."""
    at = at or clock.now()
    query_status = select(SiteRow.id, SiteRow.status).where(SiteRow.kind == "center")
    statuses: dict[str, str] = dict(session.execute(query_status).all())
    overrides: dict[str, dict[str, float]] = {}
    query = (
        select(CapacityOverride)
        .where(CapacityOverride.valid_from <= at)
        .where(or_(CapacityOverride.valid_until.is_(None), CapacityOverride.valid_until > at))
        .order_by(CapacityOverride.id)
    )
    for row in session.scalars(query):
        overrides.setdefault(row.site_id, {}).update(row.capacity)
    centers: dict[str, ProcessingCenter] = {}
    changed = False
    for cid, center in network.centers.items():
        status = SiteStatus(statuses.get(cid, center.status.value))
        capacity = dict(center.capacity)
        for cls, value in overrides.get(cid, {}).items():
            capacity[ProductClass(cls)] = value
        if status is not center.status or capacity != dict(center.capacity):
            changed = True
            center = dataclasses.replace(center, status=status, capacity=capacity)
        centers[cid] = center
    return dataclasses.replace(network, centers=centers) if changed else network
