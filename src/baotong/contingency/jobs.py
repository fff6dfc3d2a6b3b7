"""The ``plan.compute`` job: a plan's computation, run by the job runner (``baotong.jobs``).

The handler reads the plan's frozen scenario, plans on the effective network (the base
network with the sites' current status and capacity) and keeps the result with its
assignment and relation-change rows in the transaction that marks the job done. Progress
and cancel go through the job; a cancelled or interrupted run keeps no result.

The base network and the planner are this process's: the service hands in the network it
has loaded (shared in memory by every worker thread) with ``use()``; a Dask worker in
another process loads the active network of the data directory the settings name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from baotong import jobs
from baotong.config import Settings
from baotong.contingency import service
from baotong.contingency.document import PlanDocument
from baotong.contingency.engine import plan
from baotong.contingency.models import PlanRun
from baotong.contingency.scenario import Scenario
from baotong.core.exceptions import NotFoundError
from baotong.network.entities import Network
from baotong.network.reference import load_active
from baotong.network.service import effective_network


class PlanEngine(Protocol):
    """Computes the plan document of a stored scenario body on a network."""

    def __call__(
        self,
        network: Network,
        scenario: dict[str, Any],
        on_progress: Callable[..., None],
        should_cancel: Callable[[], bool],
    ) -> PlanDocument: ...


def planner_engine(
    network: Network,
    scenario: dict[str, Any],
    on_progress: Callable[..., None],
    should_cancel: Callable[[], bool],
) -> PlanDocument:
    """The contingency planner (``baotong.contingency.engine.plan``)."""
    result = plan(
        network,
        Scenario.model_validate(scenario),
        on_progress=on_progress,
        should_cancel=should_cancel,
    )
    return result.document()


@dataclass
class _Tools:
    network: Callable[[Settings], Network] = load_active
    engine: PlanEngine = planner_engine


_tools = _Tools()


def use(*, network: Callable[[], Network] | None = None, engine: PlanEngine | None = None) -> None:
    """What this process computes plans with: its loaded network, the planner (or a test's)."""
    _tools.network = (lambda _: network()) if network is not None else load_active
    _tools.engine = engine or planner_engine


def compute_plan(job: jobs.Job) -> None:
    """Compute the plan ``job.payload["plan_id"]`` and keep its result."""
    plan_id = int(job.payload["plan_id"])
    with job.session(write=False) as session:
        run = session.get(PlanRun, plan_id)
        if run is None:
            raise NotFoundError(f"Unknown plan {plan_id}.", code="plan.not_found", id=plan_id)
        body = dict(run.scenario_body)
        network = effective_network(session, network=_tools.network(job.settings))

    def on_progress(fraction: float, message: str = "", *_: Any, **__: Any) -> None:
        job.progress(fraction, message)

    result = _tools.engine(network, body, on_progress, job.cancelled)
    with job.complete(result_ref=f"plan_runs/{plan_id}") as session:
        run = session.get(PlanRun, plan_id)
        if run is None:
            raise NotFoundError(f"Unknown plan {plan_id}.", code="plan.not_found", id=plan_id)
        service.store_result(session, run=run, result=result)


jobs.register(service.PLAN_COMPUTE, compute_plan)


def start_plan(session: Session, deadline: jobs.Deadline) -> None:
    """A scheduled plan's effective time has come: the sweep makes it active."""
    service.start_scheduled(session, plan_id=int(deadline.subject_id))


jobs.register_deadline(service.PLAN_START, start_plan)
