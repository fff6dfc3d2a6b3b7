"""Use cases of contingency plans: scenarios, plans and their lifecycle.

A plan is computed by a ``plan.compute`` job (``contingency.jobs``), queued with the plan
and started once the request commits. A plan's lifecycle is draft → approved → active →
lifted. Activation inserts one ``zone_claims`` row per destination the plan re-routes;
the primary key on the
destination makes the database refuse a second claim, so of two activations racing for
the same zone exactly one wins and the other gets a ConflictError naming the plan that
holds the zone. Lifting deletes the plan's claims, which restores the baseline routing
of those zones exactly. Every use case acts for a ``Principal``: its name is the actor of
the audit rows, its province the scope (lists filter on ``province_code`` in SQL; an
object out of scope is not found).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from baotong import jobs
from baotong.audit import service as audit
from baotong.auth.permissions import Principal
from baotong.auth.scope import in_scope
from baotong.contingency.document import (
    LineChange,
    PlanDocument,
    SortPlanChange,
    TransitChange,
)
from baotong.contingency.models import (
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
from baotong.db.transitions import transition
from baotong.jobs.models import WAITING, JobRun, JobStatus
from baotong.network.entities import Network

audit.register_type("scenario", label_key=N_("object.scenario"), link="/scenarios/{id}")
audit.register_type("plan", label_key=N_("object.plan"), link="/plans/{id}")

PLAN_COMPUTE = "plan.compute"  # the job kind that computes a plan (contingency.jobs)
DRAFT, APPROVED = PlanLifecycle.DRAFT, PlanLifecycle.APPROVED
ACTIVE, LIFTED = PlanLifecycle.ACTIVE, PlanLifecycle.LIFTED
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
    """The plan runs in the principal's scope, newest first (without their results)."""
    query = (
        select(PlanRun)
        .options(defer(PlanRun.result), defer(PlanRun.scenario_body))
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
    """Put an approved plan in force: claim its zones; a zone already claimed → 409."""
    actor = principal.username
    run = get_plan(session, plan_id, principal=principal)
    now = clock.now()
    effective = effective_at or now
    transition(
        session,
        PlanRun,
        run.id,
        PlanRun.lifecycle,
        APPROVED,
        ACTIVE,
        activated_by=actor,
        activated_at=now,
        effective_at=effective,
    )
    # Claim in destination order: two overlapping activations then wait on the same first
    # zone instead of deadlocking on each other's.
    assignments = session.scalars(
        select(PlanAssignment)
        .where(PlanAssignment.plan_id == run.id)
        .order_by(PlanAssignment.destination)
    )
    claims = [
        ZoneClaim(
            destination=a.destination,
            plan_id=run.id,
            zone_id=a.zone_id,
            backup_center_id=a.backup_center_id,
            effective_at=effective,
        )
        for a in assignments
    ]
    try:
        with session.begin_nested():
            session.add_all(claims)
            session.flush()
    except IntegrityError:
        raise _claim_conflict(session, run, [c.destination for c in claims]) from None
    _audit(
        session,
        actor,
        "plan.activate",
        run,
        before={"lifecycle": APPROVED},
        after={"lifecycle": ACTIVE, "effective_at": effective.isoformat(), "zones": len(claims)},
    )
    return run


def _claim_conflict(session: Session, run: PlanRun, destinations: list[str]) -> ConflictError:
    held = session.execute(
        select(ZoneClaim.destination, ZoneClaim.plan_id, PlanRun.name)
        .join(PlanRun, PlanRun.id == ZoneClaim.plan_id)
        .where(ZoneClaim.destination.in_(destinations), ZoneClaim.plan_id != run.id)
        .limit(1)
    ).first()
    if held is None:  # the other plan was lifted meanwhile: ask to retry
        return ConflictError(f"Plan {run.id} could not claim its zones; try again.",
                             code="plan.claim_retry", id=run.id)  # fmt: skip
    zone, other_id, other_name = held
    return ConflictError(
        f"Plan {run.id} cannot be activated: zone '{zone}' is already claimed by active plan "
        f"{other_id} ('{other_name}'). Lift plan {other_id} first.",
        code="plan.zone_claimed",
        id=run.id,
        conflicting_plan_name=other_name,
        zone=zone,
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
    released = session.execute(delete(ZoneClaim).where(ZoneClaim.plan_id == run.id)).rowcount  # type: ignore[attr-defined]
    _audit(
        session,
        actor,
        "plan.lift",
        run,
        before={"lifecycle": ACTIVE},
        after={"lifecycle": LIFTED, "zones": released},
    )
    return run
