"""``/api/v1/sweeps``: stored national sweeps, each region's pre-computed plan, the risk
table. Readers of plans read them; the regions follow the plans' scope (see
``contingency.sweep_service``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from baotong.api.deps import DbSession, Paging, require, with_total
from baotong.auth.permissions import Permission, Principal
from baotong.contingency import sweep_service
from baotong.contingency.schemas import (
    RiskRow,
    SweepDetail,
    SweepRead,
    SweepRegionDetail,
    SweepRegionRead,
)
from baotong.core.pagination import PageRequest

router = APIRouter(tags=["sweeps"])
PlanReader = Annotated[Principal, Depends(require(Permission.PLAN_READ))]
ALL_REGIONS = PageRequest(limit=1000)


@router.get("/sweeps", response_model=list[SweepRead])
def list_sweeps(
    session: DbSession, user: PlanReader, paging: Paging, response: Response
) -> list[SweepRead]:
    found = sweep_service.list_sweeps(session, principal=user, page=paging)
    with_total(response, found)
    return [SweepRead.model_validate(r) for r in found.items]


@router.get("/sweeps/{sweep_id}", response_model=SweepDetail)
def get_sweep(sweep_id: int, session: DbSession, user: PlanReader) -> SweepDetail:
    row = sweep_service.get_sweep(session, sweep_id, principal=user)
    regions = sweep_service.list_regions(session, sweep_id=sweep_id, principal=user,
                                         page=ALL_REGIONS)  # fmt: skip
    return SweepDetail.model_validate({
        **SweepRead.model_validate(row).model_dump(),
        "plans": [SweepRegionRead.model_validate(r) for r in regions.items],
    })  # fmt: skip


@router.get("/sweeps/{sweep_id}/risk", response_model=list[RiskRow])
def sweep_risk(sweep_id: int, session: DbSession, user: PlanReader) -> list[RiskRow]:
    """Centres by how many regions' plans need them as backups, most needed first."""
    row = sweep_service.get_sweep(session, sweep_id, principal=user)
    return [RiskRow.model_validate(r) for r in row.risk]


@router.get("/sweeps/{sweep_id}/regions/{region_code}", response_model=SweepRegionDetail)
def sweep_region(
    sweep_id: int, region_code: str, session: DbSession, user: PlanReader
) -> SweepRegionDetail:
    """A region's pre-computed plan: its figures and the plan document."""
    row = sweep_service.get_region(session, sweep_id=sweep_id, region_code=region_code,
                                   principal=user)  # fmt: skip
    return SweepRegionDetail.model_validate(row)
