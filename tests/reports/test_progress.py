"""Reporting progress of the open period: /completeness/ for one period (states, deadline,
lateness, counts by state and group), the overview's progress for provincial staff, and the
header's one-click link to who has not reported yet."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from movements.models import Report, Unit
from reports.selectors import dashboard_scope, progress_counts, progress_rows
from tests.factories import make_report
from tests.reports.test_dashboard import table_rows, text
from tests.reports.test_exports import csv_rows

pytestmark = pytest.mark.django_db

STATES = ["Chưa có báo cáo", "Nháp", "Trả lại", "Chờ duyệt", "Đã duyệt"]


@pytest.fixture
def progress(seed, cast, open_period, units):
    """2014 open with a deadline of 15/1/2015: Rạch Giá approved on time, Hà Tiên submitted
    late, Kiên Lương returned, Công an a draft, Quân sự submitted on time; the rest nothing."""
    open_period.deadline = dt.date(2015, 1, 15)
    open_period.save()
    on_time, late = "2015-01-10T09:00:00+07:00", "2015-01-20T09:00:00+07:00"
    make_report(units.rach_gia, open_period, seed, status="approved", submitted_at=on_time)
    make_report(units.ha_tien, open_period, seed, status="submitted", submitted_at=late)
    make_report(units.kien_luong, open_period, seed, status="returned", submitted_at=on_time)
    make_report(units.cong_an, open_period, seed, status="draft")
    make_report(units.quan_su, open_period, seed, status="submitted", submitted_at=on_time)
    cast.period = open_period
    return cast


def _province(cast) -> dict:
    """The province seen by its reviewer: the `scope` and `parent` of the progress selectors."""
    return {
        "scope": dashboard_scope(user=cast.reviewer),
        "parent": Unit.objects.get(code="kien-giang"),
    }


def test_counts_by_state_and_group_come_from_the_database(progress, seed):
    counts = progress_counts(
        movement=seed,
        period=progress.period,
        **_province(progress),
        today=dt.date(2015, 2, 1),
    )
    districts = Unit.objects.filter(kind__in=Unit.DISTRICT_LEVEL).count()
    branches = Unit.objects.filter(kind=Unit.Kind.BRANCH).count()
    assert counts.groups == ["district", "branch"]
    assert counts.counts["district"] == {
        "missing": districts - 3,
        "draft": 0,
        "returned": 1,
        "submitted": 1,
        "approved": 1,
    }
    assert counts.counts["branch"] == {
        "missing": branches - 2,
        "draft": 1,
        "returned": 0,
        "submitted": 1,
        "approved": 0,
    }
    assert counts.due == districts + branches
    assert counts.not_reported == districts + branches - 3
    # After the deadline: Hà Tiên (submitted late) and everyone who has not reported.
    assert counts.late["district"] == 1 + (districts - 3) + 1
    assert counts.late["all"] == 1 + (districts + branches - 3)
    before = progress_counts(
        movement=seed, period=progress.period, **_province(progress), today=dt.date(2015, 1, 5)
    )
    assert before.late["all"] == 1  # only the late submission, before the deadline passed


def test_rows_say_state_submission_day_deadline_and_lateness(progress, seed, units):
    rows = {
        r.unit.code: r
        for r in progress_rows(
            movement=seed,
            period=progress.period,
            **_province(progress),
            today=dt.date(2015, 2, 1),
        ).rows
    }
    assert (rows["rach-gia"].state, rows["rach-gia"].late) == ("approved", False)
    assert rows["rach-gia"].submitted_on == dt.date(2015, 1, 10)
    assert (rows["ha-tien"].state, rows["ha-tien"].late) == ("submitted", True)
    assert (rows["kien-luong"].state, rows["kien-luong"].late) == ("returned", True)
    assert rows["kien-luong"].submitted_on is None  # returned: not submitted any more
    assert (rows["an-bien"].state, rows["an-bien"].late) == ("missing", True)


def test_completeness_defaults_to_the_open_period(client, progress):
    client.force_login(progress.reviewer)
    response = client.get(reverse("reports:completeness"))
    assert response.status_code == 200
    page = text(response)
    assert "Tình hình nộp báo cáo 2014" in page
    assert "Hạn nộp: 15/1/2015" in page
    rows = {r[0]: r for r in table_rows(response, "tien-do-title")}
    assert rows["Rạch Giá"][1:] == [
        "Huyện, thị, thành Đoàn",
        "Đã duyệt",
        "10/1/2015",
        "15/1/2015",
    ] + ["Đúng hạn"]
    assert rows["Hà Tiên"][2:] == ["Chờ duyệt", "20/1/2015", "15/1/2015", "Trễ hạn"]
    assert rows["Công an tỉnh"][2] == "Nháp"
    assert rows["An Biên"][2] == "Chưa có báo cáo"
    groups = {r[0]: r[1:] for r in _group_rows(response)}
    districts = Unit.objects.filter(kind__in=Unit.DISTRICT_LEVEL).count()
    assert groups["Huyện, thị, thành Đoàn"][:6] == [str(districts - 3), "0", "1", "1", "1"] + [
        str(districts)
    ]


def _group_rows(response):
    import html5lib

    tree = html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)
    for table in tree.iter("table"):
        caption = table.find("caption")
        if caption is not None and "theo tình trạng và nhóm" in "".join(caption.itertext()):
            return [
                ["".join(th.itertext()).strip() for th in tr.findall("th")]
                + ["".join(td.itertext()).strip() for td in tr.findall("td")]
                for tr in table.iter("tr")
                if tr.findall("td")
            ]
    raise AssertionError("no group table")


def test_who_has_not_reported_is_one_click_from_the_header(client, progress):
    client.force_login(progress.viewer)
    page = client.get(reverse("reports:overview")).content.decode()
    link = reverse("reports:completeness") + "?period=2014&amp;state=chua-nop"
    assert f'<a href="{link}"' in page and "Chưa nộp 2014" in page
    response = client.get(reverse("reports:completeness"), {"period": "2014", "state": "chua-nop"})
    names = [r[0] for r in table_rows(response, "tien-do-title")]
    assert "Rạch Giá" not in names and "Hà Tiên" not in names and "Quân sự tỉnh" not in names
    assert {"Kiên Lương", "Công an tỉnh", "An Biên"} <= set(names)
    assert "Đơn vị chưa nộp báo cáo 2014" in text(response)
    export = client.get(
        reverse("reports:completeness"),
        {"period": "2014", "state": "chua-nop", "export": "tien-do", "format": "csv"},
    )
    lines = csv_rows(export)
    assert [line[0] for line in lines[1:]] == names


def test_secretaries_get_no_progress_link_in_the_header(client, progress):
    client.force_login(progress.secretary_a)
    page = client.get(reverse("movements:entry")).content.decode()
    assert "state=chua-nop" not in page


def test_the_provincial_landing_page_shows_the_progress_with_a_link(client, progress):
    client.force_login(progress.reviewer)
    response = client.get(reverse("reports:overview"))
    page = text(response)
    assert "Tình hình nộp báo cáo 2014" in page
    districts = Unit.objects.filter(kind__in=Unit.DISTRICT_LEVEL).count()
    branches = Unit.objects.filter(kind=Unit.Kind.BRANCH).count()
    assert f"Xem {districts + branches - 3} đơn vị chưa nộp" in page
    client.force_login(progress.secretary_a)
    assert "Tình hình nộp báo cáo 2014" not in text(client.get(reverse("reports:overview")))


def test_years_chosen_still_give_units_by_periods(client, progress):
    client.force_login(progress.reviewer)
    response = client.get(reverse("reports:completeness"), {"start": "2012", "end": "2013"})
    assert response.status_code == 200
    assert table_rows(response, "tinh-hinh-nop-title")
    response = client.get(reverse("reports:completeness"), {"period": "nhieu-ky"})
    assert table_rows(response, "tinh-hinh-nop-title")


def test_without_an_open_period_completeness_shows_the_stage(client, seed, cast):
    client.force_login(cast.reviewer)
    response = client.get(reverse("reports:completeness"))
    assert table_rows(response, "tinh-hinh-nop-title")
    assert "state=chua-nop" not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "2031"}, "Không có kỳ báo cáo “2031”."),
        ({"period": "2014-H1"}, "Không có kỳ báo cáo “2014-H1”."),
        ({"period": "2014", "state": "xyz"}, "Tình trạng “xyz” không hợp lệ."),
    ],
)
def test_bad_progress_parameters_give_a_clear_message(client, progress, params, message):
    client.force_login(progress.reviewer)
    response = client.get(reverse("reports:completeness"), params)
    assert response.status_code == 400
    assert message in text(response)


def test_a_secretary_sees_only_their_units_progress(client, progress):
    client.force_login(progress.secretary_b)
    response = client.get(reverse("reports:completeness"), {"period": "2014"})
    assert [r[0] for r in table_rows(response, "tien-do-title")] == ["Công an tỉnh"]


def _more_districts(period, seed, count: int, status: str) -> None:
    province = Unit.objects.get(code="kien-giang")
    for i in range(count):
        unit = Unit.objects.create(
            code=f"huyen-moi-{i}",
            name=f"Huyện {i}",
            short_name=f"H{i}",
            kind="district",
            parent=province,
        )
        make_report(unit, period, seed, status=status)


@pytest.mark.parametrize("extra", [2, 8])
def test_progress_pages_run_a_fixed_number_of_queries(
    client, progress, seed, django_assert_num_queries, extra
):
    _more_districts(progress.period, seed, extra, Report.Status.SUBMITTED)
    client.force_login(progress.reviewer)
    # session, user, scope (memberships with their units), movements, the years that have
    # periods and the stages, periods, counts (2), the page of units (count and rows), header
    # link, demo flag, header menu (1)
    with django_assert_num_queries(14):
        response = client.get(reverse("reports:completeness"))
    assert response.status_code == 200
    with django_assert_num_queries(14):
        response = client.get(
            reverse("reports:completeness"), {"period": "2014", "state": "chua-nop"}
        )
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [2, 8])
def test_the_landing_page_counts_progress_in_a_fixed_number_of_queries(
    client, progress, seed, django_assert_num_queries, extra
):
    _more_districts(progress.period, seed, extra, Report.Status.APPROVED)
    client.force_login(progress.reviewer)
    # The overview's 31 (test_dashboard.PAGE_QUERIES) and the open period's counts (2).
    with django_assert_num_queries(33):
        response = client.get(reverse("reports:overview"))
    assert response.status_code == 200


def test_the_period_is_named_once_in_the_pages_headings(client, progress):
    import html5lib

    client.force_login(progress.reviewer)
    response = client.get(reverse("reports:completeness"))
    tree = html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)
    headings = [
        " ".join("".join(h.itertext()).split())
        for h in tree.iter()
        if h.tag in {"h1", "h2", "h3", "h4"} and "".join(h.itertext()).startswith("Tình hình nộp")
    ]
    assert headings == ["Tình hình nộp báo cáo 2014", "Tình hình nộp báo cáo 2014 — Kiên Giang"]
    assert 'aria-label="Tình hình nộp báo cáo 2014"' in response.content.decode()


def _filters(response) -> tuple[bool, list[str]]:
    """Whether the filters are open, and the names of their fields in order."""
    html = response.content.decode()
    details = re.search(
        r'<details class="filters-toggle no-print"( open)?>(.*?)</details>', html, re.S
    )
    assert details, "the filters are folded in <details>"
    return bool(details.group(1)), re.findall(r'<div class="field field-(\w+)">', details.group(2))


def test_the_filters_fold_and_put_the_years_after_the_period_they_belong_to(client, progress):
    client.force_login(progress.reviewer)
    response = client.get(reverse("reports:completeness"), {"state": "chua-nop"})
    opened, fields = _filters(response)
    assert not opened
    assert fields == ["movement", "period", "start", "end", "state"]
    html = response.content.decode()
    assert '<label for="id_start">Nhiều kỳ: từ năm:</label>' in html
    # The link to a stage shows the stage's periods, not the period chosen.
    links = re.findall(r'<p class="stage-links small">(.*?)</p>', html, re.S)[0]
    hrefs = re.findall(r'href="([^"]*)"', links)
    assert hrefs and all("period=nhieu-ky" in href for href in hrefs)
    assert "period=2014" not in links
    stage = re.search(r'href="\?([^"]*start=2009[^"]*)"', links).group(1).replace("&amp;", "&")
    response = client.get(reverse("reports:completeness") + "?" + stage)
    assert "Tình hình nộp báo cáo, 2009–2013" in text(response)
    assert table_rows(response, "tinh-hinh-nop-title")


def test_a_wrong_choice_opens_the_filters(client, progress):
    client.force_login(progress.reviewer)
    response = client.get(reverse("reports:completeness"), {"period": "2031"})
    assert response.status_code == 400
    assert _filters(response)[0]


def test_the_list_of_one_state_folds_the_counts_by_group_and_links_no_further(client, progress):
    client.force_login(progress.reviewer)
    whole = client.get(reverse("reports:completeness")).content.decode()
    listed = client.get(reverse("reports:completeness"), {"state": "chua-nop"}).content.decode()
    summary = '<details class="table-details"><summary>Số đơn vị theo tình trạng và nhóm</summary>'
    assert summary not in whole and summary in listed
    assert "state=chua-nop" in whole.split("<main")[1]
    assert "Xem 18 đơn vị chưa nộp" not in listed and "đơn vị chưa nộp</a>" not in listed
    # The counts by group are still there, one click away.
    assert _group_rows(client.get(reverse("reports:completeness"), {"state": "chua-nop"}))
