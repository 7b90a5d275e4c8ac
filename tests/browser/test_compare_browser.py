"""/compare/ and a unit's page in Debian's Chromium: the charts are drawn from JSON by our static
script under the strict Content-Security-Policy; at a desktop width and at a phone's, the
ranking names every unit on its axis, the page does not scroll sideways, the console stays
clean, and axe finds no serious or critical accessibility violation."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from movements.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)


def signed_in_page(browser, live_server, client, user, *, width: int, bypass_csp: bool = False):
    """A page of a new context `width` pixels wide, signed in as `user` through the session
    cookie (the login page is not under test here); with the console's errors collected."""
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(
        viewport={"width": width, "height": 900}, bypass_csp=bypass_csp, locale="vi-VN"
    )
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    return page


def drawn(page) -> None:
    """Waits until charts.js has drawn every chart of the page."""
    expect(page.locator("[data-figure]:not([data-drawn])")).to_have_count(0)
    expect(page.locator("[data-drawn]").first).to_be_attached()


def horizontal_overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_ranking_names_every_unit_at_desktop_and_phone_widths(
    live_server, browser, client, demo, cast, width
):
    page = signed_in_page(browser, live_server, client, cast.reviewer, width=width)
    page.goto(f"{live_server.url}/compare/?peers=all")
    drawn(page)
    names = list(
        Unit.objects.filter(kind__in=[*Unit.DISTRICT_LEVEL, Unit.Kind.BRANCH]).values_list(
            "short_name", flat=True
        )
    )
    ranking = page.locator("#bieu-do-xep-hang")
    ticks = ranking.locator(".yaxislayer-above .ytick text")
    expect(ticks).to_have_count(len(names))
    assert sorted(ticks.all_text_contents()) == sorted(names)
    # Every unit's name is inside the chart, not cut at its left edge.
    chart_left = ranking.bounding_box()["x"]
    assert all(box["x"] >= chart_left for box in (t.bounding_box() for t in ticks.all()))
    # Two colours and two group lines; no legend entry per unit.
    expect(ranking.locator(".legend .traces")).to_have_count(4)
    expect(ranking.locator("g.trace.bars")).to_have_count(2)
    # One small chart per unit, titled with its name.
    panels = page.locator("#bieu-do-tung-don-vi .annotation-text")
    expect(panels).to_have_count(len(names))
    expect(page.locator("#bieu-do-nhiet g.hm, #bieu-do-nhiet image").first).to_be_attached()
    if width < 640:
        assert horizontal_overflow(page) == 0
        expect(page.locator(".modebar-container .modebar")).to_have_count(0)
    assert page.problems == []


def test_one_year_per_100_members_and_branches_only_are_bookmarkable(
    live_server, browser, client, demo, cast
):
    page = signed_in_page(browser, live_server, client, cast.reviewer, width=390)
    page.goto(f"{live_server.url}/compare/?peers=all&start=2012&end=2012&per=100dv")
    drawn(page)
    expect(page.locator("#bieu-do-xep-hang .ytick text")).to_have_count(24)
    expect(page.locator("#bieu-do-tung-don-vi")).to_have_count(0)  # one year: no lines
    assert horizontal_overflow(page) == 0

    page.click(".filters-toggle > summary")  # folded behind the line naming the choices
    page.select_option("select[name=peers]", "branch")
    page.click("form.filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"peers=branch"))
    drawn(page)
    expect(page.locator("#bieu-do-xep-hang .ytick text")).to_have_count(
        Unit.objects.filter(kind=Unit.Kind.BRANCH).count()
    )
    assert page.problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_unit_page_draws_the_peer_ranges_and_fits_the_screen(
    live_server, browser, client, demo, cast, width
):
    page = signed_in_page(browser, live_server, client, cast.reviewer, width=width)
    page.goto(f"{live_server.url}/units/rach-gia/")
    drawn(page)
    chart = page.locator("#bieu-do-don-vi")
    expect(chart.locator(".ytick text").first).to_be_visible()
    expect(chart.locator(".xtick text")).to_have_text(["thấp nhất", "cao nhất"])
    assert horizontal_overflow(page) == 0 or width > 640
    assert page.problems == []


@pytest.mark.parametrize("path", ["/compare/?peers=all", "/units/rach-gia/"])
def test_chart_pages_have_no_serious_accessibility_violation(
    live_server, browser, client, demo, cast, path
):
    # axe is injected as a script: only this context bypasses the page's CSP.
    page = signed_in_page(browser, live_server, client, cast.reviewer, width=1366, bypass_csp=True)
    page.goto(live_server.url + path)
    drawn(page)
    violations = Axe().run(page).response["violations"]
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
