"""Use cases of the warehouse: sites and locations, the seven operations as documents,
cycle counts, stock and the ledger.

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
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from baotong.audit import service as audit
from baotong.auth.permissions import Principal, ScopeKind
from baotong.core import clock
from baotong.core.i18n import N_
from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
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
    ItemLine,
    LineRead,
    ReceiveLine,
    StockRow,
    WarehouseCreate,
)

WAREHOUSE = audit.register_type(
    "warehouse", label_key=N_("object.warehouse"), link="/warehouse/sites/{id}"
)
DOCUMENT = audit.register_type(
    "warehouse_document", label_key=N_("object.warehouse_document"),
    link="/warehouse/documents/{id}",
)
DOCK_IN, DOCK_OUT, STAGING, KITTING = "DOCK-IN", "DOCK-OUT", "STAGE", "KIT"
ACTIVE = (DocumentStatus.OPEN, DocumentStatus.IN_PROGRESS)


@cache
def catalogue() -> Catalogue:
    """The supply catalogue (read only): the SKUs and kits a warehouse may hold."""
    return load_catalogue()


def check_sku(code: str, field: str = "sku") -> str:
    """An SKU of the catalogue or a kit code (kits are stored as units of their own)."""
    known = catalogue()
    if code not in known.skus and code not in known.kit_codes:
        raise ValidationError(f"is not an SKU or kit of the supply catalogue: '{code}'.",
                              code="warehouse.unknown_sku", field=field, value=code)  # fmt: skip
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
        principal.scope.clause(province=Warehouse.province_code,
                               unit=(ScopeKind.WAREHOUSE, Warehouse.code))  # fmt: skip
    )
    if principal.province_code is not None:
        query = query.where(Warehouse.province_code == principal.province_code)
    return paginate(session, query.order_by(Warehouse.code), page)


def create_warehouse(session: Session, principal: Principal, data: WarehouseCreate) -> Warehouse:
    """A warehouse with its docks, staging and kitting areas and the bins of its layout."""
    if not principal.sees_province(data.province_code):
        raise NotFoundError(f"Unknown province {data.province_code}.",
                            code="warehouse.not_found", id=data.code)  # fmt: skip
    if session.scalar(select(Warehouse.id).where(Warehouse.code == data.code)) is not None:
        raise ConflictError(f"Warehouse {data.code} exists already.",
                            code="warehouse.exists", id=data.code)  # fmt: skip
    row = Warehouse(
        code=data.code, name=data.name, kind=data.kind, status=data.status,
        province_code=data.province_code, site_id=data.site_id, region_code=data.region_code,
        equipment=dict(data.equipment), staff=list(data.staff), created_at=clock.now(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    areas = [(DOCK_IN, LocationKind.DOCK, 0), (STAGING, LocationKind.STAGING, 1),
             (KITTING, LocationKind.KITTING, 2), (DOCK_OUT, LocationKind.DOCK, 3)]  # fmt: skip
    for code, kind, distance in areas:
        session.add(Location(warehouse_id=row.id, code=code, kind=kind, distance=distance))
    layout, distance = data.layout, 10
    for zone in layout.zones:
        for aisle in range(1, layout.aisles + 1):
            for rack in range(1, layout.racks + 1):
                for bin_ in range(1, layout.bins + 1):
                    session.add(Location(
                        warehouse_id=row.id, code=f"{zone}-{aisle:02d}-{rack:02d}-{bin_:02d}",
                        kind=LocationKind.BIN, zone=zone, aisle=f"{aisle:02d}",
                        rack=f"{rack:02d}", bin=f"{bin_:02d}", distance=distance,
                    ))  # fmt: skip
                    distance += 1
    session.flush()
    audit.record(session, actor=principal.username, action="warehouse.create",
                 object_type=WAREHOUSE.name, object_id=row.code,
                 after=data.model_dump(mode="json", exclude={"layout"}),
                 province_code=row.province_code)  # fmt: skip
    return row


def locations(session: Session, warehouse: Warehouse) -> list[Location]:
    query = select(Location).where(Location.warehouse_id == warehouse.id)
    return list(session.scalars(query.order_by(Location.distance, Location.code)))


def location(session: Session, warehouse: Warehouse, code: str, field: str = "location") -> Location:
    row = session.scalar(
        select(Location).where(Location.warehouse_id == warehouse.id, Location.code == code)
    )
    if row is None:
        raise ValidationError(f"is not a location of {warehouse.code}: '{code}'.",
                              code="warehouse.unknown_location", field=field, value=code,
                              warehouse=warehouse.code)  # fmt: skip
    return row


def suggest_location(session: Session, warehouse: Warehouse, sku: str) -> Location:
    """Where to put an SKU away: a bin that holds it already (nearest first), else the
    nearest empty bin no open put-away of another SKU is bound for, else the nearest bin."""
    bins = select(Location).where(Location.warehouse_id == warehouse.id,
                                  Location.kind == LocationKind.BIN)  # fmt: skip
    holding = bins.join(Quant, Quant.location_id == Location.id).where(
        Quant.sku == sku, Quant.on_hand > 0
    )
    occupied = select(Quant.location_id).where(Quant.warehouse_id == warehouse.id,
                                               Quant.on_hand > 0)  # fmt: skip
    planned = (
        select(DocumentLine.to_location_id)
        .join(Document, Document.id == DocumentLine.document_id)
        .where(Document.warehouse_id == warehouse.id, Document.kind == DocumentKind.PUTAWAY,
               Document.status.in_(ACTIVE), DocumentLine.qty_done < DocumentLine.qty,
               DocumentLine.sku != sku)
    )  # fmt: skip
    free = bins.where(Location.id.not_in(occupied), Location.id.not_in(planned))
    for query in (holding, free, bins):
        found = session.scalar(query.order_by(Location.distance).limit(1))
        if found is not None:
            return found
    return location(session, warehouse, STAGING)


# -- documents ---------------------------------------------------------------------------------
def _new_document(
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
    doc = Document(warehouse_id=warehouse.id, kind=kind, status=status, reference=reference,
                   data=dict(data or {}), created_by=actor, created_at=clock.now(),
                   **values)  # fmt: skip
    session.add(doc)
    session.flush()
    audit.record(session, actor=actor, action=f"warehouse_document.{kind.value}",
                 object_type=DOCUMENT.name, object_id=str(doc.id),
                 after={"kind": kind.value, "status": status.value, "reference": reference},
                 province_code=warehouse.province_code)  # fmt: skip
    return doc


def _move_to(
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
    audit.record(session, actor=actor, action=f"warehouse_document.{target.value}",
                 object_type=DOCUMENT.name, object_id=str(doc.id),
                 before={"status": before.value}, after={"status": target.value},
                 province_code=warehouse.province_code)  # fmt: skip
    return row


def _set_data(doc: Document, **values: Any) -> None:
    doc.data = {**doc.data, **values}


def get_document(session: Session, principal: Principal, document_id: int) -> Document:
    doc = session.get(Document, document_id)
    if doc is not None:
        warehouse = session.get(Warehouse, doc.warehouse_id)
        if warehouse is not None and _visible(principal, warehouse):
            return doc
    raise NotFoundError(f"Unknown warehouse document {document_id}.",
                        code="warehouse_document.not_found", id=document_id)  # fmt: skip


def _document_of(
    session: Session, principal: Principal, document_id: int, kind: DocumentKind
) -> tuple[Warehouse, Document]:
    doc = get_document(session, principal, document_id)
    if doc.kind is not kind:
        raise ConflictError(f"Document {document_id} is a {doc.kind}, not a {kind}.",
                            code="warehouse_document.wrong_kind", id=document_id,
                            kind=doc.kind, wanted=kind)  # fmt: skip
    warehouse = session.get(Warehouse, doc.warehouse_id)
    assert warehouse is not None
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


def read_document(session: Session, doc: Document) -> DocumentRead:
    warehouse = session.get(Warehouse, doc.warehouse_id)
    assert warehouse is not None
    codes = location_codes(session, warehouse)
    lines = [
        LineRead(id=line.id, sku=line.sku, lot=line.lot, expiry=line.expiry, qty=line.qty,
                 qty_done=line.qty_done, qty_damaged=line.qty_damaged,
                 source=codes.get(line.from_location_id or 0),
                 target=codes.get(line.to_location_id or 0))
        for line in lines_of(session, doc)
    ]  # fmt: skip
    return DocumentRead(
        id=doc.id, warehouse=warehouse.code, kind=doc.kind, status=doc.status,
        reference=doc.reference, source_type=doc.source_type, source_id=doc.source_id,
        wave=doc.wave, data=doc.data, created_by=doc.created_by, created_at=doc.created_at,
        done_at=doc.done_at, lines=lines,
    )  # fmt: skip


def _lot(session: Session, warehouse: Warehouse, sku: str, code: str, expiry: date | None) -> None:
    if not code:
        return
    found = session.scalar(select(Lot).where(Lot.warehouse_id == warehouse.id, Lot.sku == sku,
                                             Lot.code == code))  # fmt: skip
    if found is None:
        session.add(Lot(warehouse_id=warehouse.id, sku=sku, code=code, expiry=expiry))
        session.flush()
    elif expiry is not None and found.expiry is None:
        found.expiry = expiry


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
        check_sku(item.sku, f"lines.{i}.sku")
    doc = _new_document(session, warehouse, DocumentKind.RECEIPT, actor,
                        status=DocumentStatus.EXPECTED, reference=reference,
                        source_type=source_type, source_id=source_id)  # fmt: skip
    for item in items:
        session.add(DocumentLine(document_id=doc.id, sku=item.sku, lot=item.lot,
                                 expiry=item.expiry, qty=item.qty))  # fmt: skip
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
    warehouse = get_warehouse(session, principal, code)
    for i, item in enumerate(lines):
        check_sku(item.sku, f"lines.{i}.sku")
        if item.damaged > item.qty:
            raise ValidationError("must not exceed the quantity counted.",
                                  code="warehouse.damaged_over_count",
                                  field=f"lines.{i}.damaged", value=item.damaged)  # fmt: skip

    def apply() -> dict[str, Any]:
        if document_id is not None:
            _, doc = _document_of(session, principal, document_id, DocumentKind.RECEIPT)
            if doc.warehouse_id != warehouse.id:
                raise NotFoundError(f"Unknown warehouse document {document_id}.",
                                    code="warehouse_document.not_found", id=document_id)  # fmt: skip
            source = (DocumentStatus.EXPECTED, DocumentStatus.OPEN)
        else:
            doc = _new_document(session, warehouse, DocumentKind.RECEIPT, principal.username,
                                reference=reference)  # fmt: skip
            source = (DocumentStatus.OPEN,)
        dock = location(session, warehouse, DOCK_IN)
        expected = {line.sku: line for line in lines_of(session, doc)}
        putaway = _new_document(session, warehouse, DocumentKind.PUTAWAY, principal.username,
                                reference=doc.reference, source_type="receipt",
                                source_id=str(doc.id))  # fmt: skip
        counted: dict[str, list[int]] = {}
        for item in lines:
            good = item.qty - item.damaged
            _lot(session, warehouse, item.sku, item.lot, item.expiry)
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
                ledger.move(session, warehouse_id=warehouse.id, sku=item.sku, lot=item.lot,
                            qty=good, source=None, target=dock, document_id=doc.id,
                            actor=principal.username, scan_id=scan_id)  # fmt: skip
                suggested = suggest_location(session, warehouse, item.sku)
                session.add(DocumentLine(document_id=putaway.id, sku=item.sku, lot=item.lot,
                                         expiry=item.expiry, qty=good, from_location_id=dock.id,
                                         to_location_id=suggested.id))  # fmt: skip
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
        _set_data(doc, discrepancies=discrepancies, photos=list(photos), putaway_id=putaway.id)
        _move_to(session, warehouse, doc, source, DocumentStatus.DONE, principal.username,
                 data=doc.data)  # fmt: skip
        return {"document_id": doc.id}

    return _scanned(session, warehouse, principal, scan_id, "receive", apply)


def _scanned(
    session: Session,
    warehouse: Warehouse,
    principal: Principal,
    scan_id: str | None,
    action: str,
    apply: Any,
) -> tuple[Document, bool]:
    done = ledger.once(session, scan_id=scan_id, warehouse_id=warehouse.id, action=action,
                       actor=principal.username, apply=apply)  # fmt: skip
    doc = session.get(Document, int(done.result["document_id"]), populate_existing=True)
    assert doc is not None
    return doc, done.applied


def _line(session: Session, doc: Document, line_id: int) -> DocumentLine:
    line = session.get(DocumentLine, line_id, populate_existing=True)
    if line is None or line.document_id != doc.id:
        raise ValidationError(f"is not a line of document {doc.id}.",
                              code="warehouse.unknown_line", field="line_id", value=line_id,
                              document=doc.id)  # fmt: skip
    return line


def _progress(session: Session, warehouse: Warehouse, doc: Document, actor: str) -> None:
    """Mark a document in progress, or done when every line is."""
    open_lines = [line for line in lines_of(session, doc) if line.qty_done < line.qty]
    if not open_lines:
        _move_to(session, warehouse, doc, ACTIVE, DocumentStatus.DONE, actor)
    elif doc.status is DocumentStatus.OPEN:
        _move_to(session, warehouse, doc, DocumentStatus.OPEN, DocumentStatus.IN_PROGRESS, actor)


def _check_active(doc: Document) -> None:
    if doc.status not in ACTIVE:
        raise ConflictError(
            f"Warehouse document {doc.id} is {doc.status}; it must be open or in progress.",
            code="warehouse_document.wrong_status", id=doc.id, status=doc.status,
        )  # fmt: skip


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
    warehouse, doc = _document_of(session, principal, document_id, DocumentKind.PUTAWAY)

    def apply() -> dict[str, Any]:
        _check_active(doc)
        line = _line(session, doc, line_id)
        remaining = line.qty - line.qty_done
        if remaining <= 0:
            raise ConflictError(f"Line {line_id} is put away already.",
                                code="warehouse.line_done", line=line_id)  # fmt: skip
        target = (location(session, warehouse, location_code) if location_code
                  else session.get(Location, line.to_location_id))  # fmt: skip
        assert target is not None
        source = session.get(Location, line.from_location_id)
        ledger.move(session, warehouse_id=warehouse.id, sku=line.sku, lot=line.lot,
                    qty=remaining, source=source, target=target, document_id=doc.id,
                    actor=principal.username, scan_id=scan_id)  # fmt: skip
        line.qty_done, line.to_location_id = line.qty, target.id
        session.flush()
        _progress(session, warehouse, doc, principal.username)
        return {"document_id": doc.id}

    return _scanned(session, warehouse, principal, scan_id, "putaway", apply)


# -- 3. pick ----------------------------------------------------------------------------------
def _fefo(session: Session, warehouse: Warehouse, sku: str, kinds: tuple[LocationKind, ...],
          location_id: int | None = None) -> Select[tuple[Quant, Location]]:  # fmt: skip
    """Quants of an SKU with units available, earliest expiry first, then nearest."""
    query = (
        select(Quant, Location)
        .join(Location, Location.id == Quant.location_id)
        .outerjoin(Lot, and_(Lot.warehouse_id == Quant.warehouse_id, Lot.sku == Quant.sku,
                             Lot.code == Quant.lot))
        .where(Quant.warehouse_id == warehouse.id, Quant.sku == sku,
               Quant.on_hand - Quant.reserved > 0, Location.kind.in_(kinds))
        .order_by(Lot.expiry.is_(None), Lot.expiry, Location.distance, Quant.id)
    )  # fmt: skip
    if location_id is not None:
        query = query.where(Quant.location_id == location_id)
    return query


def create_pick(
    session: Session,
    principal: Principal,
    code: str,
    *,
    lines: list[ItemLine],
    wave: str,
    reference: str = "",
    cutoff: Any = None,
) -> Document:
    """A pick list in a wave: stock reserved FEFO from the bins, one line per bin and lot;
    what could not be reserved is reported as a shortage."""
    warehouse = get_warehouse(session, principal, code)
    for i, item in enumerate(lines):
        check_sku(item.sku, f"lines.{i}.sku")
    staging = location(session, warehouse, STAGING)
    doc = _new_document(session, warehouse, DocumentKind.PICK, principal.username,
                        reference=reference, wave=wave)  # fmt: skip
    shortages = []
    for item in lines:
        remaining = item.qty
        candidates = session.execute(
            _fefo(session, warehouse, item.sku, (LocationKind.BIN,)).with_for_update(of=Quant)
        ).all()  # fmt: skip
        for quant, bin_ in candidates:
            if remaining <= 0:
                break
            take = min(remaining, quant.on_hand - quant.reserved)
            ledger.reserve(session, quant, take, bin_)
            lot = session.scalar(select(Lot.expiry).where(
                Lot.warehouse_id == warehouse.id, Lot.sku == item.sku, Lot.code == quant.lot))  # fmt: skip
            session.add(DocumentLine(document_id=doc.id, sku=item.sku, lot=quant.lot,
                                     expiry=lot, qty=take, from_location_id=bin_.id,
                                     to_location_id=staging.id))  # fmt: skip
            remaining -= take
        if remaining > 0:
            shortages.append({"sku": item.sku, "requested": item.qty, "short": remaining})
    session.flush()
    _set_data(doc, shortages=shortages, cutoff=cutoff.isoformat() if cutoff else None)
    return doc


def pick(
    session: Session,
    principal: Principal,
    document_id: int,
    *,
    line_id: int,
    location_code: str | None = None,
    qty: int | None = None,
    scan_id: str | None = None,
) -> tuple[Document, bool]:
    """Take a pick line's units from its bin (scanned, checked) to staging."""
    warehouse, doc = _document_of(session, principal, document_id, DocumentKind.PICK)

    def apply() -> dict[str, Any]:
        _check_active(doc)
        line = _line(session, doc, line_id)
        source = session.get(Location, line.from_location_id)
        target = session.get(Location, line.to_location_id)
        assert source is not None and target is not None
        if location_code and location_code != source.code:
            raise ValidationError(f"is {location_code}; line {line.id} is picked from "
                                  f"{source.code}.", code="warehouse.wrong_location",
                                  field="location", value=location_code,
                                  expected=source.code)  # fmt: skip
        remaining = line.qty - line.qty_done
        count = remaining if qty is None else qty
        if count <= 0 or count > remaining:
            raise ValidationError(f"must be 1 to {remaining}.", code="warehouse.bad_pick_qty",
                                  field="qty", value=count, most=remaining)  # fmt: skip
        ledger.move(session, warehouse_id=warehouse.id, sku=line.sku, lot=line.lot, qty=count,
                    source=source, target=target, document_id=doc.id,
                    actor=principal.username, scan_id=scan_id, release=count)  # fmt: skip
        line.qty_done += count
        session.flush()
        _progress(session, warehouse, doc, principal.username)
        return {"document_id": doc.id}

    return _scanned(session, warehouse, principal, scan_id, "pick", apply)


# -- 4. kit -----------------------------------------------------------------------------------
def create_kit_order(
    session: Session,
    principal: Principal,
    code: str,
    *,
    kit: str,
    kits: int,
    province_code: str | None = None,
    reference: str = "",
) -> Document:
    """A kitting work order: ``kits`` units of a kit, consuming its bill of items from
    staging and producing kit units in the kitting area."""
    warehouse = get_warehouse(session, principal, code)
    bill = catalogue().kit(kit, province_code=province_code or warehouse.province_code)
    staging = location(session, warehouse, STAGING)
    doc = _new_document(session, warehouse, DocumentKind.KIT, principal.username,
                        reference=reference,
                        data={"kit": kit, "kits": kits, "made": 0, "bill": dict(bill.items),
                              "name": bill.name, "name_en": bill.name_en})  # fmt: skip
    for sku, qty in bill.components(kits).items():
        session.add(DocumentLine(document_id=doc.id, sku=sku, qty=qty,
                                 from_location_id=staging.id))  # fmt: skip
    session.flush()
    return doc


def _consume(
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
            _fefo(session, warehouse, sku, (source.kind,), source.id).with_for_update(of=Quant)
        ).all()  # fmt: skip
        available = sum(q.on_hand - q.reserved for q, _ in quants)
        if available < qty:
            on_hand = sum(q.on_hand for q, _ in quants)
            raise ledger.InsufficientStock(sku=sku, lot="", location=source.code, needed=qty,
                                           on_hand=on_hand, reserved=on_hand - available)  # fmt: skip
        pairs, remaining = [], qty
        for quant, _ in quants:
            take = min(remaining, quant.on_hand - quant.reserved)
            if take > 0:
                pairs.append((quant.lot, take))
                remaining -= take
    for lot_code, take in pairs:
        ledger.move(session, warehouse_id=warehouse.id, sku=sku, lot=lot_code, qty=take,
                    source=source, target=target, document_id=doc.id, actor=actor,
                    scan_id=scan_id)  # fmt: skip
    return [{"sku": sku, "lot": lot_code, "qty": take} for lot_code, take in pairs]


def assemble(
    session: Session,
    principal: Principal,
    document_id: int,
    *,
    kits: int,
    scan_id: str | None = None,
) -> tuple[Document, bool]:
    """Assemble ``kits`` kits in one transaction: every component consumed by the bill,
    the kit units produced into the kitting area — all or nothing."""
    warehouse, doc = _document_of(session, principal, document_id, DocumentKind.KIT)

    def apply() -> dict[str, Any]:
        _check_active(doc)
        made, wanted = int(doc.data["made"]), int(doc.data["kits"])
        if kits > wanted - made:
            raise ValidationError(f"must be at most {wanted - made}.",
                                  code="warehouse.too_many_kits", field="kits", value=kits,
                                  most=wanted - made)  # fmt: skip
        kitting = location(session, warehouse, KITTING)
        for line in lines_of(session, doc):
            per_kit = int(doc.data["bill"][line.sku])
            source = session.get(Location, line.from_location_id)
            assert source is not None
            _consume(session, warehouse, sku=line.sku, qty=per_kit * kits, source=source,
                     target=None, doc=doc, actor=principal.username, scan_id=scan_id)  # fmt: skip
            line.qty_done += per_kit * kits
        ledger.move(session, warehouse_id=warehouse.id, sku=str(doc.data["kit"]),
                    lot=f"K{doc.id}", qty=kits, source=None, target=kitting,
                    document_id=doc.id, actor=principal.username, scan_id=scan_id)  # fmt: skip
        _set_data(doc, made=made + kits)
        session.flush()
        _progress(session, warehouse, doc, principal.username)
        return {"document_id": doc.id}

    return _scanned(session, warehouse, principal, scan_id, "assemble", apply)


# -- 5. pack ----------------------------------------------------------------------------------
def pack(
    session: Session,
    principal: Principal,
    code: str,
    *,
    items: list[ItemLine],
    source: str,
    weight_kg: float,
    size_cm: list[float],
    scan_id: str | None = None,
) -> tuple[Document, bool]:
    """Pack goods into a package (contents, weight, size, label code) and bring it to the
    outbound dock."""
    warehouse = get_warehouse(session, principal, code)
    for i, item in enumerate(items):
        check_sku(item.sku, f"items.{i}.sku")

    def apply() -> dict[str, Any]:
        origin = location(session, warehouse, source, "source")
        dock = location(session, warehouse, DOCK_OUT)
        doc = _new_document(session, warehouse, DocumentKind.PACK, principal.username)
        contents = []
        for item in items:
            contents += _consume(session, warehouse, sku=item.sku, qty=item.qty, source=origin,
                                 target=dock, doc=doc, actor=principal.username,
                                 scan_id=scan_id, lot=item.lot or None)  # fmt: skip
            session.add(DocumentLine(document_id=doc.id, sku=item.sku, lot=item.lot,
                                     qty=item.qty, qty_done=item.qty,
                                     from_location_id=origin.id, to_location_id=dock.id))  # fmt: skip
        package = Package(warehouse_id=warehouse.id, code=f"PKG-{warehouse.code}-{doc.id:06d}",
                          document_id=doc.id, location_id=dock.id, weight_kg=weight_kg,
                          size_cm=list(size_cm), contents=contents)  # fmt: skip
        session.add(package)
        session.flush()
        _set_data(doc, package=package.code, weight_kg=weight_kg, size_cm=list(size_cm),
                  contents=contents)  # fmt: skip
        _move_to(session, warehouse, doc, DocumentStatus.OPEN, DocumentStatus.DONE,
                 principal.username, data=doc.data)  # fmt: skip
        return {"document_id": doc.id}

    return _scanned(session, warehouse, principal, scan_id, "pack", apply)


def packages(session: Session, warehouse: Warehouse, shipment_id: int | None = None,
             *, unloaded: bool = False) -> list[Package]:  # fmt: skip
    query = select(Package).where(Package.warehouse_id == warehouse.id)
    if shipment_id is not None:
        query = query.where(Package.shipment_id == shipment_id)
    if unloaded:
        query = query.where(Package.shipment_id.is_(None), Package.location_id.is_not(None))
    return list(session.scalars(query.order_by(Package.id)))


# -- 6. ship out ------------------------------------------------------------------------------
def create_shipment(
    session: Session, principal: Principal, code: str, *, vehicle: str, trailer: str = "",
    reference: str = "",
) -> Document:  # fmt: skip
    """A vehicle or trailer at the outbound dock, to load packages onto and seal."""
    warehouse = get_warehouse(session, principal, code)
    return _new_document(session, warehouse, DocumentKind.SHIPMENT, principal.username,
                         reference=reference, data={"vehicle": vehicle, "trailer": trailer})  # fmt: skip


def load(
    session: Session, principal: Principal, document_id: int, *, package_code: str,
    scan_id: str | None = None,
) -> tuple[Document, bool]:  # fmt: skip
    """Load a package (scanned) onto the shipment's vehicle."""
    warehouse, doc = _document_of(session, principal, document_id, DocumentKind.SHIPMENT)

    def apply() -> dict[str, Any]:
        _check_active(doc)
        package = session.scalar(select(Package).where(Package.code == package_code,
                                                       Package.warehouse_id == warehouse.id))  # fmt: skip
        if package is None:
            raise ValidationError(f"is not a package of {warehouse.code}: '{package_code}'.",
                                  code="warehouse.unknown_package", field="package",
                                  value=package_code)  # fmt: skip
        if package.shipment_id is not None:
            raise ConflictError(f"Package {package_code} is loaded already.",
                                code="warehouse.package_loaded", package=package_code,
                                shipment=package.shipment_id)  # fmt: skip
        package.shipment_id = doc.id
        session.flush()
        if doc.status is DocumentStatus.OPEN:
            _move_to(session, warehouse, doc, DocumentStatus.OPEN, DocumentStatus.IN_PROGRESS,
                     principal.username)  # fmt: skip
        return {"document_id": doc.id}

    return _scanned(session, warehouse, principal, scan_id, "load", apply)


def seal(
    session: Session, principal: Principal, document_id: int, *, seal_number: str,
    scan_id: str | None = None,
) -> tuple[Document, bool]:  # fmt: skip
    """Seal the loaded vehicle: the packages' contents leave the warehouse."""
    warehouse, doc = _document_of(session, principal, document_id, DocumentKind.SHIPMENT)

    def apply() -> dict[str, Any]:
        loaded = packages(session, warehouse, doc.id)
        if not loaded:
            raise ConflictError(f"Shipment {doc.id} has no packages loaded.",
                                code="warehouse.nothing_loaded", id=doc.id)  # fmt: skip
        for package in loaded:
            dock = session.get(Location, package.location_id)
            for item in package.contents:
                ledger.move(session, warehouse_id=warehouse.id, sku=item["sku"],
                            lot=item["lot"], qty=int(item["qty"]), source=dock, target=None,
                            document_id=doc.id, actor=principal.username, scan_id=scan_id)  # fmt: skip
            package.location_id = None
        weight = round(sum(p.weight_kg for p in loaded), 3)
        _set_data(doc, seal=seal_number, packages=[p.code for p in loaded], weight_kg=weight)
        session.flush()
        _move_to(session, warehouse, doc, DocumentStatus.IN_PROGRESS, DocumentStatus.DONE,
                 principal.username, data=doc.data)  # fmt: skip
        return {"document_id": doc.id}

    return _scanned(session, warehouse, principal, scan_id, "seal", apply)


# -- 7. dispatch ------------------------------------------------------------------------------
def dispatch(
    session: Session, principal: Principal, code: str, *, shipment_id: int, carrier: str,
    handed_to: str, note: str = "", scan_id: str | None = None,
) -> tuple[Document, bool]:  # fmt: skip
    """Hand a sealed shipment to transport (a shuttle or delivery run): the handover record."""
    warehouse = get_warehouse(session, principal, code)

    def apply() -> dict[str, Any]:
        _, shipment = _document_of(session, principal, shipment_id, DocumentKind.SHIPMENT)
        if shipment.warehouse_id != warehouse.id:
            raise NotFoundError(f"Unknown warehouse document {shipment_id}.",
                                code="warehouse_document.not_found", id=shipment_id)  # fmt: skip
        if shipment.status is not DocumentStatus.DONE:
            raise ConflictError(
                f"Warehouse document {shipment_id} is {shipment.status}; it must be done.",
                code="warehouse_document.wrong_status", id=shipment_id, status=shipment.status,
            )  # fmt: skip
        if shipment.data.get("dispatch_id"):
            raise ConflictError(f"Shipment {shipment_id} is dispatched already.",
                                code="warehouse.dispatched", id=shipment_id,
                                dispatch=shipment.data["dispatch_id"])  # fmt: skip
        handover = {
            "shipment_id": shipment.id, "vehicle": shipment.data.get("vehicle"),
            "trailer": shipment.data.get("trailer"), "seal": shipment.data.get("seal"),
            "packages": shipment.data.get("packages", []),
            "weight_kg": shipment.data.get("weight_kg"), "carrier": carrier,
            "handed_to": handed_to, "handed_by": principal.username,
            "at": clock.now().isoformat(), "note": note,
        }  # fmt: skip
        doc = _new_document(session, warehouse, DocumentKind.DISPATCH, principal.username,
                            reference=shipment.reference, source_type="shipment",
                            source_id=str(shipment.id), data={"handover": handover})  # fmt: skip
        _set_data(shipment, dispatch_id=doc.id)
        session.flush()
        _move_to(session, warehouse, doc, DocumentStatus.OPEN, DocumentStatus.DONE,
                 principal.username)  # fmt: skip
        return {"document_id": doc.id}

    return _scanned(session, warehouse, principal, scan_id, "dispatch", apply)


# -- cycle counts -----------------------------------------------------------------------------
def create_count(session: Session, principal: Principal, code: str, *, location_code: str
                 ) -> Document:  # fmt: skip
    """A cycle count of one location: its quants as they stand, to be counted."""
    warehouse = get_warehouse(session, principal, code)
    place = location(session, warehouse, location_code)
    doc = _new_document(session, warehouse, DocumentKind.COUNT, principal.username,
                        reference=place.code)  # fmt: skip
    for quant in session.scalars(select(Quant).where(Quant.location_id == place.id,
                                                     Quant.on_hand > 0).order_by(Quant.id)):  # fmt: skip
        session.add(DocumentLine(document_id=doc.id, sku=quant.sku, lot=quant.lot,
                                 qty=quant.on_hand, from_location_id=place.id))  # fmt: skip
    session.flush()
    return doc


def submit_count(session: Session, principal: Principal, document_id: int, *,
                 counted: list[ItemLine]) -> Document:  # fmt: skip
    """Record what was counted (lines not named were counted as 0); a supervisor approves."""
    warehouse, doc = _document_of(session, principal, document_id, DocumentKind.COUNT)
    _check_active(doc)
    found = {(c.sku, c.lot): c.qty for c in counted}
    for i, item in enumerate(counted):
        check_sku(item.sku, f"lines.{i}.sku")
    lines = lines_of(session, doc)
    place_id = int(lines[0].from_location_id) if lines else None
    if place_id is None:
        place_id = location(session, warehouse, doc.reference).id
    for line in lines:
        line.qty_done = found.pop((line.sku, line.lot), 0)
    for (sku, lot), qty in found.items():
        session.add(DocumentLine(document_id=doc.id, sku=sku, lot=lot, qty=0, qty_done=qty,
                                 from_location_id=place_id))  # fmt: skip
    session.flush()
    return _move_to(session, warehouse, doc, ACTIVE, DocumentStatus.AWAITING_APPROVAL,
                    principal.username)  # fmt: skip


def approve_count(session: Session, principal: Principal, document_id: int) -> Document:
    """A supervisor approves a count: each difference is booked as an adjustment move."""
    warehouse, doc = _document_of(session, principal, document_id, DocumentKind.COUNT)
    adjustments = []
    for line in lines_of(session, doc):
        difference = line.qty_done - line.qty
        place = session.get(Location, line.from_location_id)
        if difference == 0 or place is None:
            continue
        ledger.move(session, warehouse_id=warehouse.id, sku=line.sku, lot=line.lot,
                    qty=abs(difference), source=place if difference < 0 else None,
                    target=place if difference > 0 else None, document_id=doc.id,
                    actor=principal.username)  # fmt: skip
        adjustments.append({"sku": line.sku, "lot": line.lot, "difference": difference})
    _set_data(doc, adjustments=adjustments, approved_by=principal.username)
    session.flush()
    return _move_to(session, warehouse, doc, DocumentStatus.AWAITING_APPROVAL,
                    DocumentStatus.DONE, principal.username, data=doc.data)  # fmt: skip


# -- stock and ledger ---------------------------------------------------------------------------
def stock(
    session: Session, principal: Principal, code: str, *, sku: str | None = None,
    page: PageRequest = PageRequest(limit=1000),
) -> Page[StockRow]:  # fmt: skip
    """On-hand, reserved and available per location, SKU and lot (non-empty quants)."""
    warehouse = get_warehouse(session, principal, code)
    query = (
        select(Quant, Location.code, Lot.expiry)
        .join(Location, Location.id == Quant.location_id)
        .outerjoin(Lot, and_(Lot.warehouse_id == Quant.warehouse_id, Lot.sku == Quant.sku,
                             Lot.code == Quant.lot))
        .where(Quant.warehouse_id == warehouse.id, Quant.on_hand > 0)
        .order_by(Quant.sku, Location.distance, Quant.lot)
    )  # fmt: skip
    if sku:
        query = query.where(Quant.sku == sku)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.execute(query.limit(page.limit).offset(page.offset)).all()
    items = [StockRow(location=loc, sku=q.sku, lot=q.lot, expiry=expiry, on_hand=q.on_hand,
                      reserved=q.reserved, available=q.on_hand - q.reserved)
             for q, loc, expiry in rows]  # fmt: skip
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
