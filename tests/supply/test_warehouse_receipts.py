"""Goods of a demand table reach the warehouse: an Excel import quoted, confirmed,
contracted and allocated ships via the consolidation point and becomes an expected receipt
at Shanghai's supply warehouse, once, whoever asks; the warehouse receives it and the table
shows what arrived. Lines shipped direct follow after the arrival handover."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.supply.conftest import SHANGHAI, People, filled_template, line

import baotong.warehouse.jobs as warehouse_jobs
from baotong import jobs
from baotong.auth.permissions import Principal
from baotong.core import clock
from baotong.core.exceptions import ConflictError, ValidationError
from baotong.db.session import session_scope
from baotong.supply import fulfilment, service
from baotong.supply.models import DemandStatus, ReceiptLink
from baotong.supply.schemas import ArrivalIn, DecisionIn, QuoteLineIn, ShippingOverride
from baotong.supply.shipping import ShippingMode
from baotong.warehouse import inbound
from baotong.warehouse import service as warehouse_service
from baotong.warehouse.models import Document, DocumentKind, DocumentStatus, WarehouseKind
from baotong.warehouse.models import WarehouseStatus as WS
from baotong.warehouse.schemas import Layout, ReceiveLine, WarehouseCreate

SYSTEM = Principal.system("tester")
S = DemandStatus


def make_warehouse(
    session: Session,
    code: str,
    kind: WarehouseKind = WarehouseKind.CONSOLIDATION_POINT,
    province: str = SHANGHAI,
    status: WS = WS.OPEN,
) -> None:
    warehouse_service.create_warehouse(
        session,
        SYSTEM,
        WarehouseCreate(
            code=code,
            name=f"仓 {code}",
            kind=kind,
            province_code=province,
            status=status,
            layout=Layout(zones=["A"], aisles=1, racks=1, bins=4),
        ),
    )


def allocated_table(session: Session, people: People) -> tuple[int, int, int]:
    """An imported table (120 bags of rice, 300 protection kits) walked to allocated; its
    id and the rice and kit line ids. Both lines ship via the consolidation point."""
    table = service.import_table(
        session,
        content=filled_template(),
        file="浦东.xlsx",
        title="浦东 4 月",
        province_code=SHANGHAI,
        owner="sh_owner",
        principal=people.owner,
    )
    rice, kit = (ln.id for ln in table.lines)
    service.submit(session, table_id=table.id, principal=people.owner)
    service.quote(
        session,
        table_id=table.id,
        principal=people.agent,
        lines=[
            QuoteLineIn(
                line_id=i,
                supplier_code=s,
                unit_price=Decimal("40"),
                available_quantity=10_000,
                lead_time_hours=24,
            )
            for i, s in ((rice, "SUP-ZJ-GRAIN"), (kit, "SUP-JS-PROT"))
        ],
    )
    service.decide(
        session,
        table_id=table.id,
        principal=people.owner,
        decisions=[DecisionIn(line_id=rice, accept=True), DecisionIn(line_id=kit, accept=True)],
    )
    fulfilment.contract(session, table_id=table.id, documents=["合同"], principal=people.agent)
    fulfilment.allocate(session, table_id=table.id, principal=people.agent)
    return table.id, rice, kit


def _receipts(session: Session) -> list[Document]:
    return list(
        session.scalars(
            select(Document)
            .where(Document.kind == DocumentKind.RECEIPT, Document.source_type == "supply_table")
            .order_by(Document.id)
        )
    )


def test_the_whole_path_from_import_to_receiving_at_the_warehouse(
    sessions: sessionmaker[Session], people: People, frozen: clock.FrozenClock
) -> None:
    with session_scope(sessions) as session:
        make_warehouse(session, "SH-CENTRAL", WarehouseKind.CENTRAL)
        make_warehouse(session, "SH-HJD")  # the consolidation point comes first
        table_id, rice, kit = allocated_table(session, people)
        table = service.get_table(session, table_id, principal=people.owner)
        assert {ln.shipping_mode for ln in table.lines} == {ShippingMode.CONSOLIDATED}
        allocations = fulfilment.allocations(session, table_id)

        doc = inbound.expect_from_supply(session, table_id=table_id)
        assert doc is not None
        assert doc.status is DocumentStatus.EXPECTED
        assert inbound.expect_from_supply(session, table_id=table_id) is None  # never twice
        site = session.get(warehouse_service.Warehouse, doc.warehouse_id)
        assert site is not None
        assert site.code == "SH-HJD"
        lines = warehouse_service.lines_of(session, doc)
        # one receipt line per allocation: SKU, quantity, supplier, the table's line
        assert [(ln.sku, ln.qty) for ln in lines] == [(a.sku_code, a.quantity) for a in allocations]
        meta = doc.data["supply"]
        assert meta["table_id"] == table_id
        assert [m["supplier"] for m in meta["lines"]] == [a.supplier_code for a in allocations]
        assert [m["key"] for m in meta["lines"]] == [f"supply-a{a.id}" for a in allocations]
        assert {m["demand_line"] for m in meta["lines"]} == {2, 3}  # the Excel rows
        expected = {ln.sku: ln.qty for ln in lines}
        assert expected["FOOD-RICE-5"] == 120

    # the warehouse counts it in: 2 rice bags short, 3 masks damaged, lots and expiry
    with session_scope(sessions) as session:
        counted = [
            ReceiveLine(
                sku=sku,
                qty=qty - 2 if sku == "FOOD-RICE-5" else qty,
                damaged=3 if sku == "PROT-MASK-50" else 0,
                lot=f"L-{sku}",
                expiry=clock.now().date() + timedelta(days=200),
            )
            for sku, qty in expected.items()
        ]
        inbound.receive(session, SYSTEM, "SH-HJD", lines=counted, document_id=doc.id)
    with session_scope(sessions) as session:
        found = fulfilment.receipt_links(session, table_id)
        links = {ln.sku_code: ln for ln in found}
        assert len(links) == len(found)  # one link an SKU here: the dict loses none
        assert links["FOOD-RICE-5"].received == 118
        assert links["FOOD-RICE-5"].lot == "L-FOOD-RICE-5"
        assert links["FOOD-RICE-5"].expiry == clock.now().date() + timedelta(days=200)
        assert expected["PROT-MASK-50"] == 300  # a mask box in each of the 300 kits
        assert (links["PROT-MASK-50"].received, links["PROT-MASK-50"].damaged) == (297, 3)
        assert links["PROT-ALCOHOL"].received == expected["PROT-ALCOHOL"]
        assert all(ln.document_id == doc.id for ln in links.values())
        receipt = session.get(Document, doc.id)
        assert receipt is not None
        assert receipt.status is DocumentStatus.DONE
        rows = inbound.supply_receipts(session, SYSTEM, "SH-HJD")
        assert rows[0]["table_id"] == table_id
        assert rows[0]["expected"] == sum(expected.values())
        assert rows[0]["received"] == sum(expected.values()) - 2 - 3  # short rice, bad masks


def test_lines_shipped_direct_are_expected_after_the_arrival_handover(
    sessions: sessionmaker[Session], people: People, frozen: clock.FrozenClock
) -> None:
    with session_scope(sessions) as session:
        make_warehouse(session, "SH-CENTRAL", WarehouseKind.CENTRAL)
        table_id, rice, kit = allocated_table(session, people)
        fulfilment.override_shipping(
            session,
            table_id=table_id,
            line_id=rice,
            principal=people.agent,
            data=ShippingOverride(mode=ShippingMode.DIRECT, comment="整车直发"),
        )
        first = inbound.expect_from_supply(session, table_id=table_id)
        assert first is not None  # the kit's components, at the central warehouse
        assert "FOOD-RICE-5" not in {ln.sku for ln in warehouse_service.lines_of(session, first)}
        fulfilment.dispatch(session, table_id=table_id, principal=people.agent)
        fulfilment.record_arrival(
            session,
            table_id=table_id,
            principal=people.owner,
            data=ArrivalIn(line_id=rice, received=118, short=2, damaged=3),
        )
        fulfilment.record_arrival(
            session,
            table_id=table_id,
            principal=people.owner,
            data=ArrivalIn(line_id=kit, received=300),
        )
        assert inbound.expect_from_supply(session, table_id=table_id) is None  # not received yet
        fulfilment.sign(session, table_id=table_id, side="receiver", principal=people.owner)
        fulfilment.sign(session, table_id=table_id, side="deliverer", principal=people.agent)
        second = inbound.expect_from_supply(session, table_id=table_id)
        assert second is not None
        # only the direct line: its good units (received − damaged), with its supplier
        assert [(ln.sku, ln.qty) for ln in warehouse_service.lines_of(session, second)] == [
            ("FOOD-RICE-5", 115)
        ]
        assert second.data["supply"]["lines"][0]["supplier"] == "SUP-ZJ-GRAIN"
        assert second.data["supply"]["lines"][0]["key"] == f"supply-l{rice}-FOOD-RICE-5"
        fulfilment.close(session, table_id=table_id, principal=people.owner)
        assert inbound.expect_from_supply(session, table_id=table_id) is None


def test_a_province_without_a_supply_warehouse_gets_a_clear_error(
    sessions: sessionmaker[Session], people: People, frozen: clock.FrozenClock
) -> None:
    with session_scope(sessions) as session:
        make_warehouse(session, "SH-FWD", WarehouseKind.FORWARD)  # not one that receives
        make_warehouse(session, "SH-PLANNED", status=WS.PLANNED)
        make_warehouse(session, "JS-HJD", province="320000")  # another province's
        table_id, _, _ = allocated_table(session, people)
        with pytest.raises(ConflictError) as refused:
            inbound.expect_from_supply(session, table_id=table_id)
        assert refused.value.code == "warehouse.no_supply_warehouse"
        assert refused.value.data["province"] == SHANGHAI
        assert "310000" in str(refused.value)
        swept = inbound.expect_all_from_supply(session)
        assert swept.unserved == {table_id: SHANGHAI}
        assert swept.documents == []
        assert session.scalar(select(func.count()).select_from(ReceiptLink)) == 0
        # a warehouse that is not the province's supply warehouse is told which one is
        make_warehouse(session, "SH-HJD")
        js = session.scalar(
            select(warehouse_service.Warehouse).where(warehouse_service.Warehouse.code == "JS-HJD")
        )
        assert js is not None
        assert inbound.expect_all_from_supply(session, warehouse=js).documents == []


def test_the_sweep_announces_once_with_two_runners_and_after_a_restart(
    sessions: sessionmaker[Session],
    people: People,
    frozen: clock.FrozenClock,
    make_table: Callable[..., int],
) -> None:
    with session_scope(sessions) as session:
        make_warehouse(session, "SH-HJD")
        table_id, _, _ = allocated_table(session, people)
        warehouse_jobs.ensure_sweep(session)
        warehouse_jobs.ensure_sweep(session)  # one pass pending, not two
    frozen.advance(timedelta(seconds=warehouse_jobs.SWEEP_SECONDS + 1))
    assert jobs.fire_due(sessions) == 1
    assert jobs.fire_due(sessions) == 0  # a second runner finds nothing due
    with session_scope(sessions) as session:
        docs = _receipts(session)
        assert [d.source_id for d in docs] == [str(table_id)]
        assert inbound.expect_all_from_supply(session).documents == []  # a restart
        pending = session.scalar(
            select(func.count())
            .select_from(jobs.Deadline)
            .where(
                jobs.Deadline.kind == warehouse_jobs.SWEEP,
                jobs.Deadline.state == jobs.DeadlineState.PENDING,
            )
        )
        assert pending == 1  # the next pass is scheduled
    frozen.advance(timedelta(seconds=warehouse_jobs.SWEEP_SECONDS + 1))
    assert jobs.fire_due(sessions) == 1
    with session_scope(sessions) as session:
        assert len(_receipts(session)) == 1


def test_two_racing_announcements_make_one_receipt(
    sessions: sessionmaker[Session], people: People, frozen: clock.FrozenClock
) -> None:
    import threading

    with session_scope(sessions) as session:
        make_warehouse(session, "SH-HJD")
        table_id, _, _ = allocated_table(session, people)
    barrier = threading.Barrier(2)
    made: list[int | None] = []

    def announce() -> None:
        barrier.wait()
        with session_scope(sessions) as session:
            doc = inbound.expect_from_supply(session, table_id=table_id)
            made.append(doc.id if doc else None)

    threads = [threading.Thread(target=announce) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(made, key=lambda d: d is None)[1] is None
    with session_scope(sessions) as session:
        assert len(_receipts(session)) == 1
        links = fulfilment.receipt_links(session, table_id)
        assert len(links) == len(fulfilment.allocations(session, table_id))
        assert {ln.document_id for ln in links} == {made[0] or made[1]}


def two_rice_lines_allocated(session: Session, people: People, table_id: int) -> None:
    """Walk a draft table of two rice lines (to two sites) to allocated, both lines via
    the consolidation point."""
    table = service.get_table(session, table_id, principal=people.owner)
    service.submit(session, table_id=table_id, principal=people.owner)
    service.quote(
        session,
        table_id=table_id,
        principal=people.agent,
        lines=[
            QuoteLineIn(
                line_id=ln.id,
                supplier_code="SUP-ZJ-GRAIN",
                unit_price=Decimal("40"),
                available_quantity=10_000,
                lead_time_hours=24,
            )
            for ln in table.lines
        ],
    )
    service.decide(
        session,
        table_id=table_id,
        principal=people.owner,
        decisions=[DecisionIn(line_id=ln.id, accept=True) for ln in table.lines],
    )
    fulfilment.contract(session, table_id=table_id, documents=["合同"], principal=people.agent)
    fulfilment.allocate(session, table_id=table_id, principal=people.agent)
    for ln in table.lines:
        fulfilment.override_shipping(
            session,
            table_id=table_id,
            line_id=ln.id,
            principal=people.agent,
            data=ShippingOverride(mode=ShippingMode.CONSOLIDATED, comment="汇集"),
        )


def test_two_receipt_lines_of_one_sku_are_each_credited_their_own_count(
    sessions: sessionmaker[Session],
    people: People,
    frozen: clock.FrozenClock,
    make_table: Callable[..., int],
) -> None:
    table_id = make_table([line(quantity=100), line(quantity=80)])
    with session_scope(sessions) as session:
        make_warehouse(session, "SH-HJD")
        two_rice_lines_allocated(session, people, table_id)
        doc = inbound.expect_from_supply(session, table_id=table_id)
        assert doc is not None
        first, second = warehouse_service.lines_of(session, doc)
        assert (first.sku, first.qty, second.sku, second.qty) == (
            "FOOD-RICE-5",
            100,
            "FOOD-RICE-5",
            80,
        )
        keys = {m["line_id"]: m["key"] for m in doc.data["supply"]["lines"]}
    # the first line came 40 bags short with 5 damaged; the second in full, another lot;
    # the clerk counts the second line first
    with session_scope(sessions) as session:
        inbound.receive(
            session,
            SYSTEM,
            "SH-HJD",
            document_id=doc.id,
            lines=[
                ReceiveLine(line_id=second.id, sku="FOOD-RICE-5", qty=80, lot="L2"),
                ReceiveLine(line_id=first.id, sku="FOOD-RICE-5", qty=60, damaged=5, lot="L1"),
            ],
        )
    with session_scope(sessions) as session:
        links = {ln.key: ln for ln in fulfilment.receipt_links(session, table_id)}
        one, two = links[keys[first.id]], links[keys[second.id]]
        assert (one.quantity, one.received, one.damaged, one.lot) == (100, 55, 5, "L1")
        assert (two.quantity, two.received, two.damaged, two.lot) == (80, 80, 0, "L2")
        receipt = session.get(Document, doc.id)
        assert receipt is not None
        done = {
            ln.id: (ln.qty_done, ln.qty_damaged, ln.lot)
            for ln in warehouse_service.lines_of(session, receipt)
        }
        assert done == {first.id: (55, 5, "L1"), second.id: (80, 0, "L2")}
        assert receipt.data["discrepancies"] == [
            {"sku": "FOOD-RICE-5", "line_id": first.id, "kind": "short", "qty": 40},
            {"sku": "FOOD-RICE-5", "line_id": first.id, "kind": "damaged", "qty": 5},
        ]
        rows = inbound.supply_receipts(session, SYSTEM, "SH-HJD")
        assert (rows[0]["expected"], rows[0]["received"]) == (180, 135)


def test_a_count_that_could_be_for_either_line_of_an_sku_is_refused(
    sessions: sessionmaker[Session],
    people: People,
    frozen: clock.FrozenClock,
    make_table: Callable[..., int],
) -> None:
    table_id = make_table([line(quantity=100), line(quantity=80)])
    with session_scope(sessions) as session:
        make_warehouse(session, "SH-HJD")
        two_rice_lines_allocated(session, people, table_id)
        doc = inbound.expect_from_supply(session, table_id=table_id)
        assert doc is not None
        first, second = warehouse_service.lines_of(session, doc)
    with pytest.raises(ValidationError) as refused, session_scope(sessions) as session:
        inbound.receive(
            session,
            SYSTEM,
            "SH-HJD",
            document_id=doc.id,
            lines=[ReceiveLine(sku="FOOD-RICE-5", qty=100, lot="L1")],
        )
    assert refused.value.code == "warehouse.ambiguous_line"
    assert refused.value.data["field"] == "lines.0.line_id"
    assert refused.value.data["lines"] == [first.id, second.id]
    with pytest.raises(ValidationError) as wrong, session_scope(sessions) as session:
        inbound.receive(
            session,
            SYSTEM,
            "SH-HJD",
            document_id=doc.id,
            lines=[ReceiveLine(line_id=first.id, sku="FOOD-OIL-5", qty=100)],
        )
    assert (wrong.value.code, wrong.value.data["field"]) == (
        "warehouse.line_sku",
        "lines.0.line_id",
    )
    # one line named, the other taken by elimination: each gets its own count
    with session_scope(sessions) as session:
        inbound.receive(
            session,
            SYSTEM,
            "SH-HJD",
            document_id=doc.id,
            lines=[
                ReceiveLine(sku="FOOD-RICE-5", qty=70, lot="L2"),
                ReceiveLine(line_id=first.id, sku="FOOD-RICE-5", qty=100, lot="L1"),
            ],
        )
    with session_scope(sessions) as session:
        counted = {ln.id: ln.qty_done for ln in warehouse_service.lines_of(session, doc)}
        assert counted == {first.id: 100, second.id: 70}
        assert sorted((ln.received or 0) for ln in fulfilment.receipt_links(session, table_id)) == [
            70,
            100,
        ]


def test_a_table_that_fails_does_not_stop_the_sweep_nor_the_other_tables(
    sessions: sessionmaker[Session], people: People, frozen: clock.FrozenClock
) -> None:
    with session_scope(sessions) as session:
        make_warehouse(session, "SH-HJD")
        broken, _, _ = allocated_table(session, people)
        good, _, _ = allocated_table(session, people)
        # a bad row: an allocation of an SKU the catalogue does not know
        fulfilment.allocations(session, broken)[0].sku_code = "NOT-AN-SKU"
        warehouse_jobs.ensure_sweep(session)
    frozen.advance(timedelta(seconds=warehouse_jobs.SWEEP_SECONDS + 1))
    assert jobs.fire_due(sessions) == 1
    with session_scope(sessions) as session:
        assert [d.source_id for d in _receipts(session)] == [str(good)]
        assert fulfilment.receipt_links(session, broken) == []  # undone, not half-announced
        passes = session.scalars(
            select(jobs.Deadline)
            .where(jobs.Deadline.kind == warehouse_jobs.SWEEP)
            .order_by(jobs.Deadline.id)
        ).all()
        assert [d.state for d in passes] == [jobs.DeadlineState.FAILED, jobs.DeadlineState.PENDING]
        assert passes[0].error is not None
        assert passes[0].error.startswith(f"demand table {broken}: ")
        assert "NOT-AN-SKU" in passes[0].error
        fulfilment.allocations(session, broken)[0].sku_code = "FOOD-RICE-5"  # repaired
    frozen.advance(timedelta(seconds=warehouse_jobs.SWEEP_SECONDS + 1))
    assert jobs.fire_due(sessions) == 1  # the next pass runs and announces it
    with session_scope(sessions) as session:
        assert sorted(d.source_id for d in _receipts(session)) == sorted([str(good), str(broken)])
