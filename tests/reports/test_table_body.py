"""The tables' body written in Python (`reports.tables.Table.body_html`) is what django-tables2's
own template writes, cell for cell, for every dashboard table: dict rows, plain objects and
model rows, links, missing figures, choices shown by their label, escaping, and the empty
table; cells it leaves to django-tables2 (columns not ours, `linkify`, `render_<name>`) too."""

import datetime as dt
import inspect
import re
from decimal import Decimal
from types import SimpleNamespace

import django_tables2
import pytest
from django.test import RequestFactory
from django.utils.html import format_html

from movements.models import Indicator, Report
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


def _indicators(seed) -> dict[str, Indicator]:
    """One indicator of each kind."""
    return {
        kind: Indicator.objects.filter(movement=seed, kind=kind).order_by("pk").first()
        for kind in ("count", "money", "ratio")
    }


def test_a_completeness_table_body_is_the_one_django_tables2_writes(units):
    periods = [
        SimpleNamespace(code="2012", label="2012"),
        SimpleNamespace(code="2013", label="2013"),
    ]
    submitted = dt.datetime(2013, 5, 3, 9, 30, tzinfo=dt.UTC)

    def cell(state, **facts):
        return SimpleNamespace(
            state=state, due=1, states=[], late=0, submitted_at=submitted, **facts
        )

    matrix = SimpleNamespace(
        periods=periods,
        rows=[
            SimpleNamespace(
                unit=units.rach_gia,
                has_children=True,
                on_time_share=Decimal("87.5"),
                cells=[
                    SimpleNamespace(
                        period=periods[0],
                        state="many",
                        due=12,
                        states=[("approved", 9), ("missing", 3)],
                        late=2,
                        submitted_at=submitted,
                    ),
                    SimpleNamespace(period=periods[1], **vars(cell("submitted")) | {"late": 1}),
                ],
            ),
            SimpleNamespace(
                unit=units.cong_an,
                has_children=False,
                on_time_share=None,
                cells=[
                    SimpleNamespace(period=periods[0], **vars(cell("missing"))),
                    SimpleNamespace(period=periods[1], **vars(cell("not-due")) | {"due": 0}),
                ],
            ),
        ],
    )

    ours, theirs = _both(
        lambda: tables.completeness_table(matrix, drill_url=lambda unit: f"/c/?u={unit.code}&p=2")
    )
    assert ours == theirs
    assert "state-many" not in ours and "state-approved" in ours and "&amp;p=2" in ours
    assert "87,5%" in ours and "3/5/2013" in ours


def test_a_progress_table_body_is_the_one_django_tables2_writes(units):
    def row(unit, state, submitted_on, late, has_children=False):
        return SimpleNamespace(
            unit=unit,
            has_children=has_children,
            state=state,
            submitted_on=submitted_on,
            period=SimpleNamespace(deadline=dt.date(2013, 6, 30)),
            late=late,
        )

    rows = [
        row(units.rach_gia, "approved", dt.date(2013, 7, 2), True, has_children=True),
        row(units.cong_an, "missing", None, None),
        row(units.cong_an, "submitted", dt.date(2013, 6, 1), False),
    ]
    ours, theirs = _both(
        lambda: tables.progress_table(rows, drill_url=lambda unit: f"/p/?u={unit.code}&x=1")
    )
    assert ours == theirs
    assert "state-missing" in ours and "2/7/2013" in ours and "&amp;x=1" in ours


def test_a_group_table_body_is_the_one_django_tables2_writes(seed):
    def figures(total, average):
        return SimpleNamespace(
            units=12,
            reporting=11,
            total=total,
            average=average,
            members=8964,
            per_hundred=Decimal("2.57") if total is not None else None,
            rate_units=10,
            coverage=SimpleNamespace(counted=11, due=12),
        )

    comparison = SimpleNamespace(
        indicator=_indicators(seed)["count"],
        rows=[
            SimpleNamespace(
                group="district",
                years={2012: figures(1234, Decimal("2.6")), 2013: figures(None, None)},
                stage=figures(1234, Decimal("102.83")),
                change=SimpleNamespace(
                    change=-56,
                    change_percent=Decimal("-4.5"),
                    units=9,
                    short=SimpleNamespace(counted=6, due=12, year=2013),
                ),
                rate_change=SimpleNamespace(change=Decimal("0.25")),
            ),
        ],
    )
    ours, theirs = _both(
        lambda: tables.group_table(
            comparison,
            [2012, 2013],
            group_url=lambda group, start, end, per: f"/g/?g={group}&s={start}&h={per:d}",
        )
    )
    assert ours == theirs
    assert "1.234" in ours and "2,6" in ours and "&amp;h=1" in ours
    assert "chưa đủ số liệu: 6/12 đơn vị (2013)" in ours


def test_section_and_reconciliation_tables_are_the_ones_django_tables2_writes(seed, units):
    indicators = list(_indicators(seed).values())
    rows = [
        {
            "unit": units.rach_gia,
            "unit_name": "Rạch Giá",
            **{
                f"i_{i.code}": v
                for i, v in zip(indicators, [8964, 1540000000, Decimal("97.5")], strict=True)
            },
        },
        {"unit": units.cong_an, "unit_name": "Công an"},
    ]
    for per_hundred in (False, True):
        ours, theirs = _both(
            lambda per_hundred=per_hundred: tables.section_table(
                rows,
                indicators,
                per_hundred=per_hundred,
                years=[2009, 2013],
                unit_url=lambda unit, start, end: f"/u/{unit.code}/?s={start}&e={end}",
            )
        )
        assert ours == theirs
        assert "&amp;e=2013" in ours and "97,5%" in ours

    count = indicators[0]
    figure = SimpleNamespace(
        indicator=count,
        unit=units.rach_gia,
        start_year=2009,
        end_year=2013,
        value=8964,
        qualifier="trên",
    )
    items = [
        SimpleNamespace(figure=figure, computed=8964, difference=0, matches=True),
        SimpleNamespace(figure=figure, computed=None, difference=None, matches=False),
    ]
    ours, theirs = _both(lambda: tables.reconciliation_table(items))
    assert ours == theirs
    assert "trên 8.964" in ours and "status-returned" in ours


def test_a_profile_table_body_is_the_one_django_tables2_writes(seed):
    kinds = _indicators(seed)
    rows = [
        SimpleNamespace(
            indicator=kinds["count"],
            years={2012: 1234, 2013: None},
            total=1234,
            rate=Decimal("2.57"),
            rate_low=Decimal("1"),
            rate_median=None,
            rate_high=Decimal("9.99"),
            province_total=8964,
            share=Decimal("13.77"),
        ),
        SimpleNamespace(
            indicator=kinds["ratio"],
            years={2012: Decimal("97.5")},
            total=Decimal("97.5"),
            rate=Decimal("97.5"),
            rate_low=None,
            rate_median=None,
            rate_high=None,
            province_total=Decimal("90"),
            share=None,
        ),
    ]
    ours, theirs = _both(
        lambda: tables.profile_table(
            rows, [2012, 2013], with_peers=True, report_urls={2012: "/r/?u=rach-gia&p=2012"}
        )
    )
    assert ours == theirs
    assert "1.234" in ours and "97,5%" in ours and "&amp;p=2012" in ours


class _Mixed(tables.Table):
    """Columns `Table.body_html` leaves to django-tables2 (one not ours, one with a linkify, one
    with the table's `render_<name>`) beside ours reading nested, missing and empty values."""

    plain = django_tables2.Column()
    linked = tables.Column(linkify=lambda record: f"/x/?n={record['n']}&y=1")
    special = tables.Column()
    nested = tables.Column(accessor="inner__n")
    missing = tables.Column()
    blank = tables.Column(default="(none)")

    class Meta:
        template_name = "reports/_data_table.html"
        default = "–"
        empty_text = "nothing"

    def render_special(self, value, record):
        return format_html("<i>{}</i>", value)


def test_cells_django_tables2_renders_are_asked_of_it_and_others_read_as_it_reads_them():
    records = [
        {
            "n": 1,
            "plain": "<b>",
            "linked": "a&b",
            "special": "<x>",
            "inner": {"n": 1234},
            "blank": "",
        },
        {"n": 2, "plain": None, "linked": None, "special": None, "inner": None},
    ]
    ours, theirs = _both(lambda: _Mixed(records))
    assert ours == theirs
    assert ">1234<" in ours and "(none)" in ours and "<i>&lt;x&gt;</i>" in ours
    assert "/x/?n=1&amp;y=1" in ours


class _Record:
    """A plain object: a method (called when read), a property that fails (read as None)."""

    def __init__(self, n):
        self.n = n

    def doubled(self):
        return f"<{self.n * 2}>"

    @property
    def broken(self):
        raise KeyError("broken")


def test_a_plain_objects_methods_are_called_and_failures_read_as_nothing_as_django_tables2_does():
    def make():
        return tables.data_table(
            "Objects",
            [
                ("n", tables.Column()),
                ("doubled", tables.Column()),
                ("broken", tables.Column()),
                ("missing", tables.Column(default="(none)")),
            ],
            orderable=False,
        )([_Record(617), _Record(0)])

    ours, theirs = _both(make)
    assert ours == theirs
    assert "&lt;1234&gt;" in ours and "(none)" in ours


def test_a_column_that_localizes_its_cells_is_refused_rather_than_written_wrong():
    class Localized(tables.Table):
        figure = tables.Column(localize=False)

    with pytest.raises(ValueError, match="figure"):
        Localized([{"figure": 1234}]).body_html()


def test_every_column_of_ours_renders_from_its_value_and_its_record():
    """`Table.body_html` calls `render(value, record)` without asking each column's
    signature: every column of ours takes exactly these."""

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    columns = set(subclasses(tables.Column))
    assert len(columns) > 20
    for column in columns:
        assert list(inspect.signature(column.render).parameters) == ["self", "value", "record"], (
            column
        )
