"""Transport in a real browser: a dispatcher walks a trailer through its shuttle cycle on
the board — departure, arrival at the transfer station, the swap stated by each side on
its own (the dispatcher hands over; the transfer station's staff, logged in on their own,
receive with a seal that does not match and a package short), the empty return — then
plans tomorrow's deliveries, watches the plan being solved in the background, sees its
routes on the map and records a recipient's signature. No page logs a JavaScript error."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.network.reference import load_reference
from baotong.transport import service
from baotong.transport.entities import VehicleKind
from baotong.warehouse import service as warehouse_service
from baotong.warehouse.models import DocumentKind, DocumentStatus, WarehouseKind, WarehouseStatus
from baotong.warehouse.schemas import Layout, WarehouseCreate

from .conftest import PASSWORD, LiveServer, open_console

pytestmark = pytest.mark.browser
POINT = "SZ-HJD-WEB"
STOPS = """id,name,address,lon,lat,region,packages,ready,due,service_min
CN01,华阳路街道,长宁路 1000 号,121.4300,31.2260,310105,30,08:00,10:00,10
CN02,新华路街道,新华路 500 号,121.4270,31.2070,310105,25,09:00,11:00,10
CN03,天山路街道,天山路 900 号,121.4040,31.2150,310105,20,09:00,12:00,10
CN04,新泾镇,哈密路 1900 号,121.3620,31.2100,310105,15,13:00,16:00,10"""


def _prepare(server: LiveServer) -> int:
    """A consolidation point that dispatched a sealed shipment of 3 cartons, a tractor, a
    trailer, a van, their driver and the dispatcher; the dispatch's id."""
    network = load_reference()
    system = Principal.system()
    engine = make_engine(server.settings.effective_database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        site = warehouse_service.create_warehouse(session, system, WarehouseCreate(
            code=POINT, name="苏州汇集点", kind=WarehouseKind.CONSOLIDATION_POINT,
            province_code="320000", status=WarehouseStatus.OPEN,
            layout=Layout(zones=["A"], aisles=1, racks=1, bins=2)))  # fmt: skip
        dispatched = warehouse_service.new_document(
            session, site, DocumentKind.DISPATCH, "picker", status=DocumentStatus.DONE,
            data={"handover": {"seal": "QF-501", "packages": ["P1", "P2", "P3"]}})  # fmt: skip
        fleet = (("苏E·S0901", VehicleKind.TRACTOR), ("苏E·T0901挂", VehicleKind.TRAILER),
                 ("沪A·P0901", VehicleKind.VAN))  # fmt: skip
        for plate, kind in fleet:
            service.add_vehicle(session, plate=plate, kind=kind, capacity_kg=9000,
                                capacity_m3=40, packages=120, cold_chain=False,
                                home_site=POINT, province_code="320000",
                                network=network, principal=system)  # fmt: skip
        service.add_person(session, name="周师傅", phone="13900000000", job="driver",
                           site=POINT, province_code="320000", network=network,
                           principal=system)  # fmt: skip
        if auth_service.get_user(session, "td_web") is None:
            auth_service.create_user(session, username="td_web", password=PASSWORD,
                                     role="transport_dispatcher", province_code=None)  # fmt: skip
        if auth_service.get_user(session, "ts_web") is None:
            auth_service.create_user(session, username="ts_web", password=PASSWORD,
                                     role="transfer_station", province_code="310000")  # fmt: skip
        load = dispatched.id
    engine.dispose()
    return load


def test_a_trailer_cycle_on_the_board_and_a_planned_delivery_signed_for(
    live_server: LiveServer, browser: Browser, tmp_path: Path
) -> None:
    load = _prepare(live_server)
    console = open_console(live_server, browser, "td_web")
    page = console.page
    console.goto("/transport/shuttles")
    form = page.get_by_test_id("shuttle-form")
    form.locator("select[name=warehouse_code]").select_option(POINT)
    form.locator("input[name=station]").fill("上海西北转运站")
    form.locator("input[name=station_region]").fill("310114")
    form.locator("select[name=trailer_id]").select_option(label="苏E·T0901挂")
    form.locator("select[name=tractor_id]").select_option(label="苏E·S0901")
    day = service.today().isoformat()
    form.locator("input[name=departs_at]").fill(f"{day}T01:00")
    form.locator("input[name=arrives_at]").fill(f"{day}T03:00")
    form.locator("select[name=route_type]").select_option("inter_provincial")
    page.get_by_test_id(f"load-{load}").check()
    page.get_by_test_id("timetable-submit").click()
    trailer = page.locator("[data-testid=trailer][data-plate='苏E·T0901挂']")
    expect(trailer).to_have_attribute("data-stage", "loading")
    shuttle = page.get_by_test_id("shuttle").first
    shuttle.get_by_test_id("depart").click()
    expect(page.get_by_test_id("shuttle").first).to_have_attribute("data-stage", "on_road")
    page.get_by_test_id("arrive").click()
    expect(page.get_by_test_id("shuttle").first).to_have_attribute("data-stage", "at_station")
    expect(page.get_by_test_id("swap-received-form")).to_have_count(0)
    form = page.get_by_test_id("swap-handed-form")
    form.locator("input[name=name]").fill("周师傅")
    page.get_by_test_id("swap-handed").click()
    expect(page.get_by_test_id("swap").first).to_have_attribute("data-swap-state", "handed")
    expect(page.get_by_test_id("statement-handed")).to_contain_text("周师傅")

    station = open_console(live_server, browser, "ts_web")
    station.goto("/transport/shuttles")
    form = station.page.get_by_test_id("swap-received-form")
    form.locator("input[name=name]").fill("长宁区保供专班 陈敏")
    form.locator("input[name=area_vehicle]").fill("沪A·Q0001")
    form.locator("[data-testid=received-seal]").fill("QF-999")
    form.locator("[data-testid=received-count]").fill("2")
    station.page.get_by_test_id("swap-received").click()
    expect(station.page.get_by_test_id("swap").first).to_have_attribute(
        "data-swap-state", "done")  # fmt: skip
    station.shot("transport-swap-station")
    assert station.errors == []

    console.goto("/transport/shuttles")
    row = page.get_by_test_id("shuttle").first
    expect(row).to_have_attribute("data-stage", "swapped")
    expect(row.get_by_test_id("discrepancies")).to_contain_text("QF-501 → QF-999")
    expect(row.get_by_test_id("discrepancies")).to_contain_text("3 → 2")
    page.get_by_test_id("return").click()
    expect(trailer).to_have_attribute("data-stage", "returned")
    console.shot("transport-shuttle-board")

    console.goto("/transport/plans")
    form = page.get_by_test_id("plan-form")
    form.locator("input[name=name]").fill("长宁区政府订单")
    form.locator("input[name=depot_name]").fill("长宁区保供中转点")
    form.locator("input[name=depot_lon]").fill("121.4246")
    form.locator("input[name=depot_lat]").fill("31.2204")
    form.locator("input[name=time_limit_s]").fill("1")
    form.locator("textarea[name=stops]").fill(STOPS)
    form.locator("input[type=checkbox]").first.check()
    page.get_by_test_id("plan-submit").click()
    expect(page.get_by_test_id("plan-state")).to_have_attribute("data-state", "solved")
    expect(page.get_by_test_id("route-map")).to_have_attribute("data-ready", "1")
    expect(page.get_by_test_id("route")).to_have_count(1)
    expect(page.get_by_test_id("route").first).to_have_attribute("data-cleared", "yes")
    sheets = page.request.get(live_server.url + str(
        page.get_by_test_id("sheets").get_attribute("href")))  # fmt: skip
    assert sheets.headers["content-type"] == "application/pdf"
    assert sheets.body().startswith(b"%PDF")

    signature = tmp_path / "sign.png"
    signature.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    first = page.get_by_test_id("stop").first
    first.locator("input[name=recipient]").fill("街道办 周丽")
    first.locator("input[name=count]").fill("28")
    first.locator("input[name=file]").set_input_files(str(signature))
    first.get_by_test_id("deliver").click()
    signed = page.get_by_test_id("stop").first.get_by_test_id("signed")
    expect(signed).to_contain_text("街道办 周丽")
    expect(signed).to_contain_text("2")  # short of the order
    console.shot("transport-route-plan")
    assert console.errors == []
