"""Reading a network folder's CSV tables while collecting every problem found.

Each problem is a ValidationError naming the file, the row (numbered as a spreadsheet
does: the header is row 1) and the field, and saying what is wrong.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from baotong.core.exceptions import LocatedErrors, ValidationError
from baotong.network.tables import COLUMNS

T = TypeVar("T")
Row = dict[str, str]


class NetworkImportError(LocatedErrors):
    """A network folder that cannot be imported; ``errors`` lists every problem found."""

    title = "Invalid network"
    shown = 40

    def __init__(self, folder: Path, errors: list[ValidationError], *, code: str) -> None:
        super().__init__(f"The network in {folder} cannot be imported", errors, code=code,
                         folder=str(folder))  # fmt: skip


class TableReader:
    """Collects the problems of one folder while its tables are parsed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.errors: list[ValidationError] = []
        self.rows: dict[str, list[tuple[int, Row]]] = {}
        self._declared: dict[tuple[str, str], dict[str, Row]] = {}

    def declared(self, file: str, key: str) -> dict[str, Row]:
        """Rows of a table already read, by ``key`` (first row wins): what other tables may
        refer to, even when the row itself has a problem (reported once, where it is)."""
        if (file, key) not in self._declared:
            out: dict[str, Row] = {}
            for _, row in self.rows.get(file, []):
                out.setdefault(row[key], row)
            self._declared[(file, key)] = out
        return self._declared[(file, key)]

    def fail(self, file: str, row: int | None, field: str | None, message: str) -> None:
        self.errors.append(ValidationError(message, code="network.table_problem", file=file,
                                           row=row, field=field))  # fmt: skip

    def table(self, file: str, *, optional: bool = False) -> list[tuple[int, Row]]:
        """The rows of ``file`` with their row numbers; an optional file may be absent."""
        path = self.folder / file
        if not path.is_file():
            if not optional:
                self.fail(file, None, None, "file is missing.")
            return []
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            byte = f"0x{raw[exc.start]:02x}"
            self.fail(file, None, None, f"not UTF-8 text (byte {byte} at offset {exc.start}); "
                      "save the file as UTF-8.")  # fmt: skip
            return []
        reader = csv.reader(io.StringIO(text))
        header = [h.strip() for h in next(reader, [])]
        expected = COLUMNS[file]
        bad = False
        for column in expected:
            if column not in header:
                self.fail(file, 1, column, "column is missing.")
                bad = True
        for column in header:
            if column not in expected:
                self.fail(file, 1, column, f"unknown column; expected {', '.join(expected)}.")
                bad = True
        if bad:
            return []
        rows = []
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                self.fail(file, number, None, f"has {len(values)} values, the header has "
                                              f"{len(header)}.")  # fmt: skip
                continue
            rows.append((number, {h: v.strip() for h, v in zip(header, values, strict=True)}))
        self.rows[file] = rows
        return rows

    def value(self, file: str, row: int, field: str, text: str, parse: Callable[[str], T],
              what: str) -> T | None:  # fmt: skip
        try:
            return parse(text)
        except (ValueError, TypeError):
            self.fail(file, row, field, f"'{text}' is not {what}.")
            return None

    def number(self, file: str, row: int, r: Row, field: str) -> float | None:
        def parse(text: str) -> float:
            value = float(text)
            if not np.isfinite(value):
                raise ValueError(text)
            return value

        return self.value(file, row, field, r[field], parse, "a number")

    def point(self, file: str, row: int, r: Row) -> tuple[float, float] | None:
        lon, lat = self.number(file, row, r, "lon"), self.number(file, row, r, "lat")
        return None if lon is None or lat is None else (lon, lat)

    def integer(self, file: str, row: int, r: Row, field: str) -> int | None:
        return self.value(file, row, field, r[field], int, "a whole number")

    def choice(self, file: str, row: int, r: Row, field: str, enum: type[T]) -> T | None:
        allowed = ", ".join(str(m) for m in enum)  # type: ignore[attr-defined]
        return self.value(file, row, field, r[field], enum, f"one of {allowed}")

    def build(
        self,
        file: str,
        row: int,
        make: Callable[..., T],
        values: dict[str, Any],
        optional: tuple[str, ...] = (),
    ) -> T | None:
        """Construct an entity from parsed values (skipped when one failed to parse), turning
        the entity's own validation error into one located at file, row and field."""
        if any(v is None for k, v in values.items() if k not in optional):
            return None
        try:
            return make(**values)
        except ValidationError as exc:
            self.fail(file, row, exc.field, exc.reason)
            return None

    def unique(self, file: str, field: str, rows: list[tuple[int, Row]]) -> None:
        seen: dict[str, int] = {}
        for number, r in rows:
            if r[field] in seen:
                self.fail(file, number, field, f"duplicate '{r[field]}' (first on row "
                                               f"{seen[r[field]]}).")  # fmt: skip
            else:
                seen[r[field]] = number
