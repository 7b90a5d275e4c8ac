"""Units pooled by peer group (districts, branches, grassroots) and compared group with group."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from movements.models import Indicator, PeerGroup, Unit

from .comparison import Change, ChildFigures, _with_parts, child_figures
from .like_for_like import RateBase, YearCoverage
from .subject import Subject
from .totals import Number, change_between, child_totals

PEER_GROUPS = tuple(PeerGroup.values)  # plain strings, in the groups' order
ALL_GROUPS = "all"


def _sum_present(values) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


@dataclass(frozen=True)
class GroupFigures:
    """One group of units in one year or over the stage, exact (no rounding).

    `units`: how many units the group holds; `reporting`: how many have a figure for the
    indicator; `total`: their sum, or for a ratio indicator the group's ratio in percent, from
    the summed numerator and denominator; `members`: the group's summed member count (every
    report's); `rate`: the total and the member count over the same units, those with a member
    count (for the stage, at its end year); `coverage`: the reports counted of those due
    (a year: its units; the stage: every unit-year).
    """

    kind: str
    units: int
    reporting: int
    total: Number
    members: Number
    rate: RateBase | None = None
    coverage: YearCoverage | None = None

    @property
    def average(self) -> Decimal | None:
        """Total per unit that reported (not for ratios)."""
        if self.kind == Indicator.Kind.RATIO or self.total is None or not self.reporting:
            return None
        return Decimal(self.total) / self.reporting

    @property
    def per_hundred(self) -> Decimal | None:
        """Total per 100 members over the units with a member count (`rate`): the sums
        divided, never an average of rates (not for ratios)."""
        if self.kind == Indicator.Kind.RATIO or self.rate is None:
            return None
        return self.rate.per_hundred

    @property
    def rate_units(self) -> int:
        """How many units the rate per 100 members is over."""
        return self.rate.units if self.rate is not None else 0

    @property
    def raw_per_hundred(self) -> Decimal | None:
        """The plain total per 100 of the plain member count: every counted report's, which
        may be different units (the raw sums)."""
        if self.kind == Indicator.Kind.RATIO or self.total is None or not self.members:
            return None
        return Decimal(self.total) * 100 / Decimal(self.members)


@dataclass(frozen=True)
class GroupRow:
    """A group of compared units ('district', 'branch', 'grassroots', or 'all' of them), each
    year and over the stage."""

    group: str
    units: list[Unit]
    years: dict[int, GroupFigures]
    stage: GroupFigures
    change: Change | None = None
    rate_change: Change | None = None

    @property
    def raw_change(self) -> tuple[Number, Decimal | None]:
        """(last − first year, percent) of the plain totals, whoever reported."""
        first, last = min(self.years), max(self.years)
        return change_between(
            self.years[first].total,
            self.years[last].total,
            ratio=self.stage.kind == Indicator.Kind.RATIO,
        )

    @property
    def raw_rate_change(self) -> Number:
        """The change of the plain rates per 100 members, in points."""
        first, last = min(self.years), max(self.years)
        return change_between(
            self.years[first].raw_per_hundred, self.years[last].raw_per_hundred, ratio=True
        )[0]


@dataclass(frozen=True)
class GroupComparison:
    indicator: Indicator
    parent: Unit
    rows: list[GroupRow]

    @property
    def has_values(self) -> bool:
        return any(f.total is not None for r in self.rows for f in [r.stage, *r.years.values()])


def group_comparison(
    *,
    subject: Subject,
    units: list[Unit],
    indicator: Indicator,
    members: Indicator | None,
    figures: ChildFigures | None = None,
) -> GroupComparison:
    """`units` (children of the subject's unit, their parent) pooled by peer group
    (`Unit.peer_group`: huyện, thị, thành Đoàn; Đoàn trực thuộc; cơ sở) on `indicator`, each
    year and over the stage: per group the total, the average per unit that reported and the
    rate per 100 members (`members`), all from sums; a ratio indicator pooled from its summed
    parts. With more than one group, a last row for all of them. The parent's own reports are
    in no group. Like with like: rates over the units with a member count, the change from the
    first to the last year over the units with the figure in both (`GroupRow.change`), and
    each figure's coverage. Queries: one (none when `figures` keep the units' totals), and
    `child_figures`' six unless given (`figures`, the comparison page's, over the same
    units)."""
    return group_comparisons(
        subject=subject, units=units, indicators=[indicator], members=members, figures=figures
    )[0]


def group_comparisons(
    *,
    subject: Subject,
    units: list[Unit],
    indicators: list[Indicator],
    members: Indicator | None,
    figures: ChildFigures | None = None,
) -> list[GroupComparison]:
    """`group_comparison` of each of `indicators`, in their order, from the same queries
    (yearly and stage totals by child, and `child_figures`), whatever the number of units or
    indicators."""
    parts_of = {
        i.code: [i.numerator, i.denominator] if i.kind == Indicator.Kind.RATIO else [i]
        for i in indicators
    }
    wanted = list({p.pk: p for ps in parts_of.values() for p in ps}.values())
    totals = figures.totals if figures is not None else None
    if totals is None or not totals.covers(wanted, members):
        totals = child_totals(subject=subject, children=units, indicators=wanted, members=members)
    yearly, stage = totals.yearly, totals.stage
    members_code = members.code if members is not None else None
    if figures is None and units:
        figures = child_figures(
            subject=subject,
            units=units,
            indicators=_with_parts(indicators),
            members=members,
            rate_changes=True,
        )
    years = subject.years

    def pooled(indicator: Indicator, group_units: list[Unit], year: int | None):
        if figures is None:
            return None, None
        if year is None:
            rate = figures.rate(indicator.code, group_units)
            coverages = [figures.coverage(group_units, y) for y in years]
            coverage = YearCoverage(
                year=years[-1],
                due=sum(c.due for c in coverages),
                counted=sum(c.counted for c in coverages),
            )
        else:
            rate = figures.year_rate(indicator.code, group_units, year)
            coverage = figures.coverage(group_units, year)
        return rate, coverage

    def group_figures(
        indicator: Indicator, source, group_units: list[Unit], year: int | None
    ) -> GroupFigures:
        def part(code):
            return [source.get((code, u.code, year)) for u in group_units]

        parts = parts_of[indicator.code]
        reporting = sum(
            1
            for u in group_units
            if any(source.get((p.code, u.code, year)) is not None for p in parts)
        )
        if indicator.kind == Indicator.Kind.RATIO:
            numerator = _sum_present(part(indicator.numerator.code))
            denominator = _sum_present(part(indicator.denominator.code))
            total = None
            if denominator:
                total = Decimal(numerator or 0) * 100 / Decimal(denominator)
        else:
            total = _sum_present(part(indicator.code))
        rate, coverage = pooled(indicator, group_units, year)
        return GroupFigures(
            kind=indicator.kind,
            units=len(group_units),
            reporting=reporting,
            total=total,
            members=_sum_present(part(members_code)) if members_code else None,
            rate=rate,
            coverage=coverage,
        )

    def changes(indicator: Indicator, group_units: list[Unit]):
        if figures is None or figures.changes is None:
            return None, None
        rate_change = None
        if figures.rate_changes is not None and indicator.kind != Indicator.Kind.RATIO:
            rate_change = figures.rate_change(indicator, group_units)
        return figures.change(indicator, group_units), rate_change

    groups = [(g, [u for u in units if u.peer_group == g]) for g in PEER_GROUPS]
    groups = [(g, members_) for g, members_ in groups if members_]
    if len(groups) > 1:
        groups.append((ALL_GROUPS, list(units)))
    return [
        GroupComparison(
            indicator=indicator,
            parent=subject.unit,
            rows=[
                GroupRow(
                    group,
                    group_units,
                    {y: group_figures(indicator, yearly, group_units, y) for y in years},
                    group_figures(indicator, stage, group_units, None),
                    *changes(indicator, group_units),
                )
                for group, group_units in groups
            ],
        )
        for indicator in indicators
    ]
