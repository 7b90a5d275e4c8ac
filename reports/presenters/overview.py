"""The overview: every section's trend and table, the groups compared, the reconciliation with
the published figures."""

from __future__ import annotations

from django.utils.translation import gettext as _

from movements.models import Unit

from .. import charts, selectors, tables
from . import Dashboard, Page, by_name, group_block, named


def overview_page(
    board: Dashboard, figures: selectors.Overview, *, can_see_breakdown: bool
) -> Page:
    """The overview of the board's unit from `figures`: a block per section, the groups'
    blocks and summary, the reconciliation table."""
    unit, stage = board.data["unit"], board.stage
    coverage = board.coverages.setdefault(unit.pk, figures.coverage)  # read with the figures
    provisional = charts.provisional_years(coverage)
    blocks = [_section_block(section, unit, board, provisional) for section in figures.sections]
    groups = [
        group_block(
            comparison,
            board,
            per_hundred=True,
            name=f"nhom-{comparison.indicator.code}",
            provisional=provisional,
        )
        for comparison in figures.groups
    ]
    reconciliation = None
    if figures.reconciliation:
        reconciliation = named(
            tables.reconciliation_table(figures.reconciliation),
            "doi-chieu",
            _("Đối chiếu với số liệu đã công bố"),
        )
    return Page(
        tables=by_name(*(b["table"] for b in blocks + groups), reconciliation),
        heading=board.heading("tong-quan", unit, coverage=tuple(coverage.values())),
        context={
            "movement": board.data["movement"],
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
            "include_submitted": board.data["submitted"],
            "coverage": list(figures.coverage.values()),
            "provisional": figures.provisional,
            "short": figures.short,
            "threshold": figures.threshold,
            "like": figures.like,
            "mapping_text": figures.mapping.describe(board.data["start"])
            if figures.mapping
            else "",
            "raw": bool(board.data.get("raw")),
            "first_year": board.data["start"],
            "last_year": board.data["end"],
            "can_see_breakdown": can_see_breakdown,
        },
    )


def _group_summary(comparisons: list[selectors.GroupComparison], board: Dashboard) -> dict | None:
    """The overview's compact comparison of the groups: per headline indicator, each group's
    figure over the stage and per 100 members (a ratio: the group's ratio), each linking to
    the units behind it."""
    if not comparisons:
        return None
    start, end = board.data["start"], board.data["end"]
    raw = bool(board.data.get("raw"))
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
                    # Over the units with a member count at the end year, unless raw.
                    "per_hundred": figures.raw_per_hundred if raw else figures.per_hundred,
                    "per_hundred_url": board.group_url(
                        comparison, group, start, end, per_hundred=True
                    ),
                }
            )
        rows.append({"indicator": comparison.indicator, "cells": cells})
    # What the stage's figures span at its end: each group's units counted of those due, and
    # those with a member count (the rate's units).
    first = {r.group: r for r in comparisons[0].rows}
    counted = []
    for group in groups:
        coverage, rate = first[group].years[end].coverage, first[group].stage.rate
        if coverage is not None:
            counted.append(
                {
                    "counted": coverage.counted,
                    "due": coverage.due,
                    "rated": rate.units if rate is not None else 0,
                }
            )
    return {
        "groups": [(g, charts.GROUP_LABELS.get(g, g)) for g in groups],
        "rows": rows,
        "raw": raw,
        "end": end,
        "counted": counted,
    }


def _section_block(
    section: selectors.SectionSummary,
    unit: Unit,
    board: Dashboard,
    provisional: charts.Provisional | None = None,
) -> dict:
    """One section of the overview: its trend chart and its table, the `provisional` years
    ({year: "6/24"}) drawn and headed as such."""
    group, headlines, years = section.group, section.headlines, board.years
    figure = charts.trend(
        _("%(section)s: chỉ tiêu chính theo năm, %(unit)s, %(stage)s")
        % {"section": group.name, "unit": unit.short_name, "stage": board.stage},
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
        provisional=provisional,
    )
    table = named(
        tables.indicator_years_table(
            section.rows,
            years,
            prefix=f"{group.code}-",
            compare_url=board.compare_url,
            provisional=provisional,
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
