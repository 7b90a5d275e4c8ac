"""Download any dashboard table as CSV or .xlsx: the same rows, in the same order, and the
same columns as the page shows, with plain numbers (no thousands dots) so spreadsheets can add
them up. The .xlsx holds each exact number in a number cell; the CSV writes it as a Vietnamese
office's spreadsheet reads it, or in the international form on request (`CsvForm`). Above the
table, a title block says what it is (ExportHeading: movement, unit, years, measure, statuses
counted, how many of the units due are counted each year and which years are therefore
provisional, export date, demo data), ended by an empty row; the file name says it too. The
table's own headers mark its provisional years ("2014 (tạm tính, 6/24)")."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from movements.formatting import format_date, format_number
from movements.sanitise import csv_cell, xlsx_cell

# Cells hold the exact number; the format only shows it, in the Vietnamese locale ([$-42A]):
# 8.964 and 1,5 — the spreadsheet keeps adding and comparing the full value.
WHOLE_FORMAT = "[$-42A]#,##0"
DECIMAL_FORMAT = "[$-42A]#,##0.0"
DATE_FORMAT = "[$-42A]d/m/yyyy"

# Decimal places of a fraction in a CSV: the pages show at most one (2,6 cuộc; 0,2 trên 100
# đoàn viên; 97,5%), so five more keep every figure shown exactly as rounded, without the 28
# digits of an exact quotient. The .xlsx keeps the full value.
CSV_DECIMALS = 6
_CSV_QUANTUM = Decimal(1).scaleb(-CSV_DECIMALS)


class CsvFormError(ValueError):
    """A form of CSV asked for that there is not; its text says which there are."""


@dataclass(frozen=True)
class CsvForm:
    """How a CSV separates its fields and writes a fraction and a day. Excel and LibreOffice
    open a .csv with the separators and date order of the computer's region: in Vietnamese
    (vi-VN) ";" between fields, "," before decimals ("." groups thousands, so "0.0719" is read
    as 719 or as text) and day/month/year; the international form is read in English (en-US),
    month first, so its days are written year-month-day. Every CSV starts with a byte-order
    mark, by which Excel knows the text is UTF-8 (Vietnamese)."""

    code: str  # the value of ?csv= (and of export_values --csv)
    delimiter: str
    decimal_mark: str
    iso_dates: bool = False  # 2013-06-25; else as Vietnamese write them, 25/6/2013

    def number(self, value: int | Decimal | float) -> str:
        """An integer as it is (8964, never 8.964); a fraction rounded half up to
        CSV_DECIMALS places, without trailing zeros: 0,071994 / 12,5 / 3."""
        if isinstance(value, int):
            return str(value)
        # Money sums have up to ~16 digits before the point: more than the default 28 digits
        # of precision are then needed for six after it.
        with decimal.localcontext(prec=80):
            number = Decimal(str(value)) if isinstance(value, float) else value
            if not number.is_finite():
                return ""
            text = f"{number.quantize(_CSV_QUANTUM, rounding=ROUND_HALF_UP):f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if text == "-0":
            text = "0"
        return text.replace(".", self.decimal_mark)

    def cell(self, value) -> str:
        """A CSV field: a number by `number`, a day in the form's order, other values by
        `csv_cell` (no formula)."""
        if isinstance(value, int | Decimal | float) and not isinstance(value, bool):
            return self.number(value)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat() if self.iso_dates else format_date(value)
        return csv_cell(value)

    def text(self, rows: Iterable[Iterable]) -> str:
        """The file's text: the byte-order mark, then `rows` (lists of values), one line
        each."""
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=self.delimiter, lineterminator="\r\n")
        writer.writerows([self.cell(value) for value in row] for row in rows)
        return buffer.getvalue()


CSV_VIETNAMESE = CsvForm("viet-nam", delimiter=";", decimal_mark=",")
CSV_INTERNATIONAL = CsvForm("quoc-te", delimiter=",", decimal_mark=".", iso_dates=True)
CSV_FORMS = {form.code: form for form in (CSV_VIETNAMESE, CSV_INTERNATIONAL)}


def csv_form(code: str | None) -> CsvForm:
    """The form named `code`; none or empty: the Vietnamese form. Raises CsvFormError."""
    if not code:
        return CSV_VIETNAMESE
    form = CSV_FORMS.get(code)
    if form is None:
        raise CsvFormError(
            _(
                "Không có kiểu CSV “%(code)s”. Chọn “viet-nam” (mặc định: các cột cách nhau "
                "bằng dấu chấm phẩy, số thập phân dấu phẩy, như Excel tiếng Việt đọc) hoặc "
                "“quoc-te” (dấu phẩy, số thập phân dấu chấm)."
            )
            % {"code": code[:40]}
        )
    return form


FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ExportHeading:
    """What an exported table shows, for its title block and its file name."""

    page: str  # the page's slug: "so-sanh", "tong-quan", …
    movement: str  # the movement's name
    movement_code: str
    unit: str  # the unit (or units) the figures are of
    unit_code: str
    years: str  # "2009–2013", or a period's label
    per_hundred: bool = False
    figures: bool = True  # False for a table of reports (no measure: absolute or per 100)
    statuses: str = ""  # the reports counted; empty: the approved ones
    include_submitted: bool = False
    demo: bool = False
    day: dt.date = field(default_factory=timezone.localdate)
    # Each year's units counted of units due (`selectors.YearCoverage`), in the subtree of
    # `coverage_of` (a unit's name) when it is not `unit`.
    coverage: tuple = ()
    coverage_of: str = ""

    @property
    def measure(self) -> str:
        return _("trên 100 đoàn viên") if self.per_hundred else _("số tuyệt đối")

    def lines(self, title: str) -> list[list[str]]:
        """The title block: the table's title, one line per fact, then an empty line."""
        statuses = self.statuses or (
            _("đã duyệt và đã gửi chờ duyệt") if self.include_submitted else _("đã duyệt")
        )
        lines = [
            [title],
            [_("Phong trào"), self.movement],
            [_("Đơn vị"), self.unit],
            [_("Thời gian"), self.years],
            *([[_("Số liệu"), self.measure]] if self.figures else []),
            [_("Báo cáo được tính"), statuses],
            *self.coverage_lines(),
            [_("Ngày xuất"), self.day],
        ]
        if self.demo:
            lines.append(
                [_("Lưu ý"), _("Dữ liệu minh hoạ (demo), không phải số liệu thật của đơn vị.")]
            )
        return [*lines, []]

    def coverage_lines(self) -> list[list[str]]:
        """One line a year: '2014: 6/24 đơn vị đã nộp báo cáo — tạm tính', then which years
        are provisional, if any."""
        if self.include_submitted:
            done = _("%(counted)s/%(due)s đơn vị đã nộp báo cáo")
        else:
            done = _("%(counted)s/%(due)s đơn vị có báo cáo được duyệt")
        key = _("Đơn vị được tính")
        if self.coverage_of:
            key = _("Đơn vị được tính (%(unit)s)") % {"unit": self.coverage_of}
        lines = []
        for c in self.coverage:
            text = f"{c.year}: " + done % {
                "counted": format_number(c.counted),
                "due": format_number(c.due),
            }
            if not c.complete:
                text += " — " + _("tạm tính")
            lines.append([key, text])
        provisional = [str(c.year) for c in self.coverage if not c.complete]
        if provisional:
            lines.append(
                [
                    _("Tạm tính"),
                    _("Số liệu năm %(years)s là số tạm tính: chưa đủ các đơn vị phải báo cáo.")
                    % {"years": ", ".join(provisional)},
                ]
            )
        return lines

    def filename(self, table: str) -> str:
        """3tn_kien-giang_2009-2013_tren-100-doan-vien_so-sanh-xep-hang (no extension)."""
        parts = [self.movement_code, self.unit_code, self.years]
        if self.figures:
            parts.append(self.measure)
        if self.include_submitted:
            parts.append(_("ca cho duyet"))
        parts.append(self.page if table == self.page else f"{self.page}-{table}")
        return "_".join(
            slugify(part.replace("đ", "d").replace("Đ", "D").replace("–", "-")) for part in parts
        )


def table_values(table) -> list[list]:
    """Header and rows of a django-tables2 table as the export writes them."""
    return [list(row) for row in table.as_values()]


def _number_format(cell) -> None:
    """Show a number or a day of an .xlsx cell the Vietnamese way (8.964; 1,5; 25/6/2013)."""
    if isinstance(cell.value, bool):
        return
    if isinstance(cell.value, int):
        cell.number_format = WHOLE_FORMAT
    elif isinstance(cell.value, Decimal | float):
        cell.number_format = DECIMAL_FORMAT
    elif isinstance(cell.value, dt.date):
        cell.number_format = DATE_FORMAT


def export_response(
    table,
    heading: ExportHeading,
    name: str,
    fmt: str,
    *,
    sheet_title: str = "Số liệu",
    csv_as: CsvForm = CSV_VIETNAMESE,
):
    """An attachment named by `heading` for the table `name`, holding the title block and
    `table`'s rows (fmt 'csv', in the form `csv_as`, or 'xlsx')."""
    lines = heading.lines(str(getattr(table, "title", "") or name))
    rows = table_values(table)
    if fmt == "csv":
        content = csv_as.text([*lines, *rows]).encode("utf-8")
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = sheet_title[:31]
        for line, row in enumerate(lines, start=1):
            for column, value in enumerate(row, start=1):
                _number_format(xlsx_cell(sheet.cell(row=line, column=column), value))
        sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
        top = len(lines) + 1  # the table's header row
        for line, row in enumerate(rows, start=top):
            cells = [
                xlsx_cell(sheet.cell(row=line, column=column), value)
                for column, value in enumerate(row, start=1)
            ]
            if line == top:
                for cell in cells:
                    cell.font = Font(bold=True)
                continue
            for cell in cells:
                _number_format(cell)
        sheet.freeze_panes = f"A{top + 1}"
        out = io.BytesIO()
        workbook.save(out)
        content = out.getvalue()
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = content_disposition_header(
        True, f"{heading.filename(name)}.{fmt}"
    )
    return response
