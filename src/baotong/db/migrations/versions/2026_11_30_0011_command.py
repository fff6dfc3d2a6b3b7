"""command and dispatch: incidents and their timeline, instructions, resources and
loans, daily safety logs, emergency plans

Revision ID: 0011
Revises: 0013
Create Date: 2026-11-30 09:17:20.332382
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "command_emergency_plans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column(
            "event_type",
            sa.Enum(
                "province_lockdown",
                "city_lockdown",
                "flood",
                "hub_fire",
                name="eventtype",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("scenario", sa.JSON(), nullable=False),
        sa.Column("instructions", sa.JSON(), nullable=False),
        sa.Column("resources", sa.JSON(), nullable=False),
        sa.Column("contacts", sa.JSON(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("passes", sa.JSON(), nullable=False),
        sa.Column(
            "readiness",
            sa.Enum("unchecked", "ready", "gaps", name="readiness", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("readiness_problems", sa.JSON(), nullable=False),
        sa.Column("readiness_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_command_emergency_plans")),
        sa.UniqueConstraint(
            "province_code", "event_type", name=op.f("uq_command_emergency_plans_province_code")
        ),
    )
    with op.batch_alter_table("command_emergency_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_command_emergency_plans_province_code"), ["province_code"], unique=False
        )

    op.create_table(
        "command_resources",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "person", "vehicle", "equipment", name="resourcekind", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("lent", sa.Integer(), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=True),
        sa.Column("whitelisted", sa.Boolean(), nullable=False),
        sa.Column("closed_loop", sa.Boolean(), nullable=False),
        sa.Column("plate", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_command_resources")),
    )
    with op.batch_alter_table("command_resources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_command_resources_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_command_resources_province_code"), ["province_code"], unique=False
        )

    op.create_table(
        "command_safety_logs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("disinfected", sa.Boolean(), nullable=False),
        sa.Column("protection", sa.Boolean(), nullable=False),
        sa.Column("tests", sa.Integer(), nullable=False),
        sa.Column("positives", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("filed_by", sa.String(length=64), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_command_safety_logs")),
        sa.UniqueConstraint("site_id", "day", name=op.f("uq_command_safety_logs_site_id")),
    )
    with op.batch_alter_table("command_safety_logs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_command_safety_logs_day"), ["day"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_command_safety_logs_province_code"), ["province_code"], unique=False
        )

    op.create_table(
        "command_incidents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "centre_closed",
                "outlet_closed",
                "road_blocked",
                "staff_shortage",
                "lockdown_declared",
                "lockdown_lifted",
                name="incidentkind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "severity",
            sa.Enum(
                "low", "medium", "high", "critical", name="severity", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "open", "responding", "closed", name="incidentstatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("site_id", sa.String(length=64), nullable=True),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("province_code", sa.String(length=6), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("drill", sa.Boolean(), nullable=False),
        sa.Column("emergency_plan_id", sa.Integer(), nullable=True),
        sa.Column("scenario_id", sa.Integer(), nullable=True),
        sa.Column("plan_run_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["emergency_plan_id"],
            ["command_emergency_plans.id"],
            name=op.f("fk_command_incidents_emergency_plan_id_command_emergency_plans"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_run_id"],
            ["plan_runs.id"],
            name=op.f("fk_command_incidents_plan_run_id_plan_runs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["scenarios.id"],
            name=op.f("fk_command_incidents_scenario_id_scenarios"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_command_incidents")),
    )
    with op.batch_alter_table("command_incidents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_command_incidents_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_command_incidents_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_command_incidents_status"), ["status"], unique=False)

    op.create_table(
        "command_incident_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("link", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["command_incidents.id"],
            name=op.f("fk_command_incident_events_incident_id_command_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_command_incident_events")),
    )
    with op.batch_alter_table("command_incident_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_command_incident_events_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "command_instructions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("issuer_province", sa.String(length=6), nullable=True),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=True),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "issued",
                "received",
                "executed",
                "reported",
                name="instructionstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("drill", sa.Boolean(), nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("receive_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("execute_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("report_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.String(length=64), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("executed_by", sa.String(length=64), nullable=True),
        sa.Column("executed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("execution", sa.Text(), nullable=True),
        sa.Column("reported_by", sa.String(length=64), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("objection", sa.Text(), nullable=True),
        sa.Column("escalations", sa.Integer(), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["command_incidents.id"],
            name=op.f("fk_command_instructions_incident_id_command_incidents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_command_instructions")),
    )
    with op.batch_alter_table("command_instructions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_command_instructions_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_command_instructions_issuer_province"), ["issuer_province"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_command_instructions_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_command_instructions_status"), ["status"], unique=False
        )

    op.create_table(
        "command_loans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("from_province", sa.String(length=6), nullable=False),
        sa.Column("to_province", sa.String(length=6), nullable=False),
        sa.Column("to_site", sa.String(length=64), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("return_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "approved",
                "refused",
                "returned",
                name="loanstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["command_incidents.id"],
            name=op.f("fk_command_loans_incident_id_command_incidents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["command_resources.id"],
            name=op.f("fk_command_loans_resource_id_command_resources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_command_loans")),
    )
    with op.batch_alter_table("command_loans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_command_loans_from_province"), ["from_province"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_command_loans_resource_id"), ["resource_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_command_loans_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_command_loans_to_province"), ["to_province"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("command_loans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_command_loans_to_province"))
        batch_op.drop_index(batch_op.f("ix_command_loans_status"))
        batch_op.drop_index(batch_op.f("ix_command_loans_resource_id"))
        batch_op.drop_index(batch_op.f("ix_command_loans_from_province"))

    op.drop_table("command_loans")
    with op.batch_alter_table("command_instructions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_command_instructions_status"))
        batch_op.drop_index(batch_op.f("ix_command_instructions_province_code"))
        batch_op.drop_index(batch_op.f("ix_command_instructions_issuer_province"))
        batch_op.drop_index(batch_op.f("ix_command_instructions_incident_id"))

    op.drop_table("command_instructions")
    with op.batch_alter_table("command_incident_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_command_incident_events_incident_id"))

    op.drop_table("command_incident_events")
    with op.batch_alter_table("command_incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_command_incidents_status"))
        batch_op.drop_index(batch_op.f("ix_command_incidents_province_code"))
        batch_op.drop_index(batch_op.f("ix_command_incidents_kind"))

    op.drop_table("command_incidents")
    with op.batch_alter_table("command_safety_logs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_command_safety_logs_province_code"))
        batch_op.drop_index(batch_op.f("ix_command_safety_logs_day"))

    op.drop_table("command_safety_logs")
    with op.batch_alter_table("command_resources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_command_resources_province_code"))
        batch_op.drop_index(batch_op.f("ix_command_resources_kind"))

    op.drop_table("command_resources")
    with op.batch_alter_table("command_emergency_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_command_emergency_plans_province_code"))

    op.drop_table("command_emergency_plans")
