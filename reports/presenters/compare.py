"""The comparison: one indicator across units and years (ranking, each unit's line, heatmap),
or every indicator of a section across units, with the groups of the compared units."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from movements.models import Indicator, Unit

from .. import charts, selectors, tables
from ..coverage_text import unrated_words
from ..forms import CompareForm
from . import Dashboard, Page, by_name, coverage_summary, group_block, named, submitted_suffix

if TYPE_CHECKING:
    from django_tables2 import Table


def compare_page(
    board: Dashboard,
    comparison: selectors.Comparison,
    group_figures: selectors.GroupComparison | None,
    *,
    parent: Unit | None,
    units: list[Unit],
) -> Page:
    """The comparison page from `comparison` (one indicator or a section) and, for an
    indicator, the groups of the compared units (`group_figures`, when they were asked).
    With one unit to compare (a secretary's own), nothing is ranked: no ranking, heatmap or
    groups, only the unit's years (its chart over several years, its table) and the way to
    its page, where it stands among its peers."""
    single = units[0] if len(units) == 1 else None
    if single is not None:
        group_figures = None
    per_hundred = board.data["per"] == CompareForm.PER_HUNDRED
    coverage = board.coverage(parent)
    provisional = charts.provisional_years(coverage)
    suffix = ""
    if per_hundred:
        suffix += _(" — trên 100 đoàn viên")
    suffix += submitted_suffix(board)
    if comparison.raw:
        suffix += _(" (tổng thô)")
    groups = None
    if comparison.indicator is not None:
        if group_figures is not None:
            groups = group_block(
                group_figures,
                board,
                per_hundred=per_hundred,
                name="theo-nhom",
                chart_id="bieu-do-nhom",
                provisional=provisional,
            )
        figures, table = _indicator_comparison(
            comparison, board, suffix, group_figures, provisional, single=single
        )
        basename = f"so-sanh-{comparison.indicator.code}"
    else:
        figures, table = _section_comparison(
            comparison,
            board,
            suffix + _provisional_suffix(board.years, provisional),
            ranked=single is None,
        )
        basename = f"so-sanh-{comparison.section.code}"
    return Page(
        tables=by_name(table, groups["table"] if groups is not None else None),
        heading=board.heading(
            basename, parent, per_hundred=per_hundred, coverage=tuple(coverage.values())
        ),
        context={
            "movement": board.data["movement"],
            "indicator": comparison.indicator,
            "section": comparison.section,
            "stage": board.stage,
            "figures": figures,
            "has_values": comparison.has_values,
            "table": table,
            "groups": [groups] if groups is not None else [],
            "group_parent": parent,
            "parent": parent,
            "units": units,
            "per_hundred": comparison.per_hundred,
            "ratio_per_hundred": comparison.ratio_per_hundred,
            "include_submitted": board.data["submitted"],
            "raw": comparison.raw,
            "threshold": comparison.threshold,
            "coverage": coverage_summary(
                comparison.coverage, approved_only=not board.data["submitted"]
            )
            if comparison.coverage
            else "",
            "unrated": [(u, unrated_words(c)) for u, c in comparison.unrated],
            "end_year": board.data["end"],
            "single_unit": single,
            "single_unit_url": board.unit_url(single, board.data["start"], board.data["end"])
            if single is not None
            else "",
        },
    )


def _provisional_suffix(years: list[int], provisional: charts.Provisional) -> str:
    """What the title of a figure over the years adds when some of them are provisional:
    ' — tạm tính: 2014: 6/24 đơn vị'."""
    marked = [f"{y}: {provisional[y]}" for y in years if y in provisional]
    if not marked:
        return ""
    return _(" — tạm tính (đơn vị được tính %(years)s)") % {"years": "; ".join(marked)}


def _group_reference(figures: selectors.GroupFigures, *, per_hundred: bool, raw: bool = False):
    """The figure a group's units are read against: its pooled rate per 100 members (over the
    units with a member count; `raw`: of the plain sums), its pooled ratio, or its average per
    unit that reported — all exact, from the group's sums."""
    if per_hundred:
        return figures.raw_per_hundred if raw else figures.per_hundred
    if figures.kind == Indicator.Kind.RATIO:
        return figures.total
    return figures.average


def _indicator_comparison(
    comparison: selectors.Comparison,
    board: Dashboard,
    suffix: str,
    groups: selectors.GroupComparison | None,
    provisional: charts.Provisional | None = None,
    *,
    single: Unit | None = None,
) -> tuple[list[dict], Table]:
    """(figures, ranking table) of one indicator across units and years: the units ranked on
    the year or the stage, and with several years each unit's line and the heatmap; the
    `provisional` years drawn and headed as such, the ranking over them titled so. With a
    `single` unit, only its line over the years (no ranking of one bar, no heatmap of one
    row), and its table titled by its name."""
    indicator, rows, per_hundred = comparison.indicator, comparison.rows, comparison.per_hundred
    years, stage = board.years, board.stage
    kind = charts.rate_kind(indicator.kind, per_hundred)
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
    if comparison.has_values and single is None:
        figures.append(
            {
                "id": "bieu-do-xep-hang",
                "figure": charts.ranking(
                    ranking_title + suffix + _provisional_suffix(years, provisional or {}),
                    [charts.Point(r["unit"].short_name, r["total"], r["peer_group"]) for r in rows],
                    kind=kind,
                    measure=measure,
                    references={
                        g.group: _group_reference(
                            g.stage, per_hundred=per_hundred, raw=comparison.raw
                        )
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
        figures.append(
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
                            _group_reference(
                                g.years[y], per_hundred=per_hundred, raw=comparison.raw
                            )
                            for y in years
                        ]
                        for g in group_rows
                    },
                    reference_label=reference_label,
                    reference_note=reference_note,
                    provisional=provisional,
                ),
            }
        )
    if comparison.has_values and len(years) > 1 and single is None:
        figures.append(
            {
                "id": "bieu-do-nhiet",
                "figure": charts.heatmap(
                    _("Bản đồ nhiệt: %(indicator)s theo đơn vị và năm, %(stage)s") % words + suffix,
                    years,
                    series,
                    kinds=[kind] * len(years),
                    measures=[measure] * len(years),
                    provisional=provisional,
                ),
            }
        )
    if single is None:
        title = _("Xếp hạng: %(indicator)s, %(stage)s") % words
    else:
        title = _("%(unit)s: %(indicator)s, %(stage)s") % (words | {"unit": single.short_name})
    table = named(
        tables.ranking_table(
            rows,
            years,
            kind=indicator.kind,
            per_hundred=per_hundred,
            unit_url=board.unit_url,
            provisional=provisional,
            raw=comparison.raw,
        ),
        "xep-hang",
        title + suffix,
    )
    return figures, table


def _section_comparison(
    comparison: selectors.Comparison, board: Dashboard, suffix: str, *, ranked: bool = True
) -> tuple[list[dict], Table]:
    """(figures, table) of every indicator of a section across units, over the stage; not
    `ranked` (one unit), the table alone: a heatmap of one row compares nothing."""
    section, shown, rows = comparison.section, comparison.shown, comparison.rows
    stage = board.stage
    per_hundred = comparison.per_hundred
    figures = []
    if comparison.has_values and ranked:
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
                    kinds=[i.kind for i in shown],
                    measures=[
                        "" if per_hundred and i.kind != Indicator.Kind.RATIO else i.measure
                        for i in shown
                    ],
                    normalise=True,
                ),
                "label": _("Bản đồ nhiệt đơn vị × chỉ tiêu"),
            }
        ]
    table = named(
        tables.section_table(
            rows, shown, per_hundred=per_hundred, years=board.years, unit_url=board.unit_url
        ),
        "ca-phan",
        _("%(section)s: cả giai đoạn %(stage)s") % {"section": section.name, "stage": stage}
        + suffix,
    )
    return figures, table
