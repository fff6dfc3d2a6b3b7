"""A supplier's daily capacity is claimed safely: allocations racing for the same units on
SQLite and PostgreSQL never promise more than the supplier can deliver, and the one that
comes too late is told which supplier, day, capacity and units."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.supply.conftest import START, People, line

from baotong.core import clock
from baotong.core.exceptions import ConflictError
from baotong.db.session import session_scope
from baotong.supply import allocation as engine
from baotong.supply import fulfilment, service
from baotong.supply.models import Allocation, SupplierDay
from baotong.supply.schemas import DecisionIn, QuoteLineIn

GRAIN, CAPACITY = "SUP-ZJ-GRAIN", 40_000  # the bundled catalogue's grain supplier


def contracted(
    sessions: sessionmaker[Session], people: People, make_table: Callable[..., int], bags: int
) -> int:
    """A table of ``bags`` bags of rice from the grain supplier, contracted."""
    table_id = make_table([line("FOOD-RICE-5", bags)])
    with session_scope(sessions) as session:
        (rice,) = (
            ln.id for ln in service.get_table(session, table_id, principal=people.owner).lines
        )
        service.submit(session, table_id=table_id, principal=people.owner)
        service.quote(
            session,
            table_id=table_id,
            principal=people.agent,
            lines=[
                QuoteLineIn(
                    line_id=rice,
                    supplier_code=GRAIN,
                    unit_price=Decimal("40"),
                    available_quantity=bags,
                    lead_time_hours=24,
                )
            ],
        )
        service.decide(
            session,
            table_id=table_id,
            principal=people.owner,
            decisions=[DecisionIn(line_id=rice, accept=True)],
        )
        fulfilment.contract(session, table_id=table_id, documents=[], principal=people.agent)
    return table_id


def _used(session: Session) -> dict[tuple[str, date], int]:
    return {
        (s, d): n
        for s, d, n in session.execute(
            select(SupplierDay.supplier_code, SupplierDay.day, SupplierDay.used)
        )
    }


def _allocated(session: Session) -> dict[tuple[str, date], int]:
    return {
        (s, d): int(n)
        for s, d, n in session.execute(
            select(
                Allocation.supplier_code, Allocation.day, func.sum(Allocation.quantity)
            ).group_by(Allocation.supplier_code, Allocation.day)
        )
    }


def test_allocations_one_after_the_other_share_the_day_and_spill_to_the_next(
    sessions: sessionmaker[Session],
    people: People,
    make_table: Callable[..., int],
    frozen: clock.FrozenClock,
) -> None:
    first = contracted(sessions, people, make_table, 30_000)
    second = contracted(sessions, people, make_table, 30_000)
    for table_id in (first, second):
        with session_scope(sessions) as session:
            fulfilment.allocate(session, table_id=table_id, principal=people.agent)
    with session_scope(sessions) as session:
        today = START.date()
        assert _used(session)[(GRAIN, today)] == CAPACITY
        assert _used(session) == _allocated(session)
        assert sum(_used(session).values()) == 60_000


def test_a_stale_plan_is_refused_naming_supplier_day_capacity_and_units(
    sessions: sessionmaker[Session],
    people: People,
    make_table: Callable[..., int],
    frozen: clock.FrozenClock,
) -> None:
    table_id = contracted(sessions, people, make_table, 30_000)
    today = START.date()
    with session_scope(sessions) as session:
        session.add(SupplierDay(supplier_code=GRAIN, day=today, used=25_000))
    with session_scope(sessions) as session, pytest.raises(ConflictError) as refused:
        # planned as if the day were free: another allocation took 25 000 meanwhile
        fulfilment.claim_capacity(
            session, [engine.Piece(1, GRAIN, "FOOD-RICE-5", 30_000, today)], {GRAIN: CAPACITY}
        )
    error = refused.value
    assert error.code == "supply.capacity_exceeded"
    assert error.data["supplier"] == GRAIN
    assert error.data["day"] == today.isoformat()
    assert error.data["capacity"] == CAPACITY
    assert error.data["asked"] == 30_000
    assert error.data["used"] == 25_000
    assert GRAIN in str(error)
    assert "40000" in str(error)
    assert "30000" in str(error)
    with session_scope(sessions) as session:
        assert _used(session) == {(GRAIN, today): 25_000}
    assert table_id


@pytest.mark.parametrize("tables", [2, 4])
def test_racing_allocations_never_oversubscribe_a_supplier(
    sessions: sessionmaker[Session],
    people: People,
    make_table: Callable[..., int],
    frozen: clock.FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    tables: int,
) -> None:
    ids = [contracted(sessions, people, make_table, 30_000) for _ in range(tables)]
    # Every allocation plans before any claims (where the database lets them run side by
    # side): each sees the day free and plans 30 000 bags on it.
    barrier = threading.Barrier(tables)
    plan = engine.allocate

    def planned_together(*args: object, **kwargs: object) -> list[engine.Piece]:
        pieces = plan(*args, **kwargs)  # type: ignore[arg-type]
        # SQLite: writers queue, so the others wait for this one to commit (the barrier breaks)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=2)
        return pieces

    monkeypatch.setattr(engine, "allocate", planned_together)
    errors: list[ConflictError] = []
    done: list[int] = []

    def allocate(table_id: int) -> None:
        try:
            with session_scope(sessions) as session:
                fulfilment.allocate(session, table_id=table_id, principal=people.agent)
            done.append(table_id)
        except ConflictError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=allocate, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with session_scope(sessions) as session:
        used, allocated = _used(session), _allocated(session)
    assert used == allocated  # the claims are exactly what was allocated
    assert all(n <= CAPACITY for n in used.values())  # never oversubscribed
    assert len(done) + len(errors) == tables
    assert done
    for error in errors:  # the late ones were told why
        assert error.code == "supply.capacity_exceeded"
        assert error.data["supplier"] == GRAIN
        assert error.data["capacity"] == CAPACITY
        assert error.data["asked"] == 30_000
    if sessions.kw["bind"].dialect.name == "postgresql":
        assert errors  # they ran side by side: all but the first are refused
    with session_scope(sessions) as session:
        statuses = {
            t.id: t.status.value
            for t in (service.get_table(session, i, principal=people.agent) for i in ids)
        }
    assert sorted(i for i, s in statuses.items() if s == "allocated") == sorted(done)
