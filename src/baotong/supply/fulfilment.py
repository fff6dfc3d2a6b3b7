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
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.core import clock
from baotong.core.exceptions import ConflictError, ValidationError
from baotong.supply import allocation as engine
from baotong.supply import shipping
from baotong.supply.models import (
    Allocation,
    Arrival,
    Contract,
    Decision,
    DemandLine,
    DemandStatus,
    DemandTable,
    QuoteLine,
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
        (s, d): int(n)
        for s, d, n in session.execute(
            select(Allocation.supplier_code, Allocation.day, func.sum(Allocation.quantity))
            .where(Allocation.day >= first)
            .group_by(Allocation.supplier_code, Allocation.day)
        )
    }
    capacity = {s.code: s.daily_capacity for s in cat.suppliers.values()}
    pieces = engine.allocate(needs, capacity, used, first, params)
    table = move(session, table_id, S.CONTRACTED, S.ALLOCATED)
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
