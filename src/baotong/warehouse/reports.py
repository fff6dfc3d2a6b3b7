"""The stock report and the ledger as Excel workbooks (openpyxl), and ledger rows for the
API."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.core.pagination import PageRequest
from baotong.warehouse import service
from baotong.warehouse.models import Move
from baotong.warehouse.schemas import MoveRead

STOCK_HEADER = ["location", "sku", "name", "lot", "expiry", "on_hand", "reserved", "available"]
LEDGER_HEADER = ["id", "at", "sku", "lot", "qty", "from", "to", "document", "actor", "scan_id"]


def move_rows(rows: Iterable[Move], codes: dict[int, str]) -> list[MoveRead]:
    return [
        MoveRead(
            id=m.id,
            at=m.at,
            sku=m.sku,
            lot=m.lot,
            qty=m.qty,
            source=codes.get(m.from_location_id or 0),
            target=codes.get(m.to_location_id or 0),
            document_id=m.document_id,
            actor=m.actor,
            scan_id=m.scan_id,
        )
        for m in rows
    ]


def _bytes(book: Workbook) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def stock_workbook(session: Session, principal: Principal, code: str) -> bytes:
    """Sheet ``stock``: one row per location, SKU and lot with on-hand, reserved, available."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "stock"
    sheet.append(STOCK_HEADER)
    skus = service.catalogue().skus
    offset = 0
    while True:
        found = service.stock(session, principal, code, page=PageRequest(limit=1000, offset=offset))
        for row in found.items:
            name = skus[row.sku].name if row.sku in skus else row.sku
            sheet.append(
                [
                    row.location,
                    row.sku,
                    name,
                    row.lot,
                    row.expiry,
                    row.on_hand,
                    row.reserved,
                    row.available,
                ]
            )
        offset += len(found.items)
        if not found.has_more:
            break
    return _bytes(book)


def ledger_workbook(session: Session, principal: Principal, code: str) -> bytes:
    """Sheet ``ledger``: every move of the warehouse, oldest first."""
    warehouse = service.get_warehouse(session, principal, code)
    codes = service.location_codes(session, warehouse)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "ledger"
    sheet.append(LEDGER_HEADER)
    query = select(Move).where(Move.warehouse_id == warehouse.id).order_by(Move.id)
    for m in session.scalars(query.execution_options(yield_per=1000)):
        sheet.append(
            [
                m.id,
                m.at.replace(tzinfo=None),
                m.sku,
                m.lot,
                m.qty,
                codes.get(m.from_location_id or 0, ""),
                codes.get(m.to_location_id or 0, ""),
                m.document_id,
                m.actor,
                m.scan_id,
            ]
        )
    return _bytes(book)
