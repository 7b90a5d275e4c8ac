"""Dashboards: overview, comparison, one unit, completeness — each a page and its exports.

Each view checks access (`dashboard_scope`, built on `Unit.objects.visible_to`), parses its
query parameters with a form, calls the selectors, and renders; charts are built by
`reports.charts` and drawn by static/js/charts.js. Bad parameters give the page back with a
Vietnamese message and status 400.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from movements.models import Indicator, Movement, Unit

from . import charts, selectors, tables
from .exports import FORMATS, export_response
from .filters import CompareUnitFilter
from .forms import CompareForm, DashboardForm, PeriodForm


def _years(data) -> list[int]:
    return list(range(data["start"], data["end"] + 1))


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


def _export_links(request, name: str) -> dict[str, str]:
    params = request.GET.copy()
    params["export"] = name
    links = {}
    for fmt in FORMATS:
        params["format"] = fmt
        links[fmt] = "?" + params.urlencode()
    return links


def _tables_or_export(request, named_tables: dict, basename: str):
    """Configure sorting of every table; if the request asks for an export, the file."""
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
    return export_response(table, f"{basename}-{wanted}", fmt)


def _named(table, name: str, title: str):
    table.export_name = name
    table.title = title
    return table


def _movements() -> list[Movement]:
    return list(Movement.objects.order_by("code"))


def _movement_for(params, movements: list[Movement]) -> Movement | None:
    by_code = {m.code: m for m in movements}
    return (
        by_code.get(params.get("movement") or "")
        or by_code.get("3tn")
        or next(iter(movements), None)
    )


def _invalid(request, template: str, context: dict):
    return render(request, template, {**context, "invalid": True}, status=400)


@require_GET
@login_required
def overview(request):
    """Headline cards, a yearly trend per section, and the reconciliation line."""
    scope = selectors.dashboard_scope(request.user)
    if scope.is_empty:
        return _no_access(request)
    form = DashboardForm(
        request.GET, movements=_movements(), units=scope.total_units, unit_default=scope.root
    )
    context = {"form": form, "page": "overview"}
    if not form.is_valid():
        return _invalid(request, "reports/overview.html", context)
    data = form.cleaned_data
    movement, unit = data["movement"], data["unit"]
    years = _years(data)
    stage = charts.years_label(data["start"], data["end"])
    sections = selectors.unit_overview(
        movement, unit, data["start"], data["end"], include_submitted=data["submitted"]
    )
    named, blocks = {}, []
    for section in sections:
        group = section.group
        headlines = section.headlines
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
            tables.indicator_years_table(section.rows, years, prefix=f"{group.code}-"),
            f"phan-{group.code}",
            _("%(section)s — số liệu theo năm") % {"section": group.name},
        )
        named[table.export_name] = table
        blocks.append(
            {
                "section": section,
                "figure": figure,
                "figure_id": f"bieu-do-{group.code}",
                "table": table,
                "has_data": any(r.has_data for r in section.rows),
            }
        )
    items = [
        r
        for r in selectors.published_reconciliation(
            movement, unit, include_submitted=data["submitted"]
        )
        if r.figure.start_year >= data["start"]
        and r.figure.end_year <= data["end"]
        # A figure attributed to a unit (e.g. Rạch Giá) is compared with that unit's own data.
        and scope.can_see_totals(r.figure.unit)
    ]
    reconciliation = None
    if items:
        reconciliation = _named(
            tables.reconciliation_table(items),
            "doi-chieu",
            _("Đối chiếu với số liệu đã công bố"),
        )
        named[reconciliation.export_name] = reconciliation
    export = _tables_or_export(request, named, f"tong-quan-{unit.code}-{stage}")
    if export is not None:
        return export
    context.update(
        {
            "movement": movement,
            "unit": unit,
            "stage": stage,
            "blocks": blocks,
            "reconciliation": reconciliation,
            "mismatches": [r for r in items if not r.matches],
            "matched": sum(1 for r in items if r.matches),
            "documents": sorted({r.figure.document for r in items}),
            "include_submitted": data["submitted"],
            "can_see_breakdown": scope.can_see(unit),
        }
    )
    return render(request, "reports/overview.html", context)


def _comparison_rows(comparisons, indicator, years, per_hundred: bool) -> list[dict]:
    rows = []
    for c in comparisons:
        code = indicator.code
        values = c.per_hundred_years(code) if per_hundred else c.years[code]
        first, last = values.get(years[0]), values.get(years[-1])
        change, change_percent = selectors.change_between(first, last)
        rows.append(
            {
                "unit": c.unit,
                "unit_name": c.unit.short_name,
                "peer_group": c.unit.peer_group,
                **{f"y{y}": values.get(y) for y in years},
                "total": c.totals.get(code),
                "per_hundred": c.per_hundred_total(code)
                if indicator.kind != Indicator.Kind.RATIO
                else None,
                "change": change,
                "change_percent": change_percent,
            }
        )
    ranked_on = "per_hundred" if per_hundred else "total"
    for row, rank in zip(rows, selectors.rank_values([r[ranked_on] for r in rows]), strict=True):
        row["rank"] = rank
    # Best first; units without figures last, in their usual order.
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0))
    return rows


@require_GET
@login_required
def compare(request):
    """One indicator (or section) across districts and/or branches and years."""
    scope = selectors.dashboard_scope(request.user)
    if scope.is_empty:
        return _no_access(request)
    movements = _movements()
    movement = _movement_for(request.GET, movements)
    indicators = selectors.movement_indicators(movement) if movement else []
    form = CompareForm(request.GET, movements=movements, indicators=indicators)
    unit_filter = CompareUnitFilter(request.GET or None, units=scope.compared_units)
    context = {"form": form, "unit_filter": unit_filter, "page": "compare"}
    filter_ok = unit_filter.is_valid() if unit_filter.is_bound else True
    if not form.is_valid() or not filter_ok:
        return _invalid(request, "reports/compare.html", context)
    data = form.cleaned_data
    units = unit_filter.chosen_units() if unit_filter.is_bound else scope.compared_units
    years = _years(data)
    stage = charts.years_label(data["start"], data["end"])
    per_hundred = data["per"] == CompareForm.PER_HUNDRED
    members = next((i for i in indicators if i.code == selectors.MEMBERS_INDICATOR), None)
    indicator, section = data["indicator"], data["section"]
    shown = (
        [indicator]
        if indicator is not None
        else [i for i in indicators if i.group_id == section.pk]
    )
    comparisons = []
    if units and scope.root is not None:
        comparisons = selectors.compare_units(
            movement,
            scope.root,
            units,
            shown,
            data["start"],
            data["end"],
            include_submitted=data["submitted"],
            members=members,
        )
    suffix = ""
    if per_hundred:
        suffix += _(" — trên 100 đoàn viên")
    if data["submitted"]:
        suffix += _(" (tính cả báo cáo chờ duyệt)")
    figures = []
    named = {}
    if indicator is not None:
        ratio_per_hundred = per_hundred and indicator.kind == Indicator.Kind.RATIO
        per_hundred = per_hundred and not ratio_per_hundred
        rows = _comparison_rows(comparisons, indicator, years, per_hundred)
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
        has_values = any(r[f"y{y}"] is not None for r in rows for y in years)
        if has_values:
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
            tables.ranking_table(rows, years, kind=indicator.kind, per_hundred=per_hundred),
            "xep-hang",
            _("Xếp hạng: %(indicator)s, %(stage)s") % {"indicator": indicator.label, "stage": stage}
            + suffix,
        )
        named[table.export_name] = table
        context["ratio_per_hundred"] = ratio_per_hundred
        basename = f"so-sanh-{indicator.code}-{stage}"
    else:
        rows = []
        for c in comparisons:
            row = {"unit": c.unit, "unit_name": c.unit.short_name}
            for i in shown:
                value = c.totals.get(i.code)
                if per_hundred and i.kind != Indicator.Kind.RATIO:
                    value = c.per_hundred_total(i.code)
                row[f"i_{i.code}"] = value
            rows.append(row)
        has_values = any(v is not None for r in rows for k, v in r.items() if k[:2] == "i_")
        if has_values:
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
            tables.section_table(rows, shown, per_hundred=per_hundred),
            "ca-phan",
            _("%(section)s: cả giai đoạn %(stage)s") % {"section": section.name, "stage": stage}
            + suffix,
        )
        named[table.export_name] = table
        basename = f"so-sanh-{section.code}-{stage}"
    export = _tables_or_export(request, named, basename)
    if export is not None:
        return export
    context.update(
        {
            "movement": movement,
            "indicator": indicator,
            "section": section,
            "stage": stage,
            "figures": figures,
            "has_values": has_values,
            "table": table,
            "units": units,
            "per_hundred": per_hundred,
            "include_submitted": data["submitted"],
        }
    )
    return render(request, "reports/compare.html", context)


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


@require_GET
@login_required
def unit_detail(request, code: str):
    """One unit: each indicator by year beside its peers' average, its share, its reports."""
    scope = selectors.dashboard_scope(request.user)
    if scope.is_empty:
        return _no_access(request)
    unit = Unit.objects.filter(code=code).first()
    if unit is None or not scope.can_see_totals(unit) or scope.root is None:
        return _not_found(request, code)
    form = PeriodForm(request.GET, movements=_movements())
    context = {"form": form, "unit": unit, "page": "unit"}
    if not form.is_valid():
        return _invalid(request, "reports/unit_detail.html", context)
    data = form.cleaned_data
    movement = data["movement"]
    years = _years(data)
    stage = charts.years_label(data["start"], data["end"])
    peers, rows = selectors.unit_profile(
        movement,
        unit,
        scope.root,
        data["start"],
        data["end"],
        include_submitted=data["submitted"],
    )
    with_peers = len(peers) > 1
    profile = _named(
        tables.profile_table(rows, years, with_peers=with_peers),
        "chi-tieu",
        _("%(unit)s: các chỉ tiêu theo năm, %(stage)s") % {"unit": unit.short_name, "stage": stage},
    )
    named = {profile.export_name: profile}
    reports_table = None
    if scope.can_see(unit):
        reports_table = _named(
            tables.unit_reports_table(
                selectors.unit_reports(movement, unit, data["start"], data["end"])
            ),
            "bao-cao",
            _("Báo cáo của đơn vị"),
        )
        named[reports_table.export_name] = reports_table
    export = _tables_or_export(request, named, f"don-vi-{unit.code}-{stage}")
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
    context.update(
        {
            "movement": movement,
            "stage": stage,
            "peers": peers,
            "with_peers": with_peers,
            "profile": profile,
            "reports_table": reports_table,
            "figure": figure,
            "has_data": any(r.total is not None for r in rows),
            "include_submitted": data["submitted"],
        }
    )
    return render(request, "reports/unit_detail.html", context)


@require_GET
@login_required
def completeness(request):
    """Units × periods: who reported, when, with what status; the share on time."""
    scope = selectors.dashboard_scope(request.user)
    if scope.is_empty:
        return _no_access(request)
    form = PeriodForm(request.GET, movements=_movements())
    context = {"form": form, "page": "completeness"}
    if not form.is_valid():
        return _invalid(request, "reports/completeness.html", context)
    data = form.cleaned_data
    movement = data["movement"]
    stage = charts.years_label(data["start"], data["end"])
    units = [u for u in scope.units if u.kind != Unit.Kind.PROVINCE]
    units.sort(key=lambda u: (u.peer_group != "district", u.depth, u.sort_order, u.path))
    matrix = selectors.completeness(movement, units, data["start"], data["end"])
    table = _named(
        tables.completeness_table(matrix),
        "tinh-hinh-nop",
        _("Tình hình nộp báo cáo, %(stage)s") % {"stage": stage},
    )
    export = _tables_or_export(request, {table.export_name: table}, f"tinh-hinh-nop-{stage}")
    if export is not None:
        return export
    due = matrix.due_cells
    context.update(
        {
            "movement": movement,
            "stage": stage,
            "table": table,
            "matrix": matrix,
            "due": len(due),
            "counts": {
                state: matrix.count(state)
                for state in ("approved", "submitted", "returned", "draft", "missing")
            },
            "state_labels": tables.STATE_LABELS,
        }
    )
    return render(request, "reports/completeness.html", context)
