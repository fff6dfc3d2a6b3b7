"""Use cases of the resource inventory: people, vehicles and equipment per province and
site, loans across cities and provinces, and the sites' daily epidemic-safety logs.

A loan is requested by either side and approved by the lender; approval takes the lent
quantity out of the home row with one guarded UPDATE (``lent = lent + n WHERE lent + n <=
quantity``), so two approvals never lend more than there is. While a loan is approved the
quantity counts at the borrower and not at home; it returns on its ``return_on`` date (a
deadline of kind ``command.loan.return``) or when either side returns it earlier.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from baotong import jobs
from baotong.audit import service as audit
from baotong.auth.permissions import Principal
from baotong.command import service as command_service
from baotong.command.excel import ResourceIn
from baotong.command.models import (
    Incident,
    Loan,
    LoanStatus,
    Resource,
    ResourceKind,
    SafetyLog,
)
from baotong.core import clock
from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import Page, PageRequest, paginate
from baotong.db.transitions import transition
from baotong.network import service as network_service
from baotong.network.entities import Network, great_circle_km
from baotong.network.models import SiteRow

audit.register_type("resource", label_key=N_("object.resource"), link="/command/resources")
audit.register_type("loan", label_key=N_("object.loan"), link="/command/loans/{id}")
audit.register_type("safety_log", label_key=N_("object.safety_log"), link="/command/safety")

RETURN = "command.loan.return"  # the deadline kind that returns a loan on its date
SAFETY = "command.safety.missing"  # the nightly check for missing safety logs
SAFETY_CHECK_AT = time(20, 0)  # UTC: a site's log of the day is due by then


def _scope(principal: Principal, column: Any) -> ColumnElement[bool]:
    clause: ColumnElement[bool] = principal.scope.clause(province=column)
    return clause


# -- inventory ------------------------------------------------------------------------
def add_resources(
    session: Session, *, rows: list[ResourceIn], principal: Principal
) -> list[Resource]:
    """Add validated rows (the Excel import's or a form's), all or none."""
    added = []
    for i, item in enumerate(rows, start=1):
        if not principal.sees_province(item.province_code):
            raise ValidationError(
                f"lies outside your province {principal.province_code}.",
                code="resource.outside_scope",
                row=i,
                field="province_code",
                value=item.province_code,
            )
        if item.site_id:
            site = session.get(SiteRow, item.site_id)
            if site is None or site.province_code != item.province_code:
                raise ValidationError(
                    f"site '{item.site_id}' is not in {item.province_code}.",
                    code="resource.unknown_site",
                    row=i,
                    field="site_id",
                    value=item.site_id,
                )
        row = Resource(
            **item.model_dump(), lent=0, created_by=principal.username, created_at=clock.now()
        )
        session.add(row)
        added.append(row)
    session.flush()
    command_service.ensure_nightly(session, SAFETY, next_safety_check(clock.now()))
    for row in added:
        audit.record(
            session,
            actor=principal.username,
            action="resource.add",
            object_type="resource",
            object_id=str(row.id),
            province_code=row.province_code,
            after={"kind": row.kind, "name": row.name, "quantity": row.quantity},
        )
    return added


def list_resources(
    session: Session,
    *,
    principal: Principal,
    kind: ResourceKind | None = None,
    province: str | None = None,
    page: PageRequest = PageRequest(),
) -> Page[Resource]:
    query = select(Resource).where(_scope(principal, Resource.province_code))
    if kind:
        query = query.where(Resource.kind == kind)
    if province:
        query = query.where(Resource.province_code == province)
    return paginate(session, query.order_by(Resource.province_code, Resource.id), page)


@dataclass
class Holding:
    """What a province has at hand of one kind and category: its own (less what it lent
    out) and what it borrowed."""

    province_code: str
    kind: ResourceKind
    category: str
    own: int = 0
    lent_out: int = 0
    borrowed: int = 0
    whitelisted: int = 0
    closed_loop: int = 0

    @property
    def at_hand(self) -> int:
        return self.own - self.lent_out + self.borrowed


@dataclass
class Inventory:
    holdings: list[Holding] = field(default_factory=list)

    def at_hand(self, province: str, kind: ResourceKind, category: str) -> int:
        return sum(
            h.at_hand
            for h in self.holdings
            if (h.province_code, h.kind, h.category) == (province, kind, category)
        )


def inventory(session: Session, *, principal: Principal) -> Inventory:
    """Per province, kind and category: own, lent out, borrowed and at hand."""
    found: dict[tuple[str, ResourceKind, str], Holding] = {}

    def holding(province: str, row: Resource) -> Holding:
        key = (province, row.kind, row.category)
        return found.setdefault(key, Holding(province, row.kind, row.category))

    for row in session.scalars(select(Resource).where(_scope(principal, Resource.province_code))):
        h = holding(row.province_code, row)
        h.own += row.quantity
        h.lent_out += row.lent
        h.whitelisted += row.quantity - row.lent if row.whitelisted else 0
        h.closed_loop += row.quantity - row.lent if row.closed_loop else 0
    lent = (
        select(Loan, Resource)
        .join(Resource, Resource.id == Loan.resource_id)
        .where(Loan.status == LoanStatus.APPROVED, _scope(principal, Loan.to_province))
    )
    for loan, resource in session.execute(lent).all():
        h = holding(loan.to_province, resource)
        h.borrowed += loan.quantity
        h.whitelisted += loan.quantity if resource.whitelisted else 0
        h.closed_loop += loan.quantity if resource.closed_loop else 0
    return Inventory(sorted(found.values(), key=lambda h: (h.province_code, h.kind, h.category)))


def get_resource(session: Session, resource_id: int, *, principal: Principal) -> Resource:
    row = session.get(Resource, resource_id)
    if row is None or not principal.sees_province(row.province_code):
        raise NotFoundError(
            f"Unknown resource {resource_id}.", code="resource.unknown", id=resource_id
        )
    return row


# -- loans ----------------------------------------------------------------------------
def _audit_loan(
    session: Session,
    actor: str,
    action: str,
    loan: Loan,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    for province in {loan.from_province, loan.to_province}:
        audit.record(
            session,
            actor=actor,
            action=action,
            object_type="loan",
            object_id=str(loan.id),
            province_code=province,
            before=before,
            after=after,
        )


DRAFT_PEOPLE = 10  # the head count a staff-shortage draft asks for, edited before sending
DRAFT_DAYS = 14


def draft_for_shortage(session: Session, *, incident: Incident, network: Network) -> dict[str, str]:
    """The loan form a staff shortage (人员短缺) starts from: whitelisted people of the
    nearest other province with people at home (closed-loop lodging first), up to
    ``DRAFT_PEOPLE`` of them, to the incident's province and site for two weeks. Empty
    when no province has anyone to lend."""
    to = incident.province_code or ""
    home = network.regions.get(to)
    rows = session.scalars(
        select(Resource).where(
            Resource.kind == ResourceKind.PERSON,
            Resource.whitelisted.is_(True),
            Resource.quantity > Resource.lent,
            Resource.province_code != to,
        )
    )

    def distance(row: Resource) -> float:
        there = network.regions.get(row.province_code)
        if home is None or there is None:
            return float("inf")
        return great_circle_km(home.centroid, there.centroid)

    ranked = sorted(rows, key=lambda r: (distance(r), not r.closed_loop, r.lent - r.quantity, r.id))
    if not ranked:
        return {}
    best = ranked[0]
    return {
        "resource_id": str(best.id),
        "quantity": str(min(DRAFT_PEOPLE, best.quantity - best.lent)),
        "to_province": to,
        "to_site": incident.site_id or "",
        "return_on": (clock.now().date() + timedelta(days=DRAFT_DAYS)).isoformat(),
        "reason": incident.title,
        "incident_id": str(incident.id),
    }


def request_loan(
    session: Session,
    *,
    resource_id: int,
    quantity: int,
    to_province: str,
    return_on: date,
    principal: Principal,
    to_site: str | None = None,
    reason: str = "",
    incident_id: int | None = None,
) -> Loan:
    """Ask to lend ``quantity`` of a resource to another province (or city) until
    ``return_on``; the borrower or the lender may ask."""
    resource = session.get(Resource, resource_id)
    if resource is None or not (
        principal.sees_province(resource.province_code) or principal.sees_province(to_province)
    ):
        raise NotFoundError(
            f"Unknown resource {resource_id}.", code="resource.unknown", id=resource_id
        )
    if quantity < 1 or quantity > resource.quantity - resource.lent:
        raise ValidationError(
            f"must be between 1 and {resource.quantity - resource.lent}.",
            code="loan.bad_quantity",
            field="quantity",
            value=quantity,
            available=resource.quantity - resource.lent,
        )
    if return_on <= clock.now().date():
        raise ValidationError(
            "must lie after today.",
            code="loan.past_return",
            field="return_on",
            value=return_on.isoformat(),
        )
    if to_site:
        site = session.get(SiteRow, to_site)
        if site is None or site.province_code != to_province:
            raise ValidationError(
                f"site '{to_site}' is not in {to_province}.",
                code="loan.unknown_site",
                field="to_site",
                value=to_site,
            )
    if to_province == resource.province_code and not to_site:
        raise ValidationError(
            "name the site of the borrowing city within the province.",
            code="loan.same_place",
            field="to_site",
        )
    loan = Loan(
        resource_id=resource.id,
        quantity=quantity,
        from_province=resource.province_code,
        to_province=to_province,
        to_site=to_site,
        incident_id=incident_id,
        reason=reason,
        return_on=return_on,
        status=LoanStatus.REQUESTED,
        requested_by=principal.username,
        requested_at=clock.now(),
    )
    session.add(loan)
    session.flush()
    _audit_loan(
        session,
        principal.username,
        "loan.request",
        loan,
        after={
            "resource": resource.id,
            "quantity": quantity,
            "to": to_province,
            "return_on": return_on.isoformat(),
        },
    )
    if incident_id is not None:
        command_service.note(
            session,
            incident_id,
            actor=principal.username,
            action=N_("timeline.loan"),
            params={
                "id": loan.id,
                "name": resource.name,
                "quantity": quantity,
                "from": loan.from_province,
                "to": to_province,
            },
            link=f"/command/loans/{loan.id}",
        )
    return loan


def _loan_scope(principal: Principal) -> ColumnElement[bool]:
    if principal.province_code is None:
        return _scope(principal, Loan.from_province)
    return or_(
        Loan.from_province == principal.province_code, Loan.to_province == principal.province_code
    )


def list_loans(
    session: Session,
    *,
    principal: Principal,
    status: LoanStatus | None = None,
    page: PageRequest = PageRequest(),
) -> Page[Loan]:
    query = select(Loan).where(_loan_scope(principal))
    if status:
        query = query.where(Loan.status == status)
    return paginate(session, query.order_by(Loan.id.desc()), page)


def get_loan(session: Session, loan_id: int, *, principal: Principal) -> Loan:
    loan = session.get(Loan, loan_id)
    if loan is None or not (
        principal.sees_province(loan.from_province) or principal.sees_province(loan.to_province)
    ):
        raise NotFoundError(f"Unknown loan {loan_id}.", code="loan.unknown", id=loan_id)
    return loan


def _lender(principal: Principal, loan: Loan) -> None:
    if not principal.sees_province(loan.from_province):
        raise ConflictError(
            f"Only the lender {loan.from_province} decides loan {loan.id}.",
            code="loan.not_lender",
            id=loan.id,
            province=loan.from_province,
        )


def approve_loan(session: Session, *, loan_id: int, principal: Principal) -> Loan:
    """The lender approves: the quantity leaves home and counts at the borrower."""
    loan = get_loan(session, loan_id, principal=principal)
    _lender(principal, loan)
    loan = transition(
        session,
        Loan,
        loan.id,
        Loan.status,
        LoanStatus.REQUESTED,
        LoanStatus.APPROVED,
        decided_by=principal.username,
        decided_at=clock.now(),
    )
    taken = session.execute(
        update(Resource)
        .where(Resource.id == loan.resource_id, Resource.lent + loan.quantity <= Resource.quantity)
        .values(lent=Resource.lent + loan.quantity)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if taken != 1:
        raise ConflictError(
            f"Loan {loan.id}: not {loan.quantity} left at home to lend.",
            code="loan.not_available",
            id=loan.id,
            quantity=loan.quantity,
        )
    due = datetime.combine(loan.return_on, time(0), tzinfo=UTC)
    jobs.schedule(session, kind=RETURN, subject_type="loan", subject_id=str(loan.id), due_at=due)
    _audit_loan(
        session,
        principal.username,
        "loan.approve",
        loan,
        before={"status": LoanStatus.REQUESTED},
        after={"status": LoanStatus.APPROVED},
    )
    return loan


def refuse_loan(session: Session, *, loan_id: int, principal: Principal) -> Loan:
    loan = get_loan(session, loan_id, principal=principal)
    _lender(principal, loan)
    loan = transition(
        session,
        Loan,
        loan.id,
        Loan.status,
        LoanStatus.REQUESTED,
        LoanStatus.REFUSED,
        decided_by=principal.username,
        decided_at=clock.now(),
    )
    _audit_loan(
        session,
        principal.username,
        "loan.refuse",
        loan,
        before={"status": LoanStatus.REQUESTED},
        after={"status": LoanStatus.REFUSED},
    )
    return loan


def return_loan(session: Session, *, loan_id: int, principal: Principal) -> Loan:
    """The resource goes home (on its date, or earlier when either side says so)."""
    loan = get_loan(session, loan_id, principal=principal)
    loan = transition(
        session,
        Loan,
        loan.id,
        Loan.status,
        LoanStatus.APPROVED,
        LoanStatus.RETURNED,
        returned_at=clock.now(),
    )
    session.execute(
        update(Resource)
        .where(Resource.id == loan.resource_id)
        .values(lent=Resource.lent - loan.quantity)
        .execution_options(synchronize_session=False)
    )
    jobs.cancel_deadlines(session, kind=RETURN, subject_type="loan", subject_id=str(loan.id))
    _audit_loan(
        session,
        principal.username,
        "loan.return",
        loan,
        before={"status": LoanStatus.APPROVED},
        after={"status": LoanStatus.RETURNED},
    )
    return loan


# -- safety logs ----------------------------------------------------------------------
def file_safety_log(
    session: Session,
    *,
    site_id: str,
    day: date,
    disinfected: bool,
    protection: bool,
    tests: int,
    positives: int,
    note: str,
    principal: Principal,
) -> SafetyLog:
    """A site's epidemic-safety log of ``day`` (one per site and day)."""
    site = network_service.get_site(session, site_id, principal=principal)
    if session.scalar(
        select(SafetyLog.id).where(SafetyLog.site_id == site.id, SafetyLog.day == day)
    ):
        raise ConflictError(
            f"Site {site.id} already filed its log of {day}.",
            code="safety.already_filed",
            site=site.id,
            day=day.isoformat(),
        )
    if tests < 0 or positives < 0 or positives > tests:
        raise ValidationError(
            "positives must lie between 0 and the number of tests.",
            code="safety.bad_counts",
            field="positives",
            value=positives,
        )
    log = SafetyLog(
        site_id=site.id,
        province_code=site.province_code,
        day=day,
        disinfected=disinfected,
        protection=protection,
        tests=tests,
        positives=positives,
        note=note,
        filed_by=principal.username,
        filed_at=clock.now(),
    )
    session.add(log)
    session.flush()
    audit.record(
        session,
        actor=principal.username,
        action="safety_log.file",
        object_type="safety_log",
        object_id=str(log.id),
        province_code=log.province_code,
        after={"site": site.id, "day": day.isoformat()},
    )
    return log


def list_safety_logs(
    session: Session,
    *,
    principal: Principal,
    day: date | None = None,
    page: PageRequest = PageRequest(),
) -> Page[SafetyLog]:
    query = select(SafetyLog).where(_scope(principal, SafetyLog.province_code))
    if day:
        query = query.where(SafetyLog.day == day)
    return paginate(session, query.order_by(SafetyLog.day.desc(), SafetyLog.site_id), page)


def sites_to_log(session: Session, *, principal: Principal | None) -> dict[str, str]:
    """The sites that keep a safety log (those with people in the inventory, or with people
    lent to them): site id → province."""
    own = select(Resource.site_id, Resource.province_code).where(
        Resource.kind == ResourceKind.PERSON, Resource.site_id.is_not(None)
    )
    borrowed = (
        select(Loan.to_site, Loan.to_province)
        .join(Resource, Resource.id == Loan.resource_id)
        .where(
            Resource.kind == ResourceKind.PERSON,
            Loan.status == LoanStatus.APPROVED,
            Loan.to_site.is_not(None),
        )
    )
    if principal is not None:
        own = own.where(_scope(principal, Resource.province_code))
        borrowed = borrowed.where(_scope(principal, Loan.to_province))
    found: dict[str, str] = {}
    for site, province in [*session.execute(own).all(), *session.execute(borrowed).all()]:
        if site is not None:
            found[site] = province
    return found


def missing_logs(session: Session, *, day: date, principal: Principal | None) -> dict[str, str]:
    """The sites that keep a log and have not filed the one of ``day``: id → province."""
    expected = sites_to_log(session, principal=principal)
    filed = set(session.scalars(select(SafetyLog.site_id).where(SafetyLog.day == day)))
    return {site: province for site, province in sorted(expected.items()) if site not in filed}


def missing_by_province(missing: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for site, province in missing.items():
        out[province].append(site)
    return dict(out)


def next_safety_check(after: datetime) -> datetime:
    """The next time the day's logs are checked (SAFETY_CHECK_AT, UTC)."""
    at = datetime.combine(after.date(), SAFETY_CHECK_AT, tzinfo=UTC)
    return at if at > after else at + timedelta(days=1)
