"""The demo consolidation point seeds once, and its console pages show it: the site with
its stock and open documents, and the scan page of every kind of document."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.warehouse.conftest import CODE, make_site
from tests.web.conftest import log_in

from baotong.config import Settings
from baotong.db.session import session_scope
from baotong.warehouse import demo, inbound, ledger, service
from baotong.warehouse.models import Document, DocumentKind, DocumentStatus, Move
from baotong.warehouse.schemas import ItemLine


def test_the_demo_consolidation_point_seeds_once_and_its_pages_show_it(
    client: TestClient, seeded: sessionmaker[Session], service_settings: Settings
) -> None:
    with session_scope(seeded) as session:
        assert demo.seed_demo(session, service_settings)
    with session_scope(seeded) as session:
        moves = session.scalar(select(func.count()).select_from(Move))
        assert demo.seed_demo(session, service_settings) == []
        assert session.scalar(select(func.count()).select_from(Move)) == moves
        assert ledger.differences(session) == []
        docs = {(d.kind, d.status): d.id for d in session.scalars(select(Document))}
    assert (DocumentKind.RECEIPT, DocumentStatus.EXPECTED) in docs  # open receipts
    assert (DocumentKind.PICK, DocumentStatus.IN_PROGRESS) in docs  # a wave in picking
    assert (DocumentKind.KIT, DocumentStatus.IN_PROGRESS) in docs  # kits being assembled

    browser = log_in(client, seeded, "admin")
    sites = browser.get("/warehouse")
    assert sites.status_code == 200
    assert demo.CODE in sites.text
    site = browser.get(f"/warehouse/sites/{demo.CODE}")
    assert site.status_code == 200
    assert "VEG-CABBAGE" in site.text
    assert "W-0415-AM" in site.text
    for doc_id in docs.values():
        page = browser.get(f"/warehouse/documents/{doc_id}")
        assert page.status_code == 200, page.text
        assert 'data-testid="doc-status"' in page.text
    english = browser.get(f"/warehouse/sites/{demo.CODE}", headers={"accept-language": "en"})
    assert english.status_code == 200


def demo_pick(seeded: sessionmaker[Session], settings: Settings) -> int | None:
    """The demo's pick list in picking (its scan page is what the tests open)."""
    with session_scope(seeded) as session:
        demo.seed_demo(session, settings)
        return session.scalar(
            select(Document.id).where(
                Document.kind == DocumentKind.PICK, Document.status == DocumentStatus.IN_PROGRESS
            )
        )


def test_a_refused_scan_shows_the_reason_in_the_page_language(
    client: TestClient, seeded: sessionmaker[Session], service_settings: Settings
) -> None:
    pick = demo_pick(seeded, service_settings)
    browser = log_in(client, seeded, "admin")
    page = browser.get(f"/warehouse/documents/{pick}")
    line_id = page.text.split('name="line_id" value="')[1].split('"')[0]
    form: dict[str, Any] = {
        "line_id": line_id,
        "location": "B-02-03-04",
        "scan_id": "page-scan-0001",
        "csrf_token": browser.cookies["baotong_csrf"],
    }
    refused = browser.post(f"/warehouse/documents/{pick}/pick", data=form)
    assert refused.status_code == 422
    assert 'data-feedback="error"' in refused.text
    assert "B-02-03-04" in refused.text


def test_the_receive_form_credits_each_line_of_one_sku_its_own_count(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    with session_scope(seeded) as session:
        make_site(session)
        doc = inbound.expect_receipt(
            session,
            CODE,
            [ItemLine(sku="FOOD-RICE-5", qty=100), ItemLine(sku="FOOD-RICE-5", qty=80)],
            "supply_contract",
            "C-7",
        )
        first, second = (ln.id for ln in service.lines_of(session, doc))
        doc_id = doc.id
    browser = log_in(client, seeded, "admin")
    form = {
        f"qty_{first}": "60",
        f"lot_{first}": "L1",
        f"qty_{second}": "80",
        f"damaged_{second}": "2",
        f"lot_{second}": "L2",
        "scan_id": "page-recv-0001",
        "csrf_token": browser.cookies["baotong_csrf"],
    }
    reply = browser.post(f"/warehouse/documents/{doc_id}/receive", data=form)
    assert reply.status_code in (200, 303), reply.text[-2000:]
    with session_scope(seeded) as session:
        receipt = session.get(Document, doc_id)
        assert receipt is not None
        assert receipt.status is DocumentStatus.DONE
        lines = service.lines_of(session, receipt)
        counted = {ln.id: (ln.qty_done, ln.qty_damaged, ln.lot) for ln in lines}
        assert counted == {first: (60, 0, "L1"), second: (78, 2, "L2")}


def test_only_the_scan_pages_may_compile_the_camera_readers_webassembly(
    client: TestClient, seeded: sessionmaker[Session], service_settings: Settings
) -> None:
    pick = demo_pick(seeded, service_settings)
    browser = log_in(client, seeded, "admin")
    page = browser.get(f"/warehouse/documents/{pick}")
    assert "script-src 'self' 'wasm-unsafe-eval';" in page.headers["content-security-policy"]
    assert 'data-camera-for="location"' in page.text
    assert '<script src="/static/camera.js" defer></script>' in page.text
    assert 'data-wasm="/static/vendor/zxing_reader.wasm"' in page.text
    site = browser.get(f"/warehouse/sites/{demo.CODE}")
    assert "wasm-unsafe-eval" not in site.headers["content-security-policy"]
    assert "camera.js" not in site.text
