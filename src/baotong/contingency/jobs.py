"""Plan runs in a bounded worker pool, with their state kept in the database.

Threads, not processes: the HiGHS solve releases the GIL, the network (tens of thousands
of stations and the OD matrix) is shared in memory instead of pickled to each worker, and
a cancel request is a flag the planner polls. Each step of a run (running, progress,
result, failure) is its own short transaction, so the API reads the state at any time.
Every runner beats a heartbeat on its runs; a run whose runner stopped beating (the
process died) is marked failed with the reason — at startup and by every runner's
periodic sweep, so several service processes can share one database.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from baotong.contingency import service
from baotong.contingency.document import PlanDocument
from baotong.contingency.engine import plan
from baotong.contingency.models import PlanRun
from baotong.contingency.scenario import Scenario
from baotong.core import clock
from baotong.core.exceptions import BaotongError
from baotong.db.session import session_scope
from baotong.network.entities import Network
from baotong.network.service import effective_network

log = structlog.get_logger("baotong.jobs")
INTERRUPTED = "interrupted: the service stopped while this plan was {status}; run it again."
STALE_BEATS = 3


class PlanEngine(Protocol):
    """Computes the plan document of a stored scenario body on a network."""

    def __call__(
        self,
        network: Network,
        scenario: dict[str, Any],
        on_progress: Callable[..., None],
        should_cancel: Callable[[], bool],
    ) -> PlanDocument: ...


def planner_engine(
    network: Network,
    scenario: dict[str, Any],
    on_progress: Callable[..., None],
    should_cancel: Callable[[], bool],
) -> PlanDocument:
    """The contingency planner (``baotong.contingency.engine.plan``)."""
    result = plan(
        network,
        Scenario.model_validate(scenario),
        on_progress=on_progress,
        should_cancel=should_cancel,
    )
    return result.document()


def recover_interrupted(session: Session, *, stale_before: datetime | None = None) -> int:
    """Mark runs whose process stopped as failed; how many there were.

    A queued or running run is abandoned when its runner's last heartbeat is older than
    ``stale_before``; with None every queued or running run is (one process per database).
    """
    query = select(PlanRun).where(PlanRun.status.in_((service.QUEUED, service.RUNNING)))
    if stale_before is not None:
        query = query.where(
            or_(PlanRun.heartbeat_at.is_(None), PlanRun.heartbeat_at < stale_before)
        )
    count = 0
    for run in session.scalars(query):
        run.error = INTERRUPTED.format(status=run.status)
        run.message = "interrupted"
        run.status = service.FAILED
        run.finished_at = clock.now()
        count += 1
    session.flush()
    return count


class PlanRunner:
    """A bounded pool of plan workers for one service process."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        network: Callable[[], Network],
        *,
        engine: PlanEngine = planner_engine,
        workers: int = 2,
        progress_every_s: float = 0.5,
        heartbeat_s: float = 10.0,
    ) -> None:
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:64]
        self._sessions = sessions
        self._network = network
        self._engine = engine
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="plan")
        self._cancel: dict[int, threading.Event] = {}
        self._futures: dict[int, Future[None]] = {}
        self._every = progress_every_s
        self._heartbeat_s = heartbeat_s
        self._stop = threading.Event()
        self._signalled = threading.Event()
        self._beat_thread = threading.Thread(
            target=self._beat_loop, name="plan-heartbeat", daemon=True
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
        """Refresh this runner's runs, fail the runs of runners that stopped beating."""
        now = clock.now()
        with session_scope(self._sessions) as session:
            session.execute(
                update(PlanRun)
                .where(
                    PlanRun.runner_id == self.id,
                    PlanRun.status.in_((service.QUEUED, service.RUNNING)),
                )
                .values(heartbeat_at=now)
            )
            failed = recover_interrupted(session, stale_before=now - self.stale_after)
        if failed:
            log.warning("abandoned plan runs marked failed", count=failed)
        return failed

    def _beat_loop(self) -> None:
        while not self._stop.wait(self._heartbeat_s):
            try:
                self.beat()
            except Exception:  # a missed beat is logged; the next one tries again
                log.exception("plan heartbeat failed")

    def submit(self, plan_id: int) -> Future[None]:
        with session_scope(self._sessions) as session:
            session.execute(
                update(PlanRun)
                .where(PlanRun.id == plan_id, PlanRun.status == service.QUEUED)
                .values(runner_id=self.id, heartbeat_at=clock.now())
            )
        self._cancel[plan_id] = threading.Event()
        future = self._pool.submit(self._work, plan_id)
        self._futures[plan_id] = future
        future.add_done_callback(lambda _: self._futures.pop(plan_id, None))
        return future

    def cancel(self, plan_id: int) -> None:
        event = self._cancel.get(plan_id)
        if event is not None:
            event.set()

    def wait(self, plan_id: int, timeout: float | None = None) -> None:
        future = self._futures.get(plan_id)
        if future is not None:
            future.result(timeout=timeout)

    def shutdown(self) -> None:
        """Stop: running plans are interrupted, queued ones will not start; both fail now."""
        self._stop.set()
        for event in list(self._cancel.values()):
            event.set()
        self._signalled.set()
        self._beat_thread.join(timeout=5)
        self._pool.shutdown(wait=True, cancel_futures=True)
        try:
            with session_scope(self._sessions) as session:
                left = session.scalars(
                    select(PlanRun).where(
                        PlanRun.runner_id == self.id,
                        PlanRun.status.in_((service.QUEUED, service.RUNNING)),
                    )
                )
                for run in left:
                    run.error = INTERRUPTED.format(status=run.status)
                    run.status, run.message = service.FAILED, "interrupted"
                    run.finished_at = clock.now()
        except Exception:  # the heartbeat sweep of the next start covers them
            log.exception("could not mark the interrupted plan runs at shutdown")

    # -- one run ----------------------------------------------------------------------
    def _work(self, plan_id: int) -> None:
        event = self._cancel.setdefault(plan_id, threading.Event())
        if self._stop.is_set():  # shutting down: it stays queued, shutdown fails it
            return
        try:
            self._run(plan_id, event)
        except Exception:  # a worker never dies silently: the run records the failure
            log.exception("plan run crashed", plan_id=plan_id)
            self._finish(
                plan_id,
                service.FAILED,
                error="internal error while computing; see the service log.",
            )
        finally:
            self._cancel.pop(plan_id, None)

    def _run(self, plan_id: int, event: threading.Event) -> None:
        with session_scope(self._sessions) as session:
            started = session.execute(
                update(PlanRun)
                .where(
                    PlanRun.id == plan_id,
                    PlanRun.status == service.QUEUED,
                    PlanRun.cancel_requested.is_(False),
                )
                .values(
                    status=service.RUNNING,
                    started_at=clock.now(),
                    message="running",
                    runner_id=self.id,
                    heartbeat_at=clock.now(),
                )
            ).rowcount  # type: ignore[attr-defined]
            run = session.get(PlanRun, plan_id)
            if not started or run is None:
                return
            body = dict(run.scenario_body)
            network = effective_network(session, network=self._network())
        log.info("plan run started", plan_id=plan_id)
        last = [0.0]

        checked = [0.0]

        def should_cancel() -> bool:
            if event.is_set():
                return True
            now = time.monotonic()
            if now - checked[0] < self._every:
                return False
            checked[0] = now
            with session_scope(self._sessions, write=False) as s:
                flag = s.scalar(select(PlanRun.cancel_requested).where(PlanRun.id == plan_id))
            if flag:
                event.set()
            return bool(flag)

        def on_progress(fraction: float, message: str = "", *_: Any, **__: Any) -> None:
            if event.is_set():
                return  # never raise into the solver's callback; should_cancel stops it
            now = time.monotonic()
            if now - last[0] < self._every and fraction < 1.0:
                return
            last[0] = now
            with session_scope(self._sessions) as s:
                s.execute(
                    update(PlanRun)
                    .where(PlanRun.id == plan_id, PlanRun.status == service.RUNNING)
                    .values(
                        progress=max(0.0, min(1.0, float(fraction))),
                        message=str(message)[:500] or "running",
                    )
                )

        try:
            result = self._engine(network, body, on_progress, should_cancel)
        except BaotongError as exc:
            if event.is_set():
                self._stopped(plan_id)
            else:
                self._finish(plan_id, service.FAILED, error=exc.message)
            return
        except Exception:
            if not event.is_set():
                raise
            self._stopped(plan_id)
            return
        if event.is_set():
            self._stopped(plan_id)
            return
        with session_scope(self._sessions) as session:
            run = session.get(PlanRun, plan_id)
            if run is None:
                return
            service.store_result(session, run=run, result=result)
            run.status, run.progress, run.message = service.SUCCEEDED, 1.0, "done"
            run.finished_at = clock.now()
        log.info("plan run finished", plan_id=plan_id)

    def _stopped(self, plan_id: int) -> None:
        """A run that stopped early: cancelled by a user, or cut off by a shutdown."""
        if self._stop.is_set():
            self._finish(plan_id, service.FAILED, error=INTERRUPTED.format(status="running"))
        else:
            self._finish(plan_id, service.CANCELLED, message="cancelled")

    def _finish(
        self, plan_id: int, status: str, *, error: str | None = None, message: str | None = None
    ) -> None:
        with session_scope(self._sessions) as session:
            session.execute(
                update(PlanRun)
                .where(PlanRun.id == plan_id)
                .values(
                    status=status, error=error, message=message or status, finished_at=clock.now()
                )
            )
        log.info("plan run ended", plan_id=plan_id, status=status, error=error)
