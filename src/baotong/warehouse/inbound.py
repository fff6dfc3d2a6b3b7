"""Inbound operations and counts: receive goods at the dock (against an expected receipt
or blind), put them away into bins, and count a location with a supervisor approving the
adjustment. Each is a document; each change of stock a move of the ledger."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.warehouse import ledger, service
from baotong.warehouse.models import (
    Document,
    DocumentKind,
    DocumentLine,
    DocumentStatus,
    Location,
    Quant,
    Warehouse,
)
from baotong.warehouse.schemas import ItemLine, ReceiveLine
from baotong.warehouse.service import ACTIVE, DOCK_IN


# -- 1. receive ---------------------------------------------------------------------------------
def expect_receipt(
    session: Session,
    site: str,
    lines: Iterable[ItemLine],
    source_type: str,
    source_id: str,
    *,
    reference: str = "",
    actor: str = "supply",
) -> Document:
    """Announce goods on their way to warehouse ``site`` (the supply domain's arrivals): a
    receipt in state ``expected`` that the dock receives against."""
    warehouse = session.scalar(select(Warehouse).where(Warehouse.code == site))
    if warehouse is None:
        raise NotFoundError(f"Unknown warehouse {site}.", code="warehouse.not_found", id=site)
    items = list(lines)
    for i, item in enumerate(items):
        service.check_sku(item.sku, f"lines.{i}.sku")
    doc = service.new_document(
        session,
        warehouse,
        DocumentKind.RECEIPT,
        actor,
        status=DocumentStatus.EXPECTED,
        reference=reference,
        source_type=source_type,
        source_id=source_id,
    )
    for item in items:
        session.add(
            DocumentLine(
                document_id=doc.id, sku=item.sku, lot=item.lot, expiry=item.expiry, qty=item.qty
            )
        )
    session.flush()
    return doc


def receive(
    session: Session,
    principal: Principal,
    code: str,
    *,
    lines: list[ReceiveLine],
    document_id: int | None = None,
    reference: str = "",
    photos: Iterable[str] = (),
    scan_id: str | None = None,
) -> tuple[Document, bool]:
    """Count goods in at the inbound dock, against an expected receipt or blind; book the
    good units onto the dock and open their put-away. Short, over and damaged units are
    recorded as discrepancies. Returns the receipt and whether this call applied it."""
    warehouse = service.get_warehouse(session, principal, code)
    for i, item in enumerate(lines):
        service.check_sku(item.sku, f"lines.{i}.sku")
        if item.damaged > item.qty:
            raise ValidationError(
                "must not exceed the quantity counted.",
                code="warehouse.damaged_over_count",
                field=f"lines.{i}.damaged",
                value=item.damaged,
            )

    def apply() -> dict[str, Any]:
        if document_id is not None:
            _, doc = service.document_of(session, principal, document_id, DocumentKind.RECEIPT)
            if doc.warehouse_id != warehouse.id:
                raise NotFoundError(
                    f"Unknown warehouse document {document_id}.",
                    code="warehouse_document.not_found",
                    id=document_id,
                )
            source: tuple[DocumentStatus, ...] = (DocumentStatus.EXPECTED, DocumentStatus.OPEN)
        else:
            doc = service.new_document(
                session, warehouse, DocumentKind.RECEIPT, principal.username, reference=reference
            )
            source = (DocumentStatus.OPEN,)
        dock = service.location(session, warehouse, DOCK_IN)
        expected = {line.sku: line for line in service.lines_of(session, doc)}
        putaway = service.new_document(
            session,
            warehouse,
            DocumentKind.PUTAWAY,
            principal.username,
            reference=doc.reference,
            source_type="receipt",
            source_id=str(doc.id),
        )
        counted: dict[str, list[int]] = {}
        suggested: dict[str, Location] = {}  # one suggestion an SKU (see suggest_location)
        service.ensure_lots(session, warehouse, [(i.sku, i.lot, i.expiry) for i in lines])
        for item in lines:
            good = item.qty - item.damaged
            line = expected.get(item.sku)
            if line is None or line.qty_done + line.qty_damaged > 0:
                line = DocumentLine(document_id=doc.id, sku=item.sku, qty=0)
                session.add(line)
            line.lot, line.expiry = item.lot, item.expiry
            line.qty_done, line.qty_damaged = good, item.damaged
            line.to_location_id = dock.id
            total = counted.setdefault(item.sku, [0, 0])
            total[0] += item.qty
            total[1] += item.damaged
            if good > 0:
                ledger.move(
                    session,
                    warehouse_id=warehouse.id,
                    sku=item.sku,
                    lot=item.lot,
                    qty=good,
                    source=None,
                    target=dock,
                    document_id=doc.id,
                    actor=principal.username,
                    scan_id=scan_id,
                )
                if item.sku not in suggested:
                    suggested[item.sku] = service.suggest_location(session, warehouse, item.sku)
                session.add(
                    DocumentLine(
                        document_id=putaway.id,
                        sku=item.sku,
                        lot=item.lot,
                        expiry=item.expiry,
                        qty=good,
                        from_location_id=dock.id,
                        to_location_id=suggested[item.sku].id,
                    )
                )
        discrepancies = []
        planned: dict[str, int] = {}
        for line in expected.values():
            planned[line.sku] = planned.get(line.sku, 0) + line.qty
        for sku in sorted(set(planned) | set(counted)):
            want, (got, damaged) = planned.get(sku, 0), counted.get(sku, [0, 0])
            if document_id is not None and got < want:
                discrepancies.append({"sku": sku, "kind": "short", "qty": want - got})
            if document_id is not None and got > want:
                discrepancies.append({"sku": sku, "kind": "over", "qty": got - want})
            if damaged:
                discrepancies.append({"sku": sku, "kind": "damaged", "qty": damaged})
        session.flush()
        service.set_data(
            doc, discrepancies=discrepancies, photos=list(photos), putaway_id=putaway.id
        )
        service.move_to(
            session, warehouse, doc, source, DocumentStatus.DONE, principal.username, data=doc.data
        )
        return {"document_id": doc.id}

    return service.scanned(session, warehouse, principal, scan_id, "receive", apply)


# -- 2. put away ------------------------------------------------------------------------------
def put_away(
    session: Session,
    principal: Principal,
    document_id: int,
    *,
    line_id: int,
    location_code: str | None = None,
    scan_id: str | None = None,
) -> tuple[Document, bool]:
    """Move a line from the dock to the scanned bin (the suggested one when none)."""
    warehouse, doc = service.document_of(session, principal, document_id, DocumentKind.PUTAWAY)

    def apply() -> dict[str, Any]:
        service.check_active(doc)
        scanned = service.line_of(session, doc, line_id)
        line = scanned.line
        remaining = line.qty - line.qty_done
        if remaining <= 0:
            raise ConflictError(
                f"Line {line_id} is put away already.", code="warehouse.line_done", line=line_id
            )
        target = (
            service.location(session, warehouse, location_code)
            if location_code and location_code != getattr(scanned.target, "code", None)
            else scanned.target
        )
        assert target is not None
        ledger.move(
            session,
            warehouse_id=warehouse.id,
            sku=line.sku,
            lot=line.lot,
            qty=remaining,
            source=scanned.source,
            target=target,
            document_id=doc.id,
            actor=principal.username,
            scan_id=scan_id,
        )
        scanned.done(session, line.qty, target if target is not scanned.target else None)
        service.progress(session, warehouse, doc, principal.username, line.id)
        return {"document_id": doc.id}

    return service.scanned(session, warehouse, principal, scan_id, "putaway", apply, doc)


# -- 3. pick ----------------------------------------------------------------------------------
# -- cycle counts -----------------------------------------------------------------------------
def create_count(
    session: Session, principal: Principal, code: str, *, location_code: str
) -> Document:
    """A cycle count of one location: its quants as they stand, to be counted."""
    warehouse = service.get_warehouse(session, principal, code)
    place = service.location(session, warehouse, location_code)
    doc = service.new_document(
        session, warehouse, DocumentKind.COUNT, principal.username, reference=place.code
    )
    for quant in session.scalars(
        select(Quant).where(Quant.location_id == place.id, Quant.on_hand > 0).order_by(Quant.id)
    ):
        session.add(
            DocumentLine(
                document_id=doc.id,
                sku=quant.sku,
                lot=quant.lot,
                qty=quant.on_hand,
                from_location_id=place.id,
            )
        )
    session.flush()
    return doc


def submit_count(
    session: Session, principal: Principal, document_id: int, *, counted: list[ItemLine]
) -> Document:
    """Record what was counted (lines not named were counted as 0); a supervisor approves."""
    warehouse, doc = service.document_of(session, principal, document_id, DocumentKind.COUNT)
    service.check_active(doc)
    found = {(c.sku, c.lot): c.qty for c in counted}
    for i, item in enumerate(counted):
        service.check_sku(item.sku, f"lines.{i}.sku")
    lines = service.lines_of(session, doc)
    place_id = lines[0].from_location_id if lines else None
    if place_id is None:
        place_id = service.location(session, warehouse, doc.reference).id
    for line in lines:
        line.qty_done = found.pop((line.sku, line.lot), 0)
    for (sku, lot), qty in found.items():
        session.add(
            DocumentLine(
                document_id=doc.id, sku=sku, lot=lot, qty=0, qty_done=qty, from_location_id=place_id
            )
        )
    session.flush()
    return service.move_to(
        session, warehouse, doc, ACTIVE, DocumentStatus.AWAITING_APPROVAL, principal.username
    )


def approve_count(session: Session, principal: Principal, document_id: int) -> Document:
    """A supervisor approves a count: each difference is booked as an adjustment move."""
    warehouse, doc = service.document_of(session, principal, document_id, DocumentKind.COUNT)
    adjustments = []
    for line in service.lines_of(session, doc):
        difference = line.qty_done - line.qty
        place = session.get(Location, line.from_location_id)
        if difference == 0 or place is None:
            continue
        ledger.move(
            session,
            warehouse_id=warehouse.id,
            sku=line.sku,
            lot=line.lot,
            qty=abs(difference),
            source=place if difference < 0 else None,
            target=place if difference > 0 else None,
            document_id=doc.id,
            actor=principal.username,
        )
        adjustments.append({"sku": line.sku, "lot": line.lot, "difference": difference})
    service.set_data(doc, adjustments=adjustments, approved_by=principal.username)
    session.flush()
    return service.move_to(
        session,
        warehouse,
        doc,
        DocumentStatus.AWAITING_APPROVAL,
        DocumentStatus.DONE,
        principal.username,
        data=doc.data,
    )
