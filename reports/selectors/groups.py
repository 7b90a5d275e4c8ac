"""Units pooled by peer group (districts, branches, grassroots) and compared group with group."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from movements.models import Indicator, PeerGroup, Unit

from .subject import Subject
from .totals import Number, _totals_by_child

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
    the summed numerator and denominator; `members`: the group's summed member count.
    """

    kind: str
    units: int
    reporting: int
    total: Number
    members: Number

    @property
    def average(self) -> Decimal | None:
        """Total per unit that reported (not for ratios)."""
        if self.kind == Indicator.Kind.RATIO or self.total is None or not self.reporting:
            return None
        return Decimal(self.total) / self.reporting

    @property
    def per_hundred(self) -> Decimal | None:
        """Total per 100 members: the sums divided, never an average of rates (not for
        ratios)."""
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


@dataclass(frozen=True)
class GroupComparison:
    indicator: Indicator
    parent: Unit
    rows: list[GroupRow]

    @property
    def has_values(self) -> bool:
        return any(f.total is not None for r in self.rows for f in [r.stage, *r.years.values()])


def group_comparison(
    *, subject: Subject, units: list[Unit], indicator: Indicator, members: Indicator | None
) -> GroupComparison:
    """`units` (children of the subject's unit, their parent) pooled by peer group
    (`Unit.peer_group`: huyện, thị, thành Đoàn; Đoàn trực thuộc; cơ sở) on `indicator`, each
    year and over the stage: per group the total, the average per unit that reported and the
    rate per 100 members (`members`), all from sums; a ratio indicator pooled from its summed
    parts. With more than one group, a last row for all of them. The parent's own reports are
    in no group. One query."""
    return group_comparisons(subject=subject, units=units, indicators=[indicator], members=members)[
        0
    ]


def group_comparisons(
    *,
    subject: Subject,
    units: list[Unit],
    indicators: list[Indicator],
    members: Indicator | None,
) -> list[GroupComparison]:
    """`group_comparison` of each of `indicators`, in their order, from the same query
    (yearly and stage totals by child), whatever the number of units or indicators."""
    parts_of = {
        i.code: [i.numerator, i.denominator] if i.kind == Indicator.Kind.RATIO else [i]
        for i in indicators
    }
    yearly, stage = _totals_by_child(
        subject=subject,
        children=units,
        indicators=list({p.pk: p for ps in parts_of.values() for p in ps}.values()),
        members=members,
    )
    members_code = members.code if members is not None else None

    def figures(
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
        return GroupFigures(
            kind=indicator.kind,
            units=len(group_units),
            reporting=reporting,
            total=total,
            members=_sum_present(part(members_code)) if members_code else None,
        )

    groups = [(g, [u for u in units if u.peer_group == g]) for g in PEER_GROUPS]
    groups = [(g, members_) for g, members_ in groups if members_]
    if len(groups) > 1:
        groups.append((ALL_GROUPS, list(units)))
    years = subject.years
    return [
        GroupComparison(
            indicator=indicator,
            parent=subject.unit,
            rows=[
                GroupRow(
                    group=group,
                    units=group_units,
                    years={y: figures(indicator, yearly, group_units, y) for y in years},
                    stage=figures(indicator, stage, group_units, None),
                )
                for group, group_units in groups
            ],
        )
        for indicator in indicators
    ]
