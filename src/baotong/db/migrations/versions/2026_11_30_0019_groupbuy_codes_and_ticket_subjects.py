"""group buying and the service desk: wrong edit codes are counted per try in
gb_code_failures (a growing wait, never a lock — gb_resident_orders.bad_codes goes), one
placed order per phone and group order is a partial unique index, and a ticket may be about
something else than a mail item (item_id and item_number nullable, subject_kind and
subject_ref: an after-sales case's group order)

On SQLite the tickets table is rebuilt in batch mode; env.py runs SQLite migrations with
foreign keys off, so the tickets' events stay.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLACED = sa.text("status = 'placed'")
# A rebuilt table keeps its never-reused ids (AUTOINCREMENT, see 0018).
KEYED = {"sqlite_autoincrement": True}


def upgrade() -> None:
    op.create_table(
        "gb_code_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_order_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_order_id"],
            ["gb_group_orders.id"],
            name=op.f("fk_gb_code_failures_group_order_id_gb_group_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gb_code_failures")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("gb_code_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gb_code_failures_address"), ["address"])
        batch_op.create_index(batch_op.f("ix_gb_code_failures_at"), ["at"])
        batch_op.create_index("ix_gb_code_failures_order_seq", ["group_order_id", "seq"])
    with op.batch_alter_table("gb_resident_orders", schema=None, table_kwargs=KEYED) as batch_op:
        batch_op.drop_column("bad_codes")
        batch_op.create_index(
            "uq_gb_resident_orders_phone_placed",
            ["group_order_id", "phone"],
            unique=True,
            postgresql_where=PLACED,
            sqlite_where=PLACED,
        )
    with op.batch_alter_table("tickets", schema=None, table_kwargs=KEYED) as batch_op:
        batch_op.add_column(sa.Column("subject_kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("subject_ref", sa.String(length=32), nullable=True))
        batch_op.alter_column("item_id", existing_type=sa.BigInteger(), nullable=True)
        batch_op.alter_column("item_number", existing_type=sa.String(length=13), nullable=True)
        batch_op.create_index(batch_op.f("ix_tickets_subject_ref"), ["subject_ref"])


def downgrade() -> None:
    # Tickets without a mail item cannot go back to a schema that requires one.
    op.execute("DELETE FROM tickets WHERE item_id IS NULL")
    with op.batch_alter_table("tickets", schema=None, table_kwargs=KEYED) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_subject_ref"))
        batch_op.alter_column("item_number", existing_type=sa.String(length=13), nullable=False)
        batch_op.alter_column("item_id", existing_type=sa.BigInteger(), nullable=False)
        batch_op.drop_column("subject_ref")
        batch_op.drop_column("subject_kind")
    with op.batch_alter_table("gb_resident_orders", schema=None, table_kwargs=KEYED) as batch_op:
        batch_op.drop_index("uq_gb_resident_orders_phone_placed")
        batch_op.add_column(
            sa.Column("bad_codes", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("gb_code_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_gb_code_failures_order_seq")
        batch_op.drop_index(batch_op.f("ix_gb_code_failures_at"))
        batch_op.drop_index(batch_op.f("ix_gb_code_failures_address"))
    op.drop_table("gb_code_failures")
