"""Background work: job runs and deadlines, one runner for every domain.

A domain registers what it runs in the background and what it does when something
falls due; it never starts threads or polls on its own::

    from baotong import jobs

    def compute(job: jobs.Job) -> None: ...
    jobs.register("plan.compute", compute)
    jobs.enqueue(session, "plan.compute", {"plan_id": 7})  # runs once the request commits

    def overdue(session: Session, deadline: jobs.Deadline) -> None: ...
    jobs.register_deadline("ticket.sla", overdue)
    jobs.schedule(session, kind="ticket.sla", subject_type="ticket", subject_id="42",
                  due_at=clock.now() + timedelta(hours=4))

    def sweep(session: Session, run: jobs.Pass) -> None:
        for row_id in rows_to_check(session):
            run.unit(f"row {row_id}", lambda: check(session, row_id))  # a savepoint each
    jobs.register_recurring("ticket.sweep", sweep, every=timedelta(minutes=5))

A recurring sweep's next pass is scheduled by the jobs layer whatever the outcome of the
pass; a unit that fails is undone and recorded on the pass's deadline, and the other
units go on.
"""

from baotong.jobs.models import Deadline, DeadlineState, JobRun, JobStatus
from baotong.jobs.runner import Job, JobStopped, Runner
from baotong.jobs.service import (
    Pass,
    cancel,
    cancel_deadlines,
    enqueue,
    ensure_recurring,
    fire_due,
    get_job,
    register,
    register_deadline,
    register_recurring,
    schedule,
    start_recurring,
)

__all__ = [
    "Deadline",
    "DeadlineState",
    "Job",
    "JobRun",
    "JobStatus",
    "JobStopped",
    "Pass",
    "Runner",
    "cancel",
    "cancel_deadlines",
    "enqueue",
    "ensure_recurring",
    "fire_due",
    "get_job",
    "register",
    "register_deadline",
    "register_recurring",
    "schedule",
    "start_recurring",
]
