"""transport: vehicles, people, credentials (passes, green channels, whitelists, permits),
runs, and handovers with their evidence (the chain of custody)

Revision ID: 0013
Revises: 0006
Create Date: 2026-11-30 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str, length: int = 16) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=False, length=length)


def upgrade() -> None:
    op.create_table(
        "vehicles",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plate", sa.String(length=16), nullable=False),
        sa.Column(
            "kind", _enum("vehiclekind", "tractor", "trailer", "truck", "van"), nullable=False
        ),
        sa.Column("capacity_kg", sa.Float(), nullable=False),
        sa.Column("capacity_m3", sa.Float(), nullable=False),
        sa.Column("packages", sa.Integer(), nullable=False),
        sa.Column("cold_chain", sa.Boolean(), nullable=False),
        sa.Column("home_site", sa.String(length=32), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicles")),
        sa.UniqueConstraint("plate", name=op.f("uq_vehicles_plate")),
    )
    op.create_index(op.f("ix_vehicles_province_code"), "vehicles", ["province_code"])
    op.create_table(
        "transport_people",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("job", sa.String(length=32), nullable=False),
        sa.Column("site", sa.String(length=32), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transport_people")),
    )
    op.create_index(op.f("ix_transport_people_province_code"), "transport_people",
                    ["province_code"])  # fmt: skip
    op.create_table(
        "credentials",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "kind",
            _enum(
                "credentialkind", "vehicle_pass", "green_channel", "staff_whitelist", "site_permit"
            ),
            nullable=False,
        ),  # fmt: skip
        sa.Column("vehicle_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.String(length=32), nullable=True),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("route_types", sa.JSON(), nullable=False),
        sa.Column("authority", sa.String(length=100), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=True),
        sa.Column("closed_loop", sa.Boolean(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column(
            "state",
            _enum("credentialstate", "requested", "submitted", "granted", "refused", "expired"),
            nullable=False,
        ),  # fmt: skip
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicles.id"],
            ondelete="CASCADE",
            name=op.f("fk_credentials_vehicle_id_vehicles"),
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["transport_people.id"],
            ondelete="CASCADE",
            name=op.f("fk_credentials_person_id_transport_people"),
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credentials")),
    )
    for column in ("kind", "valid_to", "state", "province_code"):
        op.create_index(op.f(f"ix_credentials_{column}"), "credentials", [column])
    op.create_table(
        "transport_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", _enum("runkind", "zone_run", "shuttle", "delivery"), nullable=False),
        sa.Column("run_date", sa.Date(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("driver_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=64), nullable=False),
        sa.Column("destination_code", sa.String(length=6), nullable=False),
        sa.Column(
            "route_type",
            _enum("routetype", "inter_provincial", "intra_provincial", "city"),
            nullable=False,
        ),  # fmt: skip
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column(
            "state", _enum("runstate", "planned", "dispatched", "done", "cancelled"), nullable=False
        ),  # fmt: skip
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dispatched_by", sa.String(length=64), nullable=True),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["vehicle_id"], ["vehicles.id"], name=op.f("fk_transport_runs_vehicle_id_vehicles")
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["driver_id"],
            ["transport_people.id"],
            name=op.f("fk_transport_runs_driver_id_transport_people"),
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transport_runs")),
    )
    for column in ("run_date", "state", "province_code"):
        op.create_index(op.f(f"ix_transport_runs_{column}"), "transport_runs", [column])
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("load_ref", sa.String(length=40), nullable=False),
        sa.Column(
            "leg",
            _enum(
                "leg",
                "supplier_to_point",
                "point_to_shuttle",
                "swap",
                "to_delivery",
                "to_recipient",
                "centre_to_station",
                length=20,
            ),
            nullable=False,
        ),  # fmt: skip
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("from_party", sa.String(length=100), nullable=False),
        sa.Column("to_party", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("short", sa.Integer(), nullable=False),
        sa.Column("damaged", sa.Integer(), nullable=False),
        sa.Column("seal", sa.String(length=40), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["transport_runs.id"], name=op.f("fk_handovers_run_id_transport_runs")
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
    )
    op.create_index(op.f("ix_handovers_load_ref"), "handovers", ["load_ref"])
    op.create_index(op.f("ix_handovers_province_code"), "handovers", ["province_code"])
    op.create_table(
        "handover_evidence",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=100), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handover_id"],
            ["handovers.id"],
            ondelete="CASCADE",
            name=op.f("fk_handover_evidence_handover_id_handovers"),
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_evidence")),
    )
    op.create_index(op.f("ix_handover_evidence_handover_id"), "handover_evidence",
                    ["handover_id"])  # fmt: skip


def downgrade() -> None:
    op.drop_table("handover_evidence")
    op.drop_table("handovers")
    op.drop_table("transport_runs")
    op.drop_table("credentials")
    op.drop_table("transport_people")
    op.drop_table("vehicles")
