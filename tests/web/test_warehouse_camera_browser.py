"""A picker on a 360 px phone scans a bin label with the phone's camera instead of a wedge
scanner: the camera button opens the rear camera, the label is read (Code 128 or QR, as
``labels.py`` prints them) and the scan is sent as the wedge sends it.

Chromium's fake camera plays a YUV4MPEG2 video of the label, drawn here with Pillow from
ReportLab's own Code 128 and QR encodings, so the barcode reader really decodes a picture.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, BrowserContext, Page, expect
from reportlab.graphics.barcode import code128
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
from sqlalchemy import select

from baotong.auth import service as auth_service
from baotong.auth.permissions import Scope, ScopeKind
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.warehouse import inbound, outbound, service
from baotong.warehouse.models import Location, Move, Scan, WarehouseKind, WarehouseStatus
from baotong.warehouse.schemas import ItemLine, Layout, ReceiveLine, WarehouseCreate

from ..warehouse.conftest import SYSTEM
from .conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, LiveServer

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 640, 480  # the fake camera's picture
BLACK, WHITE = 16, 235  # luma of ink and paper (BT.601 video range)


# -- the label, as the fake camera films it ----------------------------------------------------
def code128_label(code: str) -> Image.Image:
    """The code's Code 128 bars (ReportLab's encoding: upper case letters are bars, lower
    case spaces, A–D one to four modules wide) on a white label, 3 px a module."""
    barcode = code128.Code128(code)
    barcode.validate()
    barcode.encode()
    barcode.decompose()
    module, height = 3, 160
    widths = [(ord(c.upper()) - ord("A") + 1, c.isupper()) for c in barcode.decomposed]
    picture = Image.new("L", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(picture)
    x = (WIDTH - sum(w for w, _ in widths) * module) // 2
    top = (HEIGHT - height) // 2
    for width, bar in widths:
        if bar:
            draw.rectangle((x, top, x + width * module - 1, top + height), fill=BLACK)
        x += width * module
    assert 0 < x < WIDTH, "the barcode does not fit the picture"
    return picture


def qr_label(code: str) -> Image.Image:
    """The code's QR code (ReportLab's encoder, as on the labels), 8 px a module."""
    qr = QRCode(None, QRErrorCorrectLevel.M)
    qr.addData(code)
    qr.make()
    count, module = qr.getModuleCount(), 8
    picture = Image.new("L", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(picture)
    left, top = (WIDTH - count * module) // 2, (HEIGHT - count * module) // 2
    for row in range(count):
        for col in range(count):
            if qr.isDark(row, col):
                x, y = left + col * module, top + row * module
                draw.rectangle((x, y, x + module - 1, y + module - 1), fill=BLACK)
    return picture


def write_y4m(picture: Image.Image, path: Path, frames: int = 10) -> Path:
    """A YUV4MPEG2 video of a still grey picture: a text header, then per frame ``FRAME``,
    the luma plane and two quarter-size chroma planes (128: no colour)."""
    luma = picture.convert("L").tobytes()
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)
    return path


# -- the phone -------------------------------------------------------------------------------
def _prepare(server: LiveServer, code: str, user: str) -> None:
    """A Henan forward warehouse, its operator, and milk received at the dock."""
    engine = make_engine(server.settings.effective_database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        service.create_warehouse(session, SYSTEM, WarehouseCreate(
            code=code, name="郑州前置仓", kind=WarehouseKind.FORWARD,
            province_code="410000", status=WarehouseStatus.OPEN,
            layout=Layout(zones=["A"], aisles=1, racks=1, bins=4)))  # fmt: skip
        auth_service.create_user(
            session, username=user, password=PASSWORD, role="warehouse_operator",
            scope=Scope.unit(ScopeKind.WAREHOUSE, code, province_code="410000"))  # fmt: skip
    engine.dispose()


def _receive(server: LiveServer, code: str) -> tuple[int, str]:
    """Ten cartons of milk at the dock; their put-away and the bin it suggests."""
    engine = make_engine(server.settings.effective_database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        receipt, _ = inbound.receive(
            session, SYSTEM, code, lines=[ReceiveLine(sku="MILK-UHT-12", qty=10, lot="M-1")]
        )
        putaway = service.get_document(session, SYSTEM, int(receipt.data["putaway_id"]))
        target = service.read_document(session, putaway).lines[0].target
        found = putaway.id, str(target)
    engine.dispose()
    return found


def _moves(server: LiveServer, scan_id: str) -> list[tuple[str | None, str, int]]:
    """The ledger's moves made by one scan: (to location, actor, quantity)."""
    engine = make_engine(server.settings.effective_database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        rows = session.execute(
            select(Location.code, Move.actor, Move.qty)
            .outerjoin(Location, Location.id == Move.to_location_id)
            .where(Move.scan_id == scan_id)
        ).all()
        scans = session.scalars(select(Scan.action).where(Scan.scan_id == scan_id)).all()
        assert len(scans) == 1, f"scan {scan_id} stored {len(scans)} times"
    engine.dispose()
    return [(c, a, q) for c, a, q in rows]


Phone = Callable[[Image.Image], BrowserContext]


@pytest.fixture
def filmed(browser: Browser, tmp_path: Path) -> Iterator[Phone]:
    """Opens a phone whose camera films a label (the same playwright as the other browser
    tests, a Chromium of its own started with the fake camera)."""
    opened: list[Browser] = []

    def phone(picture: Image.Image) -> BrowserContext:
        video = write_y4m(picture, tmp_path / f"label-{len(opened)}.y4m")
        chromium = browser.browser_type.launch(
            executable_path=CHROMIUM,
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        opened.append(chromium)
        context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN",
                                       is_mobile=True, has_touch=True)  # fmt: skip
        context.grant_permissions(["camera"])
        return context

    yield phone
    for chromium in opened:
        chromium.close()


def _log_in(context: BrowserContext, server: LiveServer, user: str) -> Page:
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def _status(page: Page) -> str:
    return str(page.get_by_test_id("doc-status").get_attribute("data-status"))


def test_a_bin_label_read_by_the_camera_puts_the_milk_away(
    live_server: LiveServer, filmed: Phone
) -> None:
    _prepare(live_server, "ZZ-CAM1", "camera-1")
    putaway_id, target = _receive(live_server, "ZZ-CAM1")
    context = filmed(code128_label(target))
    page = _log_in(context, live_server, "camera-1")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))

    page.goto(f"{live_server.url}/warehouse/documents/{putaway_id}")
    assert not any("zxing" in url for url in fetched), "the reader loads before it is needed"
    scan_id = page.locator("[data-testid=scan-form] input[name=scan_id]").input_value()
    camera = page.get_by_test_id("camera")
    expect(camera).to_be_visible()
    expect(camera).to_contain_text("摄像头")
    box = camera.bounding_box()
    assert box is not None
    assert box["height"] >= 48, "the camera button is a small target"
    camera.click()

    # the label is read, the field filled and the form sent; the page confirms in green
    expect(page.get_by_test_id("ok")).to_be_visible()
    assert "wh-flash-ok" in str(page.locator("body").get_attribute("class"))
    assert _status(page) == "done"
    expect(page.get_by_test_id("camera-overlay")).to_be_hidden()
    assert _moves(live_server, scan_id) == [(target, "camera-1", 10)]
    width = page.evaluate("document.querySelector('main').scrollWidth")
    assert width <= 360, f"the page is {width} px wide on a 360 px phone"
    assert errors == []
    # the reader and its .wasm came from our own static folder, nothing from the internet
    assert f"{live_server.url}/static/vendor/zxing_reader.wasm" in fetched
    assert [url for url in fetched if not url.startswith(live_server.url)] == []


def test_a_qr_code_read_by_the_camera_picks_from_the_bin(
    live_server: LiveServer, filmed: Phone
) -> None:
    _prepare(live_server, "ZZ-CAM2", "camera-2")
    putaway_id, target = _receive(live_server, "ZZ-CAM2")
    engine = make_engine(live_server.settings.effective_database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        line = service.read_document(
            session, service.get_document(session, SYSTEM, putaway_id)
        ).lines[0]
        inbound.put_away(session, SYSTEM, putaway_id, line_id=line.id)
        pick_id = outbound.create_pick(
            session, SYSTEM, "ZZ-CAM2", lines=[ItemLine(sku="MILK-UHT-12", qty=4)], wave="W1"
        ).id
    engine.dispose()
    context = filmed(qr_label(target))
    page = _log_in(context, live_server, "camera-2")

    page.goto(f"{live_server.url}/warehouse/documents/{pick_id}")
    assert page.get_by_test_id("target").inner_text() == target
    scan_id = page.locator("[data-testid=scan-form] input[name=scan_id]").input_value()
    page.get_by_test_id("camera").click()

    expect(page.get_by_test_id("ok")).to_be_visible()
    assert _status(page) == "done"
    assert _moves(live_server, scan_id) == [("STAGE", "camera-2", 4)]


def test_without_a_camera_the_overlay_says_so_and_cancel_closes_it(
    live_server: LiveServer, browser: Browser
) -> None:
    """The ordinary test browser has no camera at all (and no one to allow it)."""
    _prepare(live_server, "ZZ-CAM3", "camera-3")
    putaway_id, _ = _receive(live_server, "ZZ-CAM3")
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    context.add_cookies([{"name": "baotong_lang", "value": "en", "url": live_server.url}])
    page = _log_in(context, live_server, "camera-3")
    page.goto(f"{live_server.url}/warehouse/documents/{putaway_id}")
    page.get_by_test_id("camera").click()

    overlay = page.get_by_test_id("camera-overlay")
    expect(overlay).to_be_visible()
    expect(overlay).to_have_attribute("data-state", re.compile("^(denied|none)$"))
    expect(page.get_by_test_id("camera-msg")).to_contain_text("camera")
    page.get_by_test_id("camera-cancel").click()
    expect(overlay).to_be_hidden()
    expect(page.locator("input[data-scan]")).to_be_focused()
    assert _status(page) == "open"
    context.close()
