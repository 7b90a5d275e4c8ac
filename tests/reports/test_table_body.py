"""The tables' body written in Python (`reports.tables.Table.body_html`) is what django-tables2's
own template writes, cell for cell: dict rows and model rows, links, missing figures, choices
shown by their label, escaping, and the empty table."""

import re
from decimal import Decimal

import pytest
from django.test import RequestFactory

from movements.models import Report
from reports import tables
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def _both(make):
    """The table rendered through our template and through django-tables2's, whitespace
    between tags removed."""
    request = RequestFactory().get("/")

    def html(table):
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", table.as_html(request))).strip()

    ours = make()
    theirs = make()
    theirs.template_name = "django_tables2/table.html"
    assert ours.template_name == "reports/_data_table.html"
    return html(ours), html(theirs)


def test_a_ranking_table_body_is_the_one_django_tables2_writes(units):
    years = [2012, 2013]
    rows = [
        {
            "unit": units.rach_gia,
            "unit_name": "Rạch Giá",
            "rank": 1,
            "y2012": 1234,
            "y2013": None,
            "total": 1234,
            "per_hundred": Decimal("10.04"),
            "change": Decimal("-56"),
            "change_percent": Decimal("-4.5"),
        },
        {
            "unit": units.cong_an,
            "unit_name": "<Công an>",
            "rank": 2,
            "y2012": 0,
            "y2013": 8964,
            "total": 8964,
            "per_hundred": None,
            "change": None,
            "change_percent": None,
        },
    ]

    def make():
        return tables.ranking_table(
            rows,
            years,
            kind="count",
            per_hundred=False,
            unit_url=lambda unit, start, end: f"/units/{unit.code}/?a=1&start={start}",
        )

    ours, theirs = _both(make)
    assert ours == theirs
    assert "8.964" in ours and "–" in ours and "&amp;start=2013" in ours


def test_a_table_of_reports_shows_their_status_label_as_django_tables2_does(seed, units):
    make_report(units.rach_gia, 2012, seed, status=Report.Status.SUBMITTED)
    make_report(units.cong_an, 2013, seed)
    reports = Report.objects.select_related("unit", "period").order_by("pk")

    ours, theirs = _both(lambda: tables.unit_reports_table(reports))
    assert ours == theirs
    assert "status-submitted" in ours


def test_an_empty_table_says_so_as_django_tables2_does(seed):
    ours, theirs = _both(lambda: tables.unit_reports_table(Report.objects.none()))
    assert ours == theirs
    assert str(tables.EMPTY) in ours


def test_rows_that_are_plain_objects_are_read_as_django_tables2_reads_them(seed):
    """`IndicatorYears` rows: attributes, properties (the change), nested names (the
    indicator's label) and a year nobody reported."""
    from movements.models import Indicator
    from reports.selectors import IndicatorYears

    indicators = list(Indicator.objects.filter(movement=seed).order_by("pk")[:3])
    rows = [
        IndicatorYears(indicators[0], {2012: 1234, 2013: 8964}, 10198, 2012, 2013),
        IndicatorYears(indicators[1], {2012: None, 2013: 5}, 5, 2012, 2013),
        IndicatorYears(indicators[2], {2012: 0}, 0, 2012, 2013),
    ]

    def make():
        return tables.indicator_years_table(
            rows,
            [2012, 2013],
            prefix="x-",
            compare_url=lambda indicator, start, end: f"/compare/?i={indicator.code}&s={start}",
        )

    ours, theirs = _both(make)
    assert ours == theirs
    assert "8.964" in ours and "+7.730" in ours and "&amp;s=2013" in ours
