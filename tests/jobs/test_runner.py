"""The job runner: submitted after commit, results, failures, cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from baotong import jobs
from baotong.core.exceptions import ConflictError
from baotong.db.session import session_scope
from baotong.jobs import JobRun, JobStatus
from baotong.jobs.runner import CRASHED
from baotong.jobs.service import RUNNER

from .conftest import job, queue, ran, started


class Recorder:
    """Stands in for a runner: notes what is submitted, and whether the row was visible."""

    id = "recorder"

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self.submitted: list[tuple[int, bool]] = []

    def submit(self, job_id: int) -> None:
        with session_scope(self.sessions, write=False) as other:  # another transaction
            self.submitted.append((job_id, other.get(JobRun, job_id) is not None))


def test_a_job_is_submitted_only_once_its_transaction_committed(
    sessions: sessionmaker[Session],
) -> None:
    recorder = Recorder(sessions)
    sessions.configure(info={RUNNER: recorder})
    with session_scope(sessions) as session:
        job_id = jobs.enqueue(session, "test.echo", {"text": "hi"}).id
        with session.begin_nested():
            session.flush()
        assert recorder.submitted == []  # not while the request is still open
    assert recorder.submitted == [(job_id, True)]  # and the runner sees the committed row


def test_a_rolled_back_transaction_submits_nothing(sessions: sessionmaker[Session]) -> None:
    recorder = Recorder(sessions)
    sessions.configure(info={RUNNER: recorder})

    def failing_request() -> None:
        with session_scope(sessions) as session:
            jobs.enqueue(session, "test.echo", {"text": "hi"})
            raise RuntimeError("the request failed after queueing")

    with pytest.raises(RuntimeError):
        failing_request()
    with session_scope(sessions) as session:
        assert session.scalar(select(func.count()).select_from(JobRun)) == 0
        jobs.enqueue(session, "test.echo", {"text": "later"})
    assert len(recorder.submitted) == 1  # the rolled-back job was not carried along


def test_an_unknown_kind_is_refused_when_queued(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(ValueError, match='"test.nothing"'), session_scope(sessions) as session:
        jobs.enqueue(session, "test.nothing", {})


def test_a_job_runs_and_keeps_its_result_reference(
    sessions: sessionmaker[Session], make_runner: Callable[..., jobs.Runner]
) -> None:
    runner = make_runner()
    job_id = queue(sessions, "test.echo", text="hi")
    runner.wait(job_id, timeout=30)
    done = job(sessions, job_id)
    assert (done.status, done.progress, done.result_ref) == ("succeeded", 1.0, "echo/hi")
    assert done.runner_id == runner.id
    assert done.started_at is not None
    assert done.finished_at is not None
    assert ran == [job_id]


@pytest.mark.parametrize(
    ("kind", "error"),
    [("test.refuse", "field 'region': must be a county."), ("test.crash", CRASHED)],
)
def test_a_handler_that_raises_fails_its_job_with_the_reason(
    sessions: sessionmaker[Session],
    make_runner: Callable[..., jobs.Runner],
    kind: str,
    error: str,
) -> None:
    runner = make_runner()
    job_id = queue(sessions, kind)
    runner.wait(job_id, timeout=30)
    assert (job(sessions, job_id).status, job(sessions, job_id).error) == ("failed", error)


def test_a_queued_job_is_cancelled_at_once(sessions: sessionmaker[Session]) -> None:
    job_id = queue(sessions, "test.echo", text="hi")  # no runner: it stays queued
    with session_scope(sessions) as session:
        cancelled = jobs.cancel(session, job_id, by="ops")
    assert (cancelled.status, cancelled.message) == ("cancelled", "cancelled by ops")
    assert cancelled.finished_at is not None


def test_a_running_job_stops_when_cancelled(
    sessions: sessionmaker[Session], make_runner: Callable[..., jobs.Runner]
) -> None:
    runner = make_runner(progress_every_s=3600)  # only the commit's signal can stop it
    job_id = queue(sessions, "test.wait")
    assert started.wait(30)
    with session_scope(sessions) as session:
        assert jobs.cancel(session, job_id, by="ops").cancel_requested
    runner.wait(job_id, timeout=30)
    assert job(sessions, job_id).status == "cancelled"


def test_an_ended_job_cannot_be_cancelled(
    sessions: sessionmaker[Session], make_runner: Callable[..., jobs.Runner]
) -> None:
    runner = make_runner()
    job_id = queue(sessions, "test.echo", text="hi")
    runner.wait(job_id, timeout=30)
    with pytest.raises(ConflictError) as refused, session_scope(sessions) as session:
        jobs.cancel(session, job_id, by="ops")
    assert refused.value.code == "job.not_cancellable"
    assert refused.value.data["status"] is JobStatus.SUCCEEDED


def test_a_kind_cannot_be_registered_twice_to_different_handlers() -> None:
    def other(job: Any) -> None: ...

    with pytest.raises(ValueError, match="already registered"):
        jobs.register("test.echo", other)
