"""Database rows of contingency planning: scenarios, plan runs and their lifecycle,
the normalised result rows, and the zone claims of active plans.

A plan run is computed in the background (``status``: queued → running → succeeded /
failed / cancelled) and then walks its lifecycle (``lifecycle``: draft → approved →
active → lifted). While a plan is active it holds one ``zone_claims`` row per destination
it re-routes; the UNIQUE key on ``destination`` lets the database pick exactly one winner
when two plans claim the same zone at the same moment.

A scenario or plan whose locked areas lie in one province carries that province in
``province_code``: a provincial user's lists filter on it in SQL. Areas spanning several
provinces leave it empty, so only national users see them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from baotong.db.base import Base


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
    __tablename__ = "plan_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    scenario_id: Mapped[int | None] = mapped_column(
        ForeignKey("scenarios.id", ondelete="SET NULL"), index=True
    )
    scenario_body: Mapped[dict[str, Any]]  # frozen copy: what this run computed
    provinces: Mapped[list[Any]]
    province_code: Mapped[str | None] = mapped_column(String(6), index=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    runner_id: Mapped[str | None] = mapped_column(String(64))  # process computing it
    heartbeat_at: Mapped[datetime | None]  # last sign of life of that process
    result: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)
    lifecycle: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None]
    activated_by: Mapped[str | None] = mapped_column(String(64))
    activated_at: Mapped[datetime | None]
    effective_at: Mapped[datetime | None]
    lifted_by: Mapped[str | None] = mapped_column(String(64))
    lifted_at: Mapped[datetime | None]


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
