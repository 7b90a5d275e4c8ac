"""A file of tree changes (CSV or .xlsx, one row a change) read into `services.tree.ChangeSpec`
rows, with the problems of each row in Vietnamese. No database access here: the units are
named by code and checked when the rows are applied (services.tree.tree_changes_apply).

An .xlsx goes through the Excel import's checks (movements/excel.py: bytes, unpacked size,
cells, rows, columns, time) before a cell is read; a CSV is bounded in bytes, rows, columns
and cell length the same way. Headers are matched by name, in any order; unknown columns are
ignored."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

from .excel import MAX_COLUMNS, READ_SECONDS, ExcelError, _open
from .formatting import format_date, format_number
from .models import TreeChange, Unit
from .services.tree import ChangeSpec, NewUnit, Share

MAX_ROWS = 2_000  # changes in one file: a whole province's reorganisation is a few hundred
MAX_CELL = 500  # characters in one cell (a note)
HEADER_SEARCH_ROWS = 10

# column key -> the headers it is known by (in any case), the template's first
COLUMNS = {
    "kind": ("Loại thay đổi", "loại", "loai"),
    "date": ("Ngày hiệu lực", "ngay_hieu_luc", "hiệu lực"),
    "document_number": ("Số, ký hiệu văn bản", "số ký hiệu", "văn bản", "so_ky_hieu"),
    "document_date": ("Ngày văn bản", "ngay_van_ban"),
    "document_body": ("Cơ quan ban hành", "co_quan_ban_hanh"),
    "sources": ("Đơn vị nguồn", "don_vi_nguon"),
    "targets": ("Đơn vị đích", "don_vi_dich"),
    "shares": ("Tỷ lệ", "ty_le"),
    "new_code": ("Mã đơn vị mới", "ma_moi"),
    "new_name": ("Tên mới", "ten_moi"),
    "new_short_name": ("Tên ngắn mới", "ten_ngan_moi"),
    "unit_kind": ("Loại đơn vị", "loai_don_vi"),
    "gso_code": ("Mã TCTK", "ma_tctk"),
    "parent": ("Đơn vị cấp trên", "don_vi_cap_tren"),
    "move_children": ("Chuyển trực thuộc", "chuyen_truc_thuoc"),
    "notes": ("Ghi chú", "ghi_chu"),
}
HEADERS = [names[0] for names in COLUMNS.values()]
REQUIRED = ("kind", "date", "document_number")
YES = {"có", "co", "x", "1", "yes", "true"}
NO = {"", "không", "khong", "0", "no", "false"}


def _kinds() -> dict[str, str]:
    words = {str(label).lower(): value for value, label in TreeChange.Kind.choices}
    words |= {value: value for value in TreeChange.Kind.values}
    words |= {"chuyển": TreeChange.Kind.MOVE, "sáp nhập": TreeChange.Kind.MERGE}
    return words


def _unit_kinds() -> dict[str, str]:
    words = {str(label).lower(): value for value, label in Unit.Kind.choices}
    return words | {value: value for value in Unit.Kind.values}


@dataclass
class TreeFile:
    """The rows read (line number, change) and the problems of rows that could not be read."""

    rows: list[tuple[int, ChangeSpec]] = field(default_factory=list)
    problems: dict[int, list[str]] = field(default_factory=dict)
    cells: list[list[str]] = field(default_factory=list)  # header then rows, as text
    first_line: int = 1


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(text: str) -> dt.date:
    """25/6/2013 (or 25-6-2013, 2013-06-25); ValueError with the Vietnamese reason."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            day = dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if day.year < 1900:
            break
        return day
    raise ValueError(
        _("“%(text)s” không phải một ngày (cần dạng ngày/tháng/năm, ví dụ 1/7/2025).")
        % {"text": text[:40]}
    )


def _codes(text: str) -> tuple[str, ...]:
    return tuple(code.strip() for code in re.split(r"[;,\n]", text) if code.strip())


def parse_shares(text: str) -> tuple[Share, ...]:
    shares = []
    for part in re.split(r";", text):
        part = part.strip()
        if not part:
            continue
        if part.endswith("%"):
            try:
                percent = Decimal(part[:-1].strip().replace(",", "."))
            except InvalidOperation:
                raise ValueError(
                    _("Tỷ lệ “%(text)s” không phải một số.") % {"text": part}
                ) from None
            shares.append(Share(percent=percent))
        elif re.fullmatch(r"\d{1,9}", part.replace(".", "")):
            shares.append(Share(members=int(part.replace(".", ""))))
        else:
            raise ValueError(
                _(
                    "Tỷ lệ “%(text)s”: cần phần trăm (40%%) hoặc số đoàn viên (1200), cách nhau "
                    "bởi dấu chấm phẩy."
                )
                % {"text": part[:40]}
            )
    return tuple(shares)


def _spec(cells: dict[str, str]) -> ChangeSpec:
    """One row's change; ValueError (the reasons joined) when it cannot be read."""
    reasons = []
    kind = _kinds().get(cells.get("kind", "").lower())
    if kind is None:
        reasons.append(
            _("Loại thay đổi “%(text)s” không có; dùng một trong: %(kinds)s.")
            % {
                "text": cells.get("kind", "")[:40],
                "kinds": ", ".join(str(label).lower() for _v, label in TreeChange.Kind.choices),
            }
        )
    dates = {}
    for key in ("date", "document_date"):
        if cells.get(key):
            try:
                dates[key] = parse_date(cells[key])
            except ValueError as error:
                reasons.append(str(error))
    if not cells.get("date"):
        reasons.append(_("Thiếu ngày hiệu lực."))
    unit_kind = Unit.Kind.GRASSROOTS
    if cells.get("unit_kind"):
        unit_kind = _unit_kinds().get(cells["unit_kind"].lower())
        if unit_kind is None:
            reasons.append(
                _("Loại đơn vị “%(text)s” không có.") % {"text": cells["unit_kind"][:40]}
            )
    shares = ()
    try:
        shares = parse_shares(cells.get("shares", ""))
    except ValueError as error:
        reasons.append(str(error))
    children = cells.get("move_children", "").lower()
    if children not in YES | NO:
        reasons.append(_("Cột “Chuyển trực thuộc”: ghi “có” hoặc để trống."))
    if reasons:
        raise ValueError(*reasons)
    new_unit = None
    if cells.get("new_code"):
        new_unit = NewUnit(
            code=cells["new_code"],
            name=cells.get("new_name", ""),
            short_name=cells.get("new_short_name", ""),
            kind=unit_kind,
            gso_code=cells.get("gso_code", ""),
            parent=cells.get("parent", ""),
        )
    return ChangeSpec(
        kind=kind,
        date=dates["date"],
        document_number=cells.get("document_number", ""),
        document_date=dates.get("document_date"),
        document_body=cells.get("document_body", ""),
        sources=_codes(cells.get("sources", "")),
        targets=_codes(cells.get("targets", "")),
        shares=shares,
        new_unit=new_unit,
        new_parent=cells.get("parent", "") if kind == TreeChange.Kind.MOVE else "",
        new_name=cells.get("new_name", "") if kind == TreeChange.Kind.RENAME else "",
        new_short_name=cells.get("new_short_name", "") if kind == TreeChange.Kind.RENAME else "",
        move_children=children in YES,
        notes=cells.get("notes", ""),
    )


def _header_keys(header: list[str]) -> dict[int, str]:
    known = {name.lower(): key for key, names in COLUMNS.items() for name in names}
    return {n: known[text.lower()] for n, text in enumerate(header) if text.lower() in known}


def parse_cells(cells: list[list[str]], first_line: int = 1) -> TreeFile:
    """The changes of text rows (the header row somewhere in the first rows, then one change
    a row; blank rows skipped). ExcelError when no header row has the required columns."""
    result = TreeFile(cells=cells, first_line=first_line)
    found = next(
        (
            (offset, keys)
            for offset, keys in enumerate(map(_header_keys, cells[:HEADER_SEARCH_ROWS]))
            if all(key in keys.values() for key in REQUIRED)
        ),
        None,
    )
    if found is None:
        raise ExcelError(
            _(
                "Không tìm thấy dòng tiêu đề có các cột “Loại thay đổi”, “Ngày hiệu lực” và "
                "“Số, ký hiệu văn bản”. Hãy dùng tệp mẫu."
            )
        )
    offset, keys = found
    for number, row in enumerate(cells[offset + 1 :], start=first_line + offset + 1):
        if not any(row):
            continue
        values = {key: row[n] for n, key in keys.items() if n < len(row)}
        try:
            result.rows.append((number, _spec(values)))
        except ValueError as error:
            result.problems[number] = [str(reason) for reason in error.args]
    if not result.rows and not result.problems:
        raise ExcelError(_("Tệp không có dòng thay đổi nào dưới dòng tiêu đề."))
    return result


def _bounded(rows) -> list[list[str]]:
    cells = []
    deadline = time.monotonic() + READ_SECONDS
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise ExcelError(
                _("Tệp có hơn %(rows)s dòng thay đổi; hãy chia thành nhiều tệp.")
                % {"rows": format_number(MAX_ROWS)}
            )
        if len(row) > MAX_COLUMNS:
            raise ExcelError(
                _("Dòng %(row)s có hơn %(columns)s cột.") % {"row": number, "columns": MAX_COLUMNS}
            )
        texts = [_text(value) for value in row]
        while texts and not texts[-1]:
            texts.pop()
        for text in texts:
            if len(text) > MAX_CELL:
                raise ExcelError(
                    _("Dòng %(row)s có ô dài hơn %(n)s ký tự.") % {"row": number, "n": MAX_CELL}
                )
        if time.monotonic() > deadline:
            raise ExcelError(_("Đọc tệp quá lâu; hãy chia thành nhiều tệp."))
        cells.append(texts)
    return cells


def _csv_rows(upload) -> list[list[str]]:
    limit = settings.MAX_UPLOAD_SIZE
    if upload.size > limit:
        raise ExcelError(
            _("Tệp quá lớn (%(size)s MB); chỉ nhận tệp đến %(limit)s MB.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": f"{limit / 1024 / 1024:.0f}"}
        )
    data = upload.read(limit + 1)
    if not data:
        raise ExcelError(_("Tệp tải lên rỗng."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExcelError(
            _("Tệp CSV không ở dạng UTF-8; hãy lưu lại với “CSV UTF-8 (Comma delimited)”.")
        ) from None
    if "\x00" in text:
        raise ExcelError(_("Tệp CSV chứa ký tự không hợp lệ."))
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    try:
        return _bounded(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise ExcelError(_("Tệp CSV không đọc được: %(error)s") % {"error": error}) from None


def read_tree_file(upload) -> TreeFile:
    """The changes of an uploaded .csv or .xlsx (the first sheet). Raises ExcelError (a
    ServiceError) for a file that cannot be used at all."""
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith(".csv"):
        return parse_cells(_csv_rows(upload))
    if not name.endswith(".xlsx"):
        raise ExcelError(
            _("Chỉ nhận tệp .csv hoặc .xlsx; tệp “%(name)s” không phải.")
            % {"name": getattr(upload, "name", "")}
        )
    book = _open(upload, time.monotonic() + READ_SECONDS)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        return parse_cells(_bounded(sheet.iter_rows(values_only=True)))
    except (ValueError, OverflowError) as error:
        raise ExcelError(_("Tệp có ô không đọc được; hãy lưu lại bằng Excel.")) from error
    finally:
        book.close()


def template_rows() -> list[list[str]]:
    """The header and two example rows of the template (the 2025 merger)."""
    return [
        HEADERS,
        ["Thành lập", "1/7/2025", "60-NQ/TW", "12/4/2025", "Ban Chấp hành Trung ương", "", "",
         "", "phuong-rach-gia", "Đoàn phường Rạch Giá", "Phường Rạch Giá", "Cơ sở Đoàn",
         "30742", "kien-giang", "", ""],
        ["Hợp nhất", "1/7/2025", "60-NQ/TW", "12/4/2025", "Ban Chấp hành Trung ương",
         "rach-gia; chau-thanh", "phuong-rach-gia", "", "", "", "", "", "", "", "có", ""],
    ]  # fmt: skip
