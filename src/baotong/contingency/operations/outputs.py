"""The operations document as an Excel workbook for the floor and the transport office:
chutes, shifts, waves, departures, the route timetable (one row per route and day) and
the city runs, with Chinese and English headers from the catalogues."""

from __future__ import annotations

import io
from collections.abc import Iterator

from openpyxl import Workbook

from baotong.contingency.operations.document import OperationsDocument, clock
from baotong.contingency.operations.timetable import timetable_rows
from baotong.core.i18n import N_, translate

Row = list[object]


def _header(key: str) -> str:
    return f"{translate('zh', key)} / {translate('en', key)}"


def _chutes(doc: OperationsDocument) -> Iterator[Row]:
    for c in doc.centres:
        for s in c.chutes.slots:
            if s.use != "baseline":
                yield [c.name, s.chute, s.double, s.dock, s.use, s.bag, s.zone_id, s.volume]


def _shifts(doc: OperationsDocument) -> Iterator[Row]:
    for c in doc.centres:
        for s in c.shifts.shifts:
            yield [c.name, s.shift, clock(s.start), clock(s.end), s.volume, s.peak_per_hour,
                   s.staff["induction"], s.staff["chute_clearing"], s.staff["bag_closing"],
                   s.staff["loading"], s.total, s.reserve, s.gap]  # fmt: skip


def _waves(doc: OperationsDocument) -> Iterator[Row]:
    for c in doc.centres:
        for w in c.schedule.waves:
            yield [c.name, w.wave, clock(w.arrival), w.volume, w.crossdock, " ".join(w.origins),
                   clock(w.sort_start), clock(w.sort_end)]  # fmt: skip


def _departures(doc: OperationsDocument) -> Iterator[Row]:
    for c in doc.centres:
        for d in c.schedule.departures:
            yield [c.name, d.zone_id, d.destination, clock(d.bag_close), clock(d.departure),
                   d.hours, d.on_time_share, " ".join(str(w) for w in d.misses)]  # fmt: skip


def _runs(doc: OperationsDocument) -> Iterator[Row]:
    for r in doc.city_runs:
        for n, s in enumerate(r.stops, start=1):
            yield [r.run_id, r.backup_center_id, r.vehicle, clock(r.departure), clock(r.back),
                   r.km, n, s.drop_point, s.name, clock(s.arrival), s.volume]  # fmt: skip


SHEETS = {
    "chutes": ([N_("ops.col.centre"), N_("ops.col.chute"), N_("ops.col.double"),
                N_("ops.col.dock"), N_("ops.col.use"), N_("ops.col.bag"), N_("column.zone_id"),
                N_("column.volume")], _chutes),
    "shifts": ([N_("ops.col.centre"), N_("ops.col.shift"), N_("ops.col.start"),
                N_("ops.col.end"), N_("column.volume"), N_("ops.col.peak"),
                N_("ops.role.induction"), N_("ops.role.chute_clearing"),
                N_("ops.role.bag_closing"), N_("ops.role.loading"), N_("ops.col.staff"),
                N_("ops.col.reserve"), N_("ops.col.gap")], _shifts),
    "waves": ([N_("ops.col.centre"), N_("ops.col.wave"), N_("ops.col.arrival"),
               N_("column.volume"), N_("column.crossdock_volume"), N_("ops.col.origins"),
               N_("ops.col.sort_start"), N_("ops.col.sort_end")], _waves),
    "departures": ([N_("ops.col.centre"), N_("column.zone_id"), N_("column.destination"),
                    N_("ops.col.bag_close"), N_("ops.col.departure"), N_("column.hours"),
                    N_("ops.col.on_time"), N_("ops.col.misses")], _departures),
    "city_runs": ([N_("ops.col.run"), N_("column.backup"), N_("column.vehicle"),
                   N_("ops.col.departure"), N_("ops.col.back"), N_("column.km"),
                   N_("ops.col.stop"), N_("ops.col.drop_point"), N_("column.destination"),
                   N_("ops.col.arrival"), N_("column.volume")], _runs),
}  # fmt: skip
ROUTE_COLUMNS = {
    "day": N_("ops.col.day"), "route_id": N_("ops.col.route"), "origin": N_("column.origin"),
    "backup": N_("column.backup"), "mode": N_("column.mode"), "vehicle": N_("column.vehicle"),
    "vehicles": N_("column.vehicles"), "departs": N_("ops.col.departure"),
    "arrives": N_("ops.col.arrival"), "volume": N_("column.volume"),
    "replaces": N_("ops.col.replaces"),
}  # fmt: skip


def operations_xlsx(doc: OperationsDocument, *, days: int = 7) -> bytes:
    wb = Workbook()
    first = True
    for name, (columns, rows) in SHEETS.items():
        sheet = wb.active if first else wb.create_sheet(name)
        assert sheet is not None
        sheet.title, first = name, False
        sheet.append([_header(key) for key in columns])
        for row in rows(doc):
            sheet.append(row)
    routes = wb.create_sheet("routes")
    routes.append([_header(key) for key in ROUTE_COLUMNS.values()])
    for day_row in timetable_rows(doc.routes, days):
        routes.append([day_row[key] for key in ROUTE_COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
