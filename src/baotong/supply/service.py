"""Use cases of emergency supply, up to the confirmation: demand tables, quotation rounds,
the province's decisions, and the two clocks (``fulfilment`` goes on from there).

Every use case acts for a ``Principal``: a province's people see and change only their
own province's tables (an object out of scope is not found); the sourcing desk is
national. Every state change is a guarded ``transition`` and an audit row in the caller's
transaction; nothing here commits.

The clocks: submitting a table starts the quote clock (24 h), sending the quotation stops
it and starts the confirm clock (4 h). Each clock is a ``SupplyClock`` row with two
deadlines in the job runner (``supply.clock.remind`` at 75 %, ``supply.clock.due`` at the
end); answering in time cancels them. The handlers set ``reminded_at`` / ``breached_at``
by a guarded UPDATE, so a reminder or an escalation happens once, whoever sweeps.
"""

from __future__ import annotations

import functools
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from baotong import jobs
from baotong.audit import service as audit
from baotong.auth import service as auth_service
from baotong.auth.models import User
from baotong.auth.permissions import Principal, Role
from baotong.auth.scope import in_scope
from baotong.core import clock
from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import Page, PageRequest, paginate
from baotong.db.transitions import transition
from baotong.notify import service as notify
from baotong.supply import clocks
from baotong.supply.catalogue import Catalogue, OutbreakStage, load_catalogue
from baotong.supply.clocks import ClockKind, ClockParams
from baotong.supply.models import (
    Decision,
    DemandLine,
    DemandStatus,
    DemandTable,
    QuoteLine,
    SupplyClock,
)
from baotong.supply.schemas import DecisionIn, DemandLineCreate, DemandTableCreate, QuoteLineIn
from baotong.supply.template import DemandLineIn, ItemKind, read_demand

audit.register_type("demand_table", label_key=N_("object.demand_table"), link="/supply/tables/{id}")

REMIND = "supply.clock.remind"
DUE = "supply.clock.due"
CLOCK_SUBJECT = "supply_clock"
LINES_TABLE = cast(Table, DemandLine.__table__)
PARAMS = ClockParams()
S = DemandStatus
OPEN = (S.DRAFT, S.SUBMITTED, S.QUOTED, S.CONFIRMED, S.PARTLY_CONFIRMED, S.REJECTED)
SUPERVISOR = {ClockKind.QUOTE: Role.SOURCING_SUPERVISOR, ClockKind.CONFIRM: Role.SUPPLY_SUPERVISOR}
NOTICE = {
    ("remind", ClockKind.QUOTE): N_("supply.notice.quote_due_soon"),
    ("remind", ClockKind.CONFIRM): N_("supply.notice.confirm_due_soon"),
    ("breach", ClockKind.QUOTE): N_("supply.notice.quote_overdue"),
    ("breach", ClockKind.CONFIRM): N_("supply.notice.confirm_overdue"),
}


@functools.cache
def catalogue() -> Catalogue:
    """The bundled catalogue (read-only, loaded once)."""
    return load_catalogue()


def audit_change(
    session: Session, principal: Principal | str, action: str, table: DemandTable, **after: Any
) -> None:
    actor = principal if isinstance(principal, str) else principal.username
    audit.record(
        session,
        actor=actor,
        action=f"demand_table.{action}",
        object_type="demand_table",
        object_id=str(table.id),
        province_code=table.province_code,
        after=after or None,
    )


def move(
    session: Session, table_id: int, source: S | Iterable[S], target: S, **values: Any
) -> DemandTable:
    return transition(session, DemandTable, table_id, DemandTable.status, source, target, **values)


# -- tables ---------------------------------------------------------------------------
def _person(session: Session, username: str, province_code: str, field: str) -> int:
    user = auth_service.get_user(session, username)
    if user is None or not user.active or not user.scope.covers_province(province_code):
        raise ValidationError(
            f"'{username}' is not an active user of province {province_code}.",
            code="supply.unknown_person",
            field=field,
            value=username,
            province=province_code,
        )
    return user.id


def _check_province(principal: Principal, province_code: str) -> None:
    if not principal.sees_province(province_code):
        raise ValidationError(
            f"lies outside your province {principal.province_code}.",
            code="supply.outside_scope",
            field="province_code",
            value=province_code,
        )


def _check_line(line: DemandLineCreate | DemandLineIn, position: int) -> None:
    cat = catalogue()
    if line.item_kind is ItemKind.SKU:
        sku = cat.skus.get(line.item_code)
        if sku is None or line.unit != sku.unit:
            raise ValidationError(
                f"'{line.item_code}' ({line.unit}) is not an SKU of the catalogue in its unit.",
                code="supply.unknown_item",
                field=f"lines.{position}.item_code",
                value=line.item_code,
            )
    elif line.item_code not in cat.kit_codes:
        raise ValidationError(
            f"'{line.item_code}' is not a kit of the catalogue.",
            code="supply.unknown_item",
            field=f"lines.{position}.item_code",
            value=line.item_code,
        )


def create_table(
    session: Session,
    *,
    data: DemandTableCreate,
    principal: Principal,
    source_file: str | None = None,
    lines: Sequence[DemandLineIn] = (),
) -> DemandTable:
    """A draft table of ``data`` (its lines, or ``lines`` read from a file)."""
    _check_province(principal, data.province_code)
    owner_id = _person(session, data.owner, data.province_code, "owner")
    deputy_id = _person(session, data.deputy, data.province_code, "deputy") if data.deputy else None
    entered: Sequence[DemandLineCreate | DemandLineIn] = data.lines or lines
    for position, line in enumerate(entered, 1):
        _check_line(line, position)
    table = DemandTable(
        title=data.title,
        province_code=data.province_code,
        stage=data.stage,
        owner_id=owner_id,
        deputy_id=deputy_id,
        status=S.DRAFT,
        round=0,
        escalated=False,
        source_file=source_file,
        created_by=principal.username,
        created_at=clock.now(),
    )
    session.add(table)
    session.flush()
    rows = [
        {
            "table_id": table.id,
            "position": getattr(line, "row", position),
            "source_kind": line.source_kind,
            "source_name": line.source_name,
            "item_kind": line.item_kind,
            "item_code": line.item_code,
            "quantity": line.quantity,
            "unit": line.unit,
            "site_kind": line.site_kind,
            "site_name": line.site_name,
            "needed_by": line.needed_by,
            "notes": line.notes,
            "shipping_overridden": False,
        }
        for position, line in enumerate(entered, 1)
    ]
    if rows:
        session.execute(LINES_TABLE.insert(), rows)  # Core: no per-row ORM work
    session.expire(table, ["lines"])
    audit_change(
        session, principal, "create", table, title=table.title, lines=len(rows), file=source_file
    )
    return table


def import_table(
    session: Session,
    *,
    content: bytes,
    file: str,
    title: str,
    province_code: str,
    owner: str,
    deputy: str | None = None,
    stage: OutbreakStage | None = None,
    principal: Principal,
) -> DemandTable:
    """A draft table from a filled Excel template; any problem (named by sheet, row and
    column) raises DemandImportError and saves nothing."""
    lines = read_demand(content, catalogue(), file=file, now=clock.now())
    data = DemandTableCreate(
        title=title, province_code=province_code, owner=owner, deputy=deputy, stage=stage
    )
    return create_table(session, data=data, principal=principal, source_file=file, lines=lines)


def _draft(session: Session, table_id: int, principal: Principal) -> DemandTable:
    table = get_table(session, table_id, principal=principal)
    if table.status is not S.DRAFT:
        raise ConflictError(
            f"Demand table {table_id} is {table.status}; lines change only in a draft.",
            code="demand_table.wrong_status",
            id=table_id,
            status=table.status,
        )
    return table


def add_line(
    session: Session, *, table_id: int, data: DemandLineCreate, principal: Principal
) -> DemandLine:
    """Add a line to a draft, after its last one."""
    table = _draft(session, table_id, principal)
    position = max((ln.position for ln in table.lines), default=0) + 1
    _check_line(data, position)
    line = DemandLine(
        table_id=table_id, position=position, shipping_overridden=False, **data.model_dump()
    )
    session.add(line)
    session.flush()
    session.expire(table, ["lines"])
    audit_change(
        session,
        principal,
        "add_line",
        table,
        line=position,
        item=data.item_code,
        quantity=data.quantity,
    )
    return line


def remove_line(session: Session, *, table_id: int, line_id: int, principal: Principal) -> None:
    """Take a line out of a draft."""
    table = _draft(session, table_id, principal)
    line = get_line(session, table, line_id)
    audit_change(
        session,
        principal,
        "remove_line",
        table,
        line=line.position,
        item=line.item_code,
        quantity=line.quantity,
    )
    session.delete(line)
    session.flush()
    session.expire(table, ["lines"])


def list_tables(
    session: Session,
    *,
    principal: Principal,
    status: S | None = None,
    page: PageRequest = PageRequest(),
) -> Page[DemandTable]:
    """The tables in the principal's scope, newest first."""
    query = select(DemandTable).where(in_scope(principal, DemandTable.province_code))
    if status is not None:
        query = query.where(DemandTable.status == status)
    return paginate(session, query.order_by(DemandTable.id.desc()), page)


def get_table(session: Session, table_id: int, *, principal: Principal) -> DemandTable:
    table = session.get(DemandTable, table_id)
    if table is None or not principal.sees_province(table.province_code):
        raise NotFoundError(
            f"Unknown demand table {table_id}.", code="demand_table.not_found", id=table_id
        )
    return table


def get_line(session: Session, table: DemandTable, line_id: int) -> DemandLine:
    line = session.get(DemandLine, line_id)
    if line is None or line.table_id != table.id:
        raise ValidationError(
            f"is not a line of demand table {table.id}.",
            code="supply.unknown_line",
            field="line_id",
            value=line_id,
            table=table.id,
        )
    return line


def usernames(session: Session, table: DemandTable) -> dict[int, str]:
    """The owner's and deputy's usernames, by user id."""
    ids = [i for i in (table.owner_id, table.deputy_id) if i is not None]
    rows = session.execute(select(User.id, User.username).where(User.id.in_(ids)))
    return {row.id: row.username for row in rows}


def quote_lines(session: Session, table_id: int) -> list[QuoteLine]:
    return list(
        session.scalars(
            select(QuoteLine)
            .where(QuoteLine.table_id == table_id)
            .order_by(QuoteLine.round, QuoteLine.line_id)
        )
    )


def table_clocks(session: Session, table_id: int) -> list[SupplyClock]:
    return list(
        session.scalars(
            select(SupplyClock).where(SupplyClock.table_id == table_id).order_by(SupplyClock.id)
        )
    )


# -- submission, quotation, decision --------------------------------------------------
def submit(session: Session, *, table_id: int, principal: Principal) -> DemandTable:
    """Send a draft to the sourcing desk: the quote clock starts."""
    table = get_table(session, table_id, principal=principal)
    if not table.lines:
        raise ValidationError(
            "has no lines to submit.", code="supply.no_lines", field="lines", table=table_id
        )
    table = move(session, table_id, S.DRAFT, S.SUBMITTED, submitted_at=clock.now(), round=1)
    _start_clock(session, table, ClockKind.QUOTE)
    audit_change(session, principal, "submit", table, round=1)
    return table


def open_lines(session: Session, table: DemandTable) -> list[DemandLine]:
    """The lines still waiting for an accepted quote."""
    accepted = select(QuoteLine.line_id).where(
        QuoteLine.table_id == table.id, QuoteLine.decision == Decision.ACCEPTED
    )
    return list(
        session.scalars(
            select(DemandLine)
            .where(DemandLine.table_id == table.id, DemandLine.id.not_in(accepted))
            .order_by(DemandLine.position)
        )
    )


def quote(
    session: Session, *, table_id: int, lines: Sequence[QuoteLineIn], principal: Principal
) -> DemandTable:
    """The desk's quotation for this round: one quote line for every open line. The quote
    clock stops, the confirm clock starts."""
    table = get_table(session, table_id, principal=principal)
    waiting = {line.id: line for line in open_lines(session, table)}
    given = {q.line_id for q in lines}
    if given != set(waiting) or len(given) != len(lines):
        missing = sorted(set(waiting) - given)
        extra = sorted(given - set(waiting))
        raise ValidationError(
            f"must answer each open line once (missing {missing}, not open {extra}).",
            code="supply.quote_lines",
            field="lines",
            missing=str(missing),
            extra=str(extra),
        )
    for index, q in enumerate(lines):
        _check_quote(q, waiting[q.line_id], index)
    now = clock.now()
    table = move(session, table_id, S.SUBMITTED, S.QUOTED, quoted_at=now)
    session.add_all(
        QuoteLine(
            table_id=table.id,
            line_id=q.line_id,
            round=table.round,
            supplier_code=q.supplier_code,
            unit_price=q.unit_price,
            available_quantity=q.available_quantity,
            lead_time_hours=q.lead_time_hours,
            substitute_code=q.substitute_code or None,
            note=q.note,
            quoted_by=principal.username,
            quoted_at=now,
            decision=Decision.PENDING,
        )
        for q in lines
    )
    session.flush()
    _stop_clock(session, table, ClockKind.QUOTE, met_by=principal.username)
    _start_clock(session, table, ClockKind.CONFIRM)
    audit_change(session, principal, "quote", table, round=table.round, lines=len(lines))
    return table


def _check_quote(q: QuoteLineIn, line: DemandLine, index: int) -> None:
    cat = catalogue()
    supplier = cat.suppliers.get(q.supplier_code)
    if supplier is None:
        raise ValidationError(
            f"'{q.supplier_code}' is not a supplier of the catalogue.",
            code="supply.unknown_supplier",
            field=f"lines.{index}.supplier_code",
            value=q.supplier_code,
        )
    code = q.substitute_code or line.item_code
    if line.item_kind is ItemKind.SKU:
        sku = cat.skus.get(code)
        if sku is None:
            raise ValidationError(
                f"'{code}' is not an SKU of the catalogue.",
                code="supply.unknown_item",
                field=f"lines.{index}.substitute_code",
                value=code,
            )
        if not supplier.sells(sku):
            raise ValidationError(
                f"supplier {supplier.code} does not sell {sku.category} ({code}).",
                code="supply.supplier_category",
                field=f"lines.{index}.supplier_code",
                value=supplier.code,
                sku=code,
            )


def decide(
    session: Session, *, table_id: int, decisions: Sequence[DecisionIn], principal: Principal
) -> DemandTable:
    """The province accepts or rejects each quoted line of the round: confirmed (all
    accepted), partly confirmed, or rejected (none). The confirm clock stops."""
    table = get_table(session, table_id, principal=principal)
    pending = {
        q.line_id: q
        for q in session.scalars(
            select(QuoteLine).where(
                QuoteLine.table_id == table_id,
                QuoteLine.round == table.round,
                QuoteLine.decision == Decision.PENDING,
            )
        )
    }
    given = {d.line_id for d in decisions}
    if table.status is S.QUOTED and (given != set(pending) or len(given) != len(decisions)):
        raise ValidationError(
            f"must decide each quoted line once (lines {sorted(pending)}).",
            code="supply.decision_lines",
            field="decisions",
            lines=str(sorted(pending)),
        )
    now = clock.now()
    accepted_now = sum(d.accept for d in decisions)
    accepted_before = (
        session.scalar(
            select(func.count()).where(
                QuoteLine.table_id == table_id, QuoteLine.decision == Decision.ACCEPTED
            )
        )
        or 0
    )
    accepted = accepted_now + accepted_before
    total = len(table.lines)
    target = S.CONFIRMED if accepted == total else S.PARTLY_CONFIRMED if accepted else S.REJECTED
    table = move(session, table_id, S.QUOTED, target, decided_at=now)
    for d in decisions:
        q = pending[d.line_id]
        q.decision = Decision.ACCEPTED if d.accept else Decision.REJECTED
        q.decision_reason, q.decided_by, q.decided_at = d.reason or None, principal.username, now
    session.flush()
    _stop_clock(session, table, ClockKind.CONFIRM, met_by=principal.username)
    audit_change(
        session,
        principal,
        "decide",
        table,
        round=table.round,
        accepted=accepted_now,
        rejected=len(decisions) - accepted_now,
        status=str(target),
    )
    return table


def requote(session: Session, *, table_id: int, principal: Principal) -> DemandTable:
    """Send the rejected lines round again: a new round, a new quote clock."""
    table = get_table(session, table_id, principal=principal)
    table = move(
        session,
        table_id,
        (S.PARTLY_CONFIRMED, S.REJECTED),
        S.SUBMITTED,
        round=table.round + 1,
        escalated=False,
    )
    _start_clock(session, table, ClockKind.QUOTE)
    audit_change(session, principal, "requote", table, round=table.round)
    return table


def cancel(session: Session, *, table_id: int, reason: str, principal: Principal) -> DemandTable:
    """Withdraw a table before it is contracted; its clocks stop."""
    table = get_table(session, table_id, principal=principal)
    table = move(session, table_id, OPEN, S.CANCELLED, closed_at=clock.now())
    for kind in ClockKind:
        _stop_clock(session, table, kind, met_by=None)
    session.execute(
        update(QuoteLine)
        .where(QuoteLine.table_id == table_id, QuoteLine.decision == Decision.PENDING)
        .values(decision=Decision.SUPERSEDED)
    )
    audit_change(session, principal, "cancel", table, reason=reason)
    return table


# -- clocks ---------------------------------------------------------------------------
def _start_clock(session: Session, table: DemandTable, kind: ClockKind) -> SupplyClock:
    times = clocks.start(kind, clock.now(), PARAMS)
    row = SupplyClock(
        table_id=table.id,
        province_code=table.province_code,
        kind=kind,
        round=table.round,
        started_at=times.started_at,
        remind_at=times.remind_at,
        due_at=times.due_at,
    )
    session.add(row)
    session.flush()
    for deadline, due_at in ((REMIND, times.remind_at), (DUE, times.due_at)):
        jobs.schedule(
            session,
            kind=deadline,
            subject_type=CLOCK_SUBJECT,
            subject_id=str(row.id),
            due_at=due_at,
        )
    return row


def _stop_clock(
    session: Session, table: DemandTable, kind: ClockKind, *, met_by: str | None
) -> None:
    """Stop the running clock of ``kind`` (met when ``met_by`` answered); cancel its
    deadlines."""
    row = session.scalar(
        select(SupplyClock).where(
            SupplyClock.table_id == table.id,
            SupplyClock.kind == kind,
            SupplyClock.stopped_at.is_(None),
        )
    )
    if row is None:
        return
    now = clock.now()
    row.stopped_at = now
    if met_by is not None:
        row.met_at, row.met_by = now, met_by
    session.flush()
    for deadline in (REMIND, DUE):
        jobs.cancel_deadlines(
            session, kind=deadline, subject_type=CLOCK_SUBJECT, subject_id=str(row.id)
        )


def _claim(session: Session, clock_id: int, column: str) -> SupplyClock | None:
    """Set ``column`` (reminded_at / breached_at) once, on a running clock; the row, or
    None when it was already set or the clock stopped."""
    done = session.execute(
        update(SupplyClock)
        .where(
            SupplyClock.id == clock_id,
            getattr(SupplyClock, column).is_(None),
            SupplyClock.stopped_at.is_(None),
        )
        .values({column: clock.now()})
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    return session.get(SupplyClock, clock_id, populate_existing=True) if done == 1 else None


def remind(session: Session, *, clock_id: int) -> bool:
    """75 % of a clock has run: remind the table's owner and deputy (and, for a quote, the
    sourcing desk). False when it was done already or the clock stopped."""
    row = _claim(session, clock_id, "reminded_at")
    if row is None:
        return False
    table = session.get(DemandTable, row.table_id)
    assert table is not None
    desk = Role.SOURCING_AGENT if row.kind is ClockKind.QUOTE else None
    _notice(session, "remind", row, table, to_role=desk)
    return True


def breach(session: Session, *, clock_id: int) -> bool:
    """The deadline passed unanswered: record the breach, mark the table escalated and alert
    the supervisors of the side that had to answer. False when already done or stopped."""
    row = _claim(session, clock_id, "breached_at")
    if row is None:
        return False
    table = session.get(DemandTable, row.table_id)
    assert table is not None
    table.escalated = True
    session.flush()
    audit_change(
        session,
        "clock",
        "escalate",
        table,
        clock=str(row.kind),
        round=row.round,
        due_at=row.due_at.isoformat(),
    )
    _notice(session, "breach", row, table, to_role=SUPERVISOR[row.kind])
    return True


def _notice(
    session: Session, step: str, row: SupplyClock, table: DemandTable, *, to_role: Role | None
) -> None:
    users = [u for u in (table.owner_id, table.deputy_id) if u is not None]
    notify.send(
        session,
        key=NOTICE[(step, row.kind)],
        params={
            "table": table.id,
            "title": table.title,
            "due": row.due_at.strftime("%Y-%m-%d %H:%M UTC"),
        },
        link=f"/supply/tables/{table.id}",
        to_users=users,
        to_role=to_role,
        province_code=table.province_code,
        subject_type="demand_table",
        subject_id=str(table.id),
    )


def overdue(
    session: Session,
    *,
    principal: Principal,
    within: timedelta = timedelta(hours=2),
    page: PageRequest = PageRequest(),
) -> Page[SupplyClock]:
    """Running clocks past their deadline or due within ``within``, most urgent first."""
    query = (
        select(SupplyClock)
        .where(
            SupplyClock.stopped_at.is_(None),
            SupplyClock.due_at <= clock.now() + within,
            in_scope(principal, SupplyClock.province_code),
        )
        .order_by(SupplyClock.due_at)
    )
    return paginate(session, query, page)


# -- the on-time report ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class OnTime:
    """One row of the on-time report: a province or a desk."""

    group: str  # "province" | "desk"
    key: str
    quotes: int
    quotes_on_time: int
    quote_median_hours: float | None
    confirmations: int
    confirmations_on_time: int
    confirm_median_hours: float | None

    @property
    def quote_share(self) -> float | None:
        return self.quotes_on_time / self.quotes if self.quotes else None

    @property
    def confirm_share(self) -> float | None:
        return self.confirmations_on_time / self.confirmations if self.confirmations else None


def on_time_report(session: Session, *, principal: Principal) -> list[OnTime]:
    """Share of quotes given within 24 h and confirmations within 4 h, and the median
    hours, per province and per desk (who answered). A clock counts once it was met or
    breached; a breached clock answered late counts as late."""
    rows = session.scalars(
        select(SupplyClock).where(
            in_scope(principal, SupplyClock.province_code),
            (SupplyClock.met_at.is_not(None)) | (SupplyClock.breached_at.is_not(None)),
        )
    )
    groups: dict[tuple[str, str], dict[ClockKind, list[tuple[bool, float | None]]]]
    groups = defaultdict(lambda: {ClockKind.QUOTE: [], ClockKind.CONFIRM: []})
    for row in rows:
        hours = (
            (row.met_at - row.started_at).total_seconds() / 3600 if row.met_at is not None else None
        )
        on_time = row.met_at is not None and row.met_at <= row.due_at
        groups[("province", row.province_code)][row.kind].append((on_time, hours))
        if row.met_by:
            groups[("desk", row.met_by)][row.kind].append((on_time, hours))
    report = []
    for (group, key), kinds in sorted(groups.items()):
        q, c = kinds[ClockKind.QUOTE], kinds[ClockKind.CONFIRM]
        report.append(
            OnTime(
                group,
                key,
                len(q),
                sum(ok for ok, _ in q),
                _median(q),
                len(c),
                sum(ok for ok, _ in c),
                _median(c),
            )
        )
    return report


def _median(values: list[tuple[bool, float | None]]) -> float | None:
    hours = [h for _, h in values if h is not None]
    return round(statistics.median(hours), 2) if hours else None
