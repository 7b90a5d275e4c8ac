"""The compare page: units under a parent side by side on one indicator (ranked) or on a whole
section, absolute or per 100 members.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from movements.models import Indicator, IndicatorGroup, Unit
from movements.selectors import indicators_by_group

from .like_for_like import (
    ChildChanges,
    RateBase,
    YearCoverage,
    children_coverage,
    like_for_like_by_child,
    rate_bases_both,
)
from .subject import Subject
from .totals import (
    MEMBERS_INDICATOR,
    ChildTotals,
    Number,
    change_between,
    child_totals,
    per_hundred,
    rank_values,
    ratio_percent,
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
    totals: ChildTotals | None = None,
) -> list[UnitComparison]:
    """For each of `units` (children of the subject's unit, e.g. districts and branches), every
    indicator year by year and over the stage, with its member count (`members`) for
    per-100-members figures. One query, none when `totals` (of the same units) holds them."""
    if totals is None or not totals.covers(indicators, members):
        totals = child_totals(
            subject=subject, children=units, indicators=indicators, members=members
        )
    yearly, stage = totals.yearly, totals.stage
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
class Change:
    """A change from `first` to `last` year, like with like: `before` and `after` summed over
    the same `units` (those with the figure in both years; for a rate, with the member count
    too), `change` and `change_percent` from them — None when `enough` is false (fewer of the
    units due counted than the movement's threshold in either year: `short` says which year,
    with its coverage)."""

    first: int
    last: int
    before: Number
    after: Number
    units: int
    ratio: bool = False
    short: YearCoverage | None = None

    @property
    def enough(self) -> bool:
        return self.short is None

    @property
    def change(self) -> Number:
        """after − before (percentage points for a ratio or a rate), None when not enough."""
        return change_between(self.before, self.after, ratio=self.ratio)[0] if self.enough else None

    @property
    def change_percent(self) -> Decimal | None:
        if not self.enough:
            return None
        return change_between(self.before, self.after, ratio=self.ratio)[1]


def _pool_coverage(coverages: list[YearCoverage], year: int) -> YearCoverage:
    return YearCoverage(
        year=year, due=sum(c.due for c in coverages), counted=sum(c.counted for c in coverages)
    )


def _pool_rate(bases: list[RateBase | None]) -> RateBase | None:
    """Rate bases of several units pooled: their totals and member counts summed (never an
    average of rates); None when none has a member count."""
    present = [b for b in bases if b is not None]
    if not present:
        return None
    totals = [b.total for b in present if b.total is not None]
    return RateBase(
        total=sum(totals) if totals else None,
        members=sum(b.members or 0 for b in present),
        units=sum(b.units for b in present),
    )


@dataclass(frozen=True)
class ChildFigures:
    """What a comparison of units under one parent needs beyond their plain totals, each for a
    unit or pooled over several: how many of the units due each year are counted
    (`coverage`), the stage and each year per 100 members over the units with a member count
    (`rate`, `year_rate`), and the change from the first to the last year over the units with
    the figure in both (`change`, `rate_change`: per 100 members), stated only when at least
    `threshold` percent of the units due are counted in both years."""

    first: int
    last: int
    threshold: int
    coverages: dict[str, dict[int, YearCoverage]]
    rates: dict[tuple[str, str | None], RateBase]
    year_rates: dict[tuple[str, str | None, int | None], RateBase]
    changes: ChildChanges | None
    rate_changes: ChildChanges | None
    # The units' plain totals when the page read them already (the groups reuse them).
    totals: ChildTotals | None = None

    def coverage(self, units: list[Unit], year: int) -> YearCoverage:
        return _pool_coverage([self.coverages[u.code][year] for u in units], year)

    def rate(self, code: str, units: list[Unit]) -> RateBase | None:
        return _pool_rate([self.rates.get((code, u.code)) for u in units])

    def year_rate(self, code: str, units: list[Unit], year: int) -> RateBase | None:
        return _pool_rate([self.year_rates.get((code, u.code, year)) for u in units])

    def short(self, units: list[Unit]) -> YearCoverage | None:
        """The first of the two years with too few of the units due counted, or None."""
        for year in (self.first, self.last):
            coverage = self.coverage(units, year)
            if not coverage.enough(self.threshold):
                return coverage
        return None

    def _pooled(self, source: dict, code: str, units: list[Unit], year: int) -> Number:
        found = [source[(code, u.code, year)] for u in units if (code, u.code, year) in source]
        return sum(found) if found else None

    def change(self, indicator: Indicator, units: list[Unit]) -> Change:
        """`indicator`'s change over the units of `units`' subtrees with the figure in both
        years (a ratio: from its parts so summed)."""
        sums, count = self.changes.sums, self.changes.units
        if indicator.kind == Indicator.Kind.RATIO:
            num, den = indicator.numerator.code, indicator.denominator.code
            before, after = (
                ratio_percent(
                    self._pooled(sums, num, units, year), self._pooled(sums, den, units, year)
                )
                for year in (self.first, self.last)
            )
            code = den
        else:
            code = indicator.code
            before, after = (self._pooled(sums, code, units, y) for y in (self.first, self.last))
        return Change(
            first=self.first,
            last=self.last,
            before=before,
            after=after,
            units=sum(count.get((code, u.code), 0) for u in units),
            ratio=indicator.kind == Indicator.Kind.RATIO,
            short=self.short(units),
        )

    def rate_change(self, indicator: Indicator, units: list[Unit]) -> Change:
        """`indicator` per 100 members, first against last year, over the units with the
        figure and the member count in both."""
        changes, code = self.rate_changes, indicator.code
        before, after = (
            ratio_percent(
                self._pooled(changes.sums, code, units, year),
                self._pooled(changes.members, code, units, year),
            )
            for year in (self.first, self.last)
        )
        return Change(
            first=self.first,
            last=self.last,
            before=before,
            after=after,
            units=sum(changes.units.get((code, u.code), 0) for u in units),
            short=self.short(units),
        )


def child_figures(
    *,
    subject: Subject,
    units: list[Unit],
    indicators: list[Indicator],
    members: Indicator | None,
    changes: bool = True,
    rate_changes: bool = False,
    totals: ChildTotals | None = None,
) -> ChildFigures:
    """`ChildFigures` of `units` (below the subject's unit) on `indicators`: coverage (two
    queries), rates per 100 `members` over the stage and each year (one, with `members`), and
    with `changes` the changes from the first to the last year (one; with `rate_changes`, one
    more for the changes per 100 members). At most six queries, whatever the number of
    units, indicators or years. `totals`: the units' plain totals, kept for the groups."""
    first, last = subject.start_year, subject.end_year
    rates, year_rates = {}, {}
    if members is not None:
        rates, year_rates = rate_bases_both(
            subject=subject, indicators=indicators, members=members, children=units
        )
    found = rate_found = None
    if changes:
        found = like_for_like_by_child(
            subject=subject, indicators=indicators, first=first, last=last, children=units
        )
    if rate_changes and members is not None:
        rate_found = like_for_like_by_child(
            subject=subject,
            indicators=[i for i in indicators if i.kind != Indicator.Kind.RATIO],
            first=first,
            last=last,
            children=units,
            members=members,
        )
    return ChildFigures(
        first=first,
        last=last,
        threshold=subject.movement.comparison_threshold,
        coverages=children_coverage(subject=subject, children=units),
        rates=rates,
        year_rates=year_rates,
        changes=found,
        rate_changes=rate_found,
        totals=totals,
    )


@dataclass(frozen=True)
class Comparison:
    """The compare page's figures for one indicator or a whole section.

    `rows`, one dict per unit as the page's table shows it: for an indicator, `y<year>` for each
    year, `total`, `per_hundred`, `change`, `change_percent` and `rank`, best first (units
    without figures last), with `change_units` (the units compared in both years),
    `change_short` (the year with too few units counted, when the change is not stated) and
    `rate_short` (the end year's coverage of a unit without a member count for it); for a
    section, `i_<code>` for each indicator of `shown`, over the stage. `per_hundred`: the
    figures are per 100 members; never for a ratio indicator, where `ratio_per_hundred` says
    that it was asked for. Like with like unless `raw`: rates over the units with a member
    count, changes over the units with the figure in both years; `raw`, the plain sums of
    every counted report. `coverage`: each year's units counted of those due, pooled over the
    compared units; `unrated`: the compared units without a member count at the end year
    (each with that year's coverage, which says why); `figures`: what the groups reuse.
    """

    indicator: Indicator | None
    section: IndicatorGroup | None
    shown: list[Indicator]
    rows: list[dict]
    per_hundred: bool
    ratio_per_hundred: bool
    has_values: bool
    raw: bool = False
    coverage: list[YearCoverage] = field(default_factory=list)
    unrated: list[tuple[Unit, YearCoverage]] = field(default_factory=list)
    figures: ChildFigures | None = None

    @property
    def threshold(self) -> int | None:
        return self.figures.threshold if self.figures is not None else None


def rows_have_values(rows: list[dict], years: list[int], *, ranking: bool) -> bool:
    """Whether any unit of a ranking (its years) or of a section's table (its indicators) has a
    figure: else there is nothing to draw."""
    if ranking:
        return any(r[f"y{y}"] is not None for r in rows for y in years)
    return any(v is not None for r in rows for k, v in r.items() if k[:2] == "i_")


def unit_comparison(
    *,
    subject: Subject,
    units: list[Unit],
    indicators: list[Indicator],
    indicator: Indicator | None = None,
    section: IndicatorGroup | None = None,
    per_hundred: bool = False,
    raw: bool = False,
) -> Comparison:
    """`units` (below the subject's unit; none compared without one) compared on `indicator`,
    or on every indicator of `section` (both among the movement's `indicators`), absolute or
    per 100 members, like with like (or `raw`: the plain sums). Queries: one for the totals
    (kept in `figures` for `group_comparison`), and `child_figures`' (at most six) with
    units."""
    years = subject.years
    shown = (
        [indicator]
        if indicator is not None
        else next((m for g, m in indicators_by_group(indicators) if g.pk == section.pk), [])
    )
    members = next((i for i in indicators if i.code == MEMBERS_INDICATOR), None)
    ratio_per_hundred = (
        indicator is not None and per_hundred and indicator.kind == Indicator.Kind.RATIO
    )
    per_hundred = per_hundred and not ratio_per_hundred
    comparisons, figures = [], None
    if units and subject.unit is not None:
        # The totals of the shown indicators and their parts: the groups' too (one query).
        totals = child_totals(
            subject=subject, children=units, indicators=_with_parts(shown), members=members
        )
        comparisons = compare_units(
            subject=subject, units=units, indicators=shown, members=members, totals=totals
        )
        figures = child_figures(
            subject=subject,
            units=units,
            indicators=_with_parts(shown),
            members=members,
            changes=indicator is not None,
            rate_changes=indicator is not None,
            totals=totals,
        )
    if indicator is not None:
        rows = _ranking_rows(comparisons, figures, indicator, years, per_hundred, raw)
    else:
        rows = _section_rows(comparisons, figures, shown, per_hundred, raw)
    has_values = rows_have_values(rows, years, ranking=indicator is not None)
    coverage, unrated = [], []
    if figures is not None:
        coverage = [figures.coverage(units, y) for y in years]
        if members is not None and not all(i.kind == Indicator.Kind.RATIO for i in shown):
            rated = {bucket for _code, bucket in figures.rates}
            unrated = [
                (u, figures.coverages[u.code][subject.end_year])
                for u in units
                if u.code not in rated
            ]
    return Comparison(
        indicator=indicator,
        section=section,
        shown=shown,
        rows=rows,
        per_hundred=per_hundred,
        ratio_per_hundred=ratio_per_hundred,
        has_values=has_values,
        raw=raw,
        coverage=coverage,
        unrated=unrated,
        figures=figures,
    )


def _with_parts(indicators: list[Indicator]) -> list[Indicator]:
    """`indicators` and the parts of their ratios, each once, in order."""
    found = {}
    for i in indicators:
        found[i.pk] = i
        if i.kind == Indicator.Kind.RATIO:
            found.setdefault(i.numerator.pk, i.numerator)
            found.setdefault(i.denominator.pk, i.denominator)
    return list(found.values())


def _per_hundred(base: RateBase | None) -> Decimal | None:
    return base.per_hundred if base is not None else None


def _ranking_rows(
    comparisons: list[UnitComparison],
    figures: ChildFigures | None,
    indicator: Indicator,
    years: list[int],
    per_hundred: bool,
    raw: bool,
) -> list[dict]:
    """One row per unit, exact: in per-100 mode every year and the stage column ("total") are
    per 100 members; a ratio's change is in percentage points (no percent change). Like with
    like unless `raw`: each year's and the stage's rate over the unit's units with a member
    count (for the stage, at its end year), the change over those with the figure in both
    years (and in per-100 mode the member count), stated only with enough units counted."""
    code, is_ratio = indicator.code, indicator.kind == Indicator.Kind.RATIO
    rows = []
    for c in comparisons:
        one = [c.unit]
        if not per_hundred:
            values = c.years[code]
        elif raw:
            values = c.per_hundred_years(code)
        else:
            values = {y: _per_hundred(figures.year_rate(code, one, y)) for y in years}
        if is_ratio:
            stage_per_hundred = None
        elif raw:
            stage_per_hundred = c.per_hundred_total(code)
        else:
            stage_per_hundred = _per_hundred(figures.rate(code, one))
        row = {
            "unit": c.unit,
            "unit_name": c.unit.short_name,
            "peer_group": c.unit.peer_group,
            **{f"y{y}": values.get(y) for y in years},
            "total": stage_per_hundred if per_hundred else c.totals.get(code),
            "per_hundred": stage_per_hundred,
            "change_units": None,
            "change_short": None,
            "rate_short": None,
        }
        if raw:
            first, last = values.get(years[0]), values.get(years[-1])
            row["change"], row["change_percent"] = change_between(first, last, ratio=is_ratio)
        else:
            change = (
                figures.rate_change(indicator, one)
                if per_hundred
                else figures.change(indicator, one)
            )
            row["change"], row["change_percent"] = change.change, change.change_percent
            row["change_units"], row["change_short"] = change.units, change.short
            if stage_per_hundred is None and not is_ratio:
                row["rate_short"] = figures.coverages[c.unit.code][years[-1]]
        rows.append(row)
    for row, rank in zip(rows, rank_values([r["total"] for r in rows]), strict=True):
        row["rank"] = rank
    # Best first; units without figures last, in their usual order.
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0))
    return rows


def _section_rows(
    comparisons: list[UnitComparison],
    figures: ChildFigures | None,
    shown: list[Indicator],
    per_hundred: bool,
    raw: bool,
) -> list[dict]:
    rows = []
    for c in comparisons:
        row = {"unit": c.unit, "unit_name": c.unit.short_name}
        for i in shown:
            value = c.totals.get(i.code)
            if per_hundred and i.kind != Indicator.Kind.RATIO:
                value = (
                    c.per_hundred_total(i.code)
                    if raw
                    else _per_hundred(figures.rate(i.code, [c.unit]))
                )
            row[f"i_{i.code}"] = value
        rows.append(row)
    return rows
