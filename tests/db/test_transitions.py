"""The guarded transition: the row moves only from the state named, one racer wins."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.orm import Session, sessionmaker

from baotong.core import clock
from baotong.core.exceptions import BaotongError, ConflictError, NotFoundError
from baotong.db.session import session_scope
from baotong.db.transitions import transition
from baotong.jobs.models import JobRun, JobStatus


def _job(sessions: sessionmaker[Session], status: JobStatus = JobStatus.QUEUED) -> int:
    with session_scope(sessions) as session:
        row = JobRun(kind="k", payload={}, status=status, created_at=clock.now())
        session.add(row)
        session.flush()
        return row.id


def test_a_transition_moves_the_row_and_sets_the_values(sessions: sessionmaker[Session]) -> None:
    job_id = _job(sessions)
    with session_scope(sessions) as session:
        row = transition(
            session,
            JobRun,
            job_id,
            JobRun.status,
            JobStatus.QUEUED,
            JobStatus.RUNNING,
            message="go",
        )
        assert (row.status, row.message) == (JobStatus.RUNNING, "go")


def test_a_row_in_another_state_is_refused_with_its_state(sessions: sessionmaker[Session]) -> None:
    job_id = _job(sessions, JobStatus.SUCCEEDED)
    with pytest.raises(ConflictError) as refused, session_scope(sessions) as session:
        transition(
            session,
            JobRun,
            job_id,
            JobRun.status,
            (JobStatus.QUEUED, JobStatus.RUNNING),
            JobStatus.CANCELLED,
        )
    assert refused.value.code == "job.wrong_status"
    assert refused.value.data == {"id": job_id, "status": JobStatus.SUCCEEDED}
    assert str(refused.value) == (
        f"Job {job_id} is succeeded; it must be queued or running to become cancelled."
    )


def test_an_unknown_row_is_not_found(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(NotFoundError), session_scope(sessions) as session:
        transition(session, JobRun, 404, JobRun.status, JobStatus.QUEUED, JobStatus.RUNNING)


def test_of_two_racing_transitions_exactly_one_wins(sessions: sessionmaker[Session]) -> None:
    job_id = _job(sessions)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def move(target: JobStatus) -> None:
        barrier.wait()
        try:
            with session_scope(sessions) as session:
                transition(session, JobRun, job_id, JobRun.status, JobStatus.QUEUED, target)
            outcomes.append("won")
        except BaotongError as exc:
            outcomes.append(exc.code)

    threads = [
        threading.Thread(target=move, args=(t,)) for t in (JobStatus.RUNNING, JobStatus.CANCELLED)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["job.wrong_status", "won"]
