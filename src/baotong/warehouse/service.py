"""Use cases of the warehouse: sites and locations, documents and their lines, stock and
the ledger, and the helpers the operations share (``inbound``: receive, put away, count;
``outbound``: pick, kit, pack, ship out, dispatch).

Each operation is a document (``Document.kind``) whose state moves through
``db.transitions.transition`` and is audited; every change of stock is a move of the
ledger (``warehouse.ledger``). Operations done by scanning carry a client scan id and are
applied once. Put-away suggests a location: a bin already holding the SKU (the nearest
first), else the nearest empty bin, else the nearest bin; the operator may scan another.
Pick lists reserve stock first-expiry-first-out (lots with the earliest expiry, then the
nearest bin) and report what they could not reserve as shortages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, cast

from sqlalchemy import Integer, Select, Table, and_, bindparam, func, select, text, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import set_committed_value

from baotong.audit import service as audit
from baotong.auth.permissions import Principal, ScopeKind
from baotong.core import clock
from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import Page, PageRequest, paginate
from baotong.db.transitions import transition
from baotong.supply.catalogue import Catalogue, load_catalogue
from baotong.warehouse import ledger
from baotong.warehouse.models import (
    Document,
    DocumentKind,
    DocumentLine,
    DocumentStatus,
    Location,
    LocationKind,
    Lot,
    Move,
    Package,
    Quant,
    Warehouse,
)
from baotong.warehouse.schemas import (
    DocumentRead,
    LineRead,
    StockRow,
    WarehouseCreate,
)

WAREHOUSE = audit.register_type(
    "warehouse", label_key=N_("object.warehouse"), link="/warehouse/sites/{id}"
)
DOCUMENT = audit.register_type(
    "warehouse_document",
    label_key=N_("object.warehouse_document"),
    link="/warehouse/documents/{id}",
)
DOCK_IN, DOCK_OUT, STAGING, KITTING = "DOCK-IN", "DOCK-OUT", "STAGE", "KIT"
ACTIVE = (DocumentStatus.OPEN, DocumentStatus.IN_PROGRESS)
LINES = cast(Table, DocumentLine.__table__)


@cache
def catalogue() -> Catalogue:
    """The supply catalogue (read only): the SKUs and kits a warehouse may hold."""
    return load_catalogue()


def check_sku(code: str, field: str = "sku") -> str:
    """An SKU of the catalogue or a kit code (kits are stored as units of their own)."""
    known = catalogue()
    if code not in known.skus and code not in known.kit_codes:
        raise ValidationError(
            f"is not an SKU or kit of the supply catalogue: '{code}'.",
            code="warehouse.unknown_sku",
            field=field,
            value=code,
        )
    return code


# -- sites and locations ----------------------------------------------------------------------
def _visible(principal: Principal, warehouse: Warehouse) -> bool:
    scope = principal.scope
    return scope.covers_province(warehouse.province_code) and scope.covers(
        ScopeKind.WAREHOUSE, warehouse.code, province_code=warehouse.province_code
    )


def get_warehouse(session: Session, principal: Principal, code: str) -> Warehouse:
    """The warehouse ``code`` if the principal's scope covers it (else not found)."""
    row = session.scalar(select(Warehouse).where(Warehouse.code == code))
    if row is None or not _visible(principal, row):
        raise NotFoundError(f"Unknown warehouse {code}.", code="warehouse.not_found", id=code)
    return row


def list_warehouses(
    session: Session, principal: Principal, *, page: PageRequest = PageRequest()
) -> Page[Warehouse]:
    query = select(Warehouse).where(
        principal.scope.clause(
            province=Warehouse.province_code, unit=(ScopeKind.WAREHOUSE, Warehouse.code)
        )
    )
    if principal.province_code is not None:
        query = query.where(Warehouse.province_code == principal.province_code)
    return paginate(session, query.order_by(Warehouse.code), page)


def create_warehouse(session: Session, principal: Principal, data: WarehouseCreate) -> Warehouse:
    """A warehouse with its docks, staging and kitting areas and the bins of its layout."""
    if not principal.sees_province(data.province_code):
        raise NotFoundError(
            f"Unknown province {data.province_code}.", code="warehouse.not_found", id=data.code
        )
    if session.scalar(select(Warehouse.id).where(Warehouse.code == data.code)) is not None:
        raise ConflictError(
            f"Warehouse {data.code} exists already.", code="warehouse.exists", id=data.code
        )
    row = Warehouse(
        code=data.code,
        name=data.name,
        kind=data.kind,
        status=data.status,
        province_code=data.province_code,
        site_id=data.site_id,
        region_code=data.region_code,
        equipment=dict(data.equipment),
        staff=list(data.staff),
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    areas = [
        (DOCK_IN, LocationKind.DOCK, 0),
        (STAGING, LocationKind.STAGING, 1),
        (KITTING, LocationKind.KITTING, 2),
        (DOCK_OUT, LocationKind.DOCK, 3),
    ]
    for code, kind, distance in areas:
        session.add(Location(warehouse_id=row.id, code=code, kind=kind, distance=distance))
    layout, distance = data.layout, 10
    for zone in layout.zones:
        for aisle in range(1, layout.aisles + 1):
            for rack in range(1, layout.racks + 1):
                for bin_ in range(1, layout.bins + 1):
                    session.add(
                        Location(
                            warehouse_id=row.id,
                            code=f"{zone}-{aisle:02d}-{rack:02d}-{bin_:02d}",
                            kind=LocationKind.BIN,
                            zone=zone,
                            aisle=f"{aisle:02d}",
                            rack=f"{rack:02d}",
                            bin=f"{bin_:02d}",
                            distance=distance,
                        )
                    )
                    distance += 1
    session.flush()
    audit.record(
        session,
        actor=principal.username,
        action="warehouse.create",
        object_type=WAREHOUSE.name,
        object_id=row.code,
        after=data.model_dump(mode="json", exclude={"layout"}),
        province_code=row.province_code,
    )
    return row


def locations(session: Session, warehouse: Warehouse) -> list[Location]:
    query = select(Location).where(Location.warehouse_id == warehouse.id)
    return list(session.scalars(query.order_by(Location.distance, Location.code)))


def location(
    session: Session, warehouse: Warehouse, code: str, field: str = "location"
) -> Location:
    row = session.scalar(
        select(Location).where(Location.warehouse_id == warehouse.id, Location.code == code)
    )
    if row is None:
        raise ValidationError(
            f"is not a location of {warehouse.code}: '{code}'.",
            code="warehouse.unknown_location",
            field=field,
            value=code,
            warehouse=warehouse.code,
        )
    return row


def suggest_location(session: Session, warehouse: Warehouse, sku: str) -> Location:
    """Where to put an SKU away: a bin that holds it already (nearest first), else the
    nearest empty bin no open put-away of another SKU is bound for, else the nearest bin."""
    bins = select(Location).where(
        Location.warehouse_id == warehouse.id, Location.kind == LocationKind.BIN
    )
    holding = bins.join(Quant, Quant.location_id == Location.id).where(
        Quant.sku == sku, Quant.on_hand > 0
    )
    occupied = select(Quant.location_id).where(
        Quant.warehouse_id == warehouse.id, Quant.on_hand > 0
    )
    planned = (
        select(DocumentLine.to_location_id)
        .join(Document, Document.id == DocumentLine.document_id)
        .where(
            Document.warehouse_id == warehouse.id,
            Document.kind == DocumentKind.PUTAWAY,
            Document.status.in_(ACTIVE),
            DocumentLine.qty_done < DocumentLine.qty,
            DocumentLine.sku != sku,
        )
    )
    free = bins.where(Location.id.not_in(occupied), Location.id.not_in(planned))
    for query in (holding, free, bins):
        found = session.scalar(query.order_by(Location.distance).limit(1))
        if found is not None:
            return found
    return location(session, warehouse, STAGING)


# -- documents ---------------------------------------------------------------------------------
def new_document(
    session: Session,
    warehouse: Warehouse,
    kind: DocumentKind,
    actor: str,
    *,
    status: DocumentStatus = DocumentStatus.OPEN,
    reference: str = "",
    data: dict[str, Any] | None = None,
    **values: Any,
) -> Document:
    doc = Document(
        warehouse_id=warehouse.id,
        kind=kind,
        status=status,
        reference=reference,
        data=dict(data or {}),
        created_by=actor,
        created_at=clock.now(),
        **values,
    )
    session.add(doc)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"warehouse_document.{kind.value}",
        object_type=DOCUMENT.name,
        object_id=str(doc.id),
        after={"kind": kind.value, "status": status.value, "reference": reference},
        province_code=warehouse.province_code,
    )
    return doc


def move_to(
    session: Session,
    warehouse: Warehouse,
    doc: Document,
    source: Iterable[DocumentStatus] | DocumentStatus,
    target: DocumentStatus,
    actor: str,
    **values: Any,
) -> Document:
    before = doc.status
    if target is DocumentStatus.DONE:
        values.setdefault("done_at", clock.now())
    row = transition(session, Document, doc.id, Document.status, source, target, **values)
    audit.record(
        session,
        actor=actor,
        action=f"warehouse_document.{target.value}",
        object_type=DOCUMENT.name,
        object_id=str(doc.id),
        before={"status": before.value},
        after={"status": target.value},
        province_code=warehouse.province_code,
    )
    return row


def set_data(doc: Document, **values: Any) -> None:
    doc.data = {**doc.data, **values}


# The queries of a line scan, built once (a scan only binds its values).
_DOCUMENT = (
    select(Warehouse, Document)
    .join(Document, Document.warehouse_id == Warehouse.id)
    .where(Document.id == bindparam("b_document"))
)
_SOURCE, _TARGET = aliased(Location), aliased(Location)
_LINE = (
    select(DocumentLine, _SOURCE, _TARGET)
    .outerjoin(_SOURCE, _SOURCE.id == DocumentLine.from_location_id)
    .outerjoin(_TARGET, _TARGET.id == DocumentLine.to_location_id)
    .where(DocumentLine.id == bindparam("b_line"))
    .where(DocumentLine.document_id == bindparam("b_document"))
    .with_for_update(of=DocumentLine)
)
_LINE_DONE = update(LINES).where(LINES.c.id == bindparam("b_line"))
_LOCK = (
    select(Document).where(Document.id == bindparam("b_document")).with_for_update(key_share=True)
)
_OPEN_LINE = (
    select(DocumentLine.id)
    .where(DocumentLine.document_id == bindparam("b_document"))
    .where(DocumentLine.qty_done < DocumentLine.qty)
    .limit(1)
)
_OPEN_ELSEWHERE = (
    select(DocumentLine.id)
    .where(DocumentLine.document_id == bindparam("b_document"))
    .where(DocumentLine.qty_done < DocumentLine.qty)
    .where(DocumentLine.id != bindparam("b_line"))
    .limit(1)
    .with_for_update(read=True, key_share=True, skip_locked=True)
)
# PostgreSQL: a line done, and another open line of its document that no scan holds
# (``_OPEN_ELSEWHERE``), in one statement; the bin the line went to kept when not rescanned.
_DONE_AND_OPEN_ELSEWHERE = text(
    "WITH done AS (UPDATE wh_document_lines SET qty_done = :qty_done,"
    " to_location_id = COALESCE(:to_location_id, to_location_id)"
    " WHERE id = :b_line RETURNING id)"
    " SELECT id FROM wh_document_lines WHERE document_id = :b_document AND qty_done < qty"
    " AND id <> :b_line LIMIT 1 FOR KEY SHARE SKIP LOCKED"
).bindparams(*(bindparam(name, type_=Integer()) for name in
               ("qty_done", "to_location_id", "b_line", "b_document")))  # fmt: skip
_FRESH = {"populate_existing": True}


def get_document(session: Session, principal: Principal, document_id: int) -> Document:
    return _document_of(session, principal, document_id)[1]


def _document_of(
    session: Session, principal: Principal, document_id: int
) -> tuple[Warehouse, Document]:
    """The document and its warehouse (one query), if the principal's scope covers it."""
    row = session.execute(_DOCUMENT, {"b_document": document_id}).first()
    if row is None or not _visible(principal, row[0]):
        raise NotFoundError(
            f"Unknown warehouse document {document_id}.",
            code="warehouse_document.not_found",
            id=document_id,
        )
    # Held by the session: its identity map holds objects weakly, and a scan's answer
    # (``read_document``) would load the warehouse again once the operation dropped it.
    session.info.setdefault("warehouses", {})[row[0].id] = row[0]
    return row[0], row[1]


def document_of(
    session: Session, principal: Principal, document_id: int, kind: DocumentKind
) -> tuple[Warehouse, Document]:
    warehouse, doc = _document_of(session, principal, document_id)
    if doc.kind is not kind:
        raise ConflictError(
            f"Document {document_id} is a {doc.kind}, not a {kind}.",
            code="warehouse_document.wrong_kind",
            id=document_id,
            kind=doc.kind,
            wanted=kind,
        )
    return warehouse, doc


def lines_of(session: Session, doc: Document) -> list[DocumentLine]:
    query = select(DocumentLine).where(DocumentLine.document_id == doc.id)
    return list(session.scalars(query.order_by(DocumentLine.id)))


def list_documents(
    session: Session,
    principal: Principal,
    code: str,
    *,
    kind: DocumentKind | None = None,
    status: DocumentStatus | None = None,
    page: PageRequest = PageRequest(),
) -> Page[Document]:
    warehouse = get_warehouse(session, principal, code)
    query = select(Document).where(Document.warehouse_id == warehouse.id)
    if kind is not None:
        query = query.where(Document.kind == kind)
    if status is not None:
        query = query.where(Document.status == status)
    return paginate(session, query.order_by(Document.id.desc()), page)


def read_document(session: Session, doc: Document, *, with_lines: bool = True) -> DocumentRead:
    """The document as the API shows it; ``with_lines=False`` leaves its lines out (a scan's
    answer: a pick list of thousands of lines is not sent back for every scan)."""
    warehouse = session.get(Warehouse, doc.warehouse_id)
    assert warehouse is not None
    codes = location_codes(session, warehouse) if with_lines else {}
    lines = [
        LineRead(
            id=line.id,
            sku=line.sku,
            lot=line.lot,
            expiry=line.expiry,
            qty=line.qty,
            qty_done=line.qty_done,
            qty_damaged=line.qty_damaged,
            source=codes.get(line.from_location_id or 0),
            target=codes.get(line.to_location_id or 0),
        )
        for line in (lines_of(session, doc) if with_lines else [])
    ]
    return DocumentRead(
        id=doc.id,
        warehouse=warehouse.code,
        kind=doc.kind,
        status=doc.status,
        reference=doc.reference,
        source_type=doc.source_type,
        source_id=doc.source_id,
        wave=doc.wave,
        data=doc.data,
        created_by=doc.created_by,
        created_at=doc.created_at,
        done_at=doc.done_at,
        lines=lines,
    )


def ensure_lots(
    session: Session, warehouse: Warehouse, lots: Iterable[tuple[str, str, date | None]]
) -> None:
    """Record the lots (SKU, lot code, expiry) a warehouse receives: the new ones added,
    a known one without expiry given the expiry now known; one query for all of them."""
    wanted: dict[tuple[str, str], date | None] = {}
    for sku, code, expiry in lots:
        if code and wanted.get((sku, code)) is None:
            wanted[(sku, code)] = expiry
    if not wanted:
        return
    known = session.scalars(
        select(Lot).where(
            Lot.warehouse_id == warehouse.id,
            Lot.sku.in_({sku for sku, _ in wanted}),
            Lot.code.in_({code for _, code in wanted}),
        )
    )
    for found in known:
        expiry = wanted.pop((found.sku, found.code), None)
        if expiry is not None and found.expiry is None:
            found.expiry = expiry
    session.add_all(
        Lot(warehouse_id=warehouse.id, sku=sku, code=code, expiry=expiry)
        for (sku, code), expiry in wanted.items()
    )
    session.flush()


def scanned(
    session: Session,
    warehouse: Warehouse,
    principal: Principal,
    scan_id: str | None,
    action: str,
    apply: Any,
    doc: Document | None = None,
) -> tuple[Document, bool]:
    """Apply a scan once (``ledger.once``) and return its document. A scan of a line of
    ``doc`` answers with ``doc`` as the scan left it (``progress`` reloads it under its
    lock whenever its state may change): the answer is stored with the scan id and
    nothing is read again."""
    done = ledger.once(
        session,
        scan_id=scan_id,
        warehouse_id=warehouse.id,
        action=action,
        actor=principal.username,
        apply=apply,
        expected=None if doc is None else {"document_id": doc.id},
    )
    document_id = int(done.result["document_id"])
    if done.applied and doc is not None and doc.id == document_id:
        return doc, True
    found = session.get(Document, document_id, populate_existing=True)
    assert found is not None
    return found, done.applied


@dataclass(frozen=True, slots=True)
class ScannedLine:
    """A document line under its row lock, with where it comes from and goes to."""

    line: DocumentLine
    source: Location | None
    target: Location | None

    def done(self, session: Session, qty_done: int, target: Location | None = None) -> None:
        """Record the line's progress (and the bin it went to) with one UPDATE."""
        values = self._values(qty_done, target)
        session.execute(_LINE_DONE, {"b_line": self.line.id, **values})
        self._keep(values)

    def _values(self, qty_done: int, target: Location | None) -> dict[str, Any]:
        values: dict[str, Any] = {"qty_done": qty_done}
        if target is not None:
            values["to_location_id"] = target.id
        return values

    def _keep(self, values: dict[str, Any]) -> None:
        """The line as the UPDATE left it, without reading it again."""
        for key, value in values.items():
            set_committed_value(self.line, key, value)

    def finish(
        self,
        session: Session,
        warehouse: Warehouse,
        doc: Document,
        actor: str,
        qty_done: int,
        target: Location | None = None,
    ) -> None:
        """Record the line's progress (:meth:`done`), then the document's (:func:`progress`).

        On PostgreSQL, when the line is now done and its document stays in progress, the
        line's UPDATE and the look for another open line go in one statement: most scans of
        a document are these."""
        line_open = qty_done < self.line.qty
        closing = not line_open and doc.status is DocumentStatus.IN_PROGRESS
        if not closing or session.get_bind().dialect.name != "postgresql":
            self.done(session, qty_done, target)
            progress(session, warehouse, doc, actor, self.line.id, line_open=line_open)
            return
        values = self._values(qty_done, target)
        other = session.execute(
            _DONE_AND_OPEN_ELSEWHERE,
            {"to_location_id": None, **values, "b_line": self.line.id, "b_document": doc.id},
        ).first()
        self._keep(values)
        if other is None:  # perhaps the last open line: decide under the document's lock
            progress(session, warehouse, doc, actor)


def line_of(session: Session, doc: Document, line_id: int) -> ScannedLine:
    """A line of ``doc`` and its two locations, in one query that takes the line's row
    lock: two scans of one line take turns, the second sees it done."""
    row = session.execute(
        _LINE, {"b_line": line_id, "b_document": doc.id}, execution_options=_FRESH
    ).first()
    if row is None:
        raise ValidationError(
            f"is not a line of document {doc.id}.",
            code="warehouse.unknown_line",
            field="line_id",
            value=line_id,
            document=doc.id,
        )
    return ScannedLine(row[0], row[1], row[2])


def progress(
    session: Session,
    warehouse: Warehouse,
    doc: Document,
    actor: str,
    line_id: int | None = None,
    *,
    line_open: bool = False,
) -> None:
    """Mark a document in progress, or done when every line is.

    Called last in a scan's transaction: the document's row lock (PostgreSQL) makes the
    scans of one document decide in turn, so the last line's scan sees every other line
    done and closes the document; the lock is held only until the commit that follows.

    A scan of line ``line_id`` of a document in progress skips that lock when the line is
    still open (``line_open``: a part of it picked), or when another open line is found
    that no scan holds (``FOR KEY SHARE SKIP LOCKED``: a scan of it
    waits for this commit, then sees this line done): the document stays in progress,
    and fifty pickers on one pick list do not queue on its row.
    """
    if line_id is not None and doc.status is DocumentStatus.IN_PROGRESS:
        if line_open:  # this line is still open: the document stays in progress
            return
        elsewhere = {"b_document": doc.id, "b_line": line_id}
        if session.scalar(_OPEN_ELSEWHERE, elsewhere) is not None:
            return
    lock_document(session, doc)
    open_line = session.scalar(_OPEN_LINE, {"b_document": doc.id})
    if open_line is None:
        move_to(session, warehouse, doc, ACTIVE, DocumentStatus.DONE, actor)
    elif doc.status is DocumentStatus.OPEN:
        move_to(session, warehouse, doc, DocumentStatus.OPEN, DocumentStatus.IN_PROGRESS, actor)


def lock_document(session: Session, doc: Document) -> None:
    """Take the document's row lock (PostgreSQL; SQLite serialises writers) and reload it,
    in one query.

    ``FOR NO KEY UPDATE``: the moves the same transaction inserted hold a key-share lock on
    the document (their foreign key), which a plain ``FOR UPDATE`` would wait on.
    """
    session.execute(_LOCK, {"b_document": doc.id}, execution_options=_FRESH).scalar_one()


def check_active(doc: Document) -> None:
    if doc.status not in ACTIVE:
        raise ConflictError(
            f"Warehouse document {doc.id} is {doc.status}; it must be open or in progress.",
            code="warehouse_document.wrong_status",
            id=doc.id,
            status=doc.status,
        )


def fefo(
    session: Session,
    warehouse: Warehouse,
    sku: str,
    kinds: tuple[LocationKind, ...],
    location_id: int | None = None,
) -> Select[Quant, Location]:
    """Quants of an SKU with units available, earliest expiry first, then nearest."""
    query = (
        select(Quant, Location)
        .join(Location, Location.id == Quant.location_id)
        .outerjoin(
            Lot,
            and_(
                Lot.warehouse_id == Quant.warehouse_id, Lot.sku == Quant.sku, Lot.code == Quant.lot
            ),
        )
        .where(
            Quant.warehouse_id == warehouse.id,
            Quant.sku == sku,
            Quant.on_hand - Quant.reserved > 0,
            Location.kind.in_(kinds),
        )
        .order_by(Lot.expiry.is_(None), Lot.expiry, Location.distance, Quant.id)
    )
    if location_id is not None:
        query = query.where(Quant.location_id == location_id)
    return query


def consume(
    session: Session,
    warehouse: Warehouse,
    *,
    sku: str,
    qty: int,
    source: Location,
    target: Location | None,
    doc: Document,
    actor: str,
    scan_id: str | None,
    lot: str | None = None,
) -> list[dict[str, Any]]:
    """Move ``qty`` units of an SKU out of a location, lots first-expiry-first (or the one
    ``lot``); refused whole when the location holds fewer."""
    if lot is not None:
        pairs = [(lot, qty)]
    else:
        quants = session.execute(
            fefo(session, warehouse, sku, (source.kind,), source.id).with_for_update(of=Quant)
        ).all()
        available = sum(q.on_hand - q.reserved for q, _ in quants)
        if available < qty:
            on_hand = sum(q.on_hand for q, _ in quants)
            raise ledger.InsufficientStock(
                code="warehouse.insufficient_stock",
                sku=sku,
                lot="",
                location=source.code,
                needed=qty,
                on_hand=on_hand,
                reserved=on_hand - available,
            )
        pairs, remaining = [], qty
        for quant, _ in quants:
            take = min(remaining, quant.on_hand - quant.reserved)
            if take > 0:
                pairs.append((quant.lot, take))
                remaining -= take
    for lot_code, take in pairs:
        ledger.move(
            session,
            warehouse_id=warehouse.id,
            sku=sku,
            lot=lot_code,
            qty=take,
            source=source,
            target=target,
            document_id=doc.id,
            actor=actor,
            scan_id=scan_id,
        )
    return [{"sku": sku, "lot": lot_code, "qty": take} for lot_code, take in pairs]


def packages(
    session: Session,
    warehouse: Warehouse,
    shipment_id: int | None = None,
    *,
    unloaded: bool = False,
) -> list[Package]:
    query = select(Package).where(Package.warehouse_id == warehouse.id)
    if shipment_id is not None:
        query = query.where(Package.shipment_id == shipment_id)
    if unloaded:
        query = query.where(Package.shipment_id.is_(None), Package.location_id.is_not(None))
    return list(session.scalars(query.order_by(Package.id)))


# -- stock and ledger ---------------------------------------------------------------------------
def stock(
    session: Session,
    principal: Principal,
    code: str,
    *,
    sku: str | None = None,
    page: PageRequest = PageRequest(limit=1000),
) -> Page[StockRow]:
    """On-hand, reserved and available per location, SKU and lot (non-empty quants)."""
    warehouse = get_warehouse(session, principal, code)
    query = (
        select(Quant, Location.code, Lot.expiry)
        .join(Location, Location.id == Quant.location_id)
        .outerjoin(
            Lot,
            and_(
                Lot.warehouse_id == Quant.warehouse_id, Lot.sku == Quant.sku, Lot.code == Quant.lot
            ),
        )
        .where(Quant.warehouse_id == warehouse.id, Quant.on_hand > 0)
        .order_by(Quant.sku, Location.distance, Quant.lot)
    )
    if sku:
        query = query.where(Quant.sku == sku)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.execute(query.limit(page.limit).offset(page.offset)).all()
    items = [
        StockRow(
            location=loc,
            sku=q.sku,
            lot=q.lot,
            expiry=expiry,
            on_hand=q.on_hand,
            reserved=q.reserved,
            available=q.on_hand - q.reserved,
        )
        for q, loc, expiry in rows
    ]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


def moves(
    session: Session, principal: Principal, code: str, *, page: PageRequest = PageRequest()
) -> Page[Move]:
    warehouse = get_warehouse(session, principal, code)
    query = select(Move).where(Move.warehouse_id == warehouse.id).order_by(Move.id.desc())
    return paginate(session, query, page)


def location_codes(session: Session, warehouse: Warehouse) -> dict[int, str]:
    query = select(Location.id, Location.code).where(Location.warehouse_id == warehouse.id)
    return {int(i): str(c) for i, c in session.execute(query)}
