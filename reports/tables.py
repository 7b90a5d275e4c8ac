"""The dashboards' tables (django-tables2): what the page shows is what the export contains.

Cells render the Vietnamese way (8.964; 1,54 tỷ đồng; 97,5%); `value()` gives the raw number,
which `reports.exports` writes to CSV and .xlsx.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from decimal import Decimal

import django_tables2 as tables
from django.db import models
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.rows import BoundRow
from django_tables2.utils import Accessor, signature

from movements.formatting import (
    format_change,
    format_date,
    format_number,
    format_percent,
    format_value,
)

from .charts import GROUP_LABELS, axis_title, years_label

_NUM = {"td": {"class": "num"}, "th": {"class": "num"}}
EMPTY = _("Không có số liệu nào để hiển thị.")


Link = Callable[[object], str | None]


class FigureColumn(tables.Column):
    """A figure of one kind: shown formatted, exported exact; '–' where nobody reported.

    `link(record)`, if given, is where the figure comes from (the unit's page for that year,
    its report): the cell links there, so that every figure can be traced to its reports.
    """

    def __init__(self, *args, kind: str = "count", link: Link | None = None, **kwargs):
        kwargs.setdefault("attrs", _NUM)
        kwargs.setdefault("default", None)
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.figure_link = link  # `link` is django-tables2's own (linkify)

    def text(self, value, record) -> str:
        return format_value(value, self.kind)

    def render(self, value, record):
        text = self.text(value, record)
        url = self.figure_link(record) if self.figure_link and value is not None else None
        if not url:
            return text
        # format_html's output, without its generic formatting: a page has hundreds of these.
        return mark_safe(f'<a href="{_escaped(url)}">{_escaped(text)}</a>')

    def value(self, value):
        return value


class PercentColumn(FigureColumn):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, kind="ratio", **kwargs)


class SignedColumn(FigureColumn):
    """A change: '+1.234' / '-56'; a ratio's in percentage points: '+1 điểm %'."""

    def text(self, value, record):
        return format_change(value, self.kind)


class SignedPercentColumn(FigureColumn):
    """A change in percent of the first year: '+141,7%'."""

    def text(self, value, record):
        if value is None:
            return "–"
        text = format_percent(value)
        return f"+{text}" if value > 0 else text


class UnitColumn(tables.Column):
    """The unit's name linking to its page, coloured by peer group."""

    def render(self, value, record):
        unit = record["unit"]
        return format_html(
            '<a class="unit-link peer-{}" href="{}">{}</a>',
            unit.peer_group,
            reverse("reports:unit", args=[unit.code]),
            unit.short_name,
        )

    def value(self, value, record):
        return record["unit"].short_name


class _Row(BoundRow):
    """django-tables2's row, calling a column's `render` with the arguments its signature names,
    read once per column (`Table.render_signature`) rather than once per cell, and reading a
    plain name of a record that is not a model directly (`Table.plain_accessor`)."""

    def _get_and_render_with(self, bound_column, render_func, default):
        # A record that is not a model, read by a plain name: django-tables2 would look for
        # a model field with choices on the way; there is none to find.
        accessor = self._table.plain_accessor(bound_column)
        if accessor is None or isinstance(self._record, models.Model):
            return super()._get_and_render_with(bound_column, render_func, default)
        try:
            value = accessor.resolve(self._record)
        except Exception:
            value = None
        if value in bound_column.column.empty_values:
            return default
        return render_func(bound_column, value)

    def _call_render(self, bound_column, value=None):
        names, catch_all = self._table.render_signature(bound_column)
        given = self._optional_cell_arguments(bound_column, value)
        wanted = given if catch_all else {n: given[n] for n in names if n in given}
        if len(wanted) < len(names):
            return None
        content = bound_column.render(**wanted)
        return bound_column.link(content, **given) if bound_column.link else content


class Table(tables.Table):
    """A django-tables2 table whose body is written in Python (`body_html`, used by
    `reports/_data_table.html`): the cells, classes and attributes of django-tables2's
    own template, without a template lookup per cell. A page's tables hold up to a few
    thousand cells; through the template they took most of the page's time."""

    def render_signature(self, bound_column) -> tuple[tuple[str, ...], str | None]:
        cache = self.__dict__.setdefault("_render_signatures", {})
        if bound_column.name not in cache:
            cache[bound_column.name] = signature(bound_column.render)
        return cache[bound_column.name]

    def plain_accessor(self, bound_column) -> Accessor | None:
        """The column's accessor if it is one plain name of a plain column, else None."""
        cache = self.__dict__.setdefault("_plain_accessors", {})
        if bound_column.name not in cache:
            accessor = Accessor(bound_column.accessor)
            plain = len(accessor.bits) == 1 and not isinstance(
                bound_column.column, BaseLinkColumn | ManyToManyColumn
            )
            cache[bound_column.name] = accessor if plain else None
        return cache[bound_column.name]

    def _direct_render(self, bound_column):
        """For a column whose cells need nothing but the record's value by a plain name, and
        the value and the record: (name, render, empty values), to call without a `_Row`;
        else None."""
        names, catch_all = self.render_signature(bound_column)
        if (
            self.plain_accessor(bound_column) is None
            or catch_all
            or bound_column.link
            or not set(names) <= {"value", "record"}
        ):
            return None
        return bound_column.accessor, bound_column.render, names, bound_column.column.empty_values

    def body_html(self) -> SafeString:
        columns = [
            (
                column,
                format_html("<td {}>", column.attrs["td"].as_html()),
                column.default,
                self._direct_render(column),
            )
            for column in self.columns
        ]
        rows = []
        for record in self.data:
            row = _Row(record, table=self)
            read = _reader(record)
            cells = []
            for column, start, default, fast in columns:
                value = read(record, fast[0]) if read and fast else None
                if read and fast and not callable(value):
                    _name, render, names, empty = fast
                    given = {"value": value, "record": record}
                    cell = default if value in empty else render(**{n: given[n] for n in names})
                else:
                    cell = row._get_and_render_with(column, row._call_render, default)
                cells.append(start + _cell_html(cell))
            rows.append(format_html("<tr {}>", row.attrs.as_html()) + "".join(cells) + "</tr>")
        if not rows and self.empty_text:
            rows.append(
                format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), self.empty_text)
            )
        return mark_safe("".join(rows))


def _reader(record) -> Callable[[object, str], object] | None:
    """How `Table.body_html` reads a plain name of `record` without a row: a plain dict by
    key, an object by attribute; None for a model (django-tables2 shows a field's choice
    label) and for anything indexable (django-tables2 tries `record[name]` first)."""
    kind = type(record)
    if kind is dict:
        return dict.get
    if isinstance(record, models.Model) or hasattr(kind, "__getitem__"):
        return None
    return _attribute


def _attribute(record, name: str):
    """`record.name`, None where reading it fails (as django-tables2's accessor gives)."""
    try:
        return getattr(record, name)
    except Exception:
        return None


def _cell_html(cell) -> str:
    """A cell as `{{ cell }}` writes it in a template (localized, escaped unless safe)."""
    return _escaped(localize(template_localtime(cell))) + "</td>"


def _escaped(text) -> str:
    """`conditional_escape(text)`; a plain str escaped at once, as Django's `escape` does
    (`html.escape`), without its check for lazy arguments: a page escapes thousands."""
    if type(text) is str:
        return html.escape(text)
    return conditional_escape(text)


def _table(name: str, columns: Iterable[tuple[str, tables.Column]], *, orderable: bool) -> type:
    attrs = dict(columns)
    attrs["Meta"] = type(
        "Meta",
        (),
        {
            "orderable": orderable,
            "attrs": {"class": "data-table"},
            "empty_text": EMPTY,
            "default": "–",
            "template_name": "reports/_data_table.html",
        },
    )
    return type(name, (Table,), attrs)


def _measure_header(label, kind: str, measure: str) -> str:
    unit = axis_title(kind, measure)
    return f"{label} ({unit})" if unit else str(label)


UnitUrl = Callable[[object, int, int], str]


def ranking_table(
    rows: list[dict],
    years: list[int],
    *,
    kind: str,
    per_hundred: bool,
    unit_url: UnitUrl | None = None,
) -> tables.Table:
    """Rank, unit, each year, stage, per 100 members, change first → last year.

    `rows`: dicts with unit, rank, y<year>, total, per_hundred, change, change_percent. In
    per-100 mode the years, the stage and the change are per 100 members (and the separate
    per-100 column goes). A ratio has no per-100 column, and its change is in percentage points
    with no percent change. `unit_url(unit, start, end)`: each year's and the stage's figure
    links to the unit's page for those years (its figures and its reports).
    """
    is_ratio = kind == "ratio"
    year_link, stage_link = _unit_links(unit_url, years)
    columns = [
        ("rank", tables.Column(verbose_name=_("Hạng"), attrs=_NUM)),
        ("unit", UnitColumn(verbose_name=_("Đơn vị"), order_by=("unit_name",))),
    ]
    for year in years:
        column = (
            PerHundredColumn(verbose_name=str(year), link=year_link(year))
            if per_hundred
            else FigureColumn(verbose_name=str(year), kind=kind, link=year_link(year))
        )
        columns.append((f"y{year}", column))
    if per_hundred:
        columns += [
            (
                "total",
                PerHundredColumn(
                    verbose_name=_("Cả giai đoạn (trên 100 đoàn viên)"), link=stage_link
                ),
            ),
            ("change", SignedPerHundredColumn(verbose_name=_("Thay đổi năm đầu → năm cuối"))),
        ]
    else:
        columns.append(
            ("total", FigureColumn(verbose_name=_("Cả giai đoạn"), kind=kind, link=stage_link))
        )
        if not is_ratio:
            columns.append(("per_hundred", PerHundredColumn(verbose_name=_("Trên 100 đoàn viên"))))
        columns.append(
            (
                "change",
                SignedColumn(
                    verbose_name=_("Thay đổi năm đầu → năm cuối (điểm %)")
                    if is_ratio
                    else _("Thay đổi năm đầu → năm cuối"),
                    kind=kind,
                ),
            )
        )
    if not is_ratio:
        columns.append(("change_percent", SignedPercentColumn(verbose_name=_("Thay đổi (%)"))))
    return _table("RankingTable", columns, orderable=True)(rows, prefix="xh-")


class PerHundredColumn(FigureColumn):
    """Per 100 members, shown with one decimal."""

    def text(self, value, record):
        return format_number(value, 1) if value is not None else "–"


class SignedPerHundredColumn(FigureColumn):
    def text(self, value, record):
        if value is None:
            return "–"
        text = format_number(value, 1)
        return f"+{text}" if value > 0 else text


def _unit_links(unit_url: UnitUrl | None, years: list[int]):
    """(year → link of a row's figure of that year, link of its stage figure)."""
    if unit_url is None:
        return (lambda year: None), None

    def year_link(year):
        return lambda record: unit_url(record["unit"], year, year)

    return year_link, lambda record: unit_url(record["unit"], years[0], years[-1])


def section_table(
    rows: list[dict],
    indicators: list,
    *,
    per_hundred: bool,
    years: list[int] | None = None,
    unit_url: UnitUrl | None = None,
) -> tables.Table:
    """Units × the indicators of one section, over the stage `years` (or per 100 members);
    with `unit_url`, each figure links to the unit's page for the stage."""
    _year_link, stage_link = _unit_links(unit_url, years or [])
    columns = [("unit", UnitColumn(verbose_name=_("Đơn vị"), order_by=("unit_name",)))]
    for indicator in indicators:
        if per_hundred and indicator.kind != "ratio":
            column = PerHundredColumn(verbose_name=indicator.label, link=stage_link)
        else:
            column = FigureColumn(
                verbose_name=_measure_header(indicator.label, indicator.kind, indicator.measure),
                kind=indicator.kind,
                link=stage_link,
            )
        columns.append((f"i_{indicator.code}", column))
    return _table("SectionTable", columns, orderable=True)(rows, prefix="phan-")


def indicator_years_table(
    rows,
    years: list[int],
    *,
    prefix: str,
    compare_url: Callable[[object, int, int], str] | None = None,
) -> tables.Table:
    """Indicators (rows of `IndicatorYears`) by year, the stage total and the change. With
    `compare_url(indicator, start, end)`, each figure links to the comparison of the units
    behind it for those years (and from there to each unit and its reports)."""

    def link(start, end):
        if compare_url is None:
            return None
        return lambda record: compare_url(record.indicator, start, end)

    columns = [
        ("indicator", tables.Column(verbose_name=_("Chỉ tiêu"), accessor="indicator__label")),
        ("measure", tables.Column(verbose_name=_("Đơn vị tính"), accessor="indicator__measure")),
    ]
    for year in years:
        columns.append(
            (
                f"y{year}",
                KindColumn(
                    verbose_name=str(year), accessor=f"years__{year}", link=link(year, year)
                ),
            )
        )
    columns += [
        ("total", KindColumn(verbose_name=_("Cả giai đoạn"), link=link(years[0], years[-1]))),
        ("change", KindSignedColumn(verbose_name=_("Thay đổi năm đầu → năm cuối"))),
    ]
    return _table("IndicatorYearsTable", columns, orderable=False)(rows, prefix=prefix)


class KindColumn(FigureColumn):
    """A figure whose kind comes from the row's indicator."""

    def text(self, value, record):
        indicator = record.indicator if hasattr(record, "indicator") else record["indicator"]
        if (
            indicator.kind == "count"
            and isinstance(value, Decimal)
            and value != value.to_integral_value()
        ):
            return format_number(value, 1)  # an average: 2,6 cuộc
        return format_value(value, indicator.kind)

    def value(self, value, record):
        return value


class KindSignedColumn(KindColumn):
    """A change of the row's indicator; a ratio's in percentage points."""

    def text(self, value, record):
        indicator = record.indicator if hasattr(record, "indicator") else record["indicator"]
        return format_change(value, indicator.kind)


def reconciliation_table(items) -> tables.Table:
    """Published figures beside the unit data: equal, or the difference."""
    rows = [
        {
            "indicator": r.figure.indicator,
            "label": r.figure.indicator.label,
            "unit": r.figure.unit.short_name,
            "years": f"{r.figure.start_year}–{r.figure.end_year}",
            "published": r.figure.value,
            "qualifier": r.figure.qualifier,
            "computed": r.computed,
            "difference": r.difference,
            "matches": r.matches,
        }
        for r in items
    ]
    columns = [
        ("label", tables.Column(verbose_name=_("Chỉ tiêu"))),
        ("unit", tables.Column(verbose_name=_("Phạm vi"))),
        ("years", tables.Column(verbose_name=_("Giai đoạn"))),
        ("published", PublishedColumn(verbose_name=_("Số đã công bố"))),
        ("computed", KindColumn(verbose_name=_("Cộng từ số liệu đơn vị"))),
        ("difference", KindSignedColumn(verbose_name=_("Chênh lệch"))),
        ("matches", MatchColumn(verbose_name=_("Đối chiếu"))),
    ]
    return _table("ReconciliationTable", columns, orderable=False)(rows, prefix="dc-")


class PublishedColumn(KindColumn):
    def text(self, value, record):
        text = super().text(value, record)
        return f"{record['qualifier']} {text}".strip()


class MatchColumn(tables.Column):
    def render(self, value):
        if value:
            return format_html('<span class="status-approved">{}</span>', _("Khớp"))
        return format_html('<span class="status-returned">{}</span>', _("Lệch"))

    def value(self, value):
        return str(_("Khớp")) if value else str(_("Lệch"))


class RateColumn(FigureColumn):
    """A figure per 100 members with one decimal; a ratio indicator's percentage as itself."""

    def text(self, value, record):
        if value is None:
            return "–"
        if record.indicator.kind == "ratio":
            return format_percent(value)
        return format_number(value, 1)


def profile_table(
    rows, years: list[int], *, with_peers: bool, report_urls: dict[int, str] | None = None
) -> tables.Table:
    """A unit's indicators by year and over the stage; with peers, its stage rate per 100
    members beside its peers' lowest, median and highest rate (an average of totals would
    mostly compare sizes); the province and the unit's share of it.
    `report_urls`: {year: the unit's report of that year}, where each year's figure links."""
    report_urls = report_urls or {}
    columns = [
        ("indicator", tables.Column(verbose_name=_("Chỉ tiêu"), accessor="indicator__label")),
        ("measure", tables.Column(verbose_name=_("Đơn vị tính"), accessor="indicator__measure")),
    ]
    for year in years:
        url = report_urls.get(year)
        columns.append(
            (
                f"y{year}",
                KindColumn(
                    verbose_name=str(year),
                    accessor=f"years__{year}",
                    link=(lambda record, url=url: url) if url else None,
                ),
            )
        )
    columns.append(("total", KindColumn(verbose_name=_("Cả giai đoạn"))))
    if with_peers:
        peer = {"td": {"class": "num peer"}, "th": {"class": "num peer"}}
        columns += [
            ("rate", RateColumn(verbose_name=_("Trên 100 đoàn viên (tỷ lệ: %)"))),
            ("rate_low", RateColumn(verbose_name=_("Cùng nhóm: thấp nhất"), attrs=peer)),
            ("rate_median", RateColumn(verbose_name=_("Cùng nhóm: trung vị"), attrs=peer)),
            ("rate_high", RateColumn(verbose_name=_("Cùng nhóm: cao nhất"), attrs=peer)),
        ]
    columns += [
        ("province_total", KindColumn(verbose_name=_("Toàn tỉnh"))),
        ("share", PercentColumn(verbose_name=_("Tỷ trọng trong toàn tỉnh"))),
    ]
    return _table("ProfileTable", columns, orderable=False)(rows, prefix="dv-")


class StatusColumn(tables.Column):
    def render(self, value, record):
        return format_html(
            '<span class="status-{}">{}</span>', record.status, record.get_status_display()
        )

    def value(self, value, record):
        return record.get_status_display()


class DateColumn(tables.Column):
    def render(self, value):
        return format_date(value)

    def value(self, value):
        return format_date(value) if value else ""


def unit_reports_table(reports) -> tables.Table:
    columns = [
        ("period", ReportColumn(verbose_name=_("Kỳ"), accessor="period__label")),
        ("status", StatusColumn(verbose_name=_("Trạng thái"))),
        ("submitted_at", DateColumn(verbose_name=_("Ngày gửi"), default=None)),
        ("approved_at", DateColumn(verbose_name=_("Ngày duyệt"), default=None)),
        ("is_demo", DemoColumn(verbose_name=_("Nguồn"))),
    ]
    return _table("UnitReportsTable", columns, orderable=False)(reports, prefix="bc-")


def report_url(report) -> str:
    """The page of one report (figures, status, history): reviewers and the unit read it."""
    return reverse(
        "movements:report", kwargs={"unit": report.unit.code, "period": report.period.code}
    )


class ReportColumn(tables.Column):
    """The report's period, linking to the report."""

    def render(self, value, record):
        return format_html('<a href="{}">{}</a>', report_url(record), value)

    def value(self, value):
        return value


class DemoColumn(tables.Column):
    def render(self, value):
        return _("Dữ liệu minh hoạ") if value else _("Đơn vị nhập")

    def value(self, value):
        return str(self.render(value))


STATE_LABELS = {
    "approved": _("Đã duyệt"),
    "submitted": _("Chờ duyệt"),
    "returned": _("Trả lại"),
    "draft": _("Nháp"),
    "missing": _("Chưa có báo cáo"),
    "not-due": _("Chưa thành lập"),
}


class DrillUnitColumn(UnitColumn):
    """The unit's name linking to its page and, when units lie under it, a link down to them
    (`record["drill"]`)."""

    def render(self, value, record):
        name = super().render(value, record)
        if not record.get("drill"):
            return name
        return format_html(
            '{} <a class="drill" href="{}">{}</a>', name, record["drill"], _("Đơn vị trực thuộc ›")
        )


class CellColumn(tables.Column):
    """One group of units × one period of the completeness matrix (`CompletenessCell`): for a
    single unit, its state, the day it was submitted and whether late; for a larger group, how
    many units are in each state."""

    def render(self, value):
        if value.state != "many":
            return self._single(value)
        # The words are escaped once per table and language, the numbers need no escaping: a
        # national page holds over a thousand of these cells.
        words = self._words()
        lines = [f'<span class="muted">{words["due"] % {"n": format_number(value.due)}}</span>']
        lines += [
            f'<span class="cell-state state-{state}">{words[state]}: {format_number(count)}</span>'
            for state, count in value.states
        ]
        if value.late:
            late = words["late"] % {"n": format_number(value.late)}
            lines.append(f'<span class="late">{late}</span>')
        return mark_safe("<br>".join(lines))

    def _words(self) -> dict[str, str]:
        # Each table has its own copy of its columns, rendered in one language.
        if "_word_cache" not in self.__dict__:
            self._word_cache = {state: escape(str(label)) for state, label in STATE_LABELS.items()}
            self._word_cache |= {
                "due": escape(gettext("%(n)s đơn vị phải nộp")),
                "late": escape(gettext("%(n)s trễ hạn")),
            }
        return self._word_cache

    def _single(self, value):
        label = STATE_LABELS[value.state]
        submitted = value.submitted_at if value.state not in ("missing", "not-due") else None
        return format_html(
            '<span class="cell-state state-{}">{}</span>{}{}',
            value.state,
            label,
            format_html('<br><span class="muted">{} {}</span>', _("gửi"), format_date(submitted))
            if submitted
            else "",
            format_html(' <span class="late">{}</span>', _("(trễ hạn)")) if value.late else "",
        )

    def value(self, value):
        if value.state == "many":
            text = str(_("%(n)s đơn vị phải nộp") % {"n": value.due})
            text += "".join(f"; {STATE_LABELS[s]}: {n}" for s, n in value.states)
            if value.late:
                text += "; " + str(_("%(n)s trễ hạn") % {"n": value.late})
            return text
        text = str(STATE_LABELS[value.state])
        if value.state not in ("missing", "not-due") and value.submitted_at is not None:
            text += f" ({format_date(value.submitted_at)})"
        if value.late:
            text += " " + str(_("(trễ hạn)"))
        return text


def completeness_table(matrix, *, drill_url: Callable[[object], str]) -> tables.Table:
    """The units under the matrix's parent (one page) × periods (`selectors.Completeness`),
    each unit's cells counted over its subtree, and its share submitted on time."""
    rows = []
    for row in matrix.rows:
        record = {
            "unit": row.unit,
            "unit_name": row.unit.short_name,
            "drill": drill_url(row.unit) if row.has_children else None,
            "on_time": row.on_time_share,
        }
        for cell in row.cells:
            record[f"k{cell.period.code}"] = cell
        rows.append(record)
    columns = [("unit", DrillUnitColumn(verbose_name=_("Đơn vị")))]
    for period in matrix.periods:
        columns.append((f"k{period.code}", CellColumn(verbose_name=str(period.label))))
    columns.append(("on_time", PercentColumn(verbose_name=_("Tỷ lệ nộp đúng hạn"))))
    return _table("CompletenessTable", columns, orderable=False)(rows, prefix="tt-")


GroupUrl = Callable[..., str]


def group_table(comparison, years: list[int], *, group_url: GroupUrl | None = None) -> tables.Table:
    """Groups of units (`selectors.group_comparison`) year by year, then over the stage: units
    with figures, total (a ratio: the group's pooled ratio), average per unit, members, per 100
    members. With `group_url(group, start, end, per_hundred)`, each figure links to the units
    of its group compared for its years (per 100 members for that column)."""
    kind = comparison.indicator.kind
    stage = years_label(years[0], years[-1]) if years else ""
    rows = []
    for row in comparison.rows:
        periods = [(str(y), y, y, row.years[y]) for y in years]
        periods.append(
            (str(_("Cả giai đoạn %(stage)s") % {"stage": stage}), years[0], years[-1], row.stage)
        )
        for period, start, end, figures in periods:
            rows.append(
                {
                    "group": str(GROUP_LABELS.get(row.group, row.group)),
                    "period": period,
                    "units": figures.units,
                    "reporting": figures.reporting,
                    "total": figures.total,
                    "average": figures.average,
                    "members": figures.members,
                    "per_hundred": figures.per_hundred,
                    "link": (row.group, start, end),
                }
            )

    def link(per_hundred: bool = False) -> Link | None:
        if group_url is None:
            return None
        return lambda record: group_url(*record["link"], per_hundred)

    columns = [
        ("group", tables.Column(verbose_name=_("Nhóm đơn vị"))),
        ("period", tables.Column(verbose_name=_("Năm"))),
        ("units", FigureColumn(verbose_name=_("Số đơn vị"))),
        ("reporting", FigureColumn(verbose_name=_("Số đơn vị có số liệu"), link=link())),
    ]
    if kind == "ratio":
        columns.append(
            ("total", FigureColumn(verbose_name=_("Tỷ lệ của nhóm"), kind=kind, link=link()))
        )
    else:
        columns += [
            ("total", FigureColumn(verbose_name=_("Tổng"), kind=kind, link=link())),
            (
                "average",
                AverageColumn(verbose_name=_("Bình quân một đơn vị"), kind=kind, link=link()),
            ),
            ("members", FigureColumn(verbose_name=_("Số đoàn viên"))),
            (
                "per_hundred",
                AverageColumn(verbose_name=_("Trên 100 đoàn viên"), kind=kind, link=link(True)),
            ),
        ]
    return _table("GroupTable", columns, orderable=False)(rows, prefix="nhom-")


class AverageColumn(FigureColumn):
    """An average or a rate per 100 members: one decimal for counts (2,6 cuộc), money as
    money; the export keeps the exact value."""

    def text(self, value, record) -> str:
        if self.kind == "count":
            return PerHundredColumn.text(self, value, record)
        return super().text(value, record)


class ProgressStateColumn(tables.Column):
    """A unit's state in one period."""

    def render(self, value):
        return format_html(
            '<span class="cell-state state-{}">{}</span>', value, STATE_LABELS[value]
        )

    def value(self, value):
        return str(STATE_LABELS[value])


class LateColumn(tables.Column):
    def render(self, value):
        if value is None:
            return "–"
        if value:
            return format_html('<span class="late">{}</span>', _("Trễ hạn"))
        return _("Đúng hạn")

    def value(self, value):
        return "" if value is None else str(_("Trễ hạn") if value else _("Đúng hạn"))


def progress_table(rows, *, drill_url: Callable[[object], str]) -> tables.Table:
    """Units due in one period (`selectors.ProgressRow`, one page of them, in report order):
    group, state, day submitted, deadline, late; a link down where units lie under one."""
    data = [
        {
            "row": r,
            "unit": r.unit,
            "drill": drill_url(r.unit) if r.has_children else None,
            "unit_name": r.unit.short_name,
            "group": str(GROUP_LABELS.get(r.unit.peer_group, r.unit.get_kind_display())),
            "state": r.state,
            "submitted_on": r.submitted_on,
            "deadline": r.period.deadline,
            "late": r.late,
        }
        for r in rows
    ]
    columns = [
        ("unit", DrillUnitColumn(verbose_name=_("Đơn vị"))),
        ("group", tables.Column(verbose_name=_("Nhóm đơn vị"))),
        ("state", ProgressStateColumn(verbose_name=_("Tình trạng"))),
        ("submitted_on", DateColumn(verbose_name=_("Ngày gửi"), default=None)),
        ("deadline", DateColumn(verbose_name=_("Hạn nộp"), default=None)),
        ("late", LateColumn(verbose_name=_("Đúng hạn / trễ hạn"), default=None)),
    ]
    return _table("ProgressTable", columns, orderable=False)(data, prefix="td-")
