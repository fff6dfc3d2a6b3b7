"""Handlers on Dask workers (a LocalCluster): the same jobs, their own database sessions."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.conftest import Users, nearest_engine, wait_for_plan

from baotong import jobs
from baotong.app import create_app
from baotong.config import Settings
from baotong.jobs.executors import DaskExecutor, executor_for
from baotong.jobs.runner import JobSpec
from baotong.network.entities import Network

from .conftest import job, queue, ran

pytestmark = pytest.mark.slow


def test_a_job_spec_travels_to_another_process(service_settings: Settings) -> None:
    spec = JobSpec(7, "test.echo", "tests.jobs.conftest", service_settings)
    assert pickle.loads(pickle.dumps(spec)) == spec


def test_the_settings_choose_the_executor(service_settings: Settings) -> None:
    local = service_settings.model_copy(update={"dask_scheduler": "local"})
    executor = executor_for(local)
    try:
        assert isinstance(executor, DaskExecutor)
    finally:
        executor.shutdown()


def test_a_job_runs_on_a_dask_worker(
    sessions: sessionmaker[Session], make_runner: Callable[..., jobs.Runner]
) -> None:
    runner = make_runner(executor=DaskExecutor("local"))
    job_id = queue(sessions, "test.echo", text="dask")
    runner.wait(job_id, timeout=60)
    done = job(sessions, job_id)
    assert (done.status, done.result_ref) == ("succeeded", "echo/dask")
    assert ran == [job_id]


def test_a_plan_is_computed_on_a_dask_worker(
    service_settings: Settings, seeded: sessionmaker[Session], network: Network,
    scenario_body: Callable[..., dict[str, Any]],
) -> None:  # fmt: skip
    settings = service_settings.model_copy(update={"dask_scheduler": "local"})
    app = create_app(settings, network=lambda: network, engine=nearest_engine)
    with TestClient(app) as client:
        planner = Users(client, seeded).headers("planner")
        scenario = client.post("/api/v1/scenarios", json={"body": scenario_body()}, headers=planner)
        queued = client.post(
            "/api/v1/plans", json={"scenario_id": scenario.json()["id"]}, headers=planner
        )
        assert queued.status_code == 202, queued.text
        plan_id = queued.json()["id"]
        wait_for_plan(app, plan_id, timeout=60)
        plan = client.get(f"/api/v1/plans/{plan_id}", headers=planner).json()
        assert (plan["status"], plan["progress"], plan["error"]) == ("succeeded", 1.0, None)
        result = client.get(f"/api/v1/plans/{plan_id}/result", headers=planner).json()
        assert result["schema"] == "baotong.plan/1"
