"""plan assignments: the depth asked when a station got a coarser one, and the airport a
flown zone's mail lands at

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01 04:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
KEYED = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("plan_assignments", schema=None, table_kwargs=KEYED) as batch_op:
        batch_op.add_column(sa.Column("asked_depth", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("airport", sa.String(length=3), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_assignments", schema=None, table_kwargs=KEYED) as batch_op:
        batch_op.drop_column("airport")
        batch_op.drop_column("asked_depth")
