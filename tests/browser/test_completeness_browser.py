"""/completeness/ in Debian's Chromium: who has not reported, on a phone (390×844), starts within
the first two screens; the filters are folded, and once opened show whole selects and only the
choices the chosen period uses (the years for "Nhiều kỳ", the state for one period)."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, DESKTOP = (390, 844), (1366, 900)
# The selected option's text and the room for it inside the select (padding and the arrow out).
SELECT_TEXT = """select => {
  const style = getComputedStyle(select);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const text = select.options[select.selectedIndex].text;
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {text, width: context.measureText(text).width, room};
}"""
ARROW = 20  # px that Chromium's drop-down arrow takes inside a select


def _open(page, client, live_server, user, path: str, size: tuple[int, int]):
    """`path` at that screen size, signed in through the session cookie."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}{path}")


def _first_row(page):
    return page.locator('section[aria-labelledby="tien-do-title"] tbody tr').first


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None
    return box


def _assert_whole_in_view(page, select, width: int):
    expect(select).to_be_visible()
    box = _box(select)
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    fit = select.evaluate(SELECT_TEXT)
    assert fit["width"] + ARROW <= fit["room"], fit


def test_on_a_phone_the_units_not_reported_start_within_two_screens(
    live_server, page, client, demo, cast, open_period, reports_2014
):
    _open(page, client, live_server, cast.reviewer, "/completeness/?state=chua-nop", PHONE)
    row = _first_row(page)
    expect(row).to_be_visible()
    assert page.evaluate("window.scrollY") == 0
    assert _box(row)["y"] + _box(row)["height"] <= 2 * PHONE[1]
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1]
    # No column out of reach: each cell of a row lies within the screen's width.
    cells = row.locator("td")
    assert cells.count() == 6
    for i in range(cells.count()):
        box = _box(cells.nth(i))
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0], i
    expect(cells.nth(1)).to_have_attribute("data-label", "Nhóm đơn vị")
    # The filters are folded; opened, the "Hiển thị" select shows its whole choice.
    state = page.get_by_label("Hiển thị")
    expect(state).to_be_hidden()
    page.locator(".filters-toggle > summary").click()
    expect(state).to_have_value("chua-nop")
    _assert_whole_in_view(page, state, PHONE[0])
    _assert_whole_in_view(page, page.get_by_label("Kỳ báo cáo"), PHONE[0])


def test_the_filters_show_the_years_only_for_several_periods(
    live_server, page, client, demo, cast, open_period, reports_2014
):
    _open(page, client, live_server, cast.reviewer, "/completeness/", DESKTOP)
    page.locator(".filters-toggle > summary").click()
    period = page.get_by_label("Kỳ báo cáo")
    start, end = page.get_by_label("Nhiều kỳ: từ năm"), page.get_by_label("Đến năm")
    state, stages = page.get_by_label("Hiển thị"), page.locator(".stage-links")
    expect(period).to_have_value("2014")
    expect(state).to_be_visible()
    for hidden in (start, end, stages):
        expect(hidden).to_be_hidden()
    # Choosing "Nhiều kỳ" shows the years at once (no reload) and hides the state.
    period.select_option("nhieu-ky")
    for shown in (start, end, stages):
        expect(shown).to_be_visible()
    expect(state).to_be_hidden()
    start.select_option("2012")
    end.select_option("2013")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tình hình nộp báo cáo, 2012–2013")
    expect(page.get_by_role("columnheader", name="2012", exact=True)).to_be_visible()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_secretary_sees_their_units_state_on_the_first_screen(
    live_server, page, client, demo, cast, open_period, reports_2014, size
):
    _open(page, client, live_server, cast.secretary_a, "/completeness/", size)
    row = _first_row(page)
    expect(row).to_contain_text("Rạch Giá")
    assert _box(row)["y"] + _box(row)["height"] <= (size[1] if size == DESKTOP else 2 * size[1])
