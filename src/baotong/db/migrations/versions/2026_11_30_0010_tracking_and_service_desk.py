"""tracking (mail items, scan events, announcements) and the service desk (tickets, scripts,
call-centre load, diversion, public channels)

Revision ID: 0010
Revises: 0011
Create Date: 2026-11-30 09:17:18.299885
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
PARTITIONS = "scan_days"  # the schema of the day partitions of scan_events (PostgreSQL)


def upgrade() -> None:
    op.create_table(
        "agent_scripts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "topic",
            sa.Enum(
                "collection",
                "enquiry",
                "controlled_area",
                "complaint",
                name="scripttopic",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_scripts")),
        sa.UniqueConstraint("topic", "version", name="uq_agent_scripts_topic_version"),
    )
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "published",
                "withdrawn",
                name="announcementstate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
    )
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_announcements_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_announcements_state"), ["state"], unique=False)

    op.create_table(
        "call_centre_load",
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.Column("longest_wait_s", sa.Integer(), nullable=False),
        sa.Column("agents_online", sa.Integer(), nullable=False),
        sa.Column("remote_seats", sa.Integer(), nullable=False),
        sa.Column("handled_per_hour", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("province_code", name=op.f("pk_call_centre_load")),
    )
    op.create_table(
        "diversion_rules",
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("max_waiting", sa.Integer(), nullable=False),
        sa.Column("max_wait_s", sa.Integer(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("cap", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("province_code", name=op.f("pk_diversion_rules")),
    )
    op.create_table(
        "diversions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.Column("longest_wait_s", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diversions")),
    )
    with op.batch_alter_table("diversions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_diversions_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_diversions_province_code"), ["province_code"], unique=False
        )

    op.create_table(
        "mail_items",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("number", sa.String(length=13), nullable=False),
        sa.Column(
            "product_class",
            sa.Enum(
                "ems",
                "parcel",
                "letter",
                "supply",
                name="productclass",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("origin_site_id", sa.String(length=64), nullable=False),
        sa.Column("origin_province_code", sa.String(length=6), nullable=False),
        sa.Column("dest_region_code", sa.String(length=6), nullable=False),
        sa.Column("dest_province_code", sa.String(length=6), nullable=False),
        sa.Column("dest_station_id", sa.String(length=64), nullable=True),
        sa.Column("sender_contact", sa.String(length=200), nullable=False),
        sa.Column("recipient_contact", sa.String(length=200), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_items")),
        sa.UniqueConstraint("number", name=op.f("uq_mail_items_number")),
    )
    with op.batch_alter_table("mail_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mail_items_dest_province_code"), ["dest_province_code"], unique=False
        )

    op.create_table(
        "public_channels",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "counter",
                "own_electronic",
                "platform",
                name="channelkind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "limited", "closed", name="sitestatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_channels")),
        sa.UniqueConstraint("province_code", "kind", "name", name="uq_public_channels_name"),
    )
    with op.batch_alter_table("public_channels", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_public_channels_province_code"), ["province_code"], unique=False
        )

    op.create_table(
        "scan_events",
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "accepted",
                "sorted",
                "bagged",
                "dispatched",
                "arrived",
                "out_for_delivery",
                "delivered",
                "held",
                "returned",
                name="scankind",
                native_enum=False,
            ),
            nullable=False,
        ),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("item_id", "kind", "site_id", "at", name=op.f("pk_scan_events")),
        postgresql_partition_by="RANGE (at)",
    )
    if op.get_bind().dialect.name == "postgresql":
        # One partition per UTC day, made by the ingest (tracking.service); the default one
        # only catches what is written around it. Partitions live in their own schema.
        op.execute(f"CREATE SCHEMA IF NOT EXISTS {PARTITIONS}")
        op.execute(
            f"CREATE TABLE {PARTITIONS}.scan_events_default PARTITION OF scan_events DEFAULT"
        )

    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("item_number", sa.String(length=13), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "delay",
                "controlled_area",
                "lost",
                "damaged",
                "delivery",
                "other",
                name="ticketcategory",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum("agent", "public", name="ticketchannel", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("contact_name", sa.String(length=100), nullable=False),
        sa.Column("contact_phone", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("intake_province_code", sa.String(length=6), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "contact",
                "investigate",
                "callback",
                "closed",
                name="ticketstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("step_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expected_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contact_note", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("callback_result", sa.Text(), nullable=False),
        sa.Column(
            "satisfaction",
            sa.Enum(
                "satisfied",
                "neutral",
                "dissatisfied",
                name="satisfaction",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("breaches", sa.Integer(), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["mail_items.id"],
            name=op.f("fk_tickets_item_id_mail_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tickets_intake_province_code"), ["intake_province_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_tickets_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_item_number"), ["item_number"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_tickets_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_tickets_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_step_due_at"), ["step_due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "ticket_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column(
            "step",
            sa.Enum(
                "contact",
                "investigate",
                "callback",
                "closed",
                name="ticketstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_events_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_events")),
    )
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_events_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_events_ticket_id"))

    op.drop_table("ticket_events")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_unit_id"))
        batch_op.drop_index(batch_op.f("ix_tickets_step_due_at"))
        batch_op.drop_index(batch_op.f("ix_tickets_status"))
        batch_op.drop_index(batch_op.f("ix_tickets_province_code"))
        batch_op.drop_index(batch_op.f("ix_tickets_item_number"))
        batch_op.drop_index(batch_op.f("ix_tickets_item_id"))
        batch_op.drop_index(batch_op.f("ix_tickets_intake_province_code"))

    op.drop_table("tickets")
    op.drop_table("scan_events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP SCHEMA IF EXISTS {PARTITIONS} CASCADE")
    with op.batch_alter_table("public_channels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_channels_province_code"))

    op.drop_table("public_channels")
    with op.batch_alter_table("mail_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_items_dest_province_code"))

    op.drop_table("mail_items")
    with op.batch_alter_table("diversions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_diversions_province_code"))
        batch_op.drop_index(batch_op.f("ix_diversions_at"))

    op.drop_table("diversions")
    op.drop_table("diversion_rules")
    op.drop_table("call_centre_load")
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcements_state"))
        batch_op.drop_index(batch_op.f("ix_announcements_province_code"))

    op.drop_table("announcements")
    op.drop_table("agent_scripts")
