"""Database rows of contingency planning: scenarios, plans and their lifecycle, the
normalised result rows, and the zone claims of active plans.

A plan is computed by a background job (``plan.compute``, a ``jobs`` run: queued →
running → succeeded / failed / cancelled) and then walks its lifecycle (draft → approved
→ [scheduled →] active → lifted). From its activation (scheduled or at once) a plan holds
one ``area_claims`` row per county it touches — a county, its stations, grids and
segments are one area, so a province plan and a city plan inside it conflict — and one
``zone_claims`` row per destination it re-routes. The primary keys let the database pick
exactly one winner when two plans claim the same area at the same moment; a claim counts
for routing only while its plan is active.

A scenario or plan whose locked areas lie in one province carries that province in
``province_code``: a provincial user's lists filter on it in SQL. Areas spanning several
provinces leave it empty, so only national users see them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from baotong.core.enums import LabelledEnum
from baotong.core.i18n import N_
from baotong.db.base import Base
from baotong.db.types import enum_type
from baotong.jobs.models import JobRun, JobStatus


class PlanLifecycle(LabelledEnum, key="lifecycle"):
    DRAFT = "draft", "blue"
    APPROVED = "approved", "orange"
    SCHEDULED = "scheduled", "purple"  # activated for a later time: in force from effective_at
    ACTIVE = "active", "green"
    LIFTED = "lifted", "gray"


# transition() names its errors after the noun and the column; their words are here.
N_("error.plan.wrong_lifecycle")
N_("error.plan.not_found")


class ScenarioRow(Base):
    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict[str, Any]]  # the planner's scenario schema, validated
    provinces: Mapped[list[Any]]  # province codes of the locked areas
    province_code: Mapped[str | None] = mapped_column(String(6), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PlanRun(Base):
    """A plan: the scenario it computed, its result, its lifecycle; ``job`` computes it."""

    __tablename__ = "plan_runs"
    noun = "plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    scenario_id: Mapped[int | None] = mapped_column(
        ForeignKey("scenarios.id", ondelete="SET NULL"), index=True
    )
    scenario_body: Mapped[dict[str, Any]]  # frozen copy: what this run computed
    provinces: Mapped[list[Any]]
    province_code: Mapped[str | None] = mapped_column(String(6), index=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    job_id: Mapped[int] = mapped_column(ForeignKey("job_runs.id"), index=True)
    job: Mapped[JobRun] = relationship(lazy="joined", innerjoin=True)
    result: Mapped[dict[str, Any] | None]
    lifecycle: Mapped[PlanLifecycle] = mapped_column(
        enum_type(PlanLifecycle), default=PlanLifecycle.DRAFT, index=True
    )
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None]
    activated_by: Mapped[str | None] = mapped_column(String(64))
    activated_at: Mapped[datetime | None]
    effective_at: Mapped[datetime | None]
    lifted_by: Mapped[str | None] = mapped_column(String(64))
    lifted_at: Mapped[datetime | None]

    @property
    def status(self) -> JobStatus:
        """How the computation stands (its job's status)."""
        return self.job.status

    @property
    def progress(self) -> float:
        return self.job.progress

    @property
    def message(self) -> str:
        return self.job.message

    @property
    def error(self) -> str | None:
        return self.job.error

    @property
    def started_at(self) -> datetime | None:
        return self.job.started_at

    @property
    def finished_at(self) -> datetime | None:
        return self.job.finished_at


class PlanAssignment(Base):
    """One sort destination of a plan and the backup centre that sorts it."""

    __tablename__ = "plan_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan_runs.id", ondelete="CASCADE"), index=True)
    destination: Mapped[str] = mapped_column(String(64))  # county code or station id
    zone_id: Mapped[str] = mapped_column(String(64))
    zone_kind: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str] = mapped_column(String(6))
    station_id: Mapped[str | None] = mapped_column(String(64))
    backup_center_id: Mapped[str] = mapped_column(String(64))
    volume: Mapped[float] = mapped_column(Float, default=0.0)
    chutes: Mapped[int] = mapped_column(Integer, default=0)
    asked_depth: Mapped[str | None] = mapped_column(String(16))  # when coarser than asked
    airport: Mapped[str | None] = mapped_column(String(3))  # a flown zone's landing airport
    # a zone shipped to over a ferry crossing: the port its mail leaves from and arrives at
    ferry_from: Mapped[str | None] = mapped_column(String(64))
    ferry_to: Mapped[str | None] = mapped_column(String(64))


class PlanRelationChange(Base):
    """A sort-plan or transit-relation change the plan makes, as the planner reported it."""

    __tablename__ = "plan_relation_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan_runs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # sort_plan | transit
    destination: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]


class ZoneClaim(Base):
    """A destination re-routed by an active plan; at most one plan claims a destination."""

    __tablename__ = "zone_claims"

    destination: Mapped[str] = mapped_column(String(64), primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan_runs.id", ondelete="CASCADE"), index=True)
    zone_id: Mapped[str] = mapped_column(String(64))
    backup_center_id: Mapped[str] = mapped_column(String(64))
    effective_at: Mapped[datetime]


class AreaClaim(Base):
    """A county held by an active or scheduled plan: at most one plan holds a county, so
    every destination in it (the county, its stations, grids and segments) has one answer."""

    __tablename__ = "area_claims"

    county_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan_runs.id", ondelete="CASCADE"), index=True)


class SweepRun(Base):
    """A national sweep: a pre-computed plan for every region of a level, stored for the
    service (from the CLI's folder, or computed by a ``sweep.run`` job from the console).

    ``digest`` identifies what was stored (the folder's ``sweep.json``): importing the same
    folder twice finds the first import. ``job`` is set for a sweep the console started.
    """

    __tablename__ = "sweeps"
    noun = "sweep"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    level: Mapped[str] = mapped_column(String(16))  # province | prefecture | all
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)  # time limit, classes, ...
    network: Mapped[str] = mapped_column(String(200))  # the network's name (its version)
    source: Mapped[str] = mapped_column(String(500))  # the folder, or "console"
    digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    regions: Mapped[int] = mapped_column(Integer, default=0)  # regions the sweep covers
    planned: Mapped[int] = mapped_column(Integer, default=0)  # regions with a stored plan
    risk: Mapped[list[Any]] = mapped_column(default=list)  # the risk table, most needed first
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job_runs.id"), index=True)
    job: Mapped[JobRun | None] = relationship(lazy="joined")
    created_by: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]

    @property
    def status(self) -> JobStatus:
        """How its computation stands; a sweep stored from a folder has succeeded."""
        return self.job.status if self.job is not None else JobStatus.SUCCEEDED

    @property
    def progress(self) -> float:
        return self.job.progress if self.job is not None else 1.0

    @property
    def message(self) -> str:
        return self.job.message if self.job is not None else "done"

    @property
    def error(self) -> str | None:
        return self.job.error if self.job is not None else None


class SweepRegion(Base):
    """One region's pre-computed lockdown plan in a sweep, with the figures lists show."""

    __tablename__ = "sweep_regions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sweep_id: Mapped[int] = mapped_column(ForeignKey("sweeps.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(6))
    name: Mapped[str] = mapped_column(String(200))
    province_code: Mapped[str] = mapped_column(String(6), index=True)  # its scope
    status: Mapped[str] = mapped_column(String(16))  # optimal | feasible | infeasible
    objective: Mapped[float] = mapped_column(Float, default=0.0)
    gap: Mapped[float] = mapped_column(Float, default=0.0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    cost: Mapped[dict[str, Any]] = mapped_column(default=dict)
    zones: Mapped[int] = mapped_column(Integer, default=0)
    volume: Mapped[float] = mapped_column(Float, default=0.0)  # items/day re-routed
    unserved_zones: Mapped[int] = mapped_column(Integer, default=0)
    unserved_volume: Mapped[float] = mapped_column(Float, default=0.0)
    backups: Mapped[dict[str, Any]] = mapped_column(default=dict)  # centre id → volume taken
    plan: Mapped[dict[str, Any]]  # the plan document ("baotong.plan/1")

    __table_args__ = (UniqueConstraint("sweep_id", "region_code"),)
