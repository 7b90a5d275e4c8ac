"""Turning what the selectors found into what a dashboard shows: chart figures
(`reports.charts`), tables (`reports.tables`), titles and links, so that each view only checks
access, parses, calls its selectors and renders. One module per page (`overview`, `compare`,
`unit`, `completeness`); what several pages show is here: the request's `Dashboard`, the
groups' block and the progress cards.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from urllib.parse import quote_plus

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from movements.formatting import format_years
from movements.models import Indicator, Unit

from .. import charts, selectors, tables
from ..coverage_text import counted_words
from ..exports import ExportHeading
from ..filters import ALL_PEERS, COMPARED_GROUPS
from ..forms import CompareForm, ProgressForm


def years_span(start: int, end: int) -> str:
    """The whole of the years from `start` to `end` in a title: 'cả giai đoạn 2009–2013', or
    'năm 2013' when they are one year."""
    if start == end:
        return _("năm %(year)s") % {"year": start}
    return _("cả giai đoạn %(stage)s") % {"stage": format_years(start, end)}


@functools.lru_cache(maxsize=4096)
def _quoted(value: str | int) -> str:
    return quote_plus(str(value))


@dataclass
class Dashboard:
    """A dashboard request once its preamble passed: what the user may see (`scope`), the
    parsed parameters (`data`), the template context so far, and what the figures are about
    (`subject`: the chosen movement, years and switch, over the chosen unit or the province;
    None while the parameters are invalid)."""

    scope: selectors.Scope
    data: dict
    context: dict
    subject: selectors.Subject | None
    paths: dict = dataclasses.field(default_factory=dict, repr=False)
    coverages: dict = dataclasses.field(default_factory=dict, repr=False)

    def coverage(self, unit: Unit | None) -> dict[int, selectors.YearCoverage]:
        """How many of the units due in `unit`'s subtree are counted each year of the board
        (`selectors.year_coverage`: two queries, once per unit and request); {} without a unit
        or a subject."""
        if unit is None or self.subject is None:
            return {}
        if unit.pk not in self.coverages:
            self.coverages[unit.pk] = selectors.year_coverage(subject=self.subject.with_unit(unit))
        return self.coverages[unit.pk]

    def path(self, name: str, *args) -> str:
        """reverse(name, args), once per request: a page links hundreds of its figures to the
        same few pages."""
        if (name, args) not in self.paths:
            self.paths[name, args] = reverse(name, args=args)
        return self.paths[name, args]

    @property
    def years(self) -> list[int]:
        return list(range(self.data["start"], self.data["end"] + 1))

    @property
    def stage(self) -> str:
        return format_years(self.data["start"], self.data["end"])

    @property
    def span(self) -> str:
        """The years as a title names the whole of them: 'cả giai đoạn 2009–2013', and for a
        single year 'năm 2013' (never 'cả giai đoạn 2013')."""
        return years_span(self.data["start"], self.data["end"])

    def query(self, **names) -> str:
        """The query string of a dashboard link with this request's movement and switch."""
        params = {"movement": self.data["movement"].code, **names}
        for switch in ("submitted", "raw"):
            if self.data.get(switch):
                params[switch] = "on"
        # urlencode's output for these plain values, with each value quoted once per process:
        # a page writes hundreds of these links.
        return "?" + "&".join(f"{key}={_quoted(value)}" for key, value in params.items())

    def unit_url(self, unit: Unit, start: int, end: int) -> str:
        """The unit's page for those years: its figures and its reports."""
        return self.path("reports:unit", unit.code) + self.query(start=start, end=end)

    def compare_url(self, indicator: Indicator, start: int, end: int) -> str:
        """The units compared on `indicator` for those years."""
        return self.path("reports:compare") + self.query(
            indicator=indicator.code, start=start, end=end
        )

    def group_url(
        self,
        comparison: selectors.GroupComparison,
        group: str,
        start: int,
        end: int,
        *,
        per_hundred: bool = False,
    ) -> str:
        """The units of `group` under the comparison's parent, compared on its indicator for
        those years (per 100 members if asked): the units behind a group's figure."""
        params = {
            "indicator": comparison.indicator.code,
            "start": start,
            "end": end,
            "parent": comparison.parent.code,
            "peers": group if group in COMPARED_GROUPS else ALL_PEERS,
        }
        if per_hundred:
            params["per"] = CompareForm.PER_HUNDRED
        return self.path("reports:compare") + self.query(**params)

    def heading(self, page: str, unit: Unit | None, **facts) -> ExportHeading:
        """What the exports of this dashboard show: its movement and years, `unit` (else the
        units the user reads, when `unit` is not one of theirs), and `facts` (ExportHeading's
        other fields: `years` instead of the dashboard's)."""
        movement = self.data["movement"]
        if unit is None or not self.scope.can_see_totals(unit):
            units = self.scope.tops
            name, code = ", ".join(u.short_name for u in units), "-".join(u.code for u in units[:3])
        else:
            name, code = unit.name, unit.code
        return ExportHeading(
            page=page,
            movement=movement.name,
            movement_code=movement.code,
            unit=name,
            unit_code=code,
            include_submitted=bool(self.data.get("submitted")),
            **{"years": self.stage, **facts},
        )


@dataclass
class Page:
    """What a dashboard shows once assembled: its tables by export name, the heading of their
    exports, and the rest of the template's context."""

    tables: dict
    heading: ExportHeading
    context: dict


def named(table, name: str, title: str):
    """`table`, exported as `name`, under `title`."""
    table.export_name = name
    table.title = title
    return table


def by_name(*named_tables) -> dict:
    """The tables that are there (not None) by their export names."""
    return {table.export_name: table for table in named_tables if table is not None}


def submitted_suffix(board: Dashboard) -> str:
    """What a title adds when the page counts the reports waiting for approval."""
    return _(" (tính cả báo cáo chờ duyệt)") if board.data["submitted"] else ""


def group_block(
    comparison: selectors.GroupComparison,
    board: Dashboard,
    *,
    per_hundred: bool,
    name: str,
    chart_id: str | None = None,
    provisional: charts.Provisional | None = None,
) -> dict:
    """The groups of compared units on one indicator: a line per group over the years (per 100
    members when the page asks for it, else the total; a ratio as the group's ratio) and the
    table of every group figure, which exports as `name`; each figure links to the units
    behind it (/compare/ of the group's units for its years). The `provisional` years
    ({year: "6/24"}) are drawn and headed as such."""
    indicator, years, suffix = comparison.indicator, board.years, submitted_suffix(board)
    ratio = indicator.kind == Indicator.Kind.RATIO
    per_hundred = per_hundred and not ratio
    raw = bool(board.data.get("raw"))

    def value(figures: selectors.GroupFigures):
        if not per_hundred:
            return figures.total
        return figures.raw_per_hundred if raw else figures.per_hundred

    series = [
        charts.Series(
            name=str(charts.GROUP_LABELS.get(row.group, row.group)),
            values=[value(row.years[y]) for y in years],
            group=row.group,
        )
        for row in comparison.rows
        if row.group != selectors.ALL_GROUPS
    ]
    words = {
        "indicator": indicator.label,
        "parent": comparison.parent.short_name,
        "stage": board.stage,
    }
    if raw:
        suffix += _(" (tổng thô)")
    if per_hundred:
        title = _("%(indicator)s trên 100 đoàn viên, theo nhóm đơn vị, %(parent)s, %(stage)s")
        measure = _("%(measure)s / 100 đoàn viên") % {"measure": indicator.measure}
    else:
        title = _("%(indicator)s theo nhóm đơn vị, %(parent)s, %(stage)s")
        measure = indicator.measure
    figure = None
    if comparison.has_values:
        figure = charts.group_lines(
            title % words + suffix,
            years,
            series,
            kind=charts.rate_kind(indicator.kind, per_hundred),
            measure=measure,
            provisional=provisional,
        )
    table = named(
        tables.group_table(
            comparison,
            years,
            group_url=lambda group, start, end, per=False: board.group_url(
                comparison, group, start, end, per_hundred=per
            ),
            provisional=provisional,
            raw=raw,
        ),
        name,
        _("So sánh theo nhóm đơn vị: %(indicator)s, %(parent)s, %(stage)s") % words + suffix,
    )
    return {
        "indicator": indicator,
        "figure": figure,
        "chart_id": chart_id or f"bieu-do-{name}",
        "table": table,
        "coverage": group_coverage(comparison, board),
    }


def group_coverage(comparison: selectors.GroupComparison, board: Dashboard) -> list[str]:
    """What the groups' figures span, per group: each year's units counted of those due
    ('Huyện, thị, thành Đoàn: 13/13 đơn vị đã nộp 2013, 4/13 đơn vị đã nộp 2014')."""
    approved_only = not board.data["submitted"]
    lines = []
    for row in comparison.rows:
        if row.group == selectors.ALL_GROUPS:
            continue
        years = [f.coverage for f in row.years.values() if f.coverage is not None]
        if years:
            lines.append(
                f"{charts.GROUP_LABELS.get(row.group, row.group)}: "
                + coverage_summary(years, approved_only=approved_only)
            )
    return lines


def coverage_summary(coverages: list[selectors.YearCoverage], *, approved_only: bool) -> str:
    """Years' coverage in a few words: the complete years together, each other year's units
    counted of those due ('đủ báo cáo 2009, 2010, 2011; 6/24 đơn vị đã nộp 2014')."""
    complete = [str(c.year) for c in coverages if c.complete]
    parts = []
    if complete:
        parts.append(_("đủ báo cáo %(years)s") % {"years": ", ".join(complete)})
    parts += [counted_words(c, approved_only=approved_only) for c in coverages if not c.complete]
    return "; ".join(parts)


def progress_summary(counts: selectors.ProgressCounts, *, parent: Unit | None = None) -> dict:
    """What the progress cards show: the counts, each state's label, and the groups' rows."""
    labels = [(s, tables.STATE_LABELS[s]) for s in selectors.PROGRESS_STATES]
    return {
        "counts": counts,
        "states": [(s, label, counts.total[s]) for s, label in labels],
        "groups": [
            {
                "label": charts.GROUP_LABELS.get(g, g),
                "states": [counts.counts[g][s] for s in selectors.PROGRESS_STATES],
                "due": sum(counts.counts[g].values()),
                "late": counts.late[g],
            }
            for g in [*counts.groups, selectors.ALL_GROUPS]
        ],
        "labels": [label for _s, label in labels],
        "not_reported_query": urlencode(
            {"period": counts.period.code, "state": ProgressForm.NOT_REPORTED}
            | ({"parent": parent.code} if parent is not None else {})
        ),
    }
