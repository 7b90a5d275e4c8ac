"""The báo cáo's body paragraphs, written as WordprocessingML at once
(`reports.documents.docx._body_paragraph`), are what python-docx's paragraph and run objects
write, element for element: justified, first line indented, spacing; italic legal basis and
notes; a differing figure italic and highlighted; tabs, line breaks, outer spaces, escaping."""

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.shared import Cm, Pt
from lxml import etree

from reports.documents.docx import _body_paragraph
from reports.documents.structure import Paragraph, Run

PARAGRAPHS = [
    Paragraph([Run("Toàn tỉnh có "), Run("8.964", kind="figure"), Run(" lượt đoàn viên.")]),
    Paragraph([Run("Đã công bố "), Run("1.234", kind="diff"), Run(" <&> "), Run("")], style="lead"),
    Paragraph([Run("Căn cứ Công văn số 691-CV/TWĐTN;")], style="basis"),
    Paragraph([Run("Ghi chú: số liệu mẫu.")], style="note"),
    Paragraph([Run("  hai dòng\nmột\ttab\r\ncuối  ")]),
]


def _python_docx(item) -> bytes:
    """The paragraph as python-docx's objects write it (the way the body was written)."""
    paragraph = Document().add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(1)
    fmt.space_after = Pt(6)
    if item.style == "note":
        paragraph.add_run(item.text).italic = True
    for run_item in item.runs if item.style != "note" else []:
        run = paragraph.add_run(run_item.text)
        if run_item.kind == "diff" or item.style == "basis":
            run.italic = True
        if run_item.kind == "diff":
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return etree.tostring(paragraph._p, method="c14n", exclusive=True)


@pytest.mark.parametrize("item", PARAGRAPHS, ids=lambda p: p.style + ":" + p.text[:12])
def test_a_body_paragraph_is_what_python_docx_writes(item):
    assert etree.tostring(_body_paragraph(item), method="c14n", exclusive=True) == _python_docx(
        item
    )
