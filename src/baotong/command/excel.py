"""The resource inventory as an Excel workbook (openpyxl): a template to fill, and the
reader that checks every cell before anything is saved.

Three sheets, one resource (or a batch of identical ones) per row: ``people`` (province,
site, role, name, count, whitelisted, closed-loop housing), ``vehicles`` (province, site,
type, name, plate, count) and ``equipment`` (province, site, type — sorter, forklift,
scanner, protective —, name, count). Every problem names its sheet, row and column; a
workbook with any problem is refused whole.
"""

from __future__ import annotations

import io
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import BaseModel, ConfigDict, Field, model_validator

from baotong.command.models import EquipmentType, ResourceKind
from baotong.core.exceptions import LocatedErrors, ValidationError

YES = {"1", "y", "yes", "true", "是", "√", "x"}
NO = {"", "0", "n", "no", "false", "否"}
SHEETS: dict[str, tuple[ResourceKind, list[str]]] = {
    "people": (
        ResourceKind.PERSON,
        ["province_code", "site_id", "category", "name", "quantity", "whitelisted", "closed_loop"],
    ),
    "vehicles": (
        ResourceKind.VEHICLE,
        ["province_code", "site_id", "category", "name", "plate", "quantity"],
    ),
    "equipment": (
        ResourceKind.EQUIPMENT,
        ["province_code", "site_id", "category", "name", "quantity"],
    ),
}
REQUIRED = {"province_code", "category", "name"}


class ResourceIn(BaseModel):
    """One inventory row, as a form or the workbook gives it."""

    model_config = ConfigDict(extra="forbid")

    kind: ResourceKind
    category: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    quantity: int = Field(default=1, ge=1)
    province_code: str = Field(pattern=r"^\d{6}$")
    site_id: str | None = None
    whitelisted: bool = False
    closed_loop: bool = False
    plate: str | None = None

    @model_validator(mode="after")
    def _equipment_type(self) -> ResourceIn:
        kinds = [e.value for e in EquipmentType]
        if self.kind is ResourceKind.EQUIPMENT and self.category not in kinds:
            raise ValueError(f"equipment category must be one of {', '.join(kinds)}")
        return self


class ResourceImportError(LocatedErrors):
    """A workbook that cannot be imported; ``errors`` lists every problem found."""

    title = "Invalid resource workbook"

    def __init__(self, file: str, errors: list[str], *, code: str) -> None:
        super().__init__(f"{file} cannot be imported", errors, code=code,
                         outcome="nothing was saved", file=file)  # fmt: skip


def template() -> bytes:
    """An empty workbook with the three sheets and their headers."""
    book = Workbook()
    book.remove(book.active)
    for name, (_, columns) in SHEETS.items():
        book.create_sheet(name).append(columns)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _flag(value: Any) -> bool | None:
    text = str(value if value is not None else "").strip().lower()
    return True if text in YES else False if text in NO else None


def read_resources(data: bytes, *, file: str = "resources.xlsx") -> list[ResourceIn]:
    """Every row of the workbook, checked; any problem raises ResourceImportError."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ValidationError(
            f"is not an Excel workbook (.xlsx): {exc}", code="resource.not_excel", file=file
        ) from None
    errors: list[str] = []
    rows: list[ResourceIn] = []
    try:
        present = [s for s in SHEETS if s in book.sheetnames]
        if not present:
            raise ValidationError(
                f"has none of the sheets {', '.join(SHEETS)}.", code="resource.no_sheet", file=file
            )
        for sheet in present:
            rows += _read_sheet(file, sheet, list(book[sheet].iter_rows(values_only=True)), errors)
    finally:
        book.close()
    if errors:
        raise ResourceImportError(file, errors, code="resource.bad_import")
    return rows


def _read_sheet(
    file: str, sheet: str, values: list[tuple[Any, ...]], errors: list[str]
) -> list[ResourceIn]:
    kind, columns = SHEETS[sheet]

    def fail(row: int, col: int, message: str) -> None:
        errors.append(
            f"{file}, sheet '{sheet}', row {row}, column {get_column_letter(col + 1)} "
            f"({columns[col]}): {message}"
        )

    header = [str(v).strip() if v is not None else "" for v in (values[0] if values else ())]
    for col, name in enumerate(columns):
        if (header[col] if col < len(header) else "") != name:
            fail(1, col, f"header must be '{name}'.")
    if any(e.startswith(f"{file}, sheet '{sheet}', row 1,") for e in errors):
        return []
    found: list[ResourceIn] = []
    for row_no, raw in enumerate(values[1:], start=2):
        cells = [*raw[: len(columns)], *[None] * (len(columns) - len(raw))]
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        item: dict[str, Any] = {"kind": kind}
        bad = False
        for col, name in enumerate(columns):
            cell = cells[col]
            text = "" if cell is None else str(cell).strip()
            if name in REQUIRED and not text:
                fail(row_no, col, "is empty.")
                bad = True
            elif name == "province_code" and not (text.isdigit() and len(text) == 6):
                fail(row_no, col, f"'{text}' is not a six-digit province code.")
                bad = True
            elif name == "quantity":
                try:
                    count = int(float(text)) if text else 1
                except ValueError:
                    count = 0
                if count < 1:
                    fail(row_no, col, f"'{text}' is not a count of 1 or more.")
                    bad = True
                item[name] = count
            elif name in ("whitelisted", "closed_loop"):
                flag = _flag(cell)
                if flag is None:
                    fail(row_no, col, f"'{text}' is neither yes nor no.")
                    bad = True
                item[name] = bool(flag)
            elif (
                name == "category"
                and kind is ResourceKind.EQUIPMENT
                and text not in {e.value for e in EquipmentType}
            ):
                fail(
                    row_no,
                    col,
                    f"'{text}' is not one of {', '.join(e.value for e in EquipmentType)}.",
                )  # noqa: E501
                bad = True
            else:
                item[name] = text or None
        if not bad:
            found.append(ResourceIn.model_validate(item))
    return found
