"""The compare page: units under a parent side by side on one indicator (ranked) or on a whole
section, absolute or per 100 members.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from movements.models import Indicator, IndicatorGroup, Unit
from movements.selectors import indicators_by_group

from .subject import Subject
from .totals import (
    MEMBERS_INDICATOR,
    Number,
    _totals_by_child,
    change_between,
    per_hundred,
    rank_values,
)


@dataclass
class UnitComparison:
    """One compared unit: each indicator by year and over the stage, and its member counts."""

    unit: Unit
    years: dict[str, dict[int, Number]]
    totals: dict[str, Number]
    members: dict[int, Number]
    members_total: Number

    def per_hundred_years(self, code: str) -> dict[int, Decimal | None]:
        return {y: per_hundred(v, self.members.get(y)) for y, v in self.years[code].items()}

    def per_hundred_total(self, code: str) -> Decimal | None:
        return per_hundred(self.totals.get(code), self.members_total)


def compare_units(
    *,
    subject: Subject,
    units: list[Unit],
    indicators: list[Indicator],
    members: Indicator | None = None,
) -> list[UnitComparison]:
    """For each of `units` (children of the subject's unit, e.g. districts and branches), every
    indicator year by year and over the stage, with its member count (`members`) for
    per-100-members figures. One query."""
    yearly, stage = _totals_by_child(
        subject=subject, children=units, indicators=indicators, members=members
    )
    members_code = members.code if members is not None else None
    years = subject.years
    out = []
    for unit in units:
        out.append(
            UnitComparison(
                unit=unit,
                years={
                    i.code: {y: yearly.get((i.code, unit.code, y)) for y in years}
                    for i in indicators
                },
                totals={i.code: stage.get((i.code, unit.code, None)) for i in indicators},
                members={y: yearly.get((members_code, unit.code, y)) for y in years},
                members_total=stage.get((members_code, unit.code, None)),
            )
        )
    return out


@dataclass(frozen=True)
class Comparison:
    """The compare page's figures for one indicator or a whole section.

    `rows`, one dict per unit as the page's table shows it: for an indicator, `y<year>` for each
    year, `total`, `per_hundred`, `change`, `change_percent` and `rank`, best first (units
    without figures last); for a section, `i_<code>` for each indicator of `shown`, over the
    stage. `per_hundred`: the figures are per 100 members; never for a ratio indicator, where
    `ratio_per_hundred` says that it was asked for.
    """

    indicator: Indicator | None
    section: IndicatorGroup | None
    shown: list[Indicator]
    rows: list[dict]
    per_hundred: bool
    ratio_per_hundred: bool
    has_values: bool


def unit_comparison(
    *,
    subject: Subject,
    units: list[Unit],
    indicators: list[Indicator],
    indicator: Indicator | None = None,
    section: IndicatorGroup | None = None,
    per_hundred: bool = False,
) -> Comparison:
    """`units` (below the subject's unit; none compared without one) compared on `indicator`,
    or on every indicator of `section` (both among the movement's `indicators`), absolute or
    per 100 members. One query."""
    years = subject.years
    shown = (
        [indicator]
        if indicator is not None
        else next((m for g, m in indicators_by_group(indicators) if g.pk == section.pk), [])
    )
    members = next((i for i in indicators if i.code == MEMBERS_INDICATOR), None)
    comparisons = []
    if units and subject.unit is not None:
        comparisons = compare_units(subject=subject, units=units, indicators=shown, members=members)
    if indicator is not None:
        ratio_per_hundred = per_hundred and indicator.kind == Indicator.Kind.RATIO
        per_hundred = per_hundred and not ratio_per_hundred
        rows = _ranking_rows(comparisons, indicator, years, per_hundred)
        has_values = any(r[f"y{y}"] is not None for r in rows for y in years)
    else:
        ratio_per_hundred = False
        rows = _section_rows(comparisons, shown, per_hundred)
        has_values = any(v is not None for r in rows for k, v in r.items() if k[:2] == "i_")
    return Comparison(
        indicator=indicator,
        section=section,
        shown=shown,
        rows=rows,
        per_hundred=per_hundred,
        ratio_per_hundred=ratio_per_hundred,
        has_values=has_values,
    )


def _ranking_rows(
    comparisons: list[UnitComparison], indicator: Indicator, years: list[int], per_hundred: bool
) -> list[dict]:
    """One row per unit, exact: in per-100 mode every year and the stage column ("total") are
    per 100 members; a ratio's change is in percentage points (no percent change)."""
    code, is_ratio = indicator.code, indicator.kind == Indicator.Kind.RATIO
    rows = []
    for c in comparisons:
        values = c.per_hundred_years(code) if per_hundred else c.years[code]
        first, last = values.get(years[0]), values.get(years[-1])
        change, change_percent = change_between(first, last, ratio=is_ratio)
        stage_per_hundred = None if is_ratio else c.per_hundred_total(code)
        rows.append(
            {
                "unit": c.unit,
                "unit_name": c.unit.short_name,
                "peer_group": c.unit.peer_group,
                **{f"y{y}": values.get(y) for y in years},
                "total": stage_per_hundred if per_hundred else c.totals.get(code),
                "per_hundred": stage_per_hundred,
                "change": change,
                "change_percent": change_percent,
            }
        )
    for row, rank in zip(rows, rank_values([r["total"] for r in rows]), strict=True):
        row["rank"] = rank
    # Best first; units without figures last, in their usual order.
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0))
    return rows


def _section_rows(
    comparisons: list[UnitComparison], shown: list[Indicator], per_hundred: bool
) -> list[dict]:
    rows = []
    for c in comparisons:
        row = {"unit": c.unit, "unit_name": c.unit.short_name}
        for i in shown:
            value = c.totals.get(i.code)
            if per_hundred and i.kind != Indicator.Kind.RATIO:
                value = c.per_hundred_total(i.code)
            row[f"i_{i.code}"] = value
        rows.append(row)
    return rows
