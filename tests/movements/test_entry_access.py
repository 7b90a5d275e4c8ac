"""Every role against every entry and review URL: who gets in, who gets 403 or 404, and that a
refused request changes nothing."""

import pytest
from django.urls import reverse

from movements.models import Report
from tests.factories import make_report, year

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "secretary_a", "secretary_b", "reviewer", "viewer", "outsider"]
# The report is Rạch Giá's (unit A), a draft of the open period 2014.
# name, method, expected status per role (in ROLES order); 302 for anonymous means the login.
REPORT_URLS = [
    ("report", "get", [302, 200, 404, 200, 200, 404]),
    ("history", "get", [302, 200, 404, 200, 200, 404]),
    ("xlsx", "get", [302, 200, 404, 200, 200, 404]),
    ("report", "post", [302, 302, 404, 403, 403, 404]),
    ("approve", "post", [302, 403, 404, 302, 403, 404]),
    ("return", "post", [302, 403, 404, 302, 403, 404]),
    ("reopen", "post", [302, 403, 404, 302, 403, 404]),
    ("xlsx-upload", "post", [302, 302, 404, 403, 403, 404]),
    ("xlsx-confirm", "post", [302, 302, 404, 403, 403, 404]),
]
REVIEW_URLS = [
    ("review", "get", [302, 403, 403, 200, 403, 403]),
    ("review", "post", [302, 403, 403, 302, 403, 403]),
    ("province-xlsx", "get", [302, 403, 403, 200, 403, 403]),
    ("province-xlsx-upload", "post", [302, 403, 403, 302, 403, 403]),
    ("province-xlsx-confirm", "post", [302, 403, 403, 302, 403, 403]),
]
CASES = [(name, method, expected, True) for name, method, expected in REPORT_URLS] + [
    (name, method, expected, False) for name, method, expected in REVIEW_URLS
]


@pytest.mark.parametrize("name, method, expected, per_report", CASES)
def test_each_role_on_each_url(client, cast, seed, name, method, expected, per_report):
    period = year(2014)
    period.open_for_entry = True
    period.save()
    args = ["rach-gia", "2014"] if per_report else ["2014"]
    target = reverse(f"movements:{name}", args=[] if name == "review" else args)
    for role, status in zip(ROLES, expected, strict=True):
        Report.objects.all().delete()
        report = make_report(
            cast.unit_a, period, seed, status=Report.Status.DRAFT, values={"cau": 1}
        )
        client.logout()
        if role != "anonymous":
            client.force_login(getattr(cast, role))
        data = {"version": report.version, "action": "save", "v-cau": "2", "reason": "Lý do"}
        response = client.get(target) if method == "get" else client.post(target, data)
        assert response.status_code == status, role
        if role == "anonymous":
            assert response.url.startswith(reverse("login"))
        if status in (403, 404) or role == "anonymous":
            report.refresh_from_db()
            assert report.version == 1, role
            assert report.status == Report.Status.DRAFT
            assert report.values.get().value == 1
