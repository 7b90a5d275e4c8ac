"""The demo data behaves like a real year: reports dated around their deadline (most on time,
some late, none after the day it was loaded), money in realistic ranges, a count of none with
nothing counted by it, figures that pass the checks, and in the open period a few blanks and
the deliberate mistakes its docstring names."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from movements.models import Indicator, Period, Report, Unit, Value
from movements.rules import values_check
from movements.selectors import entry_indicators
from movements.services.demo import (
    DEMO_MONEY_MIN,
    DEMO_OPEN_BLANKS,
    DEMO_OPEN_IMPLAUSIBLE,
    DEMO_OPEN_STATUS,
    DEMO_PAIRS,
    demo_open_period,
)
from movements.services.demo_dates import DEMO_OPEN_LATE
from reports.selectors import dashboard_scope, progress_counts
from tests.factories import make_report, totals_kept

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(demo):
    """The stage's demo reports and the open period's (2014), loaded before `loaded`."""
    demo_open_period()
    return demo


def figures() -> dict[tuple[str, int], dict[str, int]]:
    """{(unit code, year): {indicator code: value}} of every report."""
    out: dict[tuple[str, int], dict[str, int]] = {}
    for unit, year, code, value in Value.objects.values_list(
        "report__unit__code", "report__period__year", "indicator__code", "value"
    ):
        out.setdefault((unit, year), {})[code] = value
    return out


def test_every_money_indicator_is_paired_with_the_count_it_is_the_value_of(seed):
    money = set(
        Indicator.objects.filter(movement=seed, kind=Indicator.Kind.MONEY).values_list(
            "code", flat=True
        )
    )
    assert money and money <= set(DEMO_PAIRS)
    stored = set(Indicator.objects.stored().filter(movement=seed).values_list("code", flat=True))
    assert set(DEMO_PAIRS) | set(DEMO_PAIRS.values()) <= stored


def test_no_demo_money_figure_is_below_a_plausible_amount_but_the_deliberate_one(both):
    small = {
        (unit, year, code): value
        for unit, year, code, value in Value.objects.filter(
            indicator__kind=Indicator.Kind.MONEY, value__gt=0, value__lt=DEMO_MONEY_MIN
        ).values_list("report__unit__code", "report__period__year", "indicator__code", "value")
    }
    assert small == {("kien-luong", 2014, "tien-quy-xa-hoi"): 500}
    assert DEMO_OPEN_IMPLAUSIBLE[("kien-luong", "tien-quy-xa-hoi")] == 500
    # The stage's money is Công an's, a few triệu to some hundreds of triệu a year.
    stage = Value.objects.filter(
        indicator__kind=Indicator.Kind.MONEY, value__gt=0, report__period__year__lte=2013
    )
    assert set(stage.values_list("report__unit__code", flat=True)) == {"cong-an"}
    assert all(v % 100_000 == 0 for v in stage.values_list("value", flat=True))
    assert max(stage.values_list("value", flat=True)) < 1_000_000_000


def test_a_count_of_none_has_no_value_and_nobody_taking_part(both):
    checked = 0
    for (unit, year), values in figures().items():
        for dependent, count in DEMO_PAIRS.items():
            if values.get(count) == 0:
                assert values.get(dependent) in (0, None), (unit, year, dependent)
                checked += 1
            if values.get(dependent):
                assert values.get(count), (unit, year, dependent)
    assert checked >= 4  # the years without an incinerator, at least
    # The one incinerator of the stage (17 triệu, Công an) and its value are in the same year.
    furnace = Value.objects.filter(
        indicator__code__in=["lo-dot-rac", "tri-gia-lo-dot-rac"],
        report__period__year__lte=2013,
        value__gt=0,
    )
    assert sorted(furnace.values_list("report__period__year", "value")) in (
        [(y, 1), (y, 17_000_000)] for y in range(2009, 2014)
    )


def test_demo_figures_pass_the_checks_but_for_the_deliberate_mistakes(both):
    """No errors anywhere (parts within wholes, whole numbers), and warnings only where meant:
    Hà Tiên's attendances over twice its members (DEMO_OPEN_IMPLAUSIBLE), and the stage's one
    incinerator, whose value comes from 0 the year before."""
    indicators = entry_indicators(movement=both)
    every = figures()
    warned = set()
    for report in Report.objects.select_related("unit", "period"):
        key = (report.unit.code, report.period.year)
        previous = every.get((report.unit.code, report.period.year - 1))
        errors, warnings = values_check(indicators, every.get(key, {}), previous, unit=report.unit)
        assert not errors, (key, errors)
        warned |= {(*key, code) for code in warnings}
    (furnace_year,) = Value.objects.filter(
        indicator__code="lo-dot-rac", value=1, report__period__year__lte=2013
    ).values_list("report__period__year", flat=True)
    meant = {(unit, 2014, code) for unit, code in DEMO_OPEN_IMPLAUSIBLE}
    assert ("ha-tien", 2014, "luot-du-trien-khai") in warned
    assert warned - meant == {("cong-an", furnace_year, "tri-gia-lo-dot-rac")}


def test_the_open_period_leaves_a_few_figures_blank_not_zero(both):
    indicators = entry_indicators(movement=both)
    every = figures()
    section = [i.code for i in indicators if i.group.code == "ban-than"]
    assert DEMO_OPEN_BLANKS["giong-rieng"] == ["ban-than"]
    giong_rieng = every[("giong-rieng", 2014)]
    assert section and not set(section) & set(giong_rieng)
    assert all(i.code in giong_rieng for i in indicators if i.group.code != "ban-than")
    chau_thanh = every[("chau-thanh", 2014)]
    blank = {"cong-ngan-man", "mo-cau", "lo-dot-rac", "tri-gia-lo-dot-rac"}
    assert {i.code for i in indicators} - set(chau_thanh) == blank
    # Every other submitted report gives every figure.
    for unit in DEMO_OPEN_STATUS[Report.Status.SUBMITTED]:
        if unit not in DEMO_OPEN_BLANKS:
            assert len(every[(unit, 2014)]) == len(indicators), unit


def test_stage_reports_are_dated_around_their_deadline_most_on_time(demo):
    started = timezone.now()
    reports = list(Report.objects.select_related("period"))
    assert len(reports) == 120
    late = 0
    for report in reports:
        deadline = report.period.deadline
        sent = timezone.localdate(report.submitted_at)
        assert deadline - dt.timedelta(days=9) <= sent <= deadline + dt.timedelta(days=35)
        late += sent > deadline
        assert report.created_at < report.submitted_at < report.approved_at
        assert report.approved_at - report.submitted_at <= dt.timedelta(days=8)
        assert report.updated_at == report.approved_at < started
    assert 0.1 * len(reports) < late < 0.3 * len(reports)


def test_the_demo_history_is_dated_when_the_reports_were_written(demo):
    reports = {r.pk: r for r in Report.objects.all()}
    for row in Report.history.all():
        assert row.history_date == reports[row.id].approved_at
    entered = Value.history.values_list("report_id", "history_date")
    for report_id, moment in entered:
        report = reports[report_id]
        assert report.created_at <= moment <= report.submitted_at


def test_the_open_period_is_dated_around_its_deadline_and_never_after_the_load(both, cast):
    loaded = timezone.now()
    period = Period.objects.get(kind=Period.Kind.YEAR, year=2014)
    assert period.deadline == dt.date(2015, 1, 15)
    reports = {r.unit.code: r for r in Report.objects.filter(period=period).select_related("unit")}
    late = sorted(
        code
        for code, r in reports.items()
        if r.submitted_at and timezone.localdate(r.submitted_at) > period.deadline
    )
    assert late == sorted(DEMO_OPEN_LATE)
    for code, report in reports.items():
        assert report.updated_at < loaded
        assert abs(timezone.localdate(report.updated_at) - period.deadline) <= dt.timedelta(30)
        if report.status == Report.Status.SUBMITTED and code not in DEMO_OPEN_LATE:
            assert timezone.localdate(report.submitted_at) < period.deadline
    returned = reports["cong-an"]
    assert returned.submitted_at < returned.returned_at == returned.updated_at
    # The late list: the two sent late and every unit that has not sent, which is not everyone.
    counts = progress_counts(
        movement=both,
        period=period,
        scope=dashboard_scope(user=cast.reviewer),
        parent=Unit.objects.get(code="kien-giang"),
    )
    on_time = len(DEMO_OPEN_STATUS[Report.Status.SUBMITTED]) - len(DEMO_OPEN_LATE)
    assert counts.deadline_passed
    assert counts.late["all"] == counts.due - on_time
    assert 0 < counts.late["all"] < counts.due


def test_an_open_period_whose_deadline_is_ahead_is_dated_up_to_now(demo):
    year = timezone.localdate().year
    demo_open_period(year=year)
    period = Period.objects.get(kind=Period.Kind.YEAR, year=year)
    assert period.deadline > timezone.localdate()
    reports = Report.objects.filter(period=period)
    assert reports.exists()
    now = timezone.now()
    for report in reports:
        for moment in (report.created_at, report.updated_at, report.submitted_at):
            assert moment is None or moment <= now


def test_the_entry_list_shows_when_each_demo_report_was_last_edited_not_the_load_day(
    client, both, cast
):
    client.force_login(cast.secretary_a)
    html = client.get(reverse("movements:entry")).content.decode()
    today = timezone.localdate()
    assert f"{today.day}/{today.month}/{today.year}" not in html
    for year in (2013, 2014):
        report = Report.objects.get(unit=cast.unit_a, period__year=year)
        edited = timezone.localdate(report.updated_at)
        assert edited.year == year + 1
        assert f"{edited.day}/{edited.month}/{edited.year}" in html


def test_load_demo_replace_reloads_an_older_demo_as_written_now_and_keeps_real_reports(seed, units):
    """A database loaded by an older loader (dated the day it was loaded) gets the demo of
    today's loader: same reports, dates around the deadlines, no history of the old rows."""
    call_command("load_demo", verbosity=0)
    written = sorted(Report.objects.values_list("unit__code", "period__year", "submitted_at"))
    history = (Report.history.count(), Value.history.count())
    real = make_report(units.an_minh, 2015, seed, status="draft", values={"cau": 2})
    old = Report.objects.filter(is_demo=True)
    with totals_kept(old):
        old.update(submitted_at=timezone.now(), updated_at=timezone.now())
        Value.objects.filter(report__is_demo=True, indicator__code="tien-quy-xa-hoi").update(
            value=15
        )
    out = io.StringIO()
    call_command("load_demo", "--replace", stdout=out)
    assert f"Đã xoá {len(written)} báo cáo minh hoạ." in out.getvalue()
    again = Report.objects.filter(is_demo=True)
    assert sorted(again.values_list("unit__code", "period__year", "submitted_at")) == written
    assert not Value.objects.filter(indicator__code="tien-quy-xa-hoi", value=15).exists()
    assert (Report.history.count(), Value.history.count()) == (
        history[0] + 1,  # the real report's
        history[1],
    )
    real.refresh_from_db()
    assert not real.is_demo
    assert dict(real.values.values_list("indicator__code", "value")) == {"cau": 2}
