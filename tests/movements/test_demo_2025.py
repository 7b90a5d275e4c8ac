"""The demo scenario of the 2025 change (`load_demo --scenario 2025`): recorded through the tree
services with its documents, an illustrative mapping that says so; entry, completeness and
coverage follow the tree of each period; access follows the successions."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from movements.models import Membership, Period, Report, TreeChange, Unit
from movements.selectors.tree import tree_on
from movements.services.catalogue import catalogue_wards
from movements.services.demo import demo_open_period
from movements.services.demo_2025 import (
    DEMO_2025_CLOSED,
    DEMO_2025_MERGES,
    DEMO_2025_WARDS,
    demo_2025_load,
)
from movements.services.rollups import rollup_check
from reports.selectors import dashboard_scope, progress_counts
from reports.selectors.like_for_like import year_coverage
from reports.selectors.subject import Subject
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CLOSE_DAY = dt.date(2025, 6, 30)
DAY = dt.date(2025, 7, 1)


@pytest.fixture
def scenario(demo):
    demo_open_period()
    demo_2025_load(movement_code="3tn")
    return demo


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def period(year: int, kind: str = Period.Kind.YEAR, number: int = 0) -> Period:
    return Period.objects.get_or_create(kind=kind, year=year, number=number)[0]


def test_the_change_is_recorded_as_tree_changes_with_their_documents(scenario):
    changes = list(TreeChange.objects.all())
    assert {c.effective_date for c in changes} == {DAY}
    assert {c.document_number for c in changes} == {"60-NQ/TW", "202/2025/QH15"}
    assert all("Dữ liệu minh hoạ (demo)." in c.notes for c in changes)
    # The mapping of the districts to the new wards is illustrative, and says so.
    mapping = [c for c in changes if c.document_number == "60-NQ/TW"]
    assert {c.kind for c in mapping} == {"merge", "split", "close"}
    assert all("Ánh xạ MINH HOẠ" in c.notes for c in mapping)
    province = TreeChange.objects.get(kind="merge", document_number="202/2025/QH15")
    assert {p.unit.code for p in province.parts.all()} == {
        "kien-giang",
        "an-giang-truoc-2025",
        "an-giang",
    }
    assert "60-NQ/TW" in province.notes
    # Every unit ended on 30/6/2025 was ended by a recorded change.
    ended = set(Unit.objects.filter(valid_to=CLOSE_DAY).values_list("code", flat=True))
    sources = set(
        TreeChange.objects.filter(parts__role="source").values_list("parts__unit__code", flat=True)
    )
    assert ended == sources
    assert set(DEMO_2025_CLOSED) | {c for cs in DEMO_2025_MERGES.values() for c in cs} < ended


def test_the_new_wards_come_from_the_official_catalogue(scenario):
    official = {w.gso_code: w.name for w in catalogue_wards("91")}
    for gso_code, code in DEMO_2025_WARDS.items():
        ward = unit(code)
        assert ward.gso_code == gso_code
        assert ward.short_name == official[gso_code]
        assert ward.parent.code == "an-giang"
        assert ward.valid_from == DAY
    assert unit("an-giang").gso_code == "91"


def test_the_tree_before_and_after_the_change(scenario):
    before = [row.unit for row in tree_on(CLOSE_DAY, Unit.objects.all())]
    after = [row.unit for row in tree_on(DAY, Unit.objects.all())]
    assert "kien-giang" in {u.code for u in before} and "an-giang" not in {u.code for u in before}
    assert sum(u.kind in Unit.DISTRICT_LEVEL for u in before) == 15
    assert [u.code for u in after if u.parent_id is None] == ["an-giang"]
    assert not [u for u in after if u.kind in Unit.DISTRICT_LEVEL]
    assert len([u for u in after if u.parent_id]) == 16  # 7 wards, 9 branches


def test_loading_again_changes_nothing_and_the_stored_totals_stay_exact(scenario):
    counts = (TreeChange.objects.count(), Unit.objects.count(), Report.objects.count())
    again = demo_2025_load(movement_code="3tn")
    assert (again.created, again.updated) == (0, 0)
    assert (TreeChange.objects.count(), Unit.objects.count(), Report.objects.count()) == counts
    assert rollup_check().ok


def test_the_command_loads_it_on_request_only(seed):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert not Unit.objects.filter(code="an-giang").exists()
    call_command("load_demo", "--scenario", "2025", stdout=out)
    assert "Kịch bản minh hoạ 2025" in out.getvalue()
    assert Report.objects.filter(period__year=2026, is_demo=True).exists()
    assert not Report.objects.filter(period__year__gte=2025, is_demo=False).exists()


def test_2025_is_nearly_complete_and_2026_half_reported_with_plausible_figures(scenario):
    statuses_2025 = list(Report.objects.filter(period__year=2025).values_list("status", flat=True))
    assert len(statuses_2025) == 38  # of 40 due
    assert statuses_2025.count(Report.Status.APPROVED) == 36
    assert Report.objects.filter(period__year=2026).count() == 8  # of 16 due
    members = dict(
        Report.objects.filter(values__indicator__code="doan-vien", period__year__in=[2013, 2025])
        .filter(unit__code__in=["rach-gia", "cong-an"])
        .values_list("unit__code", "values__value")
        .order_by("period__year")
    )
    assert all(number > 1000 for number in members.values())
    # Stocks stay near the unit's level: a successor continues its predecessor.
    stock = {
        (u, y): v
        for u, y, v in Report.objects.filter(
            unit__code__in=["cong-an", "cong-an-20250701"], values__indicator__code="doan-vien"
        ).values_list("unit__code", "period__year", "values__value")
    }
    assert 0.8 < stock[("cong-an-20250701", 2025)] / stock[("cong-an", 2013)] < 1.25


def test_a_unit_closed_on_30_6_is_due_for_its_half_year_only_and_its_successor_from_1_7(scenario):
    closed, ward = unit("rach-gia"), unit("phuong-rach-gia")
    assert closed.reports_in(period(2025)) and not closed.reports_in(period(2026))
    assert ward.reports_in(period(2025)) and ward.reports_in(period(2026))
    first, second = period(2025, Period.Kind.HALF, 1), period(2025, Period.Kind.HALF, 2)
    assert closed.reports_in(first) and not closed.reports_in(second)
    assert not ward.reports_in(first) and ward.reports_in(second)


def test_progress_and_coverage_count_the_units_due_in_each_periods_tree(scenario):
    admin = make_user("quan-tri", is_superuser=True)
    scope = dashboard_scope(user=admin)

    def due(parent: str, year: int) -> tuple[int, int]:
        counts = progress_counts(
            movement=scenario, period=period(year), scope=scope, parent=unit(parent)
        )
        return sum(counts.total.values()), counts.total["missing"]

    assert due("kien-giang", 2025) == (24, 1)  # U Minh Thượng
    assert due("an-giang", 2025) == (16, 1)  # Xã Kiên Lương: 9 branches, 7 wards
    assert due("kien-giang", 2026) == (0, 0)
    assert due("an-giang", 2026) == (16, 8)
    for code, figures in {"kien-giang": (24, 22, 0, 0), "an-giang": (16, 14, 16, 0)}.items():
        subject = Subject.of(movement=scenario, unit=unit(code), start_year=2025, end_year=2026)
        coverage = year_coverage(subject=subject)
        found = (coverage[2025].due, coverage[2025].counted, coverage[2026].due)
        assert found + (coverage[2026].counted,) == figures


def test_the_completeness_page_counts_the_tree_of_the_period(client, scenario):
    client.force_login(make_user("quan-tri", is_superuser=True))
    url = reverse("reports:completeness")
    page = client.get(url, {"parent": "an-giang", "period": "2025"}).content.decode()
    assert "16 đơn vị phải nộp báo cáo 2025" in page
    page = client.get(url, {"parent": "kien-giang", "period": "2026"}).content.decode()
    assert "0 đơn vị phải nộp báo cáo 2026" in page


def test_entry_lists_a_closed_unit_for_its_last_year_and_its_successor_after(client, scenario):
    client.force_login(make_user("bi-thu-cu", unit("hon-dat"), Membership.Role.SECRETARY))
    page = client.get(reverse("movements:entry")).content.decode()
    assert reverse("movements:report", args=["hon-dat", "2025"]) in page
    assert reverse("movements:report", args=["hon-dat", "2026"]) not in page
    client.force_login(make_user("bi-thu-moi", unit("xa-son-kien"), Membership.Role.SECRETARY))
    page = client.get(reverse("movements:entry")).content.decode()
    assert reverse("movements:report", args=["xa-son-kien", "2025"]) in page
    assert reverse("movements:report", args=["xa-son-kien", "2026"]) in page


# --- access follows the tree ----------------------------------------------------------------


def test_the_secretary_of_a_merged_unit_keeps_reading_its_history(client, scenario):
    client.force_login(make_user("bi-thu-rg", unit("rach-gia"), Membership.Role.SECRETARY))
    assert client.get(reverse("movements:report", args=["rach-gia", "2013"])).status_code == 200
    assert client.get(reverse("reports:unit", args=["rach-gia"])).status_code == 200
    # Not the successor's, nor the new province's breakdown.
    ward = reverse("movements:report", args=["phuong-rach-gia", "2025"])
    assert client.get(ward).status_code == 404


def test_the_new_provinces_staff_read_both_predecessors(client, scenario):
    reviewer = make_user("tinh-moi", unit("an-giang"), Membership.Role.REVIEWER, is_staff=True)
    client.force_login(reviewer)
    for code, year in [("rach-gia", "2013"), ("cong-an", "2010"), ("an-minh", "2025")]:
        assert client.get(reverse("movements:report", args=[code, year])).status_code == 200
    page = client.get(reverse("reports:unit", args=["kien-giang"]))
    assert page.status_code == 200
    visible = set(Unit.objects.visible_to(reviewer).values_list("code", flat=True))
    assert {"kien-giang", "an-giang-truoc-2025", "giong-rieng", "an-giang"} <= visible


def test_a_wards_secretary_reads_the_districts_it_continues_not_the_others(client, scenario):
    client.force_login(make_user("bi-thu-ph", unit("phuong-rach-gia"), Membership.Role.SECRETARY))
    for code in ("rach-gia", "chau-thanh"):
        assert client.get(reverse("movements:report", args=[code, "2013"])).status_code == 200
    assert client.get(reverse("movements:report", args=["giong-rieng", "2013"])).status_code == 404
    # Reading, not entering: the predecessor's report stays its own secretary's.
    response = client.post(reverse("movements:report", args=["rach-gia", "2025"]), {"version": 1})
    assert response.status_code == 403


def test_the_demo_accounts_of_the_new_province(scenario):
    call_command("create_demo_accounts", stdout=io.StringIO())
    staff = Membership.objects.get(user__username="tinhdoan-angiang")
    assert (staff.unit.code, staff.role, staff.user.is_staff) == ("an-giang", "reviewer", True)
    congan = Membership.objects.filter(user__username="bithu-congan")
    assert set(congan.values_list("unit__code", flat=True)) == {"cong-an", "cong-an-20250701"}
