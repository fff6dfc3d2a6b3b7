"""Deadlines fire once when due: across sweeps, concurrent runners and restarts."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from baotong import jobs
from baotong.core import clock
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.jobs import Deadline, DeadlineState, JobRun

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def remind(session: Session, deadline: Deadline) -> None:
    """A deadline's effect: a job queued in the claim's transaction."""
    jobs.enqueue(session, "test.echo", {"text": deadline.subject_id})
    if deadline.payload.get("fail"):
        raise RuntimeError("the SLA handler broke")


jobs.register_deadline("test.sla", remind)


def _schedule(sessions: sessionmaker[Session], hours: list[float], **payload: object) -> None:
    with session_scope(sessions) as session:
        for i, h in enumerate(hours):
            jobs.schedule(
                session,
                kind="test.sla",
                subject_type="ticket",
                subject_id=f"t{i}",
                due_at=START + timedelta(hours=h),
                payload=dict(payload),
            )


def _effects(sessions: sessionmaker[Session]) -> Counter[str]:
    with session_scope(sessions, write=False) as session:
        return Counter(str(job.payload["text"]) for job in session.scalars(select(JobRun)))


def test_a_deadline_fires_once_when_due_and_not_before(sessions: sessionmaker[Session]) -> None:
    with clock.frozen(START) as frozen:
        _schedule(sessions, [1, 2, 3])
        assert jobs.fire_due(sessions) == 0
        frozen.advance(timedelta(hours=1, minutes=30))
        assert jobs.fire_due(sessions) == 1
        assert jobs.fire_due(sessions) == 0  # the next sweep does not fire it again
        frozen.advance(timedelta(hours=2))
        assert jobs.fire_due(sessions) == 2
    assert _effects(sessions) == {"t0": 1, "t1": 1, "t2": 1}
    with session_scope(sessions, write=False) as session:
        fired = session.scalars(select(Deadline).order_by(Deadline.id)).all()
        assert [d.state for d in fired] == [DeadlineState.FIRED] * 3
        assert fired[0].fired_at == START + timedelta(hours=1, minutes=30)


def test_two_runners_sweeping_at_once_fire_each_deadline_once(
    sessions: sessionmaker[Session], db_engine: Engine
) -> None:
    _schedule(sessions, [0.1 * i for i in range(20)])
    other_process = make_sessionmaker(make_engine(str(db_engine.url.render_as_string(False))))
    barrier = threading.Barrier(2)
    fired: list[int] = []

    def sweep(factory: sessionmaker[Session]) -> None:
        barrier.wait()
        fired.append(jobs.fire_due(factory))

    with clock.frozen(START + timedelta(hours=3)):
        threads = [threading.Thread(target=sweep, args=(f,)) for f in (sessions, other_process)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert sum(fired) == 20
    assert _effects(sessions) == {f"t{i}": 1 for i in range(20)}


def test_a_restart_does_not_fire_a_deadline_again(
    sessions: sessionmaker[Session], db_engine: Engine
) -> None:
    _schedule(sessions, [0])
    with clock.frozen(START + timedelta(minutes=1)):
        assert jobs.fire_due(sessions) == 1
        restarted = make_engine(db_engine.url.render_as_string(False))
        try:
            assert jobs.fire_due(make_sessionmaker(restarted)) == 0
        finally:
            restarted.dispose()
    assert _effects(sessions) == {"t0": 1}


def test_a_failing_handler_leaves_its_deadline_failed_and_the_others_fire(
    sessions: sessionmaker[Session],
) -> None:
    _schedule(sessions, [0], fail=True)
    with session_scope(sessions) as session:
        jobs.schedule(
            session, kind="test.sla", subject_type="ticket", subject_id="ok", due_at=START
        )
    with clock.frozen(START + timedelta(minutes=1)):
        assert jobs.fire_due(sessions) == 2
        assert jobs.fire_due(sessions) == 0
    assert _effects(sessions) == {"ok": 1}  # the failed handler's writes were undone
    with session_scope(sessions, write=False) as session:
        failed = session.scalars(select(Deadline).where(Deadline.subject_id == "t0")).one()
        assert (failed.state, failed.error) == (DeadlineState.FAILED, "the SLA handler broke")


def test_a_cancelled_deadline_does_not_fire(sessions: sessionmaker[Session]) -> None:
    _schedule(sessions, [0])
    with session_scope(sessions) as session:
        assert (
            jobs.cancel_deadlines(session, kind="test.sla", subject_type="ticket", subject_id="t0")
            == 1
        )
    with clock.frozen(START + timedelta(hours=1)):
        assert jobs.fire_due(sessions) == 0
    assert _effects(sessions) == {}


def test_the_runners_periodic_sweep_fires_due_deadlines(
    sessions: sessionmaker[Session], make_runner: Callable[..., jobs.Runner]
) -> None:
    runner = make_runner(heartbeat_s=3600)  # the test sweeps by hand
    _schedule(sessions, [0])
    with clock.frozen(START + timedelta(minutes=5)):
        runner.sweep()
    assert _effects(sessions) == {"t0": 1}


def test_an_unknown_deadline_kind_is_refused(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(ValueError, match='"test.nothing"'), session_scope(sessions) as session:
        jobs.schedule(session, kind="test.nothing", subject_type="t", subject_id="1", due_at=START)


def test_a_periodic_sweep_is_scheduled_once_when_the_service_starts(
    sessions: sessionmaker[Session],
) -> None:
    from baotong.warehouse import jobs as warehouse_jobs  # registers its recurring sweep

    for _ in range(2):  # a restart, or a second service process
        jobs.start_recurring(sessions)
    with session_scope(sessions) as session:
        pending = session.scalars(
            select(jobs.Deadline).where(jobs.Deadline.kind == warehouse_jobs.SWEEP)
        ).all()
        assert [d.state for d in pending] == [jobs.DeadlineState.PENDING]
