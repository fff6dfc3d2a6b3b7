"""The plan's operations page: per backup the chute layout, the shifts and the night's
schedule; the route timetable and the city runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.contingency import service
from baotong.contingency.operations.document import clock
from baotong.contingency.operations_views import operations_of
from baotong.core.i18n import N_
from baotong.web.templating import PageRoute, page_require, render

router = APIRouter(route_class=PageRoute)
# Words the template looks up by value: ops.shift.<shift>, ops.mode.<mode>.
WORDS = (N_("ops.shift.night"), N_("ops.shift.day"), N_("ops.shift.evening"),
         N_("ops.mode.road"), N_("ops.mode.air"))  # fmt: skip
Reader = Annotated[Principal, Depends(page_require(Permission.PLAN_READ))]


@router.get("/plans/{plan_id}/operations", include_in_schema=False)
def operations_page(
    request: Request, plan_id: int, session: DbSession, network: CurrentNetwork, user: Reader
) -> Response:
    run = service.get_plan(session, plan_id, principal=user)
    document = operations_of(session, plan_id, network, principal=user)
    return render(request, "contingency/plans/operations.html", user, run=run, ops=document,
                  clock=clock)  # fmt: skip
