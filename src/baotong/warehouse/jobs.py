"""The warehouse's background work: the sweep that turns supply tables' goods into
expected receipts.

Every ``SWEEP_SECONDS`` the job runner fires ``warehouse.supply_receipts``: it announces
at each province's supply warehouse (its consolidation point, else its central warehouse)
what allocated, arriving or received demand tables owe it and have not announced yet
(``inbound.expect_all_from_supply``), each table in a savepoint of its own: a table that
fails is undone and named with its reason on the pass's deadline, and the others are
announced. The jobs layer schedules the next pass whatever this one did. Each line of
goods is claimed under a unique key, so two runners or a restart never announce it twice;
a province without a warehouse is logged and retried on the next pass.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from baotong import jobs
from baotong.warehouse import inbound

SWEEP = "warehouse.supply_receipts"
SWEEP_SECONDS = 300


def sweep(session: Session, run: jobs.Pass) -> None:
    """One pass: announce what is new, one table at a time."""
    inbound.expect_all_from_supply(session, run=run)


def ensure_sweep(session: Session) -> None:
    """Schedule the sweep unless a pass is pending."""
    jobs.ensure_recurring(session, SWEEP)


jobs.register_recurring(SWEEP, sweep, every=timedelta(seconds=SWEEP_SECONDS))
