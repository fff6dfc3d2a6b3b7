"""Transport's deadlines: a warning before a granted credential expires, and its expiry at
the end of its last day (both fired once by the platform's sweep)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from baotong import jobs
from baotong.jobs.models import Deadline
from baotong.transport import service
from baotong.transport.models import Credential


def _warn(session: Session, deadline: Deadline) -> None:
    row = session.get(Credential, int(deadline.subject_id))
    if row is not None:
        service.warn_expiring(session, row)


def _expire(session: Session, deadline: Deadline) -> None:
    service.expire(session, int(deadline.subject_id))


jobs.register_deadline(service.WARNING, _warn)
jobs.register_deadline(service.EXPIRY, _expire)
