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
from tests.supply.conftest import SHANGHAI, People, filled_template

import baotong.warehouse.jobs as warehouse_jobs
from baotong import jobs
from baotong.auth.permissions import Principal
from baotong.core import clock
from baotong.core.exceptions import ConflictError
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
                damaged=3 if sku == "PROT-MASK" else 0,
                lot=f"L-{sku}",
                expiry=clock.now().date() + timedelta(days=200),
            )
            for sku, qty in expected.items()
        ]
        inbound.receive(session, SYSTEM, "SH-HJD", lines=counted, document_id=doc.id)
    with session_scope(sessions) as session:
        links = {ln.sku_code: ln for ln in fulfilment.receipt_links(session, table_id)}
        assert links["FOOD-RICE-5"].received == 118
        assert links["FOOD-RICE-5"].lot == "L-FOOD-RICE-5"
        assert links["FOOD-RICE-5"].expiry is not None
        if "PROT-MASK" in links:
            assert links["PROT-MASK"].damaged == 3
            assert links["PROT-MASK"].received == expected["PROT-MASK"] - 3
        assert all(ln.document_id == doc.id for ln in links.values())
        receipt = session.get(Document, doc.id)
        assert receipt is not None
        assert receipt.status is DocumentStatus.DONE
        rows = inbound.supply_receipts(session, SYSTEM, "SH-HJD")
        assert rows[0]["table_id"] == table_id
        assert rows[0]["expected"] == sum(expected.values())
        assert rows[0]["received"] == sum(ln.received or 0 for ln in links.values())


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
