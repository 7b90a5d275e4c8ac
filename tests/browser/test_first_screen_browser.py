"""The first screen carries each page's answer, in Debian's Chromium, on an office PC
(1366×900) and on a phone (390×844): the element that answers the page (its main chart, its
list or its form) starts inside the window before any scrolling; on /compare/ the filters are
folded behind the line naming the choices, and every column of the ranking can be brought into
view inside the table's own box, the unit's name staying beside it; a secretary who compares
one unit is told so instead of seeing a ranking of one bar; the entry form's buttons are in
view from the top of the form."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from movements.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
RANKING = '[aria-labelledby="xep-hang-title"]'
# The element that answers each page, for the reviewer.
ANSWERS = {
    "/": ".overview-summary .card.headline",
    "/compare/": "figure:has(#bieu-do-xep-hang)",
    "/units/rach-gia/": "figure:has(#bieu-do-don-vi)",
    "/completeness/?state=chua-nop": '[aria-labelledby="tien-do-title"] tbody tr',
    "/review/": ".review-queue tbody tr",
}


def _open(page, client, live_server, user, path: str, size: tuple[int, int]):
    """`path` at that window size, signed in through the session cookie; the response."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return page.goto(f"{live_server.url}{path}")


def _drawn(page) -> None:
    """Waits until charts.js has drawn every chart of the page (a drawn chart takes its
    height, which moves what follows it)."""
    expect(page.locator("[data-figure]:not([data-drawn])")).to_have_count(0)


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None
    return box


def _assert_starts_on_first_screen(page, locator, size: tuple[int, int]) -> None:
    expect(locator).to_be_visible()
    assert page.evaluate("window.scrollY") == 0
    box = _box(locator)
    assert 0 <= box["y"] < size[1], box
    assert box["x"] >= 0 and box["x"] < size[0], box
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("path", ANSWERS)
def test_each_dashboard_answers_on_the_first_screen(
    live_server, page, client, demo, cast, open_period, reports_2014, path, size
):
    response = _open(page, client, live_server, cast.reviewer, path, size)
    assert response.status == 200
    _drawn(page)
    _assert_starts_on_first_screen(page, page.locator(ANSWERS[path]).first, size)


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("path", ["/compare/", "/units/rach-gia/", "/completeness/"])
def test_the_filters_are_folded_behind_the_choices_made(
    live_server, page, client, demo, cast, open_period, path, size
):
    _open(page, client, live_server, cast.reviewer, f"{path}?start=2010&end=2012", size)
    filters = page.locator("details.filters-toggle")
    expect(filters).not_to_have_attribute("open", "")
    expect(filters.locator("summary")).to_contain_text("Bộ lọc:")
    expect(filters.locator("summary")).to_contain_text("2010–2012")
    expect(page.get_by_role("button", name="Xem", exact=True)).to_be_hidden()
    # The line is one click from the form.
    filters.locator("summary").click()
    expect(page.get_by_role("button", name="Xem", exact=True)).to_be_visible()


def test_the_filters_are_open_when_a_choice_is_wrong(live_server, page, client, demo, cast):
    response = _open(
        page, client, live_server, cast.reviewer, "/compare/?start=2013&end=2010", SIZES["phone"]
    )
    assert response.status == 400
    expect(page.locator("details.filters-toggle")).to_have_attribute("open", "")
    expect(page.get_by_role("alert")).to_contain_text("Năm bắt đầu (2013)")
    _assert_starts_on_first_screen(page, page.get_by_role("alert"), SIZES["phone"])


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_every_ranking_column_can_be_brought_into_view_beside_the_unit(
    live_server, page, client, demo, cast, size
):
    _open(page, client, live_server, cast.reviewer, "/compare/", size)
    headers = page.locator(f"{RANKING} thead th")
    expect(headers.first).to_be_visible()
    names = [" ".join(t.split()) for t in headers.all_text_contents()]
    assert names[:2] == ["Hạng", "Đơn vị"]
    assert any(n.startswith("Trên 100 đoàn viên") for n in names), names
    assert any(n.startswith("Cả giai đoạn") for n in names), names
    unit = headers.nth(1)
    for i in range(headers.count()):
        header = headers.nth(i)
        header.scroll_into_view_if_needed()
        box = _box(header)
        assert box["x"] >= 0 and box["x"] + box["width"] <= size[0] + 0.5, (names[i], box)
        # The unit's column stays in view while the figures scroll under it.
        unit_box = _box(unit)
        assert unit_box["x"] >= 0 and unit_box["x"] + unit_box["width"] <= size[0], names[i]
        # Inside the table's own box: the page itself never scrolls sideways.
        assert page.evaluate("window.scrollX") == 0
    # On a phone the table is wider than the window, so its box scrolls.
    scrolls = page.locator(f"{RANKING} .table-wrap").evaluate(
        "box => [box.scrollWidth > box.clientWidth, getComputedStyle(box).overflowX]"
    )
    if size == SIZES["phone"]:
        assert scrolls == [True, "auto"]
        expect(page.locator(".scroll-hint")).to_be_visible()
    else:
        expect(page.locator(".scroll-hint")).to_be_hidden()


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_a_secretary_comparing_one_unit_sees_its_years_not_a_ranking_of_one_bar(
    live_server, page, client, demo, cast, size
):
    _open(page, client, live_server, cast.secretary_a, "/compare/", size)
    _drawn(page)
    note = page.locator(".single-unit")
    expect(note).to_contain_text("Chỉ có một đơn vị để so sánh (Rạch Giá)")
    expect(page.locator("#bieu-do-xep-hang")).to_have_count(0)
    expect(page.locator("#bieu-do-nhiet")).to_have_count(0)
    expect(page.locator("#theo-nhom")).to_have_count(0)
    years = page.locator("figure:has(#bieu-do-tung-don-vi)")
    _assert_starts_on_first_screen(page, note, size)
    _assert_starts_on_first_screen(page, years, size)
    expect(page.locator(f"{RANKING} tbody tr")).to_have_count(1)
    note.get_by_role("link", name="Xem Rạch Giá so với các đơn vị cùng nhóm").click()
    expect(page).to_have_url(re.compile(r"/units/rach-gia/(\?|$)"))


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_the_entry_form_and_its_buttons_are_on_the_first_screen(
    live_server, page, client, demo, cast, open_period, reports_2014, size
):
    """Công an's draft of the open period (reports_2014), as its secretary opens it."""
    _open(page, client, live_server, cast.secretary_b, "/entry/cong-an/2014/", size)
    first = page.locator(".report-form .entry-table input").first
    _assert_starts_on_first_screen(page, first, size)
    save = page.get_by_role("button", name="Lưu nháp")
    send = page.get_by_role("button", name="Gửi báo cáo")
    expect(save).to_have_count(1)  # one set of buttons, not a copy at the top
    for where in ("top", "middle"):
        for button in (save, send):
            expect(button).to_be_in_viewport()
            box = _box(button)
            assert box["y"] + box["height"] <= size[1], (where, box)
        page.locator(".report-form h2").nth(2).scroll_into_view_if_needed()
        assert page.evaluate("window.scrollY") > 0
    # Saved from the middle of the form.
    save.click()
    expect(page.locator(".message.success")).to_be_visible()
    assert Report.objects.get(unit=cast.unit_b, period=open_period).status == Report.Status.DRAFT
