"""Tracking's background work: once a day the scans older than the retention are
forgotten (``service.prune_scans``; ``BAOTONG_SCAN_RETENTION_DAYS``, 400 by default). The
jobs layer schedules the next pass whatever this one did."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from baotong import jobs
from baotong.auth.permissions import Principal
from baotong.config import get_settings
from baotong.tracking import service

PRUNE = "tracking.prune"
RETENTION = Principal.system("retention")


def prune(session: Session, run: jobs.Pass) -> None:
    """One pass: drop the days past the retention."""
    days = get_settings().scan_retention_days
    run.unit("scans", lambda: service.prune_scans(session, keep_days=days, principal=RETENTION))


jobs.register_recurring(PRUNE, prune, every=timedelta(days=1))
