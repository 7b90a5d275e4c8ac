"""An open year drawn as provisional in Debian's Chromium: the overview's trend and the
comparison's charts over 2012–2014, with the demo's 2014 open (6 of the 24 units due have
sent it), draw the note "2014: 6/24 đơn vị — tạm tính" and the tick "2014 (tạm tính)", with a
clean console (the strict Content-Security-Policy included)."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from movements.models import IndicatorGroup
from movements.services.demo import demo_open_period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "2014: 6/24 đơn vị — tạm tính"


def _open(page, client, live_server, user, path: str) -> list[str]:
    """`path` signed in through the session cookie; the console's errors, collected."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}{path}")
    return problems


def test_the_open_year_is_drawn_provisional_on_the_overview_and_the_comparison(
    live_server, page, client, demo, cast
):
    demo_open_period()
    group = IndicatorGroup.objects.filter(movement=demo).order_by("order").first()
    problems = _open(page, client, live_server, cast.reviewer, "/?start=2012&end=2014&submitted=on")
    trend = page.locator(f"#bieu-do-{group.code}")
    expect(trend.locator(".annotation-text", has_text=NOTE)).to_have_count(1)
    expect(trend.locator(".xtick text", has_text="(tạm tính)")).to_have_count(1)
    expect(trend.locator(".xtick text", has_text="2014")).to_contain_text("(tạm tính)")
    page.goto(
        f"{live_server.url}/compare/?indicator=hoi-nghi-trien-khai&start=2012&end=2014&submitted=on"
    )
    lines = page.locator("#bieu-do-tung-don-vi")
    # The note under the title, said once for all the panels.
    expect(lines.locator("text", has_text=NOTE)).to_have_count(1)
    heat = page.locator("#bieu-do-nhiet")
    expect(heat.locator(".xtick text", has_text="2014 (tạm tính)")).to_have_count(1)
    assert problems == []
