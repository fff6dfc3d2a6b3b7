"""Group buying's use cases on both databases: leaders, the residents' orders, the cut-off
and its idempotence, delivery, hand-out and reconciliation, after-sales, dashboards."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from tests.groupbuy.conftest import POINTS, PROVINCE, SYSTEM, World

from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal, Role, Scope, ScopeKind
from baotong.core import clock
from baotong.core.exceptions import BaotongError, ConflictError, NotFoundError, ValidationError
from baotong.db.session import session_scope
from baotong.groupbuy import cutoff, service
from baotong.groupbuy.models import (
    CaseKind,
    CaseOutcome,
    Delivery,
    GroupOrder,
    GroupOrderStatus,
    GroupPoint,
    LeaderSource,
    LeaderStatus,
    ResidentLine,
    ResidentOrder,
    ResidentOrderStatus,
)
from baotong.groupbuy.schemas import (
    AfterSaleCreate,
    GroupOrderOpen,
    LeaderCreate,
    LineIn,
    ResidentOrderIn,
    Training,
)
from baotong.network.entities import Network
from baotong.supply.models import DemandLine, DemandTable
from baotong.supply.template import SourceKind
from baotong.transport import service as transport_service
from baotong.transport.entities import VehicleKind
from baotong.transport.models import Run
from baotong.warehouse.models import Document, DocumentKind

HERE, ELSEWHERE = "10.0.0.1", "10.0.0.2"

LEADER_1 = Principal(
    7, "leader1", Role.GROUP_LEADER,
    Scope.unit(ScopeKind.GROUP_POINT, POINTS[0], province_code=PROVINCE),
)  # fmt: skip


def test_a_group_point_must_have_a_leader(sessions: sessionmaker[Session], world: World) -> None:
    with session_scope(sessions) as session:
        point = session.scalar(select(GroupPoint).where(GroupPoint.code == POINTS[0]))
        assert point is not None
        session.add(GroupPoint(code="no-leader", name="x", community_code="410101",
                               province_code=PROVINCE, pickup_point_id=point.pickup_point_id,
                               leader_id=None, created_at=clock.now()))  # fmt: skip
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()


def test_a_leader_is_registered_trained_activated_and_paused(world: World) -> None:
    with session_scope(world.sessions) as session:
        leader = service.create_leader(session, data=LeaderCreate(
            code="L-9", name="王姐", phone="13900000009", source=LeaderSource.POSTAL_RETAIL,
            province_code=PROVINCE), principal=SYSTEM)  # fmt: skip
        assert leader.status is LeaderStatus.REGISTERED
        with pytest.raises(ConflictError) as refused:
            service.set_leader_active(session, "L-9", active=True, principal=SYSTEM)
        assert refused.value.code == "leader.wrong_status"
        trained = service.train_leader(
            session, "L-9", data=Training(materials=["团长手册", "防疫规范"]), principal=SYSTEM
        )
        assert trained.status is LeaderStatus.TRAINED
        assert trained.training["materials"] == ["团长手册", "防疫规范"]
        assert trained.training["attended_at"]
        assert service.set_leader_active(session, "L-9", active=True, principal=SYSTEM).status \
            is LeaderStatus.ACTIVE  # fmt: skip
        paused = service.set_leader_active(session, "L-9", active=False, principal=SYSTEM)
        assert paused.status is LeaderStatus.PAUSED


def test_a_paused_leader_cannot_open_a_group(world: World) -> None:
    with session_scope(world.sessions) as session:
        service.set_leader_active(session, "L-1", active=False, principal=SYSTEM)
    with pytest.raises(ConflictError) as refused, session_scope(world.sessions) as session:
        service.open_order(session, POINTS[0], data=GroupOrderOpen(cutoff_at=world.cutoff_at),
                           principal=SYSTEM)  # fmt: skip
    assert refused.value.code == "leader.wrong_status"


def test_a_leader_sees_only_their_own_group(world: World) -> None:
    world.open(POINTS[1])
    with session_scope(world.sessions) as session:
        assert [p.code for p in service.list_points(session, principal=LEADER_1)] == [POINTS[0]]
        with pytest.raises(NotFoundError):
            service.get_point(session, POINTS[1], principal=LEADER_1)
        assert service.list_orders(session, principal=LEADER_1) == []
        other = session.scalar(select(GroupOrder.id))
        with pytest.raises(NotFoundError):
            service.get_order(session, int(other or 0), principal=LEADER_1)


def test_residents_order_change_and_cancel_before_the_cutoff(world: World) -> None:
    _, token = world.open()
    seq, code = world.order(token, "13800001111", VEG_CABBAGE=2)
    seq2, _ = world.order(token, "13800002222", VEG_POTATO=3)
    assert (seq, seq2) == (1, 2)
    potatoes = [LineIn(offer_id=world.offers["VEG-POTATO"], qty=4)]
    changed = ResidentOrderIn(nickname="张阿姨", building="3号楼", room="502",
                              phone="13800001111", lines=potatoes)  # fmt: skip
    with session_scope(world.sessions) as session:
        service.change(session, token, seq, code, data=changed, address=HERE)
    with session_scope(world.sessions) as session:
        order = service.by_token(session, token)
        listed = service.running_list(session, order)
        assert [(e.seq, e.nickname, e.building, e.units) for e in listed] == [
            (1, "张阿姨", "3…", 4), (2, "n222", "7…", 3)]  # fmt: skip
        service.cancel_resident(session, token, seq, code, address=HERE)
    with session_scope(world.sessions) as session:
        assert [e.seq for e in service.running_list(session, service.by_token(session, token))] \
            == [2]  # fmt: skip


def _try(world: World, token: str, seq: int, code: str, address: str = HERE) -> bool:
    with session_scope(world.sessions) as session:
        return service.resident_for_code(session, token, seq, code, address=address)[1] is not None


def test_wrong_edit_codes_make_the_next_try_wait_but_never_lock_the_order(world: World) -> None:
    _, token = world.open()
    seq, code = world.order(token, "13800001111", VEG_CABBAGE=2)
    limit = service.CODE_POLICY.max_failures
    start = clock.now()
    with clock.frozen(start):
        for _ in range(limit):
            assert not _try(world, token, seq, "WRONGCOD", ELSEWHERE)
        # The order waits, whoever tries and even with the right code: nothing is checked.
        with pytest.raises(service.CodeThrottled) as throttled:
            _try(world, token, seq, code)
    assert throttled.value.status == 429
    assert throttled.value.code == "groupbuy.code_throttled"
    assert throttled.value.data["retry_after"] == 2
    with clock.frozen(start + timedelta(seconds=3)):  # the wait is over: the owner gets in
        assert _try(world, token, seq, code)
        assert not _try(world, token, seq, "WRONGCOD")  # the right code forgot the failures
    # However many wrong codes, the waits end: an attacker with the link cannot lock it.
    moment, waits = start + timedelta(seconds=10), []
    for _ in range(3 * limit):
        with clock.frozen(moment), session_scope(world.sessions) as session:
            order = service.by_token(session, token)
            wait = service.code_retry_after(session, order.id, seq, ELSEWHERE)
        waits.append(wait)
        moment += timedelta(seconds=wait)
        with clock.frozen(moment):
            assert not _try(world, token, seq, "WRONGCOD", ELSEWHERE)
    assert waits[limit + 1] > waits[limit] > 0  # it grows …
    assert max(waits) <= service.CODE_POLICY.max_lockout.total_seconds()  # … up to a bound
    with clock.frozen(moment + service.CODE_POLICY.max_lockout):
        assert _try(world, token, seq, code)


def test_wrong_codes_from_one_address_across_orders_make_that_address_wait(world: World) -> None:
    _, token = world.open()
    limit = service.CODE_POLICY.max_failures * service.CODE_POLICY.address_factor
    seqs = [world.order(token, f"138000011{n:02d}", VEG_CABBAGE=1) for n in range(limit)]
    with clock.frozen(clock.now()):
        for seq, _ in seqs:  # one wrong code per order: no order reaches its own limit
            assert not _try(world, token, seq, "WRONGCOD", ELSEWHERE)
        with pytest.raises(service.CodeThrottled):
            _try(world, token, seqs[0][0], seqs[0][1], ELSEWHERE)
        assert _try(world, token, seqs[0][0], seqs[0][1], HERE)  # the owner's address is not


def test_orders_over_the_daily_limit_or_twice_from_one_phone_are_refused(world: World) -> None:
    _, token = world.open()
    with pytest.raises(ValidationError) as over:
        world.order(token, "13800001111", FOOD_RICE_5=3)
    assert over.value.code == "groupbuy.over_limit"
    world.order(token, "13800001111", FOOD_RICE_5=2)
    with pytest.raises(ConflictError) as twice:
        world.order(token, "13800001111", VEG_POTATO=1)
    assert twice.value.code == "groupbuy.phone_has_order"


def _race(action: Callable[[str], None]) -> list[str]:
    """``action`` in two threads at once: what each got ("won" or its error's code)."""
    outcomes: list[str] = []

    def run(phone: str) -> None:
        try:
            action(phone)
            outcomes.append("won")
        except BaotongError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=run, args=(p,)) for p in ("13800001111", "13800001111")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sorted(outcomes)


def _meet(barrier: threading.Barrier) -> None:
    """Both threads past their checks before either writes (where the database lets them:
    SQLite runs one writer at a time, so there the second waits for the first)."""
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait(timeout=3)


def test_two_orders_of_one_phone_at_once_make_one_order_and_one_refusal(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, token = world.open()
    barrier, new_code = threading.Barrier(2), service._new_code

    def code_after_the_check() -> str:  # place() draws the code after its phone check
        _meet(barrier)
        return new_code()

    monkeypatch.setattr(service, "_new_code", code_after_the_check)
    outcomes = _race(lambda phone: world.order(token, phone, VEG_POTATO=1))
    assert outcomes == ["groupbuy.phone_has_order", "won"]
    with session_scope(world.sessions) as session:
        placed = select(func.count()).select_from(ResidentOrder)
        assert session.scalar(placed.where(ResidentOrder.phone == "13800001111")) == 1
    with session_scope(world.sessions) as session:  # the database itself refuses a second
        order = service.by_token(session, token)
        now = clock.now()
        session.add(ResidentOrder(group_order_id=order.id, seq=9, nickname="x", building="1",
                                  room="1", phone="13800001111", code_hash="x",
                                  status=ResidentOrderStatus.PLACED, created_at=now,
                                  updated_at=now))  # fmt: skip
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()


def test_a_cancelled_order_frees_the_phone_and_two_cancels_at_once_cancel_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, token = world.open()
    seq, code = world.order(token, "13800001111", VEG_POTATO=1)
    barrier, editable = threading.Barrier(2), service._editable

    def checked_then_meet(*args: Any, **kwargs: Any) -> ResidentOrder:
        resident = editable(*args, **kwargs)
        _meet(barrier)
        return resident

    monkeypatch.setattr(service, "_editable", checked_then_meet)

    def cancel(_phone: str) -> None:
        with session_scope(world.sessions) as session:
            service.cancel_resident(session, token, seq, code, address=HERE)

    won, lost = _race(cancel)[::-1]
    assert won == "won"
    assert lost in ("resident_order.wrong_status", "resident_order.cancelled")
    assert world.order(token, "13800001111", VEG_POTATO=2)[0] == seq + 1  # placed again


def test_no_order_after_the_cutoff(world: World) -> None:
    _, token = world.open()
    with clock.frozen(world.cutoff_at + timedelta(minutes=1)), pytest.raises(ConflictError) as late:
        world.order(token, "13800001111", VEG_POTATO=1)
    assert late.value.code == "group_order.closed"


def _cut(world: World, network: Network) -> cutoff.CutoffRead:
    with session_scope(world.sessions) as session:
        return cutoff.run(session, province_code=PROVINCE, day=world.day, network=network,
                          principal=SYSTEM, routing_seconds=0.2)  # fmt: skip


def _supply_owner(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        auth_service.create_user(session, username="henan_supply", password="correct horse",
                                 role="supply_owner", province_code=PROVINCE)  # fmt: skip


def test_the_cutoff_picks_kits_routes_and_sends_the_shortfall_to_supply(
    world: World, network: Network
) -> None:
    _supply_owner(world.sessions)
    with session_scope(world.sessions) as session:
        transport_service.add_vehicle(session, plate="豫A·G0001", kind=VehicleKind.VAN,
                                      capacity_kg=2000, capacity_m3=10, packages=200,
                                      cold_chain=False, home_site="GB-FW-1",
                                      province_code=PROVINCE, network=network,
                                      principal=SYSTEM)  # fmt: skip
        transport_service.add_person(session, name="司机", phone="13700000000", job="driver",
                                     site="GB-FW-1", province_code=PROVINCE, network=network,
                                     principal=SYSTEM)  # fmt: skip
    one, token1 = world.open(POINTS[0])
    two, token2 = world.open(POINTS[1])
    world.order(token1, "13800001111", VEG_CABBAGE=5, KIT_VEG=1)
    world.order(token1, "13800002222", VEG_CABBAGE=5)
    world.order(token2, "13800003333", VEG_CABBAGE=3, VEG_POTATO=2)
    result = _cut(world, network)
    # cabbage: 10 in stock, 13 ordered (+2 per kit): first come first served
    assert result.orders == 3
    assert result.groups == 2
    assert result.shortfall == {"KIT-VEG": 1, "VEG-CABBAGE": 3}
    assert result.waves == [f"GB-{world.day:%Y%m%d}-GB-FW-1"]
    assert result.deliveries == 2
    assert result.routes >= 1
    assert len(result.runs) == 1
    with session_scope(world.sessions) as session:
        picks = session.scalars(select(Document).where(Document.kind == DocumentKind.PICK)).all()
        assert [p.wave for p in picks] == result.waves
        table = session.get(DemandTable, result.demand_table_id)
        assert table is not None
        assert table.province_code == PROVINCE
        lines = session.scalars(select(DemandLine).where(DemandLine.table_id == table.id)).all()
        assert {(x.item_code, x.quantity) for x in lines} == {("KIT-VEG", 1), ("VEG-CABBAGE", 3)}
        assert {x.source_kind for x in lines} == {SourceKind.GROUP_BUY}
        assert session.scalar(select(func.count()).select_from(Run)) == 1
        allocated = dict(session.execute(
            select(ResidentLine.item_code, func.sum(service.SERVED))
            .group_by(ResidentLine.item_code)).all())  # fmt: skip
        assert allocated == {"VEG-CABBAGE": 10, "KIT-VEG": 0, "VEG-POTATO": 2}
        statuses = {o.id: o.status for o in session.scalars(select(GroupOrder))}
        assert statuses == {one: GroupOrderStatus.PICKING, two: GroupOrderStatus.PICKING}


def test_running_the_cutoff_twice_changes_nothing(world: World, network: Network) -> None:
    _, token = world.open()
    world.order(token, "13800001111", VEG_POTATO=2)
    first = _cut(world, network)

    def counts(session: Session) -> tuple[int, ...]:
        return tuple(
            int(session.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Document, Delivery, DemandTable, Run)
        )

    with session_scope(world.sessions) as session:
        before = counts(session)
    again = _cut(world, network)
    assert again.repeated
    assert not first.repeated
    assert again.model_dump(exclude={"repeated"}) == first.model_dump(exclude={"repeated"})
    with session_scope(world.sessions) as session:
        assert counts(session) == before


def test_delivery_hand_out_and_reconciliation(world: World, network: Network) -> None:
    order_id, token = world.open()
    world.order(token, "13800001111", VEG_POTATO=2, VEG_CABBAGE=1)
    world.order(token, "13800002222", VEG_POTATO=1)
    _cut(world, network)
    with pytest.raises(ConflictError), session_scope(world.sessions) as session:
        service.collect(session, order_id, 1, principal=LEADER_1)  # not delivered yet
    with session_scope(world.sessions) as session:
        delivered = service.receive_delivery(session, order_id, principal=LEADER_1)
        assert delivered.status is GroupOrderStatus.DELIVERED
        service.collect(session, order_id, 1, principal=LEADER_1)
        order = service.get_order(session, order_id, principal=LEADER_1)
        rows = {r.item_code: r for r in service.reconcile(session, order)}
        assert (rows["VEG-POTATO"].delivered, rows["VEG-POTATO"].handed_out,
                rows["VEG-POTATO"].waiting) == (3, 2, 1)  # fmt: skip
        with pytest.raises(ConflictError):
            service.collect(session, order_id, 1, principal=LEADER_1)
        hand = service.handout(session, order)
        assert [(r.seq, r.room, r.collected_at is not None) for r in hand] == [
            (1, "1201", True), (2, "1201", False)]  # fmt: skip
    with session_scope(world.sessions) as session:
        done = service.collect(session, order_id, 2, principal=LEADER_1)
        assert done.collected_by == "leader1"
        order = service.get_order(session, order_id, principal=LEADER_1)
        assert order.status is GroupOrderStatus.HANDED_OUT
        assert all(r.difference == 0 and r.waiting == 0 for r in service.reconcile(session, order))


def test_after_sales_case_gets_an_outcome(world: World, network: Network) -> None:
    order_id, token = world.open()
    world.order(token, "13800001111", VEG_POTATO=2)
    with session_scope(world.sessions) as session:
        case = service.open_case(session, order_id, data=AfterSaleCreate(
            resident_seq=1, kind=CaseKind.DAMAGED, item_code="VEG-POTATO", qty=1),
            principal=LEADER_1)  # fmt: skip
        closed = service.close_case(session, case.id, outcome=CaseOutcome.REPLACED,
                                    principal=LEADER_1)  # fmt: skip
        assert closed.outcome is CaseOutcome.REPLACED
        assert closed.closed_at is not None
        with pytest.raises(ConflictError):
            service.close_case(session, case.id, outcome=CaseOutcome.REFUNDED, principal=LEADER_1)


def test_dashboards_by_province_city_and_county(world: World, network: Network) -> None:
    order_id, token = world.open(POINTS[0])
    world.open(POINTS[1])
    world.order(token, "13800001111", VEG_POTATO=2)
    _cut(world, network)
    with session_scope(world.sessions) as session:
        service.receive_delivery(session, order_id, principal=SYSTEM)
        [province] = service.dashboard(session, principal=SYSTEM, day=world.day)
        assert (province.region_code, province.groups, province.orders, province.ordered,
                province.delivered, province.fill_rate) == ("410000", 2, 1, 2, 2, 1.0)  # fmt: skip
        counties = service.dashboard(session, principal=SYSTEM, level="county", day=world.day)
        assert [r.region_code for r in counties] == ["410101", "410102"]
        hubei = Principal(1, "hubei", Role.SUPPLY_SUPERVISOR, Scope.province("420000"))
        assert service.dashboard(session, principal=hubei, day=world.day) == []
