"""The demand table's Excel template (需求表), and reading a filled one back.

Baotong hands out the template (``baotong supply template``, a download on the demand
page); a province's supply office fills one line per need and imports it. Reading checks
every cell and collects every problem, each naming sheet, row and column and saying what is
wrong; a file with any problem yields nothing, so nothing is half-saved.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar
from zipfile import BadZipFile
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from baotong.core.enums import LabelledEnum
from baotong.core.exceptions import LocatedErrors, ValidationError
from baotong.supply.catalogue import Catalogue

DEMAND_SHEET = "需求表 Demand"
CATALOGUE_SHEET = "目录 Catalogue"
HELP_SHEET = "说明 Instructions"
MAX_LINES = 20_000
MAX_QUANTITY = 10_000_000
E = TypeVar("E", bound=LabelledEnum)
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")  # times typed without a zone are Beijing time


class SourceKind(LabelledEnum):
    """Who asked for a line (one demand table gathers all of them)."""

    GOVERNMENT = "government", "red"
    LARGE_CUSTOMER = "large_customer", "blue"
    GROUP_BUY = "group_buy", "green"


class ItemKind(LabelledEnum):
    SKU = "sku", "gray"
    KIT = "kit", "teal"


class SiteKind(LabelledEnum):
    TRANSFER_STATION = "transfer_station", "purple"  # 政府指定转运站
    GOVERNMENT_SITE = "government_site", "red"  # a named government site


ALIASES: dict[str, dict[str, str]] = {
    "source_kind": {"政府": "government", "大客户": "large_customer", "团购": "group_buy"},
    "item_kind": {"单品": "sku", "套餐": "kit"},
    "site_kind": {"转运站": "transfer_station", "政府场所": "government_site"},
}
KIT_UNITS = ("套", "kit")

# (field, header as printed, required)
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("source_kind", "来源类型 Source kind", True),
    ("source_name", "来源单位 Source", True),
    ("item_kind", "物品类型 Item kind", True),
    ("item_code", "物品编码 Item code", True),
    ("quantity", "数量 Quantity", True),
    ("unit", "单位 Unit", True),
    ("site_kind", "交付地点类型 Site kind", True),
    ("site_name", "交付地点 Delivery site", True),
    ("needed_by", "需要时间 Needed by", True),
    ("notes", "备注 Notes", False),
)


@dataclass(frozen=True, slots=True)
class DemandLineIn:
    """One checked line of an imported demand table."""

    row: int
    source_kind: SourceKind
    source_name: str
    item_kind: ItemKind
    item_code: str
    quantity: int
    unit: str
    site_kind: SiteKind
    site_name: str
    needed_by: datetime  # aware, UTC
    notes: str


class DemandImportError(LocatedErrors):
    """A demand table that cannot be imported; ``errors`` lists every problem found."""

    title = "Invalid demand table"
    shown = 40

    def __init__(self, file: str, errors: list[ValidationError], *, code: str) -> None:
        super().__init__(f"{file} cannot be imported", errors, code=code,
                         outcome="nothing was saved", file=file)  # fmt: skip


# -- writing --------------------------------------------------------------------------
def template_bytes(catalogue: Catalogue) -> bytes:
    """The empty template: the demand sheet (with pick lists), the catalogue, instructions."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = DEMAND_SHEET
    sheet.append([header for _, header, _ in COLUMNS])
    for index, (_, header, _) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 4)
    sheet.freeze_panes = "A2"
    picks = {
        "source_kind": "政府,大客户,团购",
        "item_kind": "单品,套餐",
        "site_kind": "转运站,政府场所",
    }
    for index, (name, _, _) in enumerate(COLUMNS, 1):
        if name in picks:
            rule = DataValidation(type="list", formula1=f'"{picks[name]}"', allow_blank=True)
            sheet.add_data_validation(rule)
            letter = get_column_letter(index)
            rule.add(f"{letter}2:{letter}{MAX_LINES + 1}")
    codes = book.create_sheet(CATALOGUE_SHEET)
    codes.append(["编码 Code", "名称 Name", "English", "类型 Kind", "单位 Unit"])
    for sku in catalogue.skus.values():
        codes.append([sku.code, sku.name, sku.name_en, "单品", sku.unit])
    for code in catalogue.kit_codes:
        kit = catalogue.kit(code)
        codes.append([kit.code, kit.name, kit.name_en, "套餐", "套"])
    help_sheet = book.create_sheet(HELP_SHEET)
    for line in _instructions():
        help_sheet.append([line])
    help_sheet.column_dimensions["A"].width = 110
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _instructions() -> Iterable[str]:
    yield "保通 · 保供物资需求表 / Baotong · emergency-supply demand table"
    yield "每行一项需求；带 * 的列必填。/ One need per line; every column but Notes is required."
    yield "来源类型 Source kind: 政府 (government) · 大客户 (large customer) · 团购 (group buy)"
    yield "物品类型 Item kind: 单品 (an SKU) · 套餐 (a kit); 编码见“目录”表 / codes: Catalogue"
    yield "单位 Unit: 单品用目录中的单位；套餐用“套” / an SKU's unit as listed; kits: 套"
    yield "交付地点类型 Site kind: 转运站 (transfer station) · 政府场所 (government site)"
    yield "需要时间 Needed by: 2022-04-12 18:00 (北京时间 / Beijing time)"


# -- reading --------------------------------------------------------------------------
def read_demand(data: bytes | Path, catalogue: Catalogue, *, file: str | None = None,
                now: datetime | None = None) -> list[DemandLineIn]:  # fmt: skip
    """Every line of a filled template, checked; any problem raises DemandImportError."""
    name = file or (data.name if isinstance(data, Path) else "demand.xlsx")
    try:
        source = io.BytesIO(data) if isinstance(data, bytes) else data
        book = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise DemandImportError(name, [ValidationError(
            f"is not an Excel workbook (.xlsx): {exc}", code="supply.not_excel", file=name)],
            code="supply.not_excel") from None  # fmt: skip
    try:
        if DEMAND_SHEET not in book.sheetnames:
            raise DemandImportError(name, [ValidationError(
                f"has no sheet '{DEMAND_SHEET}'; use the template from "
                "'baotong supply template'.", code="supply.no_sheet", file=name)],
                code="supply.no_sheet")  # fmt: skip
        rows = book[DEMAND_SHEET].iter_rows(values_only=True)
        return _Reader(name, catalogue, now).read(rows)
    finally:
        book.close()


class _Reader:
    def __init__(self, file: str, catalogue: Catalogue, now: datetime | None) -> None:
        self.file, self.catalogue, self.now = file, catalogue, now
        self.errors: list[ValidationError] = []

    def fail(self, row: int, column: int, message: str) -> None:
        _, header, _ = COLUMNS[column]
        where = f"{self.file}, sheet '{DEMAND_SHEET}', row {row}, column {get_column_letter(column + 1)} ({header})"  # noqa: E501
        self.errors.append(ValidationError(f"{where}: {message}", code="supply.bad_cell"))

    def read(self, rows: Iterable[tuple[Any, ...]]) -> list[DemandLineIn]:
        iterator = iter(rows)
        header = next(iterator, None)
        self._check_header(header)
        if self.errors:
            raise DemandImportError(self.file, self.errors, code="supply.bad_import")
        lines: list[DemandLineIn] = []
        for row_no, values in enumerate(iterator, 2):
            cells = list(values[: len(COLUMNS)]) + [None] * (len(COLUMNS) - len(values))
            if all(_blank(v) for v in cells):
                continue
            if len(lines) >= MAX_LINES:
                self.fail(row_no, 0, f"a demand table holds at most {MAX_LINES} lines.")
                break
            line = self._line(row_no, cells)
            if line is not None:
                lines.append(line)
        if not lines and not self.errors:
            self.errors.append(ValidationError(f"{self.file}, sheet '{DEMAND_SHEET}': has no "
                                               "lines.", code="supply.empty_import"))  # fmt: skip
        if self.errors:
            raise DemandImportError(self.file, self.errors, code="supply.bad_import")
        return lines

    def _check_header(self, header: tuple[Any, ...] | None) -> None:
        got = [str(v).strip() if v is not None else "" for v in (header or ())]
        for index, (_, expected, _) in enumerate(COLUMNS):
            cell = got[index] if index < len(got) else ""
            if cell not in (expected, *expected.split(" ", 1)):
                self.fail(1, index, f"header must be '{expected}', found '{cell}'.")

    def _line(self, row: int, cells: list[Any]) -> DemandLineIn | None:
        before = len(self.errors)
        for index, (_, _, required) in enumerate(COLUMNS):
            if required and _blank(cells[index]):
                self.fail(row, index, "is empty.")
        if len(self.errors) > before:
            return None
        source_kind = self._choice(row, 0, cells[0], SourceKind)
        item_kind = self._choice(row, 2, cells[2], ItemKind)
        site_kind = self._choice(row, 6, cells[6], SiteKind)
        code = str(cells[3]).strip()
        quantity = self._quantity(row, cells[4])
        unit = str(cells[5]).strip()
        if item_kind is ItemKind.SKU:
            sku = self.catalogue.skus.get(code)
            if sku is None:
                self.fail(row, 3, f"'{code}' is not an SKU of the catalogue.")
            elif unit != sku.unit:
                self.fail(row, 5, f"must be '{sku.unit}' for {code}, found '{unit}'.")
        elif item_kind is ItemKind.KIT:
            if code not in self.catalogue.kit_codes:
                self.fail(row, 3, f"'{code}' is not a kit of the catalogue.")
            elif unit not in KIT_UNITS:
                self.fail(row, 5, f"must be '套' for a kit, found '{unit}'.")
        needed_by = self._when(row, cells[8])
        if len(self.errors) > before:
            return None
        assert source_kind
        assert item_kind
        assert site_kind
        assert quantity
        assert needed_by
        return DemandLineIn(row, source_kind, str(cells[1]).strip()[:200],
                            item_kind, code, quantity, unit, site_kind,
                            str(cells[7]).strip()[:200], needed_by,
                            "" if _blank(cells[9]) else str(cells[9]).strip()[:500])  # fmt: skip

    def _choice(self, row: int, index: int, value: Any, enum: type[E]) -> E | None:
        text = str(value).strip()
        try:
            return enum(ALIASES[COLUMNS[index][0]].get(text, text))
        except ValueError:
            allowed = ", ".join(ALIASES[COLUMNS[index][0]])
            self.fail(row, index, f"'{value}' is not one of {allowed}.")
            return None

    def _quantity(self, row: int, value: Any) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(row, 4, f"'{value}' is not a number.")
            return None
        try:
            number = float(value)
        except ValueError:
            self.fail(row, 4, f"'{value}' is not a number.")
            return None
        if not math.isfinite(number) or number != int(number):
            self.fail(row, 4, f"must be a whole number, found '{value}'.")
            return None
        if not 0 < number <= MAX_QUANTITY:
            self.fail(row, 4, f"must be > 0 and ≤ {MAX_QUANTITY:,}, found {value}.")
            return None
        return int(number)

    def _when(self, row: int, value: Any) -> datetime | None:
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, date):
            moment = datetime.combine(value, time(23, 59))
        else:
            try:
                moment = datetime.fromisoformat(str(value).strip())
            except ValueError:
                self.fail(row, 8, f"'{value}' is not a date and time such as 2022-04-12 18:00.")
                return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=LOCAL_ZONE)
        moment = moment.astimezone(ZoneInfo("UTC"))
        if self.now is not None and moment < self.now:
            self.fail(row, 8, "lies in the past.")
            return None
        return moment


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
