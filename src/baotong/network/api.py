"""``/api/v1/regions`` and ``/api/v1/sites``: browse the network, change a site."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from baotong.api.deps import DbSession, require
from baotong.auth.permissions import Permission, Principal
from baotong.core.numbers import MAX_DB_INT
from baotong.core.pagination import PageRequest
from baotong.network import service
from baotong.network.entities import SiteStatus
from baotong.network.schemas import (
    CapacityChange,
    CapacityOverrideRead,
    RegionRead,
    SitePage,
    SiteRead,
    StatusChange,
    StatusChangeRead,
)

router = APIRouter(tags=["network"])
Reader = Annotated[Principal, Depends(require(Permission.NETWORK_READ))]
Writer = Annotated[Principal, Depends(require(Permission.NETWORK_WRITE))]


@router.get("/regions", response_model=list[RegionRead])
def list_regions(
    session: DbSession,
    _: Reader,
    level: str | None = None,
    parent: str | None = None,
    q: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_DB_INT),
) -> list[RegionRead]:
    rows = service.list_regions(
        session, level=level, parent=parent, q=q, limit=limit, offset=offset
    )
    return [RegionRead.model_validate(r) for r in rows]


@router.get("/regions/{code}", response_model=RegionRead)
def get_region(code: str, session: DbSession, _: Reader) -> RegionRead:
    return RegionRead.model_validate(service.get_region(session, code))


@router.get("/sites", response_model=SitePage)
def list_sites(
    session: DbSession,
    user: Reader,
    kind: str | None = None,
    province: str | None = None,
    status: SiteStatus | None = None,
    q: str | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_DB_INT),
) -> SitePage:
    found = service.list_sites(
        session,
        principal=user,
        kind=kind,
        province=province,
        status=status,
        q=q,
        page=PageRequest(limit=limit, offset=offset),
    )
    items = [SiteRead.model_validate(r) for r in found.items]
    return SitePage(total=found.total, limit=limit, offset=offset, items=items)


@router.get("/sites/{site_id}", response_model=SiteRead)
def get_site(site_id: str, session: DbSession, user: Reader) -> SiteRead:
    return SiteRead.model_validate(service.get_site(session, site_id, principal=user))


@router.get("/sites/{site_id}/history", response_model=list[StatusChangeRead])
def site_history(site_id: str, session: DbSession, user: Reader) -> list[StatusChangeRead]:
    rows = service.status_history(session, site_id, principal=user)
    return [StatusChangeRead.model_validate(r) for r in rows]


@router.post("/sites/{site_id}/status", response_model=StatusChangeRead, status_code=201)
def change_status(
    site_id: str, body: StatusChange, session: DbSession, user: Writer
) -> StatusChangeRead:
    row = service.change_status(
        session,
        site_id=site_id,
        status=body.status,
        reason=body.reason,
        since=body.since,
        expected_reopening=body.expected_reopening,
        principal=user,
    )
    return StatusChangeRead.model_validate(row)


@router.get("/sites/{site_id}/capacity", response_model=list[CapacityOverrideRead])
def list_capacity(site_id: str, session: DbSession, user: Reader) -> list[CapacityOverrideRead]:
    rows = service.capacity_overrides(session, site_id, principal=user)
    return [CapacityOverrideRead.model_validate(r) for r in rows]


@router.post("/sites/{site_id}/capacity", response_model=CapacityOverrideRead, status_code=201)
def override_capacity(
    site_id: str, body: CapacityChange, session: DbSession, user: Writer
) -> CapacityOverrideRead:
    row = service.override_capacity(
        session,
        site_id=site_id,
        capacity=body.capacity,
        reason=body.reason,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
        principal=user,
    )
    return CapacityOverrideRead.model_validate(row)
