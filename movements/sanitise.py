"""Names and texts as they may reach a file or a chart: no control characters (XML 1.0, and so
.xlsx and .docx, refuses most of them; none belongs in a name), no formula in a spreadsheet
cell (OWASP “CSV injection”), no markup in a chart label.

The models refuse control characters (validate_line, validate_text); every writer sanitises
what it writes all the same, for rows saved before the validators or written around them.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# C0 and C1 control characters but tab, line feed and carriage return; surrogates and the two
# non-characters XML refuses.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile("[\t\n\r\u2028\u2029]+")
# What a spreadsheet may read as the start of a formula (OWASP): = + - @, and tab or carriage
# return before them; plotly and html read "<" and "&" as markup.
FORMULA_START = ("=", "+", "-", "@")
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d.,]*%?")


def validate_line(value: str) -> None:
    """A name or label: one line, no control character (tab and line breaks included)."""
    if _CONTROL.search(value) or _BREAKS.search(value):
        raise ValidationError(
            _("Không được chứa ký tự điều khiển, ký tự tab hay xuống dòng."),
            code="control_character",
        )


def validate_text(value: str) -> None:
    """A text of several lines: line breaks and tabs allowed, other control characters not."""
    if _CONTROL.search(value):
        raise ValidationError(
            _("Không được chứa ký tự điều khiển (ký tự ẩn dán từ tệp khác)."),
            code="control_character",
        )


def plain_text(value) -> str:
    """`value` as plain text of several lines (a .docx paragraph): control characters dropped,
    tabs and line breaks kept."""
    return _CONTROL.sub("", str(value))


def plain_line(value) -> str:
    """`value` as one line of plain text: tabs and line breaks become one space, other
    control characters are dropped."""
    return plain_text(_BREAKS.sub(" ", str(value)))


def _looks_like_formula(text: str) -> bool:
    start = text.lstrip()
    return start.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(start)


def csv_cell(value):
    """A value for a CSV cell: numbers unchanged, None empty; text as plain_line, with an
    apostrophe before text that a spreadsheet would read as a formula (a plain number such
    as “-5” or “+1,5” is left alone)."""
    if value is None:
        return ""
    if not isinstance(value, str | Promise):
        return value
    text = plain_line(value)
    return "'" + text if _looks_like_formula(text) else text


def xlsx_cell(cell, value):
    """Put `value` into an openpyxl cell and return the cell: numbers, dates and None as they
    are; text as plain_line, always stored as text (openpyxl would make "=…" a formula and
    "#N/A" an error), with Excel's quote prefix when it starts like a formula, so that
    neither opening the file nor editing the cell runs it."""
    if not isinstance(value, str | Promise):
        cell.value = value
        return cell
    text = plain_line(value)
    cell.value = text
    cell.data_type = "s"
    if _looks_like_formula(text):
        cell.quotePrefix = True
    return cell


def chart_text(value) -> str:
    """Text for a plotly title, label or hover text, shown as typed: plotly reads a little
    HTML there (<a href>, <b>, <br>), so & < > become entities, which it shows as the
    characters."""
    return plain_line(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
