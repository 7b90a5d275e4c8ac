"""Comparisons that never mislead (issue 22): every change and every rate per 100 members on
/compare/ and in the group comparisons — the page's exports, the figures the page shows — equals
a sum written by hand in SQL over the same units in both periods; units without a member count
at the end year are listed with why; a change is not stated when too few units are counted; the
raw switch gives back the plain sums; coverage words wherever a figure spans units.

Over the demo data with 2014 half reported (some approved, one submitted, one without its
member count), and over random data in a second province (grassroots, a unit merged mid-stage,
units without members in the end year, blanks everywhere)."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from movements.models import Indicator, Membership, Movement, Report, Unit
from reports.selectors import Subject, child_figures, indicator_totals, unit_comparison
from tests.factories import make_report, make_user
from tests.reports.test_exports import as_in_csv, csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db

MEMBERS = "doan-vien"
COUNT = "hoi-nghi-trien-khai"  # a flow, summed over years
STOCK = "to-chuc-doan-co-quan"  # a stock: its end year
MONEY = "tien-quy-xa-hoi"
RATIO = "ty-le-thanh-thao-may-tinh"
RATIO_PARTS = ("cbcc-thanh-thao-may-tinh", "cbcc-chung-chi")
CHECKED = (COUNT, STOCK, MONEY, RATIO)


# --- the hand-written SQL -------------------------------------------------------------------


class Sql:
    """Sums by child of `parent` (the child whose subtree holds the reporting unit), written
    by hand over the values of the reports whose status counts."""

    def __init__(self, movement: Movement, parent: Unit, statuses: tuple[str, ...]):
        self.movement, self.parent, self.statuses = movement, parent, statuses
        self.members_id = Indicator.objects.get(movement=movement, code=MEMBERS).pk

    @property
    def _in(self) -> str:
        return ", ".join(["%s"] * len(self.statuses))

    def _has(self, indicator: str, year: str) -> tuple[str, list]:
        """SQL: the unit of report r has a counted value of `indicator` (SQL) in `year` (SQL)."""
        return (
            f"""EXISTS (SELECT 1 FROM movements_value v2
                JOIN movements_report r2 ON r2.id = v2.report_id
                JOIN movements_period p2 ON p2.id = r2.period_id
                WHERE r2.unit_id = r.unit_id AND v2.indicator_id = {indicator}
                  AND r2.movement_id = %s AND r2.status IN ({self._in})
                  AND p2.kind = 'year' AND p2.year = {year})""",
            [self.movement.pk, *self.statuses],
        )

    def _run(self, select: str, where: str, group: str, params: list) -> list[tuple]:
        sql = f"""
            SELECT c.code, {select}
            FROM movements_value v
            JOIN movements_indicator i ON i.id = v.indicator_id
            JOIN movements_report r ON r.id = v.report_id
            JOIN movements_period p ON p.id = r.period_id
            JOIN movements_unit u ON u.id = r.unit_id
            JOIN movements_unit c ON c.parent_id = %s AND u.path LIKE c.path || '%%'
            WHERE r.movement_id = %s AND r.status IN ({self._in}) AND p.kind = 'year'
              AND {where}
            GROUP BY c.code, {group}"""
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.parent.pk, self.movement.pk, *self.statuses, *params])
            return cursor.fetchall()

    def stage_rate(self, code: str, start: int, end: int) -> dict[str, tuple[int, int]]:
        """{child: (the indicator over start..end — a stock at `end` —, the members at `end`)},
        both over the units with a member count at `end`."""
        has, params = self._has(str(self.members_id), "%s")
        rows = self._run(
            "i.code, SUM(v.value)",
            f"""i.code IN (%s, %s) AND p.year BETWEEN %s AND %s
                AND (i.aggregation = 'sum' OR p.year = %s) AND {has}""",
            "i.code",
            [code, MEMBERS, start, end, end, *params, end],
        )
        found: dict[str, dict[str, int]] = {}
        for child, indicator, total in rows:
            found.setdefault(child, {})[indicator] = int(total)
        return {c: (f.get(code), f[MEMBERS]) for c, f in found.items() if MEMBERS in f}

    def year_rate(self, code: str, start: int, end: int) -> dict[tuple[str, int], tuple]:
        """{(child, year): (the indicator, the members)} over the units with a member count
        that year."""
        has, params = self._has(str(self.members_id), "p.year")
        rows = self._run(
            "p.year, i.code, SUM(v.value)",
            f"i.code IN (%s, %s) AND p.year BETWEEN %s AND %s AND {has}",
            "p.year, i.code",
            [code, MEMBERS, start, end, *params],
        )
        found: dict[tuple[str, int], dict[str, int]] = {}
        for child, year, indicator, total in rows:
            found.setdefault((child, year), {})[indicator] = int(total)
        return {k: (f.get(code), f[MEMBERS]) for k, f in found.items() if MEMBERS in f}

    def change(self, code: str, first: int, last: int) -> dict[tuple[str, int], tuple]:
        """{(child, year): (sum, units)} of `code` in `first` and `last` over the units with a
        value of it in both years."""
        has, params = self._has("v.indicator_id", "(%s + %s - p.year)")
        rows = self._run(
            "p.year, SUM(v.value), COUNT(DISTINCT r.unit_id)",
            f"i.code = %s AND p.year IN (%s, %s) AND {has}",
            "p.year",
            [code, first, last, *params, first, last],
        )
        return {(c, y): (int(s), n) for c, y, s, n in rows}

    def rate_change(self, code: str, first: int, last: int) -> dict[tuple[str, int], tuple]:
        """{(child, year): (sum of `code`, sum of the same reports' members)} over the units
        with `code` and the member count in both years."""
        has, params = self._has("v.indicator_id", "(%s + %s - p.year)")
        has_first, first_params = self._has(str(self.members_id), "%s")
        has_last, last_params = self._has(str(self.members_id), "%s")
        where = f"i.code = %s AND p.year IN (%s, %s) AND {has} AND {has_first} AND {has_last}"
        sql_params = [code, first, last, *params, first, last]
        sql_params += [*first_params, first, *last_params, last]
        rows = self._run("p.year, SUM(v.value)", where, "p.year", sql_params)
        members = self._members_of(where, sql_params)
        return {(c, y): (int(s), members[(c, y)]) for c, y, s in rows}

    def _members_of(self, where: str, params: list) -> dict:
        sql = f"""
            SELECT c.code, p.year, SUM(m.value)
            FROM movements_value v
            JOIN movements_indicator i ON i.id = v.indicator_id
            JOIN movements_report r ON r.id = v.report_id
            JOIN movements_value m ON m.report_id = r.id AND m.indicator_id = {self.members_id}
            JOIN movements_period p ON p.id = r.period_id
            JOIN movements_unit u ON u.id = r.unit_id
            JOIN movements_unit c ON c.parent_id = %s AND u.path LIKE c.path || '%%'
            WHERE r.movement_id = %s AND r.status IN ({self._in}) AND p.kind = 'year'
              AND {where}
            GROUP BY c.code, p.year"""
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.parent.pk, self.movement.pk, *self.statuses, *params])
            return {(c, y): int(s) for c, y, s in cursor.fetchall()}

    def coverage(self, year: int) -> dict[str, tuple[int, int]]:
        """{child: (reports counted, units due)} in `year` over each child's subtree."""
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        existed = """(u.valid_from IS NULL OR u.valid_from <= %s)
                     AND (u.valid_to IS NULL OR u.valid_to >= %s)"""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT c.code, COUNT(*) FROM movements_unit u
                    JOIN movements_unit c ON c.parent_id = %s AND u.path LIKE c.path || '%%'
                    WHERE {existed} GROUP BY c.code""",
                [self.parent.pk, end, start],
            )
            due = dict(cursor.fetchall())
            cursor.execute(
                f"""SELECT c.code, COUNT(*) FROM movements_report r
                    JOIN movements_period p ON p.id = r.period_id
                    JOIN movements_unit u ON u.id = r.unit_id
                    JOIN movements_unit c ON c.parent_id = %s AND u.path LIKE c.path || '%%'
                    WHERE r.movement_id = %s AND r.status IN ({self._in}) AND p.kind = 'year'
                      AND p.year = %s AND {existed} GROUP BY c.code""",
                [self.parent.pk, self.movement.pk, *self.statuses, year, end, start],
            )
            counted = dict(cursor.fetchall())
        return {c: (counted.get(c, 0), d) for c, d in due.items()}


# --- what the pages must show, from the SQL --------------------------------------------------


def _ratio(numerator, denominator) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return Decimal(numerator) * 100 / Decimal(denominator)


def _rate(rated: list[tuple]) -> Decimal | None:
    """The figure per 100 members of units with a member count: their figures over their
    members (none if none of them has the figure)."""
    totals = [t for t, _m in rated if t is not None]
    if not totals:
        return None
    return _ratio(sum(totals), sum(m for _t, m in rated))


def _pooled(found: dict, children: list[str], year) -> tuple | None:
    rows = [found[(c, year)] for c in children if (c, year) in found]
    if not rows:
        return None
    return tuple(sum(r[i] for r in rows) for i in range(len(rows[0])))


class Expected:
    """The figures a set of children should show, from `Sql`."""

    def __init__(self, sql: Sql, code: str, first: int, last: int, threshold: int):
        self.code, self.first, self.last, self.threshold = code, first, last, threshold
        self.is_ratio = code == RATIO
        self.coverage = {y: sql.coverage(y) for y in range(first, last + 1)}
        if self.is_ratio:
            self.parts = {p: sql.change(p, first, last) for p in RATIO_PARTS}
        else:
            self.stage = sql.stage_rate(code, first, last)
            self.yearly = sql.year_rate(code, first, last)
            self.changes = sql.change(code, first, last)
            self.rate_changes = sql.rate_change(code, first, last)

    def enough(self, children: list[str]) -> bool:
        for year in (self.first, self.last):
            counted = sum(self.coverage[year].get(c, (0, 0))[0] for c in children)
            due = sum(self.coverage[year].get(c, (0, 0))[1] for c in children)
            if counted * 100 < self.threshold * due:
                return False
        return True

    def stage_per_hundred(self, children: list[str]) -> Decimal | None:
        return _rate([self.stage[c] for c in children if c in self.stage])

    def year_per_hundred(self, children: list[str], year: int) -> Decimal | None:
        return _rate([self.yearly[(c, year)] for c in children if (c, year) in self.yearly])

    def change(self, children: list[str]) -> tuple:
        """(change, percent) over the units with the figure in both years, or Nones."""
        if not self.enough(children):
            return None, None
        if self.is_ratio:
            num, den = (self.parts[p] for p in RATIO_PARTS)
            before, after = (
                _ratio(
                    (_pooled(num, children, y) or (None,))[0],
                    (_pooled(den, children, y) or (None,))[0],
                )
                for y in (self.first, self.last)
            )
            if before is None or after is None:
                return None, None
            return after - before, None
        before, after = (_pooled(self.changes, children, y) for y in (self.first, self.last))
        if before is None or after is None:
            return None, None
        difference = after[0] - before[0]
        return difference, _ratio(difference, before[0])

    def rate_change(self, children: list[str]) -> Decimal | None:
        if not self.enough(children):
            return None
        rates = []
        for year in (self.first, self.last):
            found = _pooled(self.rate_changes, children, year)
            rates.append(_ratio(*found) if found else None)
        if None in rates:
            return None
        return rates[1] - rates[0]


def _number(cell) -> Decimal | None:
    if cell in ("", None):
        return None
    return Decimal(str(cell))


def _in_csv(value) -> Decimal | None:
    """An exact figure as the CSV writes it (`as_in_csv`); None as blank."""
    return None if value is None else as_in_csv(value)


def _exported(client, url: str, params: dict, export: str, fmt: str = "csv") -> list[dict]:
    """The export `export` (fmt 'csv' or 'xlsx') of the page at `url` with `params`, its rows
    by heading."""
    response = client.get(url, {**params, "export": export, "format": fmt})
    assert response.status_code == 200
    return _by_header(csv_rows(response) if fmt == "csv" else xlsx_rows(response))


def _row(rows: list[dict], column: str, start: str) -> dict:
    """The row whose `column` starts with `start`."""
    return next(r for r in rows if r[column].startswith(start))


def _group_stage_row(rows: list[dict], group: str) -> dict:
    """The groups' export: `group`'s row over the whole stage."""
    return next(
        r for r in rows if r["Nhóm đơn vị"] == group and r["Năm"].startswith("Cả giai đoạn")
    )


def _unmarked(heading) -> str:
    """A heading without the provisional marks of an incomplete year ("2014 (tạm tính, 6/24)"
    is "2014" here; tests/reports/test_provisional.py checks them)."""
    return re.sub(r" \(tạm tính, [^)]*\)| — tạm tính", "", str(heading))


def _by_header(lines: list[list]) -> list[dict]:
    """Rows by their column's heading, `_unmarked`."""
    header = [_unmarked(h) for h in lines[0]]
    return [dict(zip(header, line, strict=True)) for line in lines[1:]]


def _check_ranking(client, params: dict, expected: Expected, per_hundred: bool, fmt: str):
    """The ranking's export against the SQL: every unit's stage rate, each year's rate and
    its change."""
    rows = _exported(client, reverse("reports:compare"), params, "xep-hang", fmt)
    units = {u.short_name: u.code for u in Unit.objects.all()}
    exact = fmt == "csv"  # .xlsx cells are floats
    checked = 0
    for row in rows:
        code = units[row["Đơn vị"]]
        change_header = next(h for h in row if h.startswith("Thay đổi năm đầu"))
        assert "(cùng đơn vị)" in change_header
        if expected.is_ratio:
            change, _percent = expected.change([code])
        elif per_hundred:
            change = expected.rate_change([code])
        else:
            change, percent = expected.change([code])
            _same(row["Thay đổi (%)"], percent, exact)
        _same(row[change_header], change, exact, "unit change")
        if not expected.is_ratio:
            rate = expected.stage_per_hundred([code])
            stage_header = (
                "Cả giai đoạn (trên 100 đoàn viên)" if per_hundred else "Trên 100 đoàn viên"
            )
            _same(row[stage_header], rate, exact, "unit rate")
            if rate is None and per_hundred is False:
                assert "không tính trên 100 đoàn viên" in row["Ghi chú"]
            if per_hundred:
                for year in range(expected.first, expected.last + 1):
                    rate = expected.year_per_hundred([code], year)
                    _same(row[str(year)], rate, exact, "unit year rate")
        if change is None and not expected.enough([code]):
            assert "chưa đủ số liệu" in row["Ghi chú"]
        checked += 1
    assert checked


# How many figures of each kind were checked with a value (not both empty): a check that
# compares only blanks cannot fail, so each test says which kinds it must have seen.
SEEN: Counter = Counter()


def _same(cell, value, exact: bool, label: str = "") -> None:
    if value is not None:
        SEEN[label] += 1
    found = _number(cell)
    if value is None:
        assert found is None, (cell, value)
    elif exact:  # the CSV: the exact figure rounded to CSV_DECIMALS places
        assert found == as_in_csv(value), (cell, value)
    else:
        assert float(found) == pytest.approx(float(value), rel=1e-12, abs=1e-12)


GROUP_NAMES = {
    "Huyện, thị, thành Đoàn": "district",
    "Đoàn trực thuộc": "branch",
    "Cơ sở Đoàn": "grassroots",
}


def _check_groups(client, params: dict, expected: Expected, children: list[Unit], fmt: str):
    """The groups' export against the SQL: each year's and the stage's rate per 100 members,
    how many units it is over, the reports counted of those due, and the change."""
    rows = _exported(client, reverse("reports:compare"), params, "theo-nhom", fmt)
    exact = fmt == "csv"
    assert rows
    for row in rows:
        group = GROUP_NAMES.get(row["Nhóm đơn vị"])
        members = [c.code for c in children if group is None or c.peer_group == group]
        period = _unmarked(row["Năm"])
        years = range(expected.first, expected.last + 1)
        if period.startswith("Cả giai đoạn"):
            counted = sum(expected.coverage[y].get(c, (0, 0))[0] for y in years for c in members)
            due = sum(expected.coverage[y].get(c, (0, 0))[1] for y in years for c in members)
            assert (int(row["Báo cáo đã tính"]), int(row["Báo cáo phải nộp"])) == (counted, due)
            change_header = next(h for h in row if h.startswith("Thay đổi năm đầu"))
            change, percent = expected.change(members)
            _same(row[change_header], change, exact, "group change")
            if not expected.is_ratio:
                _same(row["Thay đổi (%)"], percent, exact)
                rate_change = expected.rate_change(members)
                _same(row["Thay đổi trên 100 đoàn viên"], rate_change, exact, "group rate change")
                rate = expected.stage_per_hundred(members)
                _same(row["Trên 100 đoàn viên"], rate, exact, "group rate")
                rated = [c for c in members if c in expected.stage]
                units = sum(_sql_units(expected, c) for c in rated)
                assert int(row["Số đơn vị tính trên 100 đoàn viên"] or 0) == units
            if change is None and not expected.enough(members):
                assert "chưa đủ số liệu" in row["Ghi chú"]
        else:
            year = int(period)
            counted = sum(expected.coverage[year].get(c, (0, 0))[0] for c in members)
            due = sum(expected.coverage[year].get(c, (0, 0))[1] for c in members)
            assert (int(row["Báo cáo đã tính"]), int(row["Báo cáo phải nộp"])) == (counted, due)
            if not expected.is_ratio:
                rate = expected.year_per_hundred(members, year)
                _same(row["Trên 100 đoàn viên"], rate, exact, "group year rate")


def _sql_units(expected: Expected, child: str) -> int:
    """How many units of `child`'s subtree have a member count at the end year."""
    return expected.rated_units.get(child, 0)


def _rated_units(sql: Sql, end: int) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT c.code, COUNT(DISTINCT r.unit_id) FROM movements_value v
                JOIN movements_report r ON r.id = v.report_id
                JOIN movements_period p ON p.id = r.period_id
                JOIN movements_unit u ON u.id = r.unit_id
                JOIN movements_unit c ON c.parent_id = %s AND u.path LIKE c.path || '%%'
                WHERE v.indicator_id = %s AND r.movement_id = %s AND r.status IN ({sql._in})
                  AND p.kind = 'year' AND p.year = %s GROUP BY c.code""",
            [sql.parent.pk, sql.members_id, sql.movement.pk, *sql.statuses, end],
        )
        return dict(cursor.fetchall())


def _check_all(
    client, movement, parent: Unit, first: int, last: int, *, submitted: bool, codes=CHECKED
):
    """Every checked indicator's ranking (absolute and per 100 members) and groups, from the
    CSV exports, against the SQL; the .xlsx exports of the first indicator too."""
    statuses = Report.Status.counted(submitted)
    sql = Sql(movement, parent, tuple(statuses))
    children = list(Unit.objects.filter(parent=parent))
    threshold = Movement.objects.get(pk=movement.pk).comparison_threshold
    base = {"parent": parent.code, "start": str(first), "end": str(last)}
    if submitted:
        base["submitted"] = "on"
    for index, code in enumerate(codes):
        expected = Expected(sql, code, first, last, threshold)
        expected.rated_units = _rated_units(sql, last)
        formats = ("csv", "xlsx") if index == 0 else ("csv",)
        for per_hundred in (False, True):
            params = {**base, "indicator": code, "per": "100dv" if per_hundred else "tong"}
            for fmt in formats:
                _check_ranking(client, params, expected, per_hundred, fmt)
        for fmt in formats:
            _check_groups(client, {**base, "indicator": code}, expected, children, fmt)


# --- over the demo data, 2014 half reported --------------------------------------------------


@pytest.fixture
def half_2014(demo, units):
    """The demo data (2009–2013, every unit approved) and 2014 reported by half the units:
    approved, one submitted (counted only with the switch), one approved without its member
    count, one approved with only its member count."""
    children = list(Unit.objects.filter(parent=units.kien_giang).order_by("sort_order", "pk"))
    rng = random.Random(2014)
    reporting = children[::2]
    for index, unit in enumerate(reporting):
        values = {
            COUNT: rng.randint(0, 30),
            STOCK: rng.randint(0, 40),
            MONEY: rng.randint(0, 90) * 1_000_000,
            RATIO_PARTS[0]: rng.randint(0, 10),
            RATIO_PARTS[1]: rng.randint(10, 20),
            MEMBERS: rng.randint(50, 900),
        }
        status = Report.Status.SUBMITTED if index == 1 else Report.Status.APPROVED
        if index == 2:
            del values[MEMBERS]
        if index == 3:
            values = {MEMBERS: values[MEMBERS]}
        make_report(unit, 2014, demo, status=status, values=values)
    return demo


@pytest.mark.parametrize(("threshold", "submitted"), [(80, False), (40, True)])
def test_compare_over_the_demo_with_2014_half_reported_equals_sql_over_the_same_units(
    client, half_2014, cast, units, submitted, threshold
):
    Movement.objects.filter(pk=half_2014.pk).update(comparison_threshold=threshold)
    client.force_login(cast.reviewer)
    SEEN.clear()
    _check_all(client, half_2014, units.kien_giang, 2013, 2014, submitted=submitted)
    kinds = {"unit change", "unit rate", "unit year rate", "group rate", "group year rate"}
    if threshold == 40:  # enough units counted in 2014 for the groups' changes
        kinds |= {"group change", "group rate change"}
    assert kinds <= {k for k, n in SEEN.items() if n}, SEEN


def _check_unit_page(client, movement, parent: Unit, unit: Unit) -> None:
    """A unit with grassroots: its rate per 100 members on its page is over the units of its
    subtree with a member count at the end (the SQL's); raw, the plain sums'."""
    sql = Sql(movement, parent, tuple(Report.Status.counted(False)))
    stage = sql.stage_rate(COUNT, 2010, 2013)
    url = reverse("reports:unit", args=[unit.code])
    params = {"start": "2010", "end": "2013"}
    header = "Trên 100 đoàn viên (tỷ lệ: %)"
    row = _row(_exported(client, url, params, "chi-tieu"), "Chỉ tiêu", "Hội nghị triển khai")
    rate = _rate([stage[unit.code]]) if unit.code in stage else None
    assert _number(row[header]) == _in_csv(rate)
    raw_rows = _exported(client, url, {**params, "raw": "on"}, "chi-tieu")
    raw = _row(raw_rows, "Chỉ tiêu", "Hội nghị triển khai")
    plain = indicator_totals(
        subject=Subject.of(movement=movement, unit=unit, start_year=2010, end_year=2013)
    )
    assert _number(raw[header]) == _in_csv(
        _ratio(plain.get((COUNT, None, None)), plain.get((MEMBERS, None, None)))
    )
    assert _number(raw[header]) != _number(row[header])  # the two differ here


def test_a_stage_of_several_years_divides_by_the_members_of_the_same_units(
    client, half_2014, cast, units
):
    client.force_login(cast.reviewer)
    _check_all(client, half_2014, units.kien_giang, 2012, 2014, submitted=False, codes=[COUNT])


def test_the_compare_page_says_what_it_counts_and_lists_the_units_left_out(
    client, half_2014, cast, units
):
    client.force_login(cast.reviewer)
    params = {"indicator": COUNT, "start": "2013", "end": "2014"}
    page = client.get(reverse("reports:compare"), params).content.decode()
    children = Unit.objects.filter(parent=units.kien_giang).count()
    approved_2014 = Report.objects.filter(
        period__year=2014, status=Report.Status.APPROVED, unit__parent=units.kien_giang
    ).count()
    assert f"{approved_2014}/{children} đơn vị có báo cáo 2014 được duyệt" in page
    # Below 80 %: the province's groups state no change.
    assert "chưa đủ số liệu" in page
    # Units without a member count at the end: named, with why.
    assert "chưa nộp báo cáo 2014" in page
    assert "báo cáo 2014 để trống số đoàn viên" in page
    assert 'id="chua-tinh-100"' in page
    # Exactly the units without a member count for 2014, each once.
    sql = Sql(half_2014, units.kien_giang, tuple(Report.Status.counted(False)))
    rated = set(sql.stage_rate(COUNT, 2013, 2014))
    listed = page[page.index('id="chua-tinh-100"') :]
    listed = listed[: listed.index("</ul>")]
    for unit in Unit.objects.filter(parent=units.kien_giang):
        assert (f"<li>{unit.short_name}: " in listed) == (unit.code not in rated), unit.code
    assert rated and len(rated) < children
    assert "So sánh cùng đơn vị" in page
    with_submitted = client.get(reverse("reports:compare"), {**params, "submitted": "on"})
    assert f"{approved_2014 + 1}/{children} đơn vị đã nộp 2014" in with_submitted.content.decode()


def test_the_raw_switch_gives_back_the_plain_sums_labelled_as_such(client, half_2014, cast, units):
    client.force_login(cast.reviewer)
    params = {"indicator": COUNT, "start": "2013", "end": "2014", "raw": "on"}
    page = client.get(reverse("reports:compare"), params).content.decode()
    assert "Tổng thô" in page and "(tổng thô)" in page
    rows = _exported(client, reverse("reports:compare"), params, "xep-hang")
    change_header = "Thay đổi năm đầu → năm cuối (tổng thô)"
    for row in rows:
        first, last = _number(row["2013"]), _number(row["2014"])
        plain = last - first if first is not None and last is not None else None
        assert _number(row[change_header]) == plain
    groups = _exported(client, reverse("reports:compare"), params, "theo-nhom")
    stage = _group_stage_row(groups, "Huyện, thị, thành Đoàn")
    assert "Số đơn vị tính trên 100 đoàn viên" not in stage
    # The plain stage rate: every counted report's total over every counted member count.
    assert _number(stage["Trên 100 đoàn viên"]) == _in_csv(
        _ratio(int(stage["Tổng"]), int(stage["Số đoàn viên"]))
    )
    # Links keep the switch.
    assert "raw=on" in page


def test_the_overview_groups_and_the_unit_page_state_their_coverage(client, half_2014, cast, units):
    client.force_login(cast.reviewer)
    overview = client.get(reverse("reports:overview"), {"start": "2013", "end": "2014"})
    page = overview.content.decode()
    assert "đơn vị có báo cáo 2014 được duyệt" in page
    # The summary's last row: each group's units counted in 2014, and those with members.
    assert "Đơn vị được tính năm 2014" in page and "có số ĐV" in page
    # The summary's rate per 100 members is the groups' rate over the same units.
    statuses = Report.Status.counted(False)
    sql = Sql(half_2014, units.kien_giang, tuple(statuses))
    stage = sql.stage_rate(COUNT, 2013, 2014)
    districts = [
        u.code for u in Unit.objects.filter(parent=units.kien_giang) if u.peer_group == "district"
    ]
    rate = _rate([stage[c] for c in districts if c in stage])
    lines = _exported(
        client, reverse("reports:overview"), {"start": "2013", "end": "2014"}, f"nhom-{COUNT}"
    )
    row = _group_stage_row(lines, "Huyện, thị, thành Đoàn")
    assert _number(row["Trên 100 đoàn viên"]) == _in_csv(rate)

    unit_page = client.get(
        reverse("reports:unit", args=["rach-gia"]), {"start": "2013", "end": "2014"}
    ).content.decode()
    assert "Toàn tỉnh" in unit_page and "đơn vị có báo cáo 2014 được duyệt" in unit_page
    assert "Không tính:" in unit_page and "chưa nộp báo cáo 2014" in unit_page


def test_the_unit_page_rate_is_over_the_units_with_members_at_the_end(
    client, half_2014, cast, units
):
    """A unit's rate per 100 members on its page is the same-unit rate the SQL gives."""
    client.force_login(cast.reviewer)
    sql = Sql(half_2014, units.kien_giang, tuple(Report.Status.counted(False)))
    stage = sql.stage_rate(COUNT, 2013, 2014)
    for code in ("rach-gia", "ha-tien"):
        rows = _exported(
            client,
            reverse("reports:unit", args=[code]),
            {"start": "2013", "end": "2014"},
            "chi-tieu",
        )
        row = _row(rows, "Chỉ tiêu", "Hội nghị triển khai")
        expected = _rate([stage[code]]) if code in stage else None
        assert _number(row["Trên 100 đoàn viên (tỷ lệ: %)"]) == _in_csv(expected)


# --- over random data: a second province ----------------------------------------------------


def _random_province(movement: Movement, rng: random.Random) -> Unit:
    """A province with districts (one with grassroots, one merged mid-stage), branches, and
    reports of random status with random blanks; some units without members in 2013."""
    province = Unit.objects.create(
        code="an-giang", name="Tỉnh Đoàn An Giang", short_name="An Giang", kind=Unit.Kind.PROVINCE
    )
    units = []
    for n in range(4):
        units.append(
            Unit.objects.create(
                code=f"ag-huyen-{n}",
                name=f"Huyện Đoàn AG {n}",
                short_name=f"AG huyện {n}",
                kind=Unit.Kind.DISTRICT,
                parent=province,
                valid_to=dt.date(2011, 6, 30) if n == 3 else None,
            )
        )
    for n in range(3):
        units.append(
            Unit.objects.create(
                code=f"ag-tructhuoc-{n}",
                name=f"Đoàn trực thuộc AG {n}",
                short_name=f"AG trực thuộc {n}",
                kind=Unit.Kind.BRANCH,
                parent=province,
            )
        )
    for n in range(3):
        units.append(
            Unit.objects.create(
                code=f"ag-xa-{n}",
                name=f"Chi đoàn AG {n}",
                short_name=f"AG xã {n}",
                kind=Unit.Kind.GRASSROOTS,
                parent=units[0],
            )
        )
    statuses = [Report.Status.APPROVED] * 5 + [Report.Status.SUBMITTED, Report.Status.DRAFT]
    codes = [COUNT, STOCK, MONEY, *RATIO_PARTS, MEMBERS]
    # Fixed: a district that reports every year in full, and a unit under it that reported
    # 2011 only (in the district's raw sums to 2013, not in its rate over the same units).
    for year in range(2009, 2014):
        make_report(units[0], year, movement, values=dict.fromkeys(codes, 10 + year % 7))
    make_report(units[7], 2011, movement, values={COUNT: 7, MEMBERS: 30})
    for unit in units:
        for year in range(2009, 2014):
            if unit.code in ("ag-huyen-0", "ag-xa-0"):
                continue
            if unit.valid_to is not None and year > unit.valid_to.year:
                continue
            if rng.random() < 0.2:
                continue  # not reported
            values = {c: rng.randint(0, 50) for c in codes if rng.random() < 0.8}
            values[MONEY] = values.get(MONEY, 0) * 100_000
            if MEMBERS in values:
                values[MEMBERS] += 20
            if year == 2013 and unit.code in ("ag-huyen-1", "ag-tructhuoc-2"):
                values.pop(MEMBERS, None)
            make_report(unit, year, movement, status=rng.choice(statuses), values=values)
    return province


@pytest.mark.parametrize("draw", [1, 2])
def test_compare_over_random_data_equals_sql_over_the_same_units(client, seed, draw):
    rng = random.Random(draw)
    province = _random_province(seed, rng)
    Movement.objects.filter(pk=seed.pk).update(comparison_threshold=50)
    user = make_user("tinh-doan-ag", province, Membership.Role.REVIEWER, is_staff=True)
    client.force_login(user)
    SEEN.clear()
    for first, last, submitted in ((2012, 2013, False), (2010, 2013, True)):
        _check_all(client, seed, province, first, last, submitted=submitted)
    # A grassroots parent: its units compared among themselves.
    _check_all(client, seed, Unit.objects.get(code="ag-huyen-0"), 2012, 2013, submitted=True)
    kinds = {"unit change", "unit rate", "unit year rate", "group rate", "group year rate"}
    kinds |= {"group change", "group rate change"}
    assert kinds <= {k for k, n in SEEN.items() if n}, SEEN
    _check_unit_page(client, seed, province, Unit.objects.get(code="ag-huyen-0"))


def test_child_figures_run_a_fixed_number_of_queries(seed, django_assert_num_queries):
    province = _random_province(seed, random.Random(7))
    children = list(Unit.objects.filter(parent=province))
    indicators = list(
        Indicator.objects.filter(
            movement=seed, code__in=[COUNT, *RATIO_PARTS, RATIO]
        ).select_related("numerator", "denominator")
    )
    members = Indicator.objects.get(movement=seed, code=MEMBERS)
    subject = Subject.of(movement=seed, unit=province, start_year=2009, end_year=2013)
    # The units due and counted (2), the rates over the stage and each year (1: both from the
    # same values), the changes and those per 100 members (2).
    with django_assert_num_queries(5):
        child_figures(
            subject=subject,
            units=children,
            indicators=indicators,
            members=members,
            rate_changes=True,
        )
    indicator = next(i for i in indicators if i.code == COUNT)
    # child_figures' five and the ranking's totals (one, kept for the groups).
    with django_assert_num_queries(6):
        unit_comparison(
            subject=subject,
            units=children,
            indicators=[*indicators, members],
            indicator=indicator,
        )
