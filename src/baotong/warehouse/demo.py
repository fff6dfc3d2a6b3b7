"""The warehouse's part of the demo: a consolidation point at the Suzhou centre (next to
Kunshan) supplying locked-down Shanghai, with stock in its bins, receipts announced by
suppliers, a wave being picked and vegetable kits being assembled; and Shanghai's own
consolidation point in Pudong, where the supply demo's allocated tables announce their
goods as expected receipts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.config import Settings
from baotong.core import clock
from baotong.db import demo
from baotong.warehouse import inbound, jobs, outbound, service
from baotong.warehouse.models import Warehouse, WarehouseKind, WarehouseStatus
from baotong.warehouse.schemas import ItemLine, Layout, ReceiveLine, WarehouseCreate

CODE = "SZ-HJD"
DEMO = Principal.system("demo")


def seed_demo(session: Session, settings: Settings) -> list[str]:
    if session.scalar(select(Warehouse.id).where(Warehouse.code == CODE)) is not None:
        return []
    service.create_warehouse(
        session,
        DEMO,
        WarehouseCreate(
            code=CODE,
            name="苏州汇集点（保供上海）",
            kind=WarehouseKind.CONSOLIDATION_POINT,
            province_code="320000",
            site_id="C-320500",
            region_code="320583",
            status=WarehouseStatus.OPEN,
            equipment={
                "docks": 6,
                "pallets": 400,
                "forklifts": 4,
                "racks": 48,
                "cameras": 12,
                "trailers": 8,
            },
            staff=[
                {"name": "王强", "role": "supervisor", "shift": "day"},
                {"name": "李娜", "role": "picker", "shift": "day"},
                {"name": "陈磊", "role": "forklift", "shift": "night"},
            ],
            layout=Layout(zones=["A", "B"], aisles=2, racks=3, bins=4),
        ),
    )
    today = clock.now().date()
    arrived = [
        ReceiveLine(sku="VEG-CABBAGE", qty=400, lot="CB-0412", expiry=today + timedelta(days=8)),
        ReceiveLine(sku="VEG-CABBAGE", qty=200, lot="CB-0410", expiry=today + timedelta(days=5)),
        ReceiveLine(sku="VEG-POTATO", qty=600, lot="PO-0409", expiry=today + timedelta(days=25)),
        ReceiveLine(sku="VEG-CARROT", qty=300, lot="CA-0411", expiry=today + timedelta(days=18)),
        ReceiveLine(sku="VEG-ONION", qty=300, lot="ON-0408", expiry=today + timedelta(days=28)),
        ReceiveLine(
            sku="VEG-GREENS", qty=150, lot="GR-0413", expiry=today + timedelta(days=3), damaged=6
        ),
        ReceiveLine(sku="FOOD-RICE-5", qty=240, lot="RI-2203", expiry=today + timedelta(days=300)),
    ]
    receipt, _ = inbound.receive(session, DEMO, CODE, lines=arrived, reference="苏州蔬菜基地 #1")
    putaway = service.get_document(session, DEMO, int(receipt.data["putaway_id"]))
    for line in service.lines_of(session, putaway):
        inbound.put_away(session, DEMO, putaway.id, line_id=line.id)
    for source_id, lines in (
        (
            "contract-SH-0415-01",
            [ItemLine(sku="MILK-UHT-12", qty=120), ItemLine(sku="FOOD-NOODLE", qty=300)],
        ),
        (
            "contract-SH-0415-02",
            [ItemLine(sku="VEG-CABBAGE", qty=500), ItemLine(sku="VEG-GREENS", qty=200)],
        ),
    ):
        inbound.expect_receipt(
            session, CODE, lines, "supply_contract", source_id, reference=source_id, actor="demo"
        )
    wave = outbound.create_pick(
        session,
        DEMO,
        CODE,
        wave="W-0415-AM 班车 08:00",
        lines=[
            ItemLine(sku="VEG-CABBAGE", qty=120),
            ItemLine(sku="VEG-POTATO", qty=120),
            ItemLine(sku="VEG-CARROT", qty=60),
            ItemLine(sku="VEG-ONION", qty=60),
            ItemLine(sku="VEG-GREENS", qty=60),
        ],
        reference="浦东新区 团购 #1",
    )
    first = service.lines_of(session, wave)
    for line in first[:3]:
        outbound.pick(session, DEMO, wave.id, line_id=line.id)
    picked = outbound.create_pick(
        session,
        DEMO,
        CODE,
        wave="W-0415-AM 班车 08:00",
        lines=[
            ItemLine(sku="VEG-CABBAGE", qty=60),
            ItemLine(sku="VEG-POTATO", qty=60),
            ItemLine(sku="VEG-CARROT", qty=30),
            ItemLine(sku="VEG-ONION", qty=30),
            ItemLine(sku="VEG-GREENS", qty=30),
        ],
        reference="蔬菜包 30",
    )
    for line in service.lines_of(session, picked):
        outbound.pick(session, DEMO, picked.id, line_id=line.id)
    kits = outbound.create_kit_order(
        session, DEMO, CODE, kit="KIT-VEG", kits=30, province_code="320000", reference="蔬菜包 30"
    )
    outbound.assemble(session, DEMO, kits.id, kits=12)
    return [
        f"Warehouse: consolidation point {CODE} with stock, 2 expected receipts, "
        "a wave in picking and 30 vegetable kits being assembled"
    ]


SUPPLY_CODE = "SH-HJD"


def seed_supply_demo(session: Session, settings: Settings) -> list[str]:
    """Shanghai's consolidation point, the expected receipts of the supply demo's tables,
    and the sweep that announces new ones."""
    if session.scalar(select(Warehouse.id).where(Warehouse.code == SUPPLY_CODE)) is not None:
        return []
    service.create_warehouse(
        session,
        DEMO,
        WarehouseCreate(
            code=SUPPLY_CODE,
            name="上海浦东汇集点（保供物资）",
            kind=WarehouseKind.CONSOLIDATION_POINT,
            province_code="310000",
            region_code="310115",
            status=WarehouseStatus.OPEN,
            equipment={"docks": 4, "pallets": 200, "forklifts": 2, "racks": 24},
            staff=[{"name": "周敏", "role": "supervisor", "shift": "day"}],
            layout=Layout(zones=["A"], aisles=2, racks=2, bins=4),
        ),
    )
    swept = inbound.expect_all_from_supply(session, actor="demo")
    jobs.ensure_sweep(session)
    received = 0
    if swept.documents:  # the first one has come in: its table shows what was received
        doc = service.get_document(session, DEMO, swept.documents[0])
        expiry = clock.now().date() + timedelta(days=180)
        counted = [
            ReceiveLine(
                line_id=ln.id, sku=ln.sku, qty=ln.qty, lot=f"SH-{ln.sku}"[:48], expiry=expiry
            )
            for ln in service.lines_of(session, doc)
        ]
        inbound.receive(session, DEMO, SUPPLY_CODE, lines=counted, document_id=doc.id)
        received = 1
    return [
        f"Warehouse: consolidation point {SUPPLY_CODE} for Shanghai's supply tables, "
        f"{len(swept.documents)} expected receipts announced from them, {received} received"
    ]


demo.register("warehouse", seed_demo, after=("network", "auth"))
demo.register("warehouse_supply", seed_supply_demo, after=("warehouse", "supply"))
