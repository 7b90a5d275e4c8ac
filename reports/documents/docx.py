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
    from docx.oxml import OxmlElement
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

    _page_numbers(word)

    # Header: issuing body and number on the left, place and date on the right, on the line of
    # the issuing body's name as the print page has it (45% and 55% of the width, as there).
    # Two rows, so that the date stays on that line however the first one wraps.
    header = word.add_table(rows=2, cols=2)
    _fixed_widths(header, [Cm(7.4), Cm(9.1)])
    (top, _empty), (left, right) = (row.cells for row in header.rows)
    first, *rest = document.header_lines
    lines = [(top, first, True)] + [(left, line, True) for line in rest]
    lines += [(left, "***", False), (left, document.number_line, False)]
    for cell, line, bold in lines:
        last = cell.paragraphs[-1]
        paragraph = last if not last.runs else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(line)
        run.font.size = Pt(13)
        run.bold = bold
    if document.draft_mark:
        left._tc.append(_draft_mark(document.draft_mark))
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    date_run = right.paragraphs[0].add_run(document.place_date)
    date_run.italic = True
    date_run.font.size = Pt(13)
    _tight(header)

    if document.notice:
        notice = word.add_paragraph()
        run = notice.add_run(document.notice)
        run.bold = True
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        notice.paragraph_format.space_before = Pt(6)
        notice.paragraph_format.space_after = Pt(6)

    title = word.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(12)
    title.paragraph_format.space_after = Pt(0)
    title.add_run(document.title).bold = True
    subtitle = word.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.add_run(document.subtitle).bold = True
    rule = word.add_paragraph("---------")
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # 6 pt after each, as the print page has them (the template's 10 pt spread page 1).
    for paragraph in (subtitle, rule):
        paragraph.paragraph_format.space_after = Pt(6)
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
    _fixed_widths(closing, [Cm(7.4), Cm(9.1)])
    closing.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # on one page
    recipients, signature = closing.rows[0].cells
    title_run = recipients.paragraphs[0].add_run("Nơi nhận:")
    title_run.bold, title_run.italic, title_run.font.size = True, True, Pt(12)
    for line in document.recipients:
        recipients.add_paragraph().add_run(line).font.size = Pt(11)
    sign = document.signature
    for index, line in enumerate([sign.on_behalf, sign.title, "", "", "", sign.name]):
        paragraph = signature.paragraphs[0] if index == 0 else signature.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(line).bold = True
    _tight(closing)

    # The annex on landscape pages, columns fitted: text columns wide, figures narrow, the
    # header row repeated on every page.
    annex = word.add_section(WD_SECTION.NEW_PAGE)
    # Its first page is not the document's: numbered on, from the header it inherits.
    annex.different_first_page_header_footer = False
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


def _page_numbers(word) -> None:
    """Page numbers as Nghị định 30/2020/NĐ-CP places them (and Đoàn documents follow): Arabic,
    14 pt upright, centred in the top margin, none on the first page — a PAGE field in the
    header, with a first-page header left empty. Later sections inherit the header."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    section = word.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run_properties = (
        '<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" '
        'w:cs="Times New Roman"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>'
    )
    for xml in (
        f'<w:r {nsdecls("w")}>{run_properties}<w:fldChar w:fldCharType="begin"/></w:r>',
        f"<w:r {nsdecls('w')}>{run_properties}"
        '<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
        f'<w:r {nsdecls("w")}>{run_properties}<w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {nsdecls('w')}>{run_properties}<w:t>2</w:t></w:r>",
        f'<w:r {nsdecls("w")}>{run_properties}<w:fldChar w:fldCharType="end"/></w:r>',
    ):
        paragraph._p.append(parse_xml(xml))
    section.first_page_header.is_linked_to_previous = False  # an empty header on page 1


def _fixed_widths(table, widths) -> None:
    """A borderless layout table with fixed column widths: the grid (which LibreOffice
    follows) and each cell (which Word follows)."""
    from docx.oxml.ns import qn

    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(width.twips))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _tight(table) -> None:
    """No space after the lines of a layout table, as on the print page."""
    from docx.shared import Pt

    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)


def _draft_mark(text: str):
    """The draft's mark under the number line (Nghị định 30/2020/NĐ-CP: in a box, capitals,
    bold, 13–14 pt), as a boxed, centred paragraph narrowed to the word."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    side = '<w:{0} w:val="single" w:sz="6" w:space="1" w:color="000000"/>'
    borders = "".join(side.format(edge) for edge in ("top", "left", "bottom", "right"))
    return parse_xml(
        f"<w:p {nsdecls('w')}><w:pPr><w:pBdr>{borders}</w:pBdr>"
        '<w:spacing w:before="80"/><w:ind w:left="1134" w:right="1134"/><w:jc w:val="center"/>'
        f'</w:pPr><w:r><w:rPr><w:b/><w:sz w:val="26"/></w:rPr><w:t>{escape(text)}</w:t></w:r></w:p>'
    )


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
