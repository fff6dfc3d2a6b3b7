"""The supply clocks' deadline kinds: the reminder at 75 % and the deadline itself.

Each runs in the transaction that claims its deadline (``baotong.jobs.fire_due``), so a
reminder or an escalation and the deadline's firing land together, once.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from baotong import jobs
from baotong.supply import service


def clock_reminder(session: Session, deadline: jobs.Deadline) -> None:
    service.remind(session, clock_id=int(deadline.subject_id))


def clock_due(session: Session, deadline: jobs.Deadline) -> None:
    service.breach(session, clock_id=int(deadline.subject_id))


jobs.register_deadline(service.REMIND, clock_reminder)
jobs.register_deadline(service.DUE, clock_due)
