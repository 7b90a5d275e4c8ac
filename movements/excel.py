"""The Excel round-trip: write a prefilled .xlsx for a unit (or every unit) of a period, and
read one back into rows for services.imports.import_plan. No database access here.

Layout: one sheet “Số liệu” with Vietnamese headers and one row per indicator (per unit ×
indicator in the provincial workbook). Hidden columns A–B hold the unit and indicator codes; a
very hidden sheet “_ma” holds the movement, the period and the unit the file was made for.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import time
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation

from .formatting import format_number
from .models import Movement, Period, Unit
from .rules import NumberError, NumberTooLarge, parse_number, within_ceiling
from .sanitise import xlsx_cell
from .selectors import SheetRow, indicators_by_group
from .services import ServiceError
from .services.imports import ImportRow

SHEET = "Số liệu"
META_SHEET = "_ma"
ALL_UNITS = "*"
FORMAT_VERSION = "1"
COL_UNIT = "Mã đơn vị"
COL_INDICATOR = "Mã chỉ tiêu"
COL_VALUE = "Số liệu"
HEADERS = [
    COL_UNIT,
    COL_INDICATOR,
    "Đơn vị",
    "Mục",
    "Chỉ tiêu",
    "Đơn vị tính",
    "Kỳ trước",
    COL_VALUE,
]
WIDTHS = [14, 24, 22, 6, 70, 16, 14, 18]
TEXT_COLUMN = 3  # the first visible column: title and instructions
COL_NAME = "Chỉ tiêu"
INSTRUCTIONS = (
    "Cách điền: chỉ nhập vào cột “Số liệu” (ô màu vàng): số nguyên, không âm, không dùng công "
    "thức; để trống nếu không có. Không thêm, xoá hay đổi thứ tự cột. Tỷ lệ (%) do hệ thống tự "
    "tính. Xong, tải tệp lên ở trang nhập liệu, xem trước rồi xác nhận; sau đó bấm “Gửi báo "
    "cáo”."
)
# What an uploaded file may hold. Our templates use 8 columns and one row per unit × indicator
# (a few thousand in the provincial workbook); every limit leaves ample room above that, and
# each is checked by streaming the file's XML before openpyxl reads a single cell, so that a
# hostile file (one cell at column 16.000, millions of tiny cells) is refused in a fraction of
# a second and a few megabytes instead of being expanded in memory.
MAX_ROWS = 20_000
MAX_COLUMNS = 64
MAX_CELLS = 200_000
MAX_ELEMENTS = 500_000  # XML elements in all parts together (cells, shared strings, styles…)
# The whole reading, checks included (an honest 20.000-row file takes 2–4 s).
READ_SECONDS = 10.0
MAX_UNPACKED = 50 * 1024 * 1024  # a small .xlsx that unpacks to more is not one of ours
HEADER_SEARCH_ROWS = 30
META_ROWS = 50
META_VERSIONS = "phien_ban_bao_cao"


class ExcelError(ServiceError):
    """A file that cannot be used at all (not .xlsx, too large, not our template, another unit
    or period); nothing is read from it."""


def filename(movement: Movement, period: Period, unit: Unit | None) -> str:
    scope = unit.code if unit is not None else "toan-tinh"
    return f"{movement.code}-{scope}-{period.code}.xlsx"


def build_workbook(
    movement: Movement,
    period: Period,
    rows: list[SheetRow],
    unit: Unit | None,
    versions: dict[str, int] | None = None,
) -> bytes:
    """The .xlsx bytes: for `unit`, its indicators grouped by section; with `unit` None (the
    provincial workbook), every unit × indicator in `rows`. `versions` (unit code → report
    version, 0 before a report is started) and the time of writing are kept in the file, so
    that an upload knows which version its figures were downloaded from."""
    made_at = timezone.localtime()
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET

    def put(row: int, column: int, value):
        return xlsx_cell(sheet.cell(row=row, column=column), value)

    scope = unit.name if unit is not None else "Tất cả đơn vị"
    # Title and instructions in the first visible column (A and B hold the codes, hidden),
    # each merged across the visible columns so that they show and print whole.
    title = f"Phong trào “{movement.name}” — {scope} — kỳ {period.label}"
    put(1, TEXT_COLUMN, title).font = Font(bold=True, size=13)
    put(2, TEXT_COLUMN, INSTRUCTIONS).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[2].height = 48
    put(3, TEXT_COLUMN, f"Tạo lúc {made_at:%d/%m/%Y %H:%M}").font = Font(
        italic=True, color="666666"
    )
    for line in (1, 2, 3):
        sheet.merge_cells(
            start_row=line, start_column=TEXT_COLUMN, end_row=line, end_column=len(HEADERS)
        )
    header_row = 5
    for column, (title, width) in enumerate(zip(HEADERS, WIDTHS, strict=True), start=1):
        cell = put(header_row, column, title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.column_dimensions["A"].hidden = True
    sheet.column_dimensions["B"].hidden = True
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)

    entry = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Số liệu không hợp lệ",
        error="Hãy nhập một số nguyên từ 0 trở lên.",
    )
    sheet.add_data_validation(entry)
    line = header_row + 1
    if unit is not None:  # one unit: its indicators under the heading of their section
        by_indicator = {row.indicator.pk: row for row in rows}
        sections = [
            (group, [by_indicator[i.pk] for i in indicators])
            for group, indicators in indicators_by_group(row.indicator for row in rows)
        ]
    else:  # every unit: one row per unit × indicator, no headings
        sections = [(None, rows)]
    for group, section_rows in sections:
        if group is not None:
            put(line, 4, group.numbering)
            put(line, 5, group.name).font = Font(bold=True)
            line += 1
        for row in section_rows:
            put(line, 1, row.unit.code)
            put(line, 2, row.indicator.code)
            put(line, 3, row.unit.short_name)
            put(line, 4, row.indicator.group.numbering)
            put(line, 5, row.indicator.name).alignment = Alignment(wrap_text=True)
            put(line, 6, row.indicator.measure)
            previous = put(line, 7, row.previous)
            previous.number_format = "#,##0"
            previous.font = Font(color="666666")
            value = put(line, 8, row.current)
            value.number_format = "#,##0"
            value.protection = Protection(locked=False)
            value.fill = PatternFill("solid", fgColor="FFF9E5")
            line += 1
    if line > header_row + 1:
        entry.add(f"H{header_row + 1}:H{line - 1}")
    # Locked so that codes and labels stay as written; no password: this guards against
    # slips, not people (the server checks every row anyway).
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    # Print: landscape, every column on one page wide, the header row on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_options.horizontalCentered = True

    meta = book.create_sheet(META_SHEET)
    for line, pair in enumerate(
        [
            ("phong_trao", movement.code),
            ("ky", period.code),
            ("don_vi", unit.code if unit is not None else ALL_UNITS),
            ("phien_ban_mau", FORMAT_VERSION),
            ("tai_luc", made_at.isoformat(timespec="seconds")),
            (META_VERSIONS, ";".join(f"{c}={v}" for c, v in sorted((versions or {}).items()))),
        ],
        start=1,
    ):
        for column, value in enumerate(pair, start=1):
            xlsx_cell(meta.cell(row=line, column=column), value)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class WorkbookData:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[tuple[int | None, str]] = field(default_factory=list)
    # unit code -> report version the file was downloaded at (empty for a file that does
    # not say), and when it was downloaded
    versions: dict[str, int] = field(default_factory=dict)
    downloaded_at: dt.datetime | None = None


def _file_versions(text: str) -> dict[str, int]:
    """ "rach-gia=3;ha-tien=0" -> {"rach-gia": 3, "ha-tien": 0}; anything malformed is left
    out (the file then proposes every difference, as a file that does not say)."""
    out = {}
    for pair in text.split(";")[:MAX_ROWS]:
        code, _sep, number = pair.partition("=")
        if code.strip() and number.strip().isascii() and number.strip().isdigit():
            out[code.strip()] = int(number.strip()[:18])
    return out


def _downloaded_at(text: str) -> dt.datetime | None:
    with contextlib.suppress(ValueError):
        when = dt.datetime.fromisoformat(text[:40])
        return when if timezone.is_aware(when) else None
    return None


class _Refused(Exception):
    """Raised inside the XML scan to stop it at once; carries the message for ExcelError."""


def _too_far(row: int, column: int) -> str:
    where = f"{get_column_letter(min(column, 18_278))}{row}" if column else f"{row}"
    return _(
        "Tệp có ô ở vị trí %(where)s, ngoài phạm vi của tệp mẫu (tối đa %(columns)s cột, "
        "%(rows)s dòng). Hãy xoá các ô thừa hoặc dùng tệp mẫu tải từ trang nhập liệu."
    ) % {"where": where, "columns": MAX_COLUMNS, "rows": format_number(MAX_ROWS)}


def _too_slow() -> ExcelError:
    return ExcelError(_("Đọc tệp quá lâu; hãy dùng tệp mẫu tải từ trang nhập liệu."))


class _ExtentScan:
    """Streams every part of an archive through expat, which builds nothing, counting what a
    reader would create; stops (_Refused) at the first limit passed. Cells are placed as
    openpyxl places them: by their reference, else one column right of the previous cell."""

    CHECK_EVERY = 4096  # elements between two looks at the clock

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.elements = 0
        self.cells = 0
        self.row = self.column = 0
        tags = {}
        for namespace in (
            "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            "http://purl.oclc.org/ooxml/spreadsheetml/main",
        ):
            tags[f"{namespace} c"] = self.cell
            tags[f"{namespace} row"] = self.new_row
            tags[f"{namespace} dimension"] = self.dimension
        self.tags = tags

    def scan(self, part) -> None:
        self.row = self.column = 0
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self.start
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.doctype
        parser.ParseFile(part)

    def start(self, name: str, attrs: dict) -> None:
        self.elements += 1
        if self.elements % self.CHECK_EVERY == 0:
            if self.elements > MAX_ELEMENTS:
                raise _Refused(
                    _("Tệp chứa quá nhiều dữ liệu (hơn %(count)s phần tử) so với tệp mẫu.")
                    % {"count": format_number(MAX_ELEMENTS)}
                )
            if time.monotonic() > self.deadline:
                raise _Refused(str(_too_slow()))
        handler = self.tags.get(name)
        if handler is not None:
            handler(attrs)

    def doctype(self, *_args) -> None:
        raise _Refused(_("Tệp chứa khai báo DTD, không phải tệp Excel .xlsx thông thường."))

    def cell(self, attrs: dict) -> None:
        self.cells += 1
        if self.cells > MAX_CELLS:
            raise _Refused(
                _("Tệp có quá nhiều ô (hơn %(count)s) so với tệp mẫu.")
                % {"count": format_number(MAX_CELLS)}
            )
        row, column = self.row, self.column + 1
        reference = attrs.get("r")
        if reference:
            with contextlib.suppress(ValueError, TypeError):
                row, column = coordinate_to_tuple(reference)
        self.column = column
        if column > MAX_COLUMNS or row > MAX_ROWS:
            raise _Refused(_too_far(row, column))

    def new_row(self, attrs: dict) -> None:
        try:
            self.row = int(float(attrs.get("r") or self.row + 1))
        except ValueError:
            self.row += 1
        self.column = 0
        if self.row > MAX_ROWS:
            raise _Refused(_too_far(self.row, 0))

    def dimension(self, attrs: dict) -> None:
        try:
            _first_column, _first_row, columns, rows = range_boundaries(attrs.get("ref", ""))
        except (ValueError, TypeError):
            return  # a malformed declaration: the real extent is checked cell by cell
        if (columns or 0) > MAX_COLUMNS or (rows or 0) > MAX_ROWS:
            raise _Refused(_too_far(rows or 0, columns or 0))


def _check_extent(archive: zipfile.ZipFile, deadline: float) -> None:
    """Refuse (ExcelError) a workbook whose XML holds more than any of our files could: a
    declared or real cell beyond MAX_COLUMNS × MAX_ROWS, more than MAX_CELLS cells or
    MAX_ELEMENTS elements in all, a DTD (entity expansion), or a scan past the time budget.
    Memory stays flat however large a part, and the scan stops at the first limit passed."""
    scan = _ExtentScan(deadline)
    for info in archive.infolist():
        if info.is_dir():
            continue
        try:
            with archive.open(info) as part:
                scan.scan(part)
        except _Refused as refused:
            raise ExcelError(str(refused)) from None
        except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, RuntimeError):
            # Not XML (an image) or damaged: openpyxl refuses what it needs and cannot read.
            continue
    if time.monotonic() > deadline:
        raise _too_slow()


def _open(upload, deadline: float) -> Workbook:
    """The uploaded workbook opened read-only (streaming), after every size check."""
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise ExcelError(
            _(
                "Chỉ nhận tệp Excel .xlsx; tệp “%(name)s” không phải. Nếu đang dùng .xls hoặc "
                ".csv, hãy mở bằng Excel rồi “Lưu thành” Excel Workbook (.xlsx)."
            )
            % {"name": name}
        )
    limit = settings.MAX_UPLOAD_SIZE
    if upload.size > limit:
        raise ExcelError(
            _(
                "Tệp quá lớn (%(size)s MB); chỉ nhận tệp đến %(limit)s MB. Hãy dùng tệp mẫu tải "
                "từ trang nhập liệu."
            )
            % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": f"{limit / 1024 / 1024:.0f}"}
        )
    data = upload.read(limit + 1)
    if not data:
        raise ExcelError(_("Tệp tải lên rỗng."))
    buffer = io.BytesIO(data)
    unreadable = ExcelError(
        _(
            "Tệp “%(name)s” không đọc được như một tệp Excel .xlsx; hãy lưu lại bằng Excel "
            "rồi thử lại."
        )
        % {"name": name}
    )
    if not zipfile.is_zipfile(buffer):
        raise ExcelError(
            _("Tệp “%(name)s” không phải tệp Excel .xlsx hợp lệ (không đọc được).") % {"name": name}
        )
    try:
        with zipfile.ZipFile(buffer) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED:
                raise ExcelError(
                    _(
                        "Tệp “%(name)s” quá lớn khi mở ra (%(size)s MB); hãy dùng tệp mẫu tải "
                        "từ trang nhập liệu."
                    )
                    % {"name": name, "size": f"{unpacked / 1024 / 1024:.0f}"}
                )
            _check_extent(archive, deadline)
    except zipfile.BadZipFile as error:
        raise unreadable from error
    try:
        return load_workbook(buffer, read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001 — any reader failure is a file we cannot use
        raise unreadable from error


def _meta(book: Workbook) -> dict[str, str]:
    if META_SHEET not in book.sheetnames:
        raise ExcelError(
            _(
                "Tệp không phải mẫu của hệ thống (thiếu phần thông tin ẩn về đơn vị và kỳ). Hãy "
                "tải tệp mẫu từ trang nhập liệu rồi điền vào đó."
            )
        )
    sheet = book[META_SHEET]
    sheet.reset_dimensions()  # a declared size is not trusted; rows are bounded here instead
    rows = sheet.iter_rows(max_row=META_ROWS, max_col=2, values_only=True)
    return {
        str(key).strip(): str(value).strip()
        for _line, (key, value) in _numbered(rows, start=1)
        if key is not None and value is not None
    }


def cell_number(cell) -> tuple[int | None, str | None]:
    """(number, None) or (None, problem) for a value cell; blank gives (None, None). A number
    above every indicator's ceiling is a problem here; each indicator's own, in the import's
    checks (rules.values_check)."""
    value = cell.value
    if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
        return None, (
            _("Ô chứa công thức; hãy thay bằng con số (sao chép rồi “Dán giá trị” — Paste Values).")
        )
    if cell.data_type == "e":
        return None, _("Ô báo lỗi %(value)s; hãy nhập một con số.") % {"value": value}
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, _("Ô chứa giá trị Đúng/Sai; hãy nhập một con số.")
    if isinstance(value, dt.date | dt.datetime | dt.time | dt.timedelta):
        return None, _("Ô chứa ngày tháng; hãy nhập một con số.")
    if isinstance(value, float) and (math.isnan(value) or value == -math.inf):
        return None, _("Ô chứa “%(value)s”, không phải là một con số; hãy nhập một con số.") % {
            "value": value
        }
    if isinstance(value, int | float) and value < 0:
        return None, _("Không nhận số âm (%(value)s).") % {"value": value}
    try:
        if isinstance(value, int | float):
            # The ceiling before int(): 1e400 is read as inf, and 1e300 would give 301 digits.
            within_ceiling(value)
            if isinstance(value, float) and not value.is_integer():
                return None, _("Cần số nguyên, không nhận số thập phân %(value)s.") % {
                    "value": str(value).replace(".", ",")
                }
            return int(value), None
        text = str(value)
        if not text.strip():
            return None, None
        return parse_number(text), None
    except NumberTooLarge as error:
        return None, str(error)
    except NumberError:
        return None, _("Ô chứa chữ “%(text)s”, cần một con số (ví dụ 8964).") % {
            "text": text.strip()[:40]
        }


def read_workbook(
    upload, *, movement: Movement, period: Period, unit: Unit | None = None
) -> WorkbookData:
    """Rows and problems by row from an uploaded file made by build_workbook.

    With `unit`, the file must have been made for that unit; without (the provincial upload),
    any file of the movement and period is read and every row's unit is checked later.
    Raises ExcelError when the file cannot be used at all.
    """
    deadline = time.monotonic() + READ_SECONDS
    book = _open(upload, deadline)
    try:
        return _read(book, movement=movement, period=period, unit=unit, deadline=deadline)
    finally:
        book.close()


def _numbered(rows, start: int):
    """(line, row) for each of `rows` (an openpyxl iter_rows); ExcelError for a number cell
    that openpyxl cannot read as it streams them (a stored value of 5,000 digits, past
    Python's limit, or “1.000.000”), which ends its reading of the sheet."""
    line = start
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except (ValueError, OverflowError) as error:
            raise ExcelError(
                _(
                    "Dòng %(row)s có ô số không đọc được (số quá dài hoặc không phải là một con "
                    "số); hãy nhập lại một con số, ví dụ 8964, rồi tải tệp lên."
                )
                % {"row": line}
            ) from error
        yield line, row
        line += 1


def _read(book, *, movement, period, unit, deadline: float) -> WorkbookData:
    meta = _meta(book)
    if meta.get("phong_trao") != movement.code:
        raise ExcelError(
            _("Tệp này là của phong trào “%(code)s”, không phải “%(name)s”.")
            % {"code": meta.get("phong_trao", "?"), "name": movement.name}
        )
    if meta.get("ky") != period.code:
        raise ExcelError(
            _(
                "Tệp này là của kỳ %(code)s, không phải kỳ %(period)s. Hãy tải đúng tệp mẫu của "
                "kỳ này."
            )
            % {"code": meta.get("ky", "?"), "period": period.label}
        )
    if unit is not None and meta.get("don_vi") != unit.code:
        raise ExcelError(
            _(
                "Tệp này là của đơn vị “%(code)s”, không phải %(unit)s. Mỗi đơn vị chỉ tải lên "
                "tệp của chính mình."
            )
            % {"code": meta.get("don_vi", "?"), "unit": unit.name}
        )
    if SHEET not in book.sheetnames:
        raise ExcelError(
            _("Tệp thiếu trang “%(sheet)s”; hãy dùng tệp mẫu và không đổi tên trang.")
            % {"sheet": SHEET}
        )
    sheet = book[SHEET]
    sheet.reset_dimensions()  # the size was checked by _check_extent; rows are bounded below

    header_row, columns = None, {}
    for number, titles_row in _numbered(
        sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, max_col=MAX_COLUMNS, values_only=True),
        start=1,
    ):
        titles = {str(v).strip(): i for i, v in enumerate(titles_row, start=1) if v is not None}
        if COL_INDICATOR in titles:
            header_row, columns = number, titles
            break
    missing = [t for t in (COL_UNIT, COL_INDICATOR, COL_VALUE) if t not in columns]
    if header_row is None or missing:
        raise ExcelError(
            _("Trang “%(sheet)s” thiếu cột %(columns)s; hãy dùng tệp mẫu và không xoá cột.")
            % {"sheet": SHEET, "columns": ", ".join(f"“{m}”" for m in missing)}
        )

    unit_at, code_at, value_at = (columns[c] - 1 for c in (COL_UNIT, COL_INDICATOR, COL_VALUE))
    data = WorkbookData(
        versions=_file_versions(meta.get(META_VERSIONS, "")),
        downloaded_at=_downloaded_at(meta.get("tai_luc", "")),
    )
    name_at = columns[COL_NAME] - 1 if COL_NAME in columns else None
    rows = sheet.iter_rows(
        min_row=header_row + 1,
        max_row=MAX_ROWS,
        max_col=max(unit_at, code_at, value_at, name_at or 0) + 1,
    )
    for line, row in _numbered(rows, start=header_row + 1):
        if line % 1024 == 0 and time.monotonic() > deadline:
            raise _too_slow()
        if not row:
            continue
        unit_value, code_value = row[unit_at].value, row[code_at].value
        unit_code = str(unit_value).strip() if unit_value else ""
        code = str(code_value).strip() if code_value else ""
        number, problem = cell_number(row[value_at])
        if not code:
            if problem or number is not None:
                data.problems.append(
                    (line, _("Dòng có số liệu nhưng không có mã chỉ tiêu; hãy dùng tệp mẫu."))
                )
            continue
        if problem:
            name = row[name_at].value if name_at is not None and name_at < len(row) else None
            data.problems.append((line, f"“{str(name or code)[:120]}”: {problem}"))
            continue
        data.rows.append(ImportRow(line, unit_code, code, number))
    return data
