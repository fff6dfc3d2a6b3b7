"""The supply API: the whole cycle from an Excel import to the arrival handover, the
template, the kits, the report, and a province kept to its own tables."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from tests.supply.conftest import SHANGHAI, filled_template

from baotong.supply.template import DEMAND_SHEET

API = "/api/v1/supply"


def _ok(reply: Any, status: int = 200) -> Any:
    assert reply.status_code == status, reply.text
    return reply.json()


def test_the_full_cycle_through_the_api(client: TestClient, users: Any) -> None:
    owner = users.headers("supply_owner", SHANGHAI)
    agent = users.headers("sourcing_agent")
    template = client.get(f"{API}/template.xlsx", headers=owner)
    assert template.content[:2] == b"PK"
    table = _ok(
        client.post(
            f"{API}/tables/import",
            headers=owner,
            files={"file": ("pudong.xlsx", filled_template(), "application/octet-stream")},
            data={"province_code": SHANGHAI, "owner": "supply_owner_310000", "title": "浦东"},
        ),
        201,
    )
    tid, lines = table["id"], [ln["id"] for ln in table["lines"]]
    assert table["status"] == "draft"
    assert _ok(client.post(f"{API}/tables/{tid}/submit", headers=owner))["status"] == "submitted"
    clocks = _ok(client.get(f"{API}/tables/{tid}/clocks", headers=agent))
    assert [c["kind"] for c in clocks] == ["quote"]
    assert client.post(f"{API}/tables/{tid}/quote", headers=owner, json={}).status_code == 403
    _ok(
        client.post(
            f"{API}/tables/{tid}/quote",
            headers=agent,
            json={
                "lines": [
                    {
                        "line_id": lines[0],
                        "supplier_code": "SUP-ZJ-GRAIN",
                        "unit_price": "48.00",
                        "available_quantity": 120,
                        "lead_time_hours": 24,
                    },
                    {
                        "line_id": lines[1],
                        "supplier_code": "SUP-JS-PROT",
                        "unit_price": "35.50",
                        "available_quantity": 300,
                        "lead_time_hours": 12,
                    },
                ]
            },
        )
    )
    decided = _ok(
        client.post(
            f"{API}/tables/{tid}/decide",
            headers=owner,
            json={
                "decisions": [
                    {"line_id": lines[0], "accept": True},
                    {"line_id": lines[1], "accept": True},
                ]
            },
        )
    )
    assert decided["status"] == "confirmed"
    scan = _ok(
        client.post(
            f"{API}/tables/{tid}/documents",
            headers=agent,
            files={"file": ("采购合同.pdf", b"%PDF-1.4 contract", "application/pdf")},
        ),
        201,
    )
    contracts = _ok(
        client.post(
            f"{API}/tables/{tid}/contract", headers=agent, json={"documents": [scan["name"]]}
        )
    )
    assert sorted(c["supplier_code"] for c in contracts) == ["SUP-JS-PROT", "SUP-ZJ-GRAIN"]
    document = client.get(f"{API}/tables/{tid}/files/{scan['name']}", headers=owner)
    assert (document.status_code, document.content) == (200, b"%PDF-1.4 contract")
    refused = client.post(
        f"{API}/tables/{tid}/documents",
        headers=agent,
        files={"file": ("run.exe", b"MZ", "application/octet-stream")},
    )
    assert refused.json()["code"] == "supply.file_kind"
    pieces = _ok(client.post(f"{API}/tables/{tid}/allocate", headers=agent))
    assert {p["sku_code"] for p in pieces} >= {"FOOD-RICE-5", "PROT-MASK-50", "PROT-ANTIGEN"}
    shipments = _ok(client.get(f"{API}/tables/{tid}/shipments", headers=owner))
    assert {s["mode"] for s in shipments} <= {"direct", "consolidated"}
    line = _ok(
        client.post(
            f"{API}/tables/{tid}/shipping",
            headers=agent,
            json={"line_id": lines[1], "mode": "direct", "comment": "医院急需，直送"},
        )
    )
    assert (line["shipping_mode"], line["shipping_overridden"]) == ("direct", True)
    _ok(client.post(f"{API}/tables/{tid}/dispatch", headers=agent))
    photo = _ok(
        client.post(
            f"{API}/tables/{tid}/photos",
            headers=owner,
            files={"file": ("到货.jpg", b"\xff\xd8 jpeg", "image/jpeg")},
        ),
        201,
    )
    for line_id, units in zip(lines, (120, 300), strict=True):
        sent = {"line_id": line_id, "received": units, "photos": [photo["name"]]}
        _ok(client.post(f"{API}/tables/{tid}/arrivals", headers=owner, json=sent), 201)
    _ok(client.post(f"{API}/tables/{tid}/sign/receiver", headers=owner))
    done = _ok(client.post(f"{API}/tables/{tid}/sign/deliverer", headers=agent))
    assert done["status"] == "received"
    receipts = _ok(client.get(f"{API}/tables/{tid}/receipts", headers=owner))
    assert {r["sku_code"]: r["quantity"] for r in receipts}["FOOD-RICE-5"] == 120
    report = _ok(client.get(f"{API}/report", headers=agent))
    assert any(r["group"] == "province" and r["key"] == SHANGHAI for r in report)
    excel = client.get(f"{API}/report.xlsx?lang=en", headers=agent).content
    book = load_workbook(io.BytesIO(excel))
    assert book.sheetnames == ["By province", "By desk"]
    assert book["By province"]["A2"].value == SHANGHAI
    assert book["By province"]["C2"].value == 1.0  # quoted within 24 h


def test_a_bad_import_answers_422_naming_the_cell_and_saves_nothing(
    client: TestClient, users: Any
) -> None:
    owner = users.headers("supply_owner", SHANGHAI)
    book = load_workbook(io.BytesIO(filled_template()))
    book[DEMAND_SHEET]["E2"] = -5
    out = io.BytesIO()
    book.save(out)
    reply = client.post(
        f"{API}/tables/import",
        headers=owner,
        files={"file": ("bad.xlsx", out.getvalue(), "application/octet-stream")},
        data={"province_code": SHANGHAI, "owner": "supply_owner_310000", "title": "x"},
    )
    assert reply.status_code == 422
    assert "row 2, column E" in reply.json()["detail"]
    assert client.get(f"{API}/tables", headers=owner).headers["X-Total-Count"] == "0"


def test_another_province_neither_lists_nor_reaches_a_table(client: TestClient, users: Any) -> None:
    owner = users.headers("supply_owner", SHANGHAI)
    users.headers("supply_owner", "420000")  # exists, covers Hubei only
    table = _ok(
        client.post(
            f"{API}/tables",
            headers=owner,
            json={"title": "t", "province_code": SHANGHAI, "owner": "supply_owner_310000"},
        ),
        201,
    )
    hubei = users.headers("supply_viewer", "420000")
    assert _ok(client.get(f"{API}/tables", headers=hubei)) == []
    assert client.get(f"{API}/tables/{table['id']}", headers=hubei).status_code == 404
    kits = _ok(client.get(f"{API}/kits", headers=hubei))
    assert {k["code"] for k in kits} >= {
        "KIT-VEG",
        "KIT-FOOD",
        "KIT-MILK",
        "KIT-DAILY",
        "KIT-WASH",
        "KIT-PROT",
        "KIT-FRUIT",
        "KIT-MEAT",
        "KIT-SNACK",
        "KIT-COND",
    }
