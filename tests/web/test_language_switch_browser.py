"""Switching the console's language keeps what the user typed: the scenario builder's
name, options and picked areas come back on the English page, and the page keeps its
query (filters, page number)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from .conftest import LiveServer, open_console

pytestmark = pytest.mark.browser
HENAN = "410000"


def test_a_language_switch_keeps_what_was_typed_in_the_builder(
    live_server: LiveServer, browser: Browser
) -> None:
    planner = open_console(live_server, browser, "planner")
    page = planner.page
    planner.goto("/scenarios/new")
    page.get_by_test_id("region-search").fill("Henan")
    page.get_by_test_id("search-results").locator(f"[data-add-area='{HENAN}']").click()
    chip = page.locator(f"[data-testid=area-chip][data-code='{HENAN}']")
    expect(chip).to_have_count(1)
    chip.locator("select[name=area_depth]").select_option("station")
    page.get_by_test_id("scenario-name").fill("河南全省封控（草稿）")
    page.locator("input[name=max_surge_shifts]").fill("3")
    page.locator("a.lang").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("scenario-name")).to_have_value("河南全省封控（草稿）")
    expect(page.locator("input[name=max_surge_shifts]")).to_have_value("3")
    chip = page.locator(f"[data-testid=area-chip][data-code='{HENAN}']")
    expect(chip).to_have_count(1)
    expect(chip.locator("select[name=area_depth]")).to_have_value("station")
    page.reload()  # kept for the switch only, not for every later visit
    expect(page.get_by_test_id("scenario-name")).to_have_value("")
    expect(page.locator(f"[data-testid=area-chip][data-code='{HENAN}']")).to_have_count(0)
    planner.goto("/plans?lifecycle=active")
    page.locator("a.lang").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/plans?lifecycle=active")
    assert planner.errors == []
