"""A small group-buy world in Henan: a central warehouse at the ZZ centre with cabbage,
potatoes and rice in its bins, a forward warehouse in county 410101, two pickup points,
two active leaders and their group points (``group_point-1`` is the unit the test users
of the leader role are scoped to), and four offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from baotong.auth.permissions import Principal
from baotong.core import clock
from baotong.db.session import session_scope
from baotong.groupbuy import service
from baotong.groupbuy.models import LeaderSource
from baotong.groupbuy.schemas import (
    GroupOrderOpen,
    GroupPointCreate,
    LeaderCreate,
    LineIn,
    OfferCreate,
    PickupPointCreate,
    ResidentOrderIn,
    Training,
)
from baotong.supply.template import ItemKind
from baotong.warehouse import inbound
from baotong.warehouse import service as warehouse_service
from baotong.warehouse.models import WarehouseKind, WarehouseStatus
from baotong.warehouse.schemas import Layout, ReceiveLine, WarehouseCreate

SYSTEM = Principal.system("tester")
POINTS = ("group_point-1", "group_point-2")
PROVINCE = "410000"


@dataclass
class World:
    sessions: sessionmaker[Session]
    offers: dict[str, int]  # item code -> offer id
    day: date
    cutoff_at: datetime

    def open(self, code: str = POINTS[0]) -> tuple[int, str]:
        """Open ``code``'s group order of the day: (id, token)."""
        with session_scope(self.sessions) as session:
            order = service.open_order(
                session, code, data=GroupOrderOpen(cutoff_at=self.cutoff_at), principal=SYSTEM
            )
            return order.id, order.token

    def order(self, token: str, phone: str, **items: int) -> tuple[int, str]:
        """A resident's order of ``items`` (item code with '-' as '_'): (seq, edit code)."""
        lines = [
            LineIn(offer_id=self.offers[code.replace("_", "-")], qty=qty)
            for code, qty in items.items()
        ]
        data = ResidentOrderIn(nickname=f"n{phone[-3:]}", building="7号楼", room="1201",
                               phone=phone, lines=lines)  # fmt: skip
        with session_scope(self.sessions) as session:
            resident, code = service.place(session, token, data=data)
            return resident.seq, code


def make_world(session: Session) -> None:
    for code, kind, region, site in (
        ("GB-CENTRAL", WarehouseKind.CENTRAL, "410100", "ZZ"),
        ("GB-FW-1", WarehouseKind.FORWARD, "410101", None),
    ):
        warehouse_service.create_warehouse(session, SYSTEM, WarehouseCreate(
            code=code, name=f"{code} 仓", kind=kind, province_code=PROVINCE, site_id=site,
            region_code=region, status=WarehouseStatus.OPEN,
            layout=Layout(zones=["A"], aisles=1, racks=2, bins=3)))  # fmt: skip
    receipt, _ = inbound.receive(session, SYSTEM, "GB-CENTRAL", lines=[
        ReceiveLine(sku="VEG-CABBAGE", qty=10, lot="C1"),
        ReceiveLine(sku="VEG-POTATO", qty=40, lot="P1"),
        ReceiveLine(sku="FOOD-RICE-5", qty=5, lot="R1"),
    ])  # fmt: skip
    putaway = warehouse_service.get_document(session, SYSTEM, int(receipt.data["putaway_id"]))
    for line in warehouse_service.lines_of(session, putaway):
        inbound.put_away(session, SYSTEM, putaway.id, line_id=line.id)
    for i, (point, county) in enumerate(zip(POINTS, ("410101", "410102"), strict=True), 1):
        service.create_pickup_point(session, data=PickupPointCreate(
            code=f"PP-{i}", name=f"自提点{i}", region_code=county, lon=113.8 + 0.02 * i,
            lat=34.75, forward_warehouse="GB-FW-1"), principal=SYSTEM)  # fmt: skip
        service.create_leader(session, data=LeaderCreate(
            code=f"L-{i}", name=f"团长{i}", phone=f"1380000000{i}",
            source=LeaderSource.SHOP_OWNER, province_code=PROVINCE), principal=SYSTEM)  # fmt: skip
        service.train_leader(session, f"L-{i}", data=Training(materials=["接龙规则"]),
                             principal=SYSTEM)  # fmt: skip
        service.set_leader_active(session, f"L-{i}", active=True, principal=SYSTEM)
        service.create_point(session, data=GroupPointCreate(
            code=point, name=f"小区{i}", community_code=county, pickup_point=f"PP-{i}",
            leader=f"L-{i}"), principal=SYSTEM)  # fmt: skip
    for kind, item, price, limit in (
        (ItemKind.SKU, "VEG-CABBAGE", "3.50", 5),
        (ItemKind.SKU, "VEG-POTATO", "2.00", 10),
        (ItemKind.SKU, "FOOD-RICE-5", "32.00", 2),
        (ItemKind.KIT, "KIT-VEG", "49.00", 3),
    ):
        service.create_offer(session, data=OfferCreate(
            province_code=PROVINCE, item_kind=kind, item_code=item, price=Decimal(price),
            daily_limit=limit), principal=SYSTEM)  # fmt: skip


@pytest.fixture
def world(seeded: sessionmaker[Session]) -> World:
    with session_scope(seeded) as session:
        make_world(session)
        offers = {o.item_code: o.id for o in service.offers(session, PROVINCE)}
    cutoff_at = clock.now() + timedelta(hours=2)
    return World(seeded, offers, cutoff_at.astimezone(service.BEIJING).date(), cutoff_at)
