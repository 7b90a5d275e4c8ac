"""Dashboards: overview, comparison, one unit, completeness — each a page and its exports.

Each view reads like the entry views: `dashboard_view` checks access (the user's scope — their
units and the province, never every unit — or the 403 page) and parses the query parameters
with the page's forms (the page with their messages and status 400 when they are invalid); the
view calls its selectors, hands what they found to its presenter (`reports.presenters`: chart
figures by `reports.charts`, tables by `reports.tables`), and renders. Refusals are raised
(`reports.refusals.Refusal`) and shown in one place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial, wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from movements import selectors as movement_selectors
from movements.models import Movement, Unit
from movements.paging import pager

from . import presenters, selectors, tables
from .exports import (
    CSV_INTERNATIONAL,
    FORMATS,
    CsvFormError,
    ExportHeading,
    csv_form,
    export_response,
)
from .filters import CompareUnitFilter
from .forms import CompareForm, DashboardForm, PeriodForm, ProgressForm, chosen_movement
from .page_cache import Depends, cached_page
from .presenters import Dashboard
from .presenters.compare import compare_page
from .presenters.completeness import completeness_page, progress_page, progress_states
from .presenters.overview import overview_page
from .presenters.unit import unit_page
from .refusals import Refusal, refusals_shown

# --- what every dashboard shares ---------------------------------------------------------------

Parse = Callable[..., dict]


def dashboard_view(*, page: str, template: str, parse: Parse, depends: Depends | None = None):
    """A dashboard page: GET only, login required, kept in the page cache (`depends`: the
    units whose data it shows, by default the root units). The view is called
    as view(request, board) with the request's `Dashboard` once `_dashboard` passed (`parse`
    is called with the request, the scope, the movements and the URL's arguments); a
    `Refusal` raised on the way gives its page."""

    def decorate(view):
        @require_GET
        @login_required
        @cached_page(depends or Depends())
        @refusals_shown
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            board = _dashboard(request, page=page, parse=partial(parse, request, **kwargs))
            if board.context.get("invalid"):
                return render(request, template, board.context, status=400)
            return view(request, board)

        return wrapper

    return decorate


def _dashboard(request, *, page: str, parse: Parse) -> Dashboard:
    """The start of every dashboard: the user's scope (a refusal without one), the movements,
    and the query parameters, parsed by the forms that `parse` makes from them: it returns the
    template's context ("form", optionally "unit_filter", anything else the page shows), which
    says "invalid" when the forms found bad parameters."""
    scope = _scope_or_403(request.user)
    context = {"page": page, **parse(scope, list(Movement.objects.order_by("code")))}
    checks = [context["form"].is_valid()]
    unit_filter = context.get("unit_filter")
    if unit_filter is not None and unit_filter.is_bound:
        checks.append(unit_filter.is_valid())
    if not all(checks):
        context["invalid"] = True
        return Dashboard(scope=scope, data={}, context=context, subject=None)
    data = context["form"].cleaned_data
    subject = selectors.Subject.of(
        movement=data["movement"],
        unit=data.get("unit") or scope.root,
        start_year=data["start"],
        end_year=data["end"],
        include_submitted=bool(data.get("submitted")),
    )
    return Dashboard(scope=scope, data=data, context=context, subject=subject)


def _scope_or_403(user) -> selectors.Scope:
    """What `user` may see on the dashboards; refused (403) when they may see nothing."""
    scope = selectors.dashboard_scope(user=user)
    if scope.is_empty:
        raise Refusal(
            403,
            _(
                "Tài khoản của bạn chưa được phân quyền xem đơn vị nào. "
                "Hãy liên hệ Văn phòng Tỉnh Đoàn để được cấp quyền."
            ),
            title=_("Chưa được phân quyền"),
        )
    return scope


def _unit_not_found(code: str, *, status: int = 404) -> Refusal:
    """There is no unit `code` the user may see: 404 for a unit in the path, 400 for one in a
    query parameter (the dashboards' answer to a bad parameter)."""
    return Refusal(
        status,
        _("Không có đơn vị “%(code)s”, hoặc tài khoản của bạn không được xem đơn vị đó.")
        % {"code": code},
        title=_("Không tìm thấy đơn vị"),
    )


def _unit_choices(request, scope: selectors.Scope) -> list[Unit]:
    """The units the overview's select offers: around the chosen unit (`unit`, else the
    province) and the units matching the search `q` (`selectors.unit_choices`). An unknown or
    hidden `unit` is left out, so that the form says so."""
    code = request.GET.get("unit") or ""
    unit = selectors.dashboard_unit(scope=scope, code=code) if code else None
    return selectors.unit_choices(
        scope=scope, unit=unit or scope.root, query=request.GET.get("q") or ""
    )


def _export_links(request, name: str) -> dict[str, str]:
    """The table `name`'s downloads: 'csv' (the Vietnamese form), 'csv_quoc_te' (the
    international one) and 'xlsx', each with the page's other parameters."""
    params = request.GET.copy()
    params.pop("csv", None)
    params["export"] = name
    links = {}
    for fmt in FORMATS:
        params["format"] = fmt
        links[fmt] = "?" + params.urlencode()
    params["format"] = "csv"
    params["csv"] = CSV_INTERNATIONAL.code
    links["csv_quoc_te"] = "?" + params.urlencode()
    return links


def _tables_or_export(request, named_tables: dict, heading: ExportHeading):
    """Configure sorting of every table; if the request asks for an export, the file, with
    `heading` above the table and in its name (a refusal for a table or format there is
    not)."""
    for table in named_tables.values():
        RequestConfig(request, paginate=False).configure(table)
        table.export_links = _export_links(request, table.export_name)
    wanted = request.GET.get("export")
    if not wanted:
        return None
    fmt = request.GET.get("format", "csv")
    table = named_tables.get(wanted)
    if table is None or fmt not in FORMATS:
        raise Refusal(
            400,
            _("Không có bảng “%(name)s” ở định dạng “%(fmt)s” để tải.")
            % {"name": wanted, "fmt": fmt},
            title=_("Không tải được bảng"),
        )
    heading = dataclasses.replace(heading, demo=movement_selectors.has_demo_data())
    try:
        csv_as = csv_form(request.GET.get("csv"))
    except CsvFormError as error:
        raise Refusal(400, str(error), title=_("Không tải được bảng")) from error
    return export_response(table, heading, wanted, fmt, csv_as=csv_as)


# --- the pages ---------------------------------------------------------------------------------


def _overview_input(request, scope: selectors.Scope, movements: list[Movement]) -> dict:
    return {
        "form": DashboardForm(
            request.GET,
            movements=movements,
            units=_unit_choices(request, scope),
            unit_default=scope.root,
        )
    }


def _named(parameter: str) -> Callable[..., list[str]]:
    """The unit that the query parameter `parameter` names (none: the root units)."""
    return lambda request, **kwargs: [request.GET.get(parameter) or ""]


@dashboard_view(
    page="overview",
    template="reports/overview.html",
    parse=_overview_input,
    # The unit shown, and the units whose reports the secretary's to-do lists.
    depends=Depends(codes=_named("unit"), own=True),
)
def overview(request, board: Dashboard):
    """A summary first (every section's headline figures, districts against branches, the
    open period's progress), then the groups and each section in detail."""
    unit, scope = board.data["unit"], board.scope
    can_see_breakdown = scope.can_see(unit)
    children = selectors.visible_children(scope=scope, parent=unit) if can_see_breakdown else None
    figures = selectors.overview_figures(
        subject=board.subject.with_unit(unit),
        scope=scope,
        children=children,
        raw=bool(board.data.get("raw")),
    )
    page = overview_page(board, figures, can_see_breakdown=can_see_breakdown)
    export = _tables_or_export(request, page.tables, page.heading)
    if export is not None:
        return export
    context = board.context | page.context
    # A secretary lands here: the reports they still have to enter or correct.
    context |= {
        "progress": _open_progress(board, unit),
        "todo": movement_selectors.todo_for(user=request.user),
    }
    return render(request, "reports/overview.html", context)


def _open_progress(board: Dashboard, unit: Unit) -> dict | None:
    """Provincial staff land on the overview: how the period open for entry is being reported
    by the units directly under `unit`, the unit shown (None for anyone who may not see its
    units, when no period is open, or when no unit under it is due)."""
    scope, movement = board.scope, board.data["movement"]
    if scope.root is None or not scope.can_see(scope.root) or not scope.can_see(unit):
        return None
    period = selectors.progress_period(movement=movement)
    if period is None:
        return None
    counts = selectors.progress_counts(movement=movement, period=period, scope=scope, parent=unit)
    if not counts.due:
        return None
    return presenters.progress_summary(counts, parent=None if unit == scope.root else unit)


def _compare_input(request, scope: selectors.Scope, movements: list[Movement]) -> dict:
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


@dashboard_view(
    page="compare",
    template="reports/compare.html",
    parse=_compare_input,
    depends=Depends(codes=_named("parent")),
)
def compare(request, board: Dashboard):
    """One indicator (or section) across districts and/or branches and years."""
    data, form, unit_filter = board.data, board.context["form"], board.context["unit_filter"]
    units, parent = unit_filter.chosen_units(), unit_filter.parent or board.scope.root
    comparison = selectors.unit_comparison(
        subject=board.subject.with_unit(parent),
        units=units,
        indicators=list(form.indicators.values()),
        indicator=data["indicator"],
        section=data["section"],
        per_hundred=data["per"] == CompareForm.PER_HUNDRED,
        raw=bool(data.get("raw")),
    )
    if parent is not None:  # units that succeed others, across their changes
        comparison, mappings = selectors.comparison_across_changes(
            subject=board.subject.with_unit(parent), comparison=comparison
        )
    groups = None
    if comparison.indicator is not None and units and parent is not None:
        groups = selectors.group_comparison(
            subject=board.subject.with_unit(parent),
            units=units,
            indicator=comparison.indicator,
            members=form.indicators.get(selectors.MEMBERS_INDICATOR),
            figures=comparison.figures,
        )
    page = compare_page(board, comparison, groups, parent=parent, units=units)
    page.context["mapping_lines"] = [
        (m.unit, text)
        for m in (mappings if parent else [])
        if (text := m.describe(board.data["start"]))
    ]
    export = _tables_or_export(request, page.tables, page.heading)
    if export is not None:
        return export
    return render(request, "reports/compare.html", board.context | page.context)


def _unit_input(request, scope: selectors.Scope, movements: list[Movement], *, code: str) -> dict:
    unit = selectors.dashboard_unit(scope=scope, code=code)
    if unit is None or scope.root is None:
        raise _unit_not_found(code)
    return {"unit": unit, "form": PeriodForm(request.GET, movements=movements)}


@dashboard_view(
    page="unit",
    template="reports/unit_detail.html",
    parse=_unit_input,
    # The unit and its parent: its peers are the parent's other children.
    depends=Depends(codes=lambda request, code: [code], parent=True),
)
def unit_detail(request, board: Dashboard):
    """One unit: each indicator by year beside its peers' average, its share, its reports."""
    data, unit = board.data, board.context["unit"]
    peers, rows, coverage = selectors.unit_profile_covered(
        subject=board.subject.with_unit(unit), root=board.scope.root, raw=bool(data.get("raw"))
    )
    mapping = selectors.succession_mapping(unit)
    if mapping is not None:  # a successor: the years before its change over its predecessors
        rows = selectors.with_mapped_years(
            subject=board.subject.with_unit(unit), rows=rows, mapping=mapping
        )
        mapped = selectors.mapped_coverage(subject=board.subject.with_unit(unit), mapping=mapping)
        board.coverages[unit.pk] = mapped
        coverage = dataclasses.replace(coverage, unit=mapped)
    reports = None
    if board.scope.can_see(unit):
        reports = selectors.unit_reports(movement=data["movement"], unit=unit)
    page = unit_page(board, unit, peers, rows, reports, coverage, mapping=mapping)
    export = _tables_or_export(request, page.tables, page.heading)
    if export is not None:
        return export
    return render(request, "reports/unit_detail.html", board.context | page.context)


def _completeness_input(request, scope: selectors.Scope, movements: list[Movement]) -> dict:
    movement = chosen_movement(movements, request.GET.get("movement"))
    periods = selectors.movement_periods(movement=movement) if movement else []
    code = request.GET.get("parent") or ""
    parent = selectors.listing_parent(scope=scope, code=code) if code else None
    if code and parent is None:
        raise _unit_not_found(code, status=400)
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


@dashboard_view(
    page="completeness",
    template="reports/completeness.html",
    parse=_completeness_input,
    depends=Depends(codes=_named("parent")),
)
def completeness(request, board: Dashboard):
    """One period (by default the one open for entry): the state, deadline and lateness of
    each unit directly under `parent` (the province by default), counts by state and group.
    Several periods (years chosen): those units × periods, each counted over its subtree.
    Either way a page of at most `selectors.PAGE_SIZE` units (fewer when the periods are many:
    `selectors.completeness_page_size`), each linking down to its own."""
    if board.data["period"] is not None:
        return _progress(request, board, board.context["periods"][board.data["period"]])
    parent = board.context["parent"]
    matrix = selectors.completeness(
        subject=board.subject.with_unit(parent),
        scope=board.scope,
        page=request.GET.get("trang") or 1,
    )
    page = completeness_page(board, matrix, parent=parent, drill_url=_drill(request))
    export = _tables_or_export(request, page.tables, page.heading)
    if export is not None:
        return export
    context = board.context | page.context | {"pager": pager(request, matrix.page)}
    return render(request, "reports/completeness.html", context)


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
    counts = selectors.progress_counts(movement=movement, period=period, scope=scope, parent=parent)
    found = selectors.progress_rows(
        movement=movement,
        period=period,
        scope=scope,
        parent=parent,
        states=progress_states(board.data["state"]),
        page=request.GET.get("trang") or 1,
    )
    page = progress_page(board, period, counts, found, parent=parent, drill_url=_drill(request))
    export = _tables_or_export(request, page.tables, page.heading)
    if export is not None:
        return export
    context = board.context | page.context | {"pager": pager(request, found.page)}
    return render(request, "reports/completeness.html", context)
