"""``/api/v1/plans/{id}/simulation``: the locked area's backlog day by day under the plan
and under doing nothing (SimPy, seeded)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from baotong.api.deps import CurrentNetwork, DbSession, require
from baotong.auth.permissions import Permission, Principal
from baotong.contingency.simulation_views import simulation_of

router = APIRouter(tags=["plans"])
PlanReader = Annotated[Principal, Depends(require(Permission.PLAN_READ))]


@router.get("/plans/{plan_id}/simulation")
def plan_simulation(
    plan_id: int,
    session: DbSession,
    network: CurrentNetwork,
    user: PlanReader,
    days: int = Query(14, ge=1, le=60, description="Days to simulate."),
    seed: int = Query(0, ge=0, le=2**31 - 1, description="The same seed gives the same days."),
    staff_lent: bool = Query(
        True, description="The shift plan's staff gap is lent (false: only the rosters' reserve)."
    ),
) -> dict[str, Any]:
    """Schema ``baotong.simulation/1``: parameters and one per-day series per run; the plan
    runs on its shift plan and production schedule."""
    return simulation_of(session, plan_id, network, days=days, seed=seed, principal=user,
                         staff_lent=staff_lent)  # fmt: skip
