"""The stock ledger: moves keep quants in step, stock never goes negative, a scan id is
applied once — also with threads racing on the same quant, on both databases."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.warehouse.conftest import CODE, SYSTEM

from baotong.core.exceptions import BaotongError
from baotong.db.session import session_scope
from baotong.warehouse import ledger, service
from baotong.warehouse.ledger import InsufficientStock
from baotong.warehouse.models import Move, Quant, Scan


def _bin_of(session: Session, sku: str, lot: str) -> str:
    row = next(
        r
        for r in service.stock(session, SYSTEM, CODE, sku=sku).items
        if r.lot == lot and r.location.startswith("A-")
    )
    return row.location


def _move(
    session: Session,
    source: str,
    target: str,
    qty: int,
    *,
    lot: str = "LATE",
    scan_id: str | None = None,
) -> None:
    warehouse = service.get_warehouse(session, SYSTEM, CODE)
    src = service.location(session, warehouse, source)
    dst = service.location(session, warehouse, target)

    def apply() -> dict[str, int]:
        ledger.move(
            session,
            warehouse_id=warehouse.id,
            sku="VEG-CABBAGE",
            lot=lot,
            qty=qty,
            source=src,
            target=dst,
            document_id=None,
            actor="t",
            scan_id=scan_id,
        )
        return {"document_id": 0}

    ledger.once(
        session, scan_id=scan_id, warehouse_id=warehouse.id, action="move", actor="t", apply=apply
    )


def test_received_and_put_away_stock_agrees_with_the_ledger(site: sessionmaker[Session]) -> None:
    with session_scope(site) as session:
        rows = service.stock(session, SYSTEM, CODE).items
        assert {(r.sku, r.lot, r.on_hand) for r in rows} == {
            ("VEG-CABBAGE", "LATE", 30),
            ("VEG-CABBAGE", "EARLY", 10),
            ("VEG-POTATO", "P1", 50),
        }
        assert all(r.location.startswith("A-") for r in rows)  # all put away, none on the dock
        assert ledger.differences(session) == []


def test_put_away_suggests_the_bin_of_the_same_sku_then_the_nearest_free_one(
    site: sessionmaker[Session],
) -> None:
    with session_scope(site) as session:
        warehouse = service.get_warehouse(session, SYSTEM, CODE)
        cabbage = _bin_of(session, "VEG-CABBAGE", "LATE")
        potato = _bin_of(session, "VEG-POTATO", "P1")
        assert cabbage == _bin_of(session, "VEG-CABBAGE", "EARLY")  # same SKU together
        assert potato != cabbage
        assert service.suggest_location(session, warehouse, "VEG-CABBAGE").code == cabbage
        fresh = service.suggest_location(session, warehouse, "VEG-ONION").code
        assert fresh not in {cabbage, potato}


def test_a_move_that_would_make_stock_negative_is_refused_naming_everything(
    site: sessionmaker[Session],
) -> None:
    with session_scope(site) as session:
        source = _bin_of(session, "VEG-CABBAGE", "LATE")
        with pytest.raises(InsufficientStock) as refused:
            _move(session, source, "STAGE", 31)
    error = refused.value
    assert error.code == "warehouse.insufficient_stock"
    assert error.data["sku"] == "VEG-CABBAGE"
    assert error.data["lot"] == "LATE"
    assert error.data["location"] == source
    assert (error.data["needed"], error.data["available"]) == (31, 30)
    assert "VEG-CABBAGE" in str(error)
    assert source in str(error)


def test_a_repeated_scan_id_is_applied_once(site: sessionmaker[Session]) -> None:
    with session_scope(site) as session:
        source = _bin_of(session, "VEG-CABBAGE", "LATE")
    for _ in range(3):
        with session_scope(site) as session:
            _move(session, source, "STAGE", 5, scan_id="scan-0001-abc")
    with session_scope(site) as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Move).where(Move.scan_id == "scan-0001-abc")
            )
            == 1
        )
        staged = service.stock(session, SYSTEM, CODE, sku="VEG-CABBAGE").items
        assert sum(r.on_hand for r in staged if r.location == "STAGE") == 5


def _race(workers: int, work: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(workers)

    def run(i: int) -> None:
        start.wait()
        try:
            work(i)
        except BaseException as exc:  # noqa: BLE001  (collected, asserted below)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_racing_moves_never_make_stock_negative_and_the_ledger_sums_to_on_hand(
    site: sessionmaker[Session],
) -> None:
    with session_scope(site) as session:
        source = _bin_of(session, "VEG-CABBAGE", "LATE")
    done: list[int] = []
    refused: list[int] = []

    def picker(i: int) -> None:
        for k in range(6):
            try:
                with session_scope(site) as session:
                    _move(session, source, "STAGE", 2, scan_id=f"race-{i:02d}-{k:02d}")
                done.append(2)
            except InsufficientStock:
                refused.append(2)

    errors = _race(8, picker)  # 8 pickers × 6 moves × 2 units = 96 asked of 30 on hand
    assert errors == []
    assert sum(done) == 30
    assert len(refused) == 48 - 15
    with session_scope(site) as session:
        assert ledger.differences(session) == []
        assert session.scalar(select(func.min(Quant.on_hand))) >= 0
        on_bin = service.stock(session, SYSTEM, CODE, sku="VEG-CABBAGE").items
        assert not [r for r in on_bin if r.location == source and r.lot == "LATE"]


def test_a_scan_sent_twice_at_once_is_applied_once(site: sessionmaker[Session]) -> None:
    with session_scope(site) as session:
        source = _bin_of(session, "VEG-CABBAGE", "LATE")

    def twice(_: int) -> None:
        with session_scope(site) as session:
            _move(session, source, "STAGE", 3, scan_id="double-send-42")

    assert _race(4, twice) == []
    with session_scope(site) as session:
        assert session.scalar(select(func.count()).select_from(Scan)) == 1
        assert (
            session.scalar(
                select(func.count()).select_from(Move).where(Move.scan_id == "double-send-42")
            )
            == 1
        )
        assert ledger.differences(session) == []


def test_check_ledger_finds_a_quant_changed_behind_the_ledger(site: sessionmaker[Session]) -> None:
    with session_scope(site) as session:
        quant = session.scalars(select(Quant)).first()
        assert quant is not None
        quant.on_hand += 1
    with session_scope(site) as session:
        found = ledger.differences(session)
    assert len(found) == 1
    assert found[0].on_hand == found[0].ledger + 1


def test_a_scan_id_reused_for_another_action_is_refused(site: sessionmaker[Session]) -> None:
    with session_scope(site) as session:
        source = _bin_of(session, "VEG-CABBAGE", "LATE")
        _move(session, source, "STAGE", 1, scan_id="reused-scan-1")
    with session_scope(site) as session:
        warehouse = service.get_warehouse(session, SYSTEM, CODE)
        with pytest.raises(BaotongError) as refused:
            ledger.once(
                session,
                scan_id="reused-scan-1",
                warehouse_id=warehouse.id,
                action="pick",
                actor="t",
                apply=lambda: {"document_id": 0},
            )
    assert refused.value.code == "warehouse.scan_reused"


def _quants(session: Session) -> set[tuple[int, str, str, int, int]]:
    rows = session.execute(select(Quant.location_id, Quant.sku, Quant.lot, Quant.on_hand,
                                  Quant.reserved))  # fmt: skip
    return {tuple(row) for row in rows}  # type: ignore[misc]


def test_a_refused_move_writes_nothing_and_the_transaction_goes_on(
    site: sessionmaker[Session],
) -> None:
    # On PostgreSQL a move is one statement (the source's guarded UPDATE, the target's
    # upsert, the ledger row): a refusal must leave no half of it behind.
    with session_scope(site) as session:
        source = _bin_of(session, "VEG-CABBAGE", "LATE")
        before = _quants(session)
        moves = session.scalar(select(func.count()).select_from(Move))
        with session.begin_nested(), pytest.raises(InsufficientStock):
            _move(session, source, "STAGE", 31)
        assert _quants(session) == before
        assert session.scalar(select(func.count()).select_from(Move)) == moves
        _move(session, source, "STAGE", 30)  # all of it: the guard's edge
    with session_scope(site) as session:
        stage = {(q[2], q[3]) for q in _quants(session) if q[1] == "VEG-CABBAGE"}
        assert ("LATE", 30) in stage  # at the staging area
        assert ("LATE", 0) in stage  # the bin emptied
        assert ledger.differences(session) == []


def test_moves_release_reservations_receive_ship_out_and_stay_in_place(
    site: sessionmaker[Session],
) -> None:
    with session_scope(site) as session:
        warehouse = service.get_warehouse(session, SYSTEM, CODE)
        source = service.location(session, warehouse, _bin_of(session, "VEG-CABBAGE", "LATE"))
        quant = ledger.quant_of(session, source, "VEG-CABBAGE", "LATE")
        assert quant is not None
        ledger.reserve(session, quant, 10, source)
        common = {"warehouse_id": warehouse.id, "sku": "VEG-CABBAGE", "lot": "LATE",
                  "document_id": None, "actor": "t"}  # fmt: skip
        with session.begin_nested(), pytest.raises(InsufficientStock):  # 20 free, 21 asked
            ledger.move(session, qty=21, source=source, target=None, **common)
        ledger.move(session, qty=4, source=source, target=None, release=4, **common)  # ship out
        ledger.move(session, qty=5, source=None, target=source, **common)  # receive
        ledger.move(session, qty=3, source=source, target=source, **common)  # in place
        quant = ledger.quant_of(session, source, "VEG-CABBAGE", "LATE")
        assert quant is not None
        assert (quant.on_hand, quant.reserved) == (31, 6)
        assert ledger.differences(session) == []
