"""The plan's backlog simulation page: the backlog day by day (a chart) and the totals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.contingency import service
from baotong.contingency.simulation_report import backlog_svg, colour
from baotong.contingency.simulation_views import simulation_of
from baotong.core.i18n import N_
from baotong.web.templating import PageRoute, page_require, render

router = APIRouter(route_class=PageRoute)
Reader = Annotated[Principal, Depends(page_require(Permission.PLAN_READ))]
# Words the template looks up by run name.
WORDS = (N_("sim.run.plan"), N_("sim.run.do_nothing"))


@router.get("/plans/{plan_id}/simulation", include_in_schema=False)
def simulation_page(
    request: Request, plan_id: int, session: DbSession, network: CurrentNetwork, user: Reader,
    days: int = 14, seed: int = 0, short_staff: bool = False,
) -> Response:  # fmt: skip
    days, seed = min(max(days, 1), 60), min(max(seed, 0), 2**31 - 1)
    run = service.get_plan(session, plan_id, principal=user)
    data = simulation_of(session, plan_id, network, days=days, seed=seed, principal=user,
                         staff_lent=not short_staff)  # fmt: skip
    colours = [colour(r["name"], i) for i, r in enumerate(data["runs"])]
    return render(request, "contingency/plans/simulation.html", user, run=run, data=data,
                  svg=Markup(backlog_svg(data)), colours=colours, days=days,
                  seed=seed, short_staff=short_staff)  # fmt: skip
