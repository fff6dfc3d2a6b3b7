"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 16:45:59.936484
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_object_id"), ["object_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_object_type"), ["object_type"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_log_province_code"), ["province_code"], unique=False
        )

    op.create_table(
        "regions",
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("pinyin", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("parent_code", sa.String(length=6), nullable=True),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_regions")),
    )
    with op.batch_alter_table("regions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_regions_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_regions_parent_code"), ["parent_code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_regions_province_code"), ["province_code"], unique=False
        )

    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("provinces", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scenarios")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("prefecture_code", sa.String(length=6), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=True),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("capacity", sa.Float(), nullable=False),
        sa.Column("attrs", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
    )
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sites_county_code"), ["county_code"], unique=False)
        batch_op.create_index("ix_sites_province_kind", ["province_code", "kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_sites_status"), ["status"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "capacity_overrides",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("capacity", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_capacity_overrides_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_overrides")),
    )
    with op.batch_alter_table("capacity_overrides", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_capacity_overrides_site_id"), ["site_id"], unique=False
        )

    op.create_table(
        "login_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_login_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_sessions")),
    )
    with op.batch_alter_table("login_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "plan_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("scenario_id", sa.Integer(), nullable=True),
        sa.Column("scenario_body", sa.JSON(), nullable=False),
        sa.Column("provinces", sa.JSON(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("lifecycle", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("activated_by", sa.String(length=64), nullable=True),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_by", sa.String(length=64), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["scenarios.id"],
            name=op.f("fk_plan_runs_scenario_id_scenarios"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_runs")),
    )
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_runs_lifecycle"), ["lifecycle"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_runs_scenario_id"), ["scenario_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_runs_status"), ["status"], unique=False)

    op.create_table(
        "site_status_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expected_reopening", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_site_status_history_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_status_history")),
    )
    with op.batch_alter_table("site_status_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_site_status_history_site_id"), ["site_id"], unique=False
        )

    op.create_table(
        "plan_assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("destination", sa.String(length=64), nullable=False),
        sa.Column("zone_id", sa.String(length=64), nullable=False),
        sa.Column("zone_kind", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=True),
        sa.Column("backup_center_id", sa.String(length=64), nullable=False),
        sa.Column("volume", sa.Float(), nullable=False),
        sa.Column("chutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan_runs.id"],
            name=op.f("fk_plan_assignments_plan_id_plan_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_assignments")),
    )
    with op.batch_alter_table("plan_assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_assignments_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_relation_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("destination", sa.String(length=64), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan_runs.id"],
            name=op.f("fk_plan_relation_changes_plan_id_plan_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_relation_changes")),
    )
    with op.batch_alter_table("plan_relation_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_relation_changes_plan_id"), ["plan_id"], unique=False
        )

    op.create_table(
        "zone_claims",
        sa.Column("destination", sa.String(length=64), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.String(length=64), nullable=False),
        sa.Column("backup_center_id", sa.String(length=64), nullable=False),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan_runs.id"],
            name=op.f("fk_zone_claims_plan_id_plan_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("destination", name=op.f("pk_zone_claims")),
    )
    with op.batch_alter_table("zone_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_zone_claims_plan_id"), ["plan_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("zone_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zone_claims_plan_id"))

    op.drop_table("zone_claims")
    with op.batch_alter_table("plan_relation_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_relation_changes_plan_id"))

    op.drop_table("plan_relation_changes")
    with op.batch_alter_table("plan_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_assignments_plan_id"))

    op.drop_table("plan_assignments")
    with op.batch_alter_table("site_status_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_status_history_site_id"))

    op.drop_table("site_status_history")
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_runs_status"))
        batch_op.drop_index(batch_op.f("ix_plan_runs_scenario_id"))
        batch_op.drop_index(batch_op.f("ix_plan_runs_lifecycle"))

    op.drop_table("plan_runs")
    with op.batch_alter_table("login_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_sessions_user_id"))

    op.drop_table("login_sessions")
    with op.batch_alter_table("capacity_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capacity_overrides_site_id"))

    op.drop_table("capacity_overrides")
    op.drop_table("users")
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sites_status"))
        batch_op.drop_index("ix_sites_province_kind")
        batch_op.drop_index(batch_op.f("ix_sites_county_code"))

    op.drop_table("sites")
    op.drop_table("scenarios")
    with op.batch_alter_table("regions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_regions_province_code"))
        batch_op.drop_index(batch_op.f("ix_regions_parent_code"))
        batch_op.drop_index(batch_op.f("ix_regions_level"))

    op.drop_table("regions")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_province_code"))
        batch_op.drop_index(batch_op.f("ix_audit_log_object_type"))
        batch_op.drop_index(batch_op.f("ix_audit_log_object_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
