"""Dashboard selectors against sums computed by hand on a small tree of our own: ratios after
summing, `last` indicators at the end year, unapproved reports left out unless asked, access
scope, completeness, and query counts that do not grow with the data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from movements.models import Indicator, IndicatorGroup, Membership, Movement, Period, Report, Unit
from reports import selectors
from reports.selectors import completeness_matrix
from reports.selectors import coverage as coverage_module
from tests.factories import make_report, make_user, totals_kept, year

pytestmark = pytest.mark.django_db

A, R = Report.Status.APPROVED, Report.Status.SUBMITTED

# (unit, year, status): values. "m" is the member count (last), "d" organisations (last),
# "n" of them registered (ratio r = n / d), "a" activities (sum), "t" money (sum).
DATA = {
    ("h1", 2010, A): {"a": 3, "m": 100, "d": 10, "n": 5, "t": 1_000_000},
    ("h1", 2011, A): {"a": 4, "m": 120, "d": 10, "n": 10, "t": 2_500_000},
    ("h1", 2012, A): {"a": 5, "m": 130, "d": 12, "n": 9},
    ("xa1", 2011, A): {"a": 7, "m": 40, "d": 4, "n": 4},
    ("xa1", 2012, A): {"a": 1, "m": 50, "d": 4, "n": 1},
    ("h2", 2011, A): {"a": 2, "m": 80, "d": 8, "n": 2},
    ("h2", 2012, R): {"a": 9, "m": 90, "d": 8, "n": 8},
    ("b1", 2010, A): {"a": 6, "m": 60, "d": 6, "n": 6},
    ("b1", 2012, Report.Status.DRAFT): {"a": 50, "m": 999, "d": 99, "n": 99},
    ("b1", 2011, Report.Status.RETURNED): {"a": 70, "m": 999, "d": 99, "n": 99},
}


def build_tree(extra_units: int = 0, extra_years: bool = False) -> SimpleNamespace:
    """Province 'tinh' with districts h1 (with grassroots xa1) and h2, and branch b1."""
    movement = Movement.objects.create(code="tm", name="Thử", start_year=2010, end_year=2012)
    group = IndicatorGroup.objects.create(movement=movement, code="g", name="Phần", order=1)

    def indicator(code, kind="count", aggregation="sum", **extra):
        return Indicator.objects.create(
            movement=movement,
            group=group,
            code=code,
            name=code,
            measure="cái",
            kind=kind,
            aggregation=aggregation,
            order=Indicator.objects.count(),
            **extra,
        )

    ind = SimpleNamespace(
        a=indicator("a", is_headline=True),
        m=indicator(selectors.MEMBERS_INDICATOR, aggregation="last"),
        d=indicator("d", aggregation="last"),
        n=indicator("n", aggregation="last"),
        t=indicator("t", kind="money"),
        empty=indicator("khong-ai"),
    )
    ind.r = indicator("r", kind="ratio", numerator=ind.n, denominator=ind.d)
    tinh = Unit.objects.create(code="tinh", name="Tỉnh", short_name="Tỉnh", kind="province")
    h1 = Unit.objects.create(
        code="h1", name="Huyện 1", short_name="H1", kind="district", parent=tinh, sort_order=1
    )
    xa1 = Unit.objects.create(
        code="xa1", name="Xã 1", short_name="X1", kind="grassroots", parent=h1
    )
    h2 = Unit.objects.create(
        code="h2",
        name="Huyện 2",
        short_name="H2",
        kind="district",
        parent=tinh,
        sort_order=2,
        valid_from=dt.date(2011, 1, 1),
    )
    b1 = Unit.objects.create(
        code="b1", name="Khối 1", short_name="K1", kind="branch", parent=tinh, sort_order=3
    )
    units = {u.code: u for u in (tinh, h1, xa1, h2, b1)}
    for y in (2010, 2011, 2012):
        period = year(y)
        period.deadline = dt.date(y + 1, 1, 15)
        period.save()
    for (code, y, status), values in DATA.items():
        report = make_report(
            units[code],
            y,
            movement,
            status=status,
            values={(selectors.MEMBERS_INDICATOR if k == "m" else k): v for k, v in values.items()},
        )
        if status != Report.Status.DRAFT:
            # b1 2010 was late; everything else on time.
            day = dt.datetime(y + 1, 2, 1, 9) if code == "b1" else dt.datetime(y + 1, 1, 10, 9)
            with totals_kept(Report.objects.filter(pk=report.pk)):
                report.submitted_at = timezone.make_aware(day)
                report.save()
    for i in range(extra_units):
        extra = Unit.objects.create(
            code=f"them-{i}", name=f"Thêm {i}", short_name=f"T{i}", kind="district", parent=tinh
        )
        for y in (2010, 2011, 2012):
            make_report(extra, y, movement, values={"a": 1, selectors.MEMBERS_INDICATOR: 10})
    if extra_years:
        for y in (2008, 2009, 2013):
            make_report(h1, y, movement, values={"a": 100})
    return SimpleNamespace(movement=movement, units=SimpleNamespace(**units), ind=ind)


@pytest.fixture
def tree():
    return build_tree()


def hand_sum(code, units, years, statuses=(A,)):
    """Independent sum from DATA: (unit, year, status) rows of `units` for `years`."""
    key = "m" if code == selectors.MEMBERS_INDICATOR else code
    found = [
        v[key]
        for (u, y, s), v in DATA.items()
        if u in units and y in years and s in statuses and key in v
    ]
    return sum(found) if found else None


H1_SUBTREE = ("h1", "xa1")
ALL = ("h1", "xa1", "h2", "b1")


def _subject(movement, unit, *, include_submitted=False):
    """The figures of `unit`'s subtree over the tree's years, 2010..2012."""
    return selectors.Subject.of(
        movement=movement,
        unit=unit,
        start_year=2010,
        end_year=2012,
        include_submitted=include_submitted,
    )


def test_overview_sums_flows_over_years_and_takes_stocks_at_the_end_year(tree):
    sections = selectors.unit_overview(subject=_subject(tree.movement, tree.units.tinh))
    rows = {r.indicator.code: r for r in sections[0].rows}
    assert rows["a"].total == hand_sum("a", ALL, (2010, 2011, 2012)) == 28
    assert rows["a"].years == {2010: 9, 2011: 13, 2012: 6}
    # Members: end year only (h1 130 + xa1 50; h2's 2012 report is only submitted).
    assert rows["doan-vien"].total == hand_sum("m", ALL, (2012,)) == 180
    assert rows["doan-vien"].years[2011] == 120 + 40 + 80
    assert rows["t"].total == 3_500_000
    assert rows["t"].years[2012] is None


def test_ratios_are_computed_after_summing_not_averaged(tree):
    sections = selectors.unit_overview(subject=_subject(tree.movement, tree.units.tinh))
    rows = {r.indicator.code: r for r in sections[0].rows}
    # 2011: n = 10 + 4 + 2 = 16 of d = 10 + 4 + 8 = 22 -> 72.7%, not the mean of 100/100/25.
    assert rows["r"].years[2011] == Decimal(1600) / 22  # exact, not rounded to 72.7
    # Stage: both `last`, at 2012: (9 + 1) / (12 + 4).
    assert rows["r"].total == Decimal("62.5")


def test_submitted_reports_count_only_when_asked(tree):
    approved = selectors.unit_overview(subject=_subject(tree.movement, tree.units.h2))
    with_submitted = selectors.unit_overview(
        subject=_subject(tree.movement, tree.units.h2, include_submitted=True)
    )
    a = {r.indicator.code: r for r in approved[0].rows}
    b = {r.indicator.code: r for r in with_submitted[0].rows}
    assert a["a"].total == 2
    assert b["a"].total == hand_sum("a", ("h2",), (2010, 2011, 2012), (A, R)) == 11
    assert a["doan-vien"].total is None  # no approved 2012 report
    assert b["doan-vien"].total == 90


def test_drafts_and_returned_reports_never_count(tree):
    sections = selectors.unit_overview(
        subject=_subject(tree.movement, tree.units.b1, include_submitted=True)
    )
    rows = {r.indicator.code: r for r in sections[0].rows}
    assert rows["a"].total == 6
    assert rows["a"].years == {2010: 6, 2011: None, 2012: None}


def test_change_from_first_to_last_year(tree):
    sections = selectors.unit_overview(subject=_subject(tree.movement, tree.units.h1))
    rows = {r.indicator.code: r for r in sections[0].rows}
    # h1 subtree: 2010 = 3, 2012 = 5 + 1.
    assert (rows["a"].first, rows["a"].last) == (3, 6)
    assert rows["a"].change == 3
    assert rows["a"].change_percent == Decimal("100.0")
    assert rows["khong-ai"].change is None
    assert not rows["khong-ai"].has_data


def test_compare_units_gives_each_subtree_by_year_with_members(tree):
    u = tree.units
    result = selectors.compare_units(
        subject=_subject(tree.movement, u.tinh),
        units=[u.h1, u.h2, u.b1],
        indicators=[tree.ind.a, tree.ind.r],
        members=tree.ind.m,
    )
    by_code = {c.unit.code: c for c in result}
    h1 = by_code["h1"]
    assert h1.years["a"] == {y: hand_sum("a", H1_SUBTREE, (y,)) for y in (2010, 2011, 2012)}
    assert h1.totals["a"] == hand_sum("a", H1_SUBTREE, (2010, 2011, 2012)) == 20
    assert h1.members == {2010: 100, 2011: 160, 2012: 180}
    assert h1.members_total == 180
    assert h1.per_hundred_total("a") == Decimal(2000) / 180  # 11.11…, unrounded
    assert h1.per_hundred_years("a")[2011] == Decimal("6.875")  # 11 * 100 / 160
    assert h1.years["r"][2010] == Decimal("50.0")
    assert by_code["h2"].years["a"] == {2010: None, 2011: 2, 2012: None}
    assert by_code["b1"].totals["r"] is None  # no approved 2012 stock


def test_a_subject_counts_approved_reports_and_submitted_ones_only_when_asked(tree):
    approved = _subject(tree.movement, tree.units.tinh)
    both = _subject(tree.movement, tree.units.tinh, include_submitted=True)
    assert approved.statuses == (A,) and not approved.include_submitted
    assert both.statuses == (A, R) and both.include_submitted
    assert approved.years == [2010, 2011, 2012]
    child = both.with_unit(tree.units.h1).with_years(2011, 2011)
    assert (child.unit, child.years, child.statuses) == (tree.units.h1, [2011], (A, R))
    assert (both.unit, both.years) == (tree.units.tinh, [2010, 2011, 2012])  # frozen


def test_rank_values_use_competition_ranking():
    assert selectors.rank_values([5, 9, None, 5, 1]) == [2, 1, None, 2, 4]


def test_per_hundred_and_change_handle_missing_and_zero():
    assert selectors.per_hundred(5, 0) is None
    assert selectors.per_hundred(None, 10) is None
    assert selectors.per_hundred(1, 3) == Decimal(100) / 3
    assert selectors.change_between(0, 4) == (4, None)
    assert selectors.change_between(None, 4) == (None, None)


def test_unit_profile_compares_with_peer_average_and_province(tree):
    u = tree.units
    peers, rows = selectors.unit_profile(subject=_subject(tree.movement, u.h1), root=u.tinh)
    assert [p.code for p in peers] == ["h1", "h2"]  # districts only, not the branch
    row = {r.indicator.code: r for r in rows}["a"]
    assert row.total == 20
    # Peers that reported: 2010 h1 only; 2011 h1 (4 + 7) and h2 (2).
    assert row.peer_years[2010] == Decimal("3.0")
    assert row.peer_years[2011] == Decimal("6.5")
    assert row.peer_total == Decimal("11.0")  # (20 + 2) / 2
    assert row.province_total == 28
    assert row.share == Decimal(2000) / 28  # 71.43…, unrounded
    ratio = {r.indicator.code: r for r in rows}["r"]
    # Pooled: 2011 n (10 + 4 + 2) / d (10 + 4 + 8).
    assert ratio.peer_years[2011] == Decimal(1600) / 22  # unrounded
    assert ratio.share is None


def test_unit_profile_places_the_units_rate_per_100_members_among_its_peers(tree):
    u = tree.units
    peers, rows = selectors.unit_profile(subject=_subject(tree.movement, u.h1), root=u.tinh)
    row = {r.indicator.code: r for r in rows}["a"]
    # h1 with xa1: 20 activities, 130 + 50 members at the end of 2012. h2's 2012 report is
    # only submitted: no member count at the end of the stage, so no rate.
    assert row.rate == Decimal(2000) / 180  # 11.11…, unrounded
    assert row.peer_rates == [Decimal(2000) / 180]

    peers, rows = selectors.unit_profile(
        subject=_subject(tree.movement, u.h1, include_submitted=True), root=u.tinh
    )
    by_code = {r.indicator.code: r for r in rows}
    row = by_code["a"]
    # With it, h2: 2 + 9 activities, 90 members.
    h1, h2 = Decimal(2000) / 180, Decimal(1100) / 90
    assert row.peer_rates == [h1, h2]
    assert (row.rate_low, row.rate_high) == (h1, h2)
    assert row.rate_median == (h1 + h2) / 2  # exact, not of rounded rates
    # A ratio is compared as itself: h1 (9 + 1) / (12 + 4), h2 8 / 8.
    ratio = by_code["r"]
    assert ratio.rate == Decimal("62.5")
    assert (ratio.rate_low, ratio.rate_high) == (Decimal("62.5"), Decimal(100))
    # The member count has no rate per 100 members; nobody's figure, no rate.
    assert by_code[selectors.MEMBERS_INDICATOR].rate is None
    assert by_code[selectors.MEMBERS_INDICATOR].rate_median is None
    assert by_code["khong-ai"].peer_rates == []


def test_the_median_of_an_odd_number_of_rates_is_the_middle_one():
    row = selectors.ProfileRow(
        indicator=None,
        years={},
        total=None,
        peer_years={},
        peer_total=None,
        province_total=None,
        peer_rates=[Decimal(3), Decimal(1), Decimal(2)],
    )
    assert row.rate_median == Decimal(2)
    assert (row.rate_low, row.rate_high) == (Decimal(1), Decimal(3))


def test_unit_profile_of_the_province_has_no_peers(tree):
    peers, rows = selectors.unit_profile(
        subject=_subject(tree.movement, tree.units.tinh), root=tree.units.tinh
    )
    assert peers == [tree.units.tinh]
    row = {r.indicator.code: r for r in rows}["a"]
    assert row.total == row.province_total == 28
    assert row.share == Decimal("100.0")


def _everything(tree):
    return selectors.dashboard_scope(
        user=make_user("tinh-doan", tree.units.tinh, Membership.Role.REVIEWER)
    )


def test_completeness_marks_states_missing_not_due_and_lateness(tree):
    u = tree.units
    matrix = selectors.completeness(
        subject=_subject(tree.movement, u.tinh), scope=_everything(tree)
    )
    assert [row.unit.code for row in matrix.rows] == ["h1", "h2", "b1"]
    cells = {row.unit.code: row.cells for row in matrix.rows}
    # h1 counts itself and xa1 (founded before 2010, no report in 2010).
    assert [c.due for c in cells["h1"]] == [2, 2, 2]
    assert [c.counts for c in cells["h1"]] == [
        {"approved": 1, "missing": 1},
        {"approved": 2, "missing": 0},
        {"approved": 2, "missing": 0},
    ]
    assert [c.state for c in cells["h1"]] == ["many", "many", "many"]
    assert [c.state for c in cells["h2"]] == ["not-due", "approved", "submitted"]  # from 2011
    assert [c.state for c in cells["b1"]] == ["approved", "returned", "draft"]
    assert [c.late for c in cells["b1"]] == [1, 1, 0]  # 2010 and 2011 sent on 1 February
    assert cells["b1"][0].submitted_at == timezone.make_aware(dt.datetime(2011, 2, 1, 9))
    assert matrix.due == 2 + 2 + 2 + 0 + 1 + 1 + 1 + 1 + 1
    assert matrix.state_counts == {
        "approved": 7,
        "submitted": 1,
        "returned": 1,
        "draft": 1,
        "missing": 1,
    }
    assert matrix.on_time_count == 7  # every submission but b1's two
    assert matrix.on_time_share == Decimal(7) * 100 / 11
    assert matrix.rows[0].on_time_share == Decimal(5) * 100 / 6  # h1: 5 of 6


def test_completeness_drills_down_to_one_districts_units(tree):
    u, scope = tree.units, _everything(tree)
    matrix = selectors.completeness(subject=_subject(tree.movement, u.h1), scope=scope)
    assert [row.unit.code for row in matrix.rows] == ["xa1"]
    assert [c.state for c in matrix.rows[0].cells] == ["missing", "approved", "approved"]
    assert matrix.due == 3 and matrix.state_counts["approved"] == 2
    top = selectors.completeness(subject=_subject(tree.movement, u.tinh), scope=scope)
    assert [row.has_children for row in top.rows] == [True, False, False]


def test_completeness_of_a_secretary_counts_only_their_subtree(tree):
    u = tree.units
    scope = selectors.dashboard_scope(user=make_user("bithu-h1", u.h1, Membership.Role.SECRETARY))
    matrix = selectors.completeness(subject=_subject(tree.movement, u.tinh), scope=scope)
    assert [row.unit.code for row in matrix.rows] == ["h1"]
    assert matrix.due == 6 and matrix.state_counts["approved"] == 5


def test_completeness_shows_one_page_of_units_at_a_time(tree, monkeypatch):
    u = tree.units
    monkeypatch.setattr(completeness_matrix, "PAGE_SIZE", 2)
    args = {"subject": _subject(tree.movement, u.tinh), "scope": _everything(tree)}
    first = selectors.completeness(**args)
    second = selectors.completeness(**args, page="2")
    hostile = selectors.completeness(**args, page="x' OR 1")
    assert [r.unit.code for r in first.rows] == ["h1", "h2"]
    assert [r.unit.code for r in second.rows] == ["b1"]
    assert [r.unit.code for r in hostile.rows] == ["h1", "h2"]
    assert first.due == second.due == 11  # the totals cover every page


def test_completeness_counts_the_units_due_once_on_a_page_of_the_whole_parent(tree, monkeypatch):
    """Seeing the whole province, the units due under every child are counted in one query,
    their sum the total: a page of a few of them does not count every unit again."""
    monkeypatch.setattr(completeness_matrix, "PAGE_SIZE", 2)
    args = {"subject": _subject(tree.movement, tree.units.tinh), "scope": _everything(tree)}
    with CaptureQueriesContext(connection) as queries:
        matrix = selectors.completeness(**args)
    due_counts = [q["sql"] for q in queries if 'COUNT("movements_unit"."id")' in q["sql"]]
    assert len(due_counts) == 1
    assert matrix.due == 11 and [r.unit.code for r in matrix.rows] == ["h1", "h2"]


def test_completeness_pages_hold_a_few_hundred_cells_at_most():
    """Five years: 80 rows of 5 periods; five years of quarters: 20 rows of 20; never fewer than
    ten rows."""
    sizes = {n: selectors.completeness_page_size(n) for n in (1, 4, 5, 20, 40, 60)}
    assert sizes == {1: 100, 4: 100, 5: 80, 20: 20, 40: 10, 60: 10}
    assert all(rows * n <= selectors.PAGE_CELLS for n, rows in sizes.items() if n <= 40)


def test_scope_of_a_secretary_is_their_unit_and_the_province_totals(tree):
    u = tree.units
    secretary = make_user("bithu-h1", u.h1, Membership.Role.SECRETARY)
    scope = selectors.dashboard_scope(user=secretary)
    assert [x.code for x in scope.tops] == ["h1"]
    assert scope.root == u.tinh
    assert scope.can_see(u.xa1) and not scope.can_see(u.h2) and not scope.can_see(u.tinh)
    assert scope.can_see_totals(u.tinh) and not scope.can_see_totals(u.b1)
    assert scope.can_list(u.tinh) and not scope.can_list(u.h2)
    choices = selectors.unit_choices(scope=scope, unit=u.tinh)
    assert [x.code for x in choices] == ["tinh", "h1"]
    assert [x.code for x in selectors.unit_choices(scope=scope, unit=u.h1)] == ["tinh", "h1", "xa1"]
    assert [x.code for x in selectors.visible_children(scope=scope, parent=u.tinh)] == ["h1"]
    assert selectors.dashboard_unit(scope=scope, code="h2") is None
    assert selectors.dashboard_unit(scope=scope, code="xa1") == u.xa1
    assert [x.code for x in selectors.unit_choices(scope=scope, unit=u.tinh, query="huyện")] == [
        "tinh",
        "h1",
    ]


def test_a_secretary_of_a_grassroots_unit_lists_it_under_its_district(tree):
    u = tree.units
    scope = selectors.dashboard_scope(user=make_user("bithu-xa1", u.xa1, Membership.Role.SECRETARY))
    assert scope.listing_parent == u.h1
    assert scope.can_list(u.h1) and not scope.can_see_totals(u.h1)
    assert [x.code for x in selectors.visible_children(scope=scope, parent=u.h1)] == ["xa1"]
    assert [x.code for x in selectors.unit_ancestors(scope=scope, unit=u.h1)] == ["tinh", "h1"]


def test_scope_of_provincial_staff_is_everything_and_outsiders_see_nothing(tree):
    u = tree.units
    reviewer = make_user("tinh-doan", u.tinh, Membership.Role.REVIEWER)
    scope = selectors.dashboard_scope(user=reviewer)
    assert [x.code for x in selectors.visible_children(scope=scope, parent=u.tinh)] == [
        "h1",
        "h2",
        "b1",
    ]
    assert [x.code for x in selectors.unit_choices(scope=scope, unit=u.tinh)] == [
        "tinh",
        "h1",
        "h2",
        "b1",
    ]
    found = selectors.unit_choices(scope=scope, unit=u.tinh, query="X1")
    assert "xa1" in [x.code for x in found]
    parents = selectors.unit_choices(scope=scope, unit=u.tinh, with_children_only=True)
    assert [x.code for x in parents] == ["tinh", "h1"]
    assert selectors.dashboard_scope(user=make_user("ngoai")).is_empty


def test_the_unit_search_returns_at_most_twenty_units(tree, monkeypatch):
    u = tree.units
    for i in range(30):
        Unit.objects.create(
            code=f"xa-tim-{i}",
            name=f"Xã Tìm {i}",
            short_name=f"Tìm {i}",
            kind="grassroots",
            parent=u.h2,
        )
    scope = selectors.dashboard_scope(user=make_user("tinh-doan", u.tinh, Membership.Role.REVIEWER))
    found = selectors.unit_choices(scope=scope, unit=u.tinh, query="tim")
    assert sum(1 for x in found if x.code.startswith("xa-tim-")) == selectors.UNIT_SEARCH_LIMIT


@pytest.mark.parametrize(("extra_units", "extra_years"), [(0, False), (12, True)])
def test_selectors_run_a_fixed_number_of_queries(
    django_assert_num_queries, extra_units, extra_years
):
    t = build_tree(extra_units=extra_units, extra_years=extra_years)
    u = t.units
    indicators = selectors.movement_indicators(movement=t.movement)
    compared = list(Unit.objects.filter(parent=u.tinh).order_by("path"))
    with django_assert_num_queries(1):
        selectors.unit_overview(subject=_subject(t.movement, u.tinh), indicators=indicators)
    with django_assert_num_queries(1):
        selectors.compare_units(
            subject=_subject(t.movement, u.tinh),
            units=compared,
            indicators=indicators,
            members=t.ind.m,
        )
    # The totals (3); the peers' rates per 100 members (1), the units due and counted under the
    # peers (2) and under the root (2).
    with django_assert_num_queries(8):
        selectors.unit_profile(
            subject=_subject(t.movement, u.h1), root=u.tinh, indicators=indicators
        )
    scope = selectors.dashboard_scope(user=make_user("tinh", u.tinh, Membership.Role.REVIEWER))
    # Periods, the count and page of units, due units and report tallies of the page's groups,
    # the tallies of all (the units due are the rows'), and the day of submission of the
    # groups of one unit (b1).
    with django_assert_num_queries(7):
        selectors.completeness(subject=_subject(t.movement, u.tinh), scope=scope)
    with django_assert_num_queries(1):
        selectors.unit_choices(scope=scope, unit=u.h1)
    with django_assert_num_queries(2):
        selectors.unit_choices(scope=scope, unit=u.h1, query="x")
    assert Period.objects.count() >= 3


@pytest.mark.parametrize("id_list", [coverage_module.SUBTREE_ID_LIST, 1])
def test_report_coverage_reads_a_subtree_by_ids_or_by_path_alike(tree, monkeypatch, id_list):
    """A subtree of a few hundred units is read by their ids, a larger one by path: the same
    reports, notes and gaps either way."""
    monkeypatch.setattr(coverage_module, "SUBTREE_ID_LIST", id_list)
    u = tree.units
    coverage = selectors.report_coverage(subject=_subject(tree.movement, u.tinh))
    assert coverage.report_count == Report.objects.approved().count() == 7
    missing = {unit.code: [p.year for p in periods] for unit, periods in coverage.missing}
    assert missing == {"xa1": [2010], "h2": [2012], "b1": [2011, 2012]}
    assert [(n.unit.code, n.period.year) for n in coverage.notes] == []
    h1 = selectors.report_coverage(subject=_subject(tree.movement, u.h1))
    assert h1.report_count == 5 and [u.code for u in h1.reporting_units] == ["h1", "xa1"]
