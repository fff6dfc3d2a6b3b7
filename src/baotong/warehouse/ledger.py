"""The stock ledger: moves appended, quants kept in step, scans applied once.

Every change of stock goes through :func:`move`: one guarded UPDATE takes the units off
the source quant only while enough are available (``on_hand - reserved``), another adds
them to the target quant (created on first use), and the move is appended — all in the
caller's transaction. On PostgreSQL the UPDATE holds the quant's row lock until commit,
so a racing move waits and then re-checks the guard; on SQLite writers are serialised
(``BEGIN IMMEDIATE``). A move that would make stock negative is refused with
:class:`InsufficientStock`, naming the SKU, lot, location and quantities.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from baotong.core import clock
from baotong.core.exceptions import ConflictError, ValidationError
from baotong.core.i18n import N_
from baotong.warehouse.models import Location, Move, Quant, Scan

N_("error.warehouse.insufficient_stock")


class InsufficientStock(ConflictError):
    """Not enough units available for a move, a reservation or a consumption."""

    def __init__(
        self,
        *,
        sku: str,
        lot: str,
        location: str,
        needed: int,
        on_hand: int,
        reserved: int,
        code: str = "warehouse.insufficient_stock",
    ) -> None:
        available = on_hand - reserved
        super().__init__(
            f"Not enough {sku} (lot {lot or '-'}) at {location}: {needed} needed, "
            f"{available} available ({on_hand} on hand, {reserved} reserved).",
            code=code,
            sku=sku,
            lot=lot or "-",
            location=location,
            needed=needed,
            available=available,
            on_hand=on_hand,
            reserved=reserved,
        )


def quant_of(session: Session, location: Location, sku: str, lot: str) -> Quant | None:
    query = select(Quant).where(
        Quant.location_id == location.id, Quant.sku == sku, Quant.lot == lot
    )
    return session.scalar(query.execution_options(populate_existing=True))


def _refuse(session: Session, location: Location, sku: str, lot: str, needed: int) -> None:
    quant = quant_of(session, location, sku, lot)
    raise InsufficientStock(
        code="warehouse.insufficient_stock",
        sku=sku,
        lot=lot,
        location=location.code,
        needed=needed,
        on_hand=quant.on_hand if quant else 0,
        reserved=quant.reserved if quant else 0,
    )


def take(
    session: Session, location: Location, sku: str, lot: str, qty: int, *, release: int = 0
) -> None:
    """Take ``qty`` units off a quant, ``release`` of them from its reservation."""
    done = session.execute(
        update(Quant)
        .where(
            Quant.location_id == location.id,
            Quant.sku == sku,
            Quant.lot == lot,
            Quant.on_hand - Quant.reserved >= qty - release,
            Quant.reserved >= release,
            Quant.on_hand >= qty,
        )
        .values(on_hand=Quant.on_hand - qty, reserved=Quant.reserved - release)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if done != 1:
        _refuse(session, location, sku, lot, qty)


def put(session: Session, location: Location, sku: str, lot: str, qty: int) -> None:
    """Add ``qty`` units to a quant, creating it on first use."""
    for _ in range(2):
        done = session.execute(
            update(Quant)
            .where(Quant.location_id == location.id, Quant.sku == sku, Quant.lot == lot)
            .values(on_hand=Quant.on_hand + qty)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        if done == 1:
            return
        try:
            with session.begin_nested():
                session.add(
                    Quant(
                        warehouse_id=location.warehouse_id,
                        location_id=location.id,
                        sku=sku,
                        lot=lot,
                        on_hand=qty,
                        reserved=0,
                    )
                )
            return
        except IntegrityError:  # another transaction created it first: add to theirs
            continue
    raise ConflictError(
        f"Could not store {sku} at {location.code}; try again.",
        code="warehouse.busy",
        sku=sku,
        location=location.code,
    )


def reserve(session: Session, quant: Quant, qty: int, location: Location) -> None:
    """Reserve ``qty`` available units of a quant (for a pick list)."""
    done = session.execute(
        update(Quant)
        .where(Quant.id == quant.id, Quant.on_hand - Quant.reserved >= qty)
        .values(reserved=Quant.reserved + qty)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if done != 1:
        _refuse(session, location, quant.sku, quant.lot, qty)


def unreserve(session: Session, location_id: int, sku: str, lot: str, qty: int) -> None:
    session.execute(
        update(Quant)
        .where(
            Quant.location_id == location_id,
            Quant.sku == sku,
            Quant.lot == lot,
            Quant.reserved >= qty,
        )
        .values(reserved=Quant.reserved - qty)
        .execution_options(synchronize_session=False)
    )


def move(
    session: Session,
    *,
    warehouse_id: int,
    sku: str,
    lot: str,
    qty: int,
    source: Location | None,
    target: Location | None,
    document_id: int | None,
    actor: str,
    scan_id: str | None = None,
    release: int = 0,
) -> Move:
    """Move ``qty`` units from ``source`` to ``target`` (None: outside the warehouse) and
    append the move to the ledger; ``release`` units come out of the source's reservation."""
    if qty <= 0:
        raise ValidationError("must be > 0.", code="warehouse.bad_quantity", field="qty", value=qty)
    if source is None and target is None:
        raise ValidationError(
            "a move needs a source or a target location.",
            code="warehouse.move_nowhere",
            field="location",
        )
    if source is not None:
        take(session, source, sku, lot, qty, release=release)
    if target is not None:
        put(session, target, sku, lot, qty)
    row = Move(
        warehouse_id=warehouse_id,
        at=clock.now(),
        sku=sku,
        lot=lot,
        qty=qty,
        from_location_id=source.id if source else None,
        to_location_id=target.id if target else None,
        document_id=document_id,
        actor=actor,
        scan_id=scan_id,
    )
    session.add(row)
    return row


@dataclass(frozen=True, slots=True)
class Applied:
    """What a scan did: its stored result, and whether this call applied it (False: a
    repeat of a scan already applied, answered with the first result)."""

    result: dict[str, Any]
    applied: bool


def once(
    session: Session,
    *,
    scan_id: str | None,
    warehouse_id: int,
    action: str,
    actor: str,
    apply: Callable[[], dict[str, Any]],
) -> Applied:
    """Apply a scan exactly once: the scan id is stored first (a racing duplicate waits on
    it, then finds it), the work is done, its result stored with it."""
    if scan_id is None:
        return Applied(apply(), True)
    if not 8 <= len(scan_id) <= 64:
        raise ValidationError(
            "must be 8 to 64 characters.",
            code="warehouse.bad_scan_id",
            field="scan_id",
            value=scan_id,
        )
    scan = Scan(
        scan_id=scan_id,
        warehouse_id=warehouse_id,
        action=action,
        actor=actor,
        at=clock.now(),
        result={},
    )
    try:
        with session.begin_nested():
            session.add(scan)
    except IntegrityError:
        first = session.scalar(
            select(Scan).where(Scan.scan_id == scan_id).execution_options(populate_existing=True)
        )
        assert first is not None
        if first.action != action or first.warehouse_id != warehouse_id:
            raise ConflictError(
                f"Scan id {scan_id} was already used for {first.action}.",
                code="warehouse.scan_reused",
                scan_id=scan_id,
                action=first.action,
            ) from None
        return Applied(dict(first.result), False)
    result = apply()
    scan.result = result
    session.flush()
    return Applied(result, True)


@dataclass(frozen=True, slots=True)
class LedgerDifference:
    """A quant whose on-hand differs from the sum of its moves, or is negative."""

    location_id: int
    sku: str
    lot: str
    on_hand: int
    ledger: int


def differences(session: Session, warehouse_id: int | None = None) -> list[LedgerDifference]:
    """Recompute on-hand from the ledger; every quant that disagrees or is negative."""
    sums: dict[tuple[int, str, str], int] = {}
    for column, sign in ((Move.to_location_id, 1), (Move.from_location_id, -1)):
        query = select(column, Move.sku, Move.lot, func.sum(Move.qty)).where(column.is_not(None))
        if warehouse_id is not None:
            query = query.where(Move.warehouse_id == warehouse_id)
        for location_id, sku, lot, total in session.execute(
            query.group_by(column, Move.sku, Move.lot)
        ):
            if location_id is None:
                continue
            key = (int(location_id), str(sku), str(lot))
            sums[key] = sums.get(key, 0) + sign * int(total)
    quants = select(Quant.location_id, Quant.sku, Quant.lot, Quant.on_hand)
    if warehouse_id is not None:
        quants = quants.where(Quant.warehouse_id == warehouse_id)
    found: list[LedgerDifference] = []
    seen: set[tuple[int, str, str]] = set()
    for location_id, sku, lot, on_hand in session.execute(quants):
        key = (location_id, sku, lot)
        seen.add(key)
        ledger = sums.get(key, 0)
        if ledger != on_hand or on_hand < 0:
            found.append(LedgerDifference(location_id, sku, lot, on_hand, ledger))
    for key, ledger in sums.items():
        if key not in seen and ledger != 0:
            found.append(LedgerDifference(*key, on_hand=0, ledger=ledger))
    return found
