"""``baotong command``: record an incident, list the overdue instructions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from baotong.cli.main import app
from baotong.command import service as command_service
from baotong.config import get_settings
from baotong.core import clock
from baotong.db.session import session_scope

from ..conftest import staff

runner = CliRunner()


@pytest.fixture
def cli_db(
    database_url: str, seeded: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> Iterator[sessionmaker[Session]]:
    """The CLI on the test database (of each backend), seeded with the small network."""
    monkeypatch.setenv("BAOTONG_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield seeded
    get_settings.cache_clear()


def test_an_incident_is_recorded_by_region_or_site(cli_db: sessionmaker[Session]) -> None:
    made = runner.invoke(
        app,
        [
            "command",
            "incident",
            "create",
            "--kind",
            "lockdown_declared",
            "--region",
            "河南",
            "--title",
            "河南全省封控",
        ],
    )
    assert made.exit_code == 0, made.output
    assert "河南全省封控 (lockdown_declared, 410000); next: scenario" in made.output
    site = runner.invoke(
        app, ["command", "incident", "create", "--kind", "centre_closed", "--site", "ZZ"]
    )
    assert site.exit_code == 0, site.output
    bad = runner.invoke(
        app, ["command", "incident", "create", "--kind", "meteor", "--region", "410000"]
    )
    assert bad.exit_code == 2
    assert "--kind must be one of centre_closed" in bad.output
    both = runner.invoke(app, ["command", "incident", "create", "--kind", "road_blocked"])
    assert both.exit_code == 1
    assert "name a site or a region" in both.output


def test_the_overdue_instructions_are_listed(cli_db: sessionmaker[Session]) -> None:
    with clock.frozen(clock.now() - timedelta(hours=3)), session_scope(cli_db) as session:
        for province in ("420000", "610000"):
            command_service.issue(
                session,
                title=f"接管 {province}",
                body="",
                principal=staff("desk"),
                to_province=province,
                execute_by=clock.now() + timedelta(hours=12),
            )
    with session_scope(cli_db) as session:
        command_service.execute(
            session, instruction_id=_first(session), execution="done", principal=staff("desk")
        )
    listed = runner.invoke(app, ["command", "instructions", "--overdue"])
    assert listed.exit_code == 0, listed.output
    assert "610000" in listed.output
    assert "420000" not in listed.output
    assert "1 instruction" in listed.output


def _first(session: Session) -> int:
    page = command_service.list_instructions(session, principal=staff("desk"), province="420000")
    return page.items[0].id
