"""each user reads times in their own zone; a county is held by one active or scheduled
plan at a time (area_claims)

Revision ID: 0008
Revises: 0012
Create Date: 2026-11-30 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "time_zone", sa.String(length=64), nullable=False, server_default="Asia/Shanghai"
            )
        )
    op.create_table(
        "area_claims",
        sa.Column("county_code", sa.String(length=12), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan_runs.id"],
            name=op.f("fk_area_claims_plan_id_plan_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("county_code", name=op.f("pk_area_claims")),
    )
    with op.batch_alter_table("area_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_claims_plan_id"), ["plan_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("area_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_claims_plan_id"))
    op.drop_table("area_claims")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
