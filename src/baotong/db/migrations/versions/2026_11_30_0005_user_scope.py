"""users carry a typed scope: kind (national, province, warehouse, group point, call
centre) and code; existing users become national or provincial

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 06:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("national", "province", "warehouse", "group_point", "call_centre")


def upgrade() -> None:
    kind = sa.Enum(*KINDS, name="scopekind", native_enum=False, length=16)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope_kind", kind, nullable=True))
        batch_op.add_column(sa.Column("scope_code", sa.String(length=32), nullable=True))
    users = sa.table(
        "users",
        sa.column("province_code", sa.String),
        sa.column("scope_kind", sa.String),
        sa.column("scope_code", sa.String),
    )
    op.execute(users.update().where(users.c.province_code.is_(None)).values(scope_kind="national"))
    op.execute(
        users.update()
        .where(users.c.province_code.is_not(None))
        .values(scope_kind="province", scope_code=users.c.province_code)
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("scope_kind", existing_type=kind, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("scope_code")
        batch_op.drop_column("scope_kind")
