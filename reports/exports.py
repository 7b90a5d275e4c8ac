"""Download any dashboard table as CSV or .xlsx: the same rows, in the same order, and the
same columns as the page shows, with raw numbers (no thousands dots) so spreadsheets can add
them up."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Font

from movements.sanitise import csv_cell, xlsx_cell

# Cells hold the exact number; the format only shows it, in the Vietnamese locale ([$-42A]):
# 8.964 and 1,5 — the spreadsheet keeps adding and comparing the full value.
WHOLE_FORMAT = "[$-42A]#,##0"
DECIMAL_FORMAT = "[$-42A]#,##0.0"

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def table_values(table) -> list[list]:
    """Header and rows of a django-tables2 table as the export writes them."""
    return [list(row) for row in table.as_values()]


def export_response(table, filename: str, fmt: str, *, sheet_title: str = "Số liệu"):
    """An attachment `<filename>.<fmt>` holding `table`'s rows (fmt 'csv' or 'xlsx')."""
    rows = table_values(table)
    if fmt == "csv":
        buffer = io.StringIO()
        # The byte-order mark lets Excel open UTF-8 (Vietnamese) text correctly.
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow([csv_cell(v) for v in row])
        content: bytes | str = buffer.getvalue()
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = sheet_title[:31]
        for line, row in enumerate(rows, start=1):
            cells = [
                xlsx_cell(sheet.cell(row=line, column=column), value)
                for column, value in enumerate(row, start=1)
            ]
            if line == 1:
                for cell in cells:
                    cell.font = Font(bold=True)
                continue
            for cell in cells:
                if isinstance(cell.value, bool):
                    continue
                if isinstance(cell.value, int):
                    cell.number_format = WHOLE_FORMAT
                elif isinstance(cell.value, Decimal | float):
                    cell.number_format = DECIMAL_FORMAT
        sheet.freeze_panes = "A2"
        out = io.BytesIO()
        workbook.save(out)
        content = out.getvalue()
    response = HttpResponse(content, content_type=FORMATS[fmt])
    name = f"{filename}.{fmt}".replace("–", "-")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
