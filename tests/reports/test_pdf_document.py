"""The print page printed to PDF by headless Chromium (Playwright's page.pdf, the engine of
`chromium --headless --print-to-pdf`): A4 pages with the sections in the seed's order, nothing
wider than the printable area, every column of the annex printed."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

ORDER = [
    "ĐOÀN TNCS HỒ CHÍ MINH",
    "BCH TỈNH KIÊN GIANG",
    "BÁO CÁO",
    "kết quả triển khai phong trào “3 trách nhiệm” trong cán bộ, công chức giai đoạn 2009 - 2013",
    "I/ CÔNG TÁC TRIỂN KHAI",
    "được 243 cuộc có trên 8.964 lượt cán bộ, ĐVTN tham dự",
    "II/ KẾT QUẢ THỰC HIỆN",
    "1. Trách nhiệm với công việc",
    "2. Trách nhiệm với nhân dân",
    "trị giá trên 1 tỷ 540 triệu đồng",
    "3. Trách nhiệm với bản thân",
    "III/ NHẬN XÉT ĐÁNH GIÁ",
    "PHỤ LỤC",
    "Phụ lục 1. Số liệu các chỉ tiêu theo năm",
    "Phụ lục 2. Các chỉ tiêu chính theo đơn vị",
]


def squeeze(text: str) -> str:
    """Text without whitespace: PDF text extraction spaces Vietnamese letters unevenly."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def open_province_report(client, cast, live_server, page):
    client.force_login(cast.reviewer)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(
        live_server.url + reverse("reports:document", args=["3tn", "kien-giang", "2009-2013"])
    )
    expect(page.locator("h1.document-title")).to_have_text("BÁO CÁO")


def test_pdf_of_the_print_page_has_the_sections_in_order(demo, cast, client, live_server, page):
    open_province_report(client, cast, live_server, page)
    # the print stylesheet is in force: Times-like serif at 14 pt on the sheet
    assert page.locator("article.document").evaluate("e => getComputedStyle(e).fontSize") == (
        "18.6667px"
    )

    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(pdf.pages) >= 3
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points

    first = squeeze(pdf.pages[0].extract_text())
    assert squeeze("ĐOÀN TNCS HỒ CHÍ MINH") in first and squeeze("I/ CÔNG TÁC TRIỂN KHAI") in first
    assert "Đăngxuất" not in first  # the site's menus are not printed
    text = squeeze("\n".join(p.extract_text() for p in pdf.pages))
    positions = [text.find(squeeze(part)) for part in ORDER]
    assert -1 not in positions, [p for p, at in zip(ORDER, positions, strict=True) if at < 0]
    assert positions == sorted(positions)
    # the annex starts on a page of its own (its page number above it)
    annex_page = next(i for i, p in enumerate(pdf.pages) if "PHỤLỤC" in squeeze(p.extract_text()))
    assert squeeze(pdf.pages[annex_page].extract_text()).startswith(f"{annex_page + 1}PHỤLỤC")


# The printable width of a portrait A4 page: 210 mm less the 30 mm and 15 mm margins, in CSS
# pixels (96 a inch). Landscape annex pages are wider; laid out at this width, the whole
# document fits every page it is printed on.
PORTRAIT_PRINTABLE_PX = (210 - 30 - 15) / 25.4 * 96

OVERFLOWING = """(width) => {
    const sheet = document.querySelector("article.document").getBoundingClientRect();
    const out = [];
    for (const element of document.querySelectorAll("article.document *")) {
        const box = element.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;
        const over = Math.max(box.right - sheet.left - width, sheet.left - box.left,
                              element.scrollWidth - element.clientWidth > 1 &&
                              getComputedStyle(element).overflowX !== "visible" ? 1e3 : 0);
        if (over > 0.5) out.push(`${element.tagName}.${element.className}: ${over}`);
    }
    return out;
}"""

ANNEX_LAST_COLUMNS = """() => [...document.querySelectorAll("#annex table")].map((table) => {
    const header = [...table.querySelectorAll("thead th")].at(-1).textContent;
    const rows = [...table.querySelectorAll("tbody tr")]
        .map((row) => [...row.querySelectorAll("td.num")].map((c) => c.textContent))
        .filter((cells) => cells.length);
    return {header, rows};
})"""


def test_printed_province_report_fits_the_page_and_prints_every_annex_column(
    demo, cast, client, live_server, page
):
    open_province_report(client, cast, live_server, page)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": round(PORTRAIT_PRINTABLE_PX), "height": 1000})
    expect(page.locator("table.annex-table")).to_have_count(2)
    assert page.evaluate(OVERFLOWING, PORTRAIT_PRINTABLE_PX) == []
    tables = page.evaluate(ANNEX_LAST_COLUMNS)

    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    # every piece of text starts and ends inside its sheet
    outside = []
    for number, sheet in enumerate(pdf.pages):
        width = float(sheet.mediabox.width)

        def visit(text, cm, tm, font, size, number=number, width=width):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            if text.strip() and not 0 <= x < width:
                outside.append((number, text, x))

        sheet.extract_text(visitor_text=visit)
    assert outside == []
    annex_pages = [p for p in pdf.pages if p.mediabox.width > p.mediabox.height]
    assert annex_pages, "the annex is printed on landscape pages"

    text = squeeze("\n".join(p.extract_text() for p in annex_pages))
    for table in tables:
        assert squeeze(table["header"]) in text, table["header"]
        for cells in table["rows"]:
            # each row's figures, the last column included, in a row of the printed table
            assert squeeze(" ".join(cells)) in text, cells


def texts_of(sheet) -> list[tuple[float, float, str]]:
    """(x from the left, y from the top, text) of each piece of text on a PDF page."""
    height = float(sheet.mediabox.height)
    out = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            out.append((x, height - y, text.strip()))

    sheet.extract_text(visitor_text=visit)
    return out


TOP_MARGIN = 20 / 25.4 * 72  # 20 mm in points


def printed_page_number(sheet) -> str | None:
    """The digits alone in the page's top margin, if any."""
    found = [t for x, y, t in texts_of(sheet) if y < TOP_MARGIN and t.isdigit()]
    assert len(found) <= 1, found
    return found[0] if found else None


def test_the_printed_pdf_is_numbered_from_page_two_with_the_44a_date(
    demo, cast, client, live_server, page
):
    client.force_login(cast.reviewer)
    edit = reverse("reports:document-edit", args=["3tn", "kien-giang", "2009-2013"])
    issued = {
        "action": "save",
        "version": "0",
        "number": "44A BC/TĐTN",
        "issued_on": "5/1/2014",
        "signer_name": "Trần Thị Mai",
        "recipients": "Thường trực Tỉnh Đoàn",
    }
    assert client.post(edit + "?step=issue", issued).status_code == 302
    open_province_report(client, cast, live_server, page)
    expect(page.locator("#ban-hanh")).to_contain_text("Sẵn sàng ban hành")
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))

    assert printed_page_number(pdf.pages[0]) is None
    numbers = [printed_page_number(sheet) for sheet in pdf.pages[1:]]
    assert numbers == [str(n) for n in range(2, len(pdf.pages) + 1)]
    landscape = [i for i, s in enumerate(pdf.pages) if s.mediabox.width > s.mediabox.height]
    assert landscape and landscape[-1] == len(pdf.pages) - 1  # the annex numbered on
    for sheet in pdf.pages[1:]:
        width = float(sheet.mediabox.width)
        portrait = width < float(sheet.mediabox.height)
        left, right = ((30 if portrait else 20) / 25.4 * 72, 15 / 25.4 * 72)
        x = next(x for x, y, t in texts_of(sheet) if y < TOP_MARGIN and t.isdigit())
        assert abs(x - (left + width - right) / 2) < 12  # centred between the margins

    first = squeeze(pdf.pages[0].extract_text())
    assert squeeze("Rạch Giá, ngày 05 tháng 01 năm 2014") in first
    assert squeeze("DỰ THẢO") not in first


def test_a_printed_draft_says_du_thao_under_its_number(demo, cast, client, live_server, page):
    open_province_report(client, cast, live_server, page)
    expect(page.locator("#ban-hanh")).to_contain_text("Chưa sẵn sàng ban hành")
    page.locator("#ban-hanh summary").click()
    expect(page.locator("#ban-hanh form #id_number")).to_be_visible()
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    first = texts_of(pdf.pages[0])
    number = next(y for x, y, t in first if squeeze(t).startswith("Số:"))
    mark = next(y for x, y, t in first if squeeze(t) == "DỰTHẢO")
    title = next(y for x, y, t in first if squeeze(t) == "BÁOCÁO")
    assert number < mark < title
    text = squeeze(pdf.pages[0].extract_text())
    assert squeeze("Chưa sẵn sàng ban hành") not in text  # the step itself is not printed
    assert printed_page_number(pdf.pages[0]) is None and printed_page_number(pdf.pages[1]) == "2"
