"""group buying: leaders, group points, offers, group orders, cut-offs, deliveries, after-sales

Revision ID: 0014
Revises: 0017
Create Date: 2026-11-30 13:27:30.117789
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gb_cutoffs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("central_warehouse", sa.String(length=32), nullable=True),
        sa.Column("demand_table_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gb_cutoffs")),
        sa.UniqueConstraint("province_code", "day", name="uq_gb_cutoffs_province_day"),
    )
    op.create_table(
        "gb_offers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column(
            "item_kind",
            sa.Enum("sku", "kit", name="itemkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("item_code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("daily_limit", sa.Integer(), nullable=False),
        sa.Column("prepaid", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("daily_limit > 0", name=op.f("ck_gb_offers_daily_limit_positive")),
        sa.CheckConstraint("price >= 0", name=op.f("ck_gb_offers_price_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gb_offers")),
        sa.UniqueConstraint("province_code", "item_code", name="uq_gb_offers_province_item"),
    )
    with op.batch_alter_table("gb_offers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gb_offers_province_code"), ["province_code"], unique=False
        )

    op.create_table(
        "gb_leaders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "shop_owner",
                "postal_staff",
                "pickup_point",
                "postal_retail",
                name="leadersource",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "registered",
                "trained",
                "active",
                "paused",
                name="leaderstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("training", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_gb_leaders_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gb_leaders")),
        sa.UniqueConstraint("code", name=op.f("uq_gb_leaders_code")),
    )
    with op.batch_alter_table("gb_leaders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gb_leaders_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_gb_leaders_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_gb_leaders_user_id"), ["user_id"], unique=False)

    op.create_table(
        "gb_pickup_points",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("forward_warehouse_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["forward_warehouse_id"],
            ["wh_warehouses.id"],
            name=op.f("fk_gb_pickup_points_forward_warehouse_id_wh_warehouses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gb_pickup_points")),
        sa.UniqueConstraint("code", name=op.f("uq_gb_pickup_points_code")),
    )
    with op.batch_alter_table("gb_pickup_points", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gb_pickup_points_forward_warehouse_id"),
            ["forward_warehouse_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_gb_pickup_points_province_code"), ["province_code"], unique=False
        )

    op.create_table(
        "gb_group_points",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("community_code", sa.String(length=6), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("pickup_point_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["gb_leaders.id"], name=op.f("fk_gb_group_points_leader_id_gb_leaders")
        ),
        sa.ForeignKeyConstraint(
            ["pickup_point_id"],
            ["gb_pickup_points.id"],
            name=op.f("fk_gb_group_points_pickup_point_id_gb_pickup_points"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gb_group_points")),
        sa.UniqueConstraint("code", name=op.f("uq_gb_group_points_code")),
    )
    with op.batch_alter_table("gb_group_points", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gb_group_points_community_code"), ["community_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gb_group_points_leader_id"), ["leader_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gb_group_points_pickup_point_id"), ["pickup_point_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gb_group_points_province_code"), ["province_code"], unique=False
        )

    op.create_table(
        "gb_group_orders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_point_id", sa.Integer(), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("cutoff_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "cut_off",
                "picking",
                "delivered",
                "handed_out",
                "cancelled",
                name="grouporderstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("token", sa.String(length=48), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cut_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_point_id"],
            ["gb_group_points.id"],
            name=op.f("fk_gb_group_orders_group_point_id_gb_group_points"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gb_group_orders")),
        sa.UniqueConstraint("group_point_id", "day", name="uq_gb_group_orders_point_day"),
        sa.UniqueConstraint("token", name=op.f("uq_gb_group_orders_token")),
    )
    with op.batch_alter_table("gb_group_orders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_gb_group_orders_province_day", ["province_code", "day"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_gb_group_orders_status"), ["status"], unique=False)

    op.create_table(
        "gb_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cutoff_id", sa.Integer(), nullable=False),
        sa.Column("group_order_id", sa.Integer(), nullable=False),
        sa.Column("forward_warehouse", sa.String(length=32), nullable=False),
        sa.Column("route", sa.Integer(), nullable=False),
        sa.Column("stop", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("packages", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum("planned", "delivered", name="deliverystatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["cutoff_id"],
            ["gb_cutoffs.id"],
            name=op.f("fk_gb_deliveries_cutoff_id_gb_cutoffs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_order_id"],
            ["gb_group_orders.id"],
            name=op.f("fk_gb_deliveries_group_order_id_gb_group_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["transport_runs.id"], name=op.f("fk_gb_deliveries_run_id_transport_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gb_deliveries")),
        sa.UniqueConstraint("group_order_id", name=op.f("uq_gb_deliveries_group_order_id")),
    )
    op.create_table(
        "gb_resident_orders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_order_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("nickname", sa.String(length=32), nullable=False),
        sa.Column("building", sa.String(length=16), nullable=False),
        sa.Column("room", sa.String(length=16), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("bad_codes", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "placed", "cancelled", name="residentorderstatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("collected_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_order_id"],
            ["gb_group_orders.id"],
            name=op.f("fk_gb_resident_orders_group_order_id_gb_group_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gb_resident_orders")),
        sa.UniqueConstraint("group_order_id", "seq", name="uq_gb_resident_orders_seq"),
    )
    with op.batch_alter_table("gb_resident_orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gb_resident_orders_group_order_id"), ["group_order_id"], unique=False
        )

    op.create_table(
        "gb_after_sales",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("resident_order_id", sa.Integer(), nullable=False),
        sa.Column("group_order_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "missing", "damaged", "wrong_item", name="casekind", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("item_code", sa.String(length=32), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "open",
                "refunded",
                "replaced",
                "rejected",
                name="caseoutcome",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_order_id"],
            ["gb_group_orders.id"],
            name=op.f("fk_gb_after_sales_group_order_id_gb_group_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_order_id"],
            ["gb_resident_orders.id"],
            name=op.f("fk_gb_after_sales_resident_order_id_gb_resident_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gb_after_sales")),
    )
    with op.batch_alter_table("gb_after_sales", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gb_after_sales_group_order_id"), ["group_order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gb_after_sales_resident_order_id"), ["resident_order_id"], unique=False
        )

    op.create_table(
        "gb_resident_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("resident_order_id", sa.Integer(), nullable=False),
        sa.Column("group_order_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=32), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("allocated", sa.Integer(), nullable=True),
        sa.CheckConstraint("qty > 0", name=op.f("ck_gb_resident_lines_qty_positive")),
        sa.ForeignKeyConstraint(
            ["group_order_id"],
            ["gb_group_orders.id"],
            name=op.f("fk_gb_resident_lines_group_order_id_gb_group_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["gb_offers.id"], name=op.f("fk_gb_resident_lines_offer_id_gb_offers")
        ),
        sa.ForeignKeyConstraint(
            ["resident_order_id"],
            ["gb_resident_orders.id"],
            name=op.f("fk_gb_resident_lines_resident_order_id_gb_resident_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gb_resident_lines")),
    )
    with op.batch_alter_table("gb_resident_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gb_resident_lines_group_order_id"), ["group_order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gb_resident_lines_resident_order_id"),
            ["resident_order_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("gb_resident_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gb_resident_lines_resident_order_id"))
        batch_op.drop_index(batch_op.f("ix_gb_resident_lines_group_order_id"))

    op.drop_table("gb_resident_lines")
    with op.batch_alter_table("gb_after_sales", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gb_after_sales_resident_order_id"))
        batch_op.drop_index(batch_op.f("ix_gb_after_sales_group_order_id"))

    op.drop_table("gb_after_sales")
    with op.batch_alter_table("gb_resident_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gb_resident_orders_group_order_id"))

    op.drop_table("gb_resident_orders")
    op.drop_table("gb_deliveries")
    with op.batch_alter_table("gb_group_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gb_group_orders_status"))
        batch_op.drop_index("ix_gb_group_orders_province_day")

    op.drop_table("gb_group_orders")
    with op.batch_alter_table("gb_group_points", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gb_group_points_province_code"))
        batch_op.drop_index(batch_op.f("ix_gb_group_points_pickup_point_id"))
        batch_op.drop_index(batch_op.f("ix_gb_group_points_leader_id"))
        batch_op.drop_index(batch_op.f("ix_gb_group_points_community_code"))

    op.drop_table("gb_group_points")
    with op.batch_alter_table("gb_pickup_points", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gb_pickup_points_province_code"))
        batch_op.drop_index(batch_op.f("ix_gb_pickup_points_forward_warehouse_id"))

    op.drop_table("gb_pickup_points")
    with op.batch_alter_table("gb_leaders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gb_leaders_user_id"))
        batch_op.drop_index(batch_op.f("ix_gb_leaders_status"))
        batch_op.drop_index(batch_op.f("ix_gb_leaders_province_code"))

    op.drop_table("gb_leaders")
    with op.batch_alter_table("gb_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gb_offers_province_code"))

    op.drop_table("gb_offers")
    op.drop_table("gb_cutoffs")
