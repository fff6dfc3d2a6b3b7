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
from baotong.jobs import service as jobs_service

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


# -- recurring sweeps ---------------------------------------------------------------------
EVERY = timedelta(minutes=5)
flaky_passes: list[str] = []


def flaky(session: Session, run: jobs.Pass) -> None:
    """A sweep whose first pass breaks as a whole (after writing something)."""
    flaky_passes.append("pass")
    jobs.enqueue(session, "test.echo", {"text": f"pass {len(flaky_passes)}"})
    if len(flaky_passes) == 1:
        raise RuntimeError("the sweep broke")


def rows(session: Session, run: jobs.Pass) -> None:
    """A sweep over three rows; the second one breaks."""
    for name in ("a", "b", "c"):

        def check(name: str = name) -> None:
            jobs.enqueue(session, "test.echo", {"text": name})
            if name == "b":
                raise ValueError("row b is malformed")

        run.unit(f"row {name}", check)


@pytest.fixture(autouse=True)
def test_sweeps(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test sweeps exist only while a test of this module runs: registered for good,
    every service another test starts would schedule and run them."""
    monkeypatch.setattr(jobs_service, "_recurring", dict(jobs_service._recurring))
    monkeypatch.setattr(jobs_service, "_deadline_handlers", dict(jobs_service._deadline_handlers))
    jobs.register_recurring("test.flaky", flaky, every=EVERY)
    jobs.register_recurring("test.rows", rows, every=EVERY)


def _passes(sessions: sessionmaker[Session], kind: str) -> list[Deadline]:
    with session_scope(sessions, write=False) as session:
        return list(
            session.scalars(select(Deadline).where(Deadline.kind == kind).order_by(Deadline.id))
        )


def test_a_recurring_pass_that_raises_is_recorded_and_the_next_pass_still_runs(
    sessions: sessionmaker[Session],
) -> None:
    flaky_passes.clear()
    with clock.frozen(START) as frozen:
        with session_scope(sessions) as session:
            jobs.ensure_recurring(session, "test.flaky")
        frozen.advance(EVERY)
        assert jobs.fire_due(sessions) == 1
        first, second = _passes(sessions, "test.flaky")
        assert (first.state, first.error) == (DeadlineState.FAILED, "the sweep broke")
        assert (second.state, second.due_at) == (DeadlineState.PENDING, START + 2 * EVERY)
        assert _effects(sessions) == {}  # the broken pass's writes were undone
        frozen.advance(EVERY)
        assert jobs.fire_due(sessions) == 1
    assert flaky_passes == ["pass", "pass"]
    assert _effects(sessions) == {"pass 2": 1}
    states = [d.state for d in _passes(sessions, "test.flaky")]
    assert states == [DeadlineState.FAILED, DeadlineState.FIRED, DeadlineState.PENDING]


def test_a_failing_unit_of_a_pass_is_undone_alone_and_named_on_the_pass(
    sessions: sessionmaker[Session],
) -> None:
    with clock.frozen(START) as frozen:
        with session_scope(sessions) as session:
            jobs.ensure_recurring(session, "test.rows")
        frozen.advance(EVERY)
        assert jobs.fire_due(sessions) == 1
    assert _effects(sessions) == {"a": 1, "c": 1}  # b undone, c still processed
    done, pending = _passes(sessions, "test.rows")
    assert done.state is DeadlineState.FAILED
    assert done.error == "row b: ValueError: row b is malformed"
    assert pending.state is DeadlineState.PENDING


def test_a_recurring_kind_needs_a_positive_interval() -> None:
    with pytest.raises(ValueError, match='"every"'):
        jobs.register_recurring("test.never", rows, every=timedelta(0))


def test_a_failing_handler_that_queued_a_job_leaves_no_job_and_the_runner_goes_on(
    sessions: sessionmaker[Session], make_runner: Callable[..., jobs.Runner]
) -> None:
    """The handler's savepoint is rolled back with the job it queued; the commit that marks
    the deadline failed must not try to run that job (it did: "Unknown job", and a service
    starting up with such a deadline due failed to start)."""
    make_runner()  # the sessions now submit what they queue to this runner
    _schedule(sessions, [0.0], fail=True)
    with clock.frozen(START + timedelta(minutes=1)):
        assert jobs.fire_due(sessions) == 1
    assert _effects(sessions) == {}  # no job row, nothing ran
    with session_scope(sessions, write=False) as session:
        (deadline,) = session.scalars(select(Deadline)).all()
        assert (deadline.state, deadline.error) == (DeadlineState.FAILED, "the SLA handler broke")
