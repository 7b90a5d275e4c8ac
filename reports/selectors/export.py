"""The rows of the CSV/Excel export and of `export_values`: aggregated figures of a subtree, and
the published figures. Each figure row says how many of the units due are counted
(`year_coverage`) and whether it is provisional (a year of it not complete).
"""

from __future__ import annotations

from movements.models import Indicator, PublishedFigure

from .like_for_like import year_coverage
from .subject import Subject
from .totals import indicator_totals

EXPORT_COLUMNS = [
    "unit_code",
    "unit_name",
    "period",
    "indicator_code",
    "indicator_name",
    "measure",
    "value",
    "units_counted",
    "units_due",
    "provisional",
]


def export_rows(*, subject: Subject, by: str = "none") -> list[dict]:
    """Aggregated figures of the subject unit's subtree as flat rows (columns EXPORT_COLUMNS),
    in report order: by 'unit' (each child subtree, and the unit's own reports), 'year', or
    'none'. A year's row gives that year's units counted and units due in the subject unit's
    subtree, and is provisional when they differ; a row over several years (by 'none' or
    'unit') leaves the counts blank and is provisional when any of its years is (by 'unit',
    the years of the whole subtree: the units compared). Two queries more than the totals'."""
    unit, start_year, end_year = subject.unit, subject.start_year, subject.end_year
    indicators = list(
        Indicator.objects.filter(movement=subject.movement)
        .select_related("group", "numerator", "denominator")
        .order_by("group__order", "order")
    )
    children = list(unit.children.in_official_order()) if by == "unit" else []
    totals = indicator_totals(
        subject=subject,
        by_unit=by == "unit",
        by_year=by == "year",
        indicators=indicators,
        children=children,
    )
    coverage = year_coverage(subject=subject)
    stage_provisional = any(not c.complete for c in coverage.values())

    def covered(year: int | None) -> dict:
        if year is None:
            return {"units_counted": None, "units_due": None, "provisional": stage_provisional}
        c = coverage[year]
        return {"units_counted": c.counted, "units_due": c.due, "provisional": not c.complete}

    stage = f"{start_year}-{end_year}" if start_year != end_year else str(start_year)
    unit_list = [unit, *children] if by == "unit" else [unit]
    years = subject.years if by == "year" else [None]
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
                        **covered(year or (start_year if start_year == end_year else None)),
                    }
                )
    return rows


def published_rows(*, subject: Subject) -> list[dict]:
    """The published figures within the subject unit's subtree and its years, as
    EXPORT_COLUMNS rows."""
    figures = (
        PublishedFigure.objects.filter(
            indicator__movement=subject.movement,
            unit__path__startswith=subject.unit.path,
            start_year__gte=subject.start_year,
            end_year__lte=subject.end_year,
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
