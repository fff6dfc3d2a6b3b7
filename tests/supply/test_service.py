"""The demand table's cycle in the service: import, quote, confirm, contract, allocate,
arrive, and the scope of a province."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.supply.conftest import SHANGHAI, START, People, line

from baotong.audit.models import AuditEntry
from baotong.core import clock
from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.db.session import session_scope
from baotong.supply import fulfilment, service
from baotong.supply.models import DemandStatus
from baotong.supply.schemas import ArrivalIn, DecisionIn, QuoteLineIn, ShippingOverride
from baotong.supply.shipping import ShippingMode
from baotong.supply.template import DEMAND_SHEET, DemandImportError, ItemKind, template_bytes

S = DemandStatus


def _quote(
    line_ids: list[int], supplier: dict[int, str] | None = None, available: int = 10_000
) -> list[QuoteLineIn]:
    supplier = supplier or {}
    return [
        QuoteLineIn(
            line_id=i,
            supplier_code=supplier.get(i, "SUP-ZJ-GRAIN"),
            unit_price=Decimal("42.50"),
            available_quantity=available,
            lead_time_hours=24,
        )
        for i in line_ids
    ]


def _line_ids(session: Session, table_id: int) -> list[int]:
    return [ln.id for ln in service.get_table(session, table_id, principal=_nobody()).lines]


def _nobody() -> object:
    from baotong.auth.permissions import Principal

    return Principal.system()


def test_a_table_walks_from_draft_to_closed_and_feeds_the_warehouse(
    sessions: sessionmaker[Session],
    people: People,
    make_table: Callable[..., int],
    frozen: clock.FrozenClock,
) -> None:
    table_id = make_table()
    with session_scope(sessions) as session:
        rice, kit = _line_ids(session, table_id)
        assert (
            service.submit(session, table_id=table_id, principal=people.owner).status is S.SUBMITTED
        )
        service.quote(
            session,
            table_id=table_id,
            principal=people.agent,
            lines=_quote([rice, kit], {kit: "SUP-JS-VEG"}),
        )
        table = service.decide(
            session,
            table_id=table_id,
            principal=people.owner,
            decisions=[DecisionIn(line_id=rice, accept=True), DecisionIn(line_id=kit, accept=True)],
        )
        assert table.status is S.CONFIRMED
        made = fulfilment.contract(
            session, table_id=table_id, documents=["合同-001.pdf"], principal=people.agent
        )
        assert {c.supplier_code: c.amount for c in made} == {
            "SUP-JS-VEG": Decimal("21250.00"),
            "SUP-ZJ-GRAIN": Decimal("4250.00"),
        }
        pieces = fulfilment.allocate(session, table_id=table_id, principal=people.agent)
        # 500 general vegetable kits: 2 kg cabbage, 2 kg potatoes, 1 kg of the others each
        kit_units = {p.sku_code: p.quantity for p in pieces if p.line_id == kit}
        assert kit_units == {
            "VEG-CABBAGE": 1000,
            "VEG-POTATO": 1000,
            "VEG-CARROT": 500,
            "VEG-ONION": 500,
            "VEG-GREENS": 500,
        }
        table = service.get_table(session, table_id, principal=people.owner)
        modes = {ln.id: (ln.shipping_mode, ln.shipping_reason) for ln in table.lines}
        assert modes[rice] == (ShippingMode.CONSOLIDATED, "part_load")
        fulfilment.override_shipping(
            session,
            table_id=table_id,
            line_id=rice,
            principal=people.agent,
            data=ShippingOverride(mode=ShippingMode.DIRECT, comment="仓库满载"),
        )
        fulfilment.dispatch(session, table_id=table_id, principal=people.agent)
        fulfilment.record_arrival(
            session,
            table_id=table_id,
            principal=people.owner,
            data=ArrivalIn(line_id=rice, received=98, short=2, damaged=1),
        )
        fulfilment.record_arrival(
            session,
            table_id=table_id,
            principal=people.owner,
            data=ArrivalIn(line_id=kit, received=500),
        )
        assert (
            fulfilment.sign(
                session, table_id=table_id, side="receiver", principal=people.owner
            ).status
            is S.ARRIVING
        )
        assert (
            fulfilment.sign(
                session, table_id=table_id, side="deliverer", principal=people.agent
            ).status
            is S.RECEIVED
        )
        receipts = fulfilment.expected_receipts(session, table_id=table_id, principal=people.owner)
        assert {r.sku_code: r.quantity for r in receipts}["FOOD-RICE-5"] == 97
        assert {r.sku_code: r.quantity for r in receipts}["VEG-CABBAGE"] == 1000
        assert (
            fulfilment.close(session, table_id=table_id, principal=people.owner).status is S.CLOSED
        )
        actions = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "demand_table")
            .order_by(AuditEntry.id)
        ).all()
    assert actions == [
        f"demand_table.{a}"
        for a in (
            "create",
            "submit",
            "quote",
            "decide",
            "contract",
            "allocate",
            "ship_override",
            "dispatch",
            "arrival",
            "arrival",
            "sign_receiver",
            "sign_deliverer",
            "receive",
            "close",
        )
    ]


def test_rejected_lines_go_round_again_and_the_accepted_ones_stay(
    sessions: sessionmaker[Session],
    people: People,
    make_table: Callable[..., int],
    frozen: clock.FrozenClock,
) -> None:
    table_id = make_table()
    with session_scope(sessions) as session:
        rice, kit = _line_ids(session, table_id)
        service.submit(session, table_id=table_id, principal=people.owner)
        service.quote(
            session,
            table_id=table_id,
            principal=people.agent,
            lines=_quote([rice, kit], {kit: "SUP-JS-VEG"}),
        )
        table = service.decide(
            session,
            table_id=table_id,
            principal=people.owner,
            decisions=[
                DecisionIn(line_id=rice, accept=True),
                DecisionIn(line_id=kit, accept=False, reason="太贵"),
            ],
        )
        assert table.status is S.PARTLY_CONFIRMED
        table = service.requote(session, table_id=table_id, principal=people.owner)
        assert (table.status, table.round) == (S.SUBMITTED, 2)
        with pytest.raises(ValidationError) as refused:  # only the rejected line is open
            service.quote(
                session, table_id=table_id, principal=people.agent, lines=_quote([rice, kit])
            )
        assert refused.value.code == "supply.quote_lines"
        service.quote(
            session,
            table_id=table_id,
            principal=people.agent,
            lines=_quote([kit], {kit: "SUP-JS-VEG"}),
        )
        table = service.decide(
            session,
            table_id=table_id,
            principal=people.owner,
            decisions=[DecisionIn(line_id=kit, accept=True)],
        )
        assert table.status is S.CONFIRMED
        clocks = service.table_clocks(session, table_id)
    assert [(c.kind.value, c.round) for c in clocks] == [
        ("quote", 1),
        ("confirm", 1),
        ("quote", 2),
        ("confirm", 2),
    ]
    assert all(c.met_at is not None for c in clocks)


def test_a_province_sees_and_changes_only_its_own_tables(
    sessions: sessionmaker[Session], people: People, make_table: Callable[..., int]
) -> None:
    table_id = make_table()
    with session_scope(sessions) as session:
        assert service.list_tables(session, principal=people.outsider).total == 0
        assert service.list_tables(session, principal=people.agent).total == 1
        with pytest.raises(NotFoundError):
            service.submit(session, table_id=table_id, principal=people.outsider)
        from baotong.supply.schemas import DemandTableCreate

        with pytest.raises(ValidationError) as refused:
            service.create_table(
                session,
                principal=people.outsider,
                data=DemandTableCreate(title="x", province_code=SHANGHAI, owner="sh_owner"),
            )
        assert refused.value.code == "supply.outside_scope"


def test_a_table_is_quoted_once_and_a_cancelled_one_stops_its_clocks(
    sessions: sessionmaker[Session],
    people: People,
    make_table: Callable[..., int],
    frozen: clock.FrozenClock,
) -> None:
    table_id = make_table()
    with session_scope(sessions) as session:
        rice, kit = _line_ids(session, table_id)
        service.submit(session, table_id=table_id, principal=people.owner)
        service.quote(
            session,
            table_id=table_id,
            principal=people.agent,
            lines=_quote([rice, kit], {kit: "SUP-JS-VEG"}),
        )
        with pytest.raises(ConflictError) as twice:
            service.quote(
                session,
                table_id=table_id,
                principal=people.agent,
                lines=_quote([rice, kit], {kit: "SUP-JS-VEG"}),
            )
        assert twice.value.code in {"demand_table.wrong_status", "supply.quote_lines"}
    with session_scope(sessions) as session:
        service.cancel(session, table_id=table_id, reason="解封", principal=people.owner)
        assert all(c.stopped_at for c in service.table_clocks(session, table_id))


def test_a_quote_from_a_supplier_of_another_category_is_refused(
    sessions: sessionmaker[Session], people: People, make_table: Callable[..., int]
) -> None:
    table_id = make_table()
    with session_scope(sessions) as session:
        rice, kit = _line_ids(session, table_id)
        service.submit(session, table_id=table_id, principal=people.owner)
        with pytest.raises(ValidationError) as refused:
            service.quote(
                session,
                table_id=table_id,
                principal=people.agent,
                lines=_quote([rice, kit], {rice: "SUP-JS-PROT"}),
            )
    assert (refused.value.code, refused.value.field) == (
        "supply.supplier_category",
        "lines.0.supplier_code",
    )


def _filled(rows: list[list[object]]) -> bytes:
    book = load_workbook(io.BytesIO(template_bytes(service.catalogue())))
    for row in rows:
        book[DEMAND_SHEET].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_import_saves_a_draft_and_a_bad_file_saves_nothing(
    sessions: sessionmaker[Session], people: People, frozen: clock.FrozenClock
) -> None:
    good = [
        "政府",
        "浦东新区",
        "套餐",
        "KIT-FOOD",
        200,
        "套",
        "转运站",
        "浦东转运站",
        "2022-04-10 18:00",
        "",
    ]
    with session_scope(sessions) as session:
        table = service.import_table(
            session,
            content=_filled([good, good]),
            file="pd.xlsx",
            title="浦东",
            province_code=SHANGHAI,
            owner="sh_owner",
            principal=people.owner,
        )
        assert (table.status, len(table.lines), table.lines[1].position) == (S.DRAFT, 2, 3)
    bad = [*good[:4], "many", *good[5:]]
    with session_scope(sessions) as session, pytest.raises(DemandImportError) as refused:
        service.import_table(
            session,
            content=_filled([good, bad]),
            file="pd.xlsx",
            title="x",
            province_code=SHANGHAI,
            owner="sh_owner",
            principal=people.owner,
        )
    assert "row 3, column E" in str(refused.value)
    with session_scope(sessions, write=False) as session:
        assert service.list_tables(session, principal=people.agent).total == 1


def test_the_on_time_report_counts_per_province_and_desk(
    sessions: sessionmaker[Session],
    people: People,
    make_table: Callable[..., int],
    frozen: clock.FrozenClock,
) -> None:
    table_id = make_table()
    with session_scope(sessions) as session:
        rice, kit = _line_ids(session, table_id)
        service.submit(session, table_id=table_id, principal=people.owner)
    frozen.advance(timedelta(hours=6))
    with session_scope(sessions) as session:
        service.quote(
            session,
            table_id=table_id,
            principal=people.agent,
            lines=_quote([rice, kit], {kit: "SUP-JS-VEG"}),
        )
    frozen.advance(timedelta(hours=5))  # late: 4 h allowed
    with session_scope(sessions) as session:
        service.decide(
            session,
            table_id=table_id,
            principal=people.owner,
            decisions=[DecisionIn(line_id=rice, accept=True), DecisionIn(line_id=kit, accept=True)],
        )
        report = {
            (r.group, r.key): r for r in service.on_time_report(session, principal=people.agent)
        }
    shanghai = report[("province", SHANGHAI)]
    assert (shanghai.quotes, shanghai.quote_share, shanghai.quote_median_hours) == (1, 1.0, 6.0)
    assert (shanghai.confirmations, shanghai.confirm_share) == (1, 0.0)
    assert report[("desk", "desk_agent")].quotes == 1
    assert START  # the frozen start


def test_lines_are_added_and_removed_only_in_a_draft(
    sessions: sessionmaker[Session], people: People, make_table: Callable[..., int]
) -> None:
    table_id = make_table([line()])
    with session_scope(sessions) as session:
        added = service.add_line(
            session,
            table_id=table_id,
            principal=people.owner,
            data=line("KIT-MILK", 50, "套", ItemKind.KIT),
        )
        assert added.position == 2
        first = service.get_table(session, table_id, principal=people.owner).lines[0]
        service.remove_line(session, table_id=table_id, line_id=first.id, principal=people.owner)
        lines = service.get_table(session, table_id, principal=people.owner).lines
        assert [(ln.position, ln.item_code) for ln in lines] == [(2, "KIT-MILK")]
        with pytest.raises(ValidationError) as unknown:
            service.add_line(
                session,
                table_id=table_id,
                principal=people.owner,
                data=line("KIT-NONE", 5, "套", ItemKind.KIT),
            )
        assert unknown.value.code == "supply.unknown_item"
        service.submit(session, table_id=table_id, principal=people.owner)
        with pytest.raises(ConflictError) as late:
            service.add_line(session, table_id=table_id, principal=people.owner, data=line())
        assert late.value.code == "demand_table.wrong_status"
