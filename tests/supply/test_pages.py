"""Supply console pages without a browser: the cycle by forms, the import's located errors,
the countdowns, English and Chinese, and a province kept to its own tables."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.supply.conftest import filled_template
from tests.web.conftest import csrf, log_in

SHANGHAI = "310000"


def _form(browser: TestClient, url: str, data: dict[str, str], **files: tuple[str, bytes]) -> str:
    sent = [(field, (name, content)) for field, (name, content) in files.items()]
    reply = browser.post(url, data={**data, **csrf(browser)}, files=sent or None)
    assert reply.status_code == 303, reply.text[-2000:]
    return str(reply.headers["location"])


def test_the_cycle_through_the_console(client: TestClient, seeded: sessionmaker[Session]) -> None:
    owner = log_in(client, seeded, "supply_owner", SHANGHAI)
    desk = log_in(client, seeded, "sourcing_agent")
    page = owner.get("/supply")
    assert "导入需求表" in page.text
    reply = owner.post(
        "/supply/import",
        data={
            "title": "浦东",
            "province_code": SHANGHAI,
            "owner": "supply_owner_310000",
            **csrf(owner),
        },
        files={"file": ("pd.xlsx", filled_template(), "application/octet-stream")},
    )
    assert reply.status_code == 303, reply.text[-2000:]
    url = reply.headers["location"]
    tid = url.rsplit("/", 1)[1]
    _form(owner, f"/supply/tables/{tid}/submit", {})
    page = desk.get(url)
    assert 'data-testid="countdown"' in page.text
    lines = sorted(set(re.findall(r'name="supplier_(\d+)"', page.text)))
    quote = {}
    for i, supplier in zip(lines, ("SUP-ZJ-GRAIN", "SUP-JS-PROT"), strict=True):
        quote |= {
            f"supplier_{i}": supplier,
            f"price_{i}": "40",
            f"available_{i}": "1000",
            f"lead_{i}": "24",
        }
    _form(desk, f"/supply/tables/{tid}/quote", quote)
    _form(owner, f"/supply/tables/{tid}/decide", {f"decision_{i}": "accept" for i in lines})
    _form(
        desk,
        f"/supply/tables/{tid}/contract",
        {"documents": "纸质合同 No.7"},
        files=("合同.pdf", b"%PDF-1.4"),
    )
    _form(desk, f"/supply/tables/{tid}/allocate", {})
    _form(
        desk,
        f"/supply/tables/{tid}/shipping",
        {"line_id": lines[0], "mode": "direct", "comment": "整车"},
    )
    _form(desk, f"/supply/tables/{tid}/dispatch", {})
    for i, units in zip(lines, ("120", "300"), strict=True):
        _form(
            owner,
            f"/supply/tables/{tid}/arrival",
            {"line_id": i, "received": units},
            files=("到货.jpg", b"\xff\xd8"),
        )
    _form(owner, f"/supply/tables/{tid}/sign/receiver", {})
    _form(desk, f"/supply/tables/{tid}/sign/deliverer", {})
    page = owner.get(url)
    assert 'data-testid="status">已到货' in page.text
    assert page.text.count('data-testid="photo"') == 2
    document = re.search(r'href="(/api/v1/supply/tables/\d+/files/[^"]+)">合同.pdf<', page.text)
    assert document is not None
    assert owner.get(document.group(1)).content == b"%PDF-1.4"
    assert "纸质合同 No.7" in page.text
    assert 'data-testid="shipments"' in page.text
    owner.get("/lang/en", headers={"referer": f"http://testserver{url}"})
    assert 'data-testid="status">Received' in owner.get(url).text
    report = desk.get("/supply/report")
    assert 'data-testid="report-province"' in report.text


def test_a_bad_file_lists_each_cell_and_saves_nothing(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    owner = log_in(client, seeded, "supply_owner", SHANGHAI)
    reply = owner.post(
        "/supply/import",
        data={
            "title": "x",
            "province_code": SHANGHAI,
            "owner": "supply_owner_310000",
            **csrf(owner),
        },
        files={"file": ("bad.xlsx", b"not a workbook", "text/plain")},
    )
    assert reply.status_code == 422
    assert 'data-testid="import-errors"' in reply.text
    assert "bad.xlsx" in reply.text


def test_a_wrong_step_is_refused_on_the_page_and_another_province_sees_nothing(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    owner = log_in(client, seeded, "supply_owner", SHANGHAI)
    reply = owner.post(
        "/supply/import",
        data={
            "title": "t",
            "province_code": SHANGHAI,
            "owner": "supply_owner_310000",
            **csrf(owner),
        },
        files={"file": ("pd.xlsx", filled_template(), "application/octet-stream")},
    )
    url = reply.headers["location"]
    refused = owner.post(f"{url}/close", data=csrf(owner))
    assert refused.status_code == 409
    assert 'data-testid="error"' in refused.text
    hubei = log_in(client, seeded, "supply_viewer", "420000")
    assert hubei.get(url).status_code == 404
    assert "/supply/tables/" not in hubei.get("/supply").text


def test_a_table_entered_by_hand_on_the_console(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    owner = log_in(client, seeded, "supply_owner", SHANGHAI)
    url = _form(
        owner,
        "/supply/tables",
        {
            "title": "静安 手工",
            "province_code": SHANGHAI,
            "owner": "supply_owner_310000",
            "stage": "peak",
        },
    )
    line = {
        "source_kind": "government",
        "source_name": "静安区",
        "item_kind": "kit",
        "item_code": "KIT-VEG",
        "quantity": "300",
        "unit": "套",
        "site_kind": "transfer_station",
        "site_name": "静安转运站",
        "needed_by": "2030-04-12T18:00:00+08:00",
    }
    _form(owner, f"{url}/lines", line)
    _form(owner, f"{url}/lines", {**line, "item_code": "KIT-MILK"})
    page = owner.get(url).text
    assert 'data-testid="line-form"' in page
    first = re.search(r'data-testid="remove-1"', page)
    assert first is not None
    line_id = re.search(r'name="line_id" value="(\d+)" data-testid="remove-1"', page)
    assert line_id is not None
    _form(owner, f"{url}/lines/remove", {"line_id": line_id.group(1)})
    refused = owner.post(f"{url}/lines", data={**line, "quantity": "-3", **csrf(owner)})
    assert refused.status_code == 422
    assert "KIT-MILK" in owner.get(url).text
