"""Transport's background work: a route plan solved by the job runner, a warning before a
granted credential expires, and its expiry at the end of its last day (both fired once by
the platform's sweep).

The network is the one every job handler of this process plans on: the one the service
hands the contingency jobs with ``contingency.jobs.use()`` (its loaded network); elsewhere
(a Dask worker, the CLI) the active network of the settings' data directory.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from baotong import jobs
from baotong.config import Settings
from baotong.contingency import jobs as contingency_jobs
from baotong.core.exceptions import BaotongError, NotFoundError
from baotong.jobs.models import Deadline
from baotong.network.entities import Network
from baotong.network.service import effective_network
from baotong.transport import engine, route_plans, service
from baotong.transport.models import Credential, RoutePlan


def network_of(settings: Settings) -> Network:
    """The base network of this process's jobs (the contingency jobs' provider)."""
    return contingency_jobs._tools.network(settings)


def solve_plan(job: jobs.Job) -> None:
    """Solve route plan ``job.payload["plan_id"]`` within its time limit; its routes become
    delivery runs, checked against the passes, in the transaction that ends the job."""
    plan_id = int(job.payload["plan_id"])
    with job.session(write=False) as session:
        row = session.get(RoutePlan, plan_id)
        if row is None:
            raise NotFoundError(f"Unknown route plan {plan_id}.", code="route_plan.not_found",
                                id=plan_id)  # fmt: skip
        network = effective_network(session, network=network_of(job.settings))
        limit = row.time_limit_s
        try:
            problem = route_plans.problem_of(session, row, network)
        except BaotongError as exc:
            problem, refused = None, exc
    job.progress(0.05, "solving")
    if problem is None:
        with job.complete(result_ref=f"transport_route_plans/{plan_id}") as session:
            route_plans.fail(
                session, plan_id, code=refused.code, message=refused.message, job_id=job.id
            )
        return
    try:
        solution = engine.solve(problem, time_limit_s=limit)
    except Exception as exc:  # the plan says it failed, not "solving" for ever
        with job.session() as session:
            route_plans.fail(session, plan_id, code="route_plan.solve_failed",
                             message=f"{type(exc).__name__}: {exc}", job_id=job.id)  # fmt: skip
        raise
    with job.complete(result_ref=f"transport_route_plans/{plan_id}") as session:
        route_plans.store(session, plan_id, solution, network=network, job_id=job.id)


jobs.register(route_plans.SOLVE, solve_plan)


def _warn(session: Session, deadline: Deadline) -> None:
    row = session.get(Credential, int(deadline.subject_id))
    if row is not None:
        service.warn_expiring(session, row)


def _expire(session: Session, deadline: Deadline) -> None:
    service.expire(session, int(deadline.subject_id))


jobs.register_deadline(service.WARNING, _warn)
jobs.register_deadline(service.EXPIRY, _expire)
