"""Scan files: CSV (``number,event,site_id,at``) or JSON lines (one event per line, or an
item: a line with ``product_class``). Errors name the file, the row and the field."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pydantic

from baotong.core.exceptions import ValidationError
from baotong.tracking.schemas import EventIn, ItemCreate

CSV_COLUMNS = ("number", "event", "site_id", "at")


def _invalid(name: str, row: int, exc: pydantic.ValidationError) -> ValidationError:
    error = exc.errors()[0]
    field = ".".join(str(p) for p in error["loc"]) or None
    return ValidationError(
        error["msg"].removeprefix("Value error, ") + ".", code="input.invalid", file=name,
        row=row, field=field, value=error.get("input") if field else None,
        reason=error["msg"], problem=error["type"],
    )  # fmt: skip


def parse(name: str, text: str) -> tuple[list[ItemCreate], list[EventIn]]:
    """The items and events of a file's ``text``; ``name`` ends in .csv, .jsonl or .ndjson."""
    items: list[ItemCreate] = []
    events: list[EventIn] = []
    if name.lower().endswith(".csv"):
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationError(
                f"the header lacks the column(s) {', '.join(missing)}.",
                code="tracking.csv_columns", file=name, row=1, columns=", ".join(missing),
            )  # fmt: skip
        for row, fields in enumerate(reader, start=2):
            try:
                events.append(EventIn.model_validate({c: fields[c] for c in CSV_COLUMNS}))
            except pydantic.ValidationError as exc:
                raise _invalid(name, row, exc) from None
        return items, events
    if not name.lower().endswith((".jsonl", ".ndjson", ".json")):
        raise ValidationError(
            "must be a .csv or .jsonl file.", code="tracking.file_kind", file=name,
        )  # fmt: skip
    for row, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record: Any = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"is not JSON ({exc.msg}).", code="tracking.bad_json", file=name, row=row,
                reason=exc.msg,
            ) from None  # fmt: skip
        try:
            if isinstance(record, dict) and "product_class" in record:
                items.append(ItemCreate.model_validate(record))
            else:
                events.append(EventIn.model_validate(record))
        except pydantic.ValidationError as exc:
            raise _invalid(name, row, exc) from None
    return items, events


def read(path: Path) -> tuple[list[ItemCreate], list[EventIn]]:
    return parse(path.name, path.read_text(encoding="utf-8"))
