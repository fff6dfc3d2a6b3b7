"""job runs and deadlines; a plan's computation becomes its job run

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 06:50:00.000000

Every existing plan run gets a ``plan.compute`` job run with the same id, carrying its
status, progress, message, error, heartbeat and times; ``plan_runs`` keeps its lifecycle
and result and points at it with ``job_id``. The downgrade copies them back.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOVED = (
    "status",
    "progress",
    "message",
    "cancel_requested",
    "runner_id",
    "heartbeat_at",
    "error",
    "started_at",
    "finished_at",
)


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("runner_id", sa.String(length=64), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("result_ref", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
    )
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_runs_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_runs_status"), ["status"], unique=False)

    op.create_table(
        "deadlines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadlines")),
    )
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deadlines_kind"), ["kind"], unique=False)
        batch_op.create_index("ix_deadlines_state_due_at", ["state", "due_at"], unique=False)
        batch_op.create_index("ix_deadlines_subject", ["subject_type", "subject_id"], unique=False)

    _copy_runs_to_jobs()

    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("job_id", sa.Integer(), nullable=True))
    op.execute("UPDATE plan_runs SET job_id = id")
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.alter_column("job_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f("ix_plan_runs_job_id"), ["job_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_plan_runs_job_id_job_runs"), "job_runs", ["job_id"], ["id"]
        )
        batch_op.drop_index(batch_op.f("ix_plan_runs_status"))
        for column in MOVED:
            batch_op.drop_column(column)


def _copy_runs_to_jobs() -> None:
    bind = op.get_bind()
    runs = sa.table("plan_runs", sa.column("id"), sa.column("created_at"),
                    *(sa.column(c) for c in MOVED))  # fmt: skip
    jobs = sa.table(
        "job_runs",
        sa.column("id"),
        sa.column("kind"),
        sa.column("payload", sa.JSON()),
        sa.column("result_ref"),
        sa.column("created_at"),
        *(sa.column(c) for c in MOVED),
    )
    rows = [
        {
            **row._asdict(),
            "kind": "plan.compute",
            "payload": {"plan_id": row.id},
            "result_ref": f"plan_runs/{row.id}" if row.status == "succeeded" else None,
        }
        for row in bind.execute(sa.select(runs))
    ]
    if rows:
        bind.execute(sa.insert(jobs), rows)
    if bind.dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('job_runs', 'id'), "
            "COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM job_runs"
        )


def downgrade() -> None:
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("progress", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("message", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("cancel_requested", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("runner_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
    assignments = ", ".join(
        f"{c} = (SELECT job_runs.{c} FROM job_runs WHERE job_runs.id = plan_runs.job_id)"
        for c in MOVED
    )
    op.execute(f"UPDATE plan_runs SET {assignments}")
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=sa.String(length=16), nullable=False)
        batch_op.alter_column("progress", existing_type=sa.Float(), nullable=False)
        batch_op.alter_column("message", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("cancel_requested", existing_type=sa.Boolean(), nullable=False)
        batch_op.create_index(batch_op.f("ix_plan_runs_status"), ["status"], unique=False)
        batch_op.drop_constraint(batch_op.f("fk_plan_runs_job_id_job_runs"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_plan_runs_job_id"))
        batch_op.drop_column("job_id")

    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_deadlines_subject")
        batch_op.drop_index("ix_deadlines_state_due_at")
        batch_op.drop_index(batch_op.f("ix_deadlines_kind"))
    op.drop_table("deadlines")
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_runs_status"))
        batch_op.drop_index(batch_op.f("ix_job_runs_kind"))
    op.drop_table("job_runs")
