"""Console pages: the kits (list and detail, Chinese and English, with what the suppliers
can deliver), the kits API, and the warehouse's "expected from supply" list with its
button, linked both ways with the demand table's page."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.supply.conftest import People
from tests.supply.test_warehouse_receipts import SYSTEM, allocated_table, make_warehouse
from tests.web.conftest import csrf, log_in

from baotong.db.session import session_scope
from baotong.supply import fulfilment
from baotong.warehouse import inbound
from baotong.warehouse import service as warehouse_service
from baotong.warehouse.models import WarehouseKind
from baotong.warehouse.schemas import ReceiveLine

API = "/api/v1/supply"


def test_the_kits_page_and_api_show_the_ten_kits_and_what_can_be_made(
    client: TestClient, seeded: sessionmaker[Session], people: People
) -> None:
    viewer = log_in(client, seeded, "supply_owner", "310000")
    kits = viewer.get(f"{API}/kits").json()
    assert len({k["code"] for k in kits}) == 10
    veg = next(k for k in kits if k["code"] == "KIT-VEG" and k["province_code"] is None)
    assert veg["available"] == 60_000 // 7
    assert veg["available_today"] == veg["available"]
    assert veg["limited_by"] == "vegetables"
    one = viewer.get(f"{API}/kits/KIT-VEG").json()
    assert [k["province_code"] for k in one] == [None, "310000"]
    assert viewer.get(f"{API}/kits/KIT-NOPE").status_code == 422

    page = viewer.get("/supply/kits")
    assert page.status_code == 200
    assert page.text.count('data-testid="kit-') == 10
    assert "标准套餐" in page.text
    assert "大白菜" in page.text
    assert "高峰期" in page.text  # Shanghai's peak variant of the vegetable kit
    detail = viewer.get("/supply/kits/KIT-VEG")
    assert detail.status_code == 200
    assert "SUP-JS-VEG" in detail.text
    assert "蔬菜" in detail.text
    viewer.get("/lang/en")
    english = viewer.get("/supply/kits")
    assert "Standard kits" in english.text
    assert "Napa cabbage" in english.text
    viewer.get("/lang/zh")

    # an allocation takes vegetables today: fewer vegetable kits are free today
    with session_scope(seeded) as session:
        allocated_table(session, people)
    prot = next(
        k for k in viewer.get(f"{API}/kits").json() if k["code"] == "KIT-PROT" and not k["stage"]
    )
    assert prot["available_today"] < prot["available"]


def test_the_warehouse_announces_supply_goods_and_both_pages_link_them(
    client: TestClient, seeded: sessionmaker[Session], people: People
) -> None:
    with session_scope(seeded) as session:
        make_warehouse(session, "SH-HJD")
        table_id, _, _ = allocated_table(session, people)
    admin = log_in(client, seeded, "admin")
    site = admin.get("/warehouse/sites/SH-HJD")
    assert 'data-testid="from-supply"' in site.text
    assert f'data-testid="supply-row-{table_id}"' not in site.text

    reply = admin.post("/warehouse/sites/SH-HJD/expect-supply", data=csrf(admin))
    assert reply.status_code == 303, reply.text[-2000:]
    assert reply.headers["location"].endswith("?announced=1")
    site = admin.get(reply.headers["location"])
    assert f'data-testid="supply-row-{table_id}"' in site.text
    assert 'data-testid="announced"' in site.text
    again = admin.post("/warehouse/sites/SH-HJD/expect-supply", data=csrf(admin))
    assert again.headers["location"].endswith("?announced=0")  # nothing twice

    table = admin.get(f"/supply/tables/{table_id}")
    assert 'data-testid="warehouse-receipts"' in table.text
    (doc_id,) = set(re.findall(r'href="/warehouse/documents/(\d+)"', table.text))
    receipt = admin.get(f"/warehouse/documents/{doc_id}")
    assert 'data-testid="supply-source"' in receipt.text
    assert "SUP-ZJ-GRAIN" in receipt.text
    assert 'data-testid="received-' not in table.text
    with session_scope(seeded) as session:  # the dock counts it in
        doc = warehouse_service.get_document(session, SYSTEM, int(doc_id))
        counted = [
            ReceiveLine(sku=ln.sku, qty=ln.qty, lot="L1")
            for ln in warehouse_service.lines_of(session, doc)
        ]
        inbound.receive(session, SYSTEM, "SH-HJD", lines=counted, document_id=doc.id)
    table = admin.get(f"/supply/tables/{table_id}")
    with session_scope(seeded) as session:
        links = fulfilment.receipt_links(session, table_id)
    assert links
    for link in links:  # each link shows the units counted on its own receipt line
        assert f'data-testid="received-{link.id}">{link.quantity}</span>' in table.text
    assert table.text.count("<td>L1</td>") == len(links)
    admin.get("/lang/en")
    assert "Expected from supply" in admin.get("/warehouse/sites/SH-HJD").text


def test_a_warehouse_that_does_not_receive_the_provinces_supply_says_which_does(
    client: TestClient, seeded: sessionmaker[Session], people: People
) -> None:
    with session_scope(seeded) as session:
        make_warehouse(session, "SH-HJD")
        make_warehouse(session, "SH-ZXC", kind=WarehouseKind.CENTRAL)
    admin = log_in(client, seeded, "admin")
    reply = admin.post("/warehouse/sites/SH-ZXC/expect-supply", data=csrf(admin))
    assert reply.status_code == 422  # the page again, saying why
    assert "SH-HJD" in reply.text


def test_the_announce_button_names_a_table_that_failed_and_announces_the_others(
    client: TestClient, seeded: sessionmaker[Session], people: People
) -> None:
    with session_scope(seeded) as session:
        make_warehouse(session, "SH-HJD")
        broken, _, _ = allocated_table(session, people)
        good, _, _ = allocated_table(session, people)
        fulfilment.allocations(session, broken)[0].sku_code = "NOT-AN-SKU"
    admin = log_in(client, seeded, "admin")
    reply = admin.post("/warehouse/sites/SH-HJD/expect-supply", data=csrf(admin))
    assert reply.status_code == 200
    assert 'data-testid="announce-failed"' in reply.text
    assert f"#{broken}: " in reply.text
    assert "NOT-AN-SKU" in reply.text
    assert f'data-testid="supply-row-{good}"' in reply.text
    assert f'data-testid="supply-row-{broken}"' not in reply.text
    with session_scope(seeded) as session:
        assert fulfilment.receipt_links(session, broken) == []
        assert fulfilment.receipt_links(session, good)
