"""A delivery station in a real browser at phone width (360 px): station staff open the
bag that arrived on the demo's special run by scanning its items, see the items join the
call list with masked phones, record a call with no answer, and deliver a reached item with
its proof — a photo from the phone and the name the recipient signed with — which the line
shows afterwards. No page scrolls sideways and none logs a JavaScript error."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from baotong.auth import service as auth_service
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.transport.demo_stations import seed_demo
from baotong.transport.models import StationBag, StationItem

from .conftest import PASSWORD, LiveServer, open_console

pytestmark = pytest.mark.browser
WIDER = """() => Math.max(document.documentElement.scrollWidth - window.innerWidth,
  ...[...document.querySelectorAll('.panel')].map((p) => p.scrollWidth - p.clientWidth))"""


def _prepare(server: LiveServer) -> tuple[str, list[str]]:
    """The demo's special run and a station staff user; the station and the numbers on the
    sealed bag's manifest."""
    engine = make_engine(server.settings.effective_database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        seed_demo(session, server.settings)
        if auth_service.get_user(session, "station_web") is None:
            auth_service.create_user(session, username="station_web", password=PASSWORD,
                                     role="station_staff", province_code="410000")  # fmt: skip
        bag = session.scalar(select(StationBag).where(StationBag.label == "ZT-02"))
        assert bag is not None
        numbers = list(session.scalars(select(StationItem.number)
                                       .where(StationItem.bag_id == bag.id)))  # fmt: skip
        station = bag.station_id
    engine.dispose()
    return station, numbers


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_station_staff_open_a_bag_and_record_a_call_at_phone_width(
    live_server: LiveServer, browser: Browser, tmp_path: Path
) -> None:
    station, numbers = _prepare(live_server)
    console = open_console(live_server, browser, "station_web")
    page = console.page
    page.set_viewport_size({"width": 360, "height": 780})
    console.goto("/")
    assert page.url.endswith("/transport/stations")  # the station staff's home
    console.goto(f"/transport/stations/{station}")
    before = page.get_by_test_id("call").count()
    bag = page.locator('[data-testid=bag][data-label="ZT-02"]')
    expect(bag).to_have_attribute("data-state", "sealed")
    bag.get_by_test_id("scanned-input").fill("\n".join(numbers))
    bag.get_by_test_id("open").click()
    page.wait_for_load_state("networkidle")
    opened = page.locator('[data-testid=bag][data-label="ZT-02"]')
    expect(opened).to_have_attribute("data-state", "opened")
    expect(opened.get_by_test_id("scanned")).to_have_text(str(len(numbers)))
    expect(page.get_by_test_id("call")).to_have_count(before + len(numbers))
    line = page.locator(f'[data-testid=call][data-number="{numbers[0]}"]')
    expect(line.get_by_test_id("phone")).to_contain_text("****")
    assert page.evaluate(WIDER) <= 1, "the station page scrolls sideways at 360 px"
    line.get_by_test_id("outcome-no_answer").click()
    page.wait_for_load_state("networkidle")
    line = page.locator(f'[data-testid=call][data-number="{numbers[0]}"]')
    expect(line).to_have_attribute("data-contact", "no_answer")
    line.get_by_test_id("reveal").click()
    page.wait_for_load_state("networkidle")
    line = page.locator(f'[data-testid=call][data-number="{numbers[0]}"]')
    expect(line.get_by_test_id("phone")).not_to_contain_text("****")
    console.shot("station-calls")

    # Deliver a reached item with its proof: the photo and the signed name.
    reached = page.locator("[data-testid=call][data-contact=reached]").first
    number = reached.get_attribute("data-number")
    form = reached.get_by_test_id("deliver-form")
    form.get_by_test_id("signed-by").fill("王秀英")
    photo = tmp_path / "door.png"
    photo.write_bytes(PNG)
    form.get_by_test_id("photo").set_input_files(str(photo))
    assert page.evaluate(WIDER) <= 1, "the delivery form scrolls sideways at 360 px"
    form.get_by_test_id("deliver").click()
    page.wait_for_load_state("networkidle")
    done = page.locator(f'[data-testid=closed][data-number="{number}"]')
    expect(done).to_have_attribute("data-contact", "delivered")
    expect(done.get_by_test_id("proof-signed")).to_contain_text("王秀英")
    expect(done.get_by_test_id("proof-photo")).to_contain_text("door.png")
    assert page.evaluate(WIDER) <= 1, "the delivered lines scroll sideways at 360 px"
    console.shot("station-delivered")
    assert console.errors == []
