"""``baotong supply``: template, import (its id, or each bad cell and exit 1), kits, overdue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker
from tests.supply.conftest import People
from typer.testing import CliRunner

from baotong.cli.main import app
from baotong.config import get_settings
from baotong.core import clock
from baotong.db.session import session_scope
from baotong.supply import service
from baotong.supply.template import DEMAND_SHEET

runner = CliRunner()


@pytest.fixture
def cli_database(monkeypatch: pytest.MonkeyPatch, database_url: str) -> Iterator[None]:
    monkeypatch.setenv("BAOTONG_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_template_import_kits_and_overdue(
    tmp_path: Path, sessions: sessionmaker[Session], people: People, cli_database: None
) -> None:
    template = tmp_path / "需求表.xlsx"
    assert runner.invoke(app, ["supply", "template", str(template)]).exit_code == 0
    book = load_workbook(template)
    book[DEMAND_SHEET].append(
        [
            "政府",
            "徐汇区",
            "套餐",
            "KIT-MILK",
            80,
            "套",
            "转运站",
            "徐汇转运站",
            "2030-04-10 18:00",
            "",
        ]
    )
    book.save(template)
    done = runner.invoke(
        app, ["supply", "import", str(template), "--province", "310000", "--owner", "sh_owner"]
    )
    assert done.exit_code == 0, done.output
    table_id = int(done.stdout.split()[-1])
    book[DEMAND_SHEET]["D2"] = "KIT-NONE"
    book.save(template)
    bad = runner.invoke(
        app, ["supply", "import", str(template), "--province", "310000", "--owner", "sh_owner"]
    )
    assert bad.exit_code == 1
    assert "row 2, column D" in " ".join(bad.output.split())
    kits = runner.invoke(app, ["supply", "kits"])
    assert "KIT-COND" in kits.output
    with session_scope(sessions) as session:
        assert service.list_tables(session, principal=people.agent).total == 1
        service.submit(session, table_id=table_id, principal=people.owner)
    with clock.frozen(clock.now() + timedelta(hours=25)):
        late = runner.invoke(app, ["supply", "overdue"])
    assert late.exit_code == 0
    assert f"{table_id}" in late.output
    assert "quote" in late.output
