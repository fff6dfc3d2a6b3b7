"""Migrations run up and down on both backends, form one line, and match the models."""

from __future__ import annotations

import configparser
import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, text
from typer.testing import CliRunner

from baotong.cli.main import app
from baotong.config import get_settings
from baotong.core import clock
from baotong.db import migrate
from baotong.db.registry import metadata
from baotong.db.session import make_engine, make_sessionmaker
from baotong.jobs.models import JobRun, JobStatus

ROOT = Path(__file__).resolve().parents[2]


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


def test_the_migration_history_has_exactly_one_head() -> None:
    heads = migrate.heads()
    assert len(heads) == 1, f"several heads {heads}: re-point a down_revision at the other"
    assert heads == [migrate.head_revision()]


def test_alembic_ini_says_what_the_code_says() -> None:
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(ROOT / "alembic.ini", encoding="utf-8")
    section = ini["alembic"]
    location = section["script_location"].replace("%(here)s", str(ROOT))
    assert Path(location).resolve() == migrate.MIGRATIONS.resolve()
    assert section["file_template"].replace("%%", "%") == migrate.FILE_TEMPLATE
    hooks = {k: v.replace("%%", "%") for k, v in ini["post_write_hooks"].items()}
    assert hooks == migrate.POST_WRITE_HOOKS


def test_autogenerate_against_a_database_at_head_finds_no_difference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrate, "MIGRATIONS", scripts)
    head = migrate.head_revision()
    assert head is not None
    monkeypatch.setenv("BAOTONG_DATABASE_URL", f"sqlite:///{tmp_path / 'at_head.db'}")
    get_settings.cache_clear()
    try:
        migrate.upgrade(get_settings().effective_database_url)
        written = CliRunner().invoke(app, ["db", "revision", "-m", "nothing new", "--autogenerate"])
    finally:
        get_settings.cache_clear()
    assert written.exit_code == 0, written.output
    (path,) = (scripts / "versions").glob("*_nothing_new.py")
    assert path.name.startswith(f"{clock.now():%Y_%m_%d}_{int(head) + 1:04d}_")
    text = path.read_text(encoding="utf-8")
    assert "op." not in text, f"the models and the migrations differ:\n{text}"
    assert f'down_revision: str | None = "{head}"' in text


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_stored_scenarios_get_the_province_their_scope_filters_on(
    backend: str, tmp_path: Path, new_database: Callable[[str, Path], Any]
) -> None:
    with new_database(backend, tmp_path) as url:
        migrate.upgrade(url, "0002")
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                for name, provinces in (("one", ["410000"]), ("two", ["410000", "420000"])):
                    conn.execute(
                        text(
                            "INSERT INTO scenarios (name, body, provinces, created_by,"
                            " created_at, updated_at) VALUES (:name, '{}', :provinces, 'p',"
                            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                        ),
                        {"name": name, "provinces": json.dumps(provinces)},
                    )
            migrate.upgrade(url, "0003")
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT name, province_code FROM scenarios ORDER BY name"))
                assert [tuple(r) for r in rows] == [("one", "410000"), ("two", None)]
        finally:
            engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_existing_plan_runs_get_their_job_runs_and_get_them_back_on_downgrade(
    backend: str, tmp_path: Path, new_database: Callable[[str, Path], Any]
) -> None:
    with new_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(url, "0002")
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO plan_runs (id, name, scenario_body, provinces, parameters,"
                        " status, progress, message, cancel_requested, error, lifecycle,"
                        " created_by, created_at, runner_id)"
                        " VALUES (5, 'old', '{}', '[\"41\"]', '{}', 'failed', 0.4, 'interrupted',"
                        " false, 'the service stopped', 'draft', 'p', :at, 'host:1')"
                    ),
                    {"at": datetime(2026, 11, 29, tzinfo=UTC)},
                )
            migrate.upgrade(url)
            with engine.connect() as conn:
                job = conn.execute(text("SELECT * FROM job_runs")).mappings().one()
                assert conn.execute(text("SELECT job_id FROM plan_runs")).scalar() == job["id"]
            assert (job["kind"], job["status"], job["progress"]) == ("plan.compute", "failed", 0.4)
            assert (job["error"], job["runner_id"]) == ("the service stopped", "host:1")
            payload = job["payload"]
            assert (json.loads(payload) if isinstance(payload, str) else payload) == {"plan_id": 5}
            with make_sessionmaker(engine)() as session:  # a new job does not reuse id 5
                session.add(
                    JobRun(
                        kind="k", payload={}, status=JobStatus.QUEUED, created_at=datetime.now(UTC)
                    )
                )
                session.commit()

            migrate.downgrade(url, "0002")
            with engine.connect() as conn:
                row = conn.execute(text("SELECT status, error FROM plan_runs")).one()
            assert tuple(row) == ("failed", "the service stopped")
        finally:
            engine.dispose()


USER_SCOPE = "0005"  # the migration that gives users a typed scope


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_existing_users_become_national_or_provincial(
    backend: str, tmp_path: Path, new_database: Callable[[str, Path], Any]
) -> None:
    with new_database(backend, tmp_path) as url:
        migrate.upgrade(url, f"{USER_SCOPE}-1")
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO users (username, password_hash, role, province_code, active,"
                        " created_at) VALUES ('boss', 'x', 'admin', NULL, true, :at),"
                        " ('hn', 'x', 'planner', '410000', true, :at)"
                    ),
                    {"at": clock.now()},
                )
            migrate.upgrade(url)
            with engine.connect() as conn:
                rows = conn.execute(
                    text(
                        "SELECT username, scope_kind, scope_code, province_code FROM users"
                        " ORDER BY username"
                    )  # fmt: skip
                ).all()
            assert [tuple(r) for r in rows] == [
                ("boss", "national", None, None),
                ("hn", "province", "410000", "410000"),
            ]
            migrate.downgrade(url, f"{USER_SCOPE}-1")
            assert "scope_kind" not in {c["name"] for c in inspect(engine).get_columns("users")}
        finally:
            engine.dispose()


NEVER_REUSED = "0018"  # the migration that rebuilds SQLite's integer-keyed tables


def test_every_integer_keyed_table_hands_out_each_id_once(db_engine: Engine) -> None:
    """SQLite declares them AUTOINCREMENT; PostgreSQL draws them from a sequence."""
    if db_engine.dialect.name == "sqlite":
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
        with db_engine.connect() as conn:
            declared = {name for name, sql in conn.execute(text(query)) if "AUTOINCREMENT" in sql}
    else:
        query = (
            "SELECT c.table_name FROM information_schema.columns c"
            " JOIN information_schema.table_constraints k ON k.table_name = c.table_name"
            " AND k.constraint_type = 'PRIMARY KEY'"
            " JOIN information_schema.key_column_usage u ON u.constraint_name = k.constraint_name"
            " AND u.column_name = c.column_name"
            " WHERE c.table_schema = 'public' AND c.data_type IN ('integer', 'bigint')"
            " AND (c.column_default LIKE 'nextval(%' OR c.is_identity = 'YES')"
        )
        with db_engine.connect() as conn:
            declared = set(conn.execute(text(query)).scalars())
    keyed = {
        t.name for t in metadata.tables.values() if t.dialect_options["sqlite"]["autoincrement"]
    }
    assert {"scenarios", "plan_runs", "audit_log", "tickets"} <= keyed
    assert declared == keyed


def test_rebuilding_for_never_reused_ids_keeps_rows_children_and_indexes(
    tmp_path: Path, new_database: Callable[[str, Path], Any]
) -> None:
    with new_database("sqlite", tmp_path) as url:
        migrate.upgrade(url, f"{NEVER_REUSED}-1")
        engine = make_engine(url)
        try:
            indexes = "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name"
            with engine.begin() as conn:
                before = conn.execute(text(indexes)).scalars().all()
                conn.execute(
                    text(
                        "INSERT INTO scenarios (id, name, body, provinces, created_by,"
                        " created_at, updated_at) VALUES (7, 'kept', '{}', '[]', 'p', :at, :at),"
                        " (9, 'deleted', '{}', '[]', 'p', :at, :at)"
                    ),
                    {"at": clock.now()},
                )
                conn.execute(
                    text(
                        "INSERT INTO job_runs (id, kind, payload, status, progress,"
                        " message, cancel_requested, created_at) VALUES (3, 'plan.compute', '{}',"
                        " 'succeeded', 1, '', false, :at)"
                    ),
                    {"at": clock.now()},
                )
                conn.execute(
                    text(
                        "INSERT INTO plan_runs (id, name, scenario_id, scenario_body, provinces,"
                        " parameters, lifecycle, created_by, created_at, job_id)"
                        " VALUES (4, 'run', 7, '{}', '[]', '{}', 'draft', 'p', :at, 3)"
                    ),
                    {"at": clock.now()},
                )
            with engine.begin() as conn:  # ids up to 9 were given; 9 is gone again
                conn.execute(text("DELETE FROM scenarios WHERE id = 9"))

            migrate.upgrade(url, NEVER_REUSED)  # later revisions add indexes of their own

            with engine.begin() as conn:
                assert conn.execute(text(indexes)).scalars().all() == before
                run = conn.execute(text("SELECT scenario_id, job_id FROM plan_runs")).one()
                assert tuple(run) == (7, 3)  # the child row survived its parent's rebuild
                assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
                assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
                conn.execute(
                    text(
                        "INSERT INTO scenarios (name, body, provinces, created_by, created_at,"
                        " updated_at) VALUES ('new', '{}', '[]', 'p', :at, :at)"
                    ),
                    {"at": clock.now()},
                )
                conn.execute(text("DELETE FROM scenarios WHERE name = 'new'"))
                conn.execute(
                    text(
                        "INSERT INTO scenarios (name, body, provinces, created_by, created_at,"
                        " updated_at) VALUES ('newer', '{}', '[]', 'p', :at, :at)"
                    ),
                    {"at": clock.now()},
                )
                ids = conn.execute(text("SELECT name, id FROM scenarios ORDER BY id")).all()
            # Without AUTOINCREMENT SQLite gives max(id) + 1: 8, then 8 again after the delete.
            assert [tuple(r) for r in ids] == [("kept", 7), ("newer", 9)]
        finally:
            engine.dispose()


TICKET_SUBJECTS = "0019"  # tickets may be about something else than a mail item


def test_tickets_keep_their_events_when_their_table_is_rebuilt_for_subjects(
    tmp_path: Path, new_database: Callable[[str, Path], Any]
) -> None:
    """SQLite rebuilds ``tickets`` to make its item optional: the history stays."""
    with new_database("sqlite", tmp_path) as url:
        migrate.upgrade(url, f"{TICKET_SUBJECTS}-1")
        engine = make_engine(url)
        try:
            at = {"at": clock.now()}
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO mail_items (id, number, product_class, origin_site_id,"
                        " origin_province_code, dest_region_code, dest_province_code,"
                        " sender_contact, recipient_contact, posted_at) VALUES (5,"
                        " 'EA000000005CN', 'ems', 's', '410000', '410100', '410000', 'a', 'b',"
                        " :at)"
                    ),
                    at,
                )
                conn.execute(
                    text(
                        "INSERT INTO tickets (id, item_id, item_number, category, channel,"
                        " contact_name, contact_phone, description, province_code,"
                        " intake_province_code, unit_id, status, contact_note, findings,"
                        " callback_result, breaches, reopened, created_by, created_at)"
                        " VALUES (8, 5, 'EA000000005CN', 'delay', 'agent', 'n', '1', '',"
                        " '410000', '410000', 's', 'contact', '', '', '', 0, 0, 'p', :at)"
                    ),
                    at,
                )
                conn.execute(
                    text(
                        "INSERT INTO ticket_events (id, ticket_id, at, actor, action, step,"
                        " note, late) VALUES (11, 8, :at, 'p', 'opened', 'contact', '', false),"
                        " (12, 8, :at, 'p', 'reminded', 'contact', '', false)"
                    ),
                    at,
                )

            migrate.upgrade(url)

            with engine.begin() as conn:
                events = conn.execute(
                    text("SELECT id FROM ticket_events WHERE ticket_id = 8 ORDER BY id")
                ).scalars()
                assert list(events) == [11, 12]
                ticket = conn.execute(
                    text("SELECT item_number, subject_kind, subject_ref FROM tickets")
                ).one()
                assert tuple(ticket) == ("EA000000005CN", None, None)
                assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
                conn.execute(
                    text(
                        "INSERT INTO tickets (item_id, item_number, subject_kind, subject_ref,"
                        " category, channel, contact_name, contact_phone, description,"
                        " province_code, intake_province_code, unit_id, status, contact_note,"
                        " findings, callback_result, breaches, reopened, created_by,"
                        " created_at) VALUES (NULL, NULL, 'group_order', 'GO-1', 'other',"
                        " 'agent', 'n', '1', '', '410000', '410000', 's', 'contact', '', '',"
                        " '', 0, 0, 'p', :at)"
                    ),
                    at,
                )
                ids = conn.execute(text("SELECT id FROM tickets ORDER BY id")).scalars()
                assert list(ids) == [8, 9]
        finally:
            engine.dispose()


TWO_SIDED_SWAP = "0025"  # each side of the swap on its own; a run's end site


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_shuttles_swapped_before_the_two_sided_swap_are_done_and_others_wait(
    backend: str, tmp_path: Path, new_database: Callable[[str, Path], Any]
) -> None:
    with new_database(backend, tmp_path) as url:
        migrate.upgrade(url, f"{TWO_SIDED_SWAP}-1")
        engine = make_engine(url)
        at = {"at": datetime(2026, 11, 30, tzinfo=UTC)}
        try:
            with engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO vehicles (id, plate, kind, capacity_kg, capacity_m3, packages,"
                    " cold_chain, home_site, province_code, active) VALUES"
                    " (1, 'T1', 'trailer', 1, 1, 1, false, 'P', '310000', true),"
                    " (2, 'S1', 'tractor', 1, 1, 1, false, 'P', '310000', true)"))  # fmt: skip
                conn.execute(text(
                    "INSERT INTO transport_people (id, name, phone, job, site, province_code)"
                    " VALUES (1, 'd', '1', 'driver', 'P', '310000')"))  # fmt: skip
                conn.execute(text(
                    "INSERT INTO transport_runs (id, kind, run_date, vehicle_id, driver_id,"
                    " origin, destination_code, route_type, state, province_code, created_by,"
                    " created_at) VALUES (1, 'shuttle', '2026-11-30', 2, 1, 'P', '310114',"
                    " 'intra_provincial', 'done', '310000', 'p', :at)"), at)  # fmt: skip
                for shuttle_id, stage in ((1, "returned"), (2, "at_station")):
                    conn.execute(text(
                        "INSERT INTO transport_shuttles (id, run_id, trailer_id, warehouse_code,"
                        " station, departs_at, arrives_at, load_ref, packages, stage,"
                        " discrepancies, province_code, created_by, created_at) VALUES"
                        " (:id, 1, 1, 'P', 'st', :at, :at, 'P-S1', 3, :stage, '[]', '310000',"
                        " 'p', :at)"), {**at, "id": shuttle_id, "stage": stage})  # fmt: skip
            migrate.upgrade(url)
            with engine.connect() as conn:
                rows = conn.execute(text(
                    "SELECT id, swap_state, handed, received FROM transport_shuttles"
                    " ORDER BY id")).all()  # fmt: skip
                end_site = conn.execute(text("SELECT end_site FROM transport_runs")).scalar()
            assert [tuple(r) for r in rows] == [(1, "done", None, None), (2, "waiting", None, None)]
            assert end_site is None
            migrate.downgrade(url, f"{TWO_SIDED_SWAP}-1")
            columns = {c["name"] for c in inspect(engine).get_columns("transport_shuttles")}
            assert not columns & {"swap_state", "handed", "received"}
            assert "end_site" not in {c["name"] for c in inspect(engine).get_columns(
                "transport_runs")}  # fmt: skip
        finally:
            engine.dispose()
