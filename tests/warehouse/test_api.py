"""The seven operations through the API, from a supplier's expected receipt to a
dispatched load, as the warehouse's own operator and supervisor."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker
from tests.warehouse.conftest import CODE

from baotong.db.session import session_scope
from baotong.warehouse import ledger

API = "/api/v1/warehouse"
SITE = f"{API}/sites/{CODE}"
KIT = {"VEG-CABBAGE": 2, "VEG-POTATO": 2, "VEG-CARROT": 1, "VEG-ONION": 1, "VEG-GREENS": 1}


def _ok(reply: Any, status: int = 200) -> Any:
    assert reply.status_code == status, reply.text
    return reply.json()


def test_a_supplier_receipt_goes_through_all_seven_operations_to_a_dispatched_load(
    client: TestClient, users: Any, seeded: sessionmaker[Session]
) -> None:
    admin = users.headers("admin")
    boss = users.headers("warehouse_supervisor")
    op = users.headers("warehouse_operator")
    _ok(
        client.post(
            f"{API}/sites",
            headers=admin,
            json={
                "code": CODE,
                "name": "郑州汇集点",
                "kind": "consolidation_point",
                "province_code": "410000",
                "site_id": "ZZ",
                "status": "open",
                "equipment": {"docks": 2, "forklifts": 1, "trailers": 2},
                "layout": {"zones": ["A"], "aisles": 1, "racks": 2, "bins": 4},
            },
        ),
        201,
    )
    expected = _ok(
        client.post(
            f"{SITE}/expected-receipts",
            headers=boss,
            json={
                "lines": [{"sku": sku, "qty": 10 * n} for sku, n in KIT.items()],
                "source_type": "supply_contract",
                "source_id": "C-1",
            },
        ),
        201,
    )
    assert expected["status"] == "expected"

    # 1. receive against the expected receipt: greens short by 1 and 1 damaged
    lines = [
        {"sku": sku, "qty": 10 * n, "lot": f"L-{sku}", "expiry": "2026-12-20"}
        for sku, n in KIT.items()
    ]
    lines[-1] = {**lines[-1], "qty": 9, "damaged": 1}
    body = {"document_id": expected["id"], "lines": lines, "scan_id": "recv-0001-x"}
    receipt = _ok(client.post(f"{SITE}/receipts", headers=op, json=body))
    again = _ok(client.post(f"{SITE}/receipts", headers=op, json=body))
    assert receipt["applied"]
    assert not again["applied"]
    receipt = receipt["document"]
    assert receipt["status"] == "done"
    greens = next(ln["id"] for ln in expected["lines"] if ln["sku"] == "VEG-GREENS")
    assert receipt["data"]["discrepancies"] == [
        {"sku": "VEG-GREENS", "line_id": greens, "kind": "short", "qty": 1},
        {"sku": "VEG-GREENS", "line_id": greens, "kind": "damaged", "qty": 1},
    ]

    # 2. put away: the suggested bin, and one line overridden by scanning another bin
    putaway = _ok(client.get(f"{API}/documents/{receipt['data']['putaway_id']}", headers=op))
    for i, line in enumerate(putaway["lines"]):
        scan = {"line_id": line["id"], "scan_id": f"put-{i:04d}-x"}
        if i == 0:
            scan["location"] = "A-01-02-04"
        done = _ok(client.post(f"{API}/documents/{putaway['id']}/putaway", headers=op, json=scan))
    assert done["document"]["status"] == "done"
    putaway = _ok(client.get(f"{API}/documents/{putaway['id']}", headers=op))
    assert putaway["lines"][0]["target"] == "A-01-02-04"

    # 3. pick a wave: FEFO, and the rice nobody received is a reported shortage
    wanted = [{"sku": sku, "qty": 2 * n} for sku, n in KIT.items()] + [
        {"sku": "FOOD-RICE-5", "qty": 3}
    ]
    picks = _ok(
        client.post(
            f"{SITE}/picks", headers=op, json={"lines": wanted, "wave": "W1 shuttle 08:00"}
        ),
        201,
    )
    assert picks["data"]["shortages"] == [{"sku": "FOOD-RICE-5", "requested": 3, "short": 3}]
    for i, line in enumerate(picks["lines"]):
        scan = {"line_id": line["id"], "location": line["source"], "scan_id": f"pick-{i:04d}-x"}
        done = _ok(client.post(f"{API}/documents/{picks['id']}/pick", headers=op, json=scan))
    assert done["document"]["status"] == "done"
    wrong = client.post(
        f"{API}/documents/{picks['id']}/pick", headers=op, json={"line_id": picks["lines"][0]["id"]}
    )
    assert wrong.status_code == 409

    # 4. kit: 2 vegetable kits from staging, in one transaction
    kit = _ok(client.post(f"{SITE}/kits", headers=op, json={"kit": "KIT-VEG", "kits": 2}), 201)
    too_many = client.post(f"{API}/documents/{kit['id']}/assemble", headers=op, json={"kits": 3})
    assert too_many.status_code == 422
    done = _ok(
        client.post(
            f"{API}/documents/{kit['id']}/assemble",
            headers=op,
            json={"kits": 2, "scan_id": "kit-0001-x"},
        )
    )
    assert done["document"]["status"] == "done"

    # 5. pack the kits; 6. load onto a trailer and seal; 7. hand over to the shuttle
    packed = _ok(
        client.post(
            f"{SITE}/packs",
            headers=op,
            json={
                "items": [{"sku": "KIT-VEG", "qty": 2}],
                "weight_kg": 15.5,
                "size_cm": [60, 40, 30],
                "scan_id": "pack-0001-x",
            },
        )
    )["document"]
    package = packed["data"]["package"]
    shipment = _ok(
        client.post(
            f"{SITE}/shipments", headers=op, json={"vehicle": "苏E·12345", "trailer": "T-08"}
        ),
        201,
    )
    _ok(
        client.post(
            f"{API}/documents/{shipment['id']}/load",
            headers=op,
            json={"package": package, "scan_id": "load-0001-x"},
        )
    )
    sealed = _ok(
        client.post(
            f"{API}/documents/{shipment['id']}/seal", headers=op, json={"seal": "SEAL-778812"}
        )
    )["document"]
    assert sealed["status"] == "done"
    assert sealed["data"]["seal"] == "SEAL-778812"
    handover = _ok(
        client.post(
            f"{SITE}/dispatches",
            headers=op,
            json={
                "shipment_id": shipment["id"],
                "carrier": "shuttle SZ→SH 08:00",
                "handed_to": "driver Zhang",
                "scan_id": "disp-0001-x",
            },
        )
    )["document"]
    assert handover["kind"] == "dispatch"
    assert handover["status"] == "done"
    assert handover["data"]["handover"]["seal"] == "SEAL-778812"
    assert handover["data"]["handover"]["packages"] == [package]
    twice = client.post(
        f"{SITE}/dispatches",
        headers=op,
        json={"shipment_id": shipment["id"], "carrier": "x", "handed_to": "y"},
    )
    assert twice.status_code == 409

    stock = {(r["location"], r["sku"]) for r in _ok(client.get(f"{SITE}/stock", headers=op))}
    assert not {place for place, sku in stock if sku == "KIT-VEG"}  # all shipped
    assert ("STAGE", "VEG-CABBAGE") not in stock  # all kitted
    with session_scope(seeded) as session:
        assert ledger.differences(session) == []

    sheet = load_workbook(BytesIO(client.get(f"{SITE}/moves.xlsx", headers=op).content))["ledger"]
    assert sheet.max_row > 10
    assert client.get(f"{SITE}/labels.pdf", headers=op).content.startswith(b"%PDF")
    assert client.get(f"{API}/documents/{picks['id']}/list.pdf", headers=op).content.startswith(
        b"%PDF"
    )


def test_a_warehouse_is_hidden_from_other_provinces_and_other_warehouses(
    client: TestClient, users: Any
) -> None:
    _ok(
        client.post(
            f"{API}/sites",
            headers=users.headers("admin"),
            json={"code": CODE, "name": "郑州汇集点", "kind": "central", "province_code": "410000"},
        ),
        201,
    )
    assert client.get(SITE, headers=users.headers("warehouse_operator")).status_code == 200
    for hidden in (
        users.headers("warehouse_operator", "420000"),
        users.headers("planner", "420000"),
    ):
        assert client.get(SITE, headers=hidden).status_code == 404
    assert client.get(f"{API}/sites", headers=users.headers("planner", "420000")).json() == []
    refused = client.post(
        f"{SITE}/receipts",
        headers=users.headers("viewer"),
        json={"lines": [{"sku": "VEG-ONION", "qty": 1}]},
    )
    assert refused.status_code == 403


def test_a_count_is_adjusted_only_when_a_supervisor_approves(
    client: TestClient, users: Any, seeded: sessionmaker[Session]
) -> None:
    admin, op = users.headers("admin"), users.headers("warehouse_operator")
    _ok(
        client.post(
            f"{API}/sites",
            headers=admin,
            json={"code": CODE, "name": "仓", "kind": "forward", "province_code": "410000"},
        ),
        201,
    )
    _ok(
        client.post(
            f"{SITE}/receipts", headers=op, json={"lines": [{"sku": "VEG-ONION", "qty": 10}]}
        )
    )
    count = _ok(client.post(f"{SITE}/counts", headers=op, json={"location": "DOCK-IN"}), 201)
    assert [(ln["sku"], ln["qty"]) for ln in count["lines"]] == [("VEG-ONION", 10)]
    _ok(
        client.post(
            f"{API}/documents/{count['id']}/count",
            headers=op,
            json={"lines": [{"sku": "VEG-ONION", "qty": 8}]},
        )
    )
    assert client.post(f"{API}/documents/{count['id']}/approve", headers=op).status_code == 403
    approved = _ok(
        client.post(
            f"{API}/documents/{count['id']}/approve", headers=users.headers("warehouse_supervisor")
        )
    )
    assert approved["data"]["adjustments"] == [{"sku": "VEG-ONION", "lot": "", "difference": -2}]
    stock = _ok(client.get(f"{SITE}/stock", headers=op))
    assert [(r["location"], r["on_hand"]) for r in stock] == [("DOCK-IN", 8)]
    with session_scope(seeded) as session:
        assert ledger.differences(session) == []
