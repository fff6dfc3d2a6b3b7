"""Use cases of emergency plans (应急预案): keep them, check their readiness, activate them.

A province keeps one emergency plan per event type: the resources it commits, who to call,
the planner scenario to open, the instructions to send to each named unit, the passes to
apply for and the check list. **Activation** does in one step, in one transaction, what a
duty officer would otherwise do by hand: it records the incident, opens the scenario
through the contingency service and starts its plan run (a ``plan.compute`` job of the
job runner), and issues the instructions — every step on the incident's timeline and in
the audit log. A **drill** does the same in exercise mode: the incident and the
instructions are marked as a drill, and nothing is ever put in force (a network
adjustment plan, 网络调整方案, is only put in force by its own approval and activation).

A plan names the vehicle passes it needs (area, number of vehicles); activation applies
for them in the transport domain for the province's vehicles that hold none
(``logistics.apply_for_passes``); a drill only records them on the timeline.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.audit import service as audit
from baotong.auth.permissions import Principal
from baotong.command import logistics
from baotong.command import service as command_service
from baotong.command.models import (
    EmergencyPlan,
    EventType,
    Incident,
    IncidentKind,
    Readiness,
    Resource,
    Severity,
)
from baotong.contingency.scenario import Scenario
from baotong.contingency.schemas import check_scenario
from baotong.core import clock
from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import Page, PageRequest, paginate
from baotong.network.entities import Network

audit.register_type(
    "emergency_plan", label_key=N_("object.emergency_plan"), link="/command/emergency-plans/{id}"
)

READINESS = "command.plan.readiness"  # the nightly readiness check of every plan
READINESS_AT = time(18, 0)  # UTC (02:00 Beijing time)
INCIDENT_KIND = {
    EventType.PROVINCE_LOCKDOWN: IncidentKind.LOCKDOWN_DECLARED,
    EventType.CITY_LOCKDOWN: IncidentKind.LOCKDOWN_DECLARED,
    EventType.FLOOD: IncidentKind.ROAD_BLOCKED,
    EventType.HUB_FIRE: IncidentKind.CENTRE_CLOSED,
}


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InstructionTemplate(_Item):
    """An instruction the plan sends on activation: to a province, or to a site."""

    to_province: str | None = Field(default=None, pattern=r"^\d{6}$")
    site_id: str | None = None
    title: str = Field(min_length=1, max_length=200)
    body: str = ""
    hours: float = Field(default=6.0, gt=0, le=24 * 14)


class Commitment(_Item):
    resource_id: int
    quantity: int = Field(default=1, ge=1)


class Contact(_Item):
    name: str = Field(min_length=1)
    role: str = ""
    phone: str = ""


class PlannedPass(_Item):
    """A vehicle pass to apply for on activation: the area and how many vehicles."""

    area: str = Field(min_length=1)
    vehicles: int = Field(default=1, ge=1)
    valid_until: str | None = None  # ISO date of the pass already held, if any


class EmergencyPlanIn(_Item):
    name: str = Field(min_length=1, max_length=200)
    province_code: str = Field(pattern=r"^\d{6}$")
    event_type: EventType
    scenario: dict[str, Any]
    instructions: list[InstructionTemplate] = []
    resources: list[Commitment] = []
    contacts: list[Contact] = []
    checklist: list[str] = []
    passes: list[PlannedPass] = []


def _scoped(principal: Principal, province: str) -> None:
    if not principal.sees_province(province):
        raise ValidationError(
            f"lies outside your province {principal.province_code}.",
            code="emergency_plan.outside_scope",
            field="province_code",
            value=province,
        )


def save_plan(
    session: Session,
    *,
    plan: EmergencyPlanIn,
    network: Network,
    principal: Principal,
    replace: bool = True,
) -> EmergencyPlan:
    """Create the province's plan for the event type, or replace it (unless ``replace`` is
    False: the console's "new plan" form never overwrites a plan it did not show).
    Scenario errors name ``scenario.<field>``."""
    _scoped(principal, plan.province_code)
    try:
        check_scenario(plan.scenario, network)
    except ValidationError as exc:
        data = {k: v for k, v in exc.data.items() if k not in ("file", "row", "field", "value")}
        field = "scenario" + (exc.field or "body").removeprefix("body")
        raise ValidationError(
            exc.reason, code=exc.code, field=field, value=exc.value, **data
        ) from None
    for i, tpl in enumerate(plan.instructions):
        if bool(tpl.to_province) == bool(tpl.site_id):
            raise ValidationError(
                "name a province or a site.",
                code="emergency_plan.recipient",
                field=f"instructions.{i}.to_province",
            )
    values = plan.model_dump(mode="json")
    # stored typed as given (numbers as numbers, names as typed)
    values["scenario"] = Scenario.model_validate(plan.scenario).model_dump(
        mode="json", exclude_unset=True
    )
    row = session.scalar(
        select(EmergencyPlan).where(
            EmergencyPlan.province_code == plan.province_code,
            EmergencyPlan.event_type == plan.event_type,
        )
    )
    action = "emergency_plan.update"
    if row is not None and not replace:
        raise ConflictError(
            f"{plan.province_code} already has emergency plan {row.id} for {plan.event_type}.",
            code="emergency_plan.exists",
            id=row.id,
            province=plan.province_code,
            event_type=plan.event_type.value,
        )
    if row is None:
        row = EmergencyPlan(
            readiness=Readiness.UNCHECKED,
            readiness_problems=[],
            created_by=principal.username,
            created_at=clock.now(),
            **values,
        )
        session.add(row)
        action = "emergency_plan.create"
    else:
        for key, value in values.items():
            setattr(row, key, value)
    session.flush()
    check_readiness(session, row)
    command_service.ensure_nightly(session, READINESS, next_readiness_check(clock.now()))
    audit.record(
        session,
        actor=principal.username,
        action=action,
        object_type="emergency_plan",
        object_id=str(row.id),
        province_code=row.province_code,
        after={"name": row.name, "event_type": row.event_type},
    )
    return row


def list_plans(
    session: Session, *, principal: Principal, page: PageRequest = PageRequest()
) -> Page[EmergencyPlan]:
    query = select(EmergencyPlan).where(
        principal.scope.clause(province=EmergencyPlan.province_code)
    )
    return paginate(
        session, query.order_by(EmergencyPlan.province_code, EmergencyPlan.event_type), page
    )


def get_plan(session: Session, plan_id: int, *, principal: Principal) -> EmergencyPlan:
    row = session.get(EmergencyPlan, plan_id)
    if row is None or not principal.sees_province(row.province_code):
        raise NotFoundError(
            f"Unknown emergency plan {plan_id}.", code="emergency_plan.unknown", id=plan_id
        )
    return row


def find_plan(
    session: Session, *, province: str, event_type: EventType, principal: Principal
) -> EmergencyPlan:
    row = session.scalar(
        select(EmergencyPlan).where(
            EmergencyPlan.province_code == province, EmergencyPlan.event_type == event_type
        )
    )
    if row is None or not principal.sees_province(row.province_code):
        raise NotFoundError(
            f"{province} has no emergency plan for {event_type}.",
            code="emergency_plan.none",
            province=province,
            event_type=event_type,
        )
    return row


# -- readiness ------------------------------------------------------------------------
def check_readiness(session: Session, row: EmergencyPlan) -> list[str]:
    """Whether the plan could be carried out now: the committed resources are still at
    home, every contact has a phone, every pass already held is still valid. Returns the
    problems (English) and stores them with the readiness."""
    problems: list[str] = []
    for item in row.resources:
        resource = session.get(Resource, int(item["resource_id"]))
        if resource is None:
            problems.append(f"resource {item['resource_id']} no longer exists")
        elif resource.quantity - resource.lent < int(item["quantity"]):
            problems.append(
                f"{resource.name}: {resource.quantity - resource.lent} at home, "
                f"{item['quantity']} committed"
            )
    if not row.contacts:
        problems.append("no contacts")
    problems += [f"{c['name']}: no phone" for c in row.contacts if not c.get("phone")]
    today = clock.now().date().isoformat()
    problems += [
        f"pass for {p['area']} expired on {p['valid_until']}"
        for p in row.passes
        if p.get("valid_until") and p["valid_until"] < today
    ]
    row.readiness = Readiness.GAPS if problems else Readiness.READY
    row.readiness_problems = problems
    row.readiness_checked_at = clock.now()
    session.flush()
    return problems


def check_all(session: Session) -> list[EmergencyPlan]:
    """Check every plan's readiness; the plans with gaps."""
    plans = list(session.scalars(select(EmergencyPlan).order_by(EmergencyPlan.id)))
    return [p for p in plans if check_readiness(session, p)]


def next_readiness_check(after: datetime) -> datetime:
    at = datetime.combine(after.date(), READINESS_AT, tzinfo=UTC)
    return at if at > after else at + timedelta(days=1)


# -- activation -----------------------------------------------------------------------
def activate(
    session: Session,
    *,
    plan_id: int,
    network: Network,
    principal: Principal,
    drill: bool = False,
    title: str | None = None,
    compute: bool = True,
) -> Incident:
    """Carry out an emergency plan in one step (or rehearse it, ``drill``): the incident,
    the scenario and its plan run, the instructions; returns the incident. ``compute=False``
    leaves the plan run to start from the incident's page (for a process without a job
    runner: the demo seeding)."""
    row = get_plan(session, plan_id, principal=principal)
    others = sorted({str(i["to_province"]) for i in row.instructions if i.get("to_province")})
    if others and not principal.is_national:
        raise ConflictError(
            f"Emergency plan {row.id} instructs the provinces {', '.join(others)}: only the "
            "national desk activates it.",
            code="emergency_plan.national_only",
            id=row.id,
            provinces=", ".join(others),
        )
    now = clock.now()
    scenario = dict(row.scenario)
    place: dict[str, str | None] = {"site_id": None, "region": row.province_code}
    if row.event_type is EventType.HUB_FIRE and scenario.get("closed_sites"):
        place = {"site_id": scenario["closed_sites"][0]["center_id"], "region": None}
    elif scenario.get("locked_areas"):
        place["region"] = str(scenario["locked_areas"][0]["region"])
    incident = command_service.create_incident(
        session,
        kind=INCIDENT_KIND[row.event_type],
        title=title or row.name,
        network=network,
        principal=principal,
        severity=Severity.CRITICAL,
        source=f"emergency plan {row.id}",
        drill=drill,
        emergency_plan_id=row.id,
        site_id=place["site_id"],
        region=place["region"],
    )
    command_service.note(
        session,
        incident.id,
        actor=principal.username,
        action=N_("timeline.drill") if drill else N_("timeline.activated"),
        params={"id": row.id, "name": row.name},
        link=f"/command/emergency-plans/{row.id}",
    )
    stamp = now.strftime("%Y-%m-%d %H:%M")
    scenario["name"] = f"{scenario.get('name') or row.name} · {stamp}{' · drill' if drill else ''}"
    command_service.open_scenario(
        session, incident_id=incident.id, network=network, principal=principal, body=scenario
    )
    if compute:
        command_service.start_plan_run(
            session, incident_id=incident.id, network=network, principal=principal
        )
    for tpl in row.instructions:
        command_service.issue(
            session,
            title=tpl["title"],
            body=tpl.get("body", ""),
            principal=principal,
            execute_by=now + timedelta(hours=float(tpl.get("hours", 6))),
            to_province=tpl.get("to_province"),
            site_id=tpl.get("site_id"),
            incident_id=incident.id,
            drill=drill,
            links=[
                *([{"type": "plan", "id": incident.plan_run_id}] if incident.plan_run_id else []),
                {"type": "emergency_plan", "id": row.id},
            ],
        )
    for item in row.resources:
        resource = session.get(Resource, int(item["resource_id"]))
        command_service.note(
            session,
            incident.id,
            actor=principal.username,
            action=N_("timeline.commit"),
            params={
                "name": resource.name if resource else item["resource_id"],
                "quantity": item["quantity"],
            },
        )
    if row.passes and not drill:
        logistics.apply_for_passes(
            session,
            incident=incident,
            province_code=row.province_code,
            passes=list(row.passes),
            network=network,
            principal=principal,
        )
    elif row.passes:
        command_service.note(
            session,
            incident.id,
            actor=principal.username,
            action=N_("timeline.passes"),
            params={"count": len(row.passes), "areas": ", ".join(p["area"] for p in row.passes)},
        )
    if not drill:
        row.last_activated_at = now
    session.flush()
    audit.record(
        session,
        actor=principal.username,
        action="emergency_plan.drill" if drill else "emergency_plan.activate",
        object_type="emergency_plan",
        object_id=str(row.id),
        province_code=row.province_code,
        after={
            "incident": incident.id,
            "scenario": incident.scenario_id,
            "plan_run": incident.plan_run_id,
            "instructions": len(row.instructions),
            "drill": drill,
        },
    )
    return incident
