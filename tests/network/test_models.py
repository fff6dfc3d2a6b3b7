"""Rows keep timezone-aware datetimes and refuse naive ones, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker

from baotong.db.session import session_scope
from baotong.network.models import SiteStatusChange


def test_an_aware_datetime_comes_back_as_the_same_instant_in_utc(
    seeded: sessionmaker[Session],
) -> None:
    beijing = datetime(2022, 4, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    with session_scope(seeded) as session:
        row = SiteStatusChange(
            site_id="ZZ",
            status="closed",
            reason="x",
            since=beijing,
            expected_reopening=None,
            changed_by="t",
        )
        session.add(row)
        session.flush()
        row_id = row.id
    with session_scope(seeded, write=False) as session:
        stored = session.get(SiteStatusChange, row_id)
        assert stored is not None
        assert stored.since == beijing
        assert stored.since.tzinfo is not None
        assert stored.since.utcoffset() == timedelta(0)
        assert stored.since == datetime(2022, 4, 1, 0, 0, tzinfo=UTC)


def test_a_naive_datetime_is_refused(seeded: sessionmaker[Session]) -> None:
    naive = datetime(2022, 4, 1, 8, 0)  # noqa: DTZ001 - the point of the test
    row = SiteStatusChange(
        site_id="ZZ",
        status="closed",
        reason="x",
        since=naive,
        expected_reopening=None,
        changed_by="t",
    )
    with session_scope(seeded, write=False) as session:
        session.add(row)
        with pytest.raises(StatementError, match="naive"):
            session.flush()
        session.rollback()
