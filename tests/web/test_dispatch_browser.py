"""The dispatcher at 3 a.m. in Chromium: a Henan plan scheduled for 08:00 Beijing time
stays scheduled (the map shows nothing locked), its zone table answers a search, the
start can be called off, and the plan page prints without the console around it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect

from baotong.contingency import service as contingency_service
from baotong.core import clock
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.jobs.models import JobStatus
from baotong.network.reference import load_reference

from ..conftest import nearest_engine, staff
from .conftest import LiveServer, open_console

pytestmark = pytest.mark.browser
HENAN = {
    "name": "河南全省封控（排期）",
    "locked_areas": [{"region": "410000", "level": "province"}],
    "product_classes": {"parcel": 1.0},
}


def approved_henan_plan(server: LiveServer) -> int:
    """An approved Henan plan, computed by the nearest-centre test planner (fast)."""
    network = load_reference()
    engine = make_engine(server.settings.effective_database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            scenario = contingency_service.create_scenario(
                session, body=HENAN, network=network, principal=staff("planner")
            )
            run = contingency_service.create_plan(
                session, scenario_id=scenario.id, name=None, parameters={}, network=network,
                principal=staff("planner"),
            )  # fmt: skip
            result = nearest_engine(network, HENAN, lambda *_: None, lambda: False)
            contingency_service.store_result(session, run=run, result=result)
            run.job.status = JobStatus.SUCCEEDED
            contingency_service.approve_plan(session, plan_id=run.id, principal=staff("p"))
            return run.id
    finally:
        engine.dispose()


def test_a_scheduled_start_in_beijing_time_is_scheduled_everywhere_and_can_be_called_off(
    live_server: LiveServer, browser: Browser
) -> None:
    plan_id = approved_henan_plan(live_server)
    dispatcher = open_console(live_server, browser, "dispatcher")
    page = dispatcher.page
    confirmations: list[str] = []
    page.on("dialog", lambda dialog: confirmations.append(dialog.message))
    dispatcher.goto(f"/plans/{plan_id}")
    expect(page.get_by_test_id("user-zone")).to_have_text("Asia/Shanghai")
    tomorrow = (clock.now() + timedelta(days=1)).astimezone(clock.zone("Asia/Shanghai")).date()
    page.get_by_test_id("effective-at").fill(f"{tomorrow.isoformat()}T08:00")
    page.get_by_test_id("activate").click()
    expect(page.get_by_test_id("lifecycle")).to_have_text("已排期")
    expect(page.get_by_test_id("effective")).to_contain_text("08:00 UTC+8")
    assert "河南全省封控（排期）" in confirmations[0]
    assert "河南省" in confirmations[0]
    dispatcher.shot("dispatch-01-scheduled")

    # Nothing is locked before the effective time.
    dispatcher.goto("/map")
    expect(page.get_by_test_id("map-locked")).to_be_hidden()

    # The zone → backup table answers a search without leaving the page.
    dispatcher.goto(f"/plans/{plan_id}")
    rows = page.get_by_test_id("zone-table").locator("tbody tr")
    page.get_by_test_id("zone-search").fill("410102")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("410102")

    # Printed for the morning meeting: no navigation, no buttons.
    page.emulate_media(media="print")
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.get_by_test_id("unschedule")).to_be_hidden()
    page.emulate_media(media="screen")

    page.get_by_test_id("unschedule").click()
    expect(page.get_by_test_id("lifecycle")).to_have_text("已批准")
    expect(page.get_by_test_id("activate")).to_be_visible()
    assert dispatcher.errors == [], dispatcher.errors
    dispatcher.context.close()
