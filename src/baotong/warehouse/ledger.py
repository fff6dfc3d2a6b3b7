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
from typing import Any, cast

from sqlalchemy import Integer, Table, TextClause, bindparam, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from baotong.core import clock
from baotong.core.exceptions import ConflictError, ValidationError
from baotong.core.i18n import N_
from baotong.warehouse.models import Location, Move, Quant, Scan

N_("error.warehouse.insufficient_stock")
QUANTS = cast(Table, Quant.__table__)
MOVES = cast(Table, Move.__table__)
SCANS = cast(Table, Scan.__table__)


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


def upsert(session: Session, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into ``table`` that can say what to do ON CONFLICT, for the session's
    database (PostgreSQL or SQLite, the two Baotong runs on)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


# The statements of a scan, built once (a scan only binds its values): building a statement
# costs more CPU than the database takes to run it.
_QUANT = (
    (QUANTS.c.location_id == bindparam("b_location"))
    & (QUANTS.c.sku == bindparam("b_sku"))
    & (QUANTS.c.lot == bindparam("b_lot"))
)
_TAKE = (
    update(QUANTS)
    .where(
        _QUANT,
        QUANTS.c.on_hand - QUANTS.c.reserved >= bindparam("b_qty") - bindparam("b_release"),
        QUANTS.c.reserved >= bindparam("b_release"),
        QUANTS.c.on_hand >= bindparam("b_qty"),
    )
    .values(
        on_hand=QUANTS.c.on_hand - bindparam("b_qty"),
        reserved=QUANTS.c.reserved - bindparam("b_release"),
    )
)
_PUT = update(QUANTS).where(_QUANT).values(on_hand=QUANTS.c.on_hand + bindparam("b_qty"))
_CREATE: dict[str, Any] = {
    name: dialect.insert(QUANTS).on_conflict_do_update(
        index_elements=[QUANTS.c.location_id, QUANTS.c.sku, QUANTS.c.lot],
        set_={"on_hand": QUANTS.c.on_hand + bindparam("b_qty")},
    )
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_APPEND = insert(MOVES)
_CLAIM: dict[str, Any] = {
    name: dialect.insert(SCANS)
    .on_conflict_do_nothing(index_elements=[SCANS.c.scan_id])
    .returning(SCANS.c.scan_id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_FIRST = select(SCANS.c.action, SCANS.c.warehouse_id, SCANS.c.result).where(
    SCANS.c.scan_id == bindparam("b_scan")
)
_RESULT = update(SCANS).where(SCANS.c.scan_id == bindparam("b_scan"))


def _move_at_once(take: bool, put: bool) -> TextClause:
    """A move as one PostgreSQL statement: the source quant's guarded UPDATE, the target's
    upsert and the ledger row as data-modifying CTEs. With a source, the upsert and the row
    select from its UPDATE: when the guard refuses, the statement writes nothing and returns
    no row."""
    ctes, origin = [], ""
    if take:
        ctes.append(
            "took AS (UPDATE wh_quants SET on_hand = on_hand - :qty,"
            " reserved = reserved - :b_release"
            " WHERE location_id = :from_location_id AND sku = :sku AND lot = :lot"
            " AND on_hand - reserved >= :qty - :b_release AND reserved >= :b_release"
            " AND on_hand >= :qty RETURNING id)"
        )
        origin = " FROM took"
    if put:
        ctes.append(
            "put AS (INSERT INTO wh_quants (warehouse_id, location_id, sku, lot, on_hand,"
            " reserved) SELECT :warehouse_id, :to_location_id, :sku, :lot, :qty, 0" + origin
            + " ON CONFLICT (location_id, sku, lot)"
            " DO UPDATE SET on_hand = wh_quants.on_hand + EXCLUDED.on_hand RETURNING id)"
        )  # fmt: skip
    sql = (
        "WITH " + ", ".join(ctes) + " INSERT INTO wh_moves (warehouse_id, at, sku, lot, qty,"
        " from_location_id, to_location_id, document_id, actor, scan_id)"
        " SELECT :warehouse_id, :at, :sku, :lot, :qty, :from_location_id, :to_location_id,"
        " :document_id, :actor, :scan_id" + origin + " RETURNING id"
    )  # fmt: skip
    types = {c.name: c.type for c in MOVES.c if c.name != "id"} | {"b_release": Integer()}
    return text(sql).bindparams(
        *(bindparam(name, type_=kind) for name, kind in types.items() if f":{name}" in sql)
    )


_MOVE_AT_ONCE = {(t, p): _move_at_once(t, p) for t in (True, False) for p in (True, False)
                 if t or p}  # fmt: skip


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def take(
    session: Session, location: Location, sku: str, lot: str, qty: int, *, release: int = 0
) -> None:
    """Take ``qty`` units off a quant, ``release`` of them from its reservation: one
    guarded UPDATE, refused (nothing changed) when fewer units are available."""
    done = session.execute(
        _TAKE,
        {"b_location": location.id, "b_sku": sku, "b_lot": lot, "b_qty": qty,
         "b_release": release},
    ).rowcount  # type: ignore[attr-defined]  # fmt: skip
    if done != 1:
        _refuse(session, location, sku, lot, qty)


def put(session: Session, location: Location, sku: str, lot: str, qty: int) -> None:
    """Add ``qty`` units to a quant; the first units create it (an INSERT that adds to
    the quant instead when another transaction created it meanwhile)."""
    where = {"b_location": location.id, "b_sku": sku, "b_lot": lot, "b_qty": qty}
    if session.execute(_PUT, where).rowcount == 1:  # type: ignore[attr-defined]
        return
    session.execute(
        _CREATE[_dialect(session)],
        {"warehouse_id": location.warehouse_id, "location_id": location.id, "sku": sku,
         "lot": lot, "on_hand": qty, "reserved": 0, "b_qty": qty},
    )  # fmt: skip


def reserve(session: Session, quant: Quant, qty: int, location: Location) -> None:
    """Reserve ``qty`` available units of a quant (for a pick list)."""
    done = session.execute(
        update(QUANTS)
        .where(QUANTS.c.id == quant.id, QUANTS.c.on_hand - QUANTS.c.reserved >= qty)
        .values(reserved=QUANTS.c.reserved + qty)
    ).rowcount  # type: ignore[attr-defined]
    if done != 1:
        _refuse(session, location, quant.sku, quant.lot, qty)


def unreserve(session: Session, location_id: int, sku: str, lot: str, qty: int) -> None:
    session.execute(
        update(QUANTS)
        .where(
            QUANTS.c.location_id == location_id,
            QUANTS.c.sku == sku,
            QUANTS.c.lot == lot,
            QUANTS.c.reserved >= qty,
        )
        .values(reserved=QUANTS.c.reserved - qty)
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
) -> None:
    """Move ``qty`` units from ``source`` to ``target`` (None: outside the warehouse) and
    append the move to the ledger; ``release`` units come out of the source's reservation.

    On PostgreSQL the whole move is one statement (:data:`_MOVE_AT_ONCE`), on SQLite the
    three of :func:`take`, :func:`put` and the append: the same guard, locks and rows."""
    if qty <= 0:
        raise ValidationError("must be > 0.", code="warehouse.bad_quantity", field="qty", value=qty)
    if source is None and target is None:
        raise ValidationError(
            "a move needs a source or a target location.",
            code="warehouse.move_nowhere",
            field="location",
        )
    row = {
        "warehouse_id": warehouse_id,
        "at": clock.now(),
        "sku": sku,
        "lot": lot,
        "qty": qty,
        "from_location_id": source.id if source else None,
        "to_location_id": target.id if target else None,
        "document_id": document_id,
        "actor": actor,
        "scan_id": scan_id,
    }
    in_place = source is not None and target is not None and source.id == target.id
    if _dialect(session) == "postgresql" and not in_place:  # (a CTE updates a row once)
        statement = _MOVE_AT_ONCE[(source is not None, target is not None)]
        moved = session.execute(statement, {**row, "b_release": release}).first()
        if moved is None:  # the source's guard refused: nothing was written
            assert source is not None
            _refuse(session, source, sku, lot, qty)
        return
    if source is not None:
        take(session, source, sku, lot, qty, release=release)
    if target is not None:
        put(session, target, sku, lot, qty)
    session.execute(_APPEND, row)


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
    expected: dict[str, Any] | None = None,
) -> Applied:
    """Apply a scan exactly once.

    The scan id is inserted first (``ON CONFLICT DO NOTHING``: a racing duplicate waits on
    the key until the first commits, then finds it; if the first rolls back, the duplicate
    applies), then the work is done. ``expected`` is the result the work will return when
    known beforehand (a line scan answers with its document): it is stored with the scan
    id; otherwise the result is stored after the work.
    """
    if scan_id is None:
        return Applied(apply(), True)
    if not 8 <= len(scan_id) <= 64:
        raise ValidationError(
            "must be 8 to 64 characters.",
            code="warehouse.bad_scan_id",
            field="scan_id",
            value=scan_id,
        )
    claimed = session.execute(
        _CLAIM[_dialect(session)],
        {"scan_id": scan_id, "warehouse_id": warehouse_id, "action": action, "actor": actor,
         "at": clock.now(), "result": expected or {}},
    ).first()  # fmt: skip
    if claimed is None:
        first = session.execute(_FIRST, {"b_scan": scan_id}).one()
        if first.action != action or first.warehouse_id != warehouse_id:
            raise ConflictError(
                f"Scan id {scan_id} was already used for {first.action}.",
                code="warehouse.scan_reused",
                scan_id=scan_id,
                action=first.action,
            )
        return Applied(dict(first.result), False)
    result = apply()
    if result != expected:
        session.execute(_RESULT, {"b_scan": scan_id, "result": result})
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
