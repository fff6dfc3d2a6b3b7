"""emergency supply: demand tables and lines, quotation rounds, the quote and confirm
clocks, supplier contracts, allocations and the arrival handover

Revision ID: 0009
Revises: 0010
Create Date: 2026-11-30 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supply_demand_tables",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "early", "peak", "recovery", name="outbreakstage", native_enum=False, length=16
            ),
            nullable=True,
        ),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "quoted",
                "confirmed",
                "partly_confirmed",
                "rejected",
                "contracted",
                "allocated",
                "arriving",
                "received",
                "closed",
                "cancelled",
                name="demandstatus",
                native_enum=False,
            ),
            nullable=False,
        ),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("source_file", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("quoted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["deputy_id"], ["users.id"], name=op.f("fk_supply_demand_tables_deputy_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_supply_demand_tables_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_demand_tables")),
    )
    with op.batch_alter_table("supply_demand_tables", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supply_demand_tables_owner_id"), ["owner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supply_demand_tables_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supply_demand_tables_status"), ["status"], unique=False
        )

    op.create_table(
        "supply_clocks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("quote", "confirm", name="clockkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("remind_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("met_by", sa.String(length=64), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("breached_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["supply_demand_tables.id"],
            name=op.f("fk_supply_clocks_table_id_supply_demand_tables"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_clocks")),
        sa.UniqueConstraint("table_id", "kind", "round", name=op.f("uq_supply_clocks_table_id")),
    )
    with op.batch_alter_table("supply_clocks", schema=None) as batch_op:
        batch_op.create_index("ix_supply_clocks_open", ["met_at", "due_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_supply_clocks_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_supply_clocks_table_id"), ["table_id"], unique=False)

    op.create_table(
        "supply_contracts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("supplier_code", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("delivery_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivery_to", sa.DateTime(timezone=True), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("signed_by", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["supply_demand_tables.id"],
            name=op.f("fk_supply_contracts_table_id_supply_demand_tables"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_contracts")),
        sa.UniqueConstraint("table_id", "supplier_code", name=op.f("uq_supply_contracts_table_id")),
    )
    with op.batch_alter_table("supply_contracts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supply_contracts_table_id"), ["table_id"], unique=False
        )

    op.create_table(
        "supply_demand_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "source_kind",
            sa.Enum(
                "government",
                "large_customer",
                "group_buy",
                name="sourcekind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("source_name", sa.String(length=200), nullable=False),
        sa.Column(
            "item_kind",
            sa.Enum("sku", "kit", name="itemkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("item_code", sa.String(length=32), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column(
            "site_kind",
            sa.Enum(
                "transfer_station", "government_site", name="sitekind", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("site_name", sa.String(length=200), nullable=False),
        sa.Column("needed_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column(
            "shipping_mode",
            sa.Enum("direct", "consolidated", name="shippingmode", native_enum=False, length=16),
            nullable=True,
        ),
        sa.Column("shipping_reason", sa.String(length=32), nullable=True),
        sa.Column("shipping_overridden", sa.Boolean(), nullable=False),
        sa.Column("shipping_comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["supply_demand_tables.id"],
            name=op.f("fk_supply_demand_lines_table_id_supply_demand_tables"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_demand_lines")),
        sa.UniqueConstraint("table_id", "position", name=op.f("uq_supply_demand_lines_table_id")),
    )
    with op.batch_alter_table("supply_demand_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supply_demand_lines_table_id"), ["table_id"], unique=False
        )

    op.create_table(
        "supply_allocations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("supplier_code", sa.String(length=32), nullable=False),
        sa.Column("sku_code", sa.String(length=32), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["supply_demand_lines.id"],
            name=op.f("fk_supply_allocations_line_id_supply_demand_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["supply_demand_tables.id"],
            name=op.f("fk_supply_allocations_table_id_supply_demand_tables"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_allocations")),
    )
    with op.batch_alter_table("supply_allocations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supply_allocations_line_id"), ["line_id"], unique=False
        )
        batch_op.create_index(
            "ix_supply_allocations_supplier_day", ["supplier_code", "day"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supply_allocations_table_id"), ["table_id"], unique=False
        )

    op.create_table(
        "supply_arrivals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("short", sa.Integer(), nullable=False),
        sa.Column("damaged", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("photos", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("receiver_signed_by", sa.String(length=64), nullable=True),
        sa.Column("receiver_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deliverer_signed_by", sa.String(length=64), nullable=True),
        sa.Column("deliverer_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["supply_demand_lines.id"],
            name=op.f("fk_supply_arrivals_line_id_supply_demand_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["supply_demand_tables.id"],
            name=op.f("fk_supply_arrivals_table_id_supply_demand_tables"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_arrivals")),
        sa.UniqueConstraint("line_id", name=op.f("uq_supply_arrivals_line_id")),
    )
    with op.batch_alter_table("supply_arrivals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supply_arrivals_table_id"), ["table_id"], unique=False)

    op.create_table(
        "supply_quote_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("supplier_code", sa.String(length=32), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("available_quantity", sa.Integer(), nullable=False),
        sa.Column("lead_time_hours", sa.Integer(), nullable=False),
        sa.Column("substitute_code", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("quoted_by", sa.String(length=64), nullable=False),
        sa.Column("quoted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "pending",
                "accepted",
                "rejected",
                "superseded",
                name="decision",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["supply_contracts.id"],
            name=op.f("fk_supply_quote_lines_contract_id_supply_contracts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["supply_demand_lines.id"],
            name=op.f("fk_supply_quote_lines_line_id_supply_demand_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["supply_demand_tables.id"],
            name=op.f("fk_supply_quote_lines_table_id_supply_demand_tables"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_quote_lines")),
        sa.UniqueConstraint("line_id", "round", name=op.f("uq_supply_quote_lines_line_id")),
    )
    with op.batch_alter_table("supply_quote_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supply_quote_lines_contract_id"), ["contract_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supply_quote_lines_line_id"), ["line_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supply_quote_lines_table_id"), ["table_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("supply_quote_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supply_quote_lines_table_id"))
        batch_op.drop_index(batch_op.f("ix_supply_quote_lines_line_id"))
        batch_op.drop_index(batch_op.f("ix_supply_quote_lines_contract_id"))

    op.drop_table("supply_quote_lines")
    with op.batch_alter_table("supply_arrivals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supply_arrivals_table_id"))

    op.drop_table("supply_arrivals")
    with op.batch_alter_table("supply_allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supply_allocations_table_id"))
        batch_op.drop_index("ix_supply_allocations_supplier_day")
        batch_op.drop_index(batch_op.f("ix_supply_allocations_line_id"))

    op.drop_table("supply_allocations")
    with op.batch_alter_table("supply_demand_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supply_demand_lines_table_id"))

    op.drop_table("supply_demand_lines")
    with op.batch_alter_table("supply_contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supply_contracts_table_id"))

    op.drop_table("supply_contracts")
    with op.batch_alter_table("supply_clocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supply_clocks_table_id"))
        batch_op.drop_index(batch_op.f("ix_supply_clocks_province_code"))
        batch_op.drop_index("ix_supply_clocks_open")

    op.drop_table("supply_clocks")
    with op.batch_alter_table("supply_demand_tables", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supply_demand_tables_status"))
        batch_op.drop_index(batch_op.f("ix_supply_demand_tables_province_code"))
        batch_op.drop_index(batch_op.f("ix_supply_demand_tables_owner_id"))

    op.drop_table("supply_demand_tables")
