"""The network's database side: seeding, status history, capacity overrides, scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from baotong.audit.models import AuditEntry
from baotong.core import clock
from baotong.core.exceptions import NotFoundError, ValidationError
from baotong.db.session import session_scope
from baotong.network import service
from baotong.network.entities import Network, ProductClass, SiteStatus
from baotong.network.models import SiteRow, SiteStatusChange

from ..conftest import staff


def test_seeding_twice_adds_nothing_the_second_time(
    sessions: sessionmaker[Session], network: Network
) -> None:
    with session_scope(sessions) as session:
        first = service.seed(session, network=network)
    with session_scope(sessions) as session:
        second = service.seed(session, network=network)
    counts = network.counts()
    assert first.sites_added == counts["centers"] + counts["hubs"] + counts["stations"]
    assert first.regions_added == len(network.regions)
    assert (second.regions_added, second.sites_added) == (0, 0)
    assert second.sites_total == first.sites_total


def test_the_reference_network_seeds_fully_and_idempotently(
    sessions: sessionmaker[Session], reference: Network
) -> None:
    with session_scope(sessions) as session:
        report = service.seed(session, network=reference)
    counts = reference.counts()
    assert report.sites_total == counts["centers"] + counts["hubs"] + counts["stations"]
    assert report.regions_total == len(reference.regions)
    with session_scope(sessions) as session:
        again = service.seed(session, network=reference)
        assert (again.regions_added, again.sites_added) == (0, 0)
        henan_stations = session.scalar(
            select(func.count())
            .select_from(SiteRow)
            .where(SiteRow.kind == "station", SiteRow.province_code == "410000")
        )
    assert henan_stations == sum(
        1 for s in reference.stations.values() if s.county_code.startswith("41")
    )


def test_a_status_change_is_history_current_status_and_audit_at_once(
    seeded: sessionmaker[Session],
) -> None:
    reopening = clock.now() + timedelta(days=3)
    with session_scope(seeded) as session:
        service.change_status(
            session,
            site_id="ZZ",
            status=SiteStatus.CLOSED,
            reason="lockdown",
            principal=staff("d"),
            expected_reopening=reopening,
        )
    with session_scope(seeded, write=False) as session:
        assert service.get_site(session, "ZZ", principal=staff()).status == "closed"
        [change] = service.status_history(session, "ZZ", principal=staff())
        assert (change.status, change.reason, change.changed_by) == ("closed", "lockdown", "d")
        assert change.expected_reopening == reopening
        entry = session.scalars(select(AuditEntry).where(AuditEntry.object_id == "ZZ")).one()
        assert (entry.before, entry.after) == (
            {"status": "open"},
            {"status": "closed", "reason": "lockdown"},
        )


def test_a_rolled_back_change_leaves_no_history_and_no_audit(seeded: sessionmaker[Session]) -> None:
    def close_then_fail() -> None:
        with session_scope(seeded) as session:
            service.change_status(
                session, site_id="ZZ", status=SiteStatus.CLOSED, reason="x", principal=staff("d")
            )
            raise RuntimeError("the caller's next step failed")

    with pytest.raises(RuntimeError):
        close_then_fail()
    with session_scope(seeded, write=False) as session:
        assert session.scalar(select(func.count()).select_from(SiteStatusChange)) == 0
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
        assert service.get_site(session, "ZZ", principal=staff()).status == "open"


def test_reopening_before_the_closure_is_refused(seeded: sessionmaker[Session]) -> None:
    with pytest.raises(ValidationError) as caught, session_scope(seeded) as session:
        service.change_status(
            session,
            site_id="ZZ",
            status=SiteStatus.CLOSED,
            reason="x",
            principal=staff("d"),
            expected_reopening=clock.now() - timedelta(hours=1),
        )
    assert caught.value.field == "expected_reopening"


def test_a_site_outside_the_scope_is_not_found(seeded: sessionmaker[Session]) -> None:
    with session_scope(seeded, write=False) as session:
        assert service.get_site(session, "ZZ", principal=staff(province="410000")).id == "ZZ"
        with pytest.raises(NotFoundError):
            service.get_site(session, "ZZ", principal=staff(province="420000"))


def test_the_effective_network_applies_status_and_overrides_in_force(
    seeded: sessionmaker[Session], network: Network
) -> None:
    now = clock.now()
    with session_scope(seeded) as session:
        service.change_status(
            session, site_id="WH", status=SiteStatus.LIMITED, reason="staff", principal=staff("d")
        )
        service.override_capacity(
            session,
            site_id="XA",
            capacity={ProductClass.PARCEL: 80_000},
            reason="half a shift",
            principal=staff("d"),
            valid_until=now + timedelta(days=1),
        )
        service.override_capacity(
            session,
            site_id="JN",
            capacity={ProductClass.PARCEL: 1.0},
            reason="later",
            principal=staff("d"),
            valid_from=now + timedelta(days=2),
        )
    with session_scope(seeded, write=False) as session:
        effective = service.effective_network(session, network=network)
    assert effective.centers["WH"].status is SiteStatus.LIMITED
    assert effective.centers["XA"].capacity[ProductClass.PARCEL] == 80_000
    assert effective.centers["JN"].capacity == network.centers["JN"].capacity
    assert network.centers["WH"].status is SiteStatus.OPEN  # the loaded network is untouched


def test_only_a_centre_has_a_capacity_and_it_must_be_positive(
    seeded: sessionmaker[Session],
) -> None:
    with pytest.raises(ValidationError) as caught, session_scope(seeded) as session:
        service.override_capacity(
            session,
            site_id="S4101010",
            capacity={ProductClass.PARCEL: 5},
            reason="x",
            principal=staff("d"),
        )
    assert caught.value.field == "site_id"
    with pytest.raises(ValidationError) as caught, session_scope(seeded) as session:
        service.override_capacity(
            session,
            site_id="ZZ",
            capacity={ProductClass.PARCEL: 0},
            reason="x",
            principal=staff("d"),
        )
    assert caught.value.field == "capacity"
