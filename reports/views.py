"""Dashboards: overview, comparison, one unit, completeness — each a page and its exports.

Each view starts the same way (`_dashboard`: the user's scope, built on
`Unit.objects.visible_to`, and the query parameters parsed by forms), calls a selector, and
renders; charts are built by `reports.charts` and drawn by static/js/charts.js. Bad parameters
give the page back with a Vietnamese message and status 400.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

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

from . import charts, selectors, tables
from .exports import FORMATS, ExportHeading, export_response
from .filters import CompareUnitFilter
from .forms import CompareForm, DashboardForm, PeriodForm, ProgressForm, chosen_movement

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
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Answer as answer:
            return answer.response

    return wrapper


@dataclass
class Dashboard:
    """A dashboard request once its preamble passed: what the user may see (`scope`), the
    parsed parameters (`data`), and the template context so far."""

    scope: selectors.Scope
    data: dict
    context: dict

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
        return "?" + urlencode(params)

    def unit_url(self, unit: Unit, start: int, end: int) -> str:
        """The unit's page for those years: its figures and its reports."""
        return reverse("reports:unit", args=[unit.code]) + self.query(start=start, end=end)

    def compare_url(self, indicator: Indicator, start: int, end: int) -> str:
        """The units compared on `indicator` for those years."""
        return reverse("reports:compare") + self.query(
            indicator=indicator.code, start=start, end=end
        )

    def args(self, **names) -> dict:
        """The keyword arguments every dashboard selector takes, and `names`."""
        return {
            "movement": self.data["movement"],
            "start_year": self.data["start"],
            "end_year": self.data["end"],
            **names,
        }


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
    return Dashboard(scope=scope, data=context["form"].cleaned_data, context=context)


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


def _not_found(request, code: str):
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
        status=404,
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
        units = board.scope.reporting_units
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


def _own_root(scope: selectors.Scope) -> Unit | None:
    """The province if the user reads all of it, else None (their own units)."""
    return scope.root if scope.root is not None and scope.can_see(scope.root) else None


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
    """Headline cards, a yearly trend per section, and the reconciliation line."""
    board = _dashboard(
        request,
        page="overview",
        template="reports/overview.html",
        parse=lambda scope, movements: {
            "form": DashboardForm(
                request.GET, movements=movements, units=scope.total_units, unit_default=scope.root
            )
        },
    )
    data, stage, unit = board.data, board.stage, board.data["unit"]
    figures = selectors.overview_figures(
        **board.args(scope=board.scope, unit=unit, include_submitted=data["submitted"])
    )
    blocks = [_overview_block(section, unit, board, stage) for section in figures.sections]
    named = {block["table"].export_name: block["table"] for block in blocks}
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
    scope = board.scope
    if scope.root is not None and scope.can_see(scope.root):
        # Provincial staff land here: how the period open for entry is being reported.
        period = selectors.progress_period(movement=data["movement"])
        if period is not None:
            progress = _progress_summary(
                selectors.progress_counts(
                    movement=data["movement"], period=period, units=scope.reporting_units
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
            "reconciliation": reconciliation,
            "mismatches": figures.mismatches,
            "matched": figures.matched,
            "documents": figures.documents,
            "include_submitted": data["submitted"],
            "can_see_breakdown": board.scope.can_see(unit),
            "progress": progress,
            # A secretary lands here: the reports they still have to enter or correct.
            "todo": movement_selectors.todo_for(user=request.user),
        },
    )


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
        return {
            "form": CompareForm(request.GET, movements=movements, indicators=indicators),
            "unit_filter": CompareUnitFilter(
                request.GET or None,
                units=scope.compared_units,
                parents=scope.parents,
                children=scope.children_of,
            ),
        }

    board = _dashboard(request, page="compare", template="reports/compare.html", parse=parse)
    data, stage, scope = board.data, board.stage, board.scope
    form, unit_filter = board.context["form"], board.context["unit_filter"]
    units = unit_filter.chosen_units() if unit_filter.is_bound else scope.compared_units
    parent = unit_filter.parent or scope.root
    comparison = selectors.unit_comparison(
        **board.args(
            root=parent,
            units=units,
            indicators=list(form.indicators.values()),
            indicator=data["indicator"],
            section=data["section"],
            per_hundred=data["per"] == CompareForm.PER_HUNDRED,
            include_submitted=data["submitted"],
        )
    )
    suffix = ""
    if data["per"] == CompareForm.PER_HUNDRED:
        suffix += _(" — trên 100 đoàn viên")
    if data["submitted"]:
        suffix += _(" (tính cả báo cáo chờ duyệt)")
    groups = None
    if comparison.indicator is not None:
        figures, table = _indicator_comparison(comparison, board, stage, suffix)
        basename = f"so-sanh-{comparison.indicator.code}"
        if units and parent is not None:
            groups = _group_block(
                selectors.group_comparison(
                    **board.args(
                        parent=parent,
                        units=units,
                        indicator=comparison.indicator,
                        members=form.indicators.get(selectors.MEMBERS_INDICATOR),
                        include_submitted=data["submitted"],
                    )
                ),
                board.years,
                stage,
                per_hundred=data["per"] == CompareForm.PER_HUNDRED,
                suffix=_(" (tính cả báo cáo chờ duyệt)") if data["submitted"] else "",
            )
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
            "groups": groups,
            "parent": parent,
            "units": units,
            "per_hundred": comparison.per_hundred,
            "ratio_per_hundred": comparison.ratio_per_hundred,
            "include_submitted": data["submitted"],
        },
    )


def _indicator_comparison(
    comparison: selectors.Comparison, board: Dashboard, stage: str, suffix: str
):
    """(figures, ranking table) of one indicator across units and years."""
    indicator, rows, per_hundred = comparison.indicator, comparison.rows, comparison.per_hundred
    years = board.years
    kind = "count" if per_hundred else indicator.kind
    measure = (
        _("%(measure)s / 100 đoàn viên") % {"measure": indicator.measure}
        if per_hundred
        else indicator.measure
    )
    series = [
        charts.Series(
            name=r["unit"].short_name,
            values=[r[f"y{y}"] for y in years],
            group=r["peer_group"],
        )
        for r in rows
    ]
    title = _("%(indicator)s theo đơn vị và năm, %(stage)s") % {
        "indicator": indicator.label,
        "stage": stage,
    }
    figures = []
    if comparison.has_values:
        figures = [
            {
                "id": "bieu-do-cot",
                "figure": charts.grouped_bars(
                    title + suffix, years, series, kind=kind, measure=measure
                ),
                "label": _("Biểu đồ cột: mỗi đơn vị một màu, nhóm theo năm"),
            },
            {
                "id": "bieu-do-nhiet",
                "figure": charts.heatmap(
                    _("Bản đồ nhiệt: ") + title + suffix,
                    years,
                    series,
                    kinds=[kind] * len(years),
                    measures=[measure] * len(years),
                ),
                "label": _("Bản đồ nhiệt đơn vị × năm"),
            },
        ]
    table = _named(
        tables.ranking_table(
            rows, years, kind=indicator.kind, per_hundred=per_hundred, unit_url=board.unit_url
        ),
        "xep-hang",
        _("Xếp hạng: %(indicator)s, %(stage)s") % {"indicator": indicator.label, "stage": stage}
        + suffix,
    )
    return figures, table


def _group_block(
    comparison: selectors.GroupComparison,
    years: list[int],
    stage: str,
    *,
    per_hundred: bool,
    suffix: str,
) -> dict:
    """The groups of compared units on one indicator: a bar per group and year (per 100
    members when the page asks for it, else the total; a ratio as the group's ratio) and the
    table of every group figure, which exports."""
    indicator = comparison.indicator
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
        title = _("%(indicator)s trên 100 đoàn viên theo nhóm đơn vị, %(parent)s, %(stage)s")
        measure = _("%(measure)s / 100 đoàn viên") % {"measure": indicator.measure}
    else:
        title = _("%(indicator)s theo nhóm đơn vị, %(parent)s, %(stage)s")
        measure = indicator.measure
    figure = None
    if comparison.has_values:
        figure = charts.grouped_bars(
            title % words + suffix,
            years,
            series,
            kind="count" if per_hundred else indicator.kind,
            measure=measure,
        )
    table = _named(
        tables.group_table(comparison, years),
        "theo-nhom",
        _("So sánh theo nhóm đơn vị: %(indicator)s, %(parent)s, %(stage)s") % words + suffix,
    )
    return {"figure": figure, "table": table}


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
        **board.args(unit=unit, root=board.scope.root, include_submitted=data["submitted"])
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
        shown = [r for r in rows if r.indicator.kind != Indicator.Kind.RATIO]
        figure = charts.against_peers(
            _("%(unit)s so với bình quân %(n)s đơn vị cùng nhóm, cả giai đoạn %(stage)s")
            % {"unit": unit.short_name, "n": len(peers), "stage": stage},
            [r.indicator.label for r in shown],
            [r.total for r in shown],
            [r.peer_total for r in shown],
            kinds=[r.indicator.kind for r in shown],
            measures=[r.indicator.measure for r in shown],
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
    """One period (by default the one open for entry): each unit's state, deadline and
    lateness, counts by state and group. Several periods (years chosen): units × periods."""

    def parse(scope, movements):
        movement = chosen_movement(movements, request.GET.get("movement"))
        periods = selectors.movement_periods(movement=movement) if movement else []
        return {
            "form": ProgressForm(
                request.GET,
                movements=movements,
                periods=periods,
                open_code=next((p.code for p in periods if p.open_for_entry), None),
                state_labels={s: tables.STATE_LABELS[s] for s in selectors.PROGRESS_STATES},
            ),
            "periods": {p.code: p for p in periods},
        }

    board = _dashboard(
        request, page="completeness", template="reports/completeness.html", parse=parse
    )
    if board.data["period"] is not None:
        return _progress(request, board, board.context["periods"][board.data["period"]])
    stage = board.stage
    matrix = selectors.completeness(**board.args(units=board.scope.reporting_units))
    table = _named(
        tables.completeness_table(matrix),
        "tinh-hinh-nop",
        _("Tình hình nộp báo cáo, %(stage)s") % {"stage": stage},
    )
    heading = _heading(
        board,
        "tinh-hinh-nop",
        _own_root(board.scope),
        statuses=_("mọi trạng thái"),
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
            "due": len(matrix.due_cells),
            "counts": matrix.state_counts,
            "state_labels": tables.STATE_LABELS,
        },
    )


def _progress(request, board: Dashboard, period):
    """The completeness page for one period: counts by state and group, and the units in the
    chosen state."""
    movement, units = board.data["movement"], board.scope.reporting_units
    state = board.data["state"]
    states = selectors.PROGRESS_STATES
    if state == ProgressForm.NOT_REPORTED:
        states = selectors.NOT_REPORTED
    elif state != ProgressForm.ALL:
        states = (state,)
    counts = selectors.progress_counts(movement=movement, period=period, units=units)
    title = _("Tình hình nộp báo cáo %(period)s") % {"period": period.label}
    if state == ProgressForm.NOT_REPORTED:
        title = _("Đơn vị chưa nộp báo cáo %(period)s") % {"period": period.label}
    elif state != ProgressForm.ALL:
        title += " — " + str(tables.STATE_LABELS[state])
    table = _named(
        tables.progress_table(
            selectors.progress_rows(movement=movement, period=period, units=units, states=states)
        ),
        "tien-do",
        title,
    )
    heading = _heading(
        board,
        f"tinh-hinh-nop-{state}",
        _own_root(board.scope),
        years=period.label,
        statuses=_("mọi trạng thái")
        if state == ProgressForm.ALL
        else str(tables.STATE_LABELS.get(state, title)),
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
            "progress": _progress_summary(counts),
            "table": table,
        },
    )


def _progress_summary(counts: selectors.ProgressCounts) -> dict:
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
        "not_reported_query": f"period={counts.period.code}&state={ProgressForm.NOT_REPORTED}",
    }
