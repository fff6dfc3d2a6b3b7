"""``create_app()``: the FastAPI application — API, console pages, errors, the job runner.

On startup it starts the job runner and sweeps once (job runs a dead process left behind
are failed, due deadlines fire); on shutdown it stops the runner. Everything a request
needs hangs off ``app.state.context``.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path

import structlog
from anyio import CapacityLimiter
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from baotong import routes, web
from baotong.api import errors
from baotong.api.context import ServiceContext
from baotong.api.middleware import RequestLimits, SecurityHeaders
from baotong.auth.tokens import secret_key
from baotong.command import jobs as command_jobs  # noqa: F401  (registers its deadline kinds)
from baotong.config import Settings, get_settings
from baotong.contingency import jobs as contingency_jobs
from baotong.contingency.jobs import PlanEngine, planner_engine
from baotong.db.session import make_engine, make_sessionmaker
from baotong.jobs import Runner, start_recurring
from baotong.jobs.executors import executor_for
from baotong.network.entities import Network
from baotong.network.reference import load_active
from baotong.notify import jobs as notify_jobs  # noqa: F401  (the email job)
from baotong.supply import jobs as supply_jobs  # noqa: F401  (the supply clocks' deadlines)
from baotong.tracking import jobs as tracking_jobs  # noqa: F401  (the daily scan retention pass)
from baotong.transport import jobs as transport_jobs  # noqa: F401  (route plans, pass expiry)
from baotong.warehouse import jobs as warehouse_jobs  # noqa: F401  (the supply receipts sweep)

STATIC = Path(web.__file__).parent / "static"
TRANSACTION_THREADS = 40  # each to begin and to end requests' transactions (api.deps)
log = structlog.get_logger("baotong.app")


def configure_logging(level: int = logging.INFO) -> None:
    """Structured logs: key=value lines with a UTC timestamp."""
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.KeyValueRenderer(key_order=["timestamp", "level", "event"]),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
    )


def default_network_loader(settings: Settings) -> Callable[[], Network]:
    """The network the service plans on: the active one of the data directory."""

    def load() -> Network:
        return load_active(settings)

    return load


def create_app(
    settings: Settings | None = None,
    *,
    network: Callable[[], Network] | None = None,
    engine: PlanEngine = planner_engine,
) -> FastAPI:
    """The Baotong service. ``network`` and ``engine`` are replaceable for tests."""
    settings = settings or get_settings()
    db_engine = make_engine(settings.effective_database_url)
    sessions = make_sessionmaker(db_engine)
    context = ServiceContext(
        settings=settings,
        engine=db_engine,
        sessions=sessions,
        key=secret_key(settings),
        load_network=network or default_network_loader(settings),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        contingency_jobs.use(network=lambda: context.network, engine=engine)
        context.beginnings = CapacityLimiter(TRANSACTION_THREADS)
        context.endings = CapacityLimiter(TRANSACTION_THREADS)
        context.steps = ThreadPoolExecutor(settings.step_threads, thread_name_prefix="step")
        context.runner = Runner(sessions, settings, executor=executor_for(settings))
        await run_in_threadpool(context.runner.sweep)  # runs of a stopped process fail now
        await run_in_threadpool(start_recurring, sessions)  # periodic sweeps pending
        network = await run_in_threadpool(lambda: context.network)  # load it once, now
        # What startup built lives as long as the process: kept out of the collector's
        # full passes, which took 100-230 ms with it (half a million objects, the network's
        # most) and stalled every request in flight.
        gc.freeze()
        log.info("service ready", network=network.name, **network.counts())
        try:
            yield
        finally:
            gc.unfreeze()  # collectable again once the service stops (tests start many)
            context.steps.shutdown()
            context.runner.shutdown()
            db_engine.dispose()

    app = FastAPI(
        title="Baotong 保通",
        version="0.1.0",
        lifespan=lifespan,
        description="Keep supplies and mail moving through a lockdown.",
    )
    app.state.context = context
    app.add_middleware(RequestLimits, limit=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)  # outermost: every answer carries the headers
    errors.install(app)
    routes.include(app)
    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
