"""``baotong db`` and ``baotong users`` on a database of each backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2.exceptions import VerificationError
from sqlalchemy import inspect
from typer.testing import CliRunner

from baotong.auth import service as auth_service
from baotong.cli.main import app
from baotong.config import get_settings
from baotong.db import migrate
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.network import service as network_service

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def cli_database(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    new_database: Callable[[str, Path], Any],
) -> Iterator[str]:
    with new_database(str(request.param), tmp_path) as url:
        monkeypatch.setenv("BAOTONG_DATABASE_URL", url)
        monkeypatch.setenv("BAOTONG_DATA_DIR", str(tmp_path / "var"))
        get_settings.cache_clear()
        yield url
        get_settings.cache_clear()


def test_db_upgrade_then_downgrade_to_base(cli_database: str) -> None:
    up = runner.invoke(app, ["db", "upgrade"])
    assert up.exit_code == 0, up.output
    assert f"revision {migrate.head_revision()}" in up.output
    engine = make_engine(cli_database)
    assert "zone_claims" in inspect(engine).get_table_names()
    down = runner.invoke(app, ["db", "downgrade", "base"])
    assert down.exit_code == 0, down.output
    assert "base (empty)" in down.output
    assert "zone_claims" not in inspect(engine).get_table_names()
    engine.dispose()


def test_users_create_reads_the_password_from_stdin_and_refuses_a_duplicate(
    cli_database: str,
) -> None:
    runner.invoke(app, ["db", "upgrade"])
    args = [
        "users",
        "create",
        "zhang",
        "--role",
        "planner",
        "--province",
        "410000",
        "--password-stdin",
    ]
    created = runner.invoke(app, args, input="a long password\n")
    assert created.exit_code == 0, created.output
    assert "zhang (planner, 410000)" in created.output
    engine = make_engine(cli_database)
    with session_scope(make_sessionmaker(engine), write=False) as session:
        user = auth_service.get_user(session, "zhang")
        assert user is not None
        assert auth_service.hasher.verify(user.password_hash, "a long password")
    engine.dispose()
    again = runner.invoke(app, args, input="another password\n")
    assert again.exit_code == 1
    assert "already exists" in again.output
    bad_role = runner.invoke(
        app,
        ["users", "create", "li", "--role", "boss", "--password-stdin"],
        input="a long password\n",
    )
    assert bad_role.exit_code == 1
    assert "unknown role 'boss'" in bad_role.output


def test_serve_refuses_an_unmigrated_database_with_a_message(cli_database: str) -> None:
    refused = runner.invoke(app, ["serve"])
    assert refused.exit_code == 1
    assert "baotong db upgrade" in " ".join(refused.output.split())
    assert "Traceback" not in refused.output


def test_users_create_on_an_unmigrated_database_says_so(cli_database: str) -> None:
    failed = runner.invoke(
        app,
        ["users", "create", "wu", "--role", "viewer", "--password-stdin"],
        input="long enough\n",
    )
    assert failed.exit_code == 1
    assert "Cannot create the user: the database failed" in " ".join(failed.output.split())


def test_an_unreachable_database_is_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAOTONG_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:9/none")
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["db", "upgrade"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "Cannot upgrade: the database failed (OperationalError" in " ".join(
        result.output.split()
    )


def test_the_main_job_prepares_the_database_once_and_resets_the_demo_login(
    cli_database: str,
) -> None:
    from baotong.cli import mainjob

    mainjob.prepare_database(cli_database)
    engine = make_engine(cli_database)
    try:
        assert migrate.is_at_head(engine)
        with session_scope(make_sessionmaker(engine), write=False) as session:
            assert network_service.is_seeded(session)
        mainjob.prepare_database(cli_database)  # a second run neither fails nor reseeds
        first = mainjob.ensure_demo_login(cli_database)
        second = mainjob.ensure_demo_login(cli_database)
        assert first != second
        with session_scope(make_sessionmaker(engine), write=False) as session:
            demo = auth_service.get_user(session, "demo")
            assert demo is not None
            assert demo.role == "admin"
            assert auth_service.hasher.verify(demo.password_hash, second)
            with pytest.raises(VerificationError):
                auth_service.hasher.verify(demo.password_hash, first)
    finally:
        engine.dispose()
