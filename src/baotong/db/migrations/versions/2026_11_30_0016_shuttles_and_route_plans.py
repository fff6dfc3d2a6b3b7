"""transport: timetabled shuttles with their trailer swap, route plans solved in the
background, and the kind of a handover's evidence (photo or signature)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 13:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str, length: int = 16) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=False, length=length)


def upgrade() -> None:
    op.create_table(
        "transport_shuttles",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("trailer_id", sa.Integer(), nullable=False),
        sa.Column("warehouse_code", sa.String(length=32), nullable=False),
        sa.Column("station", sa.String(length=100), nullable=False),
        sa.Column("departs_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("arrives_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("departed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("swapped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dispatch_ids", sa.JSON(), nullable=False),
        sa.Column("load_ref", sa.String(length=40), nullable=False),
        sa.Column("packages", sa.Integer(), nullable=False),
        sa.Column("seal", sa.String(length=40), nullable=True),
        sa.Column("stage", _enum("shuttlestage", "loading", "on_road", "at_station", "swapped",
                                 "returned", length=20), nullable=False),  # fmt: skip
        sa.Column("swap", sa.JSON(), nullable=True),
        sa.Column("discrepancies", sa.JSON(), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["transport_runs.id"],
                                name=op.f("fk_transport_shuttles_run_id_transport_runs")),
        sa.ForeignKeyConstraint(["trailer_id"], ["vehicles.id"],
                                name=op.f("fk_transport_shuttles_trailer_id_vehicles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transport_shuttles")),
    )  # fmt: skip
    for column in ("trailer_id", "departs_at", "load_ref", "stage", "province_code"):
        op.create_index(op.f(f"ix_transport_shuttles_{column}"), "transport_shuttles", [column])
    op.create_table(
        "transport_route_plans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("depot", sa.JSON(), nullable=False),
        sa.Column("stops", sa.JSON(), nullable=False),
        sa.Column("fleet", sa.JSON(), nullable=False),
        sa.Column("excluded", sa.JSON(), nullable=False),
        sa.Column("speed_kmh", sa.Float(), nullable=False),
        sa.Column("time_limit_s", sa.Float(), nullable=False),
        sa.Column(
            "state", _enum("planstate", "draft", "solving", "solved", "failed"), nullable=False
        ),  # fmt: skip
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("solved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transport_route_plans")),
    )
    for column in ("plan_date", "state", "province_code"):
        op.create_index(op.f(f"ix_transport_route_plans_{column}"), "transport_route_plans",
                        [column])  # fmt: skip
    with op.batch_alter_table("handover_evidence") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=False,
                                   server_default="photo"))  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("handover_evidence") as batch:
        batch.drop_column("kind")
    op.drop_table("transport_route_plans")
    op.drop_table("transport_shuttles")
