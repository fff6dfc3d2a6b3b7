"""shuttle loads as rows, a route plan's state from its job

A shuttle's loads become ``transport_shuttle_loads``: one row per dispatch document, with
the seal and the packages it left with, the document unique (it rides one shuttle only);
the swap compares seals and counts load by load. The shuttles' ``dispatch_ids`` lists are
moved into it.

A route plan no longer stores a state: it is read from its job (``job_id`` now references
``job_runs``) and the result the job left, so a cancelled or crashed job cannot leave a
plan "solving".

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 19:00:00.000000
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    op.create_table(
        "transport_shuttle_loads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shuttle_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("seal", sa.String(length=40), nullable=True),
        sa.Column("packages", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shuttle_id"], ["transport_shuttles.id"], ondelete="CASCADE",
            name=op.f("fk_transport_shuttle_loads_shuttle_id_transport_shuttles")),
        sa.ForeignKeyConstraint(["document_id"], ["wh_documents.id"],
                                name=op.f("fk_transport_shuttle_loads_document_id_wh_documents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transport_shuttle_loads")),
        sa.UniqueConstraint("document_id", name=op.f("uq_transport_shuttle_loads_document_id")),
        sqlite_autoincrement=True,
    )  # fmt: skip
    op.create_index(op.f("ix_transport_shuttle_loads_shuttle_id"), "transport_shuttle_loads",
                    ["shuttle_id"])  # fmt: skip
    bind = op.get_bind()
    loads = sa.table(
        "transport_shuttle_loads",
        sa.column("shuttle_id"),
        sa.column("document_id"),
        sa.column("seal"),
        sa.column("packages"),
    )
    for shuttle_id, ids in bind.execute(sa.text("SELECT id, dispatch_ids FROM transport_shuttles"
                                                " ORDER BY id")).all():  # fmt: skip
        for doc_id in _json(ids) or []:
            data = bind.execute(sa.text("SELECT data FROM wh_documents WHERE id = :id"),
                                {"id": int(doc_id)}).scalar()  # fmt: skip
            handover = (_json(data) or {}).get("handover", {})
            bind.execute(loads.insert().values(
                shuttle_id=shuttle_id, document_id=int(doc_id),
                seal=str(handover.get("seal") or "")[:40] or None,
                packages=len(handover.get("packages") or [])))  # fmt: skip
    with op.batch_alter_table("transport_shuttles",
                              table_kwargs={"sqlite_autoincrement": True}) as batch:  # fmt: skip
        batch.drop_column("dispatch_ids")
    with op.batch_alter_table("transport_route_plans",
                              table_kwargs={"sqlite_autoincrement": True}) as batch:  # fmt: skip
        batch.drop_index("ix_transport_route_plans_state")
        batch.drop_column("state")
        batch.create_index(op.f("ix_transport_route_plans_job_id"), ["job_id"])
        batch.create_foreign_key(op.f("fk_transport_route_plans_job_id_job_runs"), "job_runs",
                                 ["job_id"], ["id"])  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("transport_route_plans",
                              table_kwargs={"sqlite_autoincrement": True}) as batch:  # fmt: skip
        batch.drop_constraint(op.f("fk_transport_route_plans_job_id_job_runs"),
                              type_="foreignkey")  # fmt: skip
        batch.drop_index(op.f("ix_transport_route_plans_job_id"))
        batch.add_column(sa.Column("state", sa.Enum("draft", "solving", "solved", "failed",
                                                    name="planstate", native_enum=False,
                                                    create_constraint=False, length=16),
                                   nullable=False, server_default="solved"))  # fmt: skip
        batch.create_index("ix_transport_route_plans_state", ["state"])
    with op.batch_alter_table("transport_shuttles",
                              table_kwargs={"sqlite_autoincrement": True}) as batch:  # fmt: skip
        batch.add_column(sa.Column("dispatch_ids", sa.JSON(), nullable=False,
                                   server_default="[]"))  # fmt: skip
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT shuttle_id, document_id FROM transport_shuttle_loads"
                                " ORDER BY id")).all()  # fmt: skip
    carried: dict[int, list[int]] = {}
    for shuttle_id, doc_id in rows:
        carried.setdefault(shuttle_id, []).append(doc_id)
    shuttles = sa.table("transport_shuttles", sa.column("id"), sa.column("dispatch_ids", sa.JSON))
    for shuttle_id, ids in carried.items():
        bind.execute(shuttles.update().where(shuttles.c.id == shuttle_id)
                     .values(dispatch_ids=ids))  # fmt: skip
    op.drop_table("transport_shuttle_loads")
