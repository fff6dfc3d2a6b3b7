"""Use cases of stored sweeps: store a sweep's plans, start one from the console, read them.

A sweep comes from ``baotong sweep --store`` or ``baotong sweep --import DIR`` (a folder
the CLI wrote, checked whole by ``sweep_files``), or from a planner on the console: a
``sweep.run`` job (``contingency.jobs``) plans every province in the service's process and
stores the result when done.

Scope: the sweep list and its risk table are national, read-only data that every reader of
plans sees — a provincial planner needs to know when a centre of theirs is what half the
country's lockdowns lean on, and the table names only centres and region codes. A
region's pre-computed plan is scoped like a plan: a provincial user sees the regions of
their province (a province, or a prefecture in it), and another province's is not found.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from baotong import jobs
from baotong.audit import service as audit
from baotong.auth.permissions import Principal
from baotong.auth.scope import in_scope
from baotong.contingency.document import PlanDocument
from baotong.contingency.models import SweepRegion, SweepRun
from baotong.contingency.sweep import (
    SweepLevel,
    backup_volumes,
    risk_table,
    sweep_options,
    sweep_regions,
)
from baotong.contingency.sweep_files import SweepFolder, read_sweep_folder
from baotong.core import clock
from baotong.core.exceptions import ConflictError, NotFoundError
from baotong.core.i18n import N_
from baotong.core.pagination import Page, PageRequest, paginate
from baotong.jobs.models import WAITING, JobRun
from baotong.network.entities import Network, RegionLevel

audit.register_type("sweep", label_key=N_("object.sweep"), link="/sweeps/{id}")
ACTIONS = [N_("action.sweep.store"), N_("action.sweep.start"), N_("action.sweep.cancel")]
SWEEP_RUN = "sweep.run"  # the job kind that plans a sweep in the service (contingency.jobs)
CONSOLE = "console"  # the source of a sweep computed by the service
DEFAULT_TIME_LIMIT_S = 5.0


def _province_of(network: Network, code: str) -> str:
    region = network.regions.get(code)
    if region is not None and region.level is RegionLevel.PREFECTURE and region.parent_code:
        return region.parent_code
    return code


def _audit(session: Session, actor: str, action: str, row: SweepRun,
           after: dict[str, Any] | None = None) -> None:  # fmt: skip
    audit.record(session, actor=actor, action=action, object_type="sweep",
                 object_id=str(row.id), after=after)  # fmt: skip


def store_plans(
    session: Session, *, sweep: SweepRun, plans: dict[str, PlanDocument], network: Network
) -> SweepRun:
    """Keep each region's plan and figures, and the sweep's risk table, on ``sweep``."""
    for code, document in plans.items():
        region = network.regions.get(code)
        session.add(SweepRegion(
            sweep_id=sweep.id, region_code=code,
            name=region.name if region is not None else code,
            province_code=_province_of(network, code), status=str(document.status),
            objective=document.objective, gap=document.gap, seconds=document.solve_seconds,
            cost=document.cost.model_dump(mode="json"), zones=document.counts.zones,
            volume=round(sum(a.volume for a in document.assignments), 1),
            unserved_zones=len(document.unserved.zones),
            unserved_volume=document.unserved.volume, backups=backup_volumes(document),
            plan=document.to_json(),
        ))  # fmt: skip
    sweep.planned = len(plans)
    sweep.risk = risk_table(network, plans) if plans else []
    sweep.finished_at = clock.now()
    session.flush()
    return sweep


def store_folder(
    session: Session, *, folder: SweepFolder, network: Network, principal: Principal,
    started_at: datetime | None = None,
) -> tuple[SweepRun, bool]:  # fmt: skip
    """Store a checked sweep folder; the sweep already stored from it and False when it was."""
    found = session.scalar(select(SweepRun).where(SweepRun.digest == folder.digest))
    if found is not None:
        return found, False
    row = SweepRun(level=folder.level, options=folder.options, network=folder.network,
                   source=str(folder.folder.resolve())[:500], digest=folder.digest,
                   regions=folder.regions, created_by=principal.username,
                   started_at=started_at or clock.now())  # fmt: skip
    session.add(row)
    session.flush()
    store_plans(session, sweep=row, plans=folder.plans, network=network)
    _audit(session, principal.username, "sweep.store", row,
           after={"source": row.source, "planned": row.planned})  # fmt: skip
    return row, True


def import_folder(
    session: Session, *, folder: Path, network: Network, principal: Principal
) -> tuple[SweepRun, bool]:
    """Check a sweep folder whole, then store it (once: the same folder is found again)."""
    return store_folder(session, folder=read_sweep_folder(folder, network), network=network,
                        principal=principal)  # fmt: skip


def start_sweep(
    session: Session,
    *,
    network: Network,
    principal: Principal,
    level: SweepLevel = "province",
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
) -> SweepRun:
    """Queue a ``sweep.run`` job that plans every region of ``level`` in the service."""
    busy = session.scalar(select(func.count()).select_from(JobRun)
                          .where(JobRun.kind == SWEEP_RUN, JobRun.status.in_(WAITING)))  # fmt: skip
    if busy:
        raise ConflictError("A sweep is already queued or running; wait for it to finish.",
                            code="sweep.busy")  # fmt: skip
    row = SweepRun(level=level, options=sweep_options(time_limit_s), network=network.name,
                   source=CONSOLE, regions=len(sweep_regions(network, level)),
                   job=jobs.enqueue(session, SWEEP_RUN, {}), created_by=principal.username,
                   started_at=clock.now())  # fmt: skip
    session.add(row)
    session.flush()
    assert row.job is not None
    row.job.payload = {"sweep_id": row.id}
    _audit(session, principal.username, "sweep.start", row, after={"level": level})
    return row


def cancel_sweep(session: Session, *, sweep_id: int, principal: Principal) -> SweepRun:
    """Cancel a queued sweep at once, or ask a running one to stop (nothing is stored)."""
    row = get_sweep(session, sweep_id, principal=principal)
    if row.job is None or row.job.status not in WAITING:
        raise ConflictError(f"Sweep {sweep_id} is not queued or running.",
                            code="sweep.not_cancellable", id=sweep_id)  # fmt: skip
    jobs.cancel(session, row.job.id, by=principal.username)
    _audit(session, principal.username, "sweep.cancel", row)
    return row


def list_sweeps(
    session: Session, *, principal: Principal, page: PageRequest = PageRequest()
) -> Page[SweepRun]:
    """Every stored or running sweep, newest first (national data: see the module)."""
    del principal  # every reader of plans sees the sweeps
    query = select(SweepRun).options(defer(SweepRun.risk)).order_by(SweepRun.id.desc())
    return paginate(session, query, page)


def get_sweep(session: Session, sweep_id: int, *, principal: Principal) -> SweepRun:
    del principal
    row = session.get(SweepRun, sweep_id)
    if row is None:
        raise NotFoundError(f"Unknown sweep {sweep_id}.", code="sweep.unknown", id=sweep_id)
    return row


def latest_sweep(session: Session, *, principal: Principal) -> SweepRun | None:
    """The newest sweep with stored plans (the one whose risk table the console shows)."""
    del principal
    return session.scalar(select(SweepRun).where(SweepRun.planned > 0)
                          .order_by(SweepRun.id.desc()).limit(1))  # fmt: skip


def list_regions(
    session: Session, *, sweep_id: int, principal: Principal, page: PageRequest = PageRequest()
) -> Page[SweepRegion]:
    """The sweep's regions in the principal's scope, by code (without their plans)."""
    get_sweep(session, sweep_id, principal=principal)
    query = (
        select(SweepRegion)
        .options(defer(SweepRegion.plan))
        .where(SweepRegion.sweep_id == sweep_id, in_scope(principal, SweepRegion.province_code))
        .order_by(SweepRegion.region_code)
    )
    return paginate(session, query, page)


def get_region(
    session: Session, *, sweep_id: int, region_code: str, principal: Principal
) -> SweepRegion:
    """A region's pre-computed plan; another province's is not found for a provincial user."""
    get_sweep(session, sweep_id, principal=principal)
    row = session.scalar(
        select(SweepRegion).where(
            SweepRegion.sweep_id == sweep_id,
            SweepRegion.region_code == region_code,
            in_scope(principal, SweepRegion.province_code),
        )
    )
    if row is None:
        raise NotFoundError(f"Sweep {sweep_id} has no plan for region {region_code}.",
                            code="sweep.region_unknown", id=sweep_id,
                            region=region_code)  # fmt: skip
    return row
