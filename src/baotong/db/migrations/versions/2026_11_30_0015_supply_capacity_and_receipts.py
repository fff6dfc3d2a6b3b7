"""emergency supply: supplier capacity per day (claimed by a guarded UPDATE) and the links
of demand tables' goods to the warehouse's expected receipts

Revision ID: 0015
Revises: 0007
Create Date: 2026-11-30 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supply_supplier_days",
        sa.Column("supplier_code", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.CheckConstraint("used >= 0", name=op.f("ck_supply_supplier_days_used_not_negative")),
        sa.PrimaryKeyConstraint("supplier_code", "day", name=op.f("pk_supply_supplier_days")),
    )
    # What existing allocations already take.
    op.execute(
        "INSERT INTO supply_supplier_days (supplier_code, day, used) "
        "SELECT supplier_code, day, SUM(quantity) FROM supply_allocations "
        "GROUP BY supplier_code, day"
    )
    op.create_table(
        "supply_receipt_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=True),
        sa.Column("sku_code", sa.String(length=32), nullable=False),
        sa.Column("supplier_code", sa.String(length=32), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("lot", sa.String(length=48), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("warehouse_code", sa.String(length=32), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("received", sa.Integer(), nullable=True),
        sa.Column("damaged", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["allocation_id"],
            ["supply_allocations.id"],
            name=op.f("fk_supply_receipt_links_allocation_id_supply_allocations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["supply_demand_lines.id"],
            name=op.f("fk_supply_receipt_links_line_id_supply_demand_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["supply_demand_tables.id"],
            name=op.f("fk_supply_receipt_links_table_id_supply_demand_tables"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_receipt_links")),
        sa.UniqueConstraint("key", name=op.f("uq_supply_receipt_links_key")),
    )
    op.create_index(
        op.f("ix_supply_receipt_links_document_id"),
        "supply_receipt_links",
        ["document_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_supply_receipt_links_table_id"), "supply_receipt_links", ["table_id"], unique=False
    )
    op.create_index(
        op.f("ix_supply_receipt_links_line_id"), "supply_receipt_links", ["line_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_supply_receipt_links_line_id"), table_name="supply_receipt_links")
    op.drop_index(op.f("ix_supply_receipt_links_table_id"), table_name="supply_receipt_links")
    op.drop_index(op.f("ix_supply_receipt_links_document_id"), table_name="supply_receipt_links")
    op.drop_table("supply_receipt_links")
    op.drop_table("supply_supplier_days")
