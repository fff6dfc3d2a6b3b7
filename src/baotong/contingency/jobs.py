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
from baotong.contingency import service, sweep_service
from baotong.contingency.document import PlanDocument
from baotong.contingency.engine import plan
from baotong.contingency.models import PlanRun, SweepRun
from baotong.contingency.scenario import Scenario
from baotong.contingency.sweep import SweepLevel, region_scenario, sweep_regions
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


def _sweep_of(session: Session, sweep_id: int) -> SweepRun:
    row = session.get(SweepRun, sweep_id)
    if row is None:
        raise NotFoundError(f"Unknown sweep {sweep_id}.", code="sweep.unknown", id=sweep_id)
    return row


def run_sweep(job: jobs.Job) -> None:
    """Plan every region of the sweep ``job.payload["sweep_id"]`` one after another in this
    process (the sweep engine's per-region scenario, on the effective network), then store
    the plans and the risk table in the transaction that marks the job done."""
    sweep_id = int(job.payload["sweep_id"])
    with job.session(write=False) as session:
        row = _sweep_of(session, sweep_id)
        level: SweepLevel = row.level  # type: ignore[assignment]
        time_limit_s = float(row.options.get("time_limit_s", sweep_service.DEFAULT_TIME_LIMIT_S))
        network = effective_network(session, network=_tools.network(job.settings))
    codes = sweep_regions(network, level)
    documents: dict[str, PlanDocument] = {}
    for i, code in enumerate(codes):
        if job.cancelled():
            raise jobs.JobStopped
        job.progress(i / max(len(codes), 1), f"{i}/{len(codes)} {network.regions[code].name}")
        body = region_scenario(network, code, time_limit_s).canonical()
        documents[code] = _tools.engine(network, body, lambda *_, **__: None, job.cancelled)
    with job.complete(result_ref=f"sweeps/{sweep_id}") as session:
        sweep_service.store_plans(session, sweep=_sweep_of(session, sweep_id),
                                  plans=documents, network=network)  # fmt: skip


jobs.register(sweep_service.SWEEP_RUN, run_sweep)


def start_plan(session: Session, deadline: jobs.Deadline) -> None:
    """A scheduled plan's effective time has come: the sweep makes it active."""
    service.start_scheduled(session, plan_id=int(deadline.subject_id))


jobs.register_deadline(service.PLAN_START, start_plan)
