"""the swap stated by each side, a run's end site

A shuttle's swap at the transfer station is recorded by each side on its own:
``swap_state`` (waiting → handed / received → done) and each side's statement,
``handed`` and ``received``. Shuttles swapped before are ``done`` (both sides stay in
``swap``). A run may name the network site it ends at (``end_site``), so the check can
ask for that site's operating permit or the processing centre's whitelist entry.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("transport_shuttles") as batch:
        batch.add_column(sa.Column("swap_state", sa.String(length=16), nullable=False,
                                   server_default="waiting"))  # fmt: skip
        batch.add_column(sa.Column("handed", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("received", sa.JSON(), nullable=True))
    shuttles = sa.table("transport_shuttles", sa.column("swap_state"), sa.column("stage"))
    op.execute(shuttles.update().where(shuttles.c.stage.in_(["swapped", "returned"]))
               .values(swap_state="done"))  # fmt: skip
    with op.batch_alter_table("transport_runs") as batch:
        batch.add_column(sa.Column("end_site", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("transport_runs") as batch:
        batch.drop_column("end_site")
    with op.batch_alter_table("transport_shuttles") as batch:
        batch.drop_column("received")
        batch.drop_column("handed")
        batch.drop_column("swap_state")
