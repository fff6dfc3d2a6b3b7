"""A warehouse operator on a 360 px phone takes a supplier's expected receipt through the
seven operations — receive, put away, pick, kit, pack, ship out, dispatch — scanning with
a keyboard-wedge scanner (it types the code into the focused field and presses Enter)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from baotong.auth import service as auth_service
from baotong.auth.permissions import Scope, ScopeKind
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.warehouse import inbound, service
from baotong.warehouse.models import WarehouseKind, WarehouseStatus
from baotong.warehouse.schemas import ItemLine, Layout, WarehouseCreate

from ..warehouse.conftest import SYSTEM
from .conftest import PASSWORD, LiveServer

pytestmark = pytest.mark.browser
CODE = "ZZ-HJD"


def _prepare(server: LiveServer) -> int:
    """A Henan consolidation point, its operator, and a supplier's expected receipt."""
    engine = make_engine(server.settings.effective_database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        service.create_warehouse(session, SYSTEM, WarehouseCreate(
            code=CODE, name="郑州汇集点", kind=WarehouseKind.CONSOLIDATION_POINT,
            province_code="410000", status=WarehouseStatus.OPEN,
            layout=Layout(zones=["A"], aisles=1, racks=1, bins=4)))  # fmt: skip
        auth_service.create_user(
            session, username="picker", password=PASSWORD, role="warehouse_operator",
            scope=Scope.unit(ScopeKind.WAREHOUSE, CODE, province_code="410000"))  # fmt: skip
        receipt = inbound.expect_receipt(session, CODE, [ItemLine(sku="MILK-UHT-12", qty=10)],
                                         "supply_contract", "contract-1")  # fmt: skip
        receipt_id = receipt.id
    engine.dispose()
    return receipt_id


def _scan(page: Page, code: str) -> None:
    """What a wedge scanner does: type into the focused field, then Enter."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def _status(page: Page) -> str:
    return str(page.get_by_test_id("doc-status").get_attribute("data-status"))


def test_a_receipt_goes_from_the_dock_to_a_dispatched_load_on_a_phone(
    live_server: LiveServer, browser: Browser
) -> None:
    receipt_id = _prepare(live_server)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN",
                                  is_mobile=True, has_touch=True)  # fmt: skip
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    url = live_server.url
    page.goto(f"{url}/login")
    page.fill("input[name=username]", "picker")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")

    # 1. receive against the expected receipt (the count is pre-filled; a lot is typed)
    page.goto(f"{url}/warehouse/documents/{receipt_id}")
    page.locator("input[name^=lot_]").fill("M-0415")
    page.locator("input[name^=lot_]").press("Enter")
    expect(page.get_by_test_id("ok")).to_be_visible()
    assert _status(page) == "done"
    page.get_by_test_id("to-putaway").click()

    # 2. put away: the suggested bin is scanned into the focused field
    bin_code = page.get_by_test_id("target").inner_text()
    expect(page.locator("input[data-scan]")).to_be_focused()
    _scan(page, bin_code)
    expect(page.get_by_test_id("ok")).to_be_visible()
    assert _status(page) == "done"

    # 3. pick: a wrong bin is refused in red, the right one confirms
    page.goto(f"{url}/warehouse/sites/{CODE}")
    page.locator("details.wh-op summary").nth(1).click()
    form = page.get_by_test_id("pick-form")
    form.locator("input[name=wave]").fill("W1 班车 08:00")
    form.locator("input[name=sku]").fill("MILK-UHT-12")
    form.locator("input[name=qty]").fill("4")
    form.locator("input[name=qty]").press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("target").inner_text() == bin_code
    _scan(page, "A-01-01-04" if bin_code != "A-01-01-04" else "A-01-01-03")
    expect(page.get_by_test_id("error")).to_be_visible()
    assert "wh-flash-error" in str(page.locator("body").get_attribute("class"))
    _scan(page, bin_code)
    expect(page.get_by_test_id("ok")).to_be_visible()
    assert _status(page) == "done"

    # 4. kit: two milk kits from the picked cartons
    page.goto(f"{url}/warehouse/sites/{CODE}")
    page.locator("details.wh-op summary").nth(2).click()
    form = page.get_by_test_id("kit-form")
    form.locator("select[name=kit]").select_option("KIT-MILK")
    form.locator("input[name=kits]").fill("2")
    form.locator("input[name=kits]").press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.locator("input[data-scan]")).to_be_focused()
    page.keyboard.press("Enter")  # the kits still to make are filled in: confirm
    expect(page.get_by_test_id("ok")).to_be_visible()
    assert _status(page) == "done"

    # 5. pack the two kits
    page.goto(f"{url}/warehouse/sites/{CODE}")
    page.locator("details.wh-op summary").nth(3).click()
    form = page.get_by_test_id("pack-form")
    for name, value in (("sku", "KIT-MILK"), ("qty", "2"), ("weight_kg", "12.5"),
                        ("length", "40"), ("width", "30"), ("height", "25")):  # fmt: skip
        form.locator(f"input[name={name}]").fill(value)
    form.locator("input[name=height]").press("Enter")
    page.wait_for_load_state("networkidle")
    package = page.get_by_test_id("package").inner_text()

    # 6. ship out: a trailer, the package scanned onto it, sealed
    page.goto(f"{url}/warehouse/sites/{CODE}")
    page.locator("details.wh-op summary").nth(4).click()
    form = page.get_by_test_id("shipment-form")
    form.locator("input[name=vehicle]").fill("豫A·12345")
    form.locator("input[name=trailer]").fill("T-08")
    form.locator("input[name=trailer]").press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.locator("input[data-scan]")).to_be_focused()
    _scan(page, package)
    expect(page.get_by_test_id("loaded")).to_contain_text(package)
    page.locator("[data-testid=seal-form] input[name=seal]").fill("SEAL-0001")
    page.locator("[data-testid=seal-form] input[name=seal]").press("Enter")
    page.wait_for_load_state("networkidle")
    assert _status(page) == "done"

    # 7. dispatch: the handover to the shuttle
    page.get_by_test_id("to-dispatch").click()
    form = page.get_by_test_id("dispatch-form")
    form.locator("input[name=carrier]").fill("班车 郑州→转运站")
    form.locator("input[name=handed_to]").fill("司机 张")
    form.locator("input[name=handed_to]").press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("handover")).to_contain_text("SEAL-0001")
    assert _status(page) == "done"

    width = page.evaluate("document.querySelector('main').scrollWidth")
    assert width <= 360, f"the page is {width} px wide on a 360 px phone"
    assert errors == []
    context.close()
