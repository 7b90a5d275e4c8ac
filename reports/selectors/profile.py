"""The unit page: one unit beside its peers' average and the province, and its own reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from movements.models import Indicator, Movement, Report, Unit

from .like_for_like import YearCoverage, children_coverage, rate_bases, year_coverage
from .subject import Subject
from .totals import (
    MEMBERS_INDICATOR,
    Number,
    _totals_by_child,
    indicator_totals,
    movement_indicators,
    ratio_percent,
)


def peer_units(*, unit: Unit) -> list[Unit]:
    """Units compared with `unit`: those under the same parent in the same peer group
    (districts with districts, branches with branches), `unit` included. One query."""
    if unit.parent_id is None:
        return [unit]
    siblings = Unit.objects.filter(parent_id=unit.parent_id).in_official_order()
    return [u for u in siblings if u.peer_group == unit.peer_group]


@dataclass
class ProfileRow:
    """One indicator of a unit beside its peers' average and the province. `rate`: the unit's
    stage figure per 100 members (a ratio indicator: the ratio itself; None for the member
    count); `peer_rates`: the same for each peer that has it, the unit included."""

    indicator: Indicator
    years: dict[int, Number]
    total: Number
    peer_years: dict[int, Number]
    peer_total: Number
    province_total: Number
    rate: Number = None
    peer_rates: list[Number] = field(default_factory=list)
    rate_units: int = 0

    @property
    def rate_low(self) -> Number:
        """The lowest stage rate among the peers (the unit included)."""
        return min(self.peer_rates, default=None)

    @property
    def rate_high(self) -> Number:
        return max(self.peer_rates, default=None)

    @property
    def rate_median(self) -> Decimal | None:
        """The peers' median stage rate, exact (the mean of the middle two for an even count)."""
        ordered = sorted(self.peer_rates)
        if not ordered:
            return None
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return Decimal(ordered[middle])
        return (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2

    @property
    def share(self) -> Decimal | None:
        """The unit's part of the province's stage total, in percent (not for ratios)."""
        if self.indicator.kind == Indicator.Kind.RATIO:
            return None
        return ratio_percent(self.total, self.province_total)


def _peer_average(
    indicator: Indicator, values: dict[str, Number], parts: dict[str, dict[str, Number]]
) -> Number:
    """Average over the peers that reported; a ratio is the pooled ratio of their sums."""
    if indicator.kind == Indicator.Kind.RATIO:
        numerators = [parts[indicator.numerator.code].get(c) for c in values]
        denominators = [parts[indicator.denominator.code].get(c) for c in values]
        return ratio_percent(
            sum(n for n in numerators if n is not None),
            sum(d for d in denominators if d is not None),
        )
    present = [v for v in values.values() if v is not None]
    if not present:
        return None
    return Decimal(sum(present)) / len(present)


@dataclass(frozen=True)
class ProfileCoverage:
    """What the unit page's figures span: each year's units counted of those due in the
    unit's subtree (`unit`) and in `root`'s (`province`); the peers with a member count at the
    end year (`rated`, the unit included) and those without (`unrated`, each with that year's
    coverage, which says why: no report counted, or a report without it)."""

    unit: dict[int, YearCoverage]
    province: dict[int, YearCoverage]
    rated: int
    unrated: list[tuple[Unit, YearCoverage]]
    end_year: int


def unit_profile(
    *, subject: Subject, root: Unit, indicators: list[Indicator] | None = None
) -> tuple[list[Unit], list[ProfileRow]]:
    """(peers, rows): `unit_profile_covered` without the coverage."""
    peers, rows, _coverage = unit_profile_covered(subject=subject, root=root, indicators=indicators)
    return peers, rows


def unit_profile_covered(
    *,
    subject: Subject,
    root: Unit,
    indicators: list[Indicator] | None = None,
    raw: bool = False,
) -> tuple[list[Unit], list[ProfileRow], ProfileCoverage]:
    """(peers, rows, coverage): each indicator of the subject's unit by year and over the
    stage, beside the average of its peers (`peer_units`) and the total of `root`, and the
    stage rates per 100 members of the unit and of each peer, each over the units with a
    member count at the end year (`rate_bases`: the members of a unit that did not report
    are in no denominator; `raw`: every counted report's total over every counted member count).
    Eight queries besides the indicators: the totals (three), the
    rates (one), the coverage of the peers (two) and of `root` (two)."""
    unit = subject.unit
    if indicators is None:
        indicators = movement_indicators(movement=subject.movement)
    peers = peer_units(unit=unit)
    codes = {i.code for i in indicators}
    parts_needed = list(indicators)
    members = next((i for i in indicators if i.code == MEMBERS_INDICATOR), None)
    for indicator in indicators:
        if indicator.kind == Indicator.Kind.RATIO:
            for part in (indicator.numerator, indicator.denominator):
                if part.code not in codes:
                    codes.add(part.code)
                    parts_needed.append(part)
    yearly, stage = _totals_by_child(
        subject=subject.with_unit(unit.parent) if unit.parent_id is not None else subject,
        children=peers if unit.parent_id is not None else [],
        indicators=parts_needed,
        members=None,
    )
    province = indicator_totals(subject=subject.with_unit(root), indicators=indicators)
    years = subject.years
    peer_codes = [p.code for p in peers]
    parent_subject = subject.with_unit(unit.parent) if unit.parent_id is not None else subject
    bases = {}
    if members is not None:
        bases = rate_bases(
            subject=parent_subject,
            indicators=[i for i in indicators if i.kind != Indicator.Kind.RATIO],
            members=members,
            children=peers if unit.parent_id is not None else None,
        )
    if unit.parent_id is not None:
        peer_coverage = children_coverage(subject=parent_subject, children=peers)
    else:
        peer_coverage = {unit.code: year_coverage(subject=subject)}
    rated = {bucket for _code, bucket in bases if bucket in peer_codes}
    if unit.parent_id is None and bases:
        rated = {unit.code}

    def by_peer(source, year):
        return {
            i.code: {c: source.get((i.code, c, year)) for c in peer_codes} for i in parts_needed
        }

    yearly_parts = {y: by_peer(yearly, y) for y in years}
    stage_parts = by_peer(stage, None)

    def stage_rate(indicator: Indicator, code: str) -> Number:
        if indicator.kind == Indicator.Kind.RATIO:
            return ratio_percent(
                stage.get((indicator.numerator.code, code, None)),
                stage.get((indicator.denominator.code, code, None)),
            )
        if members is None or indicator.code == members.code:
            return None
        if raw:
            return ratio_percent(
                stage.get((indicator.code, code, None)), stage.get((members.code, code, None))
            )
        base = bases.get((indicator.code, code if unit.parent_id is not None else None))
        return base.per_hundred if base is not None else None

    rows = []
    for indicator in indicators:
        rates = [stage_rate(indicator, c) for c in peer_codes]
        rows.append(
            ProfileRow(
                rate=stage_rate(indicator, unit.code),
                peer_rates=[r for r in rates if r is not None],
                indicator=indicator,
                years={y: yearly.get((indicator.code, unit.code, y)) for y in years},
                total=stage.get((indicator.code, unit.code, None)),
                peer_years={
                    y: _peer_average(indicator, yearly_parts[y][indicator.code], yearly_parts[y])
                    for y in years
                },
                peer_total=_peer_average(indicator, stage_parts[indicator.code], stage_parts),
                province_total=province.get((indicator.code, None, None)),
                rate_units=_rate_units(bases, members, unit),
            )
        )
    coverage = ProfileCoverage(
        unit=peer_coverage.get(unit.code, {}),
        province=year_coverage(subject=subject.with_unit(root)),
        rated=len(rated),
        unrated=[
            (p, peer_coverage[p.code][subject.end_year]) for p in peers if p.code not in rated
        ],
        end_year=subject.end_year,
    )
    return peers, rows, coverage


def _rate_units(bases: dict, members: Indicator | None, unit: Unit) -> int:
    """How many units of `unit`'s subtree its rate per 100 members is over."""
    if members is None:
        return 0
    base = bases.get((members.code, unit.code if unit.parent_id is not None else None))
    return base.units if base is not None else 0


def unit_reports(*, movement: Movement, unit: Unit) -> list[Report]:
    """All of `unit`'s own reports of the movement, every year, oldest first. One query."""
    return list(
        Report.objects.filter(movement=movement, unit=unit, period__kind=movement.period_kind)
        .select_related("unit", "period", "submitted_by", "approved_by", "returned_by")
        .order_by("period__year", "period__number")
    )
