"""Job kinds for the runner's tests: they echo, fail, crash, or wait to be cancelled."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from baotong import jobs
from baotong.config import Settings
from baotong.core.exceptions import ValidationError
from baotong.db.session import session_scope
from baotong.jobs.executors import Executor, ThreadExecutor

ran: list[int] = []
started = threading.Event()


def echo(job: jobs.Job) -> None:
    ran.append(job.id)
    with job.complete(result_ref=f"echo/{job.payload['text']}"):
        pass


def refuse(job: jobs.Job) -> None:
    raise ValidationError("must be a county.", field="region", value="Atlantis")


def crash(job: jobs.Job) -> None:
    raise RuntimeError("boom")


def wait_for_cancel(job: jobs.Job) -> None:
    started.set()
    while not job.cancelled():
        job.progress(0.5, "waiting")
    raise jobs.JobStopped


jobs.register("test.echo", echo)
jobs.register("test.refuse", refuse)
jobs.register("test.crash", crash)
jobs.register("test.wait", wait_for_cancel)


@pytest.fixture
def make_runner(
    service_settings: Settings, sessions: sessionmaker[Session]
) -> Iterator[Callable[..., jobs.Runner]]:
    """Runners on the test database (shut down after the test)."""
    made: list[jobs.Runner] = []
    ran.clear()
    started.clear()

    def make(executor: Executor | None = None, **options: Any) -> jobs.Runner:
        runner = jobs.Runner(
            sessions, service_settings, executor=executor or ThreadExecutor(2), **options
        )
        made.append(runner)
        return runner

    yield make
    for runner in made:
        runner.shutdown()


def queue(sessions: sessionmaker[Session], kind: str, **payload: Any) -> int:
    with session_scope(sessions) as session:
        return jobs.enqueue(session, kind, payload).id


def job(sessions: sessionmaker[Session], job_id: int) -> jobs.JobRun:
    with session_scope(sessions, write=False) as session:
        return jobs.get_job(session, job_id)
