"""`indicator_totals` reads the stored totals (rollups); here it is compared, in every mode, with
the scan it replaced: one GROUP BY over the values of the subtree, children bucketed by a CASE
of path prefixes, stocks at the end year. Same keys, same exact numbers."""

import pytest
from django.db.models import Case, IntegerField, Q, Sum, When
from django.db.models import Value as V

from movements.models import Indicator, Report, Unit, Value
from reports.selectors import Subject, indicator_totals, movement_indicators, ratio_percent
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def scanned_totals(*, movement, unit, start_year, end_year, by_unit, by_year, submitted, children):
    indicators = movement_indicators(movement=movement)
    statuses = [Report.Status.APPROVED] + ([Report.Status.SUBMITTED] if submitted else [])
    rows = Value.objects.filter(
        report__movement=movement,
        report__period__kind=movement.period_kind,
        report__period__year__gte=start_year,
        report__period__year__lte=end_year,
        report__unit__path__startswith=unit.path,
        report__status__in=statuses,
    )
    if not by_year:
        rows = rows.filter(
            Q(indicator__aggregation=Indicator.Aggregation.SUM) | Q(report__period__year=end_year)
        )
    group_by, codes = ["indicator__code"], {}
    if by_unit:
        whens = [When(report__unit__path__startswith=c.path, then=V(c.pk)) for c in children]
        codes = {c.pk: c.code for c in children} | {unit.pk: unit.code}
        rows = rows.annotate(bucket=Case(*whens, default=V(unit.pk), output_field=IntegerField()))
        group_by.append("bucket")
    if by_year:
        group_by.append("report__period__year")
    totals = {}
    for row in rows.values(*group_by).annotate(total=Sum("value")).order_by():
        key = (
            row["indicator__code"],
            codes[row["bucket"]] if by_unit else None,
            row.get("report__period__year"),
        )
        totals[key] = row["total"]
    for indicator in indicators:
        if indicator.kind == Indicator.Kind.RATIO:
            num, den = indicator.numerator.code, indicator.denominator.code
            for key in [k for k in totals if k[0] == den]:
                totals[(indicator.code, key[1], key[2])] = ratio_percent(
                    totals.get((num, key[1], key[2]), 0), totals[key]
                )
    return totals


@pytest.fixture
def mixed(demo, units):
    """The demo data, grassroots units with their own reports under Rạch Giá, and submitted
    reports beside approved ones (2013 is the end year: stocks are taken there)."""
    for n in range(3):
        grassroots = Unit.objects.create(
            code=f"phuong-{n}",
            name=f"Đoàn phường {n}",
            short_name=f"Phường {n}",
            kind=Unit.Kind.GRASSROOTS,
            parent=units.rach_gia,
        )
        for year in (2011, 2013):
            make_report(
                grassroots,
                year,
                demo,
                status=Report.Status.SUBMITTED if n == 1 else Report.Status.APPROVED,
                values={"hoi-nghi-trien-khai": 3 + n, "doan-vien": 40 + n},
            )
    return demo


@pytest.mark.parametrize("by_unit", [False, True])
@pytest.mark.parametrize("by_year", [False, True])
@pytest.mark.parametrize("submitted", [False, True])
@pytest.mark.parametrize(
    ("unit_code", "children"), [("kien-giang", "all"), ("kien-giang", "some"), ("rach-gia", "all")]
)
def test_totals_from_rollups_equal_the_scan_of_the_values(
    mixed, by_unit, by_year, submitted, unit_code, children
):
    unit = Unit.objects.get(code=unit_code)
    listed = list(unit.children.order_by("path"))
    if children == "some":
        listed = listed[::3]  # the rest falls to the unit's own bucket, as before
    common = {
        "movement": mixed,
        "unit": unit,
        "start_year": 2010,
        "end_year": 2013,
        "by_unit": by_unit,
        "by_year": by_year,
    }
    expected = scanned_totals(**common, submitted=submitted, children=listed)
    assert expected
    subject = Subject.of(
        movement=mixed, unit=unit, start_year=2010, end_year=2013, include_submitted=submitted
    )
    got = indicator_totals(subject=subject, by_unit=by_unit, by_year=by_year, children=listed)
    assert got == expected
