"""state versions: a token per piece of shared state that processes cache

``state_versions`` holds one row per cached state (``in_force``: plans in force, their
claims, closed sites, public announcements); each write to that state sets a new token in
its own transaction, and a process reloads its copy when the token it reads has changed.

Revision ID: 0024
Revises: 0020
Create Date: 2026-11-30 21:40:00.000000
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "state_versions",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_state_versions")),
    )
    op.bulk_insert(table, [{"name": "in_force", "token": uuid.uuid4().hex}])


def downgrade() -> None:
    op.drop_table("state_versions")
