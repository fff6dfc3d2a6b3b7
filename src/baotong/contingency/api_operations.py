"""``/api/v1/plans/{id}/operations``: the chute plan, shift plan and production schedule of
each backup, the route timetable and the city runs, as JSON and as an Excel workbook."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from baotong.api.deps import CurrentNetwork, DbSession, require
from baotong.auth.permissions import Permission, Principal
from baotong.contingency.operations.outputs import operations_xlsx
from baotong.contingency.operations_views import operations_of

router = APIRouter(tags=["plans"])
PlanReader = Annotated[Principal, Depends(require(Permission.PLAN_READ))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/plans/{plan_id}/operations")
def plan_operations(
    plan_id: int, session: DbSession, network: CurrentNetwork, user: PlanReader
) -> dict[str, Any]:
    """Schema ``baotong.operations/1`` (times in hours from midnight of day one)."""
    return operations_of(session, plan_id, network, principal=user).to_json()


@router.get("/plans/{plan_id}/operations.xlsx", responses={200: {"content": {XLSX: {}}}})
def plan_operations_xlsx(
    plan_id: int,
    session: DbSession,
    network: CurrentNetwork,
    user: PlanReader,
    days: int = Query(7, ge=1, le=31, description="Days of the route timetable."),
) -> Response:
    document = operations_of(session, plan_id, network, principal=user)
    headers = {"Content-Disposition": f'attachment; filename="plan-{plan_id}-operations.xlsx"'}
    return Response(operations_xlsx(document, days=days), media_type=XLSX, headers=headers)
