"""``baotong groupbuy generate`` and ``cutoff`` at the command line, and the Shanghai demo
(every leader state, yesterday cut off and partly handed out, today open; seeding twice
adds nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from baotong.cli.main import app
from baotong.config import Settings, get_settings
from baotong.db.session import session_scope
from baotong.groupbuy.demo import seed_demo
from baotong.groupbuy.models import (
    AfterSale,
    Delivery,
    GroupOrder,
    GroupOrderStatus,
    Leader,
    LeaderStatus,
    ResidentOrder,
)
from baotong.servicedesk.models import Ticket
from baotong.transport.models import Run
from baotong.warehouse.models import Document, DocumentKind

runner = CliRunner()


@pytest.fixture
def cli_database(
    monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path
) -> Iterator[None]:
    monkeypatch.setenv("BAOTONG_DATABASE_URL", database_url)
    monkeypatch.setenv("BAOTONG_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_generate_a_day_then_cut_it_off_once(
    sessions: sessionmaker[Session], cli_database: None
) -> None:
    made = runner.invoke(app, ["groupbuy", "generate", "--groups", "3", "--orders", "40",
                               "--date", "2022-04-15"])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "3 group orders, 40 resident orders" in made.output
    cut = runner.invoke(app, ["groupbuy", "cutoff", "--date", "2022-04-15",
                              "--routing-seconds", "0.3"])  # fmt: skip
    assert cut.exit_code == 0, cut.output
    assert "310000" in cut.output
    assert "GB-20220415-GEN-F-31-01" in cut.output
    again = runner.invoke(app, ["groupbuy", "cutoff", "--date", "2022-04-15",
                                "--province", "310000"])  # fmt: skip
    assert "done before" in again.output
    with session_scope(sessions, write=False) as session:
        statuses = set(session.scalars(select(GroupOrder.status)))
        assert statuses == {GroupOrderStatus.PICKING}
    bad = runner.invoke(app, ["groupbuy", "cutoff", "--date", "15/04/2022"])
    assert bad.exit_code == 2
    assert "--date" in bad.output


def test_the_demo_shows_the_cycle_living(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="k" * 40)
    with session_scope(sessions) as session:
        said = seed_demo(session, settings)
    assert any("gb_leader " in line for line in said)
    assert any("gb_ops " in line for line in said)
    with session_scope(sessions) as session:
        seed_demo(session, settings)  # again: nothing added but fresh passwords
    with session_scope(sessions, write=False) as session:
        assert set(session.scalars(select(Leader.status))) == set(LeaderStatus)
        orders = list(session.scalars(select(GroupOrder).order_by(GroupOrder.id)))
        statuses, statuses_ids = [o.status for o in orders], [o.id for o in orders]
        assert statuses == [GroupOrderStatus.DELIVERED, GroupOrderStatus.PICKING] + [
            GroupOrderStatus.OPEN] * 3  # fmt: skip
        collected = select(func.count()).where(ResidentOrder.collected_at.is_not(None))
        assert session.scalar(collected) == 3
        assert session.scalar(select(func.count()).select_from(Delivery)) == 2
        assert session.scalar(select(func.count()).select_from(Run)) == 1
        picks = select(func.count()).where(Document.kind == DocumentKind.PICK)
        assert session.scalar(picks) == 2
        case = session.scalars(select(AfterSale)).one()  # one after-sales case, with its ticket
        assert case.ticket_id is not None
        ticket = session.get(Ticket, case.ticket_id)
        assert ticket is not None
        assert (ticket.subject_kind, ticket.subject_ref) == ("group_order", str(statuses_ids[0]))
