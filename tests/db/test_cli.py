"""``baotong db`` and ``baotong users`` on a database of each backend."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2.exceptions import VerificationError
from sqlalchemy import inspect, select, text
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


def _password_in(output: str) -> str:
    found = re.search(r"Log in as demo with password (\S+) \(admin\)", output)
    assert found, output
    return found.group(1)


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            tables = ("regions", "sites", "users", "scenarios", "plan_runs", "audit_log")
            return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}
    finally:
        engine.dispose()


def test_seed_demo_loads_every_part_once_and_gives_the_demo_login_a_new_password(
    cli_database: str,
) -> None:
    runner.invoke(app, ["db", "upgrade"])
    first = runner.invoke(app, ["db", "seed", "--demo"])
    assert first.exit_code == 0, first.output
    assert "Network:" in first.output
    assert "Scenario" in first.output
    assert "Plan" in first.output
    counts = _counts(cli_database)
    assert counts["users"] >= 1  # the demo login, and the people of the domains' demos
    assert counts["scenarios"] >= 2  # Henan (in force), Chaoyang, and the command desk's
    assert counts["plan_runs"] >= 2
    engine = make_engine(cli_database)
    try:
        with engine.connect() as conn:  # one urgent ticket was handed on to its station
            handed = "SELECT count(*) FROM ticket_events WHERE action = 'transferred'"
            assert conn.execute(text(handed)).scalar_one() == 1
    finally:
        engine.dispose()
    second = runner.invoke(app, ["db", "seed", "--demo"])
    assert second.exit_code == 0, second.output
    assert "Network:" not in second.output
    assert "Scenario" not in second.output
    after = _counts(cli_database)
    assert {k: v for k, v in after.items() if k != "audit_log"} == {
        k: v for k, v in counts.items() if k != "audit_log"
    }
    old, new = _password_in(first.output), _password_in(second.output)
    assert old != new
    engine = make_engine(cli_database)
    try:
        with session_scope(make_sessionmaker(engine), write=False) as session:
            demo = auth_service.get_user(session, "demo")
            assert demo is not None
            assert demo.role == "admin"
            _the_transport_demo_shows_the_swap_and_a_site_permit(session)
            assert auth_service.hasher.verify(demo.password_hash, new)
            with pytest.raises(VerificationError):
                auth_service.hasher.verify(demo.password_hash, old)
    finally:
        engine.dispose()


def _the_transport_demo_shows_the_swap_and_a_site_permit(session: Any) -> None:
    """A shuttle handed over and waiting for the station, one swapped by both sides, the
    station's login, and a run into Henan stopped at a centre without its whitelist entry."""
    from baotong.network.reference import load_active
    from baotong.transport import demo as transport_demo
    from baotong.transport import service as transport_service
    from baotong.transport.models import Run, Shuttle

    states = {(s.swap_state.value, s.stage.value, bool(s.handed), bool(s.received))
              for s in session.scalars(select(Shuttle))}  # fmt: skip
    assert ("handed", "at_station", True, False) in states
    assert ("done", "returned", True, True) in states
    station = auth_service.get_user(session, transport_demo.STATION_USER)
    assert station is not None
    assert station.role == "transfer_station"
    stopped = session.scalars(select(Run).where(Run.end_site == "C-410100")).one()
    [missing] = transport_service.check(session, stopped, load_active(get_settings()))
    assert (missing.subject, missing.need.value, missing.reason) == \
        ("site", "centre_whitelist", "none")  # fmt: skip
    permitted = session.scalars(select(Run).where(Run.end_site == "S-410102-01")).one()
    assert transport_service.check(session, permitted, load_active(get_settings())) == []


def test_run_migrates_seeds_the_demo_and_serves_where_asked(
    cli_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from baotong.cli import mainjob

    served: dict[str, Any] = {}
    monkeypatch.setattr(mainjob, "write_example", lambda folder: None)
    monkeypatch.setattr(mainjob.uvicorn, "run", lambda app, **kw: served.update(kw))
    result = runner.invoke(app, ["run", "--host", "0.0.0.0", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert served["host"] == "0.0.0.0"
    assert served["port"] == 8123
    assert "Baotong is serving at http://0.0.0.0:8123" in result.output
    _password_in(result.output)
    engine = make_engine(cli_database)
    try:
        assert migrate.is_at_head(engine)
        with session_scope(make_sessionmaker(engine), write=False) as session:
            assert network_service.is_seeded(session)
    finally:
        engine.dispose()
