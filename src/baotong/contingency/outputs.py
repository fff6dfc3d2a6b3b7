"""Plan tables as CSV and Excel, with Chinese and English headers from the catalogues.

Tables: ``backups``, ``assignments``, ``sort_plan_changes``, ``transit_changes``,
``trunk`` (transport into backups) and ``zone_runs`` (backup → zone runs with passes).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from pydantic import BaseModel

from baotong.contingency.document import PlanDocument
from baotong.core.exceptions import NotFoundError
from baotong.core.i18n import N_, translate

Column = tuple[str, str]  # (key in the plan row, catalogue key of its header)

TABLES: dict[str, tuple[str, list[Column]]] = {
    "backups": ("backups", [
        ("center_id", N_("column.center_id")), ("name", N_("column.backup")),
        ("province_code", N_("column.province_code")), ("load", N_("column.load")),
        ("capacity", N_("column.capacity")), ("surge_shifts", N_("column.surge_shifts")),
        ("utilisation", N_("column.utilisation")), ("chutes_used", N_("column.chutes_used")),
        ("chutes_free", N_("column.chutes_free")),
    ]),
    "assignments": ("assignments", [
        ("zone_id", N_("column.zone_id")), ("zone_kind", N_("column.zone_kind")),
        ("name", N_("column.destination")), ("region_code", N_("column.region_code")),
        ("station_id", N_("column.station_id")),
        ("backup_center_id", N_("column.center_id")),
        ("backup", N_("column.backup")), ("volume", N_("column.volume")),
        ("chutes", N_("column.chutes")), ("sort_depth", N_("column.sort_depth")),
        ("km", N_("column.road_km")), ("hours", N_("column.hours")),
        ("extra_hours", N_("column.extra_hours")), ("airport", N_("column.airport")),
        ("via_hub", N_("column.via_hub")), ("ferry", N_("column.ferry")),
        ("ferry_from", N_("column.ferry_from")), ("ferry_to", N_("column.ferry_to")),
    ]),
    "sort_plan_changes": ("sort_plan_changes", [
        ("zone_id", N_("column.zone_id")), ("destination", N_("column.destination")),
        ("zone_kind", N_("column.zone_kind")), ("from_center_id", N_("column.from_center_id")),
        ("to_center_id", N_("column.to_center_id")), ("bag", N_("column.bag")),
        ("chutes", N_("column.chutes")),
    ]),
    "transit_changes": ("transit_changes", [
        ("action", N_("column.action")), ("origin_center_id", N_("column.origin_center_id")),
        ("from_center_id", N_("column.from")), ("to_center_id", N_("column.to")),
        ("old_chain", N_("column.old_chain")), ("new_chain", N_("column.new_chain")),
        ("new_mode", N_("column.mode")), ("volume", N_("column.volume")),
    ]),
    "trunk": ("transport.trunk", [
        ("origin", N_("column.origin")), ("backup", N_("column.backup")),
        ("mode", N_("column.mode")), ("via_hubs", N_("column.via_hubs")), ("km", N_("column.km")),
        ("volume", N_("column.volume")),
        ("crossdock_volume", N_("column.crossdock_volume")), ("trucks", N_("column.trucks")),
    ]),
    "zone_runs": ("transport.zone_runs", [
        ("backup_center_id", N_("column.backup")), ("destination", N_("column.destination")),
        ("km", N_("column.km")), ("hours", N_("column.hours")), ("volume", N_("column.volume")),
        ("vehicle", N_("column.vehicle")), ("vehicles", N_("column.vehicles")),
        ("needs_pass", N_("column.needs_pass")), ("airport", N_("column.airport")),
        ("port", N_("column.port")),
    ]),
}  # fmt: skip


def _rows(plan: PlanDocument, table: str) -> tuple[list[Column], list[BaseModel]]:
    if table not in TABLES:
        raise NotFoundError(f"Unknown plan table '{table}': use one of {', '.join(TABLES)}.",
                            code="plan.unknown_table", table=table,
                            tables=", ".join(TABLES))  # fmt: skip
    path, columns = TABLES[table]
    node: Any = plan
    for key in path.split("."):
        node = getattr(node, key)
    return columns, list(node)


def _header(key: str) -> str:
    """'中文 / English': the header both readers of a plan table understand."""
    return f"{translate('zh', key)} / {translate('en', key)}"


def _cell(row: BaseModel, key: str) -> Any:
    """A row's value for a column; a line change has no chains, mode or volume (empty)."""
    value = getattr(row, key, None)
    if isinstance(value, list):
        return " → ".join(str(v) for v in value)
    return value


def plan_csv(plan: PlanDocument, table: str) -> str:
    """One plan table as CSV text (UTF-8, bilingual header row)."""
    columns, rows = _rows(plan, table)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_header(key) for _, key in columns])
    for row in rows:
        writer.writerow([_cell(row, key) for key, _ in columns])
    return out.getvalue()


def plan_xlsx(plan: PlanDocument) -> bytes:
    """Every plan table as one sheet of an Excel workbook, plus a summary sheet."""
    wb = Workbook()
    summary = wb.active
    summary.title = "summary"
    summary.append([_header(N_("column.item")), _header(N_("column.value"))])
    for key in ("scenario", "status", "objective", "bound", "gap", "solve_seconds"):
        summary.append([key, getattr(plan, key)])
    for key, value in plan.cost.model_dump().items():
        summary.append([f"cost.{key}", value])
    for table in TABLES:
        columns, rows = _rows(plan, table)
        sheet = wb.create_sheet(table)
        sheet.append([_header(key) for _, key in columns])
        for row in rows:
            sheet.append([_cell(row, key) for key, _ in columns])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
