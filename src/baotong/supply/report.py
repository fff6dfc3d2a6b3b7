"""The on-time report as an Excel workbook: one sheet of provinces, one of desks."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

from baotong.core.i18n import translate
from baotong.supply.service import OnTime

HEADERS = (
    "supply.report.key",
    "supply.report.quotes",
    "supply.report.quote_share",
    "supply.report.quote_median",
    "supply.report.confirmations",
    "supply.report.confirm_share",
    "supply.report.confirm_median",
)


def report_xlsx(rows: Sequence[OnTime], lang: str = "zh") -> bytes:
    """The report in ``lang``'s words; shares as fractions (formatted as %), hours as numbers."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for group in ("province", "desk"):
        sheet = book.create_sheet(translate(lang, f"supply.report.by_{group}"))
        sheet.append([translate(lang, key) for key in HEADERS])
        for row in (r for r in rows if r.group == group):
            sheet.append(
                [
                    row.key,
                    row.quotes,
                    row.quote_share,
                    row.quote_median_hours,
                    row.confirmations,
                    row.confirm_share,
                    row.confirm_median_hours,
                ]
            )
            for cell in (sheet.cell(sheet.max_row, 3), sheet.cell(sheet.max_row, 6)):
                cell.number_format = "0.0%"
        sheet.column_dimensions["A"].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
