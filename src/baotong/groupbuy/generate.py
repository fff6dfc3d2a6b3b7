"""A synthetic group-buy day for demonstrations and the benchmark: a province's central
warehouse with stock, forward warehouses over its counties, ``groups`` group points with
their leaders and pickup points, the day's group orders and ``orders`` resident orders
of one to three lines each — written with bulk inserts, so a day of 200,000 orders takes
seconds. Seeded: the same arguments give the same day."""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.core import clock
from baotong.groupbuy import service
from baotong.groupbuy.models import (
    GroupOrder,
    GroupOrderStatus,
    GroupPoint,
    Leader,
    LeaderSource,
    LeaderStatus,
    Offer,
    PickupPoint,
    ResidentLine,
    ResidentOrder,
    ResidentOrderStatus,
)
from baotong.groupbuy.schemas import OfferCreate
from baotong.network.entities import Network, RegionLevel
from baotong.supply.template import ItemKind
from baotong.warehouse import inbound
from baotong.warehouse import service as warehouse_service
from baotong.warehouse.models import Warehouse, WarehouseKind, WarehouseStatus
from baotong.warehouse.schemas import Layout, ReceiveLine, WarehouseCreate

OFFERS = (  # kind, item, price, daily limit
    (ItemKind.SKU, "VEG-CABBAGE", "3.50", 5),
    (ItemKind.SKU, "VEG-POTATO", "2.00", 10),
    (ItemKind.SKU, "FOOD-RICE-5", "32.00", 2),
    (ItemKind.SKU, "FOOD-NOODLE", "6.00", 5),
    (ItemKind.SKU, "MILK-UHT-12", "45.00", 2),
    (ItemKind.KIT, "KIT-VEG", "49.00", 3),
)
GROUPS_PER_FORWARD = 100
BATCH = 20_000


@dataclass(frozen=True, slots=True)
class Generated:
    province_code: str
    day: date
    groups: int
    orders: int
    lines: int
    forward_warehouses: int


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(_table(model).insert(), rows[start : start + BATCH])


def _counties(network: Network, province_code: str) -> list[str]:
    found = sorted(
        code
        for code, region in network.regions.items()
        if region.level is RegionLevel.COUNTY and code[:2] == province_code[:2]
    )
    if not found:
        raise ValueError(f'"province" {province_code} has no counties in the network.')
    return found


def _warehouses(
    session: Session, principal: Principal, network: Network, province: str, forwards: int,
    counties: list[str],
) -> list[int]:  # fmt: skip
    """The central warehouse (stocked once) and ``forwards`` forward warehouses: their ids."""
    central = f"GEN-C-{province[:2]}"
    if session.scalar(select(Warehouse.id).where(Warehouse.code == central)) is None:
        warehouse_service.create_warehouse(session, principal, WarehouseCreate(
            code=central, name=f"中心仓 {province}", kind=WarehouseKind.CENTRAL,
            province_code=province, region_code=counties[0], status=WarehouseStatus.OPEN,
            layout=Layout(zones=["A"], aisles=2, racks=2, bins=4)))  # fmt: skip
        stock = [ReceiveLine(sku=sku, qty=qty, lot=f"GEN-{sku}") for sku, qty in (
            ("VEG-CABBAGE", 300_000), ("VEG-POTATO", 600_000), ("FOOD-RICE-5", 40_000),
            ("FOOD-NOODLE", 200_000), ("MILK-UHT-12", 20_000), ("VEG-CARROT", 80_000),
            ("VEG-ONION", 80_000), ("VEG-GREENS", 40_000))]  # fmt: skip
        receipt, _ = inbound.receive(session, principal, central, lines=stock)
        putaway = warehouse_service.get_document(
            session, principal, int(receipt.data["putaway_id"])
        )
        for line in warehouse_service.lines_of(session, putaway):
            inbound.put_away(session, principal, putaway.id, line_id=line.id)
    ids = []
    for k in range(forwards):
        code = f"GEN-F-{province[:2]}-{k + 1:02d}"
        row = session.scalar(select(Warehouse.id).where(Warehouse.code == code))
        if row is None:
            row = warehouse_service.create_warehouse(session, principal, WarehouseCreate(
                code=code, name=f"前置仓 {k + 1}", kind=WarehouseKind.FORWARD,
                province_code=province, region_code=counties[k % len(counties)],
                status=WarehouseStatus.OPEN,
                layout=Layout(zones=["A"], aisles=1, racks=1, bins=2))).id  # fmt: skip
        ids.append(row)
    return ids


def _offers(session: Session, principal: Principal, province: str) -> list[Offer]:
    have = {o.item_code for o in service.offers(session, province, active_only=False)}
    for kind, item, price, limit in OFFERS:
        if item not in have:
            service.create_offer(session, data=OfferCreate(
                province_code=province, item_kind=kind, item_code=item, price=Decimal(price),
                daily_limit=limit), principal=principal)  # fmt: skip
    return service.offers(session, province)


def _points(
    session: Session, network: Network, province: str, groups: int, forward_ids: list[int],
    counties: list[str], rng: random.Random,
) -> list[int]:  # fmt: skip
    """``groups`` group points (made once, with leaders and pickup points): their ids."""
    prefix = f"GEN-{province[:2]}-"
    have = int(session.scalar(
        select(func.count()).where(GroupPoint.code.like(f"{prefix}%"))) or 0)  # fmt: skip
    now = clock.now()
    if have < groups:
        new = range(have + 1, groups + 1)
        _insert(session, Leader, [{
            "code": f"{prefix}L{i:05d}", "name": f"团长{i}", "phone": f"139{i:08d}",
            "source": list(LeaderSource)[i % 4], "status": LeaderStatus.ACTIVE,
            "province_code": province, "user_id": None,
            "training": {"materials": ["团长手册"], "attended_at": now.isoformat()},
            "created_at": now, "status_at": now} for i in new])  # fmt: skip
        pickups = []
        for i in new:
            county = counties[i % len(counties)]
            lon, lat = network.regions[county].centroid
            pickups.append({
                "code": f"{prefix}P{i:05d}", "name": f"自提点{i}", "address": "",
                "region_code": county, "province_code": province,
                "lon": lon + rng.uniform(-0.05, 0.05), "lat": lat + rng.uniform(-0.05, 0.05),
                "forward_warehouse_id": forward_ids[(i - 1) // GROUPS_PER_FORWARD
                                                    % len(forward_ids)]})  # fmt: skip
        _insert(session, PickupPoint, pickups)
        leader_ids = dict(session.execute(select(Leader.code, Leader.id).where(
            Leader.code.like(f"{prefix}L%"))).all())  # fmt: skip
        pickup_ids = dict(session.execute(select(PickupPoint.code, PickupPoint.id).where(
            PickupPoint.code.like(f"{prefix}P%"))).all())  # fmt: skip
        _insert(session, GroupPoint, [{
            "code": f"{prefix}{i:05d}", "name": f"小区{i}",
            "community_code": counties[i % len(counties)], "province_code": province,
            "pickup_point_id": pickup_ids[f"{prefix}P{i:05d}"],
            "leader_id": leader_ids[f"{prefix}L{i:05d}"], "created_at": now}
            for i in new])  # fmt: skip
    query = select(GroupPoint.id).where(GroupPoint.code.like(f"{prefix}%"))
    return list(session.scalars(query.order_by(GroupPoint.code).limit(groups)))


def generate(
    session: Session, *, network: Network, province_code: str, day: date, groups: int,
    orders: int, principal: Principal, seed: int = 7,
    progress: Callable[[str, float], None] | None = None,
) -> Generated:  # fmt: skip
    """Write a synthetic day of ``groups`` group orders with ``orders`` resident orders."""
    if groups < 1 or orders < 0:
        raise ValueError('"groups" must be >= 1 and "orders" >= 0.')
    rng = random.Random(seed)
    step = progress or (lambda _what, _done: None)
    counties = _counties(network, province_code)
    forwards = max(1, (groups + GROUPS_PER_FORWARD - 1) // GROUPS_PER_FORWARD)
    forward_ids = _warehouses(session, principal, network, province_code, forwards, counties)
    offers = _offers(session, principal, province_code)
    step("warehouses and offers", 0.1)
    point_ids = _points(session, network, province_code, groups, forward_ids, counties, rng)
    step("group points", 0.2)
    taken = set(session.scalars(select(GroupOrder.group_point_id).where(GroupOrder.day == day)))
    now, cutoff_at = clock.now(), service.at(day, 20)
    _insert(session, GroupOrder, [{
        "group_point_id": p, "province_code": province_code, "day": day,
        "cutoff_at": cutoff_at, "status": GroupOrderStatus.OPEN,
        "token": secrets.token_urlsafe(24), "note": "", "opened_by": principal.username,
        "opened_at": now, "cut_at": None, "delivered_at": None, "late": False}
        for p in point_ids if p not in taken])  # fmt: skip
    group_ids = list(session.scalars(select(GroupOrder.id).where(
        GroupOrder.day == day, GroupOrder.group_point_id.in_(point_ids),
        GroupOrder.status == GroupOrderStatus.OPEN).order_by(GroupOrder.id)))  # fmt: skip
    hashed = hashlib.sha256(secrets.token_hex(8).encode()).hexdigest()
    counters = dict.fromkeys(group_ids, 0)
    for g, top in session.execute(select(ResidentOrder.group_order_id, func.max(ResidentOrder.seq))
                                  .where(ResidentOrder.group_order_id.in_(group_ids))
                                  .group_by(ResidentOrder.group_order_id)):  # fmt: skip
        counters[g] = int(top or 0)
    residents = []
    for n in range(orders):
        g = group_ids[rng.randrange(len(group_ids))]
        counters[g] += 1
        residents.append({
            "group_order_id": g, "seq": counters[g], "nickname": f"邻居{n % 997}",
            "building": f"{rng.randint(1, 30)}号楼",
            "room": f"{rng.randint(1, 30)}0{rng.randint(1, 4)}",
            # unique within the group (the number is): one placed order per phone and group
            "phone": f"13{rng.randint(0, 999_999_999) % 10_000:04d}{counters[g]:05d}",
            "code_hash": hashed,
            "status": ResidentOrderStatus.PLACED, "created_at": now, "updated_at": now,
            "collected_at": None, "collected_by": None})  # fmt: skip
    _insert(session, ResidentOrder, residents)
    step("resident orders", 0.6)
    ids = session.execute(
        select(ResidentOrder.id, ResidentOrder.group_order_id)
        .where(
            ResidentOrder.group_order_id.in_(group_ids),
            ~ResidentOrder.id.in_(select(ResidentLine.resident_order_id)),
        )  # fmt: skip
        .order_by(ResidentOrder.id)
    ).all()
    lines = []
    for resident, g in ids:
        for offer in rng.sample(offers, rng.randint(1, 3)):
            lines.append({
                "resident_order_id": resident, "group_order_id": g, "offer_id": offer.id,
                "item_code": offer.item_code, "qty": rng.randint(1, offer.daily_limit),
                "unit_price": offer.price, "allocated": None})  # fmt: skip
    _insert(session, ResidentLine, lines)
    session.flush()
    step("lines", 1.0)
    return Generated(province_code, day, len(group_ids), len(ids), len(lines), forwards)
