"""Groups as comparisons: districts against branches (and the units under any parent) on one
indicator — the selector against sums written independently in SQL, the page, its chart, its
exports, bad input and query counts."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from movements.models import Indicator, Report, Unit
from reports.selectors import Subject, group_comparison
from tests.factories import make_report
from tests.reports.test_exports import as_in_csv, csv_rows

pytestmark = pytest.mark.django_db

GROUP_OF_KIND = """CASE WHEN c.kind IN ('city', 'town', 'district') THEN 'district'
                        ELSE c.kind END"""


def sql_groups(movement, parent: Unit, code: str, start: int, end: int, *, stage: bool):
    """{(group, year or None): (sum, units with a value)} of approved values of `code`, by the
    kind of the child of `parent` whose subtree did the work, written by hand. For the stage,
    a stock ('last') counts only in the last year."""
    year_part = "NULL" if stage else "p.year"
    last_only = "AND (i.aggregation = 'sum' OR p.year = %s)" if stage else ""
    params = [parent.pk, code, movement.pk, start, end] + ([end] if stage else [])
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT {GROUP_OF_KIND} AS grp, {year_part} AS yr,
                   SUM(v.value), COUNT(DISTINCT c.id)
            FROM movements_value v
            JOIN movements_indicator i ON i.id = v.indicator_id
            JOIN movements_report r ON r.id = v.report_id
            JOIN movements_period p ON p.id = r.period_id
            JOIN movements_unit u ON u.id = r.unit_id
            JOIN movements_unit c ON c.parent_id = %s AND u.path LIKE c.path || '%%'
            WHERE i.code = %s AND r.movement_id = %s AND r.status = 'approved'
              AND p.kind = 'year' AND p.year BETWEEN %s AND %s {last_only}
            GROUP BY {GROUP_OF_KIND}{"" if stage else ", p.year"}
            """,
            params,
        )
        return {(row[0], row[1]): (int(row[2]), int(row[3])) for row in cursor.fetchall()}


@pytest.fixture
def groups_world(demo, units):
    """The demo data, two grassroots units under Rạch Giá with their own approved figures, and
    reports that must not count: submitted, draft, and outside the years."""
    for number in (1, 2):
        grassroots = Unit.objects.create(
            code=f"co-so-{number}",
            name=f"Chi đoàn cơ quan {number}",
            short_name=f"Cơ sở {number}",
            kind=Unit.Kind.GRASSROOTS,
            parent=units.rach_gia,
        )
        for year in (2010, 2012):
            make_report(
                grassroots,
                year,
                demo,
                values={
                    "hoi-nghi-trien-khai": 3 * number + year % 7,
                    "doan-vien": 40 + number,
                    "cbcc-chung-chi": 9,
                    "cbcc-thanh-thao-may-tinh": number,
                },
            )
    make_report(
        units.ha_tien, 2014, demo, status=Report.Status.APPROVED, values={"hoi-nghi-trien-khai": 7}
    )
    make_report(
        Unit.objects.get(code="co-so-1"),
        2011,
        demo,
        status=Report.Status.SUBMITTED,
        values={"hoi-nghi-trien-khai": 1000},
    )
    make_report(
        Unit.objects.get(code="co-so-2"),
        2011,
        demo,
        status=Report.Status.DRAFT,
        values={"hoi-nghi-trien-khai": 2000},
    )
    return demo


def _indicator(movement, code):
    return Indicator.objects.select_related("numerator", "denominator").get(
        movement=movement, code=code
    )


@pytest.mark.parametrize("parent_code", ["kien-giang", "rach-gia"])
@pytest.mark.parametrize(
    "code", ["hoi-nghi-trien-khai", "doan-vien", "cbcc-chung-chi", "ty-le-thanh-thao-may-tinh"]
)
def test_group_comparison_agrees_with_sums_written_in_sql(groups_world, parent_code, code):
    movement = groups_world
    parent = Unit.objects.get(code=parent_code)
    children = list(Unit.objects.filter(parent=parent).order_by("sort_order", "path"))
    indicator = _indicator(movement, code)
    members = _indicator(movement, "doan-vien")
    result = group_comparison(
        subject=Subject.of(movement=movement, unit=parent, start_year=2009, end_year=2013),
        units=children,
        indicator=indicator,
        members=members,
    )
    expected_groups = (
        ["district", "branch", "all"] if parent_code == "kien-giang" else ["grassroots"]
    )
    assert [r.group for r in result.rows] == expected_groups
    parts = [indicator.numerator.code, indicator.denominator.code] if indicator.numerator else []
    for stage in (False, True):
        main = sql_groups(movement, parent, parts[0] if parts else code, 2009, 2013, stage=stage)
        denominators = (
            sql_groups(movement, parent, parts[1], 2009, 2013, stage=stage) if parts else {}
        )
        people = sql_groups(movement, parent, "doan-vien", 2009, 2013, stage=stage)
        for row in result.rows:
            groups = (
                [g for g in expected_groups if g != "all"] if row.group == "all" else [row.group]
            )
            assert row.units == [
                u for u in children if row.group == "all" or u.peer_group in groups
            ]
            periods = [None] if stage else list(range(2009, 2014))
            for year in periods:
                figures = row.stage if stage else row.years[year]

                def summed(source, groups=groups, year=year):
                    found = [source[(g, year)] for g in groups if (g, year) in source]
                    return (sum(s for s, _ in found), sum(n for _, n in found)) if found else None

                people_sum = summed(people)
                assert figures.members == (people_sum[0] if people_sum else None)
                if parts:
                    numerator, denominator = summed(main), summed(denominators)
                    if denominator and denominator[0]:
                        assert figures.total == Decimal(numerator[0] if numerator else 0) * 100 / (
                            Decimal(denominator[0])
                        )
                    else:
                        assert figures.total is None
                    assert figures.average is None and figures.per_hundred is None
                    continue
                total = summed(main)
                if total is None:
                    assert figures.total is None and figures.reporting == 0
                    continue
                assert (figures.total, figures.reporting) == total
                assert figures.average == Decimal(total[0]) / total[1]
                if people_sum and people_sum[0]:
                    # The raw sums; the rate over the same units: test_like_with_like.py.
                    assert figures.raw_per_hundred == (
                        Decimal(total[0]) * 100 / Decimal(people_sum[0])
                    )


def test_group_rate_is_the_ratio_of_sums_not_the_average_of_rates(seed, units):
    make_report(units.rach_gia, 2012, seed, values={"hoi-nghi-trien-khai": 1, "doan-vien": 100})
    make_report(units.ha_tien, 2012, seed, values={"hoi-nghi-trien-khai": 30, "doan-vien": 900})
    make_report(units.cong_an, 2012, seed, values={"hoi-nghi-trien-khai": 2, "doan-vien": 3})
    result = group_comparison(
        subject=Subject.of(movement=seed, unit=units.kien_giang, start_year=2012, end_year=2012),
        units=[units.rach_gia, units.ha_tien, units.cong_an],
        indicator=_indicator(seed, "hoi-nghi-trien-khai"),
        members=_indicator(seed, "doan-vien"),
    )
    district, branch, everyone = result.rows
    # 31 / 1000 × 100 = 3,1 (the average of 1 % and 3,33 % would be 2,17 %).
    assert district.years[2012].per_hundred == Decimal("3.1")
    assert district.stage.per_hundred == Decimal("3.1")
    assert district.years[2012].average == Decimal("15.5")
    assert (district.stage.units, district.stage.reporting) == (2, 2)
    # 2 / 3 × 100, exact: not rounded before it is shown.
    assert branch.stage.per_hundred == Decimal(200) / Decimal(3)
    assert everyone.stage.total == 33 and everyone.stage.members == 1003


def reference_lines(page: str) -> dict[str, float]:
    """The ranking chart's group lines: {legend name: x}."""
    source = re.search(r'id="bieu-do-xep-hang-data"[^>]*>(.*?)</script>', page).group(1)
    traces = json.loads(source)["data"]
    return {t["name"]: t["x"][0] for t in traces if t["type"] == "scatter"}


def test_compare_shows_districts_against_branches_with_chart_and_exports(client, seed, cast, units):
    make_report(units.rach_gia, 2012, seed, values={"hoi-nghi-trien-khai": 1, "doan-vien": 100})
    make_report(units.ha_tien, 2012, seed, values={"hoi-nghi-trien-khai": 30, "doan-vien": 900})
    make_report(units.cong_an, 2012, seed, values={"hoi-nghi-trien-khai": 2, "doan-vien": 3})
    client.force_login(cast.reviewer)
    url = reverse("reports:compare")
    params = {"indicator": "hoi-nghi-trien-khai", "start": "2012", "end": "2012", "per": "100dv"}
    response = client.get(url, params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "So sánh theo nhóm đơn vị" in page
    figure = json.loads(re.search(r'id="bieu-do-nhom-data"[^>]*>(.*?)</script>', page).group(1))
    legend = [t["name"] for t in figure["data"] if t.get("showlegend", True)]
    assert legend == ["Huyện, thị, thành Đoàn", "Đoàn trực thuộc"]
    # 2012 is provisional (3 of the units due reported): each group's points are the last
    # trace of its name, open, their hover text saying so.
    points = {t["name"]: t for t in figure["data"]}
    assert points["Huyện, thị, thành Đoàn"]["y"] == [3.1]
    assert points["Đoàn trực thuộc"]["y"] == [float(Decimal(200) / 3)]
    due = Unit.objects.filter(parent__isnull=False).count()
    assert points["Đoàn trực thuộc"]["customdata"] == [
        f"66,7 cuộc / 100 đoàn viên (2012: 3/{due} đơn vị — tạm tính)"
    ]
    # The ranking marks each group's pooled rate, from the sums: (1 + 30) * 100 / 1000 and
    # 2 * 100 / 3; without per 100 members, each group's average per unit that reported.
    assert reference_lines(page) == {
        "Cả nhóm Huyện, thị, thành Đoàn: 3,1": 3.1,
        "Cả nhóm Đoàn trực thuộc: 66,7": float(Decimal(200) / 3),
    }
    absolute = client.get(url, {**params, "per": "tong"}).content.decode()
    assert reference_lines(absolute) == {
        "Bình quân Huyện, thị, thành Đoàn: 15,5": 15.5,
        "Bình quân Đoàn trực thuộc: 2": 2.0,
    }
    # The table: rounded for display only.
    assert "66,7" in page and "15,5" in page

    response = client.get(url, {**params, "export": "theo-nhom", "format": "csv"})
    lines = csv_rows(response)
    assert lines[0] == [
        "Nhóm đơn vị",
        "Năm",
        "Số đơn vị",
        "Số đơn vị có số liệu",
        "Tổng",
        "Bình quân một đơn vị",
        "Số đoàn viên",
        "Trên 100 đoàn viên",
        "Số đơn vị tính trên 100 đoàn viên",
        "Báo cáo đã tính",
        "Báo cáo phải nộp",
        "Thay đổi năm đầu → năm cuối (cùng đơn vị)",
        "Thay đổi (%)",
        "Thay đổi trên 100 đoàn viên",
        "Số đơn vị so sánh",
        "Ghi chú",
    ]
    provisional = f"2012 (tạm tính, 3/{due})"
    branch_2012 = next(r for r in lines if r[0] == "Đoàn trực thuộc" and r[1] == provisional)
    assert Decimal(branch_2012[7]) == as_in_csv(Decimal(200) / Decimal(3))
    branches = Unit.objects.filter(kind=Unit.Kind.BRANCH).count()
    assert branch_2012[2:7] == [str(branches), "1", "2", "2", "3"]

    response = client.get(url, {**params, "export": "theo-nhom", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    district_2012 = next(
        r for r in rows if r[0] == "Huyện, thị, thành Đoàn" and r[1] == provisional
    )
    assert district_2012[3:8] == [2, 31, 15.5, 1000, 3.1]
    xlsx_branch = next(r for r in rows if r[0] == "Đoàn trực thuộc" and r[1] == provisional)
    assert xlsx_branch[7] == pytest.approx(200 / 3, abs=1e-12)


def test_compare_groups_a_ratio_indicator_from_summed_parts(client, seed, cast, units):
    make_report(
        units.rach_gia,
        2012,
        seed,
        values={"cbcc-chung-chi": 10, "cbcc-thanh-thao-may-tinh": 1},
    )
    make_report(
        units.ha_tien, 2012, seed, values={"cbcc-chung-chi": 990, "cbcc-thanh-thao-may-tinh": 990}
    )
    client.force_login(cast.reviewer)
    response = client.get(
        reverse("reports:compare"),
        {
            "indicator": "ty-le-thanh-thao-may-tinh",
            "start": "2012",
            "end": "2012",
            "export": "theo-nhom",
            "format": "csv",
        },
    )
    lines = csv_rows(response)
    assert lines[0][4] == "Tỷ lệ của nhóm"
    district = next(
        r for r in lines if r[0] == "Huyện, thị, thành Đoàn" and r[1].startswith("2012 (tạm tính")
    )
    # 991 / 1000, not the average of 10 % and 100 %.
    assert Decimal(district[4]) == Decimal("99.1")


def test_compare_groups_the_units_under_a_district(client, seed, cast, units):
    grassroots = [
        Unit.objects.create(
            code=f"co-so-{n}",
            name=f"Chi đoàn {n}",
            short_name=f"CĐ {n}",
            kind="grassroots",
            parent=units.rach_gia,
        )
        for n in (1, 2)
    ]
    make_report(grassroots[0], 2012, seed, values={"hoi-nghi-trien-khai": 4})
    make_report(units.rach_gia, 2012, seed, values={"hoi-nghi-trien-khai": 50})
    client.force_login(cast.reviewer)
    response = client.get(
        reverse("reports:compare"),
        {"parent": "rach-gia", "indicator": "hoi-nghi-trien-khai", "start": "2012", "end": "2012"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "CĐ 1" in page and "CĐ 2" in page and "Hà Tiên" not in page
    response = client.get(
        reverse("reports:compare"),
        {
            "parent": "rach-gia",
            "indicator": "hoi-nghi-trien-khai",
            "start": "2012",
            "end": "2012",
            "export": "theo-nhom",
            "format": "csv",
        },
    )
    lines = csv_rows(response)
    # The district's own report (50) is in no group of its units.
    # 2012 is provisional under Rạch Giá: the district and one of its two units reported.
    assert lines[1][:5] == ["Cơ sở Đoàn", "2012 (tạm tính, 2/3)", "2", "1", "4"]


@pytest.mark.parametrize("parent", ["khong-co", "cong-an"])
def test_a_parent_outside_the_scope_or_without_units_is_refused(client, seed, cast, parent):
    client.force_login(cast.secretary_a)
    response = client.get(reverse("reports:compare"), {"parent": parent})
    assert response.status_code == 400
    assert "có đơn vị trực thuộc mà tài khoản của bạn được xem" in response.content.decode()


@pytest.mark.parametrize("extra", [2, 9])
def test_groups_under_a_parent_run_a_fixed_number_of_queries(
    client, seed, cast, units, django_assert_num_queries, extra
):
    for n in range(extra):
        unit = Unit.objects.create(
            code=f"co-so-{n}",
            name=f"Chi đoàn {n}",
            short_name=f"CĐ {n}",
            kind="grassroots",
            parent=units.rach_gia,
        )
        for year in (2011, 2012):
            make_report(unit, year, seed, values={"hoi-nghi-trien-khai": n, "doan-vien": 10})
    client.force_login(cast.reviewer)
    # session, user, scope (memberships with their units), the parent, its units, the parents
    # offered, movements, the years that have periods and the stages, indicators, filtered
    # units, the ranking's stored totals (which the groups reuse), the header's progress link,
    # demo flag, the header's menu (1); and like with like (+5, shared by the ranking and the
    # groups): the units due and counted each year (2), the rates per 100 members over the
    # stage and each year (1, from the same values), the changes and the changes per 100
    # members (2)
    with django_assert_num_queries(22):  # and the parent's coverage (2)
        response = client.get(reverse("reports:compare"), {"parent": "rach-gia", "per": "100dv"})
    assert response.status_code == 200
