"""The header offers each role only the pages it can use, and a secretary's landing page says
which reports are still to do: returned, late or due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from movements.models import DEFAULT_MOVEMENT, Report
from tests.audit import client_for
from tests.factories import make_report, totals_kept

pytestmark = pytest.mark.django_db

ENTRY = reverse("movements:entry")
REVIEW = reverse("movements:review")
OVERVIEW = reverse("reports:overview")
COMPARE = reverse("reports:compare")
DOCUMENTS = reverse("reports:document-index", args=[DEFAULT_MOVEMENT])


def menu_links(response) -> set[str]:
    """The links of the header's main menu."""
    html = response.content.decode()
    nav = html[html.index('<nav class="main-nav"') : html.index("</nav>")]
    return {
        link for link in (ENTRY, REVIEW, OVERVIEW, COMPARE, DOCUMENTS) if f'href="{link}"' in nav
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("secretary_a", {ENTRY, OVERVIEW, COMPARE, DOCUMENTS}),
        ("reviewer", {REVIEW, OVERVIEW, COMPARE, DOCUMENTS}),
        ("viewer", {OVERVIEW, COMPARE, DOCUMENTS}),
        ("outsider", set()),
    ],
)
def test_the_menu_shows_each_role_only_the_pages_it_may_open(cast, role, expected):
    client = client_for(cast, role)
    response = client.get(reverse("password_change"))
    assert response.status_code == 200
    assert menu_links(response) == expected
    for link in expected:
        assert client.get(link).status_code == 200, link
    for link in {ENTRY, REVIEW, OVERVIEW, COMPARE} - expected:
        # What the menu hides is refused, or offers nothing to do.
        status = client.get(link).status_code
        assert status == 403 or link == ENTRY, link


def test_a_secretary_lands_on_what_is_returned_late_or_due(cast, open_period, seed):
    client = client_for(cast, "secretary_a")
    report_url = reverse("movements:report", args=["rach-gia", "2014"])

    response = client.get(OVERVIEW)
    html = response.content.decode()
    assert "Việc cần làm" in html
    assert "Cần nộp:" in html and f'href="{report_url}"' in html

    open_period.deadline = dt.date.today() - dt.timedelta(days=1)
    open_period.save()
    html = client.get(OVERVIEW).content.decode()
    assert "Quá hạn:" in html and "Cần nộp:" not in html

    make_report(
        cast.unit_a, open_period, seed, status=Report.Status.RETURNED, return_reason="Sửa số liệu"
    )
    html = client.get(OVERVIEW).content.decode()
    assert "Bị trả lại để sửa:" in html and "Sửa số liệu" in html and "Quá hạn:" not in html

    with totals_kept(Report.objects.filter(unit=cast.unit_a)):
        Report.objects.filter(unit=cast.unit_a).update(status=Report.Status.SUBMITTED)
    assert "Việc cần làm" not in client.get(OVERVIEW).content.decode()


def test_a_reviewer_has_nothing_to_enter_on_the_landing_page(cast, open_period):
    assert "Việc cần làm" not in client_for(cast, "reviewer").get(OVERVIEW).content.decode()
