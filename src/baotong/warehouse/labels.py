"""Labels and printable lists as PDF (ReportLab): location, SKU, lot and package labels
with a Code 128 barcode and a QR code, and pick and packing lists. Chinese text uses
ReportLab's built-in CID font ``STSong-Light`` (no font file needed)."""

from __future__ import annotations

from io import BytesIO

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import code128, qr
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.core.exceptions import ValidationError
from baotong.warehouse import service
from baotong.warehouse.models import DocumentKind, Lot, Quant

FONT = "STSong-Light"
LABEL_W, LABEL_H = 100 * mm, 50 * mm  # a common thermal label
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _label(canvas: Canvas, code: str, title: str, subtitle: str = "") -> None:
    """One label page: title (Chinese allowed), the code as Code 128 and as a QR code."""
    canvas.setPageSize((LABEL_W, LABEL_H))
    canvas.setFont(FONT, 14)
    canvas.drawString(5 * mm, LABEL_H - 9 * mm, title[:24])
    if subtitle:
        canvas.setFont(FONT, 9)
        canvas.drawString(5 * mm, LABEL_H - 14 * mm, subtitle[:40])
    barcode = code128.Code128(code, barHeight=14 * mm, barWidth=0.33 * mm)
    barcode.drawOn(canvas, 2 * mm, 10 * mm)
    canvas.setFont(FONT, 10)
    canvas.drawString(5 * mm, 5 * mm, code)
    widget = qr.QrCodeWidget(code)
    x0, y0, x1, y1 = widget.getBounds()
    size = 30 * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, LABEL_W - size - 3 * mm, 3 * mm)
    canvas.showPage()


LABEL_KINDS = ("location", "sku", "lot", "package")


def site_labels(session: Session, principal: Principal, code: str, kind: str = "location") -> bytes:
    """Labels of a warehouse's locations, of the SKUs it holds, of its lots (with expiry)
    or of its packages (with weight and contents)."""
    warehouse = service.get_warehouse(session, principal, code)
    skus = service.catalogue().skus
    labels: list[tuple[str, str, str]] = []
    if kind == "location":
        labels = [
            (p.code, f"{warehouse.name} {p.code}", p.kind.label_zh)
            for p in service.locations(session, warehouse)
        ]
    elif kind == "sku":
        held = sorted(
            session.scalars(select(Quant.sku).where(Quant.warehouse_id == warehouse.id).distinct())
        )
        labels = [
            (sku, skus[sku].name if sku in skus else sku, skus[sku].name_en if sku in skus else "")
            for sku in held
        ]
    elif kind == "lot":
        lots = session.scalars(select(Lot).where(Lot.warehouse_id == warehouse.id).order_by(Lot.id))
        labels = [
            (
                f"{lot.sku}|{lot.code}",
                f"{lot.sku} 批次 {lot.code}",
                f"有效期至 {lot.expiry}" if lot.expiry else "",
            )
            for lot in lots
        ]
    elif kind == "package":
        labels = [
            (
                p.code,
                f"{warehouse.name} {p.weight_kg} kg",
                " ".join(f"{c['sku']}×{c['qty']}" for c in p.contents),
            )
            for p in service.packages(session, warehouse)
        ]
    else:
        raise ValidationError(
            f"must be one of {', '.join(LABEL_KINDS)}.",
            code="warehouse.bad_label_kind",
            field="kind",
            value=kind,
        )
    return item_labels(labels, title=f"{warehouse.code} {kind}")


def item_labels(codes: list[tuple[str, str, str]], *, title: str = "labels") -> bytes:
    """One label per (code, title, subtitle)."""
    out = BytesIO()
    canvas = Canvas(out, pagesize=(LABEL_W, LABEL_H))
    canvas.setTitle(title)
    for code, heading, subtitle in codes:
        _label(canvas, code, heading, subtitle)
    if not codes:
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def document_list(session: Session, principal: Principal, document_id: int) -> bytes:
    """A printable A4 list of a document: a pick list (by bin) or a packing list."""
    doc = service.get_document(session, principal, document_id)
    read = service.read_document(session, doc)
    skus = service.catalogue().skus
    out = BytesIO()
    canvas = Canvas(out, pagesize=A4)
    width, height = A4
    title = {DocumentKind.PICK: "拣货单 Pick list", DocumentKind.PACK: "装箱单 Packing list"}
    canvas.setFont(FONT, 16)
    canvas.drawString(
        20 * mm,
        height - 20 * mm,
        f"{title.get(doc.kind, doc.kind.label_zh)} #{doc.id} {read.warehouse}",
    )
    code128.Code128(f"DOC-{doc.id}", barHeight=10 * mm).drawOn(canvas, 20 * mm, height - 35 * mm)
    canvas.setFont(FONT, 10)
    y = height - 45 * mm
    if doc.wave:
        canvas.drawString(20 * mm, y, f"波次 Wave: {doc.wave}")
        y -= 6 * mm
    headers = ["库位 Bin", "SKU", "品名 Name", "批次 Lot", "数量 Qty", "已完成 Done"]
    xs = [20, 50, 85, 130, 160, 180]
    for x, text in zip(xs, headers, strict=True):
        canvas.drawString(x * mm, y, text)
    lines = sorted(read.lines, key=lambda line: (line.source or "", line.sku))
    for line in lines:
        y -= 6 * mm
        if y < 20 * mm:
            canvas.showPage()
            canvas.setFont(FONT, 10)
            y = height - 20 * mm
        name = skus[line.sku].name if line.sku in skus else line.sku
        cells = [
            line.source or "",
            line.sku,
            name[:14],
            line.lot or "-",
            str(line.qty),
            str(line.qty_done),
        ]
        for x, text in zip(xs, cells, strict=True):
            canvas.drawString(x * mm, y, text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
