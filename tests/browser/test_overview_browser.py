"""The overview in Debian's Chromium: on an office PC's screen (1366×900) the first screen
answers — every section's headline card, districts against branches and the open period's
progress lie within the first 900 pixels; on a phone (390 px) nothing overflows sideways."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _overview(page, client, live_server, user, *, width: int, height: int):
    """The overview at that screen size, signed in through the session cookie (the login page
    is not under test here)."""
    page.set_viewport_size({"width": width, "height": height})
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/")


def _bottom(locator) -> float:
    box = locator.bounding_box()
    assert box is not None
    return box["y"] + box["height"]


def test_the_first_screen_holds_the_headlines_the_groups_and_the_progress(
    live_server, page, client, demo, cast, open_period, reports_2014
):
    _overview(page, client, live_server, cast.reviewer, width=1366, height=900)
    cards = page.locator(".overview-summary .card.headline")
    expect(cards.first).to_be_visible()
    groups = page.locator('section[aria-labelledby="nhom-tom-tat"]')
    progress = page.locator("section.progress-block")
    expect(groups).to_be_visible()
    expect(progress).to_be_visible()
    expect(progress.get_by_role("link", name="đơn vị chưa nộp")).to_be_visible()
    expect(groups.get_by_role("columnheader", name="Đoàn trực thuộc")).to_be_visible()
    assert cards.count() == 5
    assert page.evaluate("window.scrollY") == 0
    for i in range(cards.count()):
        assert _bottom(cards.nth(i)) <= 900
    assert _bottom(groups) <= 900
    assert _bottom(progress) <= 900


def test_on_a_phone_the_overview_does_not_overflow_sideways(
    live_server, page, client, demo, cast, open_period, reports_2014
):
    _overview(page, client, live_server, cast.reviewer, width=390, height=844)
    cards = page.locator(".overview-summary .card.headline")
    expect(cards.nth(4)).to_be_attached()
    # The charts are drawn (they are the widest things on the page) before measuring.
    expect(page.locator("#content .js-plotly-plot svg.main-svg").first).to_be_attached()
    expect(page.locator("#content .js-plotly-plot")).to_have_count(9)
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1]
    # The cards stack: one above the other, each as wide as the column.
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"]
    assert first["x"] == second["x"]
