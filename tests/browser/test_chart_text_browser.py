"""No chart text collides, and none is cut: in Debian's Chromium at a desktop's size and a
phone's, on every page that draws charts (the overview, /compare/ for one indicator, per 100
members, in money, for a whole section, and over a provisional year, a unit's page), the boxes of
all visible SVG text of each plotly chart — titles and their notes, axis titles, tick labels,
legend entries, annotations, bar and cell labels — are read (chart_text.js) and no two of them
overlap by more than a pixel, and each lies inside its chart's SVG."""

from __future__ import annotations

from pathlib import Path

import pytest

from movements.services.demo import demo_open_period
from tests.browser.test_compare_browser import drawn, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = ((1366, 900), (390, 844))
COLLECT = (Path(__file__).parent / "chart_text.js").read_text(encoding="utf-8")
TOUCH = 1  # pixels two boxes (or a box and its chart's edge) may share

PAGES = {
    "reviewer": [
        "/",
        "/compare/",
        "/compare/?per=100dv",
        "/compare/?indicator=tien-quy-xa-hoi&per=100dv",
        "/compare/?indicator=phan:cong-viec",
        "/compare/?indicator=phan:nhan-dan&per=100dv",
        "/?start=2012&end=2014&submitted=on",
        "/compare/?start=2012&end=2014&submitted=on",
        "/units/rach-gia/",
    ],
    # A secretary's whole section is one unit's table (nothing to rank, no heatmap).
    "secretary_a": [
        "/",
        "/compare/",
        "/compare/?start=2012&end=2014&submitted=on",
        "/units/rach-gia/",
    ],
}


def overlap(a: dict, b: dict) -> bool:
    width = min(a["right"], b["right"]) - max(a["left"], b["left"])
    height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return width > TOUCH and height > TOUCH


def outside(text: dict, svg: dict) -> bool:
    return (
        text["left"] < svg["left"] - TOUCH
        or text["top"] < svg["top"] - TOUCH
        or text["right"] > svg["right"] + TOUCH
        or text["bottom"] > svg["bottom"] + TOUCH
    )


def collisions(charts: list[dict]) -> list[str]:
    """Each pair of overlapping texts, and each text cut by its chart's edge, said plainly."""
    found = []
    for chart in charts:
        texts = chart["texts"]
        found += [
            f"#{chart['chart']}: {t['text']!r} ({t['cls']}) cut by the chart's edge"
            for t in texts
            if outside(t, chart["svg"])
        ]
        found += [
            f"#{chart['chart']}: {a['text']!r} ({a['cls']}) overlaps {b['text']!r} ({b['cls']})"
            for i, a in enumerate(texts)
            for b in texts[i + 1 :]
            if overlap(a, b)
        ]
    return found


def test_the_check_sees_an_overlap_and_a_cut():
    svg = {"left": 0, "top": 0, "right": 100, "bottom": 100}
    a = {"text": "a", "cls": "", "left": 10, "top": 10, "right": 40, "bottom": 20}
    touching = a | {"text": "b", "left": 41, "right": 60}
    crossing = a | {"text": "c", "left": 38, "right": 60, "top": 18, "bottom": 30}
    cut = a | {"text": "d", "left": 90, "right": 102}
    assert collisions([{"chart": "x", "svg": svg, "texts": [a, touching]}]) == []
    assert len(collisions([{"chart": "x", "svg": svg, "texts": [a, crossing]}])) == 1
    assert len(collisions([{"chart": "x", "svg": svg, "texts": [cut]}])) == 1


@pytest.mark.parametrize("role", sorted(PAGES))
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_no_chart_text_overlaps_or_is_cut(live_server, browser, client, demo, cast, role, size):
    width, height = size
    demo_open_period()  # 2014 open, some of its reports in: a provisional year to draw
    page = signed_in_page(browser, live_server, client, getattr(cast, role), width=width)
    page.set_viewport_size({"width": width, "height": height})
    found = []
    for path in PAGES[role]:
        page.goto(f"{live_server.url}{path}")
        drawn(page)
        charts = page.evaluate(COLLECT)
        # The check has something to check: every chart drawn has text.
        assert charts and all(c["texts"] for c in charts), path
        found += [f"{path} {problem}" for problem in collisions(charts)]
    assert found == []
    assert page.problems == []
