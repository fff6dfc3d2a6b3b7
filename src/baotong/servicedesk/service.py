"""Use cases of urgent tickets and agent scripts.

A ticket's steps and their deadlines (hours after the step starts):

========== ================================== ============================================
step        who acts                          deadline
========== ================================== ============================================
contact     the responsible province          ``CONTACT_HOURS`` after the complaint
investigate the production unit (item's site) the processing time the province promised
callback    the 11183 urgent-ticket team      ``CALLBACK_HOURS`` after the findings
========== ================================== ============================================

Each step schedules two deadlines in the platform's sweep: a reminder at three quarters
of the window (``ticket.reminder``) and the step's end (``ticket.step``), which, when the
step is still open, counts a breach and escalates to the province's supervisors.
Finishing a step cancels its deadlines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import NoReturn

from sqlalchemy import Select, case, func, or_, select, update
from sqlalchemy.orm import Session

from baotong import jobs
from baotong.audit import service as audit_service
from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal, Role, ScopeKind
from baotong.core import clock
from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import Page, PageRequest, paginate
from baotong.db.transitions import transition
from baotong.network.models import SiteRow
from baotong.notify import service as notify
from baotong.servicedesk.models import (
    AgentScript,
    ScriptTopic,
    Ticket,
    TicketCategory,
    TicketChannel,
    TicketEvent,
    TicketStatus,
)
from baotong.servicedesk.schemas import (
    CallbackDone,
    ContactDone,
    InvestigationDone,
    Reopen,
    ScriptCreate,
    SlaReport,
    SlaRow,
    TicketCreate,
    Transfer,
)
from baotong.tracking import service as tracking_service
from baotong.tracking.schemas import Notice

audit_service.register_type("ticket", label_key=N_("object.ticket"), link="/tickets/{id}")
audit_service.register_type(
    "agent_script", label_key=N_("object.agent_script"), link="/servicedesk/scripts"
)

CONTACT_HOURS = 2.0
CALLBACK_HOURS = 4.0
REMINDER = "ticket.reminder"
STEP = "ticket.step"
SUBJECT = "ticket"
OPEN = (TicketStatus.CONTACT, TicketStatus.INVESTIGATE, TicketStatus.CALLBACK)
TRANSFERABLE = (TicketStatus.CONTACT, TicketStatus.INVESTIGATE)  # until findings are in
UNIT_KINDS = ("center", "station")  # sites that investigate: centres and delivery stations
N_("ticket.notice.reminder")
N_("ticket.notice.escalated")
N_("ticket.notice.opened")
N_("ticket.notice.investigate")
N_("ticket.notice.transferred")
# The words of each history entry's action (``ticket.action.<action>``).
N_("ticket.action.opened")
N_("ticket.action.contacted")
N_("ticket.action.investigated")
N_("ticket.action.called_back")
N_("ticket.action.reopened")
N_("ticket.action.reminded")
N_("ticket.action.escalated")
N_("ticket.action.transferred")


# -- what a ticket is about ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SubjectKind:
    """A kind of thing a ticket may be about besides a mail item (registered by the package
    that owns it): its words and the page of one (``link`` with ``{ref}``)."""

    name: str
    label_key: str
    link: str


SUBJECT_KINDS: dict[str, SubjectKind] = {}


def register_subject(name: str, *, label_key: str, link: str) -> SubjectKind:
    kind = SubjectKind(name=name, label_key=label_key, link=link)
    SUBJECT_KINDS[name] = kind
    return kind


def subject_of(ticket: Ticket) -> tuple[SubjectKind, str] | None:
    """What a ticket without a mail item is about, and that thing's reference."""
    if ticket.subject_kind is None or ticket.subject_ref is None:
        return None
    kind = SUBJECT_KINDS.get(ticket.subject_kind)
    if kind is None:  # a kind no longer registered: its words are its name
        kind = SubjectKind(ticket.subject_kind, ticket.subject_kind, "")
    return kind, ticket.subject_ref


def subject_link(ticket: Ticket) -> str | None:
    found = subject_of(ticket)
    return found[0].link.format(ref=found[1]) if found and found[0].link else None


# -- reading ----------------------------------------------------------------------------
def _visible(principal: Principal) -> Select[Ticket]:
    """Tickets a principal sees: of its province, as responsible or as intake; a production
    unit (a site scope) only the tickets whose item is at that unit."""
    query = select(Ticket)
    if principal.scope.kind is ScopeKind.SITE:
        return query.where(Ticket.unit_id == principal.scope.code)
    if principal.province_code is not None:
        query = query.where(
            or_(
                Ticket.province_code == principal.province_code,
                Ticket.intake_province_code == principal.province_code,
            )
        )
    return query


def get_ticket(session: Session, ticket_id: int, *, principal: Principal) -> Ticket:
    ticket = session.scalar(_visible(principal).where(Ticket.id == ticket_id))
    if ticket is None:
        raise NotFoundError(f"Unknown ticket {ticket_id}.", code="ticket.not_found", id=ticket_id)
    return ticket


def list_tickets(
    session: Session,
    *,
    principal: Principal,
    page: PageRequest,
    status: TicketStatus | None = None,
    overdue: bool = False,
    number: str | None = None,
) -> Page[Ticket]:
    query = _visible(principal)
    if principal.scope.kind is ScopeKind.SITE:  # the unit's own step comes first
        query = query.order_by(case((Ticket.status == TicketStatus.INVESTIGATE, 0), else_=1))
    query = query.order_by(Ticket.id.desc())
    if status is not None:
        query = query.where(Ticket.status == status)
    if overdue:
        query = query.where(Ticket.status.in_(OPEN), Ticket.step_due_at < clock.now())
        query = query.order_by(None).order_by(Ticket.step_due_at, Ticket.id)
    if number:
        query = query.where(Ticket.item_number == number.strip().upper())
    return paginate(session, query, page)


def events_of(session: Session, ticket_id: int) -> list[TicketEvent]:
    return list(
        session.scalars(
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket_id)
            .order_by(TicketEvent.at, TicketEvent.id)
        )
    )


# -- the flow ---------------------------------------------------------------------------
def _event(
    session: Session, ticket: Ticket, *, actor: str, action: str, note: str = "",
    late: bool = False, step: TicketStatus | None = None,
) -> None:  # fmt: skip
    session.add(
        TicketEvent(
            ticket_id=ticket.id, at=clock.now(), actor=actor, action=action,
            step=step or ticket.status, note=note, late=late,
        )
    )  # fmt: skip
    session.flush()


def _schedule(session: Session, ticket: Ticket) -> None:
    """The reminder and the end of the ticket's current step."""
    if ticket.step_due_at is None or ticket.status is TicketStatus.CLOSED:
        return
    now = clock.now()
    payload = {"status": ticket.status.value, "due_at": ticket.step_due_at.isoformat()}
    reminder_at = now + (ticket.step_due_at - now) * 0.75
    jobs.schedule(session, kind=REMINDER, subject_type=SUBJECT, subject_id=str(ticket.id),
                  due_at=reminder_at, payload=payload)  # fmt: skip
    jobs.schedule(session, kind=STEP, subject_type=SUBJECT, subject_id=str(ticket.id),
                  due_at=ticket.step_due_at, payload=payload)  # fmt: skip


def _unschedule(session: Session, ticket_id: int) -> None:
    for kind in (REMINDER, STEP):
        jobs.cancel_deadlines(session, kind=kind, subject_type=SUBJECT, subject_id=str(ticket_id))


def _audit(session: Session, principal: Principal, ticket: Ticket, action: str,
           before: str | None) -> None:  # fmt: skip
    audit_service.record(
        session, actor=principal.username, action=f"ticket.{action}", object_type=SUBJECT,
        object_id=str(ticket.id), province_code=ticket.province_code,
        before={"status": before} if before else None, after={"status": ticket.status.value},
    )  # fmt: skip


def open_ticket(
    session: Session, *, data: TicketCreate, channel: TicketChannel, principal: Principal
) -> Ticket:
    """An urgent ticket for a complaint about an item; the province must contact the
    customer within ``CONTACT_HOURS``."""
    item = tracking_service.get_item(session, data.number)
    now = clock.now()
    ticket = Ticket(
        item_id=item.id, item_number=item.number, category=data.category, channel=channel,
        contact_name=data.contact_name, contact_phone=data.contact_phone,
        description=data.description, province_code=item.dest_province_code,
        intake_province_code=principal.province_code or item.dest_province_code,
        unit_id=tracking_service.current_site(session, item), status=TicketStatus.CONTACT,
        step_due_at=now + timedelta(hours=CONTACT_HOURS), breaches=0, reopened=0,
        created_by=principal.username, created_at=now, contact_note="", findings="",
        callback_result="",
    )  # fmt: skip
    session.add(ticket)
    session.flush()
    _event(session, ticket, actor=principal.username, action="opened", note=data.description)
    _schedule(session, ticket)
    _audit(session, principal, ticket, "open", None)
    notify.send(
        session, key="ticket.notice.opened", params={"id": ticket.id, "number": item.number},
        link=f"/tickets/{ticket.id}", to_role=Role.CS_AGENT, province_code=ticket.province_code,
        subject_type=SUBJECT, subject_id=str(ticket.id),
    )  # fmt: skip
    return ticket


def open_subject_ticket(
    session: Session, *, subject_kind: SubjectKind, subject_ref: str, category: TicketCategory,
    contact_name: str, contact_phone: str, description: str, province_code: str, unit_id: str,
    principal: Principal,
) -> Ticket:  # fmt: skip
    """An urgent ticket about something else than a mail item (``subject_kind`` and its
    ``subject_ref``, such as a group order): the same steps and deadlines as an item's."""
    now = clock.now()
    ticket = Ticket(
        item_id=None, item_number=None, subject_kind=subject_kind.name,
        subject_ref=subject_ref[:32], category=category, channel=TicketChannel.AGENT,
        contact_name=contact_name[:100], contact_phone=contact_phone[:40],
        description=description, province_code=province_code,
        intake_province_code=principal.province_code or province_code, unit_id=unit_id[:64],
        status=TicketStatus.CONTACT, step_due_at=now + timedelta(hours=CONTACT_HOURS),
        breaches=0, reopened=0, created_by=principal.username, created_at=now,
        contact_note="", findings="", callback_result="",
    )  # fmt: skip
    session.add(ticket)
    session.flush()
    _event(session, ticket, actor=principal.username, action="opened", note=description)
    _schedule(session, ticket)
    _audit(session, principal, ticket, "open", None)
    notify.send(
        session, key="ticket.notice.opened", params={"id": ticket.id, "number": subject_ref},
        link=f"/tickets/{ticket.id}", to_role=Role.CS_AGENT, province_code=ticket.province_code,
        subject_type=SUBJECT, subject_id=str(ticket.id),
    )  # fmt: skip
    return ticket


def _advance(
    session: Session, ticket: Ticket, principal: Principal, *, to: TicketStatus, action: str,
    note: str, **values: object,
) -> Ticket:  # fmt: skip
    """Move the ticket to its next step (one guarded UPDATE), log it, re-arm the deadlines."""
    before = ticket.status
    late = ticket.step_due_at is not None and clock.now() > ticket.step_due_at
    moved = transition(session, Ticket, ticket.id, Ticket.status, before, to, **values)
    _unschedule(session, moved.id)
    _event(session, moved, actor=principal.username, action=action, note=note, late=late,
           step=before)  # fmt: skip
    _schedule(session, moved)
    _audit(session, principal, moved, action, before.value)
    return moved


def record_contact(
    session: Session, *, ticket_id: int, data: ContactDone, principal: Principal
) -> Ticket:
    """The province reached the customer and promised ``expected_by``: investigation is due
    by then."""
    ticket = get_ticket(session, ticket_id, principal=principal)
    if data.expected_by <= clock.now():
        raise ValidationError(
            "must lie in the future.", code="ticket.expected_in_past", field="expected_by",
            value=data.expected_by.isoformat(),
        )  # fmt: skip
    if ticket.status is not TicketStatus.CONTACT:
        _wrong_step(ticket, TicketStatus.CONTACT)
    unit = ticket.unit_id  # the investigation goes where the item is now
    if ticket.item_id is not None:
        unit = tracking_service.current_site(session, tracking_service.get_item(
            session, str(ticket.item_number)))  # fmt: skip
    moved = _advance(
        session, ticket, principal, to=TicketStatus.INVESTIGATE, action="contacted",
        note=data.note, expected_by=data.expected_by, contact_note=data.note,
        step_due_at=data.expected_by, unit_id=unit,
    )  # fmt: skip
    notify.send(
        session, key="ticket.notice.investigate",
        params={"id": moved.id, "number": moved.item_number}, link=f"/tickets/{moved.id}",
        to_users=_unit_people(session, moved), subject_type=SUBJECT, subject_id=str(moved.id),
    )  # fmt: skip
    return moved


def transfer(session: Session, *, ticket_id: int, data: Transfer, principal: Principal) -> Ticket:
    """Hand the investigation to another production unit (转办): the item is elsewhere, or
    the unit is not the one that can answer. Allowed until the findings are recorded; the
    step's deadline stays; the new unit's people are told when it is theirs to investigate."""
    ticket = get_ticket(session, ticket_id, principal=principal)
    if ticket.status not in TRANSFERABLE:
        raise ConflictError(
            f"Ticket {ticket.id} is {ticket.status}; only a ticket before its findings can be "
            "handed to another unit.", code="ticket.not_transferable", field="unit_id",
            status=ticket.status.value,
        )  # fmt: skip
    site = session.get(SiteRow, data.unit_id)
    if site is None or site.kind not in UNIT_KINDS:
        raise ValidationError(
            "is not a processing centre or delivery station.", code="ticket.unknown_unit",
            field="unit_id", value=data.unit_id,
        )  # fmt: skip
    before = ticket.unit_id
    if site.id == before:
        raise ValidationError("is already the ticket's unit.", code="ticket.same_unit",
                              field="unit_id", value=data.unit_id)  # fmt: skip
    done = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.status == ticket.status, Ticket.unit_id == before)
        .values(unit_id=site.id)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if done != 1:
        raise ConflictError(f"Ticket {ticket.id} changed meanwhile; reload it.",
                            code="ticket.changed", id=ticket.id)  # fmt: skip
    session.refresh(ticket)
    _event(session, ticket, actor=principal.username, action="transferred",
           note=f"{before} → {site.id}: {data.reason}")  # fmt: skip
    audit_service.record(
        session, actor=principal.username, action="ticket.transfer", object_type=SUBJECT,
        object_id=str(ticket.id), province_code=ticket.province_code,
        before={"unit_id": before}, after={"unit_id": site.id, "reason": data.reason},
    )  # fmt: skip
    if ticket.status is TicketStatus.INVESTIGATE:
        notify.send(
            session, key="ticket.notice.transferred",
            params={"id": ticket.id, "number": ticket.item_number or ticket.subject_ref},
            link=f"/tickets/{ticket.id}", to_users=_unit_people(session, ticket),
            subject_type=SUBJECT, subject_id=str(ticket.id),
        )  # fmt: skip
    return ticket


def _unit_people(session: Session, ticket: Ticket) -> list[int]:
    """The production unit's people: the users of the site the ticket's item is at."""
    return auth_service.unit_members(
        session, role=Role.PRODUCTION_UNIT, kind=ScopeKind.SITE, code=ticket.unit_id
    )


def record_findings(
    session: Session, *, ticket_id: int, data: InvestigationDone, principal: Principal
) -> Ticket:
    """The production unit's findings; the 11183 team must call back within
    ``CALLBACK_HOURS``."""
    ticket = get_ticket(session, ticket_id, principal=principal)
    if ticket.status is not TicketStatus.INVESTIGATE:
        _wrong_step(ticket, TicketStatus.INVESTIGATE)
    return _advance(
        session, ticket, principal, to=TicketStatus.CALLBACK, action="investigated",
        note=data.findings, findings=data.findings,
        step_due_at=clock.now() + timedelta(hours=CALLBACK_HOURS),
    )  # fmt: skip


def record_callback(
    session: Session, *, ticket_id: int, data: CallbackDone, principal: Principal
) -> Ticket:
    """The callback's result and the customer's satisfaction close the ticket."""
    ticket = get_ticket(session, ticket_id, principal=principal)
    if ticket.status is not TicketStatus.CALLBACK:
        _wrong_step(ticket, TicketStatus.CALLBACK)
    return _advance(
        session, ticket, principal, to=TicketStatus.CLOSED, action="called_back",
        note=data.result, callback_result=data.result, satisfaction=data.satisfaction,
        step_due_at=None, closed_at=clock.now(),
    )  # fmt: skip


def reopen(session: Session, *, ticket_id: int, data: Reopen, principal: Principal) -> Ticket:
    """The customer complains again: the ticket starts over at the contact step."""
    ticket = get_ticket(session, ticket_id, principal=principal)
    if ticket.status is not TicketStatus.CLOSED:
        _wrong_step(ticket, TicketStatus.CLOSED)
    return _advance(
        session, ticket, principal, to=TicketStatus.CONTACT, action="reopened",
        note=data.reason, reopened=ticket.reopened + 1, closed_at=None,
        step_due_at=clock.now() + timedelta(hours=CONTACT_HOURS),
    )  # fmt: skip


def _wrong_step(ticket: Ticket, wanted: TicketStatus) -> NoReturn:
    """A step recorded out of turn: the same refusal ``transition`` gives a lost race."""
    raise ConflictError(
        f"Ticket {ticket.id} is {ticket.status}; it must be {wanted} for this step.",
        code="ticket.wrong_status", id=ticket.id, status=ticket.status,
    )  # fmt: skip


# -- deadlines --------------------------------------------------------------------------
def _still_due(session: Session, deadline: jobs.Deadline) -> Ticket | None:
    """The ticket of a deadline, if it still sits in the step the deadline was set for."""
    ticket = session.get(Ticket, int(deadline.subject_id))
    if ticket is None or ticket.status.value != deadline.payload.get("status"):
        return None
    due = ticket.step_due_at.isoformat() if ticket.step_due_at else None
    return ticket if due == deadline.payload.get("due_at") else None


def remind(session: Session, deadline: jobs.Deadline) -> None:
    """A quarter of the step's window is left: tell who must act."""
    ticket = _still_due(session, deadline)
    if ticket is None:
        return
    _event(session, ticket, actor="system", action="reminded")
    role: Role | None = Role.CS_AGENT
    unit: list[int] = []
    if ticket.status is TicketStatus.INVESTIGATE:  # the unit's own step: its people, else
        unit = _unit_people(session, ticket)  # (no one there yet) the province's supervisors
        role = None if unit else Role.CS_SUPERVISOR
    notify.send(
        session, key="ticket.notice.reminder",
        params={"id": ticket.id, "step": ticket.status.value}, link=f"/tickets/{ticket.id}",
        to_users=unit, to_role=role, province_code=ticket.province_code,
        subject_type=SUBJECT, subject_id=str(ticket.id),
    )  # fmt: skip


def escalate(session: Session, deadline: jobs.Deadline) -> None:
    """The step's deadline passed with the step open: count the breach and escalate to the
    province's service supervisors (and, in the investigation, tell the unit's people)."""
    ticket = _still_due(session, deadline)
    if ticket is None:
        return
    ticket.breaches += 1
    ticket.escalated_at = clock.now()
    _event(session, ticket, actor="system", action="escalated", late=True)
    audit_service.record(
        session, actor="system", action="ticket.escalate", object_type=SUBJECT,
        object_id=str(ticket.id), province_code=ticket.province_code,
        after={"status": ticket.status.value, "breaches": ticket.breaches},
    )  # fmt: skip
    notify.send(
        session, key="ticket.notice.escalated",
        params={"id": ticket.id, "step": ticket.status.value},
        link=f"/tickets/{ticket.id}", to_role=Role.CS_SUPERVISOR,
        province_code=ticket.province_code, subject_type=SUBJECT, subject_id=str(ticket.id),
        to_users=_unit_people(session, ticket) if ticket.status is TicketStatus.INVESTIGATE
        else (),
    )  # fmt: skip


def overdue(session: Session, *, principal: Principal, limit: int = 200) -> list[Ticket]:
    """Open tickets whose step is past its deadline, the most overdue first."""
    page = list_tickets(session, principal=principal, page=PageRequest(limit=limit), overdue=True)
    return list(page.items)


# -- SLA --------------------------------------------------------------------------------
def sla_report(session: Session, *, principal: Principal) -> SlaReport:
    """Per responsible province and per production unit: tickets, open, closed, steps done
    late, escalated, and the share never escalated."""
    visible = _visible(principal).subquery()
    late = (
        select(TicketEvent.ticket_id, func.count().label("late"))
        .where(TicketEvent.late.is_(True), TicketEvent.action != "escalated")
        .group_by(TicketEvent.ticket_id)
        .subquery()
    )

    def rows(column: str) -> list[SlaRow]:
        key = visible.c[column]
        query = (
            select(
                key,
                func.count(),
                func.sum(case((visible.c.status != TicketStatus.CLOSED.value, 1), else_=0)),
                func.sum(case((visible.c.status == TicketStatus.CLOSED.value, 1), else_=0)),
                func.coalesce(func.sum(late.c.late), 0),
                func.sum(case((visible.c.breaches > 0, 1), else_=0)),
            )
            .select_from(visible.outerjoin(late, late.c.ticket_id == visible.c.id))
            .group_by(key)
            .order_by(key)
        )
        return [
            SlaRow(key=k, tickets=n, open=int(o or 0), closed=int(c or 0), late_steps=int(lt),
                   escalated=int(e or 0), on_time_share=round(1 - int(e or 0) / n, 3) if n else 1.0)
            for k, n, o, c, lt, e in session.execute(query)
        ]  # fmt: skip

    return SlaReport(by_province=rows("province_code"), by_unit=rows("unit_id"))


# -- scripts ----------------------------------------------------------------------------
def add_script(session: Session, *, data: ScriptCreate, principal: Principal) -> AgentScript:
    """A new version of a topic's script (the previous ones stay, for the record)."""
    latest = session.scalar(
        select(func.max(AgentScript.version)).where(AgentScript.topic == data.topic)
    )
    row = AgentScript(
        topic=data.topic, version=(latest or 0) + 1, title=data.title, body=data.body,
        created_by=principal.username, created_at=clock.now(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit_service.record(
        session, actor=principal.username, action="script.add", object_type="agent_script",
        object_id=str(row.id), after={"topic": row.topic.value, "version": row.version},
    )  # fmt: skip
    return row


def current_scripts(session: Session) -> dict[ScriptTopic, AgentScript]:
    """The script in use for each topic: its highest version."""
    latest = (
        select(AgentScript.topic, func.max(AgentScript.version).label("version"))
        .group_by(AgentScript.topic)
        .subquery()
    )
    rows = session.scalars(
        select(AgentScript).join(
            latest,
            (AgentScript.topic == latest.c.topic) & (AgentScript.version == latest.c.version),
        )
    )
    return {r.topic: r for r in rows}


def script_history(session: Session, *, topic: ScriptTopic) -> list[AgentScript]:
    return list(
        session.scalars(
            select(AgentScript)
            .where(AgentScript.topic == topic)
            .order_by(AgentScript.version.desc())
        )
    )


def topic_for(notices: list[Notice], *, complaint: bool = False) -> ScriptTopic:
    """The script for an item's situation: controlled area when it has a notice."""
    if notices:
        return ScriptTopic.CONTROLLED_AREA
    return ScriptTopic.COMPLAINT if complaint else ScriptTopic.ENQUIRY


def script_for(session: Session, topic: ScriptTopic) -> AgentScript | None:
    return current_scripts(session).get(topic)
