"""Plan tables as CSV and Excel, with Chinese and English headers.

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

Column = tuple[str, str]  # (field of the plan row, "中文 / English" header)

TABLES: dict[str, tuple[str, list[Column]]] = {
    "backups": ("backups", [
        ("center_id", "中心编号 / Centre id"), ("name", "分拣中心 / Backup centre"),
        ("province_code", "省份 / Province"), ("load", "负荷 / Load (items/day)"),
        ("capacity", "能力 / Capacity (items/day)"), ("surge_shifts", "加班班次 / Surge shifts"),
        ("utilisation", "利用率 / Utilisation"), ("chutes_used", "占用格口 / Chutes used"),
        ("chutes_free", "空闲格口 / Chutes free"),
    ]),
    "assignments": ("assignments", [
        ("zone_id", "分区 / Zone"), ("zone_kind", "分拣深度 / Sort depth"),
        ("name", "目的地 / Destination"), ("region_code", "区县代码 / County code"),
        ("station_id", "揽投部 / Station"), ("backup_center_id", "中心编号 / Centre id"),
        ("backup", "分拣中心 / Backup centre"), ("volume", "邮件量 / Volume (items/day)"),
        ("chutes", "格口 / Chutes"), ("km", "公里 / Road km"),
        ("extra_hours", "延误 / Extra hours"),
    ]),
    "sort_plan_changes": ("sort_plan_changes", [
        ("zone_id", "分区 / Zone"), ("destination", "目的地 / Destination"),
        ("zone_kind", "分拣深度 / Sort depth"), ("from_center_id", "原中心 / From centre"),
        ("to_center_id", "新中心 / To centre"), ("bag", "总包 / Bag"), ("chutes", "格口 / Chutes"),
    ]),
    "transit_changes": ("transit_changes", [
        ("action", "变更 / Change"), ("origin_center_id", "始发中心 / Origin centre"),
        ("from_center_id", "原 / From"), ("to_center_id", "新 / To"),
        ("old_chain", "原经转 / Old chain"), ("new_chain", "新经转 / New chain"),
        ("new_mode", "方式 / Mode"), ("volume", "邮件量 / Volume (items/day)"),
    ]),
    "trunk": ("transport.trunk", [
        ("origin", "始发省 / Origin province"), ("backup", "分拣中心 / Backup centre"),
        ("mode", "方式 / Mode"), ("via_hubs", "经转集散 / Via hubs"), ("km", "公里 / km"),
        ("volume", "邮件量 / Volume (items/day)"),
        ("crossdock_volume", "总包分拨 / Bag cross-dock"), ("trucks", "车辆 / Trucks"),
    ]),
    "zone_runs": ("transport.zone_runs", [
        ("backup_center_id", "分拣中心 / Backup centre"), ("destination", "目的地 / Destination"),
        ("km", "公里 / km"), ("hours", "小时 / Hours"), ("volume", "邮件量 / Volume (items/day)"),
        ("vehicle", "车型 / Vehicle"), ("vehicles", "车辆 / Vehicles"),
        ("needs_pass", "需通行证 / Needs pass"),
    ]),
}  # fmt: skip


def _rows(plan: PlanDocument, table: str) -> tuple[list[Column], list[BaseModel]]:
    if table not in TABLES:
        raise NotFoundError(f"Unknown plan table '{table}': use one of {', '.join(TABLES)}.",
                            code="plan.unknown_table", table=table)  # fmt: skip
    path, columns = TABLES[table]
    node: Any = plan
    for key in path.split("."):
        node = getattr(node, key)
    return columns, list(node)


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
    writer.writerow([header for _, header in columns])
    for row in rows:
        writer.writerow([_cell(row, key) for key, _ in columns])
    return out.getvalue()


def plan_xlsx(plan: PlanDocument) -> bytes:
    """Every plan table as one sheet of an Excel workbook, plus a summary sheet."""
    wb = Workbook()
    summary = wb.active
    summary.title = "summary"
    summary.append(["项目 / Item", "值 / Value"])
    for key in ("scenario", "status", "objective", "bound", "gap", "solve_seconds"):
        summary.append([key, getattr(plan, key)])
    for key, value in plan.cost.model_dump().items():
        summary.append([f"cost.{key}", value])
    for table in TABLES:
        columns, rows = _rows(plan, table)
        sheet = wb.create_sheet(table)
        sheet.append([header for _, header in columns])
        for row in rows:
            sheet.append([_cell(row, key) for key, _ in columns])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
