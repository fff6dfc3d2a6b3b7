"""Tracking: waybill numbers, idempotent bulk ingest, lockdown notices computed at lookup,
the traffic generator, and announcements — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.db.session import session_scope
from baotong.network import service as network_service
from baotong.network.entities import Network, SiteStatus
from baotong.tracking import files, s10
from baotong.tracking import service as tracking
from baotong.tracking.generate import GenerateParams, generate
from baotong.tracking.models import AnnouncementState, MailItem, ScanEvent, ScanKind
from baotong.tracking.schemas import AnnouncementCreate, EventIn

from ..conftest import staff
from .conftest import HENAN_ITEM, T0, Lockdown, scans


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("RR473124829GB", True),
        ("EE123456785CN", True),
        ("EE123456780CN", False),
        ("CP000000014CN", True),
        ("EE12345678CN", False),
    ],
)
def test_the_s10_check_digit_accepts_real_numbers_and_refuses_typos(
    number: str, valid: bool
) -> None:
    assert s10.is_valid(number) is valid


def test_a_check_digit_of_ten_is_written_0_and_of_eleven_5() -> None:
    assert s10.check_digit("00000900") == 0  # 9 × 5 = 45 ≡ 1 (mod 11): 11 - 1 = 10 → 0
    assert s10.check_digit("00000000") == 5  # 0 ≡ 0: 11 - 0 = 11 → 5
    assert all(s10.is_valid(s10.make("CP", n)) for n in range(0, 2000, 7))


def test_a_typo_in_the_number_is_refused_with_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        s10.normalise("EE123456780CN")
    assert refused.value.code == "tracking.bad_check_digit"


def test_ingesting_the_same_scans_twice_stores_them_once(
    seeded: sessionmaker[Session], network: Network, items: dict[str, str]
) -> None:
    with session_scope(seeded) as session:
        again = tracking.ingest(
            session,
            network=network,
            events=scans(HENAN_ITEM) + scans(HENAN_ITEM),
            principal=staff(),
        )
        assert (again.events_received, again.events_added) == (6, 0)
        new = EventIn(number=HENAN_ITEM, event="arrived", site_id="ZZ", at=T0 + timedelta(hours=9))
        twice = tracking.ingest(session, network=network, events=[new, new], principal=staff())
        assert twice.events_added == 1
    with session_scope(seeded, write=False) as session:
        assert session.scalar(select(func.count()).select_from(ScanEvent)) == 7


def test_a_scan_of_an_unknown_item_rejects_the_whole_batch(
    seeded: sessionmaker[Session], network: Network, items: dict[str, str]
) -> None:
    stranger = s10.make("CP", 99)
    batch = [
        EventIn(number=HENAN_ITEM, event="arrived", site_id="ZZ", at=T0),
        EventIn(number=stranger, event="arrived", site_id="ZZ", at=T0),
    ]
    with session_scope(seeded) as session, pytest.raises(ValidationError) as refused:
        tracking.ingest(session, network=network, events=batch, principal=staff())
    assert refused.value.field == "events[1].number"
    with session_scope(seeded, write=False) as session:
        assert session.scalar(select(func.count()).select_from(ScanEvent)) == 6


def test_a_csv_file_names_the_row_and_field_of_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "scans.csv"
    path.write_text(
        f"number,event,site_id,at\n{HENAN_ITEM},arrived,ZZ,2026-12-01T10:00:00+00:00\n"
        f"{HENAN_ITEM},teleported,ZZ,2026-12-01T11:00:00+00:00\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as refused:
        files.read(path)
    assert (refused.value.file, refused.value.row, refused.value.field) == ("scans.csv", 3, "event")


def test_json_lines_carry_items_and_events() -> None:
    text = (
        f'{{"number": "{HENAN_ITEM}", "product_class": "ems", "origin_site_id": "XA", '
        '"dest_region_code": "410101"}\n'
        f'{{"number": "{HENAN_ITEM}", "event": "accepted", "site_id": "XA", '
        '"at": "2026-12-01T08:00:00Z"}\n'
    )
    found_items, found_events = files.parse("batch.jsonl", text)
    assert [i.number for i in found_items] == [HENAN_ITEM]
    assert [e.event for e in found_events] == ["accepted"]


def test_an_item_bound_for_the_locked_area_shows_the_notice_until_the_plan_is_lifted(
    seeded: sessionmaker[Session], network: Network, items: dict[str, str], lockdown: Lockdown
) -> None:
    with session_scope(seeded, write=False) as session:
        assert tracking.track(session, network=network, number=items["henan"]).notices == []
    plan_id = lockdown.activate()
    with session_scope(seeded, write=False) as session:
        henan = tracking.track(session, network=network, number=items["henan"])
        hubei = tracking.track(session, network=network, number=items["hubei"])
    [notice] = henan.notices
    assert (notice.kind, notice.plan_id, notice.extra_hours) == ("lockdown", plan_id, 18.0)
    assert notice.backup_center_id != "ZZ"
    assert notice.area_code == "410000"
    assert hubei.notices == []
    lockdown.lift()
    with session_scope(seeded, write=False) as session:
        assert tracking.track(session, network=network, number=items["henan"]).notices == []


def test_a_route_through_a_closed_centre_shows_a_notice(
    seeded: sessionmaker[Session], network: Network, items: dict[str, str]
) -> None:
    with session_scope(seeded) as session:
        network_service.change_status(
            session,
            site_id="WH",
            status=SiteStatus.CLOSED,
            reason="flood",
            principal=staff(),
        )
        hubei = tracking.track(session, network=network, number=items["hubei"])
    assert [(n.kind, n.site_id) for n in hubei.notices] == [("closed_site", "WH")]


def test_the_public_view_has_no_contacts_and_staff_see_them(
    seeded: sessionmaker[Session], network: Network, items: dict[str, str]
) -> None:
    with session_scope(seeded, write=False) as session:
        public = tracking.track(session, network=network, number=items["henan"])
        inside = tracking.item_for_staff(
            session, network=network, number=items["henan"], principal=staff(province="410000")
        )
        with pytest.raises(NotFoundError):
            tracking.item_for_staff(
                session, network=network, number=items["henan"], principal=staff(province="370000")
            )
    assert "13800000001" not in public.model_dump_json()
    assert inside.sender_contact == "13800000001"
    assert [e.event for e in public.events] == ["accepted", "sorted", "dispatched"]


def test_generated_items_for_the_locked_area_pass_its_backup_centre(
    seeded: sessionmaker[Session], network: Network, lockdown: Lockdown
) -> None:
    lockdown.activate()
    with session_scope(seeded) as session:
        report = generate(
            session, network=network, params=GenerateParams(days=2, seed=3, items_per_day=300)
        )
    assert report.items > 400
    assert report.events > report.items
    assert report.rerouted > 0
    with session_scope(seeded, write=False) as session:
        henan = session.scalars(
            select(MailItem.id).where(MailItem.dest_province_code == "410000")
        ).all()
        arrived = set(
            session.scalars(
                select(ScanEvent.site_id).where(
                    ScanEvent.item_id.in_(henan), ScanEvent.kind == ScanKind.ARRIVED
                )
            )
        )
    assert henan
    assert arrived
    assert "ZZ" not in arrived


def test_announcements_are_published_and_shown_on_the_tracking(
    seeded: sessionmaker[Session], network: Network, items: dict[str, str]
) -> None:
    with session_scope(seeded) as session:
        row = tracking.create_announcement(
            session,
            data=AnnouncementCreate(title="河南邮件延误", province_code="410000"),
            principal=staff(province="410000"),
        )
        assert tracking.track(session, network=network, number=items["henan"]).announcements == []
        tracking.set_announcement_state(
            session,
            announcement_id=row.id,
            state=AnnouncementState.PUBLISHED,
            principal=staff(province="410000"),
        )
        shown = tracking.track(session, network=network, number=items["henan"]).announcements
        assert [a.title for a in shown] == ["河南邮件延误"]
        assert tracking.track(session, network=network, number=items["hubei"]).announcements == []
        with pytest.raises(ConflictError):
            tracking.set_announcement_state(
                session,
                announcement_id=row.id,
                state=AnnouncementState.PUBLISHED,
                principal=staff(),
            )
        with pytest.raises(ValidationError):
            tracking.create_announcement(
                session,
                data=AnnouncementCreate(title="x", province_code="420000"),
                principal=staff(province="410000"),
            )


def test_on_postgresql_scans_land_in_a_partition_per_day(
    seeded: sessionmaker[Session], network: Network, items: dict[str, str]
) -> None:
    late = EventIn(number=HENAN_ITEM, event="arrived", site_id="ZZ", at=T0 + timedelta(days=2))
    with session_scope(seeded) as session:
        tracking.ingest(session, network=network, events=[late], principal=staff())
    with session_scope(seeded, write=False) as session:
        if session.connection().dialect.name != "postgresql":
            assert session.scalar(select(func.count()).select_from(ScanEvent)) == 7
            return
        placed = dict(
            session.execute(
                text("SELECT tableoid::regclass::text, count(*) FROM scan_events GROUP BY 1")
            ).all()
        )
    assert placed == {"scan_days.scan_events_20261201": 6, "scan_days.scan_events_20261203": 1}


def test_pruning_forgets_whole_days_before_the_retention_and_keeps_the_rest(
    seeded: sessionmaker[Session], network: Network, items: dict[str, str]
) -> None:
    # The fixture's six scans are on 1 December; one more on the 3rd.
    late = EventIn(number=HENAN_ITEM, event="arrived", site_id="ZZ", at=T0 + timedelta(days=2))
    with session_scope(seeded) as session:
        tracking.ingest(session, network=network, events=[late], principal=staff())
    with session_scope(seeded) as session:  # on the 3rd, keeping one day: the 1st goes
        report = tracking.prune_scans(
            session, keep_days=1, principal=staff(), now=T0 + timedelta(days=2, hours=3)
        )
    assert report.cut.isoformat() == "2026-12-02"
    assert report.events_deleted == (0 if report.partitions_dropped else 6)
    with session_scope(seeded, write=False) as session:
        left = session.execute(select(ScanEvent.at)).scalars().all()
        assert left == [T0 + timedelta(days=2)]
        assert session.get(MailItem, session.scalar(select(MailItem.id).limit(1))) is not None
        if session.connection().dialect.name == "postgresql":
            assert report.partitions_dropped >= 1  # the 1st's, and older ones of other tests
            tables = session.scalars(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'scan_days'")
            ).all()
            assert "scan_events_20261201" not in tables
            assert "scan_events_20261203" in tables
    # A late scan of the forgotten day is stored again (its partition is made anew).
    with session_scope(seeded) as session:
        again = tracking.ingest(session, network=network, events=scans(HENAN_ITEM)[:1],
                                principal=staff())  # fmt: skip
    assert again.events_added == 1


def test_the_daily_retention_pass_forgets_old_scans_and_schedules_the_next_day(
    seeded: sessionmaker[Session], network: Network, items: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from baotong import jobs
    from baotong.config import get_settings
    from baotong.core import clock
    from baotong.jobs.models import Deadline, DeadlineState
    from baotong.tracking.jobs import PRUNE

    monkeypatch.setenv("BAOTONG_SCAN_RETENTION_DAYS", "1")
    get_settings.cache_clear()
    try:
        with clock.frozen(T0 + timedelta(days=1)) as frozen:  # the scans are a day old
            with session_scope(seeded) as session:
                jobs.ensure_recurring(session, PRUNE)
            frozen.advance(timedelta(days=1))
            assert jobs.fire_due(seeded) == 1
    finally:
        get_settings.cache_clear()
    with session_scope(seeded, write=False) as session:
        assert session.scalar(select(func.count()).select_from(ScanEvent)) == 0
        passes = session.scalars(select(Deadline).where(Deadline.kind == PRUNE)
                                 .order_by(Deadline.due_at)).all()  # fmt: skip
        assert [p.state for p in passes] == [DeadlineState.FIRED, DeadlineState.PENDING]
        assert passes[1].due_at - passes[0].due_at == timedelta(days=1)
