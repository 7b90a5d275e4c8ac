"""The flags the rules stored (`ReportFlag`) in the admin: a list to read, filtered by the
report's status and by province, scoped to the staff member's provinces like every other admin
page (tests/movements/test_admin_provinces.py walks it with the others); nobody adds, changes
or deletes a flag there."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from movements.models import Report, ReportFlag, Unit
from tests.factories import make_report
from tests.movements.test_admin_provinces import provinces  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:movements_reportflag_changelist")


@pytest.fixture
def flagged(provinces, seed):  # noqa: F811
    """Besides An Giang's: a report of Rạch Giá approved and one of Phú Quốc submitted, each
    with blank sections."""
    make_report(Unit.objects.get(code="rach-gia"), 2012, seed, values={"cau": 7})
    make_report(
        Unit.objects.get(code="phu-quoc"), 2013, seed, status=Report.Status.SUBMITTED, values={}
    )
    return provinces


def listed(response) -> list[str]:
    """The reports of the flags a changelist shows (its first column)."""
    assert response.status_code == 200
    return re.findall(
        r'<th class="field-report[^"]*">(?:<a [^>]*>)?([^<]*)<', response.content.decode()
    )


def test_staff_read_the_flags_of_their_province_only(flagged):
    rows = listed(flagged.kg.get(CHANGELIST))
    assert {r.split(" — ")[0] for r in rows} == {"Rạch Giá", "Phú Quốc"}
    theirs = Unit.objects.filter(code__in=["an-giang", "long-xuyen"])
    assert len(rows) == ReportFlag.objects.exclude(report__unit__in=theirs).count()
    page = flagged.kg.get(CHANGELIST).content.decode()
    assert "Long Xuyên" not in page and "An Giang" not in page


@pytest.mark.parametrize("who", ["kg", "su"])
def test_nobody_adds_changes_or_deletes_a_flag_in_the_admin(flagged, who):
    client = getattr(flagged, who)
    flag = ReportFlag.objects.filter(report__unit__code="rach-gia").first()
    before = sorted(map(repr, ReportFlag.objects.values_list()))
    change = reverse("admin:movements_reportflag_change", args=[flag.pk])
    page = client.get(change)
    assert page.status_code == 200  # to read
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change, {"follow_up": "on", "follow_up_note": "x"}).status_code == 403
    assert client.get(reverse("admin:movements_reportflag_add")).status_code == 403
    delete = reverse("admin:movements_reportflag_delete", args=[flag.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [flag.pk], "post": "yes"}
    client.post(CHANGELIST, bulk)
    assert sorted(map(repr, ReportFlag.objects.values_list())) == before
    assert reverse("admin:movements_reportflag_add") not in client.get(CHANGELIST).content.decode()


def test_flags_filter_by_the_reports_status_and_by_province(flagged):
    submitted = listed(flagged.kg.get(CHANGELIST, {"report__status__exact": "submitted"}))
    assert submitted and {r.split(" — ")[0] for r in submitted} == {"Phú Quốc"}
    # The province filter offers the reviewer's province only; a superuser, both.
    page = flagged.kg.get(CHANGELIST).content.decode()
    assert "?tinh=kien-giang" in page and "?tinh=an-giang" not in page
    assert "?tinh=an-giang" in flagged.su.get(CHANGELIST).content.decode()
    own = listed(flagged.kg.get(CHANGELIST, {"tinh": "kien-giang"}))
    assert own == listed(flagged.kg.get(CHANGELIST))
    assert listed(flagged.kg.get(CHANGELIST, {"tinh": "an-giang"})) == []
    assert listed(flagged.kg.get(CHANGELIST, {"tinh": "khong-co"})) == []
    theirs = listed(flagged.su.get(CHANGELIST, {"tinh": "an-giang"}))
    assert theirs and {r.split(" — ")[0] for r in theirs} == {"Long Xuyên"}
