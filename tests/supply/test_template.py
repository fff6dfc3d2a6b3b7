"""The demand table's Excel template: written, filled, read back; bad files name the cell."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from baotong.supply.catalogue import Catalogue, load_catalogue
from baotong.supply.template import (
    COLUMNS,
    DEMAND_SHEET,
    DemandImportError,
    ItemKind,
    SiteKind,
    SourceKind,
    read_demand,
    template_bytes,
)

GOOD = ["政府", "浦东新区保供专班", "套餐", "KIT-VEG", 1200, "套", "转运站", "浦东转运站",
        "2022-04-12 18:00", ""]  # fmt: skip


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def filled(catalogue: Catalogue, rows: list[list[Any]]) -> bytes:
    book = load_workbook(io.BytesIO(template_bytes(catalogue)))
    sheet = book[DEMAND_SHEET]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_template_reads_back_as_checked_lines(catalogue: Catalogue) -> None:
    sku_row = ["large_customer", "某超市", "sku", "FOOD-RICE-5", "300", "bag", "政府场所",
               "徐汇区政府", datetime(2022, 4, 13, 9, 30), "早上送"]  # fmt: skip  # noqa: DTZ001
    lines = read_demand(filled(catalogue, [GOOD, [None] * 10, sku_row]), catalogue)
    assert [line.row for line in lines] == [2, 4]
    kit, rice = lines
    assert (kit.source_kind, kit.item_kind, kit.site_kind) == (
        SourceKind.GOVERNMENT, ItemKind.KIT, SiteKind.TRANSFER_STATION)  # fmt: skip
    assert kit.quantity == 1200
    assert kit.needed_by == datetime(2022, 4, 12, 10, 0, tzinfo=UTC)  # 18:00 Beijing time
    assert rice.source_kind is SourceKind.LARGE_CUSTOMER
    assert rice.quantity == 300
    assert rice.notes == "早上送"


def test_every_problem_names_sheet_row_and_column(catalogue: Catalogue) -> None:
    bad = [
        ["市政府", "x", "套餐", "KIT-VEG", 10, "套", "转运站", "站", "2022-04-12 18:00", ""],
        ["政府", "x", "单品", "NOPE", 10, "kg", "转运站", "站", "2022-04-12 18:00", ""],
        ["政府", "x", "单品", "VEG-POTATO", -3, "箱", "转运站", "站", "tomorrow", ""],
        ["政府", "", "套餐", "KIT-VEG", 1.5, "套", "转运站", "站", "2022-04-12 18:00", ""],
    ]
    with pytest.raises(DemandImportError) as caught:
        read_demand(filled(catalogue, [GOOD, *bad]), catalogue, file="pudong.xlsx")
    messages = [e.message for e in caught.value.errors]
    assert messages[0].startswith("pudong.xlsx, sheet '需求表 Demand', row 3, column A")

    def said(where: str, what: str) -> bool:
        return any(where in m and what in m for m in messages)

    assert said("row 3, column A", "'市政府' is not one of 政府, 大客户, 团购")
    assert said("row 4, column D", "'NOPE' is not an SKU")
    assert said("row 5, column E", "must be > 0")
    assert said("row 5, column F", "must be 'kg' for VEG-POTATO")
    assert said("row 5, column I", "not a date and time")
    assert said("row 6, column B", "is empty")
    assert len(messages) == 6
    assert "nothing was saved" in caught.value.message


def test_unit_must_match_the_catalogue(catalogue: Catalogue) -> None:
    row = ["政府", "x", "单品", "VEG-POTATO", 5, "箱", "转运站", "站", "2022-04-12 18:00", ""]
    with pytest.raises(DemandImportError, match=r"column F .*must be 'kg' for VEG-POTATO"):
        read_demand(filled(catalogue, [row]), catalogue)


def test_past_needed_by_is_refused_when_now_is_given(catalogue: Catalogue) -> None:
    with pytest.raises(DemandImportError, match="lies in the past"):
        read_demand(filled(catalogue, [GOOD]), catalogue, now=datetime(2022, 5, 1, tzinfo=UTC))


def test_wrong_header_and_missing_sheet_and_not_excel(catalogue: Catalogue) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = DEMAND_SHEET
    sheet.append(["who", *[h for _, h, _ in COLUMNS[1:]]])
    sheet.append(GOOD)
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(DemandImportError, match=r"row 1, column A .*header must be"):
        read_demand(out.getvalue(), catalogue)
    other = Workbook()
    out = io.BytesIO()
    other.save(out)
    with pytest.raises(DemandImportError, match="has no sheet"):
        read_demand(out.getvalue(), catalogue)
    with pytest.raises(DemandImportError, match="not an Excel workbook"):
        read_demand(b"name,quantity\n", catalogue)


def test_an_empty_table_is_refused(catalogue: Catalogue) -> None:
    with pytest.raises(DemandImportError, match="has no lines"):
        read_demand(filled(catalogue, []), catalogue)
