"""The resource workbook: every bad cell is named by sheet, row and column, and a workbook
with any problem is refused whole."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from baotong.command.excel import ResourceImportError, read_resources, template
from baotong.command.models import ResourceKind
from baotong.core.exceptions import ValidationError


def _book(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PEOPLE = ["province_code", "site_id", "category", "name", "quantity", "whitelisted", "closed_loop"]
EQUIPMENT = ["province_code", "site_id", "category", "name", "quantity"]


def test_a_good_workbook_gives_one_row_per_resource() -> None:
    data = _book(
        {
            "people": [PEOPLE, ["420000", "WH", "sorter", "分拣员", 30, "是", "yes"]],
            "equipment": [EQUIPMENT, ["420000", "WH", "forklift", "叉车", 3], [None] * 5],
        }
    )
    rows = read_resources(data, file="hubei.xlsx")
    assert [(r.kind, r.category, r.quantity) for r in rows] == [
        (ResourceKind.PERSON, "sorter", 30),
        (ResourceKind.EQUIPMENT, "forklift", 3),
    ]
    assert rows[0].whitelisted
    assert rows[0].closed_loop


def test_every_bad_cell_is_named_by_sheet_row_and_column_and_nothing_is_read() -> None:
    data = _book(
        {
            "people": [PEOPLE, ["420000", "WH", "sorter", "分拣员", 30, "maybe", "no"]],
            "equipment": [EQUIPMENT, ["42", "WH", "crane", "吊车", 0]],
        }
    )
    with pytest.raises(ResourceImportError) as refused:
        read_resources(data, file="hubei.xlsx")
    assert refused.value.code == "resource.bad_import"
    assert refused.value.errors == [
        "hubei.xlsx, sheet 'people', row 2, column F (whitelisted): 'maybe' is neither yes nor no.",
        "hubei.xlsx, sheet 'equipment', row 2, column A (province_code): '42' is not a "
        "six-digit province code.",
        "hubei.xlsx, sheet 'equipment', row 2, column C (category): 'crane' is not one of "
        "sorter, forklift, scanner, protective.",
        "hubei.xlsx, sheet 'equipment', row 2, column E (quantity): '0' is not a count of 1 or "
        "more.",
    ]


def test_a_wrong_header_is_named_and_a_non_workbook_refused() -> None:
    with pytest.raises(ResourceImportError) as header:
        read_resources(_book({"vehicles": [["province", "site_id"]]}), file="v.xlsx")
    assert header.value.errors[0] == (
        "v.xlsx, sheet 'vehicles', row 1, column A (province_code): header must be 'province_code'."
    )
    with pytest.raises(ValidationError) as not_excel:
        read_resources(b"not a workbook", file="x.xlsx")
    assert not_excel.value.code == "resource.not_excel"


def test_the_template_has_the_three_sheets_and_their_headers() -> None:
    book = load_workbook(io.BytesIO(template()))
    assert book.sheetnames == ["people", "vehicles", "equipment"]
    assert [c.value for c in book["people"][1]] == PEOPLE
