"""Running job runs: what a handler sees (``Job``), one run (``execute``), the ``Runner``.

A handler is ``handler(job: Job) -> None``. It reads ``job.payload``, opens its own
transactions with ``job.session()``, reports ``job.progress(...)``, stops when
``job.cancelled()`` says so, and writes its result inside ``with job.complete(...) as
session:`` — the transaction that also marks the run succeeded, so a result is never kept
for a run that was cancelled or failed meanwhile. The same handler runs in a thread of
the service or on a Dask worker in another process or machine: everything it needs is in
the picklable ``JobSpec`` (the settings name the database).

Every runner beats a heartbeat on the runs it submitted and, in the same periodic sweep,
fails the runs of runners that stopped beating and fires the deadlines that are due.
"""

from __future__ import annotations

import importlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from baotong.config import Settings
from baotong.core import clock
from baotong.core.exceptions import BaotongError, ConflictError
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.db.transitions import transition
from baotong.jobs import service
from baotong.jobs.executors import Executor, ThreadExecutor
from baotong.jobs.models import WAITING, JobRun, JobStatus

log = structlog.get_logger("baotong.jobs")
STALE_BEATS = 3
CRASHED = "internal error while running this job; see the service log."


class JobStopped(Exception):
    """The run was cancelled or interrupted: the handler stops, its result is not kept."""


@dataclass(frozen=True)
class JobSpec:
    """Everything needed to run a job anywhere; picklable for Dask."""

    job_id: int
    kind: str
    module: str  # the handler's module: importing it registers the kind on a worker
    settings: Settings
    progress_every_s: float = 0.5


class Job:
    """A handler's view of the run it computes."""

    def __init__(
        self, spec: JobSpec, sessions: sessionmaker[Session], signal: threading.Event | None = None
    ) -> None:
        self.id, self.kind, self.settings = spec.job_id, spec.kind, spec.settings
        self.payload: dict[str, Any] = {}
        self._sessions = sessions
        self._signal = signal or threading.Event()
        self._every = spec.progress_every_s
        self._last_progress = self._last_check = 0.0
        self.completed = False

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """One transaction of the handler's own."""
        with session_scope(self._sessions, write=write) as session:
            yield session

    def progress(self, fraction: float, message: str = "") -> None:
        """Report progress (written at most every ``progress_every_s``, and at the end)."""
        now = time.monotonic()
        if self._signal.is_set() or (now - self._last_progress < self._every and fraction < 1):
            return
        self._last_progress = now
        with session_scope(self._sessions) as session:
            session.execute(
                update(JobRun)
                .where(JobRun.id == self.id, JobRun.status == JobStatus.RUNNING)
                .values(
                    progress=max(0.0, min(1.0, float(fraction))),
                    message=str(message)[:500] or "running",
                )
            )

    def cancelled(self, *, fresh: bool = False) -> bool:
        """True once the run must stop: cancelled, failed by a sweep, or its service stops."""
        if self._signal.is_set():
            return True
        now = time.monotonic()
        if not fresh and now - self._last_check < self._every:
            return False
        self._last_check = now
        with session_scope(self._sessions, write=False) as session:
            row = session.execute(
                select(JobRun.status, JobRun.cancel_requested).where(JobRun.id == self.id)
            ).first()
        if row is None or row.status is not JobStatus.RUNNING or row.cancel_requested:
            self._signal.set()
        return self._signal.is_set()

    @contextmanager
    def complete(self, *, result_ref: str | None = None) -> Iterator[Session]:
        """The transaction that keeps the result and marks the run succeeded, together."""
        if self.cancelled(fresh=True):
            raise JobStopped
        with session_scope(self._sessions) as session:
            yield session
            transition(
                session,
                JobRun,
                self.id,
                JobRun.status,
                JobStatus.RUNNING,
                JobStatus.SUCCEEDED,
                progress=1.0,
                message="done",
                result_ref=result_ref,
                finished_at=clock.now(),
            )
        self.completed = True

    def start(self, runner_id: str | None) -> bool:
        try:
            with session_scope(self._sessions) as session:
                values: dict[str, Any] = {"started_at": clock.now(), "message": "running"}
                if runner_id is not None:
                    values.update(runner_id=runner_id, heartbeat_at=clock.now())
                run = transition(
                    session,
                    JobRun,
                    self.id,
                    JobRun.status,
                    JobStatus.QUEUED,
                    JobStatus.RUNNING,
                    **values,
                )
                self.payload = dict(run.payload)
        except BaotongError:  # cancelled or failed before it started, or gone
            return False
        return True

    def end(self, status: JobStatus, *, error: str | None = None, message: str = "") -> None:
        """End a run that is still running (a run already ended elsewhere stays as it is)."""
        try:
            with session_scope(self._sessions) as session:
                transition(
                    session,
                    JobRun,
                    self.id,
                    JobRun.status,
                    JobStatus.RUNNING,
                    status,
                    error=error,
                    message=message or status.value,
                    finished_at=clock.now(),
                )
        except ConflictError:
            pass
        log.info("job ended", job_id=self.id, kind=self.kind, status=status, error=error)


def execute(
    spec: JobSpec,
    sessions: sessionmaker[Session],
    *,
    signal: threading.Event | None = None,
    stopping: Callable[[], bool] = lambda: False,
    runner_id: str | None = None,
) -> None:
    """Run one job: start it, call its handler, record how it ended. Never raises."""
    job = Job(spec, sessions, signal)
    if stopping() or not job.start(runner_id):
        return
    log.info("job started", job_id=job.id, kind=job.kind)
    try:
        service.handler_for(spec.kind)(job)
        if not job.completed:
            with job.complete():
                pass
    except Exception as exc:
        if isinstance(exc, JobStopped) or job.cancelled(fresh=True):
            if stopping():
                job.end(
                    JobStatus.FAILED,
                    error=service.INTERRUPTED.format(status="running"),
                    message="interrupted",
                )
            else:
                job.end(JobStatus.CANCELLED, message="cancelled")
        elif isinstance(exc, BaotongError):
            job.end(JobStatus.FAILED, error=exc.message)
        else:
            log.exception("job crashed", job_id=job.id, kind=job.kind)
            job.end(JobStatus.FAILED, error=CRASHED)


@lru_cache(maxsize=8)
def _sessions_for(url: str) -> sessionmaker[Session]:
    return make_sessionmaker(make_engine(url))


def execute_remote(spec: JobSpec) -> None:
    """A job on a Dask worker: its handler's module registers the kind, the URL names the DB."""
    importlib.import_module(spec.module)
    execute(spec, _sessions_for(spec.settings.effective_database_url))


class Runner:
    """Runs the jobs this process enqueues, beats their heartbeat, sweeps runs and deadlines.

    Binding it to ``sessions`` makes every session of that factory submit its enqueued
    jobs here when it commits.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        *,
        executor: Executor | None = None,
        progress_every_s: float = 0.5,
        heartbeat_s: float | None = None,
    ) -> None:
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:64]
        self.settings = settings
        self._sessions = sessions
        sessions.configure(info={service.RUNNER: self})
        self._executor = executor or ThreadExecutor(settings.job_workers)
        self._every = progress_every_s
        self._heartbeat_s = (
            heartbeat_s if heartbeat_s is not None else settings.job_heartbeat_seconds
        )
        self._signals: dict[int, threading.Event] = {}
        self._futures: dict[int, Future[None]] = {}
        self._stop = threading.Event()
        self._signalled = threading.Event()
        self._beat_thread = threading.Thread(
            target=self._beat_loop, name="job-heartbeat", daemon=True
        )
        self._beat_thread.start()

    @property
    def stopping(self) -> bool:
        """True once every run of this runner has been told to stop."""
        return self._signalled.is_set()

    @property
    def stale_after(self) -> timedelta:
        """A run whose runner has not beaten for this long is abandoned."""
        return timedelta(seconds=STALE_BEATS * self._heartbeat_s)

    def beat(self) -> int:
        """Refresh this runner's runs and fail those of runners that stopped beating; how many."""
        with session_scope(self._sessions) as session:
            service.beat(session, runner_id=self.id)
            failed = service.fail_interrupted(session, stale_before=clock.now() - self.stale_after)
        if failed:
            log.warning("abandoned job runs marked failed", count=failed)
        return failed

    def sweep(self) -> None:
        """The periodic work: heartbeats, abandoned runs, due deadlines."""
        self.beat()
        service.fire_due(self._sessions)

    def _beat_loop(self) -> None:
        while not self._stop.wait(self._heartbeat_s):
            try:
                self.sweep()
            except Exception:  # a missed sweep is logged; the next one tries again
                log.exception("job sweep failed")

    def submit(self, job_id: int) -> Future[None]:
        """Run a queued job (done for you when the transaction that enqueued it commits)."""
        with session_scope(self._sessions) as session:
            session.execute(
                update(JobRun)
                .where(JobRun.id == job_id, JobRun.status == JobStatus.QUEUED)
                .values(runner_id=self.id, heartbeat_at=clock.now())
            )
            kind = session.scalar(select(JobRun.kind).where(JobRun.id == job_id))
        if kind is None:
            raise ValueError(f"Unknown job {job_id}.")
        spec = JobSpec(
            job_id, kind, service.handler_for(kind).__module__, self.settings, self._every
        )
        signal = self._signals.setdefault(job_id, threading.Event())
        future = self._executor.submit(
            spec,
            lambda: execute(
                spec, self._sessions, signal=signal, stopping=self._stop.is_set, runner_id=self.id
            ),
        )
        self._futures[job_id] = future
        future.add_done_callback(lambda done: self._done(job_id, done))
        return future

    def _done(self, job_id: int, future: Future[None]) -> None:
        self._futures.pop(job_id, None)
        self._signals.pop(job_id, None)
        error = future.exception() if not future.cancelled() else None
        if error is not None:  # the executor lost it (a Dask worker died)
            log.error("job lost by its executor", job_id=job_id, error=repr(error))
            with session_scope(self._sessions) as session:
                session.execute(
                    update(JobRun)
                    .where(JobRun.id == job_id, JobRun.status.in_(WAITING))
                    .values(
                        status=JobStatus.FAILED,
                        error=f"the worker was lost: {error}",
                        message="failed",
                        finished_at=clock.now(),
                    )
                )

    def signal(self, job_id: int) -> None:
        """Tell a running job of this process to stop now (its cancel flag is committed)."""
        event = self._signals.get(job_id)
        if event is not None:
            event.set()

    def wait(self, job_id: int, timeout: float | None = None) -> None:
        future = self._futures.get(job_id)
        if future is not None:
            future.result(timeout=timeout)

    def shutdown(self) -> None:
        """Stop: running jobs are interrupted, queued ones will not start; both fail now."""
        self._stop.set()
        for event in list(self._signals.values()):
            event.set()
        self._signalled.set()
        self._beat_thread.join(timeout=5)
        try:  # first, so that a run on another machine sees it and stops too
            with session_scope(self._sessions) as session:
                service.fail_interrupted(session, runner_id=self.id)
        except Exception:  # the heartbeat sweep of the next start covers them
            log.exception("could not mark the interrupted job runs at shutdown")
        self._executor.shutdown()
        self._sessions.configure(info={})
