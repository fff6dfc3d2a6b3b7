"""station items: when a refused item was put on its way back (退回)

Revision ID: 0030
Revises: 0028
Create Date: 2026-12-01 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
KEYED = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("station_items", schema=None, table_kwargs=KEYED) as batch_op:
        batch_op.add_column(sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("station_items", schema=None, table_kwargs=KEYED) as batch_op:
        batch_op.drop_column("returned_at")
