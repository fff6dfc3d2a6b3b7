"""Use cases of contingency plans: scenarios, plans and their lifecycle.

A plan is computed by a ``plan.compute`` job (``contingency.jobs``), queued with the plan
and started once the request commits. A plan's lifecycle is draft → approved →
[scheduled →] active → lifted; a scheduled plan becomes active when the deadline sweep
fires its ``plan.start`` deadline at the effective time, and can be called off before.
Activation (or scheduling) inserts one ``area_claims`` row per county the plan touches
and one ``zone_claims`` row per destination it re-routes; the primary keys make the
database refuse a second claim, so of two activations racing for the same area exactly
one wins and the other gets a ConflictError naming the plan that holds it — across
levels, since a province plan and a city plan inside it touch the same counties. Lifting
deletes the plan's claims, which restores the baseline routing of those zones exactly.
Every use case acts for a ``Principal``: its name is the actor of the audit rows, its
province the scope (lists filter on ``province_code`` in SQL; an object out of scope is
not found).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from baotong import jobs
from baotong.audit import service as audit
from baotong.auth.permissions import Principal, Role
from baotong.auth.scope import in_scope
from baotong.contingency.document import (
    LineChange,
    PlanDocument,
    SortPlanChange,
    TransitChange,
)
from baotong.contingency.models import (
    AreaClaim,
    PlanAssignment,
    PlanLifecycle,
    PlanRelationChange,
    PlanRun,
    ScenarioRow,
    ZoneClaim,
)
from baotong.contingency.scenario import Scenario
from baotong.contingency.schemas import check_scenario
from baotong.core import clock
from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import Page, PageRequest, paginate
from baotong.db import versions
from baotong.db.transitions import transition
from baotong.jobs.models import WAITING, JobRun, JobStatus
from baotong.network.entities import Network, SiteStatus
from baotong.network.models import CapacityOverride, SiteRow, SiteStatusChange
from baotong.notify import service as notify

audit.register_type("scenario", label_key=N_("object.scenario"), link="/scenarios/{id}")
audit.register_type("plan", label_key=N_("object.plan"), link="/plans/{id}")
# What the audit page calls each audited action (``action.<action>``).
ACTIONS = [N_("action.scenario.create"), N_("action.scenario.update"),
           N_("action.scenario.delete"), N_("action.plan.create"), N_("action.plan.cancel"),
           N_("action.plan.approve"), N_("action.plan.schedule"), N_("action.plan.unschedule"),
           N_("action.plan.activate"), N_("action.plan.lift"), N_("action.plan.withdraw"),
           N_("action.plan.reinstate")]  # fmt: skip

PLAN_COMPUTE = "plan.compute"  # the job kind that computes a plan (contingency.jobs)
DRAFT, APPROVED = PlanLifecycle.DRAFT, PlanLifecycle.APPROVED
ACTIVE, LIFTED = PlanLifecycle.ACTIVE, PlanLifecycle.LIFTED
SCHEDULED = PlanLifecycle.SCHEDULED
PLAN_START = "plan.start"  # the deadline that starts a scheduled plan (contingency.jobs)
MAX_WAITING = 20


def _province_of(provinces: list[Any]) -> str | None:
    """The one province of a scenario's locked areas; None when they span several."""
    return str(provinces[0]) if len(provinces) == 1 else None


def _audit(
    session: Session,
    actor: str,
    action: str,
    row: ScenarioRow | PlanRun,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """An audit row for a scenario or plan, in the caller's transaction."""
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


# -- scenarios ------------------------------------------------------------------------
def create_scenario(
    session: Session, *, body: dict[str, Any], network: Network, principal: Principal
) -> ScenarioRow:
    """Validate ``body`` against the planner's schema and the network once, and store the
    canonical scenario (regions as codes): a stored scenario always loads and plans."""
    scenario, provinces = check_scenario(body, network)
    name = scenario.name
    if not principal.sees_all(provinces):
        raise ValidationError(
            f"lies outside your province {principal.province_code}; you can only plan for it.",
            code="scenario.outside_scope",
            field="body.locked_areas",
            province=principal.province_code,
        )
    now = clock.now()
    row = ScenarioRow(
        name=name,
        body=scenario.canonical(),
        provinces=provinces,
        province_code=_province_of(provinces),
        created_by=principal.username,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    _audit(session, principal.username, "scenario.create", row, after={"name": name})
    return row


def list_scenarios(
    session: Session, *, principal: Principal, page: PageRequest = PageRequest()
) -> Page[ScenarioRow]:
    """The scenarios in the principal's scope, newest first."""
    query = (
        select(ScenarioRow)
        .where(in_scope(principal, ScenarioRow.province_code))
        .order_by(ScenarioRow.id.desc())
    )
    return paginate(session, query, page)


def get_scenario(session: Session, scenario_id: int, *, principal: Principal) -> ScenarioRow:
    row = session.get(ScenarioRow, scenario_id)
    if row is None or not _sees(principal, row):
        raise NotFoundError(f"Unknown scenario {scenario_id}.", code="scenario.unknown",
                            id=scenario_id)  # fmt: skip
    return row


def _sees(principal: Principal, row: ScenarioRow | PlanRun) -> bool:
    return principal.is_national or row.province_code == principal.province_code


def update_scenario(
    session: Session,
    *,
    scenario_id: int,
    body: dict[str, Any],
    network: Network,
    principal: Principal,
) -> ScenarioRow:
    row = get_scenario(session, scenario_id, principal=principal)
    scenario, provinces = check_scenario(body, network)
    if not principal.sees_all(provinces):
        raise ValidationError(
            f"lies outside your province {principal.province_code}.",
            code="scenario.outside_scope",
            field="body.locked_areas",
            province=principal.province_code,
        )
    before = {"name": row.name, "body": row.body}
    name, stored = scenario.name, scenario.canonical()
    row.name, row.body, row.provinces, row.updated_at = name, stored, provinces, clock.now()
    row.province_code = _province_of(provinces)
    session.flush()
    _audit(
        session,
        principal.username,
        "scenario.update",
        row,
        before=before,
        after={"name": name, "body": stored},
    )
    return row


def scenario_of(row: ScenarioRow | PlanRun) -> Scenario:
    """The stored scenario: a scenario's, or the one a plan run was computed from."""
    return Scenario.model_validate(row.body if isinstance(row, ScenarioRow) else row.scenario_body)


def delete_scenario(session: Session, *, scenario_id: int, principal: Principal) -> None:
    row = get_scenario(session, scenario_id, principal=principal)
    before = {"name": row.name, "body": row.body}
    _audit(session, principal.username, "scenario.delete", row, before=before)
    session.delete(row)
    session.flush()


# -- plan runs ------------------------------------------------------------------------
def create_plan(
    session: Session,
    *,
    scenario_id: int,
    name: str | None,
    parameters: dict[str, Any],
    network: Network,
    principal: Principal,
) -> PlanRun:
    """Queue a plan run of a scenario; ``parameters`` override the scenario's options."""
    scenario = get_scenario(session, scenario_id, principal=principal)
    body = dict(scenario.body)
    if parameters:
        body["options"] = {**dict(body.get("options") or {}), **parameters}
        try:
            body = check_scenario(body, network)[0].canonical()
        except ValidationError as exc:
            field = (exc.field or "").removeprefix("body.options.")
            raise ValidationError(
                exc.reason, code=exc.code, **{**exc.data, "field": f"parameters.{field}"}
            ) from None
    waiting = session.scalar(
        select(func.count())
        .select_from(JobRun)
        .where(JobRun.kind == PLAN_COMPUTE, JobRun.status.in_(WAITING))
    )
    if (waiting or 0) >= MAX_WAITING:
        raise ConflictError(f"{waiting} plans are already waiting to compute; try again later.",
                            code="plan.queue_full", waiting=waiting)  # fmt: skip
    run = PlanRun(
        name=name or scenario.name,
        scenario_id=scenario.id,
        scenario_body=body,
        provinces=list(scenario.provinces),
        province_code=scenario.province_code,
        parameters=parameters,
        job=jobs.enqueue(session, PLAN_COMPUTE, {}),
        lifecycle=DRAFT,
        created_by=principal.username,
        created_at=clock.now(),
    )
    session.add(run)
    session.flush()
    run.job.payload = {"plan_id": run.id}
    _audit(
        session,
        principal.username,
        "plan.create",
        run,
        after={"scenario_id": scenario.id, "parameters": parameters},
    )
    return run


def list_plans(
    session: Session,
    *,
    principal: Principal,
    lifecycle: PlanLifecycle | None = None,
    status: JobStatus | None = None,
    scenario_id: int | None = None,
    page: PageRequest = PageRequest(),
) -> Page[PlanRun]:
    """The plan runs in the principal's scope, newest first (without their results; with
    their scenario, whose areas the list shows)."""
    query = (
        select(PlanRun)
        .options(defer(PlanRun.result))
        .where(in_scope(principal, PlanRun.province_code))
        .order_by(PlanRun.id.desc())
    )
    if lifecycle:
        query = query.where(PlanRun.lifecycle == lifecycle)
    if status:
        query = query.where(PlanRun.job.has(JobRun.status == status))
    if scenario_id is not None:
        query = query.where(PlanRun.scenario_id == scenario_id)
    return paginate(session, query, page)


def active_plans(session: Session, *, principal: Principal | None) -> list[PlanRun]:
    """The plans in force (in the principal's scope; every one for ``None``, the system).

    They are few: no two active plans claim the same zone.
    """
    query = (
        select(PlanRun)
        .options(defer(PlanRun.result))
        .where(PlanRun.lifecycle == ACTIVE)
        .order_by(PlanRun.id.desc())
    )
    if principal is not None:
        query = query.where(in_scope(principal, PlanRun.province_code))
    return list(session.scalars(query))


def get_plan(session: Session, plan_id: int, *, principal: Principal) -> PlanRun:
    run = session.get(PlanRun, plan_id)
    if run is None or not _sees(principal, run):
        raise NotFoundError(f"Unknown plan {plan_id}.", code="plan.unknown", id=plan_id)
    return run


def plan_zones(
    session: Session,
    plan_id: int,
    *,
    principal: Principal,
    search: str = "",
    region_codes: list[str] | None = None,
    page: PageRequest = PageRequest(),
) -> Page[PlanAssignment]:
    """A plan's zones and the backup of each (station, grid, segment or county), by
    destination; ``search`` matches a zone, station or backup id, ``region_codes`` the
    counties whose names matched it."""
    get_plan(session, plan_id, principal=principal)
    query = select(PlanAssignment).where(PlanAssignment.plan_id == plan_id)
    text = search.strip()
    if text:
        like = f"%{text}%"
        query = query.where(
            PlanAssignment.destination.ilike(like)
            | PlanAssignment.zone_id.ilike(like)
            | PlanAssignment.station_id.ilike(like)
            | PlanAssignment.backup_center_id.ilike(like)
            | PlanAssignment.region_code.in_(region_codes or [])
        )
    return paginate(session, query.order_by(PlanAssignment.destination), page)


def relies_on(session: Session, site_id: str, *, principal: Principal) -> bool:
    """Whether a plan the principal sees sends zones to ``site_id`` (a province's planner
    may then see that centre outside the province, read-only, as far as the plan needs)."""
    found = session.scalar(
        select(PlanAssignment.id)
        .join(PlanRun, PlanRun.id == PlanAssignment.plan_id)
        .where(PlanAssignment.backup_center_id == site_id,
               in_scope(principal, PlanRun.province_code))
        .limit(1)
    )  # fmt: skip
    return found is not None


def result_of(run: PlanRun) -> PlanDocument | None:
    """A run's plan document, read back validated; None until the run has succeeded."""
    if run.status is not JobStatus.SUCCEEDED or run.result is None:
        return None
    return PlanDocument.model_validate(run.result)


def plan_result(session: Session, plan_id: int, *, principal: Principal) -> PlanDocument:
    """The computed plan; ConflictError while it has none."""
    run = get_plan(session, plan_id, principal=principal)
    result = result_of(run)
    if result is None:
        raise ConflictError(
            f"Plan {plan_id} has no result: it is {run.status}.",
            code="plan.no_result",
            id=plan_id,
            plan_status=run.status,
        )
    return result


def cancel_plan(session: Session, *, plan_id: int, principal: Principal) -> PlanRun:
    """Cancel a queued computation at once, or ask a running one to stop."""
    actor = principal.username
    run = get_plan(session, plan_id, principal=principal)
    if run.status not in WAITING:
        raise ConflictError(
            f"Plan {plan_id} is {run.status}; only a queued or running plan can be cancelled.",
            code="plan.not_cancellable",
            id=plan_id,
            plan_status=run.status,
        )
    jobs.cancel(session, run.job_id, by=actor)
    _audit(session, actor, "plan.cancel", run)
    return run


def store_result(session: Session, *, run: PlanRun, result: PlanDocument) -> None:
    """Keep the plan document and its normalised assignment and relation-change rows."""
    run.result = result.to_json()
    seen: set[str] = set()
    for item in result.assignments:
        if item.destination in seen:
            continue
        seen.add(item.destination)
        session.add(
            PlanAssignment(
                plan_id=run.id,
                destination=item.destination,
                zone_id=item.zone_id,
                zone_kind=item.zone_kind,
                region_code=item.region_code,
                station_id=item.station_id,
                backup_center_id=item.backup_center_id,
                volume=item.volume,
                chutes=item.chutes,
                asked_depth=item.asked_depth,
                airport=item.airport,
                ferry_from=item.ferry_from,
                ferry_to=item.ferry_to,
            )
        )
    changes: list[tuple[str, str, SortPlanChange | TransitChange | LineChange]] = [
        *(("sort_plan", c.destination, c) for c in result.sort_plan_changes),
        *(("transit", "", c) for c in result.transit_changes),
    ]
    for kind, destination, change in changes:
        session.add(
            PlanRelationChange(
                plan_id=run.id,
                kind=kind,
                destination=destination,
                before=None,
                after=change.model_dump(mode="json"),
            )
        )
    session.flush()


# -- lifecycle ------------------------------------------------------------------------
def approve_plan(session: Session, *, plan_id: int, principal: Principal) -> PlanRun:
    actor = principal.username
    run = get_plan(session, plan_id, principal=principal)
    if run.status is not JobStatus.SUCCEEDED:
        raise ConflictError(
            f"Plan {plan_id} is {run.status}; only a computed plan can be approved.",
            code="plan.not_computed",
            id=plan_id,
            plan_status=run.status,
        )
    transition(
        session,
        PlanRun,
        run.id,
        PlanRun.lifecycle,
        DRAFT,
        APPROVED,
        approved_by=actor,
        approved_at=clock.now(),
    )
    _audit(
        session,
        actor,
        "plan.approve",
        run,
        before={"lifecycle": DRAFT},
        after={"lifecycle": APPROVED},
    )
    return run


def activate_plan(
    session: Session,
    *,
    plan_id: int,
    principal: Principal,
    effective_at: datetime | None = None,
) -> PlanRun:
    """Put an approved plan in force now, or schedule it for ``effective_at``.

    Its areas (every county it touches) are claimed at once, so a scheduled plan already
    keeps overlapping plans out; it is refused when an area is held by another active or
    scheduled plan, when one of its backups is closed or lies in an area another plan
    locks, or when it locks a backup another plan relies on. A future ``effective_at``
    leaves it scheduled: the deadline sweep (``plan.start``) makes it active at that time,
    and until then routing, the map and the centre pages keep the baseline.
    """
    actor = principal.username
    run = get_plan(session, plan_id, principal=principal)
    now = clock.now()
    effective = (effective_at or now).astimezone(UTC)
    scheduled = effective > now
    transition(
        session,
        PlanRun,
        run.id,
        PlanRun.lifecycle,
        APPROVED,
        SCHEDULED if scheduled else ACTIVE,
        activated_by=actor,
        activated_at=now,
        effective_at=effective,
    )
    _check_backups(session, run)
    zones = _claim(session, run, effective)
    if scheduled:
        jobs.schedule(session, kind=PLAN_START, subject_type="plan", subject_id=str(run.id),
                      due_at=effective)  # fmt: skip
    _audit(
        session,
        actor,
        "plan.schedule" if scheduled else "plan.activate",
        run,
        before={"lifecycle": APPROVED},
        after={"lifecycle": SCHEDULED if scheduled else ACTIVE,
               "effective_at": effective.isoformat(), "zones": zones},
    )  # fmt: skip
    return run


def withdraw_approval(session: Session, *, plan_id: int, principal: Principal) -> PlanRun:
    """Take an approval back before the plan starts: it is a draft again."""
    actor = principal.username
    run = get_plan(session, plan_id, principal=principal)
    transition(session, PlanRun, run.id, PlanRun.lifecycle, APPROVED, DRAFT,
               approved_by=None, approved_at=None)  # fmt: skip
    _audit(session, actor, "plan.withdraw", run, before={"lifecycle": APPROVED},
           after={"lifecycle": DRAFT})  # fmt: skip
    return run


def reinstate_plan(session: Session, *, plan_id: int, principal: Principal) -> PlanRun:
    """Bring a lifted plan back to approved, ready to start again without recomputing —
    refused when a site changed status or capacity since the plan was computed."""
    actor = principal.username
    run = get_plan(session, plan_id, principal=principal)
    computed = run.finished_at or run.created_at
    changed = session.scalar(
        select(SiteStatusChange.site_id).where(SiteStatusChange.since > computed).limit(1)
    ) or session.scalar(
        select(CapacityOverride.site_id).where(CapacityOverride.valid_from > computed).limit(1)
    )  # fmt: skip
    if changed is not None:
        raise ConflictError(
            f"Plan {plan_id} was computed before site {changed} changed; compute it again.",
            code="plan.network_changed", id=plan_id, site_id=changed)  # fmt: skip
    transition(session, PlanRun, run.id, PlanRun.lifecycle, LIFTED, APPROVED,
               lifted_by=None, lifted_at=None, activated_by=None, activated_at=None,
               effective_at=None)  # fmt: skip
    _audit(session, actor, "plan.reinstate", run, before={"lifecycle": LIFTED},
           after={"lifecycle": APPROVED})  # fmt: skip
    return run


def warn_plans_relying_on(session: Session, *, site_id: str, actor: str) -> int:
    """A site went closed or limited: tell the dispatchers and planners of every active or
    scheduled plan that relies on it (inbox, e-mail), with a link to the plan to re-plan
    from. How many plans were concerned."""
    site = session.get(SiteRow, site_id)
    if site is None or site.status is SiteStatus.OPEN:
        return 0
    runs = [r for r in in_force(session) if site_id in backup_ids(r)]
    for run in runs:
        for role in (Role.DISPATCHER, Role.PLANNER):
            notify.send(session, key=N_("plan.notice.backup_down"),
                        params={"plan": run.name, "site": site.name, "status": site.status,
                                "actor": actor},
                        link=f"/plans/{run.id}", to_role=role, province_code=run.province_code,
                        subject_type="plan", subject_id=run.id)  # fmt: skip
    return len(runs)


def start_scheduled(session: Session, *, plan_id: int) -> PlanRun:
    """A scheduled plan's effective time has come: it is active from now (the sweep)."""
    run = session.get(PlanRun, plan_id)
    if run is None:
        raise NotFoundError(f"Unknown plan {plan_id}.", code="plan.unknown", id=plan_id)
    transition(session, PlanRun, run.id, PlanRun.lifecycle, SCHEDULED, ACTIVE)
    versions.bump(session)
    _audit(session, "system", "plan.activate", run, before={"lifecycle": SCHEDULED},
           after={"lifecycle": ACTIVE, "effective_at": clock.now().isoformat()})  # fmt: skip
    return run


def cancel_schedule(session: Session, *, plan_id: int, principal: Principal) -> PlanRun:
    """Call off a scheduled activation before its time: the plan is approved again and
    its areas are free."""
    actor = principal.username
    run = get_plan(session, plan_id, principal=principal)
    transition(session, PlanRun, run.id, PlanRun.lifecycle, SCHEDULED, APPROVED,
               activated_by=None, activated_at=None, effective_at=None)  # fmt: skip
    jobs.cancel_deadlines(session, kind=PLAN_START, subject_type="plan", subject_id=str(run.id))
    _release(session, run.id)
    _audit(session, actor, "plan.unschedule", run, before={"lifecycle": SCHEDULED},
           after={"lifecycle": APPROVED})  # fmt: skip
    return run


def in_force(session: Session) -> list[PlanRun]:
    """Every active or scheduled plan (they hold areas), oldest first."""
    return list(session.scalars(
        select(PlanRun).options(defer(PlanRun.result))
        .where(PlanRun.lifecycle.in_((ACTIVE, SCHEDULED))).order_by(PlanRun.id)
    ))  # fmt: skip


def _locks(run: PlanRun, site: SiteRow) -> bool:
    """Whether one of ``run``'s locked areas contains ``site``."""
    codes = {site.province_code, site.prefecture_code, site.county_code}
    return any(a.region in codes for a in scenario_of(run).locked_areas)


def backup_ids(run: PlanRun) -> set[str]:
    """The backup centres of a computed plan (from its stored document)."""
    return {str(b["center_id"]) for b in (run.result or {}).get("backups", [])}


def _check_backups(session: Session, run: PlanRun) -> None:
    """Refuse a plan whose backups are closed or locked by another plan, or that locks a
    backup another active or scheduled plan relies on."""
    backups = backup_ids(run)
    others = [o for o in in_force(session) if o.id != run.id]
    sites = {r.id: r for r in session.scalars(select(SiteRow).where(SiteRow.id.in_(backups)))}
    for center_id in sorted(backups):
        site = sites.get(center_id)
        if site is None:
            continue
        if site.status is SiteStatus.CLOSED:
            raise ConflictError(
                f"Plan {run.id} cannot start: its backup centre {center_id} is closed. "
                "Re-plan without it.", code="plan.backup_closed", id=run.id,
                center_id=center_id, center=site.name)  # fmt: skip
        for other in others:
            if _locks(other, site):
                raise ConflictError(
                    f"Plan {run.id} cannot start: its backup centre {center_id} lies in an "
                    f"area locked by plan {other.id} ('{other.name}').",
                    code="plan.backup_locked", id=run.id, center_id=center_id,
                    center=site.name, conflicting_plan_id=other.id,
                    conflicting_plan_name=other.name)  # fmt: skip
    for other in others:
        theirs = backup_ids(other)
        for site in session.scalars(select(SiteRow).where(SiteRow.id.in_(theirs))):
            if _locks(run, site):
                raise ConflictError(
                    f"Plan {run.id} cannot start: it locks centre {site.id}, a backup of "
                    f"plan {other.id} ('{other.name}').", code="plan.locks_backup",
                    id=run.id, center_id=site.id, center=site.name,
                    conflicting_plan_id=other.id, conflicting_plan_name=other.name)  # fmt: skip


def _claim(session: Session, run: PlanRun, effective: datetime) -> int:
    """Claim the plan's counties and destinations; another plan holding one → 409."""
    # Claim in code order: two overlapping activations then wait on the same first row
    # instead of deadlocking on each other's.
    assignments = list(session.scalars(
        select(PlanAssignment).where(PlanAssignment.plan_id == run.id)
        .order_by(PlanAssignment.destination)
    ))  # fmt: skip
    counties = sorted({a.region_code for a in assignments})
    try:
        with session.begin_nested():
            session.add_all([AreaClaim(county_code=c, plan_id=run.id) for c in counties])
            session.flush()
    except IntegrityError:
        raise _area_conflict(session, run, counties) from None
    claims = [
        ZoneClaim(destination=a.destination, plan_id=run.id, zone_id=a.zone_id,
                  backup_center_id=a.backup_center_id, effective_at=effective)
        for a in assignments
    ]  # fmt: skip
    try:
        with session.begin_nested():
            session.add_all(claims)
            session.flush()
    except IntegrityError:
        raise _area_conflict(session, run, counties) from None
    versions.bump(session)
    return len(claims)


def _release(session: Session, plan_id: int) -> int:
    """Free a plan's areas and destinations; how many destinations it held."""
    session.execute(delete(AreaClaim).where(AreaClaim.plan_id == plan_id))
    released = session.execute(delete(ZoneClaim).where(ZoneClaim.plan_id == plan_id))
    versions.bump(session)
    return int(getattr(released, "rowcount", 0) or 0)


def _area_conflict(session: Session, run: PlanRun, counties: list[str]) -> ConflictError:
    held = session.execute(
        select(AreaClaim.county_code, AreaClaim.plan_id, PlanRun.name)
        .join(PlanRun, PlanRun.id == AreaClaim.plan_id)
        .where(AreaClaim.county_code.in_(counties), AreaClaim.plan_id != run.id)
        .order_by(AreaClaim.county_code)
        .limit(1)
    ).first()
    if held is None:
        return ConflictError(f"Plan {run.id} could not claim its zones; try again.",
                             code="plan.claim_retry", id=run.id)  # fmt: skip
    county, other_id, other_name = held
    return ConflictError(
        f"Plan {run.id} cannot start: area '{county}' is already held by active or scheduled "
        f"plan {other_id} ('{other_name}'). Lift or cancel plan {other_id} first.",
        code="plan.zone_claimed",
        id=run.id,
        conflicting_plan_name=other_name,
        zone=county,
        conflicting_plan_id=other_id,
    )


def lift_plan(session: Session, *, plan_id: int, principal: Principal) -> PlanRun:
    """Take an active plan back: its zones return to the baseline routing."""
    actor = principal.username
    run = get_plan(session, plan_id, principal=principal)
    transition(
        session,
        PlanRun,
        run.id,
        PlanRun.lifecycle,
        ACTIVE,
        LIFTED,
        lifted_by=actor,
        lifted_at=clock.now(),
    )
    released = _release(session, run.id)
    _audit(
        session,
        actor,
        "plan.lift",
        run,
        before={"lifecycle": ACTIVE},
        after={"lifecycle": LIFTED, "zones": released},
    )
    return run
