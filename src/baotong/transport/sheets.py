"""Route sheets as PDF (ReportLab): one A4 page per route of a plan — the vehicle, the
driver, the run as a Code 128 barcode and a QR code, and the stops in order with address,
time window, planned arrival and packages, and a column to sign. Chinese text uses
ReportLab's built-in CID font ``STSong-Light`` (no font file needed)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import code128, qr
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from baotong.transport.models import RoutePlan
from baotong.transport.route_plans import hhmm

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
COLUMNS = ((12, "#"), (20, "站点 Stop"), (72, "地址 Address"), (122, "时间窗 Window"),
           (150, "到达 ETA"), (167, "件数 Pkgs"), (184, "签收 Sign"))  # fmt: skip


def run_code(run_id: int) -> str:
    """What the barcode and the QR code of a run's sheet read."""
    return f"RUN-{run_id:06d}"


def _codes(canvas: Canvas, code: str, top: float) -> None:
    width, _ = A4
    barcode = code128.Code128(code, barHeight=12 * mm, barWidth=0.4 * mm)
    barcode.drawOn(canvas, 12 * mm, top - 14 * mm)
    widget = qr.QrCodeWidget(code)
    x0, y0, x1, y1 = widget.getBounds()
    size = 28 * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, width - size - 12 * mm, top - size + 8 * mm)


def _page(canvas: Canvas, plan: RoutePlan, route: dict[str, Any], plate: str,
          driver: str) -> None:  # fmt: skip
    width, height = A4
    stops = {s["id"]: s for s in plan.stops}
    top = height - 15 * mm
    canvas.setFont(FONT, 15)
    canvas.drawString(12 * mm, top, f"派送路单 Route sheet · {plan.name}"[:60])
    canvas.setFont(FONT, 10)
    canvas.drawString(12 * mm, top - 7 * mm,
                      f"日期 {plan.plan_date}  车辆 {plate}  驾驶员 {driver}  "
                      f"出发 {plan.depot.get('name', '')}")  # fmt: skip
    check = "通行核验通过 cleared" if route["cleared"] else "通行核验未通过 NOT CLEARED"
    km = route["distance_m"] / 1000
    line = f"{run_code(route['run_id'])}  {len(route['stops'])} 站  {route['load']} 件  {km:.1f} km"
    canvas.drawString(12 * mm, top - 13 * mm, f"{line}  {check}")
    _codes(canvas, run_code(route["run_id"]), top - 18 * mm)
    y = top - 48 * mm
    canvas.setFont(FONT, 9)
    for x, title in COLUMNS:
        canvas.drawString(x * mm, y, title)
    canvas.line(12 * mm, y - 2 * mm, width - 12 * mm, y - 2 * mm)
    for order, (stop_id, arrival) in enumerate(zip(route["stops"], route["arrivals"],
                                                   strict=True), start=1):  # fmt: skip
        y -= 8 * mm
        if y < 20 * mm:
            canvas.showPage()
            canvas.setFont(FONT, 9)
            y = height - 20 * mm
        stop = stops[stop_id]
        cells = (str(order), str(stop.get("name", stop_id))[:18],
                 str(stop.get("address", ""))[:28], f"{stop['ready']}–{stop['due']}",
                 hhmm(int(arrival)), str(stop["packages"]), "")  # fmt: skip
        for (x, _), text in zip(COLUMNS, cells, strict=True):
            canvas.drawString(x * mm, y, text)
        canvas.line(184 * mm, y - 1 * mm, width - 12 * mm, y - 1 * mm)
    canvas.showPage()


def route_sheets(plan: RoutePlan, plates: dict[int, str], drivers: dict[int, str],
                 run_id: int | None = None) -> bytes:  # fmt: skip
    """The plan's route sheets (only run ``run_id``'s when given), one page per route."""
    out = BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setTitle(f"route sheets {plan.id}")
    routes = [r for r in (plan.result or {}).get("routes", [])
              if run_id is None or r["run_id"] == run_id]  # fmt: skip
    for route in routes:
        _page(canvas, plan, route, plates.get(route["vehicle_id"], ""),
              drivers.get(route["driver_id"], ""))  # fmt: skip
    if not routes:
        canvas.setFont(FONT, 12)
        canvas.drawString(20 * mm, A4[1] - 20 * mm, f"{plan.name}: 尚无路线 no routes yet")
        canvas.showPage()
    canvas.save()
    return out.getvalue()
