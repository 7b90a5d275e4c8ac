"""Like with like: each year's coverage, changes over the units with the figure in both years,
rates per 100 over the units with members at the end — the selectors against sums written by
hand in SQL, over the demo data with 2014 half reported and over random data (a second
province, blanks, a unit closed mid-stage); and the overview's cards as a reader sees them."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

import pytest
from django.db import connection

from movements.formatting import format_change
from movements.models import Indicator, Movement, Report, Unit
from movements.services.demo import demo_open_period
from reports.selectors import Subject, like_for_like, rate_bases, year_coverage
from tests.factories import make_report

pytestmark = pytest.mark.django_db

COUNTED = "('approved', 'submitted')"


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def sql_like_for_like(movement, unit: Unit, code: str, first: int, last: int):
    """{year: (sum, units)} of `code` in `first` and `last` over the units of `unit`'s subtree
    whose approved or submitted reports have a value of it in both years, by hand."""
    rows = _fetch(
        f"""
        SELECT p.year, SUM(v.value), COUNT(DISTINCT r.unit_id)
        FROM movements_value v
        JOIN movements_indicator i ON i.id = v.indicator_id
        JOIN movements_report r ON r.id = v.report_id
        JOIN movements_period p ON p.id = r.period_id
        JOIN movements_unit u ON u.id = r.unit_id
        WHERE i.code = %s AND r.movement_id = %s AND r.status IN {COUNTED}
          AND p.kind = 'year' AND p.year IN (%s, %s) AND u.path LIKE %s
          AND r.unit_id IN (
              SELECT r2.unit_id FROM movements_value v2
              JOIN movements_report r2 ON r2.id = v2.report_id
              JOIN movements_period p2 ON p2.id = r2.period_id
              WHERE v2.indicator_id = i.id AND r2.movement_id = r.movement_id
                AND r2.status IN {COUNTED} AND p2.kind = 'year' AND p2.year = %s)
          AND r.unit_id IN (
              SELECT r3.unit_id FROM movements_value v3
              JOIN movements_report r3 ON r3.id = v3.report_id
              JOIN movements_period p3 ON p3.id = r3.period_id
              WHERE v3.indicator_id = i.id AND r3.movement_id = r.movement_id
                AND r3.status IN {COUNTED} AND p3.kind = 'year' AND p3.year = %s)
        GROUP BY p.year
        """,
        [code, movement.pk, first, last, unit.path + "%", first, last],
    )
    return {year: (int(total), units) for year, total, units in rows}


def sql_rate(movement, child: Unit, code: str, start: int, end: int):
    """(stage total of `code`, members at `end`, units) over the units of `child`'s subtree
    that reported a member count for `end`, by hand (a stock counts its end year only)."""
    base = f"""
        FROM movements_value v
        JOIN movements_indicator i ON i.id = v.indicator_id
        JOIN movements_report r ON r.id = v.report_id
        JOIN movements_period p ON p.id = r.period_id
        JOIN movements_unit u ON u.id = r.unit_id
        WHERE r.movement_id = %s AND r.status IN {COUNTED} AND p.kind = 'year'
          AND u.path LIKE %s AND r.unit_id IN (
              SELECT r2.unit_id FROM movements_value v2
              JOIN movements_indicator i2 ON i2.id = v2.indicator_id
              JOIN movements_report r2 ON r2.id = v2.report_id
              JOIN movements_period p2 ON p2.id = r2.period_id
              WHERE i2.code = 'doan-vien' AND r2.movement_id = r.movement_id
                AND r2.status IN {COUNTED} AND p2.kind = 'year' AND p2.year = %s)
    """
    params = [movement.pk, child.path + "%", end]
    total = _fetch(
        f"""SELECT SUM(v.value) {base} AND i.code = %s AND p.year BETWEEN %s AND %s
            AND (i.aggregation = 'sum' OR p.year = %s)""",
        [*params, code, start, end, end],
    )[0][0]
    members, units = _fetch(
        f"SELECT SUM(v.value), COUNT(DISTINCT r.unit_id) {base} "
        "AND i.code = 'doan-vien' AND p.year = %s",
        [*params, end],
    )[0]
    return (
        (None if total is None else int(total)),
        (None if members is None else int(members)),
        units,
    )


def _subject(movement, unit, first, last):
    return Subject.of(
        movement=movement, unit=unit, start_year=first, end_year=last, include_submitted=True
    )


def _check_against_sql(movement: Movement, unit: Unit, first: int, last: int) -> int:
    """Every stored indicator's like-for-like pair equals the SQL; returns how many differ
    from the plain totals (so that a test can say the comparison was not trivial)."""
    indicators = list(
        Indicator.objects.filter(movement=movement).select_related("numerator", "denominator")
    )
    found = like_for_like(
        subject=_subject(movement, unit, first, last), indicators=indicators, first=first, last=last
    )
    checked = 0
    for indicator in indicators:
        if indicator.kind == Indicator.Kind.RATIO:
            continue
        expected = sql_like_for_like(movement, unit, indicator.code, first, last)
        pair = found.pair(indicator.code)
        assert pair == (
            expected.get(first, (None,))[0],
            expected.get(last, (None,))[0],
        ), indicator.code
        assert found.units.get(indicator.code, 0) == expected.get(last, (0, 0))[1]
        checked += 1
    return checked


@pytest.fixture
def half_reported(demo) -> Movement:
    """The demo data with its open period, 2014: a few units submitted, others not."""
    demo_open_period()
    return demo


def test_a_change_into_a_half_reported_year_sums_only_the_units_with_both_years(
    half_reported, units
):
    """Demo 2014: 6 of 24 units submitted; the change 2013 → 2014 is over those 6, and the 18
    others are counted as left out."""
    demo = half_reported
    assert _check_against_sql(demo, units.kien_giang, 2013, 2014) > 10
    found = like_for_like(
        subject=_subject(demo, units.kien_giang, 2013, 2014),
        indicators=list(Indicator.objects.filter(movement=demo, code="hoi-nghi-trien-khai")),
        first=2013,
        last=2014,
    )
    submitted = Report.objects.filter(
        movement=demo, period__year=2014, status=Report.Status.SUBMITTED
    ).count()
    assert 0 < found.both == submitted < 24
    assert found.only_first_count == 24 - submitted
    assert len(found.only_first) == min(12, 24 - submitted)
    assert found.only_last_count == 0


def _random_world(demo, units, rng: random.Random) -> Unit:
    """A second province with districts and grassroots, reporting at random over 2011–2014:
    some years missing, some figures blank, one district closed on 30/6/2013 (it reports
    2013 and not after), statuses counted and not."""
    province = Unit.objects.create(code="tinh-hai", name="Tỉnh Đoàn Hai", kind=Unit.Kind.PROVINCE)
    codes = ["hoi-nghi-trien-khai", "doan-vien", "cbcc-chung-chi", "dem-van-nghe"]
    codes = [c for c in codes if Indicator.objects.filter(movement=demo, code=c).exists()]
    for d in range(4):
        district = Unit.objects.create(
            code=f"huyen-{d}",
            name=f"Huyện Đoàn {d}",
            kind=Unit.Kind.DISTRICT,
            parent=province,
            valid_to=dt.date(2013, 6, 30) if d == 3 else None,
        )
        members = [district] + [
            Unit.objects.create(
                code=f"co-so-{d}-{g}",
                name=f"Cơ sở {d}-{g}",
                kind=Unit.Kind.GRASSROOTS,
                parent=district,
            )
            for g in range(2)
        ]
        for member in members:
            for year in range(2011, 2015):
                if (d == 3 and year > 2013) or rng.random() < 0.25:
                    continue
                status = rng.choice(
                    [Report.Status.APPROVED] * 3 + [Report.Status.SUBMITTED, Report.Status.DRAFT]
                )
                values = {c: rng.randint(0, 60) for c in codes if rng.random() > 0.15}
                make_report(member, year, demo, status=status, values=values)
    return province


@pytest.mark.parametrize("seed_number", [1, 2, 3])
def test_changes_and_rates_over_random_data_equal_hand_written_sql(demo, units, seed_number):
    rng = random.Random(seed_number)
    province = _random_world(demo, units, rng)
    for unit in [province, *province.children.all()]:
        for first, last in [(2011, 2014), (2012, 2013), (2013, 2014)]:
            _check_against_sql(demo, unit, first, last)
    indicators = list(
        Indicator.objects.filter(movement=demo, code__in=["hoi-nghi-trien-khai", "cbcc-chung-chi"])
    )
    members = Indicator.objects.get(movement=demo, code="doan-vien")
    children = list(province.children.all())
    for start, end in [(2011, 2014), (2011, 2013), (2014, 2014)]:
        bases = rate_bases(
            subject=_subject(demo, province, start, end),
            indicators=indicators,
            members=members,
            children=children,
        )
        for child in children:
            for indicator in indicators:
                total, members_sum, counted = sql_rate(demo, child, indicator.code, start, end)
                base = bases.get((indicator.code, child.code))
                if counted == 0:
                    assert base is None
                    continue
                assert (base.total, base.members, base.units) == (total, members_sum, counted)
                if members_sum:
                    assert base.per_hundred == Decimal(total or 0) * 100 / Decimal(members_sum)


def test_coverage_counts_the_units_due_and_the_units_counted_each_year(demo, units):
    rng = random.Random(7)
    province = _random_world(demo, units, rng)
    coverage = year_coverage(subject=_subject(demo, province, 2011, 2014))
    for year, found in coverage.items():
        due = _fetch(
            """SELECT COUNT(*) FROM movements_unit WHERE path LIKE %s AND parent_id IS NOT NULL
               AND (valid_from IS NULL OR valid_from <= %s)
               AND (valid_to IS NULL OR valid_to >= %s)""",
            [province.path + "%", dt.date(year, 12, 31), dt.date(year, 1, 1)],
        )[0][0]
        counted = _fetch(
            f"""SELECT COUNT(DISTINCT r.unit_id) FROM movements_report r
                JOIN movements_period p ON p.id = r.period_id
                JOIN movements_unit u ON u.id = r.unit_id
                WHERE u.path LIKE %s AND r.status IN {COUNTED} AND p.year = %s
                  AND r.movement_id = %s""",
            [province.path + "%", year, demo.pk],
        )[0][0]
        assert (found.due, found.counted) == (due, counted), year
    assert coverage[2014].due == 11  # the district closed on 30/6/2013 is not due in 2014


def _cards(client, query: str) -> str:
    page = client.get("/" + query).content.decode()
    start = page.index('class="muted counted"')
    text = re.sub(r"<[^>]+>", " ", page[start : page.index("summary-row", start)])
    return re.sub(r"\s+", " ", text)


def test_the_overview_of_a_half_reported_year_states_coverage_and_no_change(
    client, half_reported, cast
):
    demo = half_reported
    client.force_login(cast.reviewer)
    text = _cards(client, "?unit=kien-giang&start=2013&end=2014&submitted=on")
    submitted = Report.objects.filter(movement=demo, period__year=2014, status="submitted").count()
    assert f"2014: {submitted}/24 (tạm tính)" in text
    assert f"Chưa so sánh 2013 với 2014: {submitted}/24 đơn vị đã nộp 2014, cần ít nhất 80%" in text
    cards = text.split("Tóm tắt")[1]
    assert cards.count(f"2013 → 2014: chưa đủ số liệu ({submitted}/24 đơn vị)") == 5
    assert "%)" not in cards  # no change stated
    raw = _cards(client, "?unit=kien-giang&start=2013&end=2014&submitted=on&raw=on")
    assert "tổng thô" in raw and "chưa đủ số liệu" not in raw


def test_under_a_lower_threshold_the_change_is_the_one_over_the_units_in_both(
    client, half_reported, cast
):
    demo = half_reported
    Movement.objects.filter(pk=demo.pk).update(comparison_threshold=20)
    client.force_login(cast.reviewer)
    text = _cards(client, "?unit=kien-giang&start=2013&end=2014&submitted=on")
    expected = sql_like_for_like(demo, cast.province, "hoi-nghi-trien-khai", 2013, 2014)
    (before, units), (after, _units) = expected[2013], expected[2014]
    change = format_change(after - before, "count", "cuộc")
    assert f"2013 → 2014, trên {units} đơn vị có số liệu cả hai năm: {change}" in text
    assert f"Không tính {24 - units} đơn vị chỉ có báo cáo 2013" in text


def test_rates_of_a_half_reported_range_divide_by_the_members_of_the_same_units(
    half_reported, units
):
    """2013–2014 with 6 of 24 units in 2014: each district's and branch's count per 100 members
    is over the units that reported members for 2014 only (summed from their own values, the
    smaller side here), and a unit without them has no rate."""
    demo = half_reported
    indicators = list(Indicator.objects.filter(movement=demo, code="hoi-nghi-trien-khai"))
    members = Indicator.objects.get(movement=demo, code="doan-vien")
    children = list(units.kien_giang.children.all())
    bases = rate_bases(
        subject=_subject(demo, units.kien_giang, 2013, 2014),
        indicators=indicators,
        members=members,
        children=children,
    )
    with_rates = 0
    for child in children:
        total, members_sum, counted = sql_rate(demo, child, "hoi-nghi-trien-khai", 2013, 2014)
        base = bases.get(("hoi-nghi-trien-khai", child.code))
        if counted == 0:
            assert base is None
            continue
        with_rates += 1
        assert (base.total, base.members, base.units) == (total, members_sum, counted)
    assert 0 < with_rates < len(children)
