"""The station part of the demo (modelled on Henan): a special run (专趟) from the backup
centre of the Henan plan in force to a Henan delivery station has arrived with two bags;
one is opened — one item missing from it — and its items are on the station's call list in
several contact states (to call, no answer twice, reached, an appointment, delivered with
the name the recipient signed with as its proof, refused and waiting to go back); the
other waits to be opened. A ``station_staff`` user works the station."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal, Role, Scope
from baotong.config import Settings
from baotong.contingency import in_force
from baotong.core import clock
from baotong.db import demo
from baotong.network.entities import Network, ProductClass
from baotong.network.reference import load_active
from baotong.tracking import s10
from baotong.tracking import service as tracking
from baotong.tracking.schemas import ItemCreate
from baotong.transport import service, stations
from baotong.transport.entities import ContactState, CredentialKind, RouteType, VehicleKind
from baotong.transport.models import SpecialRun

DEMO = Principal.system("demo")
HENAN = "410000"
USER = "station_henan"
RECIPIENTS = [  # name, phone, address (the community is read from it)
    ("刘芳", "13903710001", "金水区 文化路 锦江花园小区 3号楼"),
    ("张伟", "13903710002", "金水区 丰产路 农科新村 12号"),
    ("王秀英", "13903710003", "金水区 经三路 省委家属院社区 5单元"),
    ("李强", "13903710004", "金水区 黄河路 锦江花园小区 7号楼"),
    ("陈静", "13903710005", "金水区 纬五路 绿城百合公寓 2单元"),
    ("赵磊", "13903710006", "金水区 东风路 农科新村 20号"),
    ("孙丽", "13903710007", "金水区 红专路 晨旭苑 9号楼"),
    ("周洋", "13903710008", "金水区 文化路 锦江花园小区 1号楼"),
]
PICKUP = "锦江花园 团购自提点（物业东门）"  # the group-buy point of the first recipient


def _station(session: Session, network: Network) -> str:
    """A Henan station the plan in force claims (its backup sorts it), else the first."""
    state = in_force.in_force(session)
    henan = sorted(s.id for s in network.stations.values()
                   if network.regions.get(s.county_code) is not None
                   and network.regions[s.county_code].province_code == HENAN)  # fmt: skip
    for station_id in henan[:400]:
        routing = in_force.routing_in(state, network=network, destination=station_id)
        if routing.source == "plan":
            return station_id
    return henan[0]


def seed_demo(session: Session, settings: Settings) -> list[str]:
    if session.scalar(select(SpecialRun.id).limit(1)) is not None:
        return _user(session)
    network = load_active(settings)
    station_id = _station(session, network)
    station = stations.station_of(network, station_id, principal=DEMO)
    origin, origin_name, source, _ = stations.origin_for(session, network, station_id)
    now = clock.now()
    numbers = [s10.make("XD", 71000 + i) for i in range(len(RECIPIENTS) + 2)]
    tracking.add_items(session, network=network, items=[
        ItemCreate(number=n, product_class=ProductClass.PARCEL, origin_site_id=origin,
                   dest_region_code=station.county_code, dest_station_id=station.id,
                   recipient_contact=" ".join(RECIPIENTS[i % len(RECIPIENTS)]),
                   posted_at=now - timedelta(days=2, hours=i))
        for i, n in enumerate(numbers)])  # fmt: skip
    van = service.add_vehicle(session, plate="豫A·Z0018", kind=VehicleKind.VAN,
                              capacity_kg=1500.0, capacity_m3=8.0, packages=400,
                              cold_chain=False, home_site=origin, province_code=HENAN,
                              network=network, principal=DEMO)  # fmt: skip
    driver = service.add_person(session, name="郭志强", phone="13803710018", job="driver",
                                site=origin, province_code=HENAN, network=network,
                                principal=DEMO)  # fmt: skip
    today = service.today()
    subjects: list[tuple[CredentialKind, dict[str, Any]]] = [
        (CredentialKind.VEHICLE_PASS, {"vehicle_id": van.id}),
        (CredentialKind.STAFF_WHITELIST, {"person_id": driver.id}),
    ]
    for kind, subject in subjects:
        row = service.apply(session, kind=kind, areas=[HENAN], route_types=[RouteType.CITY],
                            authority="郑州市疫情防控指挥部", valid_from=today - timedelta(days=3),
                            valid_to=today + timedelta(days=14), network=network,
                            principal=DEMO, **subject)  # fmt: skip
        service.submit(session, row.id, principal=DEMO)
        service.decide(session, row.id, grant=True, number=f"ZT-{row.id:04d}", principal=DEMO)
    first = [stations.ManifestEntry(n, pickup_point=PICKUP if i == 0 else "")
             for i, n in enumerate(numbers[:7])]  # fmt: skip
    second = [stations.ManifestEntry(n) for n in numbers[7:]]
    run = stations.plan_special_run(
        session, station_id=station.id, vehicle_id=van.id, driver_id=driver.id, run_date=today,
        bags=[stations.BagManifest("ZT-01", tuple(first)),
              stations.BagManifest("ZT-02", tuple(second))],
        network=network, principal=DEMO)  # fmt: skip
    start = now - timedelta(hours=6)
    stations.depart(session, run.id, at=start, network=network, principal=DEMO)
    stations.arrive(session, run.id, received_by="揽投部 吴敏", at=start + timedelta(hours=2),
                    network=network, principal=DEMO)  # fmt: skip
    opened = run.bags[0]
    # The seventh item on the manifest is not in the bag: the opening records it missing.
    stations.open_bag(session, opened.id, scanned=numbers[:6], at=start + timedelta(hours=3),
                      network=network, principal=DEMO)  # fmt: skip
    lines = {line.number: line for line in stations.call_list(
        session, station.id, network=network, principal=DEMO)}  # fmt: skip
    ids = [lines[n].id for n in numbers[:6]]
    stations.record_call(session, ids[1], outcome=ContactState.NO_ANSWER, principal=DEMO)
    stations.record_call(session, ids[1], outcome=ContactState.NO_ANSWER,
                         note="关机", principal=DEMO)  # fmt: skip
    stations.record_call(session, ids[2], outcome=ContactState.REACHED, principal=DEMO)
    stations.record_call(session, ids[3], outcome=ContactState.REACHED, principal=DEMO)
    stations.record_call(session, ids[3], outcome=ContactState.APPOINTMENT,
                         appointment_at=now + timedelta(hours=3),
                         note="下午到小区东门取", principal=DEMO)  # fmt: skip
    stations.record_call(session, ids[4], outcome=ContactState.REACHED, principal=DEMO)
    stations.deliver(session, ids[4], to=RECIPIENTS[4][0], signed_by=RECIPIENTS[4][0],
                     network=network, principal=DEMO)  # fmt: skip
    stations.record_call(session, ids[5], outcome=ContactState.REACHED, principal=DEMO)
    stations.record_call(session, ids[5], outcome=ContactState.REFUSED,
                         note="拒收：未订购", principal=DEMO)  # fmt: skip
    said = [f"Stations: special run {run.load_ref} from {origin_name} ({source}) to "
            f"{station.name} ({station.id}), 2 bags, one opened, 6 items to call "
            "(one delivered and signed for, one refused to return)"]  # fmt: skip
    return said + _user(session)


def _user(session: Session) -> list[str]:
    if auth_service.get_user(session, USER) is None:
        password = auth_service.generated_password()
        auth_service.create_user(session, username=USER, password=password,
                                 role=Role.STATION_STAFF.value,
                                 scope=Scope.province(HENAN))  # fmt: skip
    else:
        password = auth_service.reset_password(session, username=USER)
    return [f"Log in as {USER} with password {password} ({Role.STATION_STAFF.value})"]


demo.register("transport_stations", seed_demo,
              after=("transport", "tracking", "contingency_plans", "auth"))  # fmt: skip
