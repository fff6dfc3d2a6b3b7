"""plan assignments: the ferry ports a zone shipped to over a crossing leaves from and
arrives at

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-01 13:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
KEYED = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("plan_assignments", schema=None, table_kwargs=KEYED) as batch_op:
        batch_op.add_column(sa.Column("ferry_from", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("ferry_to", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_assignments", schema=None, table_kwargs=KEYED) as batch_op:
        batch_op.drop_column("ferry_to")
        batch_op.drop_column("ferry_from")
