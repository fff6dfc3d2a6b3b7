"""Times are stored in UTC, shown in the reader's zone with the zone visible (Asia/Shanghai
unless the user chose another) and typed times are read in that zone — on the plan page,
the audit page and through the one filter and parser."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from baotong.contingency.models import PlanLifecycle, PlanRun
from baotong.core import i18n
from baotong.db.session import session_scope
from baotong.network.entities import Network
from baotong.web.forms import parse_time

from .conftest import computed_plan, csrf, log_in

BEIJING_8AM = datetime(2030, 12, 1, 0, 0, tzinfo=UTC)


def test_a_time_is_shown_in_the_readers_zone_with_the_zone_named() -> None:
    assert i18n.when("zh", BEIJING_8AM) == "2030年12月1日 08:00 UTC+8"
    assert i18n.when("en", BEIJING_8AM, "Europe/Berlin").endswith("01:00 UTC+1")
    assert i18n.when("en", BEIJING_8AM, "UTC").endswith("00:00 UTC")


def test_a_typed_time_is_read_in_the_users_zone_and_stored_in_utc() -> None:
    assert parse_time("2030-12-01T08:00", "effective_at") == BEIJING_8AM
    assert parse_time("2030-12-01T01:00", "x", zone="Europe/Berlin") == BEIJING_8AM
    assert parse_time("2030-12-01T00:00+00:00", "x", zone="Europe/Berlin") == BEIJING_8AM


def test_an_activation_typed_at_8_in_beijing_is_8_on_every_page(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = computed_plan(seeded, network, client, "approved")
    dispatcher = log_in(client, seeded, "dispatcher")
    reply = dispatcher.post(
        f"/plans/{plan_id}/activate", data={"effective_at": "2030-12-01T08:00", **csrf(dispatcher)}
    )
    assert reply.status_code == 303, reply.text
    with session_scope(seeded, write=False) as session:
        run = session.get(PlanRun, plan_id)
        assert run is not None
        assert run.effective_at == BEIJING_8AM
        assert run.lifecycle is PlanLifecycle.SCHEDULED
    page = dispatcher.get(f"/plans/{plan_id}").text
    assert "2030年12月1日 08:00 UTC+8" in page
    assert "已排期" in page
    admin = log_in(client, seeded, "admin")
    audit = admin.get("/audit?object_type=plan").text
    assert "2030年12月1日 08:00 UTC+8" in audit
    assert "+00:00" not in audit
    assert "+08:00" not in audit
    assert "排期启动方案" in audit
    assert "plan.schedule" not in audit


def test_a_user_who_chooses_another_zone_reads_and_types_times_in_it(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = computed_plan(seeded, network, client, "approved")
    dispatcher = log_in(client, seeded, "dispatcher")
    assert '"Asia/Shanghai" selected' in dispatcher.get("/account").text
    bad = dispatcher.post(
        "/account/time-zone", data={"time_zone": "Mars/Olympus", **csrf(dispatcher)}
    )
    assert bad.status_code == 422
    assert "不是时区" in bad.text
    done = dispatcher.post(
        "/account/time-zone", data={"time_zone": "Europe/Berlin", **csrf(dispatcher)}
    )
    assert done.status_code == 303
    dispatcher.post(
        f"/plans/{plan_id}/activate", data={"effective_at": "2030-12-01T01:00", **csrf(dispatcher)}
    )
    with session_scope(seeded, write=False) as session:
        run = session.get(PlanRun, plan_id)
        assert run is not None
        assert run.effective_at == BEIJING_8AM
    page = dispatcher.get(f"/plans/{plan_id}").text
    assert "01:00 UTC+1" in page
    assert ">Europe/Berlin</a>" in page
