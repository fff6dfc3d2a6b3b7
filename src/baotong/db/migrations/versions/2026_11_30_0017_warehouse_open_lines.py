"""wh_document_lines: a partial index of the lines not done yet, per document — the query
every scan ends with (is any line of the document still open?) reads one entry instead of
every line of a long pick list

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 14:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("qty_done < qty")


def upgrade() -> None:
    with op.batch_alter_table("wh_document_lines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_wh_document_lines_open",
            ["document_id"],
            unique=False,
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        )


def downgrade() -> None:
    with op.batch_alter_table("wh_document_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_wh_document_lines_open")
