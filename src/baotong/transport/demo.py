"""The transport part of the demo (modelled): trucks and drivers of the backup centres
that serve locked Henan, their passes and whitelist entries, and runs for the next two
days — one cleared, one blocked by a pass that expires tomorrow, one whose pass the
authority has not granted yet. Continuing the Shanghai-like story of the supply and
warehouse demos: the Suzhou consolidation point dispatches vegetable kits, a shuttle takes
them in a drop-and-hook trailer to the transfer station, where they are swapped into
Changning district's van (one package short, each side stating its seals and counts on its
own) and the trailer returns empty; a midday shuttle's crew has stated its side and waits
for the transfer station's (the ``transfer_station`` login); a second trailer is loading
for the afternoon shuttle; one run into Henan is stopped because the Zhengzhou processing
centre it ends at has no whitelist entry; and tomorrow's deliveries of government
orders to Changning's communities are planned into routes with their route sheets."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal, Role, Scope
from baotong.config import Settings
from baotong.db import demo
from baotong.network.entities import Network
from baotong.network.reference import load_active
from baotong.transport import route_plans, service, shuttles
from baotong.transport.entities import CredentialKind, Leg, RouteType, RunKind, VehicleKind
from baotong.transport.models import Vehicle
from baotong.warehouse import outbound
from baotong.warehouse.schemas import ItemLine

DEMO = Principal.system("demo")
FLEET = [  # plate, kind, home centre, province, driver, pass valid for (days from today)
    ("晋M·D1234", VehicleKind.TRUCK, "C-140800", "140000", "王建国", 10),
    ("皖K·D5678", VehicleKind.TRUCK, "C-341200", "340000", "李卫东", 1),
    ("鲁R·D2468", VehicleKind.VAN, "C-371700", "370000", "张海峰", None),
]
RUNS = [  # plate, days from today, destination, kind, the site it ends at
    ("晋M·D1234", 1, "410102", RunKind.ZONE_RUN, "S-410102-01"),
    ("皖K·D5678", 2, "411100", RunKind.ZONE_RUN, None),
    ("鲁R·D2468", 2, "411700", RunKind.ZONE_RUN, None),
    ("晋M·D1234", 1, "410102", RunKind.ZONE_RUN, "C-410100"),  # no centre whitelist entry
]
PERMITTED = "S-410102-01"  # 中原区01揽投部: its operating permit is granted
STATION_USER = "transfer_station"  # the Shanghai transfer station's staff


def _station_user(session: Session) -> tuple[Principal, str]:
    """The login of the Shanghai transfer station's staff (a new password on every run)."""
    scope = Scope.province("310000")
    user = auth_service.get_user(session, STATION_USER)
    if user is None:
        password = auth_service.generated_password()
        user = auth_service.create_user(session, username=STATION_USER, password=password,
                                        role=Role.TRANSFER_STATION.value, scope=scope)  # fmt: skip
    else:
        password = auth_service.reset_password(session, username=STATION_USER)
    said = (f"Log in as {STATION_USER} with password {password} "
            f"({Role.TRANSFER_STATION.value}, {STATION})")  # fmt: skip
    return Principal(user.id, STATION_USER, Role.TRANSFER_STATION, scope), said


def seed_demo(session: Session, settings: Settings) -> list[str]:
    station, login = _station_user(session)
    if session.scalar(select(Vehicle.id).limit(1)) is not None:
        return [login]
    network = load_active(settings)
    today = service.today()
    ids: dict[str, tuple[int, int]] = {}
    for plate, kind, home, province, driver, valid_days in FLEET:
        vehicle = service.add_vehicle(session, plate=plate, kind=kind, capacity_kg=12000.0,
                                      capacity_m3=60.0, packages=12000, cold_chain=False,
                                      home_site=home, province_code=province, network=network,
                                      principal=DEMO)  # fmt: skip
        person = service.add_person(session, name=driver, phone="13800000000", job="driver",
                                    site=home, province_code=province, network=network,
                                    principal=DEMO)  # fmt: skip
        ids[plate] = (vehicle.id, person.id)
        until = today + timedelta(days=valid_days if valid_days is not None else 30)
        common: dict[str, Any] = {"areas": ["410000"], "authority": "河南省疫情防控指挥部",
                  "valid_from": today - timedelta(days=5), "valid_to": until,
                  "network": network, "principal": DEMO}  # fmt: skip
        pas = service.apply(session, kind=CredentialKind.VEHICLE_PASS, vehicle_id=vehicle.id,
                            route_types=[RouteType.INTER_PROVINCIAL], **common)  # fmt: skip
        service.submit(session, pas.id, principal=DEMO)
        month = {**common, "valid_to": today + timedelta(days=30)}
        listed = service.apply(session, kind=CredentialKind.STAFF_WHITELIST, person_id=person.id,
                               route_types=[], closed_loop=True, **month)  # fmt: skip
        service.submit(session, listed.id, principal=DEMO)
        service.decide(session, listed.id, grant=True, number=f"WL-{person.id:04d}",
                       principal=DEMO)  # fmt: skip
        if valid_days is not None:
            service.decide(session, pas.id, grant=True, number=f"TX-{vehicle.id:04d}",
                           principal=DEMO)  # fmt: skip
    permit = service.apply(session, kind=CredentialKind.SITE_PERMIT, site_id=PERMITTED,
                           areas=["410102"], route_types=[], authority="郑州市疫情防控指挥部",
                           valid_from=today - timedelta(days=5),
                           valid_to=today + timedelta(days=30), network=network,
                           principal=DEMO)  # fmt: skip
    service.submit(session, permit.id, principal=DEMO)
    service.decide(session, permit.id, grant=True, number="场许-0001", principal=DEMO)
    homes = {plate: home for plate, _, home, *_ in FLEET}
    for plate, days, destination, run_kind, end_site in RUNS:
        vehicle_id, driver_id = ids[plate]
        service.create_run(session, kind=run_kind, run_date=today + timedelta(days=days),
                           vehicle_id=vehicle_id, driver_id=driver_id, origin=homes[plate],
                           destination=destination, route_type=RouteType.INTER_PROVINCIAL,
                           end_site=end_site, network=network, principal=DEMO)  # fmt: skip
    _custody(session, network)
    said = [f"Transport: {len(FLEET)} vehicles with passes, {len(RUNS)} runs into Henan "
            f"(one stopped: 郑州邮件处理中心 has no centre whitelist entry), a load's chain of "
            f"custody ({LOAD})"]  # fmt: skip
    return [login, *said, *_shuttles(session, network, station), *_route_plan(session, network)]


LOAD = "SH-0412-001"
SHUTTLE, VAN = "盘驳车 苏E·S0001", "长宁区保供车 沪A·P0012"
CHAIN = [  # leg, from, to, place, hours after the first, count, short, damaged, seal
    (Leg.SUPPLIER_TO_POINT, "苏州绿源蔬菜合作社", "昆山汇集点", "昆山汇集点 2号月台",
     0, 480, 0, 0, None),
    (Leg.POINT_TO_SHUTTLE, "昆山汇集点", SHUTTLE, "昆山汇集点 5号月台", 6, 478, 2, 0, "QF-88101"),
    (Leg.SWAP, SHUTTLE, VAN, "上海西北转运站", 9, 478, 0, 0, "QF-88102"),
    (Leg.TO_RECIPIENT, VAN, "长宁区政府 物资组 陈敏", "长宁区政府", 11, 477, 1, 3, None),
]  # fmt: skip


def _custody(session: Session, network: Network) -> None:
    """A vegetable-kit load from a supplier to the Changning district government (modelled
    on Shanghai, April 2022): four handovers, two packages short at loading, one lost and
    three damaged at the recipient."""
    start = datetime.combine(service.today() - timedelta(days=1), time(6),
                             tzinfo=service.BEIJING)  # fmt: skip
    for leg, giver, taker, place, hours, count, short, damaged, seal in CHAIN:
        service.record_handover(session, load_ref=LOAD, leg=leg, from_party=giver,
                                to_party=taker, at=start + timedelta(hours=hours), place=place,
                                count=count, short=short, damaged=damaged, seal=seal,
                                province_code="310000", network=network,
                                principal=DEMO)  # fmt: skip


# -- the shuttle and the swap (Suzhou consolidation point → Shanghai transfer station) ------
POINT = "SZ-HJD"  # the warehouse demo's consolidation point
STATION = "上海西北转运站（嘉定）"
SHUTTLE_FLEET = [  # plate, kind, packages
    ("苏E·S0001", VehicleKind.TRACTOR, 0), ("苏E·T001挂", VehicleKind.TRAILER, 600),
    ("苏E·T002挂", VehicleKind.TRAILER, 600), ("苏E·T003挂", VehicleKind.TRAILER, 600),
]  # fmt: skip


def _dispatch(session: Session, kits: int, seal: str, trailer: str) -> int:
    """The consolidation point packs assembled vegetable kits (three a carton), loads them
    onto the trailer, seals it and hands it to transport: the warehouse's dispatch."""
    codes = []
    for _ in range(kits // 3):
        packed, _ = outbound.pack(session, DEMO, POINT, items=[ItemLine(sku="KIT-VEG", qty=3)],
                                  source="KIT", weight_kg=15.0, size_cm=[60, 40, 40])  # fmt: skip
        codes.append(f"PKG-{POINT}-{packed.id:06d}")
    shipment = outbound.create_shipment(session, DEMO, POINT, vehicle="苏E·S0001",
                                        trailer=trailer, reference="盘驳 蔬菜包")  # fmt: skip
    for code in codes:
        outbound.load(session, DEMO, shipment.id, package_code=code)
    outbound.seal(session, DEMO, shipment.id, seal_number=seal)
    done, _ = outbound.dispatch(session, DEMO, POINT, shipment_id=shipment.id, carrier="盘驳",
                                handed_to=trailer)  # fmt: skip
    return done.id


def _shuttles(session: Session, network: Network, station: Principal) -> list[str]:
    ids = {}
    for plate, kind, packages in SHUTTLE_FLEET:
        ids[plate] = service.add_vehicle(session, plate=plate, kind=kind, capacity_kg=20000.0,
                                         capacity_m3=80.0, packages=max(packages, 1),
                                         cold_chain=False, home_site=POINT,
                                         province_code="320000", network=network,
                                         principal=DEMO).id  # fmt: skip
    driver = service.add_person(session, name="周永强", phone="13900000021", job="driver",
                                site=POINT, province_code="320000", network=network,
                                principal=DEMO)  # fmt: skip
    today = service.today()
    held_by: list[tuple[CredentialKind, dict[str, Any]]] = [
        (CredentialKind.VEHICLE_PASS, {"vehicle_id": ids["苏E·S0001"]}),
        (CredentialKind.STAFF_WHITELIST, {"person_id": driver.id}),
    ]
    for need, subject in held_by:
        held = service.apply(session, kind=need, areas=["310000"],
                             route_types=[RouteType.INTER_PROVINCIAL],
                             authority="上海市疫情防控工作领导小组", valid_from=today,
                             valid_to=today + timedelta(days=30), network=network,
                             principal=DEMO, **subject)  # fmt: skip
        service.submit(session, held.id, principal=DEMO)
        service.decide(session, held.id, grant=True, number=f"沪通-{held.id:04d}", principal=DEMO)
    morning = _dispatch(session, 6, "QF-88201", "苏E·T001挂")
    afternoon = _dispatch(session, 3, "QF-88202", "苏E·T002挂")
    midday = _dispatch(session, 3, "QF-88203", "苏E·T003挂")
    start = service.start_of(today)
    common: dict[str, Any] = {
              "warehouse_code": POINT, "station": STATION, "station_region": "310114",
              "tractor_id": ids["苏E·S0001"], "driver_id": driver.id,
              "route_type": RouteType.INTER_PROVINCIAL, "network": network,
              "principal": DEMO}  # fmt: skip
    first = shuttles.timetable(session, trailer_id=ids["苏E·T001挂"],
                               departs_at=start + timedelta(hours=6),
                               arrives_at=start + timedelta(hours=8, minutes=30),
                               dispatch_ids=[morning], **common)  # fmt: skip
    shuttles.depart(session, first.id, at=start + timedelta(hours=6, minutes=5), network=network,
                    principal=DEMO)  # fmt: skip
    shuttles.arrive(session, first.id, at=start + timedelta(hours=8, minutes=20), principal=DEMO)
    # each side states the swap on its own: the shuttle's crew, then the transfer station
    shuttles.record_side(session, first.id, side="handed",
                         statement=shuttles.SwapSide("周永强", "QF-88201", 2),
                         at=start + timedelta(hours=8, minutes=40), network=network,
                         principal=DEMO)  # fmt: skip
    shuttles.record_side(session, first.id, side="received",
                         statement=shuttles.SwapSide("长宁区保供专班 陈敏", "QF-88201", 1),
                         area_vehicle="长宁区保供车 沪A·P0012",
                         at=start + timedelta(hours=8, minutes=50),
                         note="一箱（3 份蔬菜包）卸车时缺失", network=network,
                         principal=station)  # fmt: skip
    shuttles.return_empty(session, first.id, at=start + timedelta(hours=11), principal=DEMO)
    waiting = shuttles.timetable(session, trailer_id=ids["苏E·T003挂"],
                                 departs_at=start + timedelta(hours=9),
                                 arrives_at=start + timedelta(hours=11, minutes=30),
                                 dispatch_ids=[midday], **common)  # fmt: skip
    shuttles.depart(session, waiting.id, at=start + timedelta(hours=9, minutes=5),
                    network=network, principal=DEMO)  # fmt: skip
    shuttles.arrive(session, waiting.id, at=start + timedelta(hours=11, minutes=20),
                    principal=DEMO)  # fmt: skip
    shuttles.record_side(session, waiting.id, side="handed",
                         statement=shuttles.SwapSide("周永强", "QF-88203", 1),
                         at=start + timedelta(hours=11, minutes=30), network=network,
                         principal=DEMO)  # fmt: skip
    second = shuttles.timetable(session, trailer_id=ids["苏E·T002挂"],
                                departs_at=start + timedelta(hours=14),
                                arrives_at=start + timedelta(hours=16, minutes=30),
                                dispatch_ids=[afternoon], **common)  # fmt: skip
    return [f"Transport: shuttle {first.load_ref} swapped at {STATION}, stated by both sides "
            f"(one package short, returned empty); shuttle {waiting.load_ref} handed over and "
            f"waiting for the station's side ({STATION_USER}); shuttle {second.load_ref} "
            f"loading for 14:00"]  # fmt: skip


# -- tomorrow's deliveries of government orders in Changning ------------------------------------
DEPOT = {"name": "长宁区保供中转点", "lon": 121.4246, "lat": 31.2204}
ORDERS = [  # id, name, address, lon, lat, packages, ready, due
    ("CN01", "华阳路街道", "长宁路 1000 号", 121.4300, 31.2260, 36, "08:00", "10:00"),
    ("CN02", "江苏路街道", "愚园路 1088 号", 121.4340, 31.2220, 28, "08:00", "10:00"),
    ("CN03", "新华路街道", "新华路 500 号", 121.4270, 31.2070, 40, "09:00", "11:00"),
    ("CN04", "天山路街道", "天山路 900 号", 121.4040, 31.2150, 32, "09:00", "12:00"),
    ("CN05", "仙霞新村街道", "仙霞路 700 号", 121.3920, 31.2070, 30, "10:00", "12:00"),
    ("CN06", "虹桥街道", "虹桥路 1400 号", 121.4120, 31.1990, 26, "10:00", "12:00"),
    ("CN07", "周家桥街道", "长宁路 1600 号", 121.4090, 31.2230, 22, "08:00", "11:00"),
    ("CN08", "程家桥街道", "虹桥路 2300 号", 121.3700, 31.1960, 24, "13:00", "15:00"),
    ("CN09", "北新泾街道", "天山西路 300 号", 121.3780, 31.2180, 34, "13:00", "15:00"),
    ("CN10", "新泾镇", "哈密路 1900 号", 121.3620, 31.2100, 30, "13:00", "16:00"),
]  # fmt: skip
VANS = [("沪A·P0012", "刘建华"), ("沪A·P0013", "吴桂芳"), ("沪A·P0014", "郑伟")]


def _route_plan(session: Session, network: Network) -> list[str]:
    fleet = []
    for plate, name in VANS:
        van = service.add_vehicle(session, plate=plate, kind=VehicleKind.VAN, capacity_kg=1500.0,
                                  capacity_m3=10.0, packages=120, cold_chain=False,
                                  home_site="长宁区保供中转点", province_code="310000",
                                  network=network, principal=DEMO)  # fmt: skip
        person = service.add_person(session, name=name, phone="13900000031", job="driver",
                                    site="长宁区保供中转点", province_code="310000",
                                    network=network, principal=DEMO)  # fmt: skip
        fleet.append({"vehicle_id": van.id, "driver_id": person.id})
    stops = [{"id": i, "name": n, "address": a, "lon": x, "lat": y, "region": "310105",
              "packages": p, "ready": r, "due": d, "service_min": 10}
             for i, n, a, x, y, p, r, d in ORDERS]  # fmt: skip
    plan = route_plans.create(session, name="长宁区政府保供订单", plan_date=service.today()
                              + timedelta(days=1), depot=DEPOT, stops=stops, fleet=fleet,
                              speed_kmh=25.0, time_limit_s=2.0, background=False,
                              network=network, principal=DEMO)  # fmt: skip
    plan = route_plans.solve_now(session, plan.id, network=network, principal=DEMO)
    routes = (plan.result or {}).get("routes", [])
    return [f"Transport: route plan {plan.id} for tomorrow — {len(stops)} government orders "
            f"in Changning on {len(routes)} routes (route sheets at "
            f"/api/v1/transport/plans/{plan.id}/sheets.pdf)"]  # fmt: skip


demo.register("transport", seed_demo, after=("contingency_plans", "warehouse"))


# The delivery stations' part (special runs, bags, the call list) registers itself.
from baotong.transport import demo_stations as _stations  # noqa: E402, F401
