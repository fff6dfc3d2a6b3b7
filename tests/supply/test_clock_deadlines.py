"""The quote and confirm clocks as deadlines: reminded at 75 %, escalated at the deadline,
each once — across sweeps, restarts and two runners racing."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from tests.supply.conftest import START, People

from baotong import jobs
from baotong.audit.models import AuditEntry
from baotong.auth.models import User
from baotong.core import clock
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.notify.models import Notification
from baotong.supply import service
from baotong.supply.clocks import ClockKind
from baotong.supply.models import DemandTable, SupplyClock
from baotong.supply.schemas import QuoteLineIn


def _submitted(sessions: sessionmaker[Session], people: People, make: Callable[..., int]) -> int:
    table_id = make()
    with session_scope(sessions) as session:
        service.submit(session, table_id=table_id, principal=people.owner)
    return table_id


def _clock(sessions: sessionmaker[Session], table_id: int, kind: ClockKind) -> SupplyClock:
    with session_scope(sessions, write=False) as session:
        return session.scalars(
            select(SupplyClock).where(SupplyClock.table_id == table_id, SupplyClock.kind == kind)
        ).one()


def _escalations(sessions: sessionmaker[Session]) -> int:
    with session_scope(sessions, write=False) as session:
        return len(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == "demand_table.escalate")
            ).all()
        )


def _inbox(sessions: sessionmaker[Session]) -> Counter[tuple[str, str]]:
    """(recipient, notice key) of every notification sent."""
    with session_scope(sessions, write=False) as session:
        rows = session.execute(
            select(User.username, Notification.key).join(User, User.id == Notification.user_id)
        )
        return Counter((name, key) for name, key in rows)


def test_the_quote_clock_reminds_at_75_percent_and_escalates_at_24_hours(
    sessions: sessionmaker[Session],
    people: People,
    make_table: Callable[..., int],
    frozen: clock.FrozenClock,
) -> None:
    table_id = _submitted(sessions, people, make_table)
    frozen.advance(timedelta(hours=17, minutes=59))
    assert jobs.fire_due(sessions) == 0
    frozen.advance(timedelta(minutes=1))
    assert jobs.fire_due(sessions) == 1
    row = _clock(sessions, table_id, ClockKind.QUOTE)
    assert (row.reminded_at, row.breached_at) == (START + timedelta(hours=18), None)
    soon = "supply.notice.quote_due_soon"
    assert _inbox(sessions) == {
        ("sh_owner", soon): 1,
        ("sh_super", soon): 1,
        ("desk_agent", soon): 1,
    }
    frozen.advance(timedelta(hours=6))
    assert jobs.fire_due(sessions) == 1
    assert jobs.fire_due(sessions) == 0
    late = "supply.notice.quote_overdue"
    # the sourcing side's supervisor is alerted (and the owner and deputy told), once
    assert {k: n for k, n in _inbox(sessions).items() if k[1] == late} == {
        ("sh_owner", late): 1,
        ("sh_super", late): 1,
        ("desk_super", late): 1,
    }
    row = _clock(sessions, table_id, ClockKind.QUOTE)
    assert row.breached_at == START + timedelta(hours=24)
    with session_scope(sessions, write=False) as session:
        assert session.get(DemandTable, table_id).escalated  # type: ignore[union-attr]
    assert _escalations(sessions) == 1


def test_a_quote_in_time_cancels_the_reminder_and_starts_the_4_hour_clock(
    sessions: sessionmaker[Session],
    people: People,
    make_table: Callable[..., int],
    frozen: clock.FrozenClock,
) -> None:
    table_id = _submitted(sessions, people, make_table)
    frozen.advance(timedelta(hours=10))
    with session_scope(sessions) as session:
        lines = service.get_table(session, table_id, principal=people.agent).lines
        service.quote(
            session,
            table_id=table_id,
            principal=people.agent,
            lines=[
                QuoteLineIn(
                    line_id=ln.id,
                    supplier_code="SUP-JS-VEG" if ln.item_code == "KIT-VEG" else "SUP-ZJ-GRAIN",
                    unit_price=Decimal(10),
                    available_quantity=999,
                    lead_time_hours=12,
                )
                for ln in lines
            ],
        )
    frozen.advance(timedelta(hours=3))  # the confirm clock's 75 %
    assert jobs.fire_due(sessions) == 1
    frozen.advance(timedelta(hours=20))  # past both the confirm and the old quote deadline
    assert jobs.fire_due(sessions) == 1  # only the confirm deadline: the quote one was met
    quote = _clock(sessions, table_id, ClockKind.QUOTE)
    confirm = _clock(sessions, table_id, ClockKind.CONFIRM)
    assert (quote.met_by, quote.reminded_at, quote.breached_at) == ("desk_agent", None, None)
    assert confirm.reminded_at == START + timedelta(hours=13)
    assert confirm.breached_at == START + timedelta(hours=33)
    overdue = "supply.notice.confirm_overdue"  # the province's supervisor, not the desk's
    assert _inbox(sessions)[("sh_super", overdue)] == 1
    assert _inbox(sessions)[("desk_super", overdue)] == 0


def test_a_restart_fires_no_clock_again(
    sessions: sessionmaker[Session],
    people: People,
    make_table: Callable[..., int],
    db_engine: Engine,
    frozen: clock.FrozenClock,
) -> None:
    _submitted(sessions, people, make_table)
    frozen.advance(timedelta(hours=25))
    assert jobs.fire_due(sessions) == 2
    restarted = make_engine(db_engine.url.render_as_string(False))
    try:
        assert jobs.fire_due(make_sessionmaker(restarted)) == 0
    finally:
        restarted.dispose()
    assert _escalations(sessions) == 1


def test_two_runners_racing_escalate_each_table_once(
    sessions: sessionmaker[Session],
    people: People,
    make_table: Callable[..., int],
    db_engine: Engine,
    frozen: clock.FrozenClock,
) -> None:
    tables = [_submitted(sessions, people, make_table) for _ in range(6)]
    other = make_engine(db_engine.url.render_as_string(False))
    barrier = threading.Barrier(2)
    fired: list[int] = []

    def sweep(factory: sessionmaker[Session]) -> None:
        barrier.wait()
        fired.append(jobs.fire_due(factory))

    frozen.advance(timedelta(days=2))  # a clock jump: reminder and deadline due at once
    try:
        threads = [
            threading.Thread(target=sweep, args=(f,)) for f in (sessions, make_sessionmaker(other))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        other.dispose()
    assert sum(fired) == 2 * len(tables)
    assert _escalations(sessions) == len(tables)
    assert _inbox(sessions)[("desk_super", "supply.notice.quote_overdue")] == len(tables)
    with session_scope(sessions, write=False) as session:
        rows = session.scalars(select(SupplyClock)).all()
        assert all(r.reminded_at and r.breached_at for r in rows)


def test_overdue_lists_running_clocks_past_or_near_their_deadline(
    sessions: sessionmaker[Session],
    people: People,
    make_table: Callable[..., int],
    frozen: clock.FrozenClock,
) -> None:
    late = _submitted(sessions, people, make_table)
    frozen.advance(timedelta(hours=23))
    soon = _submitted(sessions, people, make_table)
    with session_scope(sessions, write=False) as session:
        found = service.overdue(session, principal=people.agent, within=timedelta(hours=2))
        assert [c.table_id for c in found.items] == [late]
        assert service.overdue(session, principal=people.outsider).total == 0
    assert soon
