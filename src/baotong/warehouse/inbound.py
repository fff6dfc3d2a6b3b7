"""Inbound operations and counts: receive goods at the dock (against an expected receipt
or blind), put them away into bins, and count a location with a supervisor approving the
adjustment. Each is a document; each change of stock a move of the ledger."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong import jobs
from baotong.audit import service as audit
from baotong.auth.permissions import Principal
from baotong.config import Settings
from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.core.i18n import N_
from baotong.supply import fulfilment
from baotong.supply.models import DemandTable
from baotong.warehouse import ledger, photos, service
from baotong.warehouse.models import (
    Document,
    DocumentKind,
    DocumentLine,
    DocumentStatus,
    Location,
    Quant,
    Warehouse,
    WarehouseKind,
    WarehouseStatus,
)
from baotong.warehouse.schemas import ItemLine, ReceiveLine
from baotong.warehouse.service import ACTIVE, DOCK_IN

log = structlog.get_logger("baotong.warehouse")
SUPPLY_SOURCE = "supply_table"  # source_type of a receipt announced for a demand table
# Where a province's supply tables deliver: its consolidation point, else its central one.
SUPPLY_KINDS = (WarehouseKind.CONSOLIDATION_POINT, WarehouseKind.CENTRAL)
RECEIVING = (WarehouseStatus.OPEN, WarehouseStatus.OPENING)
N_("error.warehouse.no_supply_warehouse")
N_("error.warehouse.not_supply_warehouse")
N_("error.warehouse.ambiguous_line")
N_("error.warehouse.line_sku")
N_("error.warehouse.photo_kind")
N_("error.warehouse.photo_size")
N_("error.warehouse.no_photo")
N_("error.warehouse.no_upload")


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


# -- expected receipts from supply --------------------------------------------------------------
def supply_warehouse(session: Session, province_code: str) -> Warehouse:
    """The warehouse a province's supply tables deliver to: its consolidation point (open or
    opening; the lowest code first), else its central warehouse.

    Raises ConflictError ``warehouse.no_supply_warehouse`` naming the province when it has
    neither.
    """
    rows = session.scalars(
        select(Warehouse)
        .where(
            Warehouse.province_code == province_code,
            Warehouse.kind.in_(SUPPLY_KINDS),
            Warehouse.status.in_(RECEIVING),
        )
        .order_by(Warehouse.code)
    ).all()
    for kind in SUPPLY_KINDS:
        for row in rows:
            if row.kind is kind:
                return row
    raise ConflictError(
        f"Province {province_code} has no open consolidation point or central warehouse "
        "to receive its supply tables' goods; create one first.",
        code="warehouse.no_supply_warehouse",
        province=province_code,
    )


def expect_from_supply(
    session: Session, *, table_id: int, actor: str = "supply"
) -> Document | None:
    """Announce what demand table ``table_id`` owes a warehouse and has not announced yet
    (``supply.fulfilment.owed_to_warehouse``) as one expected receipt at the province's
    supply warehouse; None when nothing is new.

    Idempotent: each line of goods is claimed under its unique key before the receipt is
    made, so a second call, a second runner or a second click never announces it twice.
    Each receipt line carries the SKU and quantity; ``data["supply"]`` names, per line,
    the supplier, the table's line and the key.
    """
    table = session.get(DemandTable, table_id)
    if table is None:
        raise NotFoundError(
            f"Unknown demand table {table_id}.", code="demand_table.not_found", id=table_id
        )
    items = fulfilment.pending_receipts(session, table)
    if not items:
        return None
    warehouse = supply_warehouse(session, table.province_code)
    links = fulfilment.claim_receipts(
        session, items=items, warehouse_code=warehouse.code, actor=actor
    )
    if not links:
        return None
    doc = expect_receipt(
        session,
        warehouse.code,
        [ItemLine(sku=link.sku_code, qty=link.quantity) for link in links],
        SUPPLY_SOURCE,
        str(table.id),
        reference=f"需求表 #{table.id} {table.title}"[:64],
        actor=actor,
    )
    by_item = {item.key: item for item in items}
    lines = service.lines_of(session, doc)
    service.set_data(
        doc,
        supply={
            "table_id": table.id,
            "province": table.province_code,
            "lines": [
                {
                    "line_id": line.id,
                    "key": link.key,
                    "supplier": link.supplier_code,
                    "demand_line": by_item[link.key].position,
                    "allocation_id": link.allocation_id,
                    "day": (d.isoformat() if (d := by_item[link.key].day) else None),
                }
                for line, link in zip(lines, links, strict=True)
            ],
        },
    )
    fulfilment.attach_receipt(session, links, doc.id)
    session.flush()
    return doc


@dataclass(slots=True)
class SupplySweep:
    """What one pass over the supply tables announced, the provinces it could not serve
    (no warehouse: the tables wait for the next pass), and the tables that failed (their
    writes undone), each with the reason."""

    documents: list[int] = field(default_factory=list)
    unserved: dict[int, str] = field(default_factory=dict)  # table id → province
    failed: dict[int, str] = field(default_factory=dict)  # table id → reason


def expect_all_from_supply(
    session: Session,
    *,
    warehouse: Warehouse | None = None,
    actor: str = "supply",
    run: jobs.Pass | None = None,
) -> SupplySweep:
    """Announce the new goods of every allocated or later table (of ``warehouse``'s
    province, if given, and only when it is that province's supply warehouse).

    Each table is a unit of ``run`` (a pass of the sweep; one of its own when not given):
    in a savepoint, so a table that fails is undone and listed in ``failed`` with the
    reason, and the other tables are still announced."""
    query = select(DemandTable.id, DemandTable.province_code).where(
        DemandTable.status.in_(fulfilment.OWING)
    )
    if warehouse is not None:
        chosen = supply_warehouse(session, warehouse.province_code)
        if chosen.id != warehouse.id:
            raise ConflictError(
                f"Supply tables of province {warehouse.province_code} deliver to "
                f"{chosen.code}, not to {warehouse.code}.",
                code="warehouse.not_supply_warehouse",
                id=warehouse.code,
                province=warehouse.province_code,
                warehouse=chosen.code,
            )
        query = query.where(DemandTable.province_code == warehouse.province_code)
    run = run or jobs.Pass(session, "warehouse.supply_receipts")
    result = SupplySweep()
    for table_id, province in session.execute(query.order_by(DemandTable.id)).all():

        def announce(table_id: int = table_id, province: str = province) -> Document | None:
            try:
                return expect_from_supply(session, table_id=table_id, actor=actor)
            except ConflictError as exc:
                if exc.code != "warehouse.no_supply_warehouse":
                    raise
                result.unserved[table_id] = province
                return None

        name = f"demand table {table_id}"
        doc = run.unit(name, announce)
        if name in run.failures:
            result.failed[table_id] = run.failures[name]
        elif doc is not None:
            result.documents.append(doc.id)
    if result.unserved:
        log.warning("supply tables without a warehouse", tables=result.unserved)
    return result


def supply_receipts(session: Session, principal: Principal, code: str) -> list[dict[str, Any]]:
    """Per demand table announced to warehouse ``code``: units expected and received, the
    receipts and whether they are done."""
    warehouse = service.get_warehouse(session, principal, code)
    rows: dict[int, dict[str, Any]] = {}
    docs = session.scalars(
        select(Document)
        .where(
            Document.warehouse_id == warehouse.id,
            Document.kind == DocumentKind.RECEIPT,
            Document.source_type == SUPPLY_SOURCE,
        )
        .order_by(Document.id)
    )
    for doc in docs:
        table_id = int(doc.source_id or 0)
        row = rows.setdefault(
            table_id,
            {"table_id": table_id, "expected": 0, "received": 0, "documents": [], "open": 0},
        )
        row["documents"].append(doc)
        row["open"] += doc.status is DocumentStatus.EXPECTED
    for link in fulfilment.links_at(session, warehouse.code, list(rows)):
        row = rows[link.table_id]
        row["expected"] += link.quantity
        row["received"] += link.received or 0
    return [rows[k] for k in sorted(rows)]


@dataclass(slots=True)
class _Tally:
    """What was counted for one expected receipt line (or, ``line_id`` None, of an SKU no
    line expected): units, damaged, and the lots and expiry dates seen."""

    sku: str
    line_id: int | None
    want: int
    got: int = 0
    damaged: int = 0
    counted: bool = False
    lots: list[str] = field(default_factory=list)
    expiries: list[date] = field(default_factory=list)

    def add(self, item: ReceiveLine) -> None:
        self.got, self.damaged, self.counted = (
            self.got + item.qty,
            self.damaged + item.damaged,
            True,
        )
        if item.lot and item.lot not in self.lots:
            self.lots.append(item.lot)
        if item.expiry is not None:
            self.expiries.append(item.expiry)

    def discrepancies(self, *, against_plan: bool) -> list[dict[str, Any]]:
        where: dict[str, Any] = {"sku": self.sku}
        if self.line_id is not None:
            where["line_id"] = self.line_id
        found = []
        if against_plan and self.got != self.want:
            kind = "short" if self.got < self.want else "over"
            found.append({**where, "kind": kind, "qty": abs(self.want - self.got)})
        if self.damaged:
            found.append({**where, "kind": "damaged", "qty": self.damaged})
        return found

    def booked(self) -> fulfilment.Counted:
        """The line's count as the supply table shows it: its first lot, the earliest
        expiry (the one stock is picked by)."""
        return fulfilment.Counted(
            self.got - self.damaged,
            self.damaged,
            self.lots[0] if self.lots else "",
            min(self.expiries, default=None),
        )


def _match(
    doc: Document, expected: list[DocumentLine], items: list[ReceiveLine]
) -> list[DocumentLine | None]:
    """The expected line each counted item is for (None: no line expects its SKU).

    An item naming its ``line_id`` gets that line (of its SKU). Otherwise the lines of its
    SKU are the candidates — those announced with the item's lot, when any is — and the
    one of them, or the one no other item took, is chosen; when several remain the count
    is refused (``warehouse.ambiguous_line``) naming them, so units are never credited to
    the wrong line. A second item for a line taken already is another lot of it.
    """
    by_id = {line.id: line for line in expected}
    found: list[DocumentLine | None] = [None] * len(items)
    taken: set[int] = set()
    for i, item in enumerate(items):
        if item.line_id is None:
            continue
        line = by_id.get(item.line_id)
        if line is None:
            raise ValidationError(
                f"is not a line of receipt {doc.id}.",
                code="warehouse.unknown_line",
                field=f"lines.{i}.line_id",
                value=item.line_id,
                document=doc.id,
            )
        if line.sku != item.sku:
            raise ValidationError(
                f"is the line of {line.sku}, not of {item.sku}.",
                code="warehouse.line_sku",
                field=f"lines.{i}.line_id",
                value=item.line_id,
                sku=item.sku,
                line_sku=line.sku,
            )
        found[i] = line
        taken.add(line.id)
    for i, item in enumerate(items):
        if item.line_id is not None:
            continue
        same = [line for line in expected if line.sku == item.sku]
        if not same:
            continue
        same = [line for line in same if item.lot and line.lot == item.lot] or same
        free = [line for line in same if line.id not in taken]
        chosen = same if len(same) == 1 else free
        if len(chosen) != 1:
            ids = [line.id for line in same]
            raise ValidationError(
                f"receipt {doc.id} has {len(ids)} lines of {item.sku} "
                f"({', '.join(map(str, ids))}); name the line these units are for.",
                code="warehouse.ambiguous_line",
                field=f"lines.{i}.line_id",
                value=None,
                sku=item.sku,
                lines=ids,
                listed=", ".join(map(str, ids)),
                count=len(ids),
                document=doc.id,
            )
        found[i] = chosen[0]
        taken.add(chosen[0].id)
    return found


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
        expected = service.lines_of(session, doc) if document_id is not None else []
        matched = _match(doc, expected, lines)
        putaway = service.new_document(
            session,
            warehouse,
            DocumentKind.PUTAWAY,
            principal.username,
            reference=doc.reference,
            source_type="receipt",
            source_id=str(doc.id),
        )
        tallies = {line.id: _Tally(line.sku, line.id, line.qty) for line in expected}
        extra: dict[str, _Tally] = {}  # SKUs counted that no line expected
        suggested: dict[str, Location] = {}  # one suggestion an SKU (see suggest_location)
        service.ensure_lots(session, warehouse, [(i.sku, i.lot, i.expiry) for i in lines])
        for item, expected_line in zip(lines, matched, strict=True):
            good = item.qty - item.damaged
            line = expected_line
            if line is None or tallies[line.id].counted:
                # not expected, or another lot of a line counted already: a line of its own
                line = DocumentLine(document_id=doc.id, sku=item.sku, qty=0)
                session.add(line)
            tally = (
                tallies[expected_line.id]
                if expected_line is not None
                else extra.setdefault(item.sku, _Tally(item.sku, None, 0))
            )
            tally.add(item)
            line.lot, line.expiry = item.lot, item.expiry
            line.qty_done, line.qty_damaged = good, item.damaged
            line.to_location_id = dock.id
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
        for tally in [*tallies.values(), *(extra[sku] for sku in sorted(extra))]:
            discrepancies.extend(tally.discrepancies(against_plan=document_id is not None))
        session.flush()
        if doc.source_type == SUPPLY_SOURCE:
            keys = {
                int(row["line_id"]): str(row["key"])
                for row in (doc.data.get("supply") or {}).get("lines", [])
            }
            fulfilment.book_received(
                session,
                document_id=doc.id,
                counted={
                    keys[line_id]: tally.booked()
                    for line_id, tally in tallies.items()
                    if line_id in keys
                },
            )
        service.set_data(
            doc,
            discrepancies=discrepancies,
            photos=[*doc.data.get("photos", []), *photos],
            putaway_id=putaway.id,
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
        moved_to = target if target is not scanned.target else None
        scanned.finish(session, warehouse, doc, principal.username, line.qty, moved_to)
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


# -- photos of receipts -----------------------------------------------------------------------
def attach_photo(
    session: Session,
    principal: Principal,
    settings: Settings,
    document_id: int,
    *,
    filename: str,
    content: bytes,
) -> str:
    """Keep a photo of receipt ``document_id`` (the delivery, or its damage) and list it on
    the receipt; its stored name. Checked first (``photos.check``), then written."""
    warehouse, doc = service.document_of(session, principal, document_id, DocumentKind.RECEIPT)
    name = photos.check(filename, content, field="file")
    stored = photos.save(settings, doc.id, name, content)
    service.set_data(doc, photos=[*doc.data.get("photos", []), stored])
    session.flush()
    audit.record(
        session,
        actor=principal.username,
        action="warehouse_document.photo",
        object_type=service.DOCUMENT.name,
        object_id=str(doc.id),
        after={"photo": stored},
        province_code=warehouse.province_code,
    )
    return stored


def photo_path(
    session: Session, principal: Principal, settings: Settings, document_id: int, name: str
) -> Path:
    """Where a photo listed on receipt ``document_id`` lies. A receipt out of reach is not
    found; a name it does not list is a bad ``name`` (the receipt exists)."""
    _, doc = service.document_of(session, principal, document_id, DocumentKind.RECEIPT)
    found = photos.folder(settings, doc.id) / name
    if name not in doc.data.get("photos", []) or not found.is_file():
        raise ValidationError(
            f"Receipt {document_id} has no photo '{name}'.",
            code="warehouse.no_photo",
            field="name",
            value=name,
            id=document_id,
            name=name,
        )
    return found
