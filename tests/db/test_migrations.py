"""Migrations run up and down from an empty database on both backends."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect

from baotong.db import migrate
from baotong.db.registry import metadata
from baotong.db.session import make_engine


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_creates_every_table_and_downgrade_removes_them(
    backend: str, tmp_path: Path, new_database: Callable[[str, Path], Any]
) -> None:
    with new_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            assert migrate.current_revision(engine) is None
            migrate.upgrade(url)
            tables = set(inspect(engine).get_table_names())
            assert set(metadata.tables) <= tables
            assert migrate.is_at_head(engine)

            migrate.downgrade(url, "base")
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
            assert migrate.current_revision(engine) is None

            migrate.upgrade(url)
            assert migrate.is_at_head(engine)
        finally:
            engine.dispose()


def test_constraint_names_follow_the_convention(db_engine: Engine) -> None:
    inspector = inspect(db_engine)
    assert inspector.get_pk_constraint("zone_claims")["name"] == "pk_zone_claims"
    fks = {fk["name"] for fk in inspector.get_foreign_keys("zone_claims")}
    assert fks == {"fk_zone_claims_plan_id_plan_runs"}
    uniques = {u["name"] for u in inspector.get_unique_constraints("users")}
    assert uniques == {"uq_users_username"}


def test_schema_matches_the_models(db_engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with db_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
