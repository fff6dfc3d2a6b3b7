"""Use cases of background work: register kinds, enqueue, cancel, sweep the dead, deadlines.

``enqueue`` adds a queued job run to the caller's transaction and submits it to the
runner bound to the session only once that transaction commits (a rolled-back request
submits nothing), so no handler commits early for a worker to see its row. A deadline
is fired by ``fire_due``: each due row is claimed by a guarded UPDATE in the transaction
that runs its handler, so it fires once however many processes sweep, and a restart
does not fire it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import structlog
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from baotong.core import clock
from baotong.core.exceptions import BaotongError, ConflictError, NotFoundError
from baotong.db.session import session_scope
from baotong.db.transitions import transition
from baotong.jobs.models import WAITING, Deadline, DeadlineState, JobRun, JobStatus

if TYPE_CHECKING:
    from baotong.jobs.runner import Job, Runner

log = structlog.get_logger("baotong.jobs")
Handler = Callable[["Job"], None]
DeadlineHandler = Callable[[Session, Deadline], None]
RUNNER = "baotong.jobs.runner"  # session.info: the runner that executes what a session enqueues
_SUBMIT = "baotong.jobs.submit"
_SIGNAL = "baotong.jobs.signal"
T = TypeVar("T")
INTERRUPTED = "interrupted: the service stopped while this job was {status}; run it again."

_handlers: dict[str, Handler] = {}
_deadline_handlers: dict[str, DeadlineHandler] = {}


def register(kind: str, handler: Handler) -> None:
    """Make ``kind`` runnable: ``handler(job)`` computes one job run of it."""
    known = _handlers.get(kind)
    if known is not None and known is not handler:
        raise ValueError(f'Job kind "{kind}" is already registered to {known.__qualname__}.')
    _handlers[kind] = handler


def handler_for(kind: str) -> Handler:
    try:
        return _handlers[kind]
    except KeyError:
        raise ValueError(f'No handler is registered for job kind "{kind}".') from None


def register_deadline(kind: str, handler: DeadlineHandler) -> None:
    """Deadlines of ``kind`` fire ``handler(session, deadline)``, in the claim's transaction."""
    known = _deadline_handlers.get(kind)
    if known is not None and known is not handler:
        raise ValueError(f'Deadline kind "{kind}" is already registered to {known.__qualname__}.')
    _deadline_handlers[kind] = handler


# -- recurring sweeps -------------------------------------------------------------------
class Pass:
    """One pass of a recurring sweep, as its handler sees it.

    ``unit(name, work)`` runs one unit of the pass (a table, a row) in a savepoint of its
    own: a unit that raises has its writes undone and its reason kept under ``name``
    (``failures``), and the pass goes on with the next unit. The pass's deadline is then
    left failed with the reasons; the units that succeeded stay.
    """

    def __init__(self, session: Session, kind: str, deadline: Deadline | None = None) -> None:
        self.session, self.kind, self.deadline = session, kind, deadline
        self.failures: dict[str, str] = {}
        self.done = 0

    def unit(self, name: str, work: Callable[[], T]) -> T | None:
        """``work()`` in a savepoint; its result, or None when it raised (kept as a failure)."""
        try:
            with self.session.begin_nested():
                result = work()
        except BaotongError as exc:
            log.warning("recurring unit refused", kind=self.kind, unit=name, error=exc.message)
            self.failures[name] = exc.message
            return None
        except Exception as exc:
            log.exception("recurring unit failed", kind=self.kind, unit=name)
            self.failures[name] = f"{type(exc).__name__}: {exc}"
            return None
        self.done += 1
        return result

    def summary(self) -> str:
        """The failed units and their reasons, one a line."""
        return "\n".join(f"{name}: {reason}" for name, reason in self.failures.items())


RecurringHandler = Callable[[Session, Pass], None]


@dataclass(frozen=True, slots=True)
class Recurring:
    kind: str
    handler: RecurringHandler
    every: timedelta


_recurring: dict[str, Recurring] = {}


def register_recurring(kind: str, handler: RecurringHandler, every: timedelta) -> None:
    """A sweep of ``kind`` that runs every ``every``: ``handler(session, pass_)`` does one
    pass in the transaction that fires its deadline.

    The jobs layer owns the schedule: whatever a pass does — succeeds, has units that fail
    (``Pass.unit``), or raises as a whole (its writes undone, the deadline failed with the
    reason) — the next pass is scheduled in the same transaction, so one bad pass never
    stops the sweep. ``start_recurring`` schedules a first pass when the service starts.
    """
    if every <= timedelta(0):
        raise ValueError(f'"every" of recurring kind "{kind}" must be > 0.')
    known = _recurring.get(kind)
    if known is not None and known.handler is not handler:
        raise ValueError(
            f'Recurring kind "{kind}" is already registered to {known.handler.__qualname__}.'
        )
    _recurring[kind] = Recurring(kind, handler, every)

    def run_pass(session: Session, deadline: Deadline) -> None:
        one = Pass(session, kind, deadline)
        _recurring[kind].handler(session, one)
        if one.failures:
            log.warning("recurring pass had failures", kind=kind, failures=one.failures)
            deadline.state, deadline.error = DeadlineState.FAILED, one.summary()[:2000]

    _deadline_handlers[kind] = run_pass


def ensure_recurring(session: Session, kind: str) -> Deadline:
    """The pending pass of recurring ``kind``: the one there is, else one due after its
    interval from now."""
    spec = _recurring.get(kind)
    if spec is None:
        raise ValueError(f'No recurring sweep is registered as "{kind}".')
    pending = session.scalar(
        select(Deadline)
        .where(Deadline.kind == kind, Deadline.state == DeadlineState.PENDING)
        .order_by(Deadline.due_at)
        .limit(1)
    )
    if pending is not None:
        return pending
    return schedule(
        session, kind=kind, subject_type="recurring", subject_id=kind[:64],
        due_at=clock.now() + spec.every,
    )  # fmt: skip


def start_recurring(sessions: sessionmaker[Session]) -> None:
    """Make sure every registered recurring sweep has a pass pending (at startup)."""
    for kind in list(_recurring):
        with session_scope(sessions) as session:
            ensure_recurring(session, kind)


# -- job runs -------------------------------------------------------------------------
def enqueue(session: Session, kind: str, payload: dict[str, Any]) -> JobRun:
    """Queue a job run; it is submitted when the caller's transaction commits."""
    handler_for(kind)
    runner: Runner | None = session.info.get(RUNNER)
    now = clock.now()
    job = JobRun(
        kind=kind,
        payload=payload,
        status=JobStatus.QUEUED,
        progress=0.0,
        message="queued",
        cancel_requested=False,
        runner_id=runner.id if runner is not None else None,
        heartbeat_at=now,
        created_at=now,
    )
    session.add(job)
    session.flush()
    session.info.setdefault(_SUBMIT, []).append(job.id)
    return job


def get_job(session: Session, job_id: int) -> JobRun:
    job = session.get(JobRun, job_id)
    if job is None:
        raise NotFoundError(f"Unknown job {job_id}.", code="job.not_found", id=job_id)
    return job


def cancel(session: Session, job_id: int, *, by: str) -> JobRun:
    """Cancel a queued run at once, or ask a running one to stop (it stops at its next check)."""
    job = get_job(session, job_id)
    if job.status is JobStatus.QUEUED:
        job = transition(
            session,
            JobRun,
            job_id,
            JobRun.status,
            JobStatus.QUEUED,
            JobStatus.CANCELLED,
            cancel_requested=True,
            message=f"cancelled by {by}",
            finished_at=clock.now(),
        )
    elif job.status is JobStatus.RUNNING:
        job = transition(
            session,
            JobRun,
            job_id,
            JobRun.status,
            JobStatus.RUNNING,
            JobStatus.RUNNING,
            cancel_requested=True,
        )
        session.info.setdefault(_SIGNAL, []).append(job_id)
    else:
        raise ConflictError(
            f"Job {job_id} is {job.status}; only a queued or running job can be cancelled.",
            code="job.not_cancellable",
            id=job_id,
            status=job.status,
        )
    return job


@event.listens_for(Session, "after_commit")
def _submit_committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released: the transaction itself is still open
    submit, signal = session.info.pop(_SUBMIT, ()), session.info.pop(_SIGNAL, ())
    runner: Runner | None = session.info.get(RUNNER)
    if runner is None:
        return  # no runner in this process: the rows wait for one (or its restart sweep)
    for job_id in submit:
        try:
            runner.submit(job_id)
        except ValueError:  # queued in a savepoint that was rolled back: there is no job
            log.info("queued job was rolled back", job_id=job_id)
    for job_id in signal:
        runner.signal(job_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:
        session.info.pop(_SUBMIT, None)
        session.info.pop(_SIGNAL, None)


def fail_interrupted(
    session: Session, *, stale_before: datetime | None = None, runner_id: str | None = None
) -> int:
    """Fail the queued and running runs whose process stopped, with the reason; how many.

    A run is abandoned when its runner's last heartbeat is older than ``stale_before``, or
    when ``runner_id`` is the runner that is stopping; with neither, every waiting run is.
    """
    query = select(JobRun).where(JobRun.status.in_(WAITING))
    if stale_before is not None:
        query = query.where(or_(JobRun.heartbeat_at.is_(None), JobRun.heartbeat_at < stale_before))
    if runner_id is not None:
        query = query.where(JobRun.runner_id == runner_id)
    count = 0
    for job in session.scalars(query):
        job.error = INTERRUPTED.format(status=job.status)
        job.status, job.message, job.finished_at = JobStatus.FAILED, "interrupted", clock.now()
        count += 1
    session.flush()
    return count


def beat(session: Session, *, runner_id: str) -> None:
    """Refresh the heartbeat of a runner's waiting runs."""
    session.execute(
        update(JobRun)
        .where(JobRun.runner_id == runner_id, JobRun.status.in_(WAITING))
        .values(heartbeat_at=clock.now())
    )


# -- deadlines ------------------------------------------------------------------------
def schedule(
    session: Session,
    *,
    kind: str,
    subject_type: str,
    subject_id: str,
    due_at: datetime,
    payload: dict[str, Any] | None = None,
) -> Deadline:
    """A deadline of ``kind`` for a subject, pending until the sweep fires it at ``due_at``."""
    if kind not in _deadline_handlers:
        raise ValueError(f'No handler is registered for deadline kind "{kind}".')
    deadline = Deadline(
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        due_at=due_at,
        state=DeadlineState.PENDING,
        payload=payload or {},
        created_at=clock.now(),
    )
    session.add(deadline)
    session.flush()
    return deadline


def cancel_deadlines(session: Session, *, kind: str, subject_type: str, subject_id: str) -> int:
    """Cancel the pending deadlines of ``kind`` for a subject (it was met); how many."""
    done = session.execute(
        update(Deadline)
        .where(
            Deadline.kind == kind,
            Deadline.subject_type == subject_type,
            Deadline.subject_id == subject_id,
            Deadline.state == DeadlineState.PENDING,
        )
        .values(state=DeadlineState.CANCELLED)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    return int(done)


def fire_due(sessions: sessionmaker[Session], *, limit: int = 100) -> int:
    """Fire the deadlines due by now, each in its own transaction; how many this call fired.

    A handler that raises leaves its deadline failed with the error (its writes undone),
    so one bad row does not stop the others nor fire again. A recurring sweep's next pass
    is scheduled in the same transaction, whatever the outcome of this one.
    """
    now = clock.now()
    with session_scope(sessions, write=False) as session:
        due = list(
            session.scalars(
                select(Deadline.id)
                .where(Deadline.state == DeadlineState.PENDING, Deadline.due_at <= now)
                .order_by(Deadline.due_at, Deadline.id)
                .limit(limit)
            )
        )
    fired = 0
    for deadline_id in due:
        with session_scope(sessions) as session:
            try:
                deadline = transition(
                    session,
                    Deadline,
                    deadline_id,
                    Deadline.state,
                    DeadlineState.PENDING,
                    DeadlineState.FIRED,
                    fired_at=now,
                )
            except ConflictError:
                continue  # another runner fired it, or it was cancelled meanwhile
            try:
                with session.begin_nested():
                    _deadline_handler(deadline.kind)(session, deadline)
            except Exception as exc:
                log.exception("deadline handler failed", id=deadline_id, kind=deadline.kind)
                deadline.state, deadline.error = DeadlineState.FAILED, str(exc)[:2000]
            if deadline.kind in _recurring:  # the next pass, whatever this one did
                ensure_recurring(session, deadline.kind)
            fired += 1
    return fired


def _deadline_handler(kind: str) -> DeadlineHandler:
    try:
        return _deadline_handlers[kind]
    except KeyError:
        raise ValueError(f'No handler is registered for deadline kind "{kind}".') from None
