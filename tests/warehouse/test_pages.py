"""The demo consolidation point seeds once, and its console pages show it: the site with
its stock and open documents, and the scan page of every kind of document."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.web.conftest import log_in

from baotong.config import Settings
from baotong.db.session import session_scope
from baotong.warehouse import demo, ledger
from baotong.warehouse.models import Document, DocumentKind, DocumentStatus, Move


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


def test_a_refused_scan_shows_the_reason_in_the_page_language(
    client: TestClient, seeded: sessionmaker[Session], service_settings: Settings
) -> None:
    with session_scope(seeded) as session:
        demo.seed_demo(session, service_settings)
        pick = session.scalar(
            select(Document.id).where(
                Document.kind == DocumentKind.PICK, Document.status == DocumentStatus.IN_PROGRESS
            )
        )
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
