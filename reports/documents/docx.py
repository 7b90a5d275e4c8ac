"""The báo cáo as a Word file (python-docx): only lays out the built structure."""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from .structure import ReportDocument


def document_filename(document: ReportDocument, extension: str) -> str:
    return (
        f"bao-cao-{document.movement.code}-{document.unit.code}-"
        f"{document.start_year}-{document.end_year}.{extension}"
    )


def render_docx(document: ReportDocument) -> bytes:
    """The báo cáo as a Word file: A4, Times New Roman, the components of an Đoàn document in
    their places (header, number, place and date, title, body, "Nơi nhận" and signature),
    headings as Word headings, the annex as Word tables on landscape pages."""
    from docx import Document
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    word = Document()
    page = word.sections[0]
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.top_margin, page.bottom_margin = Cm(2), Cm(2)
    page.left_margin, page.right_margin = Cm(3), Cm(1.5)

    def set_font(style, size, bold=None):
        style.font.name = "Times New Roman"
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0, 0, 0)
        if bold is not None:
            style.font.bold = bold
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), "Times New Roman")
        # Theme fonts (Calibri in the default template) would win over the names above.
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)

    set_font(word.styles["Normal"], 14)
    for name in ("Heading 1", "Heading 2"):
        set_font(word.styles[name], 14, bold=True)
        word.styles[name].font.italic = False
        word.styles[name].paragraph_format.space_before = Pt(6)
        word.styles[name].paragraph_format.space_after = Pt(6)

    def add_body(paragraph_item):
        word.element.body._insert_p(_body_paragraph(paragraph_item))

    # Header: issuing body and number on the left, place and date on the right.
    header = word.add_table(rows=1, cols=2)
    header.autofit = True
    left, right = header.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(9)
    lines = [*document.header_lines, "***", document.number_line]
    left.paragraphs[0].text = ""
    for index, line in enumerate(lines):
        paragraph = left.paragraphs[0] if index == 0 else left.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(line)
        run.font.size = Pt(13)
        run.bold = index < len(document.header_lines)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    right.add_paragraph()
    date_paragraph = right.add_paragraph()
    date_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    date_run = date_paragraph.add_run(document.place_date)
    date_run.italic = True
    date_run.font.size = Pt(13)

    if document.notice:
        notice = word.add_paragraph()
        run = notice.add_run(document.notice)
        run.bold = True
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    title = word.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(12)
    title.add_run(document.title).bold = True
    subtitle = word.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.add_run(document.subtitle).bold = True
    rule = word.add_paragraph("---------")
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if document.provisional:
        provisional = word.add_paragraph()
        provisional.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = provisional.add_run(document.provisional)
        run.bold = True
        run.italic = True

    for item in [*document.legal_basis, *document.intro]:
        add_body(item)
    for section in document.sections:
        word.add_heading(section.heading, level=1)
        for item in section.paragraphs:
            add_body(item)
        for sub in section.subsections:
            word.add_heading(sub.heading, level=2)
            for item in sub.paragraphs:
                add_body(item)

    if document.differences:
        word.add_heading("Đối chiếu với số liệu đã công bố", level=2)
        for item in document.differences:
            add_body(item)

    # Closing: "Nơi nhận" at the left, the signature block at the right (no borders).
    closing = word.add_table(rows=1, cols=2)
    recipients, signature = closing.rows[0].cells
    recipients.width, signature.width = Cm(7.5), Cm(9)
    title_run = recipients.paragraphs[0].add_run("Nơi nhận:")
    title_run.bold, title_run.italic, title_run.font.size = True, True, Pt(12)
    for line in document.recipients:
        recipients.add_paragraph().add_run(line).font.size = Pt(11)
    sign = document.signature
    for index, line in enumerate([sign.on_behalf, sign.title, "", "", "", sign.name]):
        paragraph = signature.paragraphs[0] if index == 0 else signature.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(line).bold = True

    # The annex on landscape pages, columns fitted: text columns wide, figures narrow, the
    # header row repeated on every page.
    annex = word.add_section(WD_SECTION.NEW_PAGE)
    annex.orientation = WD_ORIENT.LANDSCAPE
    annex.page_width, annex.page_height = Cm(29.7), Cm(21)
    annex.left_margin, annex.right_margin = Cm(2), Cm(1.5)
    usable = 29.7 - 2 - 1.5
    word.add_heading("PHỤ LỤC", level=1)
    for table_item in document.annex:
        word.add_heading(table_item.title, level=2)
        widths = _column_widths(table_item, usable)
        table = word.add_table(rows=0, cols=len(table_item.columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
        twips = [Cm(width).twips for width in widths]
        table._tbl.append(_annex_row(table_item.columns, twips, text_columns=0, header=True))
        for row in table_item.rows:
            table._tbl.append(
                _annex_row(
                    row.cells,
                    twips,
                    text_columns=table_item.text_columns,
                    bold=row.kind != "data",
                    merged=row.kind == "group",
                )
            )

    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _body_paragraph(item):
    """A paragraph of the body (`structure.Paragraph`) as WordprocessingML, written at once:
    what python-docx's paragraph and run objects write (justified, first line indented 1 cm,
    6 pt after; a legal basis or a note in italics, a figure that differs from the published
    one italic and highlighted), without an object per run."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    if item.style == "note":
        runs = [(item.text, True, False)]
    else:
        runs = [
            (run.text, item.style == "basis" or run.kind == "diff", run.kind == "diff")
            for run in item.runs
        ]

    def run(text: str, italic: bool, highlight: bool) -> str:
        properties = ("<w:i/>" if italic else "") + (
            '<w:highlight w:val="yellow"/>' if highlight else ""
        )
        properties = f"<w:rPr>{properties}</w:rPr>" if properties else ""
        lines = re.split("[\r\n]", text)  # each a line break, as python-docx writes them
        content = "<w:br/>".join(
            "<w:tab/>".join(_text(piece) for piece in line.split("\t")) for line in lines
        )
        return f"<w:r>{properties}{content}</w:r>"

    return parse_xml(
        f"<w:p {nsdecls('w')}><w:pPr>"
        '<w:spacing w:after="120"/><w:ind w:firstLine="567"/><w:jc w:val="both"/></w:pPr>'
        + "".join(run(*r) for r in runs)
        + "</w:p>"
    )


def _text(text: str) -> str:
    """A `<w:t>`, keeping its outer spaces as python-docx does; nothing for no text."""
    if not text:
        return ""
    space = ' xml:space="preserve"' if text.strip() != text else ""
    return f"<w:t{space}>{escape(text)}</w:t>"


def _annex_row(
    texts: list[str],
    twips: list[int],
    *,
    text_columns: int,
    header: bool = False,
    bold: bool = False,
    merged: bool = False,
):
    """One row of an annex table as WordprocessingML, written at once: what python-docx's
    cell, paragraph and run objects would write (11 pt; figures right-aligned, the header
    centred, bold and repeated on every page; a group's name across the row), in a fraction
    of the time, for tables of a few thousand cells."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    run_properties = "<w:rPr>" + ("<w:b/>" if bold or header else "") + '<w:sz w:val="22"/></w:rPr>'

    def cell(text: str, width: int, align: str | None, span: int = 1) -> str:
        spans = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
        justify = f'<w:pPr><w:jc w:val="{align}"/></w:pPr>' if align else ""
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{spans}</w:tcPr>'
            f"<w:p>{justify}<w:r>{run_properties}"
            f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:tc>'
        )

    if merged:
        cells = cell(texts[0], sum(twips), None, span=len(twips))
    else:
        cells = "".join(
            cell(text, width, "center" if header else "right" if index >= text_columns else None)
            for index, (text, width) in enumerate(zip(texts, twips, strict=True))
        )
    repeat = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
    return parse_xml(f"<w:tr {nsdecls('w')}>{repeat}{cells}</w:tr>")


def _column_widths(table, usable_cm: float) -> list[float]:
    """Widths in cm: the first text column takes what the figures leave (at least half the
    page, so that unit and indicator names keep to one or two lines), a measure column 2,5 cm,
    the figure columns at most 2,5 cm each."""
    figures = len(table.columns) - table.text_columns
    measure = 2.5 if table.text_columns > 1 else 0.0
    figure_width = min(2.5, (usable_cm / 2 - measure) / max(figures, 1))
    first = usable_cm - measure - figure_width * figures
    widths = [first] + [measure] * (table.text_columns - 1) + [figure_width] * figures
    return widths
