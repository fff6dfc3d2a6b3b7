"""Where job handlers run: threads of this process, or the workers of a Dask cluster.

Threads by default: a plan's HiGHS solve releases the GIL and the network stays shared
in memory. With ``BAOTONG_DASK_SCHEDULER=tcp://host:port`` the handlers run on that
cluster's workers, so several service processes and machines share the work;
``BAOTONG_DASK_SCHEDULER=local`` starts a ``LocalCluster`` inside this process (workers
are threads, the tasks still go through the scheduler), for development and tests.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from baotong.config import Settings
    from baotong.jobs.runner import JobSpec


class Executor(Protocol):
    def submit(self, spec: JobSpec, run_here: Callable[[], None]) -> Future[None]:
        """Run a job: ``run_here`` in this process, or ``spec`` on a worker elsewhere."""

    def shutdown(self) -> None:
        """Stop; jobs not started yet are dropped."""


class ThreadExecutor:
    """A bounded pool of threads of this process."""

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="job")

    def submit(self, spec: JobSpec, run_here: Callable[[], None]) -> Future[None]:
        return self._pool.submit(run_here)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """The workers of a Dask cluster: ``scheduler`` is its address, or "local"."""

    def __init__(self, scheduler: str, *, workers: int = 2) -> None:
        from distributed import Client, LocalCluster

        self._cluster: Any = None
        if scheduler == "local":
            self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=1, threads_per_worker=workers, processes=False,
                dashboard_address=None,
            )  # fmt: skip
            scheduler = self._cluster.scheduler_address
        self._client: Any = Client(scheduler, set_as_default=False)  # type: ignore[no-untyped-call]

    def submit(self, spec: JobSpec, run_here: Callable[[], None]) -> Future[None]:
        from baotong.jobs.runner import execute_remote

        done: Future[None] = Future()
        remote = self._client.submit(execute_remote, spec, pure=False,
                                     key=f"job-{spec.job_id}-{id(done):x}")  # fmt: skip

        def settle(finished: Any) -> None:
            if finished.status == "finished":
                done.set_result(None)
            else:
                done.set_exception(RuntimeError(f"Dask task {finished.key} {finished.status}"))

        remote.add_done_callback(settle)
        return done

    def shutdown(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def executor_for(settings: Settings) -> Executor:
    """The executor the settings ask for."""
    if settings.dask_scheduler:
        return DaskExecutor(settings.dask_scheduler, workers=settings.job_workers)
    return ThreadExecutor(settings.job_workers)
