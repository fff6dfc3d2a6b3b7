"""Group buying's part of the demo (modelled on Shanghai, April 2022): a central warehouse
at the Shanghai mail centre stocked with vegetables, rice and noodles, forward warehouses
for Changning and Pudong with a van, five leaders in every state of their lifecycle, four
group points; yesterday's group orders cut off (pick waves, kit orders, routes and a
delivery run) with one delivered, its hand-out list partly ticked off and one after-sales
case (a crushed cabbage) with its urgent service-desk ticket, and today's
group orders open with residents' orders. The leader ``gb_leader`` and the operations
manager ``gb_ops`` log in with fresh passwords, as the demo administrator does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal, Role, Scope, ScopeKind
from baotong.config import Settings
from baotong.core import clock
from baotong.db import demo
from baotong.groupbuy import cutoff, service
from baotong.groupbuy.models import CaseKind, GroupPoint, LeaderSource
from baotong.groupbuy.schemas import (
    AfterSaleCreate,
    GroupOrderOpen,
    GroupPointCreate,
    LeaderCreate,
    LineIn,
    OfferCreate,
    PickupPointCreate,
    ResidentOrderIn,
    Training,
)
from baotong.network.entities import Network
from baotong.network.reference import load_active
from baotong.supply.template import ItemKind
from baotong.transport import service as transport_service
from baotong.transport.entities import VehicleKind
from baotong.warehouse import inbound
from baotong.warehouse import service as warehouse_service
from baotong.warehouse.models import WarehouseKind, WarehouseStatus
from baotong.warehouse.schemas import Layout, ReceiveLine, WarehouseCreate

SH = "310000"
DEMO = Principal.system("demo")
CENTRAL, FORWARDS = "SH-GB-CENTRAL", (("SH-GB-CN", "310105"), ("SH-GB-PD", "310115"))
LEADERS = [  # code, name, phone, source, state, user
    ("SH-L-01", "周建华", "13916000001", LeaderSource.POSTAL_RETAIL, "active", "gb_leader"),
    ("SH-L-02", "陈美玲", "13916000002", LeaderSource.SHOP_OWNER, "active", None),
    ("SH-L-03", "吴国强", "13916000003", LeaderSource.POSTAL_STAFF, "active", None),
    ("SH-L-04", "朱丽", "13916000004", LeaderSource.PICKUP_POINT, "paused", None),
    ("SH-L-05", "孙志刚", "13916000005", LeaderSource.SHOP_OWNER, "trained", None),
    ("SH-L-06", "何静", "13916000006", LeaderSource.POSTAL_RETAIL, "registered", None),
]
POINTS = [  # code, name, county, pickup (code, name, lon, lat, forward), leader
    ("SH-GP-01", "仙霞新村", "310105", ("SH-PP-01", "仙霞路邮政所", 121.385, 31.205, "SH-GB-CN"),
     "SH-L-01"),
    ("SH-GP-02", "天山四村", "310105", ("SH-PP-02", "天山路菜鸟驿站", 121.401, 31.214, "SH-GB-CN"),
     "SH-L-02"),
    ("SH-GP-03", "金杨新村", "310115", ("SH-PP-03", "金杨路邮政所", 121.573, 31.262, "SH-GB-PD"),
     "SH-L-03"),
    ("SH-GP-04", "洋泾小区", "310115", ("SH-PP-04", "洋泾便利店", 121.546, 31.236, "SH-GB-PD"),
     "SH-L-04"),
]  # fmt: skip
OFFERS = [
    (ItemKind.KIT, "KIT-VEG", "49.00", 3, True),
    (ItemKind.SKU, "VEG-CABBAGE", "3.50", 5, False),
    (ItemKind.SKU, "VEG-POTATO", "2.00", 10, False),
    (ItemKind.SKU, "FOOD-RICE-5", "32.00", 2, True),
    (ItemKind.SKU, "FOOD-NOODLE", "6.00", 5, False),
    (ItemKind.SKU, "MILK-UHT-12", "45.00", 2, True),
]
RESIDENTS = [  # nickname, building, room, items
    ("王阿姨", "12号楼", "302", {"KIT-VEG": 1, "FOOD-RICE-5": 1}),
    ("小李", "3号楼", "1101", {"VEG-CABBAGE": 2, "FOOD-NOODLE": 2}),
    ("张老师", "7号楼", "502", {"MILK-UHT-12": 1, "VEG-POTATO": 3}),
    ("Tom", "12号楼", "1602", {"KIT-VEG": 2}),
    ("刘伯伯", "5号楼", "201", {"FOOD-RICE-5": 2, "VEG-CABBAGE": 1}),
]


@contextmanager
def _at(moment: datetime) -> Iterator[None]:
    with clock.frozen(moment):
        yield


def _users(session: Session) -> list[str]:
    said = []
    for name, role, scope in (
        ("gb_leader", Role.GROUP_LEADER,
         Scope.unit(ScopeKind.GROUP_POINT, "SH-GP-01", province_code=SH)),
        ("gb_ops", Role.SUPPLY_SUPERVISOR, Scope.province(SH)),
    ):  # fmt: skip
        if auth_service.get_user(session, name) is None:
            password = auth_service.generated_password()
            auth_service.create_user(session, username=name, password=password,
                                     role=role.value, scope=scope)  # fmt: skip
        else:
            password = auth_service.reset_password(session, username=name)
        said.append(f"Log in as {name} with password {password} ({role.value})")
    return said


def _warehouses(session: Session) -> None:
    warehouse_service.create_warehouse(session, DEMO, WarehouseCreate(
        code=CENTRAL, name="上海中心仓（邮区中心局）", kind=WarehouseKind.CENTRAL,
        province_code=SH, site_id="C-310100-ZXJ", region_code="310107",
        status=WarehouseStatus.OPEN, layout=Layout(zones=["A", "B"], aisles=2, racks=2,
                                                   bins=3)))  # fmt: skip
    for code, county in FORWARDS:
        warehouse_service.create_warehouse(session, DEMO, WarehouseCreate(
            code=code, name=f"前置仓 {code[-2:]}", kind=WarehouseKind.FORWARD, province_code=SH,
            region_code=county, status=WarehouseStatus.OPEN,
            layout=Layout(zones=["A"], aisles=1, racks=1, bins=2)))  # fmt: skip
    today = service.today()
    receipt, _ = inbound.receive(session, DEMO, CENTRAL, reference="上海保供蔬菜基地", lines=[
        ReceiveLine(sku="VEG-CABBAGE", qty=60, lot="SH-CB-01", expiry=today + timedelta(days=7)),
        ReceiveLine(sku="VEG-POTATO", qty=80, lot="SH-PO-01", expiry=today + timedelta(days=20)),
        ReceiveLine(sku="VEG-CARROT", qty=40, lot="SH-CA-01", expiry=today + timedelta(days=14)),
        ReceiveLine(sku="VEG-ONION", qty=40, lot="SH-ON-01", expiry=today + timedelta(days=20)),
        ReceiveLine(sku="VEG-GREENS", qty=30, lot="SH-GR-01", expiry=today + timedelta(days=3)),
        ReceiveLine(sku="FOOD-RICE-5", qty=6, lot="SH-RI-01"),
        ReceiveLine(sku="FOOD-NOODLE", qty=40, lot="SH-NO-01"),
        ReceiveLine(sku="MILK-UHT-12", qty=10, lot="SH-MI-01"),
    ])  # fmt: skip
    putaway = warehouse_service.get_document(session, DEMO, int(receipt.data["putaway_id"]))
    for line in warehouse_service.lines_of(session, putaway):
        inbound.put_away(session, DEMO, putaway.id, line_id=line.id)


def _people(session: Session, network: Network) -> None:
    for code, name, phone, source, state, username in LEADERS:
        service.create_leader(session, data=LeaderCreate(
            code=code, name=name, phone=phone, source=source, province_code=SH,
            username=username), principal=DEMO)  # fmt: skip
        if state != "registered":
            service.train_leader(session, code, principal=DEMO, data=Training(
                materials=["团长手册（接龙、截单、发货）", "防疫与无接触交付"]))  # fmt: skip
        if state in ("active", "paused"):
            service.set_leader_active(session, code, active=True, principal=DEMO)
        if state == "paused":
            service.set_leader_active(session, code, active=False, principal=DEMO)
    for code, name, county, (pp, pp_name, lon, lat, forward), leader in POINTS:
        service.create_pickup_point(session, data=PickupPointCreate(
            code=pp, name=pp_name, region_code=county, lon=lon, lat=lat,
            forward_warehouse=forward), principal=DEMO)  # fmt: skip
        service.create_point(session, data=GroupPointCreate(
            code=code, name=name, community_code=county, pickup_point=pp, leader=leader),
            principal=DEMO)  # fmt: skip
    for kind, item, price, limit, prepaid in OFFERS:
        service.create_offer(session, data=OfferCreate(
            province_code=SH, item_kind=kind, item_code=item, price=Decimal(price),
            daily_limit=limit, prepaid=prepaid), principal=DEMO)  # fmt: skip
    transport_service.add_vehicle(session, plate="沪A·T0421", kind=VehicleKind.VAN,
                                  capacity_kg=1500, capacity_m3=8, packages=120, cold_chain=False,
                                  home_site="SH-GB-CN", province_code=SH, network=network,
                                  principal=DEMO)  # fmt: skip
    transport_service.add_person(session, name="赵师傅", phone="13916000100", job="driver",
                                 site="SH-GB-CN", province_code=SH, network=network,
                                 principal=DEMO)  # fmt: skip


def _day(
    session: Session, points: list[str], day: date, cutoff_at: datetime, residents: int
) -> list[int]:
    """Open the points' group orders of a day and let residents order: the order ids."""
    offers = {o.item_code: o.id for o in service.offers(session, SH)}
    ids = []
    for p, point in enumerate(points):
        order = service.open_order(session, point, principal=DEMO,
                                   data=GroupOrderOpen(day=day, cutoff_at=cutoff_at))  # fmt: skip
        ids.append(order.id)
        for r, (nick, building, room, items) in enumerate(RESIDENTS[: residents - p]):
            lines = [LineIn(offer_id=offers[code], qty=qty) for code, qty in items.items()]
            service.place(session, order.token, data=ResidentOrderIn(
                nickname=nick, building=building, room=room,
                phone=f"1391700{p}{r:03d}", lines=lines))  # fmt: skip
    return ids


def seed_demo(session: Session, settings: Settings) -> list[str]:
    if session.scalar(select(GroupPoint.id).where(GroupPoint.code == POINTS[0][0])) is not None:
        return _users(session)
    network = load_active(settings)
    said = _users(session)
    _warehouses(session)
    _people(session, network)
    now, today = clock.now(), service.today()
    yesterday = today - timedelta(days=1)
    with _at(service.at(yesterday, 8)):
        delivered, _picking = _day(session, ["SH-GP-01", "SH-GP-03"], yesterday,
                                   service.at(yesterday, 20), 5)  # fmt: skip
    with _at(service.at(yesterday, 20, 5)):
        result = cutoff.run(session, province_code=SH, day=yesterday, network=network,
                            principal=DEMO, routing_seconds=1.0)  # fmt: skip
    leader = Principal(0, "gb_leader", Role.GROUP_LEADER,
                       Scope.unit(ScopeKind.GROUP_POINT, "SH-GP-01", province_code=SH))  # fmt: skip
    with _at(min(now, service.at(today, 9, 40))):
        service.receive_delivery(session, delivered, principal=leader)
        for seq in (1, 2, 3):
            service.collect(session, delivered, seq, principal=leader)
        # 小李's cabbages came crushed: an after-sales case, and its urgent ticket.
        service.open_case(session, delivered, principal=leader, data=AfterSaleCreate(
            resident_seq=2, kind=CaseKind.DAMAGED, item_code="VEG-CABBAGE", qty=1,
            description="白菜压坏了一棵"))  # fmt: skip
    cutoff_today = max(service.at(today, 20), now + timedelta(hours=6))
    opened = _day(session, ["SH-GP-01", "SH-GP-02", "SH-GP-03"], today, cutoff_today, 5)
    return [*said, f"Group buying: {len(POINTS)} group points, yesterday cut off "
            f"({result.orders} orders, {len(result.waves)} pick waves, {result.routes} routes), "
            f"{len(opened)} groups open today, 1 after-sales case with its ticket"]  # fmt: skip


demo.register("groupbuy", seed_demo, after=("supply", "warehouse", "transport", "auth"))
