"""Every page in Debian's Chromium, as each role opens it, at a desktop (1366 px) and a phone
(390 px) width: axe finds no serious or critical accessibility violation, the document does not
scroll sideways, and the console stays clean.

The pages are the GET routes of the URLconf (tests/routes.py) with the status the access matrix
gives the role (tests/test_access_matrix.py MATRIX), so a new page is visited without editing
this file; files (Excel, Word) and redirects are left out by name below, each with its reason."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

from movements.models import Report
from tests.audit import ROLES
from tests.factories import make_report
from tests.routes import routes
from tests.test_access_matrix import MATRIX

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
# GET routes that answer with no page to read.
NOT_PAGES = {
    "logout": "a POST only",
    "set_language": "a redirect",
    "healthz": "plain text for the load balancer",
    "movements:xlsx": "an Excel file",
    "movements:province-xlsx": "an Excel file",
    "reports:document-docx": "a Word file",
}
# Pages the routes do not reach with their sample values: the review of a submitted report
# (the samples' Rạch Giá report is a draft being filled), and a page that does not exist.
EXTRA = {
    "reviewer": ["/entry/cong-an/2014/", "/khong-co-trang-nay/"],
    "secretary_a": ["/khong-co-trang-nay/"],
}
SERIOUS = {"serious", "critical"}
# Rules checked whatever impact axe gives them: headings in order, everything inside a
# landmark, no empty table header.
ALSO = {"heading-order", "region", "empty-table-header"}


def pages_for(role: str) -> list[str]:
    """The paths `role` opens: every page it may read, and the refusals it meets (403, 404)."""
    column = ROLES.index(role)
    paths = []
    for route in routes():
        if route.name in NOT_PAGES or (route.name, "GET") not in MATRIX:
            continue
        if MATRIX[route.name, "GET"][column] in (200, 403, 404):
            paths.append(route.path())
    return paths + EXTRA.get(role, [])


@pytest.fixture
def reports(cast, open_period, demo):
    """Rạch Giá's report of the open period a draft (its secretary sees the entry form) and
    Công an's submitted (the reviewer's queue and review page)."""
    Report.objects.filter(period=open_period).delete()
    make_report(
        cast.unit_a, open_period, demo, status=Report.Status.DRAFT, values={"doan-vien": 10}
    )
    make_report(
        cast.unit_b, open_period, demo, status=Report.Status.SUBMITTED, values={"doan-vien": 10}
    )
    return cast


def test_every_page_is_accessible_and_fits_a_desktop_and_a_phone(live_server, browser, reports):
    assert {"/", "/compare/", "/completeness/", "/entry/", "/review/"} <= set(pages_for("reviewer"))
    axe = Axe()
    found: dict[str, list[str]] = {}
    for role in ("reviewer", "secretary_a", "anonymous"):
        cookies = []
        if role != "anonymous":
            client = Client()
            client.force_login(getattr(reports, role))
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            cookies = [
                {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}
            ]
        paths = pages_for(role)
        assert paths, role
        for width, (w, h) in WIDTHS.items():
            # One context per role and width, its page reused for every path.
            context = browser.new_context(viewport={"width": w, "height": h})
            context.add_cookies(cookies)
            for path, wrong in visit(context.new_page(), axe, live_server.url, paths):
                found[f"{role} {width} {path}"] = wrong
            context.close()
    assert not found, "\n".join(f"{where}: {wrong}" for where, wrong in found.items())


def visit(page, axe: Axe, base: str, paths: list[str]):
    """(path, what is wrong) for each path whose page has something wrong."""
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    for path in paths:
        console.clear()
        status = page.goto(base + path, wait_until="load").status
        # A refusal page logs its own status; any other failed resource is a problem.
        refused = f"the server responded with a status of {status} "
        wrong = [
            f"console: {text}"
            for text in console
            if not (
                status >= 400 and text.startswith("Failed to load resource") and refused in text
            )
        ]
        wrong += axe_problems(page, axe)
        if wrong:
            yield path, wrong


def axe_problems(page, axe: Axe) -> list[str]:
    """axe's serious and critical violations and those of ALSO, and a document wider than the
    window."""
    problems = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in SERIOUS or violation["id"] in ALSO:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            problems.append(f"axe {violation['id']} ({violation['impact']}): {targets}")
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if widths[0] > widths[1]:
        problems.append(f"scrolls sideways: {widths[0]} > {widths[1]} px")
    return problems
