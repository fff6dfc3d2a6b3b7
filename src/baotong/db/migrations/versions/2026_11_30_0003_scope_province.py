"""scenarios and plan runs carry their province for scope filters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 06:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("scenarios", "plan_runs")


def upgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column("province_code", sa.String(length=6), nullable=True))
            batch_op.create_index(
                batch_op.f(f"ix_{name}_province_code"), ["province_code"], unique=False
            )
        table = sa.table(
            name, sa.column("id", sa.Integer), sa.column("provinces", sa.JSON),
            sa.column("province_code", sa.String),
        )  # fmt: skip
        connection = op.get_bind()
        for row_id, provinces in connection.execute(sa.select(table.c.id, table.c.provinces)):
            if provinces and len(provinces) == 1:
                connection.execute(
                    table.update()
                    .where(table.c.id == row_id)
                    .values(province_code=str(provinces[0]))
                )


def downgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{name}_province_code"))
            batch_op.drop_column("province_code")
