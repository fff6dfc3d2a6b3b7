"""``baotong tracking generate / ingest / show`` and ``baotong servicedesk overdue`` on a
database of each backend, with the test network."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from baotong.cli import tracking as tracking_cli
from baotong.cli.main import app
from baotong.config import get_settings
from baotong.core import clock
from baotong.db import migrate
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.network import service as network_service
from baotong.network.entities import Network
from baotong.servicedesk import jobs as _registers  # noqa: F401
from baotong.servicedesk import service as desk
from baotong.servicedesk.models import TicketCategory, TicketChannel
from baotong.servicedesk.schemas import TicketCreate
from baotong.tracking.models import MailItem

from ..conftest import staff
from .conftest import HENAN_ITEM, T0

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def cli_database(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    new_database: Callable[[str, Path], Any],
    network: Network,
) -> Iterator[str]:
    with new_database(str(request.param), tmp_path) as url:
        monkeypatch.setenv("BAOTONG_DATABASE_URL", url)
        monkeypatch.setenv("BAOTONG_DATA_DIR", str(tmp_path / "var"))
        monkeypatch.setattr(tracking_cli, "load_active", lambda settings: network)
        get_settings.cache_clear()
        migrate.upgrade(url)
        engine = make_engine(url)
        with session_scope(make_sessionmaker(engine)) as session:
            network_service.seed(session, network=network)
        engine.dispose()
        yield url
        get_settings.cache_clear()


def test_ingest_a_file_then_show_the_item_as_the_public_sees_it(
    cli_database: str, tmp_path: Path
) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        f'{{"number": "{HENAN_ITEM}", "product_class": "parcel", "origin_site_id": "XA", '
        f'"dest_region_code": "410102", "recipient_contact": "13900000002"}}\n'
        f'{{"number": "{HENAN_ITEM}", "event": "accepted", "site_id": "XA", '
        f'"at": "{T0.isoformat()}"}}\n',
        encoding="utf-8",
    )
    first = runner.invoke(app, ["tracking", "ingest", str(batch)])
    assert first.exit_code == 0, first.output
    assert "1 of 1 items and 1 of 1 scans were new" in first.output
    again = runner.invoke(app, ["tracking", "ingest", str(batch)])
    assert "0 of 1 items and 0 of 1 scans were new" in again.output
    shown = runner.invoke(app, ["tracking", "show", HENAN_ITEM])
    assert shown.exit_code == 0, shown.output
    assert "Accepted" in shown.output
    assert "13900000002" not in shown.output
    wrong = runner.invoke(app, ["tracking", "show", "EE123456780CN"])
    assert wrong.exit_code == 1
    assert "check digit" in wrong.output


def test_generate_then_list_the_overdue_tickets(cli_database: str) -> None:
    made = runner.invoke(app, ["tracking", "generate", "--days", "1", "--items-per-day", "200"])
    assert made.exit_code == 0, made.output
    assert "Generated" in made.output
    assert "No ticket is overdue." in runner.invoke(app, ["servicedesk", "overdue"]).output
    engine = make_engine(cli_database)
    three_hours_ago = clock.now() - timedelta(hours=3)
    with clock.frozen(three_hours_ago), session_scope(make_sessionmaker(engine)) as session:
        item = session.scalar(select(MailItem.number).limit(1))
        assert item is not None
        complaint = TicketCreate(
            number=item, category=TicketCategory.DELAY, contact_name="王女士",
            contact_phone="13700000000",
        )  # fmt: skip
        desk.open_ticket(session, data=complaint, channel=TicketChannel.AGENT, principal=staff())
    engine.dispose()
    late = runner.invoke(app, ["servicedesk", "overdue"])
    assert "1 overdue ticket(s)." in late.output
