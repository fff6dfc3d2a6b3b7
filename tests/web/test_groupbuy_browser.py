"""Community group buying on phones (390 × 844): a leader opens the day's group, two
residents order on the public page, operations run the cut-off, the leader confirms the
delivery, hands out and ticks both residents off — and the hand-out matches what was
delivered."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal, Scope, ScopeKind
from baotong.core import clock
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.groupbuy import service
from baotong.groupbuy.models import LeaderSource
from baotong.groupbuy.schemas import (
    GroupPointCreate,
    LeaderCreate,
    OfferCreate,
    PickupPointCreate,
    Training,
)
from baotong.supply.template import ItemKind
from baotong.warehouse import inbound
from baotong.warehouse import service as warehouse_service
from baotong.warehouse.models import WarehouseKind, WarehouseStatus
from baotong.warehouse.schemas import Layout, ReceiveLine, WarehouseCreate

from .conftest import PASSWORD, LiveServer

pytestmark = pytest.mark.browser
SYSTEM = Principal.system("tester")
SH = "310000"
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True,
         "has_touch": True}  # fmt: skip


def _prepare(server: LiveServer) -> None:
    """A Shanghai central warehouse with stock, a forward warehouse, a pickup point, an
    active leader with a login and a group point, offers, and an operations manager."""
    engine = make_engine(server.settings.effective_database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        for code, kind in (("BR-CENTRAL", WarehouseKind.CENTRAL), ("BR-FW", WarehouseKind.FORWARD)):
            warehouse_service.create_warehouse(session, SYSTEM, WarehouseCreate(
                code=code, name=code, kind=kind, province_code=SH, region_code="310105",
                status=WarehouseStatus.OPEN, layout=Layout(zones=["A"], aisles=1, racks=1,
                                                           bins=2)))  # fmt: skip
        receipt, _ = inbound.receive(session, SYSTEM, "BR-CENTRAL", lines=[
            ReceiveLine(sku="VEG-POTATO", qty=50, lot="BR-P"),
            ReceiveLine(sku="FOOD-RICE-5", qty=1, lot="BR-R")])  # fmt: skip
        putaway = warehouse_service.get_document(session, SYSTEM, int(receipt.data["putaway_id"]))
        for line in warehouse_service.lines_of(session, putaway):
            inbound.put_away(session, SYSTEM, putaway.id, line_id=line.id)
        auth_service.create_user(session, username="br_leader", password=PASSWORD,
                                 role="group_leader", scope=Scope.unit(
                                     ScopeKind.GROUP_POINT, "BR-GP", province_code=SH))  # fmt: skip
        auth_service.create_user(session, username="br_ops", password=PASSWORD,
                                 role="supply_supervisor", province_code=SH)  # fmt: skip
        service.create_pickup_point(session, data=PickupPointCreate(
            code="BR-PP", name="仙霞路自提点", region_code="310105", lon=121.385, lat=31.205,
            forward_warehouse="BR-FW"), principal=SYSTEM)  # fmt: skip
        service.create_leader(session, data=LeaderCreate(
            code="BR-L", name="周团长", phone="13916000009", source=LeaderSource.POSTAL_RETAIL,
            province_code=SH, username="br_leader"), principal=SYSTEM)  # fmt: skip
        service.train_leader(session, "BR-L", data=Training(materials=["团长手册"]),
                             principal=SYSTEM)  # fmt: skip
        service.set_leader_active(session, "BR-L", active=True, principal=SYSTEM)
        service.create_point(session, data=GroupPointCreate(
            code="BR-GP", name="仙霞新村", community_code="310105", pickup_point="BR-PP",
            leader="BR-L"), principal=SYSTEM)  # fmt: skip
        for kind, item, price, limit in ((ItemKind.SKU, "VEG-POTATO", "2.00", 10),
                                         (ItemKind.SKU, "FOOD-RICE-5", "32.00", 2)):  # fmt: skip
            if item not in {o.item_code for o in service.offers(session, SH)}:
                service.create_offer(session, data=OfferCreate(
                    province_code=SH, item_kind=kind, item_code=item, price=Decimal(price),
                    daily_limit=limit), principal=SYSTEM)  # fmt: skip
    engine.dispose()


def _log_in(context: BrowserContext, url: str, username: str) -> Page:
    page = context.new_page()
    page.goto(f"{url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def _resident(browser: Browser, link: str, nickname: str, phone: str, potatoes: str,
              rice: str) -> Page:  # fmt: skip
    page = browser.new_context(**PHONE).new_page()  # type: ignore[arg-type]
    page.goto(link)
    page.get_by_test_id("qty-VEG-POTATO").fill(potatoes)
    page.get_by_test_id("qty-FOOD-RICE-5").fill(rice)
    page.get_by_test_id("field-nickname").fill(nickname)
    page.get_by_test_id("field-building").fill("9号楼")
    page.get_by_test_id("field-room").fill("1203")
    page.get_by_test_id("field-phone").fill(phone)
    page.get_by_test_id("order-send").click()
    expect(page.get_by_test_id("placed")).to_be_visible()
    expect(page.get_by_test_id("edit-code")).to_have_text(re.compile(r"^[A-Z0-9]{8}$"))
    return page


def test_a_day_of_group_buying_on_phones(live_server: LiveServer, browser: Browser) -> None:
    _prepare(live_server)
    url = live_server.url
    cutoff_local = clock.now().astimezone(service.BEIJING) + timedelta(minutes=45)
    day = cutoff_local.date().isoformat()

    # the leader opens today's group and reads its residents' link
    leader_context = browser.new_context(**PHONE)  # type: ignore[arg-type]
    leader = _log_in(leader_context, url, "br_leader")
    leader.goto(f"{url}/groupbuy")
    leader.get_by_test_id("cutoff-input").fill(cutoff_local.strftime("%Y-%m-%dT%H:%M"))
    leader.get_by_test_id("open-group").click()
    leader.wait_for_load_state("networkidle")
    expect(leader.get_by_test_id("order-status")).to_have_text("接龙中")
    link = str(leader.get_by_test_id("public-link").get_attribute("href"))
    order_url = leader.url

    # two residents order on their phones; the second sees the first only by nickname
    _resident(browser, link, "王阿姨", "13917000001", "3", "1")
    second = _resident(browser, link, "小李", "13917000002", "2", "1")
    entries = second.get_by_test_id("entry")
    expect(entries).to_have_count(2)
    assert "王阿姨" in entries.nth(0).inner_text()
    assert "13917000001" not in second.content()
    assert second.evaluate("document.documentElement.scrollWidth") <= 390

    # operations run the cut-off: one bag of rice in stock for two orders of one
    ops = _log_in(browser.new_context(), url, "br_ops")
    ops.goto(f"{url}/groupbuy")
    ops.get_by_test_id("cutoff-province").fill(SH)
    ops.get_by_test_id("cutoff-day").fill(day)
    ops.get_by_test_id("run-cutoff").click()
    ops.wait_for_load_state("networkidle")
    expect(ops.get_by_test_id("cutoff-row").first).to_contain_text("BR-FW")

    # the leader confirms the drop, hands out and ticks both residents off
    leader.goto(order_url)
    expect(leader.get_by_test_id("order-status")).to_have_text("拣货配送中")
    expect(leader.get_by_test_id("delivery")).to_be_visible()
    leader.get_by_test_id("receive").click()
    leader.wait_for_load_state("networkidle")
    expect(leader.get_by_test_id("order-status")).to_have_text("已送达")
    rice_of_second = leader.get_by_test_id("resident-2").inner_text()
    assert "0" in rice_of_second  # the second resident's rice could not be filled
    for seq in (1, 2):
        leader.get_by_test_id(f"tick-{seq}").click()
        leader.wait_for_load_state("networkidle")
    expect(leader.get_by_test_id("ticked")).to_have_count(2)
    expect(leader.get_by_test_id("order-status")).to_have_text("已发放")
    for item, delivered in (("VEG-POTATO", "5"), ("FOOD-RICE-5", "1")):
        cells = leader.get_by_test_id(f"rec-{item}").locator("td")
        expect(cells.nth(1)).to_have_text(delivered)  # delivered
        expect(cells.nth(2)).to_have_text(delivered)  # handed out
        expect(cells.nth(3)).to_have_text("0")  # waiting
        expect(cells.nth(4)).to_have_text("0")  # difference
    leader.goto(f"{order_url}/print")
    expect(leader.get_by_test_id("print-table")).to_contain_text("王阿姨")
