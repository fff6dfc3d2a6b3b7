"""Use cases of the duty desk: incidents, their suggested response and timeline, and the
instructions sent down the network with their deadlines and escalation.

An instruction walks issued → received → executed → reported (先执行、后反馈); each step
has a deadline of kind ``command.instruction.late`` in the platform's sweep, scheduled
when the step before is done and cancelled when the step is done in time. A deadline
that fires escalates (``command.jobs``). The report carries the result and, beside it,
any objection: an objection never stops the instruction from being executed.
Every use case acts for a ``Principal``: its name is the actor of the audit rows, its
province the scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from baotong import jobs
from baotong.audit import service as audit
from baotong.auth.permissions import Principal
from baotong.command.models import (
    Incident,
    IncidentEvent,
    IncidentKind,
    IncidentStatus,
    Instruction,
    InstructionStatus,
    Severity,
)
from baotong.contingency import service as contingency_service
from baotong.core import clock
from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import Page, PageRequest, paginate
from baotong.db.transitions import transition
from baotong.jobs.models import Deadline, DeadlineState
from baotong.network import service as network_service
from baotong.network.entities import Network, RegionLevel
from baotong.network.lookup import find_region

audit.register_type("incident", label_key=N_("object.incident"), link="/command/incidents/{id}")
audit.register_type(
    "instruction", label_key=N_("object.instruction"), link="/command/instructions/{id}"
)

NIGHTLY = "command"  # subject_type of the nightly checks
LATE = "command.instruction.late"  # the deadline kind of an instruction's next step
RECEIVE_WITHIN = timedelta(hours=1)
REPORT_WITHIN = timedelta(hours=2)
ISSUED, RECEIVED = InstructionStatus.ISSUED, InstructionStatus.RECEIVED
EXECUTED, REPORTED = InstructionStatus.EXECUTED, InstructionStatus.REPORTED
# Lockdown scenarios opened from an incident keep these classes moving (MODEL.md 13).
LOCKDOWN_CLASSES = {"ems": 0.8, "supply": 1.5}


def ensure_nightly(session: Session, kind: str, due: datetime) -> bool:
    """Schedule the nightly check ``kind`` at ``due`` unless one is pending; whether it was."""
    pending = session.scalar(
        select(Deadline.id).where(Deadline.kind == kind, Deadline.state == DeadlineState.PENDING)
    )
    if pending is not None:
        return False
    jobs.schedule(session, kind=kind, subject_type=NIGHTLY, subject_id=kind, due_at=due)
    return True


# -- incidents ------------------------------------------------------------------------
def _audit(
    session: Session,
    actor: str,
    action: str,
    row: Incident | Instruction,
    after: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        object_type=action.split(".")[0],
        object_id=str(row.id),
        province_code=row.province_code,
        before=before,
        after=after,
    )


def note(
    session: Session,
    incident_id: int,
    *,
    actor: str,
    action: str,
    params: dict[str, Any] | None = None,
    link: str | None = None,
) -> IncidentEvent:
    """Add a line to an incident's timeline (``action`` is a catalogue key)."""
    event = IncidentEvent(
        incident_id=incident_id,
        at=clock.now(),
        actor=actor,
        action=action,
        params=params or {},
        link=link,
    )
    session.add(event)
    session.flush()
    return event


def _place(
    session: Session,
    network: Network,
    principal: Principal,
    *,
    site_id: str | None,
    region: str | None,
) -> tuple[str | None, str | None, str | None]:
    """The site id, region code and province of an incident's place (exactly one given)."""
    if bool(site_id) == bool(region):
        raise ValidationError(
            "name a site or a region, not both and not neither.",
            code="incident.place",
            field="site_id",
        )
    if site_id:
        site = network_service.get_site(session, site_id, principal=principal)
        return site.id, None, site.province_code
    try:
        found = find_region(network, region or "")
    except NotFoundError as exc:
        raise ValidationError(
            exc.message, code="incident.unknown_region", field="region", value=region
        ) from None
    province = found.province_code
    if not principal.sees_province(province):
        raise ValidationError(
            f"lies outside your province {principal.province_code}.",
            code="incident.outside_scope",
            field="region",
            value=region,
            province=principal.province_code,
        )
    return None, found.code, province


def create_incident(
    session: Session,
    *,
    kind: IncidentKind,
    title: str,
    network: Network,
    principal: Principal,
    site_id: str | None = None,
    region: str | None = None,
    severity: Severity = Severity.HIGH,
    source: str = "",
    description: str = "",
    occurred_at: datetime | None = None,
    drill: bool = False,
    emergency_plan_id: int | None = None,
) -> Incident:
    """Record what happened, where and when; the timeline starts with it."""
    site, region_code, province = _place(
        session, network, principal, site_id=site_id, region=region
    )
    now = clock.now()
    row = Incident(
        title=title.strip() or f"{kind.value} {site or region_code}",
        kind=kind,
        severity=severity,
        status=IncidentStatus.OPEN,
        site_id=site,
        region_code=region_code,
        province_code=province,
        occurred_at=occurred_at or now,
        source=source,
        description=description,
        drill=drill,
        emergency_plan_id=emergency_plan_id,
        created_by=principal.username,
        created_at=now,
    )
    session.add(row)
    session.flush()
    note(
        session,
        row.id,
        actor=principal.username,
        action=N_("timeline.created"),
        params={"title": row.title},
    )
    _audit(
        session,
        principal.username,
        "incident.create",
        row,
        after={"kind": kind, "title": row.title, "drill": drill},
    )
    return row


def _scope(principal: Principal, column: Any) -> ColumnElement[bool]:
    clause: ColumnElement[bool] = principal.scope.clause(province=column)
    return clause


def list_incidents(
    session: Session,
    *,
    principal: Principal,
    status: IncidentStatus | None = None,
    page: PageRequest = PageRequest(),
) -> Page[Incident]:
    """The incidents in the principal's scope, newest first."""
    query = select(Incident).where(_scope(principal, Incident.province_code))
    if status:
        query = query.where(Incident.status == status)
    return paginate(session, query.order_by(Incident.id.desc()), page)


def get_incident(session: Session, incident_id: int, *, principal: Principal) -> Incident:
    row = session.get(Incident, incident_id)
    if row is None or not principal.sees_province(row.province_code):
        raise NotFoundError(
            f"Unknown incident {incident_id}.", code="incident.unknown", id=incident_id
        )
    return row


def timeline(session: Session, incident_id: int, *, principal: Principal) -> list[IncidentEvent]:
    """Everything that happened to an incident, in order."""
    get_incident(session, incident_id, principal=principal)
    query = select(IncidentEvent).where(IncidentEvent.incident_id == incident_id)
    return list(session.scalars(query.order_by(IncidentEvent.at, IncidentEvent.id)))


SCENARIO_SUGGESTIONS = {
    IncidentKind.CENTRE_CLOSED: N_("suggest.centre_closed"),
    IncidentKind.OUTLET_CLOSED: N_("suggest.outlet_closed"),
    IncidentKind.LOCKDOWN_DECLARED: N_("suggest.lockdown_declared"),
}


@dataclass(frozen=True)
class Suggestion:
    """The response the console suggests for an incident: ``action`` is what its button
    does (``scenario``, ``loan``, ``instruction``, ``lift``), ``key`` its words."""

    action: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)


def suggestion(row: Incident) -> Suggestion:
    """What a duty officer should do first about ``row``."""
    if row.kind in SCENARIO_SUGGESTIONS:
        return Suggestion("scenario", SCENARIO_SUGGESTIONS[row.kind])
    if row.kind is IncidentKind.STAFF_SHORTAGE:
        return Suggestion("loan", N_("suggest.staff_shortage"), {"to": row.province_code})
    if row.kind is IncidentKind.ROAD_BLOCKED:
        return Suggestion("road", N_("suggest.road_blocked"))
    return Suggestion("lift", N_("suggest.lockdown_lifted"))


def scenario_body(session: Session, row: Incident, network: Network) -> dict[str, Any]:
    """The draft planner scenario of a closure or a lockdown."""
    body: dict[str, Any] = {
        "name": row.title,
        "description": row.description,
        "product_classes": dict(LOCKDOWN_CLASSES),
    }
    if row.kind is IncidentKind.CENTRE_CLOSED and row.site_id in network.centers:
        body["closed_sites"] = [{"center_id": row.site_id, "status": "closed", "reason": row.title}]
        return body
    area = row.region_code
    if area is None and row.site_id is not None:  # an outlet: its county is covered nearby
        station = network.stations.get(row.site_id)
        area = station.county_code if station is not None else None
    if area is None:
        raise ConflictError(
            f"Incident {row.id} has no area a scenario can lock.",
            code="incident.no_area",
            id=row.id,
        )
    level = "province" if network.region(area).level is RegionLevel.PROVINCE else "city"
    body["locked_areas"] = [{"region": area, "level": level}]
    return body


def open_scenario(
    session: Session,
    *,
    incident_id: int,
    network: Network,
    principal: Principal,
    body: dict[str, Any] | None = None,
) -> Incident:
    """Open the draft planner scenario of a closure or lockdown (through the contingency
    service); the incident starts responding."""
    row = get_incident(session, incident_id, principal=principal)
    if row.scenario_id is not None:
        raise ConflictError(
            f"Incident {row.id} already has scenario {row.scenario_id}.",
            code="incident.has_scenario",
            id=row.id,
            scenario=row.scenario_id,
        )
    scenario = contingency_service.create_scenario(
        session,
        body=body or scenario_body(session, row, network),
        network=network,
        principal=principal,
    )
    row.scenario_id = scenario.id
    session.flush()
    note(
        session,
        row.id,
        actor=principal.username,
        action=N_("timeline.scenario"),
        params={"id": scenario.id, "name": scenario.name},
        link=f"/scenarios/{scenario.id}",
    )
    respond(session, row, principal=principal)
    return row


def start_plan_run(
    session: Session, *, incident_id: int, network: Network, principal: Principal
) -> Incident:
    """Compute a network adjustment plan (网络调整方案) of the incident's scenario."""
    row = get_incident(session, incident_id, principal=principal)
    if row.scenario_id is None:
        raise ConflictError(
            f"Incident {row.id} has no scenario to plan.", code="incident.no_scenario", id=row.id
        )
    run = contingency_service.create_plan(
        session,
        scenario_id=row.scenario_id,
        name=None,
        parameters={},
        network=network,
        principal=principal,
    )
    row.plan_run_id = run.id
    session.flush()
    note(
        session,
        row.id,
        actor=principal.username,
        action=N_("timeline.plan_run"),
        params={"id": run.id},
        link=f"/plans/{run.id}",
    )
    return row


def respond(session: Session, row: Incident, *, principal: Principal) -> None:
    """An open incident starts responding (nothing when it already is)."""
    if row.status is not IncidentStatus.OPEN:
        return
    transition(
        session, Incident, row.id, Incident.status, IncidentStatus.OPEN, IncidentStatus.RESPONDING
    )
    note(
        session,
        row.id,
        actor=principal.username,
        action=N_("timeline.status"),
        params={"status": IncidentStatus.RESPONDING.value},
    )
    _audit(
        session,
        principal.username,
        "incident.respond",
        row,
        before={"status": IncidentStatus.OPEN},
        after={"status": IncidentStatus.RESPONDING},
    )


def close_incident(session: Session, *, incident_id: int, principal: Principal) -> Incident:
    row = get_incident(session, incident_id, principal=principal)
    before = row.status
    row = transition(
        session,
        Incident,
        row.id,
        Incident.status,
        (IncidentStatus.OPEN, IncidentStatus.RESPONDING),
        IncidentStatus.CLOSED,
        closed_by=principal.username,
        closed_at=clock.now(),
    )
    note(
        session,
        row.id,
        actor=principal.username,
        action=N_("timeline.status"),
        params={"status": IncidentStatus.CLOSED.value},
    )
    _audit(
        session,
        principal.username,
        "incident.close",
        row,
        before={"status": before},
        after={"status": IncidentStatus.CLOSED},
    )
    return row


def add_note(session: Session, *, incident_id: int, text: str, principal: Principal) -> Incident:
    row = get_incident(session, incident_id, principal=principal)
    if not text.strip():
        raise ValidationError("write the note.", code="incident.empty_note", field="text")
    note(
        session,
        row.id,
        actor=principal.username,
        action=N_("timeline.note"),
        params={"text": text.strip()},
    )
    return row


# -- instructions ---------------------------------------------------------------------
def issue(
    session: Session,
    *,
    title: str,
    body: str,
    principal: Principal,
    execute_by: datetime,
    to_province: str | None = None,
    site_id: str | None = None,
    incident_id: int | None = None,
    links: list[dict[str, Any]] | None = None,
    drill: bool = False,
) -> Instruction:
    """Send an instruction: the national group to a province, a province to one of its
    sites. The receive deadline starts now."""
    if not title.strip():
        raise ValidationError("say what to do.", code="instruction.no_title", field="title")
    now = clock.now()
    if execute_by <= now:
        raise ValidationError(
            "must lie in the future.",
            code="instruction.past_due",
            field="execute_by",
            value=execute_by.isoformat(),
        )
    if principal.is_national:
        if site_id:
            province = network_service.get_site(session, site_id, principal=principal).province_code
        elif to_province:
            province = to_province
        else:
            raise ValidationError(
                "name the province (or site) that executes it.",
                code="instruction.no_recipient",
                field="to_province",
            )
    else:
        if not site_id:
            raise ValidationError(
                "a province instructs one of its sites: name it.",
                code="instruction.site_needed",
                field="site_id",
            )
        province = network_service.get_site(session, site_id, principal=principal).province_code
    if incident_id is not None:
        get_incident(session, incident_id, principal=principal)
    row = Instruction(
        title=title.strip(),
        body=body,
        incident_id=incident_id,
        issuer_province=principal.province_code,
        province_code=province,
        site_id=site_id,
        links=links or [],
        status=ISSUED,
        drill=drill,
        issued_by=principal.username,
        issued_at=now,
        receive_by=min(now + RECEIVE_WITHIN, execute_by),
        execute_by=execute_by,
        report_by=execute_by + REPORT_WITHIN,
        escalations=0,
    )
    session.add(row)
    session.flush()
    _schedule(session, row, ISSUED, row.receive_by)
    if incident_id is not None:
        note(
            session,
            incident_id,
            actor=principal.username,
            action=N_("timeline.instruction"),
            params={"id": row.id, "title": row.title, "to": province},
            link=f"/command/instructions/{row.id}",
        )
    _audit(
        session,
        principal.username,
        "instruction.issue",
        row,
        after={
            "title": row.title,
            "to": province,
            "site": site_id,
            "execute_by": execute_by.isoformat(),
        },
    )
    return row


def _schedule(session: Session, row: Instruction, step: InstructionStatus, due: datetime) -> None:
    jobs.cancel_deadlines(session, kind=LATE, subject_type="instruction", subject_id=str(row.id))
    if step is not REPORTED:
        jobs.schedule(
            session,
            kind=LATE,
            subject_type="instruction",
            subject_id=str(row.id),
            due_at=due,
            payload={"step": step.value},
        )


def _instruction_scope(principal: Principal) -> ColumnElement[bool]:
    if principal.province_code is None:
        clause: ColumnElement[bool] = _scope(principal, Instruction.province_code)
        return clause
    return or_(
        Instruction.province_code == principal.province_code,
        Instruction.issuer_province == principal.province_code,
    )


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """Instructions whose current step is past its deadline."""
    return or_(
        and_(Instruction.status == ISSUED, Instruction.receive_by < now),
        and_(Instruction.status == RECEIVED, Instruction.execute_by < now),
        and_(Instruction.status == EXECUTED, Instruction.report_by < now),
    )


def list_instructions(
    session: Session,
    *,
    principal: Principal,
    status: InstructionStatus | None = None,
    overdue: bool = False,
    incident_id: int | None = None,
    province: str | None = None,
    page: PageRequest = PageRequest(),
) -> Page[Instruction]:
    """Instructions to or from the principal's scope, newest first."""
    query = select(Instruction).where(_instruction_scope(principal))
    if status:
        query = query.where(Instruction.status == status)
    if overdue:
        query = query.where(overdue_clause(clock.now()))
    if incident_id is not None:
        query = query.where(Instruction.incident_id == incident_id)
    if province:
        query = query.where(Instruction.province_code == province)
    return paginate(session, query.order_by(Instruction.id.desc()), page)


def get_instruction(session: Session, instruction_id: int, *, principal: Principal) -> Instruction:
    row = session.get(Instruction, instruction_id)
    seen = row is not None and (
        principal.sees_province(row.province_code)
        or (row.issuer_province is not None and row.issuer_province == principal.province_code)
    )
    if row is None or not seen:
        raise NotFoundError(
            f"Unknown instruction {instruction_id}.", code="instruction.unknown", id=instruction_id
        )
    return row


def _recipient(principal: Principal, row: Instruction) -> None:
    """Only the recipient's province (or the national desk) answers an instruction."""
    if not principal.sees_province(row.province_code):
        raise ConflictError(
            f"Instruction {row.id} is for {row.province_code}; only its recipient answers it.",
            code="instruction.not_recipient",
            id=row.id,
            province=row.province_code,
        )


def _step(
    session: Session,
    *,
    instruction_id: int,
    principal: Principal,
    source: InstructionStatus | tuple[InstructionStatus, ...],
    target: InstructionStatus,
    next_due: datetime | None,
    values: dict[str, Any],
    timeline_key: str,
) -> Instruction:
    row = get_instruction(session, instruction_id, principal=principal)
    _recipient(principal, row)
    row = transition(session, Instruction, row.id, Instruction.status, source, target, **values)
    _schedule(session, row, target, next_due or clock.now())
    if row.incident_id is not None:
        note(
            session,
            row.incident_id,
            actor=principal.username,
            action=timeline_key,
            params={"id": row.id, "title": row.title, "to": row.province_code},
            link=f"/command/instructions/{row.id}",
        )
    after = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}
    _audit(
        session,
        principal.username,
        f"instruction.{target.value}",
        row,
        before={"status": source},
        after={"status": target, **after},
    )
    return row


def receive(session: Session, *, instruction_id: int, principal: Principal) -> Instruction:
    """The recipient confirms it has the instruction; execution is due next."""
    row = get_instruction(session, instruction_id, principal=principal)
    return _step(
        session,
        instruction_id=instruction_id,
        principal=principal,
        source=ISSUED,
        target=RECEIVED,
        next_due=row.execute_by,
        values={"received_by": principal.username, "received_at": clock.now()},
        timeline_key=N_("timeline.received"),
    )


def execute(
    session: Session, *, instruction_id: int, execution: str, principal: Principal
) -> Instruction:
    """The recipient has done it (what was done); the report is due next. Executing an
    instruction not yet marked received receives it too: execution comes first."""
    if not execution.strip():
        raise ValidationError(
            "say what was done.", code="instruction.no_execution", field="execution"
        )
    row = get_instruction(session, instruction_id, principal=principal)
    now = clock.now()
    values: dict[str, Any] = {
        "executed_by": principal.username,
        "executed_at": now,
        "execution": execution.strip(),
    }
    if row.status is ISSUED:
        values |= {"received_by": principal.username, "received_at": now}
    return _step(
        session,
        instruction_id=instruction_id,
        principal=principal,
        source=(ISSUED, RECEIVED),
        target=EXECUTED,
        next_due=row.report_by,
        values=values,
        timeline_key=N_("timeline.executed"),
    )


def report(
    session: Session,
    *,
    instruction_id: int,
    result: str,
    principal: Principal,
    objection: str | None = None,
) -> Instruction:
    """The recipient reports the results, and any objection beside them."""
    if not result.strip():
        raise ValidationError("report the results.", code="instruction.no_result", field="result")
    values: dict[str, Any] = {
        "reported_by": principal.username,
        "reported_at": clock.now(),
        "result": result.strip(),
        "objection": (objection or "").strip() or None,
    }
    row = _step(
        session,
        instruction_id=instruction_id,
        principal=principal,
        source=EXECUTED,
        target=REPORTED,
        next_due=None,
        values=values,
        timeline_key=N_("timeline.reported"),
    )
    if row.objection and row.incident_id is not None:
        note(
            session,
            row.incident_id,
            actor=principal.username,
            action=N_("timeline.objection"),
            params={"id": row.id, "text": row.objection},
            link=f"/command/instructions/{row.id}",
        )
    return row


def escalate(session: Session, *, instruction_id: int, step: str) -> Instruction | None:
    """Mark a late step escalated (the deadline sweep calls this); None when the step was
    done meanwhile."""
    row = session.get(Instruction, instruction_id)
    if row is None or row.status.value != step:
        return None
    row.escalations += 1
    row.escalated_at = clock.now()
    session.flush()
    if row.incident_id is not None:
        note(
            session,
            row.incident_id,
            actor="system",
            action=N_("timeline.escalated"),
            params={"id": row.id, "title": row.title, "to": row.province_code, "step": step},
            link=f"/command/instructions/{row.id}",
        )
    _audit(
        session,
        "system",
        "instruction.escalate",
        row,
        after={"step": step, "escalations": row.escalations},
    )
    return row


@dataclass
class Compliance:
    """How one province carries out its instructions."""

    province_code: str
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    escalated: int = 0
    objections: int = 0
    on_time: int = 0  # executed by the deadline

    @property
    def rate(self) -> float | None:
        """Share executed on time of those due by now or executed."""
        done = sum(self.by_status.get(s.value, 0) for s in (EXECUTED, REPORTED))
        return None if done + self.overdue == 0 else self.on_time / (done + self.overdue)


def compliance(session: Session, *, principal: Principal) -> list[Compliance]:
    """The compliance board: per recipient province, its instructions by state, how many
    are late, escalated and objected to."""
    now = clock.now()
    board: dict[str, Compliance] = {}
    query = select(Instruction).where(_instruction_scope(principal), Instruction.drill.is_(False))
    for row in session.scalars(query):
        entry = board.setdefault(row.province_code, Compliance(row.province_code))
        entry.total += 1
        entry.by_status[row.status.value] = entry.by_status.get(row.status.value, 0) + 1
        due = row.due_at
        entry.overdue += int(due is not None and due < now)
        entry.escalated += int(row.escalations > 0)
        entry.objections += int(bool(row.objection))
        entry.on_time += int(row.executed_at is not None and row.executed_at <= row.execute_by)
    return sorted(board.values(), key=lambda c: c.province_code)
