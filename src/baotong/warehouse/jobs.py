"""The warehouse's background work: the sweep that turns supply tables' goods into
expected receipts.

Every ``SWEEP_SECONDS`` the job runner fires ``warehouse.supply_receipts``: it announces
at each province's supply warehouse (its consolidation point, else its central warehouse)
what allocated, arriving or received demand tables owe it and have not announced yet
(``inbound.expect_all_from_supply``), then schedules the next pass. Each line of goods is
claimed under a unique key, so two runners or a restart never announce it twice; a
province without a warehouse is logged and retried on the next pass.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong import jobs
from baotong.core import clock
from baotong.jobs.models import Deadline, DeadlineState
from baotong.warehouse import inbound

SWEEP = "warehouse.supply_receipts"
SWEEP_SECONDS = 300


def sweep(session: Session, deadline: jobs.Deadline) -> None:
    """One pass: announce what is new, then schedule the next pass."""
    inbound.expect_all_from_supply(session)
    _schedule(session)


def ensure_sweep(session: Session) -> None:
    """Schedule the sweep unless a pass is pending."""
    pending = session.scalar(
        select(Deadline.id).where(Deadline.kind == SWEEP, Deadline.state == DeadlineState.PENDING)
    )
    if pending is None:
        _schedule(session)


def _schedule(session: Session) -> None:
    jobs.schedule(
        session,
        kind=SWEEP,
        subject_type="supply_receipts",
        subject_id="all",
        due_at=clock.now() + timedelta(seconds=SWEEP_SECONDS),
    )


jobs.register_deadline(SWEEP, sweep)
jobs.register_recurring(ensure_sweep)
