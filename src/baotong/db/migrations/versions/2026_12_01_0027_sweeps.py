"""sweeps: stored national sweeps and their regions' plans

``sweeps`` holds one row per stored sweep (its level, options, network, source folder and
the risk table); ``sweep_regions`` one row per region with its plan document and the
figures the console lists.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01 03:46:10.113498
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sweeps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("network", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("regions", sa.Integer(), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("risk", sa.JSON(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"], ["job_runs.id"], name=op.f("fk_sweeps_job_id_job_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sweeps")),
        sa.UniqueConstraint("digest", name=op.f("uq_sweeps_digest")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("sweeps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sweeps_job_id"), ["job_id"], unique=False)

    op.create_table(
        "sweep_regions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sweep_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("objective", sa.Float(), nullable=False),
        sa.Column("gap", sa.Float(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("cost", sa.JSON(), nullable=False),
        sa.Column("zones", sa.Integer(), nullable=False),
        sa.Column("volume", sa.Float(), nullable=False),
        sa.Column("unserved_zones", sa.Integer(), nullable=False),
        sa.Column("unserved_volume", sa.Float(), nullable=False),
        sa.Column("backups", sa.JSON(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sweep_id"],
            ["sweeps.id"],
            name=op.f("fk_sweep_regions_sweep_id_sweeps"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sweep_regions")),
        sa.UniqueConstraint("sweep_id", "region_code", name=op.f("uq_sweep_regions_sweep_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("sweep_regions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sweep_regions_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sweep_regions_sweep_id"), ["sweep_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sweep_regions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sweep_regions_sweep_id"))
        batch_op.drop_index(batch_op.f("ix_sweep_regions_province_code"))

    op.drop_table("sweep_regions")
    with op.batch_alter_table("sweeps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sweeps_job_id"))

    op.drop_table("sweeps")
