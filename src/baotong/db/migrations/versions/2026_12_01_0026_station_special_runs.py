"""station special runs, bags and call lists: inbound mail for a closed area

``station_special_runs`` are special runs (专趟) from a backup centre or transfer station
to a delivery station; ``station_bags`` their mail bags with what opening them found
missing or extra; ``station_items`` each item of a bag and, once scanned at opening, its
line of the station's call list (recipient, pickup point, contact state, delivery).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(*values: str) -> sa.Enum:
    return sa.Enum(*values, native_enum=False, create_constraint=False, length=16)


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def upgrade() -> None:
    op.create_table(
        "station_special_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("station_name", sa.String(length=100), nullable=False),
        sa.Column("origin", sa.String(length=64), nullable=False),
        sa.Column("origin_name", sa.String(length=100), nullable=False),
        sa.Column("origin_source", sa.String(length=16), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("load_ref", sa.String(length=40), nullable=False),
        sa.Column("stage", _enum("planned", "on_road", "arrived"), nullable=False),
        sa.Column("departed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_by", sa.String(length=100), nullable=True),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["transport_runs.id"],
                                name=op.f("fk_station_special_runs_run_id_transport_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_special_runs")),
        sqlite_autoincrement=True,
    )  # fmt: skip
    _index("station_special_runs", "run_id", "station_id", "load_ref", "stage", "province_code")
    op.create_table(
        "station_bags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("special_run_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("state", _enum("sealed", "opened"), nullable=False),
        sa.Column("manifest_count", sa.Integer(), nullable=False),
        sa.Column("scanned_count", sa.Integer(), nullable=True),
        sa.Column("missing", sa.JSON(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_by", sa.String(length=64), nullable=True),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["special_run_id"], ["station_special_runs.id"], ondelete="CASCADE",
            name=op.f("fk_station_bags_special_run_id_station_special_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_bags")),
        sqlite_autoincrement=True,
    )  # fmt: skip
    _index("station_bags", "special_run_id", "station_id", "state", "province_code")
    op.create_table(
        "station_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("bag_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  nullable=False),
        sa.Column("number", sa.String(length=13), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("in_manifest", sa.Boolean(), nullable=False),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("pickup_point", sa.String(length=100), nullable=False),
        sa.Column("contact", _enum("to_call", "no_answer", "reached", "appointment", "refused",
                                   "delivered"), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_call_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("appointment_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_to", sa.String(length=100), nullable=True),
        sa.Column("handover_id", sa.Integer(), nullable=True),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["bag_id"], ["station_bags.id"], ondelete="CASCADE",
                                name=op.f("fk_station_items_bag_id_station_bags")),
        sa.ForeignKeyConstraint(["item_id"], ["mail_items.id"],
                                name=op.f("fk_station_items_item_id_mail_items")),
        sa.ForeignKeyConstraint(["handover_id"], ["handovers.id"],
                                name=op.f("fk_station_items_handover_id_handovers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_items")),
        sa.UniqueConstraint("bag_id", "item_id", name=op.f("uq_station_items_bag_id")),
        sqlite_autoincrement=True,
    )  # fmt: skip
    _index("station_items", "item_id", "number", "station_id", "contact", "province_code")


def downgrade() -> None:
    op.drop_table("station_items")
    op.drop_table("station_bags")
    op.drop_table("station_special_runs")
