"""/compare/ in Debian's Chromium: the chart is drawn from JSON by our static script under the
strict Content-Security-Policy, one bar group per unit, and the console stays clean."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from movements.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_compare_page_draws_one_bar_trace_per_unit_without_console_errors(
    live_server, page, client, demo, cast
):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    # Signed in through the session cookie: the login page is not under test here.
    client.force_login(cast.reviewer)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/compare/?peers=all")
    bars = page.locator("#content .js-plotly-plot").first
    expect(bars.locator("svg.main-svg").first).to_be_visible()
    units = Unit.objects.filter(kind__in=[*Unit.DISTRICT_LEVEL, Unit.Kind.BRANCH]).count()
    expect(bars.locator("g.trace.bars")).to_have_count(units)
    expect(bars.locator(".legendtext", has_text="Giang Thành")).to_have_count(1)
    expect(bars.locator(".gtitle")).to_contain_text("Hội nghị triển khai theo đơn vị và năm")
    heatmap = page.locator("#content .js-plotly-plot").nth(1)
    expect(heatmap.locator("g.hm, image").first).to_be_attached()

    # Switching to branches only is a bookmarkable URL and redraws with 9 groups.
    page.select_option("select[name=peers]", "branch")
    page.click("form.filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"peers=branch"))
    expect(page.locator("#content .js-plotly-plot").first.locator("g.trace.bars")).to_have_count(
        Unit.objects.filter(kind=Unit.Kind.BRANCH).count()
    )
    assert problems == []
