"""Emergency supply in a real browser, one flow: Shanghai's supply office imports a demand
table from Excel and submits it, the sourcing desk quotes (in English), the office
confirms, the desk contracts, allocates and dispatches, the office records the arrival and
both sides sign. The clock counts down on the page; no page logs a JavaScript error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from tests.supply.conftest import filled_template

from baotong.auth import service as auth_service
from baotong.db.session import make_engine, make_sessionmaker, session_scope

from .conftest import PASSWORD, LiveServer, open_console

pytestmark = pytest.mark.browser


def test_a_demand_table_from_excel_to_the_arrival_handover(
    live_server: LiveServer, browser: Browser, tmp_path: Path
) -> None:
    engine = make_engine(live_server.settings.effective_database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        for name, role, province in (
            ("sh_office", "supply_owner", "310000"),
            ("desk", "sourcing_agent", None),
        ):
            if auth_service.get_user(session, name) is None:
                auth_service.create_user(
                    session, username=name, password=PASSWORD, role=role, province_code=province
                )
    engine.dispose()
    file = tmp_path / "浦东需求表.xlsx"
    file.write_bytes(filled_template())

    office = open_console(live_server, browser, "sh_office")
    page = office.page
    office.goto("/supply")
    form = page.get_by_test_id("import-form")
    form.locator("input[name=file]").set_input_files(str(file))
    form.locator("input[name=title]").fill("浦东 4 月 12 日")
    form.locator("input[name=owner]").fill("sh_office")
    page.get_by_test_id("import").click()
    expect(page.get_by_test_id("status")).to_have_text("草稿")
    table_url = page.url
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("status")).to_have_text("已提交")
    expect(page.get_by_test_id("countdown")).to_have_text(re.compile(r"^2[34]:\d\d:\d\d$"))

    desk = open_console(live_server, browser, "desk")
    desk.goto("/lang/en")
    desk.page.goto(table_url)
    desk.page.select_option("[data-testid=supplier-2]", "SUP-ZJ-GRAIN")
    desk.page.fill("[data-testid=price-2]", "48.5")
    desk.page.select_option("[data-testid=supplier-3]", "SUP-JS-PROT")
    desk.page.fill("[data-testid=price-3]", "35")
    desk.page.get_by_test_id("send-quote").click()
    expect(desk.page.get_by_test_id("status")).to_have_text("Quoted")

    page.reload()
    page.get_by_test_id("send-decision").click()
    expect(page.get_by_test_id("status")).to_have_text("已确认")

    desk.page.reload()
    desk.page.fill("textarea[name=documents]", "采购合同-0412.pdf")
    desk.page.get_by_test_id("contract").click()
    expect(desk.page.get_by_test_id("status")).to_have_text("Contracted")
    desk.page.get_by_test_id("allocate").click()
    expect(desk.page.get_by_test_id("status")).to_have_text("Allocated")
    expect(desk.page.get_by_test_id("allocations")).to_contain_text("PROT-ANTIGEN")
    expect(desk.page.get_by_test_id("mode-3")).to_be_visible()
    desk.page.get_by_test_id("dispatch").click()
    expect(desk.page.get_by_test_id("status")).to_have_text("Arriving")

    page.reload()
    for line, units in (("2 · FOOD-RICE-5", "120"), ("3 · KIT-PROT", "300")):
        page.select_option("[data-testid=arrival-line]", label=line)
        page.fill("[data-testid=arrival-received]", units)
        page.get_by_test_id("record-arrival").click()
        expect(page.get_by_test_id("lines")).to_contain_text(units)
    page.get_by_test_id("sign-receiver").click()
    desk.page.reload()
    desk.page.get_by_test_id("sign-deliverer").click()
    expect(desk.page.get_by_test_id("status")).to_have_text("Received")
    page.reload()
    expect(page.get_by_test_id("status")).to_have_text("已到货")
    office.shot("supply-received")
    assert office.errors == []
    assert desk.errors == []
