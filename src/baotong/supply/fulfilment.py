"""Use cases of emergency supply after the confirmation: supplier contracts, allocation,
dispatch, the arrival handover, closing, and the shipping mode of each line.

Confirmed lines become one contract per supplier (签约). Allocation (配货) splits every
accepted line into what each supplier delivers on which day within its daily capacity
(``allocation``), a kit's components across the suppliers of their categories, and then
decides each line's shipping mode (``shipping``): direct from the source or via the
consolidation point, with the reason; the desk may override it with a comment. At the
arrival handover (到货交接) the province counts what came (received, short, damaged), and
both sides sign; once every line is signed by both the table is received, and its goods
are what the warehouse expects (``expected_receipts``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.core import clock
from baotong.core.exceptions import ConflictError, ValidationError
from baotong.supply import allocation as engine
from baotong.supply import shipping
from baotong.supply.catalogue import Kit, KitCapacity
from baotong.supply.models import (
    Allocation,
    Arrival,
    Contract,
    Decision,
    DemandLine,
    DemandStatus,
    DemandTable,
    QuoteLine,
    ReceiptLink,
    SupplierDay,
)
from baotong.supply.schemas import ArrivalIn, ShippingOverride
from baotong.supply.service import audit_change, catalogue, get_line, get_table, move
from baotong.supply.template import ItemKind

S = DemandStatus


def accepted(session: Session, table_id: int) -> list[tuple[DemandLine, QuoteLine]]:
    """Each line with its accepted quote, in line order."""
    return [
        (line, q)
        for line, q in session.execute(
            select(DemandLine, QuoteLine)
            .join(QuoteLine, QuoteLine.line_id == DemandLine.id)
            .where(QuoteLine.table_id == table_id, QuoteLine.decision == Decision.ACCEPTED)
            .order_by(DemandLine.position)
        )
    ]


def _units(line: DemandLine, q: QuoteLine) -> int:
    return min(line.quantity, q.available_quantity)


def contract(
    session: Session, *, table_id: int, documents: list[str], principal: Principal
) -> list[Contract]:
    """One contract per supplier of the accepted lines; the table is contracted."""
    table = get_table(session, table_id, principal=principal)
    pairs = accepted(session, table_id)
    table = move(session, table_id, (S.CONFIRMED, S.PARTLY_CONFIRMED), S.CONTRACTED)
    now = clock.now()
    by_supplier: dict[str, list[tuple[DemandLine, QuoteLine]]] = defaultdict(list)
    for line, q in pairs:
        by_supplier[q.supplier_code].append((line, q))
    made = []
    for supplier, items in sorted(by_supplier.items()):
        amount = sum((q.unit_price * _units(line, q) for line, q in items), Decimal(0))
        row = Contract(
            table_id=table_id,
            supplier_code=supplier,
            amount=amount,
            delivery_from=now,
            delivery_to=max(line.needed_by for line, _ in items),
            documents=list(documents),
            signed_by=principal.username,
            signed_at=now,
        )
        session.add(row)
        session.flush()
        for _, q in items:
            q.contract_id = row.id
        made.append(row)
    session.flush()
    audit_change(
        session,
        principal,
        "contract",
        table,
        contracts=len(made),
        suppliers=[c.supplier_code for c in made],
    )
    return made


def contracts(session: Session, table_id: int) -> list[Contract]:
    return list(
        session.scalars(
            select(Contract).where(Contract.table_id == table_id).order_by(Contract.supplier_code)
        )
    )


def allocate(
    session: Session,
    *,
    table_id: int,
    principal: Principal,
    params: engine.AllocationParams | None = None,
    shipping_params: shipping.ShippingParams | None = None,
) -> list[Allocation]:
    """Split every accepted line across suppliers and days within their daily capacity
    (what other tables already take counts), then decide each line's shipping mode."""
    table = get_table(session, table_id, principal=principal)
    cat = catalogue()
    needs: list[engine.Need] = []
    for line, q in accepted(session, table_id):
        units = _units(line, q)
        if line.item_kind is ItemKind.KIT:
            kit = cat.kit(line.item_code, province_code=table.province_code, stage=table.stage)
            for sku, quantity in kit.components(units).items():
                sources = [s.code for s in cat.suppliers_of(sku)]
                preferred = [q.supplier_code] if q.supplier_code in sources else []
                order = preferred + [s for s in sources if s not in preferred]
                needs.append(engine.Need(line.id, sku, quantity, tuple(order)))
        else:
            needs.append(
                engine.Need(line.id, q.substitute_code or line.item_code, units, (q.supplier_code,))
            )
    first = clock.now().date()
    used = {
        (s, d): n
        for s, d, n in session.execute(
            select(SupplierDay.supplier_code, SupplierDay.day, SupplierDay.used).where(
                SupplierDay.day >= first
            )
        )
    }
    capacity = {s.code: s.daily_capacity for s in cat.suppliers.values()}
    pieces = engine.allocate(needs, capacity, used, first, params)
    table = move(session, table_id, S.CONTRACTED, S.ALLOCATED)
    claim_capacity(session, pieces, capacity)
    rows = [
        Allocation(
            table_id=table_id,
            line_id=p.line_id,
            supplier_code=p.supplier,
            sku_code=p.sku,
            quantity=p.quantity,
            day=p.day,
        )
        for p in pieces
    ]
    session.add_all(rows)
    session.flush()
    _decide_shipping(session, table, pieces, shipping_params)
    audit_change(
        session,
        principal,
        "allocate",
        table,
        pieces=len(rows),
        suppliers=sorted({p.supplier for p in pieces}),
    )
    return rows


def claim_capacity(
    session: Session, pieces: list[engine.Piece], capacity: Mapping[str, int]
) -> None:
    """Take the pieces' units off each supplier's day, or refuse the whole allocation.

    One guarded UPDATE per supplier and day (``used = used + n WHERE used + n <=
    capacity``): on PostgreSQL it holds the row lock until commit and a racing allocation
    re-checks the guard after it; on SQLite writers are serialised. The row of a day is
    created on first use in a savepoint, so two allocations creating it both land. Raises
    ConflictError ``supply.capacity_exceeded`` naming the supplier, day, capacity and the
    units asked when another allocation took them first.
    """
    asked: dict[tuple[str, date], int] = defaultdict(int)
    for p in pieces:
        asked[(p.supplier, p.day)] += p.quantity
    for (supplier, day), units in sorted(asked.items()):
        limit = capacity.get(supplier, 0)
        if session.get(SupplierDay, (supplier, day)) is None:
            try:
                with session.begin_nested():
                    session.add(SupplierDay(supplier_code=supplier, day=day, used=0))
            except IntegrityError:
                pass  # another allocation created the day first
        claimed = session.execute(
            update(SupplierDay)
            .where(
                SupplierDay.supplier_code == supplier,
                SupplierDay.day == day,
                SupplierDay.used + units <= limit,
            )
            .values(used=SupplierDay.used + units)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            taken = session.scalar(
                select(SupplierDay.used).where(
                    SupplierDay.supplier_code == supplier, SupplierDay.day == day
                )
            )
            raise ConflictError(
                f"Supplier {supplier} can deliver {limit} units on {day.isoformat()}; "
                f"{taken} are taken already, so the {units} asked do not fit. "
                "Allocate again.",
                code="supply.capacity_exceeded",
                supplier=supplier,
                day=day.isoformat(),
                capacity=limit,
                asked=units,
                used=taken,
            )


def _decide_shipping(
    session: Session,
    table: DemandTable,
    pieces: list[engine.Piece],
    params: shipping.ShippingParams | None,
) -> None:
    cat = catalogue()
    loads: dict[int, dict[str, tuple[float, float]]] = defaultdict(dict)
    cold: dict[int, bool] = defaultdict(bool)
    for p in pieces:
        sku = cat.skus[p.sku]
        kg, m3 = loads[p.line_id].get(p.supplier, (0.0, 0.0))
        loads[p.line_id][p.supplier] = (
            kg + sku.weight_kg * p.quantity,
            m3 + sku.volume_m3 * p.quantity,
        )
        cold[p.line_id] |= sku.cold_chain
    for line in table.lines:
        if line.id not in loads:
            continue
        decision = shipping.decide(
            shipping.LineLoad(line.item_kind is ItemKind.KIT, loads[line.id], cold[line.id]), params
        )
        line.shipping_mode, line.shipping_reason = decision.mode, decision.reason
        line.shipping_overridden, line.shipping_comment = False, None
    session.flush()


def allocations(session: Session, table_id: int) -> list[Allocation]:
    return list(
        session.scalars(
            select(Allocation)
            .where(Allocation.table_id == table_id)
            .order_by(Allocation.line_id, Allocation.day, Allocation.supplier_code)
        )
    )


def override_shipping(
    session: Session, *, table_id: int, line_id: int, data: ShippingOverride, principal: Principal
) -> DemandLine:
    """Set a line's shipping mode by hand, with the comment saying why."""
    table = get_table(session, table_id, principal=principal)
    if table.status not in (S.ALLOCATED, S.ARRIVING):
        raise ConflictError(
            f"Demand table {table_id} is {table.status}; shipping is chosen once it is allocated.",
            code="demand_table.wrong_status",
            id=table_id,
            status=table.status,
        )
    line = get_line(session, table, line_id)
    before = {"mode": str(line.shipping_mode), "reason": line.shipping_reason}
    line.shipping_mode, line.shipping_overridden = data.mode, True
    line.shipping_comment = data.comment
    session.flush()
    audit_change(
        session,
        principal,
        "ship_override",
        table,
        line=line.position,
        mode=str(data.mode),
        comment=data.comment,
        before=before,
    )
    return line


@dataclass(frozen=True, slots=True)
class Shipment:
    """What the transport moves for a line: from a supplier (direct) or to the
    consolidation point, on a day, its weight and volume."""

    line_id: int
    mode: shipping.ShippingMode
    supplier_code: str
    day: date
    destination: str
    kg: float
    m3: float


def shipments(session: Session, *, table_id: int, principal: Principal) -> list[Shipment]:
    """The shipments of an allocated table, one per line, supplier and day."""
    table = get_table(session, table_id, principal=principal)
    cat = catalogue()
    lines = {line.id: line for line in table.lines}
    grouped: dict[tuple[int, str, date], tuple[float, float]] = defaultdict(lambda: (0.0, 0.0))
    for a in allocations(session, table_id):
        sku = cat.skus[a.sku_code]
        kg, m3 = grouped[(a.line_id, a.supplier_code, a.day)]
        grouped[(a.line_id, a.supplier_code, a.day)] = (
            kg + sku.weight_kg * a.quantity,
            m3 + sku.volume_m3 * a.quantity,
        )
    found = []
    for (line_id, supplier, day), (kg, m3) in sorted(grouped.items()):
        line = lines[line_id]
        mode = line.shipping_mode or shipping.ShippingMode.CONSOLIDATED
        destination = line.site_name if mode is shipping.ShippingMode.DIRECT else "consolidation"
        found.append(
            Shipment(line_id, mode, supplier, day, destination, round(kg, 1), round(m3, 2))
        )
    return found


def dispatch(session: Session, *, table_id: int, principal: Principal) -> DemandTable:
    """The goods are under way: the table is arriving."""
    get_table(session, table_id, principal=principal)
    table = move(session, table_id, S.ALLOCATED, S.ARRIVING)
    audit_change(session, principal, "dispatch", table)
    return table


def record_arrival(
    session: Session, *, table_id: int, data: ArrivalIn, principal: Principal
) -> Arrival:
    """Count what arrived for a line (again replaces the count and its signatures)."""
    table = get_table(session, table_id, principal=principal)
    if table.status is not S.ARRIVING:
        raise ConflictError(
            f"Demand table {table_id} is {table.status}; arrivals are recorded "
            "while it is arriving.",
            code="demand_table.wrong_status",
            id=table_id,
            status=table.status,
        )
    line = get_line(session, table, data.line_id)
    expected = {ln.id: _units(ln, q) for ln, q in accepted(session, table_id)}
    if line.id not in expected:
        raise ValidationError(
            "was not confirmed: nothing arrives for it.",
            code="supply.line_not_confirmed",
            field="line_id",
            value=line.id,
        )
    if data.received + data.short != expected[line.id]:
        raise ValidationError(
            f"received + short must equal the {expected[line.id]} units expected.",
            code="supply.arrival_count",
            field="received",
            value=data.received,
            expected=expected[line.id],
        )
    if data.damaged > data.received:
        raise ValidationError(
            "cannot exceed the units received.",
            code="supply.arrival_damaged",
            field="damaged",
            value=data.damaged,
        )
    session.execute(delete(Arrival).where(Arrival.line_id == line.id))
    row = Arrival(
        table_id=table_id,
        line_id=line.id,
        received=data.received,
        short=data.short,
        damaged=data.damaged,
        notes=data.notes,
        photos=list(data.photos),
        recorded_by=principal.username,
        recorded_at=clock.now(),
    )
    session.add(row)
    session.flush()
    audit_change(
        session,
        principal,
        "arrival",
        table,
        line=line.position,
        received=data.received,
        short=data.short,
        damaged=data.damaged,
    )
    return row


def arrivals(session: Session, table_id: int) -> list[Arrival]:
    return list(
        session.scalars(
            select(Arrival).where(Arrival.table_id == table_id).order_by(Arrival.line_id)
        )
    )


def sign(session: Session, *, table_id: int, side: str, principal: Principal) -> DemandTable:
    """One side signs every counted line (``receiver``: the province; ``deliverer``: the
    sourcing side). Once every confirmed line is counted and signed by both, the table is
    received."""
    table = get_table(session, table_id, principal=principal)
    if table.status is not S.ARRIVING:
        raise ConflictError(
            f"Demand table {table_id} is {table.status}; the handover is signed "
            "while it is arriving.",
            code="demand_table.wrong_status",
            id=table_id,
            status=table.status,
        )
    rows = arrivals(session, table_id)
    if not rows:
        raise ValidationError(
            "has no counted arrivals to sign.",
            code="supply.nothing_to_sign",
            field="arrivals",
            table=table_id,
        )
    now = clock.now()
    for row in rows:
        setattr(row, f"{side}_signed_by", principal.username)
        setattr(row, f"{side}_signed_at", now)
    session.flush()
    audit_change(session, principal, f"sign_{side}", table, lines=len(rows))
    expected = {line.id for line, _ in accepted(session, table_id)}
    signed = {r.line_id for r in rows if r.receiver_signed_by and r.deliverer_signed_by}
    if signed >= expected:
        table = move(session, table_id, S.ARRIVING, S.RECEIVED)
        audit_change(session, principal, "receive", table)
    return table


def close(session: Session, *, table_id: int, principal: Principal) -> DemandTable:
    get_table(session, table_id, principal=principal)
    table = move(session, table_id, S.RECEIVED, S.CLOSED, closed_at=clock.now())
    audit_change(session, principal, "close", table)
    return table


@dataclass(frozen=True, slots=True)
class ExpectedReceipt:
    """Goods a received demand table hands to the warehouse: per SKU and delivery site."""

    table_id: int
    province_code: str
    site_name: str
    sku_code: str
    quantity: int  # received and not damaged
    received_at: datetime | None


def expected_receipts(
    session: Session, *, table_id: int, principal: Principal
) -> list[ExpectedReceipt]:
    """What the warehouse should book in for a received (or closed) table: the good units
    of each line, kits broken into their components."""
    table = get_table(session, table_id, principal=principal)
    if table.status not in (S.RECEIVED, S.CLOSED):
        return []
    cat = catalogue()
    lines = {line.id: line for line in table.lines}
    quotes = {line.id: q for line, q in accepted(session, table_id)}
    totals: dict[tuple[str, str], int] = defaultdict(int)
    at: datetime | None = None
    for arrival in arrivals(session, table_id):
        line, good = lines[arrival.line_id], arrival.received - arrival.damaged
        at = max(filter(None, (at, arrival.receiver_signed_at)), default=None)
        if line.item_kind is ItemKind.KIT:
            kit = cat.kit(line.item_code, province_code=table.province_code, stage=table.stage)
            for sku, units in kit.components(good).items():
                totals[(line.site_name, sku)] += units
        else:
            sku = quotes[line.id].substitute_code or line.item_code
            totals[(line.site_name, sku)] += good
    return [
        ExpectedReceipt(table.id, table.province_code, site, sku, units, at)
        for (site, sku), units in sorted(totals.items())
        if units > 0
    ]


# -- goods for the warehouse -------------------------------------------------------------------
OWING = (S.ALLOCATED, S.ARRIVING, S.RECEIVED, S.CLOSED)


@dataclass(frozen=True, slots=True)
class ReceiptItem:
    """A line of goods a table owes a warehouse: an allocation shipped via the
    consolidation point, or the good units of a line received at the arrival handover.
    ``key`` is unique to it (``supply-a<allocation>``, ``supply-l<line>-<sku>``)."""

    key: str
    table_id: int
    line_id: int
    position: int
    allocation_id: int | None
    sku_code: str
    supplier_code: str | None
    quantity: int
    day: date | None


def owed_to_warehouse(session: Session, table: DemandTable) -> list[ReceiptItem]:
    """Every line of goods the table owes a warehouse, announced already or not.

    From allocation on, each allocation of a line shipped via the consolidation point
    (汇集发运) is due there; once the table is received, the good units (received −
    damaged, kits broken into components) of every other line are due as well. A line
    whose allocations were announced is never announced again from its arrival.
    """
    if table.status not in OWING:
        return []
    lines = {line.id: line for line in table.lines}
    consolidated = {
        i for i, line in lines.items() if line.shipping_mode is shipping.ShippingMode.CONSOLIDATED
    }
    announced = set(
        session.scalars(
            select(ReceiptLink.line_id).where(
                ReceiptLink.table_id == table.id, ReceiptLink.allocation_id.is_not(None)
            )
        )
    )
    items = [
        ReceiptItem(
            f"supply-a{a.id}",
            table.id,
            a.line_id,
            lines[a.line_id].position,
            a.id,
            a.sku_code,
            a.supplier_code,
            a.quantity,
            a.day,
        )
        for a in allocations(session, table.id)
        if a.line_id in consolidated or a.line_id in announced
    ]
    if table.status not in (S.RECEIVED, S.CLOSED):
        return items
    cat = catalogue()
    quotes = {line.id: q for line, q in accepted(session, table.id)}
    for arrival in arrivals(session, table.id):
        line, good = lines[arrival.line_id], arrival.received - arrival.damaged
        if line.id in consolidated or line.id in announced or good <= 0:
            continue
        quote = quotes.get(line.id)
        if line.item_kind is ItemKind.KIT:
            kit = cat.kit(line.item_code, province_code=table.province_code, stage=table.stage)
            units = kit.components(good)
        else:
            sku = (quote.substitute_code if quote else None) or line.item_code
            units = {sku: good}
        for sku, quantity in sorted(units.items()):
            items.append(
                ReceiptItem(
                    f"supply-l{line.id}-{sku}",
                    table.id,
                    line.id,
                    line.position,
                    None,
                    sku,
                    quote.supplier_code if quote else None,
                    quantity,
                    None,
                )
            )
    return items


def receipt_links(session: Session, table_id: int) -> list[ReceiptLink]:
    """What the table's goods were announced as at the warehouse, and what it received."""
    return list(
        session.scalars(
            select(ReceiptLink).where(ReceiptLink.table_id == table_id).order_by(ReceiptLink.id)
        )
    )


def pending_receipts(session: Session, table: DemandTable) -> list[ReceiptItem]:
    """The lines of goods of ``owed_to_warehouse`` not announced yet."""
    items = owed_to_warehouse(session, table)
    if not items:
        return []
    known = set(session.scalars(select(ReceiptLink.key).where(ReceiptLink.table_id == table.id)))
    return [item for item in items if item.key not in known]


def claim_receipts(
    session: Session, *, items: list[ReceiptItem], warehouse_code: str, actor: str
) -> list[ReceiptLink]:
    """Record each item as announced to ``warehouse_code``; the ones this call claimed.

    Each link is inserted in a savepoint under its unique key: an item another caller
    claimed meanwhile (a second runner, a second click) is refused by the key and left
    out, so goods are never announced twice. On PostgreSQL a racing insert waits for the
    first to commit and then fails on the key.
    """
    claimed = []
    now = clock.now()
    for item in items:
        link = ReceiptLink(
            key=item.key,
            table_id=item.table_id,
            line_id=item.line_id,
            allocation_id=item.allocation_id,
            sku_code=item.sku_code,
            supplier_code=item.supplier_code,
            quantity=item.quantity,
            lot="",
            warehouse_code=warehouse_code,
            created_by=actor,
            created_at=now,
        )
        try:
            with session.begin_nested():
                session.add(link)
        except IntegrityError:
            continue
        claimed.append(link)
    return claimed


def attach_receipt(session: Session, links: list[ReceiptLink], document_id: int) -> None:
    """The warehouse's expected receipt that announced ``links``."""
    for link in links:
        link.document_id = document_id
    session.flush()


@dataclass(frozen=True, slots=True)
class Counted:
    """What the warehouse counted in for one link's receipt line: good and damaged units,
    and the lot and expiry it recorded."""

    good: int
    damaged: int
    lot: str = ""
    expiry: date | None = None


def book_received(
    session: Session, *, document_id: int, counted: Mapping[str, Counted]
) -> list[ReceiptLink]:
    """The warehouse received receipt ``document_id``: each of its links gets what was
    counted on its own receipt line (``counted`` by link key; a link not named received
    nothing), so two links of one SKU — two suppliers, days or lots — each show their
    own count. The warehouse counts a receipt once."""
    links = list(
        session.scalars(
            select(ReceiptLink)
            .where(ReceiptLink.document_id == document_id)
            .order_by(ReceiptLink.id)
        )
    )
    now = clock.now()
    for link in links:
        count = counted.get(link.key, Counted(0, 0))
        link.received, link.damaged = count.good, count.damaged
        link.lot, link.expiry, link.received_at = count.lot, count.expiry, now
    session.flush()
    return links


def links_at(session: Session, warehouse_code: str, table_ids: list[int]) -> list[ReceiptLink]:
    """The links announced to a warehouse for the given tables."""
    return list(
        session.scalars(
            select(ReceiptLink).where(
                ReceiptLink.warehouse_code == warehouse_code, ReceiptLink.table_id.in_(table_ids)
            )
        )
    )


# -- kits and what the suppliers can make of them ---------------------------------------------
@dataclass(frozen=True, slots=True)
class KitVariant:
    """A kit variant with the kits a day its components' suppliers can deliver: at full
    capacity, and with what allocations already take on ``day``."""

    kit: Kit
    capacity: KitCapacity
    free: KitCapacity
    day: date


def supplier_use(session: Session, day: date) -> dict[str, int]:
    """Units of each supplier's capacity allocations take on ``day``."""
    rows = session.execute(
        select(SupplierDay.supplier_code, SupplierDay.used).where(SupplierDay.day == day)
    )
    return {row.supplier_code: row.used for row in rows}


def kit_variants(session: Session, code: str | None = None) -> list[KitVariant]:
    """Every variant of every kit (of ``code``), the general one first, with what can be
    made today."""
    cat = catalogue()
    if code is not None:
        cat.kit(code)  # an unknown kit is refused with the codes there are
    day = clock.now().date()
    used = supplier_use(session, day)
    return [
        KitVariant(kit, cat.kit_capacity(kit), cat.kit_capacity(kit, used), day)
        for kit in sorted(cat.kits, key=lambda k: (k.code, k.specificity, k.province_code or ""))
        if code is None or kit.code == code
    ]
