"""The kits page in a real browser: Shanghai's supply office opens the ten kits (six
standard, four optional) with their items, local variants and what the suppliers can
deliver a day, then one kit's page, in Chinese and in English; no JavaScript error."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from baotong.auth import service as auth_service
from baotong.db.session import make_engine, make_sessionmaker, session_scope

from .conftest import PASSWORD, LiveServer, open_console

pytestmark = pytest.mark.browser


def test_the_kits_page_lists_the_ten_kits_and_opens_one(
    live_server: LiveServer, browser: Browser
) -> None:
    engine = make_engine(live_server.settings.effective_database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        if auth_service.get_user(session, "sh_kits") is None:
            auth_service.create_user(
                session, username="sh_kits", password=PASSWORD, role="supply_owner",
                province_code="310000",
            )  # fmt: skip
    engine.dispose()
    office = open_console(live_server, browser, "sh_kits")
    page = office.page
    office.goto("/supply")
    page.get_by_test_id("kits-link").click()
    expect(page.locator("h1")).to_have_text("套餐")
    expect(page.get_by_test_id("kits-standard").locator("tbody tr")).to_have_count(6)
    expect(page.get_by_test_id("kits-optional").locator("tbody tr")).to_have_count(4)
    veg = page.get_by_test_id("kit-KIT-VEG")
    expect(veg).to_contain_text("大白菜")
    expect(veg).to_contain_text("上海")  # the Shanghai peak variant
    expect(veg).to_contain_text("高峰期")
    expect(page.get_by_test_id("available-KIT-VEG")).to_have_text("8,571")
    office.shot("supply-kits")
    veg.get_by_role("link").first.click()
    expect(page.get_by_test_id("kit-title")).to_contain_text("KIT-VEG")
    expect(page.get_by_test_id("variants").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("kit-suppliers")).to_contain_text("SUP-JS-VEG")
    office.goto("/lang/en")
    office.goto("/supply/kits")
    expect(page.locator("h1")).to_have_text("Kits")
    expect(page.get_by_test_id("kit-KIT-VEG")).to_contain_text("Vegetable kit")
    assert office.errors == []
