"""The transport part of the demo (modelled): trucks and drivers of the backup centres
that serve locked Henan, their passes and whitelist entries, and runs for the next two
days — one cleared, one blocked by a pass that expires tomorrow, one whose pass the
authority has not granted yet."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.config import Settings
from baotong.db import demo
from baotong.network.entities import Network
from baotong.network.reference import load_active
from baotong.transport import service
from baotong.transport.entities import CredentialKind, Leg, RouteType, RunKind, VehicleKind
from baotong.transport.models import Vehicle

DEMO = Principal.system("demo")
FLEET = [  # plate, kind, home centre, province, driver, pass valid for (days from today)
    ("晋M·D1234", VehicleKind.TRUCK, "C-140800", "140000", "王建国", 10),
    ("皖K·D5678", VehicleKind.TRUCK, "C-341200", "340000", "李卫东", 1),
    ("鲁R·D2468", VehicleKind.VAN, "C-371700", "370000", "张海峰", None),
]
RUNS = [  # plate, days from today, destination, kind
    ("晋M·D1234", 1, "410102", RunKind.ZONE_RUN),
    ("皖K·D5678", 2, "411100", RunKind.ZONE_RUN),
    ("鲁R·D2468", 2, "411700", RunKind.ZONE_RUN),
]


def seed_demo(session: Session, settings: Settings) -> list[str]:
    if session.scalar(select(Vehicle.id).limit(1)) is not None:
        return []
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
    homes = {plate: home for plate, _, home, *_ in FLEET}
    for plate, days, destination, run_kind in RUNS:
        vehicle_id, driver_id = ids[plate]
        service.create_run(session, kind=run_kind, run_date=today + timedelta(days=days),
                           vehicle_id=vehicle_id, driver_id=driver_id, origin=homes[plate],
                           destination=destination, route_type=RouteType.INTER_PROVINCIAL,
                           network=network, principal=DEMO)  # fmt: skip
    _custody(session, network)
    return [f"Transport: {len(FLEET)} vehicles with passes, {len(RUNS)} runs into Henan, "
            f"a load's chain of custody ({LOAD})"]  # fmt: skip


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


demo.register("transport", seed_demo, after=("contingency_plans",))
