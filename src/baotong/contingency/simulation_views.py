"""A stored plan's backlog simulation for the API and the pages: the locked area's mail
day by day under the plan and under "do nothing", on the service's network, with a seed
(the same seed gives the same days), on the plan's shift plan and production schedule;
the last few are kept."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.contingency import service
from baotong.contingency.operations_views import operations_of
from baotong.contingency.scenario import Scenario
from baotong.contingency.simulation import SimulationParams, assignment_from_plan, compare_runs
from baotong.contingency.simulation_report import simulation_dict
from baotong.contingency.zoning import build_problem
from baotong.core.recent import Recent
from baotong.network.entities import Network

_recent: Recent[dict[str, Any]] = Recent()


def simulation_of(
    session: Session, plan_id: int, network: Network, *, days: int, seed: int,
    principal: Principal, staff_lent: bool = True,
) -> dict[str, Any]:  # fmt: skip
    """Schema ``baotong.simulation/1`` of the plan (runs "plan" and "do_nothing");
    ``staff_lent``: the shift plan's gap is lent (else only the rosters' reserve works)."""
    run = service.get_plan(session, plan_id, principal=principal)
    document = service.plan_result(session, plan_id, principal=principal)
    key = (plan_id, id(network), str(run.finished_at), days, seed, staff_lent)

    def compute() -> dict[str, Any]:
        scenario = Scenario.model_validate(run.scenario_body)
        problem = build_problem(network, scenario)
        params = SimulationParams(days=days, seed=seed, staff_lent=staff_lent)
        ops = operations_of(session, plan_id, network, principal=principal)
        runs = compare_runs(problem, network.params,
                            {"plan": assignment_from_plan(problem, document)}, params,
                            {"plan": ops})  # fmt: skip
        return simulation_dict(scenario.name, network.name, params, runs)

    return _recent.get(key, compute)
