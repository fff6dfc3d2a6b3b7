"""The console in a real browser: the Henan lockdown from the map to a plan in force.

A planner builds the Henan scenario by clicking Henan on the map, runs it and watches the
progress finish, reads the plan's map and tables and approves it; a viewer finds no
activate button; a dispatcher activates it, sees the Zhengzhou centre's counties routed to
their backups on the site page, and lifts it. No page may log a JavaScript error.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from baotong.network.entities import Network, great_circle_km
from baotong.network.reference import load_reference

from .conftest import LiveServer, open_console

pytestmark = pytest.mark.browser
HENAN = "410000"
HENAN_POINT = (113.6, 33.9)  # inside Henan, away from its borders
ZHENGZHOU_POINT = (113.55, 34.62)  # inside Zhengzhou prefecture


def away_from_centres(network: Network) -> tuple[float, float]:
    """A point inside Henan as far as possible from any centre's dot (to click the area)."""
    centres = [c.location for c in network.centers.values()]
    best = max(
        network.counties_in(HENAN),
        key=lambda r: min(great_circle_km(r.centroid, c) for c in centres),
    )
    return best.centroid


def click_on_map(console: object, selector: str, lon: float, lat: float) -> None:
    """Click the map at a longitude/latitude (ECharts converts it to a canvas pixel)."""
    page = console.page  # type: ignore[attr-defined]
    point = page.evaluate(
        "([sel, lon, lat]) => echarts.getInstanceByDom(document.querySelector(sel))"
        ".convertToPixel({geoIndex: 0}, [lon, lat])",
        [selector, lon, lat],
    )
    box = page.locator(selector).bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])


def test_henan_from_the_map_to_an_active_plan_and_back(
    live_server: LiveServer, browser: Browser
) -> None:
    network = load_reference()
    zhengzhou = network.provincial_hub(HENAN)
    planner = open_console(live_server, browser, "planner")
    page = planner.page

    # The network map: China's provinces and the centres, drawn on canvas.
    expect(page.get_by_test_id("user")).to_have_text("planner")
    expect(page.get_by_test_id("network-map")).to_have_attribute(
        "data-ready", re.compile(r"^province:3\d$")
    )
    planner.shot("01-network-map")
    click_on_map(planner, "#network-map", *away_from_centres(network))  # drill into Henan
    expect(page.get_by_test_id("network-map")).to_have_attribute(
        "data-ready", re.compile(r"^county-410000:\d+$")
    )
    planner.shot("02a-henan-counties")
    click_on_map(planner, "#network-map", *zhengzhou.location)  # the centre's dot
    page.wait_for_url(f"**/sites/{zhengzhou.id}")
    expect(page.get_by_test_id("site-name")).to_contain_text(zhengzhou.name)
    planner.goto("/map")
    page.click("[data-level=county]")
    expect(page.get_by_test_id("network-map")).to_have_attribute(
        "data-ready", re.compile(r"^county:2\d{3}$")
    )
    planner.shot("02-network-map-counties")

    # The scenario builder: Henan picked on the map; the search finds it by pinyin too.
    planner.goto("/scenarios/new")
    expect(page.get_by_test_id("picker-map")).to_have_attribute(
        "data-ready", re.compile("province")
    )
    click_on_map(planner, "#picker-map", *HENAN_POINT)
    expect(page.locator(f"[data-testid=area-chip][data-code='{HENAN}']")).to_have_count(1)
    page.get_by_test_id("region-search").fill("Henan")
    expect(
        page.get_by_test_id("search-results").locator(f"[data-add-area='{HENAN}']")
    ).to_have_count(1)
    page.get_by_test_id("scenario-name").fill("河南全省封控")
    planner.shot("03-scenario-builder")
    page.get_by_test_id("save-scenario").click()
    expect(page.get_by_test_id("scenario-title")).to_contain_text("河南全省封控")
    planner.shot("04-scenario")

    # Run it: the progress bar is polled until the plan is computed and the page reloads.
    page.get_by_test_id("run-scenario").click()
    expect(page.get_by_test_id("plan-title")).to_contain_text("河南全省封控")
    expect(page.get_by_test_id("progress")).to_be_visible()
    planner.shot("05-plan-progress")
    expect(page.get_by_test_id("kpis")).to_be_visible(timeout=60_000)
    plan_url = page.url
    expect(page.get_by_test_id("plan-map")).to_have_attribute(
        "data-ready", re.compile(r"detail-410000:\d+")
    )
    expect(page.get_by_test_id("delay-chart")).to_have_attribute("data-ready", "1")
    backups = page.get_by_test_id("backups-table").locator("tbody tr")
    assert backups.count() >= 2
    first_backup = backups.first.locator("a").inner_text()
    planner.shot("06-plan")

    # Relation changes filtered by origin province (an htmx fragment).
    page.get_by_test_id("origin-filter").select_option("110000")
    transit = page.get_by_test_id("transit-table").locator("tbody tr")
    expect(transit.first).to_contain_text("北京")
    expect(transit.filter(has_not_text="北京")).to_have_count(0)  # once htmx swapped it in

    # Compare: paint Zhengzhou with another backup on the map and score it.
    planner.goto(plan_url.removeprefix(live_server.url) + "/compare")
    expect(page.get_by_test_id("compare-map")).to_have_attribute("data-ready", re.compile(r"\d+$"))
    page.locator("input[name=paint]").nth(1).check()
    brush = page.locator("input[name=paint]").nth(1).get_attribute("value")
    click_on_map(planner, "#compare-map", *ZHENGZHOU_POINT)
    expect(page.locator("select[name=assign_410100]")).to_have_value(brush or "")
    page.get_by_test_id("evaluate").click()
    expect(page.get_by_test_id("comparison")).to_be_visible(timeout=60_000)
    assert float(page.get_by_test_id("gap").inner_text().rstrip("%").replace(",", "")) >= 0
    planner.shot("06b-compare")
    planner.page.goto(plan_url)

    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("lifecycle")).to_have_text("已批准")
    assert page.get_by_test_id("activate").count() == 0  # a planner approves, never activates

    # A viewer sees the approved plan but no button to put it into force.
    viewer = open_console(live_server, browser, "viewer")
    viewer.page.goto(plan_url)
    expect(viewer.page.get_by_test_id("kpis")).to_be_visible()
    assert viewer.page.get_by_test_id("activate").count() == 0
    assert viewer.page.get_by_test_id("approve").count() == 0
    viewer.shot("07-plan-as-viewer")

    # The dispatcher activates it; the Zhengzhou centre's counties now go to backups.
    dispatcher = open_console(live_server, browser, "dispatcher")
    dispatcher.page.goto(plan_url)
    dispatcher.page.get_by_test_id("activate").click()
    expect(dispatcher.page.get_by_test_id("lifecycle")).to_have_text("生效中")
    dispatcher.shot("08-plan-active")
    dispatcher.goto(f"/sites/{zhengzhou.id}")
    routing = dispatcher.page.get_by_test_id("routing")
    expect(routing).to_contain_text("河南全省封控")
    assert zhengzhou.name not in routing.locator("tbody tr").first.inner_text()
    dispatcher.shot("09-site-routing-changed")
    dispatcher.goto("/map")
    expect(dispatcher.page.get_by_test_id("map-locked")).to_contain_text("河南省")
    expect(dispatcher.page.get_by_test_id("network-map")).to_have_attribute(
        "data-ready", re.compile("province")
    )
    dispatcher.shot("10-network-map-locked")

    # Lift: the routing is the baseline again.
    dispatcher.page.goto(plan_url)
    dispatcher.page.get_by_test_id("lift").click()
    expect(dispatcher.page.get_by_test_id("lifecycle")).to_have_text("已解除")
    dispatcher.goto(f"/sites/{zhengzhou.id}")
    rows = dispatcher.page.get_by_test_id("routing").locator("tbody tr")
    assert rows.count() >= 1
    assert all(zhengzhou.name in row for row in rows.all_inner_texts())
    dispatcher.shot("11-site-routing-baseline")
    assert first_backup

    # The English switch: the same page, pinyin for region names.
    dispatcher.page.click("a.lang")
    dispatcher.page.wait_for_load_state("networkidle")
    expect(dispatcher.page.get_by_test_id("routing")).to_contain_text("Baseline")
    expect(dispatcher.page.get_by_test_id("routing")).to_contain_text(
        network.regions[network.counties_in(zhengzhou.prefecture_code)[0].code].pinyin
    )
    expect(dispatcher.page.get_by_test_id("site-name")).to_contain_text(zhengzhou.name_en)
    dispatcher.shot("12-site-english")

    # The lists and the audit log render without errors, too.
    for path, name in (
        ("/scenarios", "13-scenarios"),
        ("/plans", "14-plans"),
        ("/audit", "15-audit"),
    ):
        dispatcher.goto(path)
        dispatcher.shot(name)
    expect(dispatcher.page.get_by_test_id("audit-table")).to_contain_text("Plan lifted")

    # Log out: back on the login page, and the pages need a login again.
    dispatcher.page.click("form[action='/logout'] button")
    dispatcher.page.wait_for_url("**/login")
    dispatcher.goto("/plans")
    expect(dispatcher.page.locator("input[name=username]")).to_be_visible()
    dispatcher.shot("16-logged-out")

    for console in (planner, viewer, dispatcher):
        assert console.errors == [], console.errors
        console.context.close()
