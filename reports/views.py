"""Dashboards: overview, comparison, one unit, completeness — each a page and its exports.

Each view starts the same way (`_dashboard`: the user's scope — their units and the province,
visibility checked by path prefix as `Unit.objects.visible_to` does, never every unit — and
the query parameters parsed by forms), calls a selector, and
renders; charts are built by `reports.charts` and drawn by static/js/charts.js. Bad parameters
give the page back with a Vietnamese message and status 400.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import quote_plus

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from movements import selectors as movement_selectors
from movements.models import Indicator, Movement, Unit
from movements.paging import pager

from . import charts, selectors, tables
from .exports import FORMATS, ExportHeading, export_response
from .filters import CompareUnitFilter
from .forms import CompareForm, DashboardForm, PeriodForm, ProgressForm, chosen_movement
from .page_cache import cached_by_snapshot

# --- what every dashboard shares ---------------------------------------------------------------


class _Answer(Exception):
    """Ends a dashboard view early with a finished page (no access, not found, bad input)."""

    def __init__(self, response: HttpResponse):
        super().__init__()
        self.response = response


def dashboard_view(view):
    """A dashboard page: GET only, login required; `_Answer` raised inside sends its page."""

    @require_GET
    @login_required
    @cached_by_snapshot
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Answer as answer:
            return answer.response

    return wrapper


@functools.lru_cache(maxsize=4096)
def _quoted(value: str | int) -> str:
    return quote_plus(str(value))


@dataclass
class Dashboard:
    """A dashboard request once its preamble passed: what the user may see (`scope`), the
    parsed parameters (`data`), the template context so far, and what the figures are about
    (`subject`: the chosen movement, years and switch, over the chosen unit or the province)."""

    scope: selectors.Scope
    data: dict
    context: dict
    subject: selectors.Subject
    paths: dict = dataclasses.field(default_factory=dict, repr=False)

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
        return charts.years_label(self.data["start"], self.data["end"])

    def query(self, **names) -> str:
        """The query string of a dashboard link with this request's movement and switch."""
        params = {"movement": self.data["movement"].code, **names}
        if self.data["submitted"]:
            params["submitted"] = "on"
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
            "peers": group if group in ("district", "branch") else "all",
        }
        if per_hundred:
            params["per"] = CompareForm.PER_HUNDRED
        return self.path("reports:compare") + self.query(**params)


def _dashboard(
    request,
    *,
    page: str,
    template: str,
    parse: Callable[[selectors.Scope, list[Movement]], dict],
) -> Dashboard:
    """The start of every dashboard: the user's scope (a 403 page without one), the movements,
    and the query parameters, parsed by the forms that `parse` makes from them: it returns the
    template's context ("form", optionally "unit_filter", anything else the page shows). The
    page with the forms' messages and status 400 when they are invalid."""
    scope = selectors.dashboard_scope(user=request.user)
    if scope.is_empty:
        raise _Answer(_no_access(request))
    context = {"page": page, **parse(scope, list(Movement.objects.order_by("code")))}
    checks = [context["form"].is_valid()]
    unit_filter = context.get("unit_filter")
    if unit_filter is not None and unit_filter.is_bound:
        checks.append(unit_filter.is_valid())
    if not all(checks):
        raise _Answer(render(request, template, {**context, "invalid": True}, status=400))
    data = context["form"].cleaned_data
    subject = selectors.Subject.of(
        movement=data["movement"],
        unit=data.get("unit") or scope.root,
        start_year=data["start"],
        end_year=data["end"],
        include_submitted=bool(data.get("submitted")),
    )
    return Dashboard(scope=scope, data=data, context=context, subject=subject)


def _unit_choices(request, scope: selectors.Scope) -> list[Unit]:
    """The units the overview's select offers: around the chosen unit (`unit`, else the
    province) and the units matching the search `q` (`selectors.unit_choices`). An unknown or
    hidden `unit` is left out, so that the form says so."""
    code = request.GET.get("unit") or ""
    unit = selectors.dashboard_unit(scope=scope, code=code) if code else None
    return selectors.unit_choices(
        scope=scope, unit=unit or scope.root, query=request.GET.get("q") or ""
    )


def _no_access(request):
    return render(
        request,
        "reports/message.html",
        {
            "title": _("Chưa được phân quyền"),
            "message": _(
                "Tài khoản của bạn chưa được phân quyền xem đơn vị nào. "
                "Hãy liên hệ Văn phòng Tỉnh Đoàn để được cấp quyền."
            ),
        },
        status=403,
    )


def _not_found(request, code: str, *, status: int = 404):
    """The page saying there is no unit `code` the user may see: 404 for a unit in the path,
    400 for one in a query parameter (the dashboards' answer to a bad parameter)."""
    return render(
        request,
        "reports/message.html",
        {
            "title": _("Không tìm thấy đơn vị"),
            "message": _(
                "Không có đơn vị “%(code)s”, hoặc tài khoản của bạn không được xem đơn vị đó."
            )
            % {"code": code},
        },
        status=status,
    )


def _export_links(request, name: str) -> dict[str, str]:
    params = request.GET.copy()
    params["export"] = name
    links = {}
    for fmt in FORMATS:
        params["format"] = fmt
        links[fmt] = "?" + params.urlencode()
    return links


def _heading(board: Dashboard, page: str, unit: Unit | None, **facts) -> ExportHeading:
    """What the exports of a dashboard show: its movement and years, `unit` (else the units
    the user reads, when `unit` is not one of theirs), and `facts` (ExportHeading's other
    fields: `years` instead of the dashboard's)."""
    movement = board.data["movement"]
    if unit is None or not board.scope.can_see_totals(unit):
        units = board.scope.tops
        name, code = ", ".join(u.short_name for u in units), "-".join(u.code for u in units[:3])
    else:
        name, code = unit.name, unit.code
    return ExportHeading(
        page=page,
        movement=movement.name,
        movement_code=movement.code,
        unit=name,
        unit_code=code,
        include_submitted=bool(board.data.get("submitted")),
        **{"years": board.stage, **facts},
    )


def _tables_or_export(request, named_tables: dict, heading: ExportHeading):
    """Configure sorting of every table; if the request asks for an export, the file, with
    `heading` above the table and in its name."""
    for table in named_tables.values():
        RequestConfig(request, paginate=False).configure(table)
        table.export_links = _export_links(request, table.export_name)
    wanted = request.GET.get("export")
    if not wanted:
        return None
    fmt = request.GET.get("format", "csv")
    table = named_tables.get(wanted)
    if table is None or fmt not in FORMATS:
        return render(
            request,
            "reports/message.html",
            {
                "title": _("Không tải được bảng"),
                "message": _("Không có bảng “%(name)s” ở định dạng “%(fmt)s” để tải.")
                % {"name": wanted, "fmt": fmt},
            },
            status=400,
        )
    heading = dataclasses.replace(heading, demo=movement_selectors.has_demo_data())
    return export_response(table, heading, wanted, fmt)


def _named(table, name: str, title: str):
    table.export_name = name
    table.title = title
    return table


# --- the pages ---------------------------------------------------------------------------------


@dashboard_view
def overview(request):
    """A summary first (every section's headline figures, districts against branches, the
    open period's progress), then the groups and each section in detail."""
    board = _dashboard(
        request,
        page="overview",
        template="reports/overview.html",
        parse=lambda scope, movements: {
            "form": DashboardForm(
                request.GET,
                movements=movements,
                units=_unit_choices(request, scope),
                unit_default=scope.root,
            )
        },
    )
    data, stage, unit, scope = board.data, board.stage, board.data["unit"], board.scope
    can_see_breakdown = scope.can_see(unit)
    figures = selectors.overview_figures(
        subject=board.subject.with_unit(unit),
        scope=scope,
        children=(
            selectors.visible_children(scope=scope, parent=unit) if can_see_breakdown else None
        ),
    )
    blocks = [_overview_block(section, unit, board, stage) for section in figures.sections]
    named = {block["table"].export_name: block["table"] for block in blocks}
    groups = [
        _group_block(
            comparison,
            board,
            stage,
            per_hundred=True,
            suffix=_(" (tính cả báo cáo chờ duyệt)") if data["submitted"] else "",
            name=f"nhom-{comparison.indicator.code}",
        )
        for comparison in figures.groups
    ]
    named |= {block["table"].export_name: block["table"] for block in groups}
    reconciliation = None
    if figures.reconciliation:
        reconciliation = _named(
            tables.reconciliation_table(figures.reconciliation),
            "doi-chieu",
            _("Đối chiếu với số liệu đã công bố"),
        )
        named[reconciliation.export_name] = reconciliation
    export = _tables_or_export(request, named, _heading(board, "tong-quan", unit))
    if export is not None:
        return export
    progress = None
    if scope.root is not None and scope.can_see(scope.root):
        # Provincial staff land here: how the period open for entry is being reported.
        period = selectors.progress_period(movement=data["movement"])
        if period is not None:
            progress = _progress_summary(
                selectors.progress_counts(
                    movement=data["movement"], period=period, scope=scope, parent=scope.root
                )
            )
    return render(
        request,
        "reports/overview.html",
        board.context
        | {
            "movement": data["movement"],
            "unit": unit,
            "stage": stage,
            "blocks": blocks,
            "groups": groups,
            "group_summary": _group_summary(figures.groups, board),
            "group_parent": unit,
            "reconciliation": reconciliation,
            "mismatches": figures.mismatches,
            "matched": figures.matched,
            "documents": figures.documents,
            "include_submitted": data["submitted"],
            "can_see_breakdown": can_see_breakdown,
            "progress": progress,
            # A secretary lands here: the reports they still have to enter or correct.
            "todo": movement_selectors.todo_for(user=request.user),
        },
    )


def _group_summary(comparisons: list[selectors.GroupComparison], board: Dashboard) -> dict | None:
    """The overview's compact comparison of the groups: per headline indicator, each group's
    figure over the stage and per 100 members (a ratio: the group's ratio), each linking to
    the units behind it."""
    if not comparisons:
        return None
    start, end = board.data["start"], board.data["end"]
    groups = [r.group for r in comparisons[0].rows if r.group != selectors.ALL_GROUPS]
    rows = []
    for comparison in comparisons:
        by_group = {r.group: r for r in comparison.rows}
        cells = []
        for group in groups:
            figures = by_group[group].stage
            cells.append(
                {
                    "total": figures.total,
                    "total_url": board.group_url(comparison, group, start, end),
                    "per_hundred": figures.per_hundred,
                    "per_hundred_url": board.group_url(
                        comparison, group, start, end, per_hundred=True
                    ),
                }
            )
        rows.append({"indicator": comparison.indicator, "cells": cells})
    return {
        "groups": [(g, charts.GROUP_LABELS.get(g, g)) for g in groups],
        "rows": rows,
    }


def _overview_block(section: selectors.SectionSummary, unit: Unit, board: Dashboard, stage: str):
    """One section of the overview: its trend chart and its table."""
    group, headlines, years = section.group, section.headlines, board.years
    figure = charts.trend(
        _("%(section)s: chỉ tiêu chính theo năm, %(unit)s, %(stage)s")
        % {"section": group.name, "unit": unit.short_name, "stage": stage},
        years,
        [
            charts.Series(
                name=h.indicator.label,
                values=[h.years[y] for y in years],
                extra={"measure": h.indicator.measure, "kind": h.indicator.kind},
            )
            for h in headlines
        ],
        measures=[charts.axis_title(h.indicator.kind, h.indicator.measure) for h in headlines],
    )
    table = _named(
        tables.indicator_years_table(
            section.rows, years, prefix=f"{group.code}-", compare_url=board.compare_url
        ),
        f"phan-{group.code}",
        _("%(section)s — số liệu theo năm") % {"section": group.name},
    )
    return {
        "section": section,
        "headlines": [(h, board.compare_url(h.indicator, years[0], years[-1])) for h in headlines],
        "figure": figure,
        "figure_id": f"bieu-do-{group.code}",
        "table": table,
        "has_data": any(r.has_data for r in section.rows),
    }


@dashboard_view
def compare(request):
    """One indicator (or section) across districts and/or branches and years."""

    def parse(scope, movements):
        movement = chosen_movement(movements, request.GET.get("movement"))
        indicators = selectors.movement_indicators(movement=movement) if movement else []
        code = request.GET.get("parent") or ""
        parent = selectors.dashboard_unit(scope=scope, code=code) if code else scope.root
        return {
            "form": CompareForm(request.GET, movements=movements, indicators=indicators),
            "unit_filter": CompareUnitFilter(
                request.GET or None,
                parent=parent,
                units=selectors.visible_children(scope=scope, parent=parent) if parent else [],
                parents=selectors.unit_choices(
                    scope=scope,
                    unit=parent or scope.root,
                    query=request.GET.get("q") or "",
                    with_children_only=True,
                ),
            ),
        }

    board = _dashboard(request, page="compare", template="reports/compare.html", parse=parse)
    data, stage, scope = board.data, board.stage, board.scope
    form, unit_filter = board.context["form"], board.context["unit_filter"]
    units = unit_filter.chosen_units()
    parent = unit_filter.parent or scope.root
    comparison = selectors.unit_comparison(
        subject=board.subject.with_unit(parent),
        units=units,
        indicators=list(form.indicators.values()),
        indicator=data["indicator"],
        section=data["section"],
        per_hundred=data["per"] == CompareForm.PER_HUNDRED,
    )
    suffix = ""
    if data["per"] == CompareForm.PER_HUNDRED:
        suffix += _(" — trên 100 đoàn viên")
    if data["submitted"]:
        suffix += _(" (tính cả báo cáo chờ duyệt)")
    groups = None
    if comparison.indicator is not None:
        group_figures = None
        if units and parent is not None:
            group_figures = selectors.group_comparison(
                subject=board.subject.with_unit(parent),
                units=units,
                indicator=comparison.indicator,
                members=form.indicators.get(selectors.MEMBERS_INDICATOR),
            )
            groups = _group_block(
                group_figures,
                board,
                stage,
                per_hundred=data["per"] == CompareForm.PER_HUNDRED,
                suffix=_(" (tính cả báo cáo chờ duyệt)") if data["submitted"] else "",
                name="theo-nhom",
                chart_id="bieu-do-nhom",
            )
        figures, table = _indicator_comparison(comparison, board, stage, suffix, group_figures)
        basename = f"so-sanh-{comparison.indicator.code}"
    else:
        figures, table = _section_comparison(comparison, board, stage, suffix)
        basename = f"so-sanh-{comparison.section.code}"
    named = {table.export_name: table}
    if groups is not None:
        named[groups["table"].export_name] = groups["table"]
    heading = _heading(board, basename, parent, per_hundred=data["per"] == CompareForm.PER_HUNDRED)
    export = _tables_or_export(request, named, heading)
    if export is not None:
        return export
    return render(
        request,
        "reports/compare.html",
        board.context
        | {
            "movement": data["movement"],
            "indicator": comparison.indicator,
            "section": comparison.section,
            "stage": stage,
            "figures": figures,
            "has_values": comparison.has_values,
            "table": table,
            "groups": [groups] if groups is not None else [],
            "group_parent": parent,
            "parent": parent,
            "units": units,
            "per_hundred": comparison.per_hundred,
            "ratio_per_hundred": comparison.ratio_per_hundred,
            "include_submitted": data["submitted"],
        },
    )


def _group_reference(figures: selectors.GroupFigures, *, per_hundred: bool):
    """The figure a group's units are read against: its pooled rate per 100 members, its pooled
    ratio, or its average per unit that reported — all exact, from the group's sums."""
    if per_hundred:
        return figures.per_hundred
    if figures.kind == Indicator.Kind.RATIO:
        return figures.total
    return figures.average


def _indicator_comparison(
    comparison: selectors.Comparison,
    board: Dashboard,
    stage: str,
    suffix: str,
    groups: selectors.GroupComparison | None,
):
    """(figures, ranking table) of one indicator across units and years: the units ranked on
    the year or the stage, and with several years each unit's line and the heatmap."""
    indicator, rows, per_hundred = comparison.indicator, comparison.rows, comparison.per_hundred
    years = board.years
    kind = "count" if per_hundred else indicator.kind
    measure = (
        _("%(measure)s / 100 đoàn viên") % {"measure": indicator.measure}
        if per_hundred
        else indicator.measure
    )
    group_rows = [r for r in (groups.rows if groups else []) if r.group in charts.GROUP_COLOURS]
    if per_hundred or indicator.kind == Indicator.Kind.RATIO:
        reference_label = _("Cả nhóm")
        reference_note = _("Đường chấm xám: số liệu của cả nhóm đơn vị")
    else:
        reference_label = _("Bình quân")
        reference_note = _("Đường chấm xám: bình quân một đơn vị của nhóm")
    words = {"indicator": indicator.label, "stage": stage}
    if len(years) == 1:
        ranking_title = _("%(indicator)s: các đơn vị xếp theo số liệu năm %(stage)s") % words
    else:
        ranking_title = (
            _("%(indicator)s: các đơn vị xếp theo số liệu cả giai đoạn %(stage)s") % words
        )
    figures = []
    if comparison.has_values:
        figures.append(
            {
                "id": "bieu-do-xep-hang",
                "figure": charts.ranking(
                    ranking_title + suffix,
                    [charts.Point(r["unit"].short_name, r["total"], r["peer_group"]) for r in rows],
                    kind=kind,
                    measure=measure,
                    references={
                        g.group: _group_reference(g.stage, per_hundred=per_hundred)
                        for g in group_rows
                    },
                    reference_label=reference_label,
                ),
            }
        )
    if comparison.has_values and len(years) > 1:
        series = [
            charts.Series(
                name=r["unit"].short_name,
                values=[r[f"y{y}"] for y in years],
                group=r["peer_group"],
            )
            for r in rows
        ]
        figures += [
            {
                "id": "bieu-do-tung-don-vi",
                "figure": charts.small_multiples(
                    _("%(indicator)s: từng đơn vị theo năm, %(stage)s") % words + suffix,
                    years,
                    series,
                    kind=kind,
                    measure=measure,
                    references={
                        g.group: [
                            _group_reference(g.years[y], per_hundred=per_hundred) for y in years
                        ]
                        for g in group_rows
                    },
                    reference_label=reference_label,
                    reference_note=reference_note,
                ),
            },
            {
                "id": "bieu-do-nhiet",
                "figure": charts.heatmap(
                    _("Bản đồ nhiệt: %(indicator)s theo đơn vị và năm, %(stage)s") % words + suffix,
                    years,
                    series,
                    kinds=[kind] * len(years),
                    measures=[measure] * len(years),
                ),
            },
        ]
    table = _named(
        tables.ranking_table(
            rows, years, kind=indicator.kind, per_hundred=per_hundred, unit_url=board.unit_url
        ),
        "xep-hang",
        _("Xếp hạng: %(indicator)s, %(stage)s") % words + suffix,
    )
    return figures, table


def _group_block(
    comparison: selectors.GroupComparison,
    board: Dashboard,
    stage: str,
    *,
    per_hundred: bool,
    suffix: str,
    name: str,
    chart_id: str | None = None,
) -> dict:
    """The groups of compared units on one indicator: a line per group over the years (per 100
    members when the page asks for it, else the total; a ratio as the group's ratio) and the
    table of every group figure, which exports as `name`; each figure links to the units
    behind it (/compare/ of the group's units for its years)."""
    indicator, years = comparison.indicator, board.years
    ratio = indicator.kind == Indicator.Kind.RATIO
    per_hundred = per_hundred and not ratio
    series = [
        charts.Series(
            name=str(charts.GROUP_LABELS.get(row.group, row.group)),
            values=[row.years[y].per_hundred if per_hundred else row.years[y].total for y in years],
            group=row.group,
        )
        for row in comparison.rows
        if row.group != selectors.ALL_GROUPS
    ]
    words = {"indicator": indicator.label, "parent": comparison.parent.short_name, "stage": stage}
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
            kind="count" if per_hundred else indicator.kind,
            measure=measure,
        )
    table = _named(
        tables.group_table(
            comparison,
            years,
            group_url=lambda group, start, end, per=False: board.group_url(
                comparison, group, start, end, per_hundred=per
            ),
        ),
        name,
        _("So sánh theo nhóm đơn vị: %(indicator)s, %(parent)s, %(stage)s") % words + suffix,
    )
    return {
        "indicator": indicator,
        "figure": figure,
        "chart_id": chart_id or f"bieu-do-{name}",
        "table": table,
    }


def _section_comparison(
    comparison: selectors.Comparison, board: Dashboard, stage: str, suffix: str
):
    """(figures, table) of every indicator of a section across units, over the stage."""
    section, shown, rows = comparison.section, comparison.shown, comparison.rows
    per_hundred = comparison.per_hundred
    figures = []
    if comparison.has_values:
        figures = [
            {
                "id": "bieu-do-nhiet",
                "figure": charts.heatmap(
                    _("%(section)s: các chỉ tiêu theo đơn vị, %(stage)s")
                    % {"section": section.name, "stage": stage}
                    + suffix,
                    [i.label for i in shown],
                    [
                        charts.Series(
                            name=r["unit"].short_name,
                            values=[r[f"i_{i.code}"] for i in shown],
                        )
                        for r in rows
                    ],
                    kinds=[
                        "count" if per_hundred and i.kind != Indicator.Kind.RATIO else i.kind
                        for i in shown
                    ],
                    measures=[
                        "" if per_hundred and i.kind != Indicator.Kind.RATIO else i.measure
                        for i in shown
                    ],
                    normalise=True,
                ),
                "label": _("Bản đồ nhiệt đơn vị × chỉ tiêu"),
            }
        ]
    table = _named(
        tables.section_table(
            rows, shown, per_hundred=per_hundred, years=board.years, unit_url=board.unit_url
        ),
        "ca-phan",
        _("%(section)s: cả giai đoạn %(stage)s") % {"section": section.name, "stage": stage}
        + suffix,
    )
    return figures, table


@dashboard_view
def unit_detail(request, code: str):
    """One unit: each indicator by year beside its peers' average, its share, its reports."""

    def parse(scope, movements):
        unit = selectors.dashboard_unit(scope=scope, code=code)
        if unit is None or scope.root is None:
            raise _Answer(_not_found(request, code))
        return {"unit": unit, "form": PeriodForm(request.GET, movements=movements)}

    board = _dashboard(request, page="unit", template="reports/unit_detail.html", parse=parse)
    data, years, stage = board.data, board.years, board.stage
    unit = board.context["unit"]
    peers, rows = selectors.unit_profile(
        subject=board.subject.with_unit(unit), root=board.scope.root
    )
    with_peers = len(peers) > 1
    reports = (
        selectors.unit_reports(movement=data["movement"], unit=unit)
        if board.scope.can_see(unit)
        else None
    )
    report_urls = {
        r.period.year: tables.report_url(r)
        for r in reports or []
        if r.period.kind == data["movement"].period_kind
    }
    profile = _named(
        tables.profile_table(rows, years, with_peers=with_peers, report_urls=report_urls),
        "chi-tieu",
        _("%(unit)s: các chỉ tiêu theo năm, %(stage)s") % {"unit": unit.short_name, "stage": stage},
    )
    named = {profile.export_name: profile}
    reports_table = None
    if reports is not None:
        reports_table = _named(
            tables.unit_reports_table(reports),
            "bao-cao",
            _("Báo cáo của đơn vị"),
        )
        named[reports_table.export_name] = reports_table
    export = _tables_or_export(request, named, _heading(board, "don-vi", unit))
    if export is not None:
        return export
    figure = None
    if with_peers:
        per_hundred = _("%(measure)s / 100 đoàn viên")
        figure = charts.peer_range(
            _("%(unit)s trong %(n)s đơn vị cùng nhóm: trên 100 đoàn viên, cả giai đoạn %(stage)s")
            % {"unit": unit.short_name, "n": len(peers), "stage": stage},
            [
                charts.PeerRange(
                    label=r.indicator.label,
                    value=r.rate,
                    low=r.rate_low,
                    median=r.rate_median,
                    high=r.rate_high,
                    kind="ratio" if r.indicator.kind == Indicator.Kind.RATIO else "count",
                    measure=""
                    if r.indicator.kind == Indicator.Kind.RATIO
                    else per_hundred % {"measure": r.indicator.measure},
                )
                for r in rows
            ],
            group=unit.peer_group,
        )
    return render(
        request,
        "reports/unit_detail.html",
        board.context
        | {
            "movement": data["movement"],
            "stage": stage,
            "peers": peers,
            "with_peers": with_peers,
            "profile": profile,
            "reports_table": reports_table,
            "figure": figure,
            "has_data": any(r.total is not None for r in rows),
            "include_submitted": data["submitted"],
        },
    )


@dashboard_view
def completeness(request):
    """One period (by default the one open for entry): the state, deadline and lateness of
    each unit directly under `parent` (the province by default), counts by state and group.
    Several periods (years chosen): those units × periods, each counted over its subtree.
    Either way a page of at most `selectors.PAGE_SIZE` units (fewer when the periods are many:
    `selectors.completeness_page_size`), each linking down to its own."""

    def parse(scope, movements):
        movement = chosen_movement(movements, request.GET.get("movement"))
        periods = selectors.movement_periods(movement=movement) if movement else []
        code = request.GET.get("parent") or ""
        parent = selectors.listing_parent(scope=scope, code=code) if code else None
        if code and parent is None:
            raise _Answer(_not_found(request, code, status=400))
        parent = parent or scope.listing_parent
        return {
            "form": ProgressForm(
                request.GET,
                movements=movements,
                periods=periods,
                open_code=next((p.code for p in periods if p.open_for_entry), None),
                state_labels={s: tables.STATE_LABELS[s] for s in selectors.PROGRESS_STATES},
            ),
            "periods": {p.code: p for p in periods},
            "parent": parent,
            "trail": [
                (u, _completeness_url(request, parent=u))
                for u in selectors.unit_ancestors(scope=scope, unit=parent)
            ],
        }

    board = _dashboard(
        request, page="completeness", template="reports/completeness.html", parse=parse
    )
    if board.data["period"] is not None:
        return _progress(request, board, board.context["periods"][board.data["period"]])
    stage, parent = board.stage, board.context["parent"]
    matrix = selectors.completeness(
        subject=board.subject.with_unit(parent),
        scope=board.scope,
        page=request.GET.get("trang") or 1,
    )
    table = _named(
        tables.completeness_table(matrix, drill_url=_drill(request)),
        "tinh-hinh-nop",
        _("Tình hình nộp báo cáo, %(parent)s, %(stage)s")
        % {"parent": parent.short_name, "stage": stage},
    )
    heading = _heading(
        board,
        "tinh-hinh-nop",
        parent,
        statuses=_("mọi trạng thái"),
        figures=False,
    )
    export = _tables_or_export(request, {table.export_name: table}, heading)
    if export is not None:
        return export
    return render(
        request,
        "reports/completeness.html",
        board.context
        | {
            "movement": board.data["movement"],
            "stage": stage,
            "table": table,
            "matrix": matrix,
            "pager": pager(request, matrix.page),
            "due": matrix.due,
            "counts": matrix.state_counts,
            "state_labels": tables.STATE_LABELS,
        },
    )


def _completeness_url(request, **names) -> str:
    """This completeness page with `names` changed, on its first page, without an export."""
    params = request.GET.copy()
    for name in ("trang", "export", "format"):
        params.pop(name, None)
    for name, value in names.items():
        params[name] = value.code if isinstance(value, Unit) else str(value)
    return reverse("reports:completeness") + "?" + params.urlencode()


def _drill(request) -> Callable[[Unit], str]:
    """The link down to the units under one unit, with this page's other choices."""
    return lambda unit: _completeness_url(request, parent=unit)


def _progress(request, board: Dashboard, period):
    """The completeness page for one period: counts by state and group, and the units in the
    chosen state, directly under the chosen parent."""
    movement, scope, parent = board.data["movement"], board.scope, board.context["parent"]
    state = board.data["state"]
    states = selectors.PROGRESS_STATES
    if state == ProgressForm.NOT_REPORTED:
        states = selectors.NOT_REPORTED
    elif state != ProgressForm.ALL:
        states = (state,)
    counts = selectors.progress_counts(movement=movement, period=period, scope=scope, parent=parent)
    title = _("Tình hình nộp báo cáo %(period)s") % {"period": period.label}
    if state == ProgressForm.NOT_REPORTED:
        title = _("Đơn vị chưa nộp báo cáo %(period)s") % {"period": period.label}
    elif state != ProgressForm.ALL:
        title += " — " + str(tables.STATE_LABELS[state])
    title += " — " + parent.short_name
    found = selectors.progress_rows(
        movement=movement,
        period=period,
        scope=scope,
        parent=parent,
        states=states,
        page=request.GET.get("trang") or 1,
    )
    table = _named(tables.progress_table(found.rows, drill_url=_drill(request)), "tien-do", title)
    heading = _heading(
        board,
        f"tinh-hinh-nop-{state}",
        parent,
        years=period.label,
        statuses=_("mọi trạng thái")
        if state == ProgressForm.ALL
        else str(tables.STATE_LABELS.get(state, title)),
        figures=False,
    )
    export = _tables_or_export(request, {table.export_name: table}, heading)
    if export is not None:
        return export
    return render(
        request,
        "reports/completeness.html",
        board.context
        | {
            "movement": movement,
            "period": period,
            "progress": _progress_summary(counts, parent=parent),
            "table": table,
            "pager": pager(request, found.page),
        },
    )


def _progress_summary(counts: selectors.ProgressCounts, *, parent: Unit | None = None) -> dict:
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
