"""Database rows of background work: job runs and deadlines.

A job run walks queued → running → succeeded / failed / cancelled. Its runner (the
service process that submitted it) beats ``heartbeat_at`` while it lives; a run whose
runner stopped beating is failed with the reason by any other runner's sweep.

A deadline is something due at a time (a supply clock, a ticket's SLA, an instruction
not yet acknowledged): pending until the sweep fires it, exactly once, then fired (or
failed, with the error, when its handler raised); cancelled when it no longer applies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from baotong.core.enums import LabelledEnum
from baotong.core.i18n import N_
from baotong.db.base import Base
from baotong.db.types import enum_type


class JobStatus(LabelledEnum, key="run"):
    QUEUED = "queued", "orange"
    RUNNING = "running", "orange"
    SUCCEEDED = "succeeded", "green"
    FAILED = "failed", "red"
    CANCELLED = "cancelled", "red"


WAITING = (JobStatus.QUEUED, JobStatus.RUNNING)
DONE = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class DeadlineState(LabelledEnum):
    PENDING = "pending", "orange"
    FIRED = "fired", "green"
    FAILED = "failed", "red"
    CANCELLED = "cancelled", "gray"


# transition() names its errors after the noun and the column; their words are here.
N_("error.job.wrong_status")
N_("error.deadline.wrong_state")


class JobRun(Base):
    __tablename__ = "job_runs"
    noun = "job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)  # "plan.compute"
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[JobStatus] = mapped_column(enum_type(JobStatus), index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    runner_id: Mapped[str | None] = mapped_column(String(64))  # the process that runs it
    heartbeat_at: Mapped[datetime | None]  # last sign of life of that process
    error: Mapped[str | None] = mapped_column(Text)
    result_ref: Mapped[str | None] = mapped_column(String(200))  # where the handler put it
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class Deadline(Base):
    __tablename__ = "deadlines"
    __table_args__ = (
        Index("ix_deadlines_state_due_at", "state", "due_at"),
        Index("ix_deadlines_subject", "subject_type", "subject_id"),
    )
    noun = "deadline"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)  # "supply.clock"
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime]
    state: Mapped[DeadlineState] = mapped_column(enum_type(DeadlineState))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    fired_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
