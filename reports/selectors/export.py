"""The rows of the CSV/Excel export and of `export_values`: aggregated figures of a subtree, and
the published figures.
"""

from __future__ import annotations

from movements.models import (
    Indicator,
    Movement,
    PublishedFigure,
    Unit,
)

from .totals import indicator_totals

EXPORT_COLUMNS = [
    "unit_code",
    "unit_name",
    "period",
    "indicator_code",
    "indicator_name",
    "measure",
    "value",
]


def export_rows(
    movement: Movement,
    unit: Unit,
    start_year: int,
    end_year: int,
    by: str = "none",
    include_submitted: bool = False,
) -> list[dict]:
    """Aggregated figures of `unit`'s subtree as flat rows (columns EXPORT_COLUMNS), in report
    order: by 'unit' (each child subtree, and the unit's own reports), 'year', or 'none'."""
    indicators = list(
        Indicator.objects.filter(movement=movement)
        .select_related("group", "numerator", "denominator")
        .order_by("group__order", "order")
    )
    children = list(unit.children.in_official_order()) if by == "unit" else []
    totals = indicator_totals(
        movement=movement,
        unit=unit,
        start_year=start_year,
        end_year=end_year,
        by_unit=by == "unit",
        by_year=by == "year",
        include_submitted=include_submitted,
        indicators=indicators,
        children=children,
    )
    stage = f"{start_year}-{end_year}" if start_year != end_year else str(start_year)
    unit_list = [unit, *children] if by == "unit" else [unit]
    years = list(range(start_year, end_year + 1)) if by == "year" else [None]
    rows = []
    for row_unit in unit_list:
        for year in years:
            for indicator in indicators:
                key = (indicator.code, row_unit.code if by == "unit" else None, year)
                if key not in totals:
                    continue
                rows.append(
                    {
                        "unit_code": row_unit.code,
                        "unit_name": row_unit.name,
                        "period": str(year) if year else stage,
                        "indicator_code": indicator.code,
                        "indicator_name": indicator.name,
                        "measure": indicator.measure,
                        "value": totals[key],
                    }
                )
    return rows


def published_rows(movement: Movement, unit: Unit, start_year: int, end_year: int) -> list[dict]:
    """The published figures within `unit`'s subtree and the years, as EXPORT_COLUMNS rows."""
    figures = (
        PublishedFigure.objects.filter(
            indicator__movement=movement,
            unit__path__startswith=unit.path,
            start_year__gte=start_year,
            end_year__lte=end_year,
        )
        .select_related("indicator", "unit")
        .order_by("document", "order")
    )
    return [
        {
            "unit_code": f.unit.code,
            "unit_name": f.unit.name,
            "period": f"{f.start_year}-{f.end_year}",
            "indicator_code": f.indicator.code,
            "indicator_name": f.indicator.name,
            "measure": f.indicator.measure,
            "value": f.value,
        }
        for f in figures
    ]
