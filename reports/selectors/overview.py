"""The overview page: every indicator of a unit's subtree year by year and over the stage, by
section, and the published figures beside the data's totals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from movements.models import Indicator, IndicatorGroup, Movement, PublishedFigure, Unit
from movements.selectors import indicators_by_group

from .groups import GroupComparison, group_comparisons
from .like_for_like import LikeForLike, YearCoverage, like_for_like, year_coverage
from .scope import Scope
from .subject import Subject
from .successors import (
    SuccessionMapping,
    mapped_coverage,
    mapped_totals,
    succession_mapping,
)
from .totals import (
    MEMBERS_INDICATOR,
    Number,
    _subtree_totals,
    change_between,
    indicator_totals,
    movement_indicators,
)


@dataclass(frozen=True)
class Reconciliation:
    figure: PublishedFigure
    computed: int | Decimal | None

    @property
    def matches(self) -> bool:
        return self.computed is not None and Decimal(self.computed) == Decimal(self.figure.value)

    @property
    def difference(self) -> int | Decimal | None:
        if self.computed is None:
            return None
        return self.computed - self.figure.value


def published_reconciliation(
    *,
    movement: Movement,
    unit: Unit | None = None,
    include_submitted: bool = False,
    indicators: list[Indicator] | None = None,
) -> list[Reconciliation]:
    """Each published figure of the movement (within `unit`'s subtree, if given) beside the
    total that the unit data give for the same unit and years. `indicators`: the movement's
    (`movement_indicators`), when the caller has them already.

    Queries: one for the figures, one per distinct (unit, years) scope they cover.
    """
    figures = PublishedFigure.objects.filter(indicator__movement=movement).order_by(
        "document", "order"
    )
    if unit is not None:
        figures = figures.filter(unit__path__startswith=unit.path)
    if indicators is None:
        figures = list(
            figures.select_related(
                "indicator",
                "indicator__group",
                "unit",
                "indicator__numerator",
                "indicator__denominator",
            )
        )
    else:
        by_pk = {i.pk: i for i in indicators}
        figures = list(figures.select_related("unit"))
        for figure in figures:
            figure.indicator = by_pk[figure.indicator_id]
    scopes: dict[tuple[int, int, int], list[PublishedFigure]] = defaultdict(list)
    for figure in figures:
        scopes[(figure.unit_id, figure.start_year, figure.end_year)].append(figure)
    computed: dict[int, int | Decimal | None] = {}
    for (_unit_id, start, end), group in scopes.items():
        totals = indicator_totals(
            subject=Subject.of(
                movement=movement,
                unit=group[0].unit,
                start_year=start,
                end_year=end,
                include_submitted=include_submitted,
            ),
            indicators=[f.indicator for f in group],
        )
        for figure in group:
            computed[figure.pk] = totals.get((figure.indicator.code, None, None))
    return [Reconciliation(figure=f, computed=computed[f.pk]) for f in figures]


@dataclass
class IndicatorYears:
    """One indicator for one unit (or the whole subtree) year by year, and over the stage."""

    indicator: Indicator
    years: dict[int, Number]
    total: Number
    start_year: int
    end_year: int
    # The first and last years summed over the units with the figure in both, and how many
    # units those are (`like_for_like`); None: the plain totals are compared.
    compared: tuple[Number, Number] | None = None
    compared_units: int | None = None

    @property
    def first(self) -> Number:
        return self.years.get(self.start_year)

    @property
    def last(self) -> Number:
        return self.years.get(self.end_year)

    @property
    def change(self) -> Number:
        """last − first year; percentage points for a ratio."""
        return self._change[0]

    @property
    def change_percent(self) -> Decimal | None:
        """The change in percent of the first year; None for a ratio (see `change`)."""
        return self._change[1]

    @property
    def _change(self) -> tuple[Number, Decimal | None]:
        first, last = self.compared if self.compared is not None else (self.first, self.last)
        return change_between(first, last, ratio=self.indicator.kind == Indicator.Kind.RATIO)

    @property
    def has_data(self) -> bool:
        return self.total is not None or any(v is not None for v in self.years.values())


@dataclass
class SectionSummary:
    group: IndicatorGroup
    rows: list[IndicatorYears]

    @property
    def headlines(self) -> list[IndicatorYears]:
        """The section's main indicators (its first one if none is marked)."""
        marked = [r for r in self.rows if r.indicator.is_headline]
        return marked or self.rows[:1]


def unit_overview(
    *,
    subject: Subject,
    indicators: list[Indicator] | None = None,
    like: LikeForLike | None = None,
    mapping: SuccessionMapping | None = None,
) -> list[SectionSummary]:
    """Every indicator of the subject unit's subtree year by year and over the stage, by
    section; with `like`, each indicator's change between its years over the units compared
    there.

    One query (the stage summed from the years) besides the indicators, if not given.
    """
    if indicators is None:
        indicators = movement_indicators(movement=subject.movement)
    if mapping is None:
        yearly, stage = _subtree_totals(subject=subject, indicators=indicators, children=None)
    else:  # a successor: the years before its change over its predecessors
        yearly, stage = mapped_totals(subject=subject, indicators=indicators, mapping=mapping)
    years = subject.years

    def compared(indicator: Indicator) -> dict:
        if like is None:
            return {}
        return {
            "compared": like.pair(indicator.code),
            "compared_units": like.units.get(indicator.code, 0),
        }

    return [
        SectionSummary(
            group=group,
            rows=[
                IndicatorYears(
                    indicator=indicator,
                    years={y: yearly.get((indicator.code, None, y)) for y in years},
                    total=stage.get((indicator.code, None, None)),
                    start_year=subject.start_year,
                    end_year=subject.end_year,
                    **compared(indicator),
                )
                for indicator in members
            ],
        )
        for group, members in indicators_by_group(indicators)
    ]


@dataclass(frozen=True)
class Overview:
    """The overview page's figures: every indicator by section, the published figures the
    user may read, each beside the data's total, and the headline indicators of every section
    compared between the groups of the unit's children (`groups`, empty without children)."""

    sections: list[SectionSummary]
    reconciliation: list[Reconciliation]
    groups: list[GroupComparison]
    coverage: dict[int, YearCoverage]
    threshold: int
    like: LikeForLike | None = None
    mapping: SuccessionMapping | None = None  # the units succeeded, summed for earlier years

    @property
    def provisional(self) -> list[YearCoverage]:
        """The years of the range whose units due are not all counted yet."""
        return [c for c in self.coverage.values() if not c.complete]

    @property
    def short(self) -> list[YearCoverage]:
        """The compared years (first, last) with too few units counted to state a change
        (under the movement's `comparison_threshold`)."""
        years = sorted(self.coverage)
        ends = sorted({years[0], years[-1]}) if years else []
        return [self.coverage[y] for y in ends if not self.coverage[y].enough(self.threshold)]

    @property
    def mismatches(self) -> list[Reconciliation]:
        return [r for r in self.reconciliation if not r.matches]

    @property
    def matched(self) -> int:
        return sum(1 for r in self.reconciliation if r.matches)

    @property
    def documents(self) -> list[str]:
        """The published documents the figures come from, sorted."""
        return sorted({r.figure.document for r in self.reconciliation})


def overview_figures(
    *, subject: Subject, scope: Scope, children: list[Unit] | None = None, raw: bool = False
) -> Overview:
    """`unit_overview` of the subject, and the published figures of its unit's subtree that lie
    within its years and whose unit's totals `scope` may read. A figure attributed to a unit
    below (e.g. Rạch Giá) is compared with that unit's own data. With `children` (units
    directly under the subject's unit), the `group_comparisons` of every section's headline
    indicators between them. Each year's coverage (`year_coverage`); unless `raw`, the change
    between the first and last years over the units with the figure in both (`like_for_like`), which
    the page states only when both ends of the range are covered enough to compare (the
    movement's `comparison_threshold`).
    Five queries with children (indicators, totals by year and over the stage, groups by year
    and over the stage), three without, two for the coverage, four for the like-for-like
    change when the range has two years or more, and the published figures'."""
    indicators = movement_indicators(movement=subject.movement)
    mapping = succession_mapping(subject.unit)
    if mapping is None:
        coverage = year_coverage(subject=subject)
    else:  # the units due and counted before the change: the predecessors'
        coverage = mapped_coverage(subject=subject, mapping=mapping)
    threshold = subject.movement.comparison_threshold
    first, last = subject.start_year, subject.end_year
    like = None
    # Across a change the units compared are the predecessors: the mapped totals, not the
    # units of one subtree reporting in both years.
    if not raw and last > first and mapping is None:
        like = like_for_like(subject=subject, indicators=indicators, first=first, last=last)
    sections = unit_overview(subject=subject, indicators=indicators, like=like, mapping=mapping)
    groups = []
    if children:
        groups = group_comparisons(
            subject=subject,
            units=children,
            indicators=[h.indicator for section in sections for h in section.headlines],
            members=next((i for i in indicators if i.code == MEMBERS_INDICATOR), None),
        )
    reconciliation = [
        r
        for r in published_reconciliation(
            movement=subject.movement,
            unit=subject.unit,
            include_submitted=subject.include_submitted,
            indicators=indicators,
        )
        if r.figure.start_year >= subject.start_year
        and r.figure.end_year <= subject.end_year
        and scope.can_see_totals(r.figure.unit)
    ]
    return Overview(
        sections=sections,
        reconciliation=reconciliation,
        groups=groups,
        coverage=coverage,
        threshold=threshold,
        like=like,
        mapping=mapping,
    )
