"""Hostile .xlsx files, small on the wire and huge when read naively: used by the upload tests
and by bench_upload.py. Each takes the bytes of a real workbook (our template, so that the
file passes every other check) and rewrites its first sheet's XML in place.

- wide_sparse: one cell far away (column 16.000, row 19.000), with or without a declared
  <dimension>: a reader that fills every row up to the last column creates 300 million cells.
- many_cells: millions of tiny cells (`<c><v>1</v></c>`), a few hundred KB compressed.
- many_strings: millions of tiny shared strings, all read when the workbook is opened.
"""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl.utils import get_column_letter

SHEET_PART = "xl/worksheets/sheet1.xml"
STRINGS_PART = "xl/sharedStrings.xml"
TINY_CELL = b"<c><v>1</v></c>"


def _rewrite(base: bytes, part: str, edit) -> bytes:
    """`base` with `part` replaced by edit(old bytes or b"")."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        names = source.namelist()
        for name in names:
            data = source.read(name)
            target.writestr(name, edit(data) if name == part else data)
        if part not in names:
            target.writestr(part, edit(b""))
    return out.getvalue()


def _before_sheet_data_end(xml: bytes, rows: bytes) -> bytes:
    if b"<sheetData/>" in xml:
        return xml.replace(b"<sheetData/>", b"<sheetData>" + rows + b"</sheetData>")
    return xml.replace(b"</sheetData>", rows + b"</sheetData>")


def wide_sparse(base: bytes, *, declared: bool, column: int = 16_000, row: int = 19_000) -> bytes:
    """One more cell at (`column`, `row`); its <dimension> declares the full range, or is
    removed (a reader must then find the size itself)."""
    corner = f"{get_column_letter(column)}{row}"

    def edit(xml: bytes) -> bytes:
        xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
        if declared:
            declaration = f'<dimension ref="A1:{corner}"/>'.encode()
            xml = xml.replace(b"<sheetViews>", declaration + b"<sheetViews>")
        cell = f'<row r="{row}"><c r="{corner}"><v>1</v></c></row>'.encode()
        return _before_sheet_data_end(xml, cell)

    return _rewrite(base, SHEET_PART, edit)


def many_cells(base: bytes, *, rows: int, columns: int, first_row: int = 1000) -> bytes:
    """`rows` × `columns` tiny cells from row `first_row` on (3 million: ~150 KB compressed)."""
    line = b"<row>" + TINY_CELL * columns + b"</row>"

    def edit(xml: bytes) -> bytes:
        xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
        start = f'<row r="{first_row}">'.encode() + TINY_CELL * columns + b"</row>"
        return _before_sheet_data_end(xml, start + line * (rows - 1))

    return _rewrite(base, SHEET_PART, edit)


def many_strings(base: bytes, *, count: int) -> bytes:
    """A shared-strings table of `count` one-letter strings."""
    ns = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    def edit(xml: bytes) -> bytes:
        head = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + ns + b'">'
        return head + b"<si><t>a</t></si>" * count + b"</sst>"

    return _rewrite(base, STRINGS_PART, edit)
