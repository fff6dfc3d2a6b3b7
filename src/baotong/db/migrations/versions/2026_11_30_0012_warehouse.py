"""warehouse: sites, locations, lots, quants, the stock ledger, scans, documents, packages

Revision ID: 0012
Revises: 0009
Create Date: 2026-11-30 09:23:45.120116
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wh_warehouses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "consolidation_point",
                "central",
                "forward",
                name="warehousekind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "opening",
                "open",
                "closed",
                name="warehousestatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("equipment", sa.JSON(), nullable=False),
        sa.Column("staff", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wh_warehouses")),
        sa.UniqueConstraint("code", name=op.f("uq_wh_warehouses_code")),
    )
    with op.batch_alter_table("wh_warehouses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wh_warehouses_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_wh_warehouses_status"), ["status"], unique=False)

    op.create_table(
        "wh_documents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "receipt",
                "putaway",
                "pick",
                "kit",
                "pack",
                "shipment",
                "dispatch",
                "count",
                name="documentkind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "expected",
                "open",
                "in_progress",
                "awaiting_approval",
                "done",
                "cancelled",
                name="documentstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("source_type", sa.String(length=32), nullable=True),
        sa.Column("source_id", sa.String(length=64), nullable=True),
        sa.Column("wave", sa.String(length=64), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["wh_warehouses.id"],
            name=op.f("fk_wh_documents_warehouse_id_wh_warehouses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wh_documents")),
    )
    with op.batch_alter_table("wh_documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_wh_documents_warehouse_kind", ["warehouse_id", "kind", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_wh_documents_wave"), ["wave"], unique=False)

    op.create_table(
        "wh_locations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "bin",
                "dock",
                "staging",
                "kitting",
                name="locationkind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("zone", sa.String(length=8), nullable=False),
        sa.Column("aisle", sa.String(length=8), nullable=False),
        sa.Column("rack", sa.String(length=8), nullable=False),
        sa.Column("bin", sa.String(length=8), nullable=False),
        sa.Column("distance", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["wh_warehouses.id"],
            name=op.f("fk_wh_locations_warehouse_id_wh_warehouses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wh_locations")),
        sa.UniqueConstraint("warehouse_id", "code", name="uq_wh_locations_code"),
    )
    op.create_table(
        "wh_lots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=48), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["wh_warehouses.id"],
            name=op.f("fk_wh_lots_warehouse_id_wh_warehouses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wh_lots")),
        sa.UniqueConstraint("warehouse_id", "sku", "code", name="uq_wh_lots_sku_code"),
    )
    op.create_table(
        "wh_scans",
        sa.Column("scan_id", sa.String(length=64), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["wh_warehouses.id"],
            name=op.f("fk_wh_scans_warehouse_id_wh_warehouses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("scan_id", name=op.f("pk_wh_scans")),
    )
    op.create_table(
        "wh_document_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=32), nullable=False),
        sa.Column("lot", sa.String(length=48), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("qty_done", sa.Integer(), nullable=False),
        sa.Column("qty_damaged", sa.Integer(), nullable=False),
        sa.Column("from_location_id", sa.Integer(), nullable=True),
        sa.Column("to_location_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["wh_documents.id"],
            name=op.f("fk_wh_document_lines_document_id_wh_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_location_id"],
            ["wh_locations.id"],
            name=op.f("fk_wh_document_lines_from_location_id_wh_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["to_location_id"],
            ["wh_locations.id"],
            name=op.f("fk_wh_document_lines_to_location_id_wh_locations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wh_document_lines")),
    )
    with op.batch_alter_table("wh_document_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wh_document_lines_document_id"), ["document_id"], unique=False
        )

    op.create_table(
        "wh_moves",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sku", sa.String(length=32), nullable=False),
        sa.Column("lot", sa.String(length=48), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("from_location_id", sa.Integer(), nullable=True),
        sa.Column("to_location_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("scan_id", sa.String(length=64), nullable=True),
        sa.CheckConstraint("qty > 0", name=op.f("ck_wh_moves_qty_positive")),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["wh_documents.id"],
            name=op.f("fk_wh_moves_document_id_wh_documents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["from_location_id"],
            ["wh_locations.id"],
            name=op.f("fk_wh_moves_from_location_id_wh_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["to_location_id"],
            ["wh_locations.id"],
            name=op.f("fk_wh_moves_to_location_id_wh_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["wh_warehouses.id"],
            name=op.f("fk_wh_moves_warehouse_id_wh_warehouses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wh_moves")),
    )
    with op.batch_alter_table("wh_moves", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wh_moves_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wh_moves_scan_id"), ["scan_id"], unique=False)
        batch_op.create_index("ix_wh_moves_warehouse_sku", ["warehouse_id", "sku"], unique=False)

    op.create_table(
        "wh_packages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("weight_kg", sa.Float(), nullable=False),
        sa.Column("size_cm", sa.JSON(), nullable=False),
        sa.Column("contents", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["wh_documents.id"],
            name=op.f("fk_wh_packages_document_id_wh_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["wh_locations.id"],
            name=op.f("fk_wh_packages_location_id_wh_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["wh_documents.id"],
            name=op.f("fk_wh_packages_shipment_id_wh_documents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["wh_warehouses.id"],
            name=op.f("fk_wh_packages_warehouse_id_wh_warehouses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wh_packages")),
        sa.UniqueConstraint("code", name=op.f("uq_wh_packages_code")),
    )
    with op.batch_alter_table("wh_packages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wh_packages_shipment_id"), ["shipment_id"], unique=False
        )

    op.create_table(
        "wh_quants",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=32), nullable=False),
        sa.Column("lot", sa.String(length=48), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.CheckConstraint("on_hand >= 0", name=op.f("ck_wh_quants_on_hand_not_negative")),
        sa.CheckConstraint(
            "reserved >= 0 AND reserved <= on_hand", name=op.f("ck_wh_quants_reserved_within")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["wh_locations.id"],
            name=op.f("fk_wh_quants_location_id_wh_locations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["wh_warehouses.id"],
            name=op.f("fk_wh_quants_warehouse_id_wh_warehouses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wh_quants")),
        sa.UniqueConstraint("location_id", "sku", "lot", name="uq_wh_quants_location_sku_lot"),
    )
    with op.batch_alter_table("wh_quants", schema=None) as batch_op:
        batch_op.create_index("ix_wh_quants_warehouse_sku", ["warehouse_id", "sku"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("wh_quants", schema=None) as batch_op:
        batch_op.drop_index("ix_wh_quants_warehouse_sku")

    op.drop_table("wh_quants")
    with op.batch_alter_table("wh_packages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wh_packages_shipment_id"))

    op.drop_table("wh_packages")
    with op.batch_alter_table("wh_moves", schema=None) as batch_op:
        batch_op.drop_index("ix_wh_moves_warehouse_sku")
        batch_op.drop_index(batch_op.f("ix_wh_moves_scan_id"))
        batch_op.drop_index(batch_op.f("ix_wh_moves_document_id"))

    op.drop_table("wh_moves")
    with op.batch_alter_table("wh_document_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wh_document_lines_document_id"))

    op.drop_table("wh_document_lines")
    op.drop_table("wh_scans")
    op.drop_table("wh_lots")
    op.drop_table("wh_locations")
    with op.batch_alter_table("wh_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wh_documents_wave"))
        batch_op.drop_index("ix_wh_documents_warehouse_kind")

    op.drop_table("wh_documents")
    with op.batch_alter_table("wh_warehouses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wh_warehouses_status"))
        batch_op.drop_index(batch_op.f("ix_wh_warehouses_province_code"))

    op.drop_table("wh_warehouses")
