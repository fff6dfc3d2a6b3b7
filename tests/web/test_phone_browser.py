"""The console at phone width (390 px) in Chromium: the navigation folds into a menu that
opens and leads on, and no page of the control room's flow scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from .conftest import LiveServer, open_console
from .test_dispatch_browser import approved_henan_plan

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
# How far the page, or any panel (which scrolls its own overflow), is wider than it shows.
WIDER = """() => Math.max(document.documentElement.scrollWidth - window.innerWidth,
  ...[...document.querySelectorAll('.panel')].map((p) => p.scrollWidth - p.clientWidth))"""


def test_at_phone_width_the_menu_opens_and_no_page_scrolls_sideways(
    live_server: LiveServer, browser: Browser
) -> None:
    plan_id = approved_henan_plan(live_server)
    console = open_console(live_server, browser, "planner")
    page = console.page
    page.set_viewport_size(PHONE)
    console.goto("/plans")
    nav = page.get_by_test_id("nav")
    expect(nav).to_be_hidden()
    page.get_by_test_id("nav-menu").click()
    expect(nav).to_be_visible()
    nav.get_by_role("link", name="封控场景").click()
    page.wait_for_url("**/scenarios")
    overflowing = {}
    for path in ("/map", "/scenarios", "/scenarios/new", "/plans", f"/plans/{plan_id}",
                 f"/plans/{plan_id}/operations", "/account", "/inbox"):  # fmt: skip
        console.goto(path)
        extra = page.evaluate(WIDER)
        if extra > 0:
            overflowing[path] = extra
    console.shot("phone-plan")
    assert overflowing == {}, f"pages wider than 390 px (extra px): {overflowing}"
    assert console.errors == []
