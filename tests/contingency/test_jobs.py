"""Plans computed by the job runner: state in the database, progress, cancel, restart."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from baotong.app import create_app
from baotong.config import Settings
from baotong.contingency import jobs as contingency_jobs
from baotong.contingency import service
from baotong.contingency.models import PlanAssignment, PlanRun
from baotong.core import clock
from baotong.db.session import session_scope
from baotong.jobs import JobRun, JobStatus, Runner
from baotong.jobs.executors import ThreadExecutor
from baotong.network.entities import Network

from ..conftest import staff


@pytest.fixture
def runner_for(
    service_settings: Settings, seeded: sessionmaker[Session], network: Network
) -> Iterator[Callable[..., Runner]]:
    """A runner on the test database computing plans with ``engine`` (shut down after)."""
    made: list[Runner] = []

    def make(engine: Any, *, workers: int = 2, **options: Any) -> Runner:
        contingency_jobs.use(network=lambda: network, engine=engine)
        runner = Runner(seeded, service_settings, executor=ThreadExecutor(workers), **options)
        made.append(runner)
        return runner

    yield make
    for runner in made:
        runner.shutdown()
    contingency_jobs.use()


def _queued(sessions: sessionmaker[Session], network: Network, body: dict[str, Any]) -> int:
    with session_scope(sessions) as session:
        scenario = service.create_scenario(
            session, body=body, network=network, principal=staff("t")
        )
        run = service.create_plan(
            session,
            scenario_id=scenario.id,
            name=None,
            parameters={},
            network=network,
            principal=staff("t"),
        )
        return run.id


def _run(sessions: sessionmaker[Session], plan_id: int) -> PlanRun:
    with session_scope(sessions, write=False) as session:
        run = session.get(PlanRun, plan_id)
        assert run is not None
        return run


def _wait(runner: Runner, sessions: sessionmaker[Session], plan_id: int) -> None:
    runner.wait(_run(sessions, plan_id).job_id, timeout=30)


def _job(session: Session, plan_id: int) -> JobRun:
    run = session.get(PlanRun, plan_id)
    assert run is not None
    return run.job


def test_a_run_stores_its_result_and_the_normalised_assignments(
    seeded: sessionmaker[Session],
    network: Network,
    scenario_body: Callable[..., Any],
    engine_for_tests: Any,
    runner_for: Callable[..., Runner],
) -> None:
    runner = runner_for(engine_for_tests, progress_every_s=0)
    plan_id = _queued(seeded, network, scenario_body())  # submitted when it commits
    _wait(runner, seeded, plan_id)
    run = _run(seeded, plan_id)
    assert (run.status, run.progress, run.error) == ("succeeded", 1.0, None)
    assert run.started_at is not None
    assert run.finished_at is not None
    assert run.job.result_ref == f"plan_runs/{plan_id}"
    with session_scope(seeded, write=False) as session:
        rows = session.scalars(select(PlanAssignment).where(PlanAssignment.plan_id == plan_id))
        destinations = sorted(r.destination for r in rows)
    assert destinations == ["410101", "410102", "410103"]


def test_a_closed_centre_is_not_used_as_a_backup(
    seeded: sessionmaker[Session],
    network: Network,
    scenario_body: Callable[..., Any],
    engine_for_tests: Any,
    runner_for: Callable[..., Runner],
) -> None:
    from baotong.network import service as network_service
    from baotong.network.entities import SiteStatus

    with session_scope(seeded) as session:
        for center in ("WH", "JN"):
            network_service.change_status(
                session,
                site_id=center,
                status=SiteStatus.CLOSED,
                reason="flood",
                principal=staff("t"),
            )
    runner = runner_for(engine_for_tests)
    plan_id = _queued(seeded, network, scenario_body())
    _wait(runner, seeded, plan_id)
    result = _run(seeded, plan_id).result
    assert result is not None
    assert {a["backup_center_id"] for a in result["assignments"]} == {"XA"}


def test_progress_is_visible_while_running_and_cancel_stops_the_run(
    seeded: sessionmaker[Session],
    network: Network,
    scenario_body: Callable[..., Any],
    engine_for_tests: Any,
    runner_for: Callable[..., Runner],
) -> None:
    gate = threading.Semaphore(0)

    def stepwise(*args: Any) -> dict[str, Any]:
        return engine_for_tests(*args, gate=gate)

    runner = runner_for(stepwise, progress_every_s=0)
    plan_id = _queued(seeded, network, scenario_body())
    gate.release()  # one county
    deadline = time.monotonic() + 20
    while _run(seeded, plan_id).progress == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    seen = _run(seeded, plan_id)
    assert seen.status == "running"
    assert 0 < seen.progress < 1
    with session_scope(seeded) as session:
        service.cancel_plan(session, plan_id=plan_id, principal=staff("t"))
    gate.release(2)  # the commit signalled the runner: it stops at the next county
    _wait(runner, seeded, plan_id)
    assert _run(seeded, plan_id).status == "cancelled"
    assert _run(seeded, plan_id).result is None


def test_a_queued_run_is_cancelled_at_once(
    seeded: sessionmaker[Session], network: Network, scenario_body: Callable[..., Any]
) -> None:
    plan_id = _queued(seeded, network, scenario_body())
    with session_scope(seeded) as session:
        run = service.cancel_plan(session, plan_id=plan_id, principal=staff("t"))
        assert run.status == "cancelled"


def test_runs_left_running_by_a_dead_process_are_failed_on_restart(
    service_settings: Settings,
    seeded: sessionmaker[Session],
    network: Network,
    scenario_body: Callable[..., Any],
    engine_for_tests: Any,
) -> None:
    running = _queued(seeded, network, scenario_body())
    queued = _queued(seeded, network, scenario_body())
    last_beat = clock.now() - timedelta(minutes=5)  # the process died five minutes ago
    with session_scope(seeded) as session:
        for plan_id in (running, queued):
            job = _job(session, plan_id)
            job.runner_id, job.heartbeat_at = "host:1:dead", last_beat
            if plan_id == running:
                job.status, job.progress = JobStatus.RUNNING, 0.4
    app = create_app(service_settings, network=lambda: network, engine=engine_for_tests)
    with TestClient(app):  # startup = the restart
        pass
    for plan_id, was in ((running, "running"), (queued, "queued")):
        run = _run(seeded, plan_id)
        assert run.status == "failed"
        assert run.error is not None
        assert f"while this job was {was}" in run.error
        assert run.finished_at is not None


def test_a_live_runners_run_is_left_alone_until_its_heartbeat_stops(
    seeded: sessionmaker[Session],
    network: Network,
    scenario_body: Callable[..., Any],
    engine_for_tests: Any,
    runner_for: Callable[..., Runner],
) -> None:
    other = _queued(seeded, network, scenario_body())
    with session_scope(seeded) as session:
        job = _job(session, other)
        job.status, job.runner_id, job.heartbeat_at = JobStatus.RUNNING, "host:2:alive", clock.now()
    runner = runner_for(engine_for_tests, heartbeat_s=0.2)
    assert runner.beat() == 0  # another process beat a moment ago: not ours to fail
    assert _run(seeded, other).status == "running"
    deadline = time.monotonic() + 10  # that process stops beating: the sweep fails it
    while _run(seeded, other).status == "running" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _run(seeded, other).status == "failed"


def test_a_runner_keeps_its_own_running_plan_alive(
    seeded: sessionmaker[Session],
    network: Network,
    scenario_body: Callable[..., Any],
    engine_for_tests: Any,
    runner_for: Callable[..., Runner],
) -> None:
    gate = threading.Semaphore(0)

    def slow(*args: Any) -> dict[str, Any]:
        return engine_for_tests(*args, gate=gate)

    runner = runner_for(slow, heartbeat_s=0.1)
    plan_id = _queued(seeded, network, scenario_body())
    time.sleep(0.8)  # eight heartbeats: well past the 0.3 s a silent runner is given
    assert _run(seeded, plan_id).status == "running"
    assert _run(seeded, plan_id).job.runner_id == runner.id
    gate.release(3)
    _wait(runner, seeded, plan_id)
    assert _run(seeded, plan_id).status == "succeeded"


def test_a_shutdown_fails_the_running_and_queued_runs_with_the_reason(
    seeded: sessionmaker[Session],
    network: Network,
    scenario_body: Callable[..., Any],
    engine_for_tests: Any,
    runner_for: Callable[..., Runner],
) -> None:
    gate = threading.Semaphore(0)

    def slow(*args: Any) -> dict[str, Any]:
        return engine_for_tests(*args, gate=gate)

    runner = runner_for(slow, workers=1, progress_every_s=0)
    running, queued = (_queued(seeded, network, scenario_body()) for _ in range(2))
    deadline = time.monotonic() + 10
    while _run(seeded, running).status != "running" and time.monotonic() < deadline:
        time.sleep(0.02)
    stopper = threading.Thread(target=runner.shutdown)
    stopper.start()
    while not runner.stopping:
        time.sleep(0.01)
    gate.release(10)  # let the tiny planner see the stop between counties
    stopper.join(30)
    for plan_id, was in ((running, "running"), (queued, "queued")):
        run = _run(seeded, plan_id)
        assert run.status == "failed", (plan_id, run.status)
        assert (
            run.error == f"interrupted: the service stopped while this job was {was}; run it again."
        )
