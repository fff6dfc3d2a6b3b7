"""A small warehouse in Henan (at the ZZ centre) with stock in two bins."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session, sessionmaker

from baotong.auth.permissions import Principal
from baotong.db.session import session_scope
from baotong.warehouse import inbound, service
from baotong.warehouse.models import WarehouseKind, WarehouseStatus
from baotong.warehouse.schemas import Layout, ReceiveLine, WarehouseCreate

CODE = "warehouse-1"  # the unit code the test users of warehouse roles are scoped to
SYSTEM = Principal.system("tester")


def make_site(session: Session, code: str = CODE) -> None:
    service.create_warehouse(
        session,
        SYSTEM,
        WarehouseCreate(
            code=code,
            name="郑州汇集点",
            kind=WarehouseKind.CONSOLIDATION_POINT,
            province_code="410000",
            site_id="ZZ",
            status=WarehouseStatus.OPEN,
            equipment={"docks": 2, "forklifts": 1},
            layout=Layout(zones=["A"], aisles=1, racks=2, bins=3),
        ),
    )


def stock_up(session: Session, code: str = CODE) -> None:
    """Receive and put away cabbage in two lots (the earlier expiring one smaller)."""
    receipt, _ = inbound.receive(
        session,
        SYSTEM,
        code,
        lines=[
            ReceiveLine(sku="VEG-CABBAGE", qty=30, lot="LATE", expiry=date(2026, 12, 20)),
            ReceiveLine(sku="VEG-CABBAGE", qty=10, lot="EARLY", expiry=date(2026, 12, 5)),
            ReceiveLine(sku="VEG-POTATO", qty=50, lot="P1"),
        ],
    )
    putaway = service.get_document(session, SYSTEM, int(receipt.data["putaway_id"]))
    for line in service.lines_of(session, putaway):
        inbound.put_away(session, SYSTEM, putaway.id, line_id=line.id)


@pytest.fixture
def site(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with session_scope(sessions) as session:
        make_site(session)
        stock_up(session)
    return sessions
