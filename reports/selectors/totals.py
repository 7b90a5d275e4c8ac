"""Totals over a unit's subtree, from the stored subtree totals (`Rollup`), and the number
helpers every page shares: ratios, per 100 members, changes, ranks.

Ratios are computed after summing their numerator and denominator, never averaged. `last`
indicators (stocks such as member counts) are taken at the end of the range instead of summed
over years.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from movements.models import Indicator, Movement, Rollup, Unit

from .subject import Subject

# (indicator code, unit code or None, year or None)
TotalKey = tuple[str, str | None, int | None]
Number = int | Decimal | None


def ratio_percent(numerator: Number, denominator: Number) -> Decimal | None:
    """numerator / denominator as a percentage, unrounded (Decimal's 28 significant digits), or
    None when undefined. Pages, charts and exports round it only where they show it."""
    if numerator is None or not denominator:
        return None
    return Decimal(numerator) * 100 / Decimal(denominator)


def indicator_totals(
    *,
    subject: Subject,
    by_unit: bool = False,
    by_year: bool = False,
    indicators: list[Indicator] | None = None,
    children: list[Unit] | None = None,
) -> dict[TotalKey, int | Decimal | None]:
    """Totals over the subject unit's subtree for its years, from the reports whose status
    counts, in one query (of the stored subtree totals, `Rollup`: its size does not grow with
    the subtree).

    Returns {(indicator code, unit code | None, year | None): value}. With `by_unit`, the unit
    part is the child of the subject's unit (from `children`, default its direct children)
    whose subtree did the work, or the unit itself for its own reports; with `by_year`, each
    year apart. Ratio
    indicators come back as percentages (Decimal, None where the denominator is 0). A key is
    absent where nobody reported.
    """
    yearly, stage = _subtree_totals(
        subject=subject,
        indicators=indicators,
        children=(children if children is not None else list(subject.unit.children.all()))
        if by_unit
        else None,
    )
    return yearly if by_year else stage


def indicator_totals_by_year_and_stage(
    *, subject: Subject, indicators: list[Indicator] | None = None
) -> tuple[dict[TotalKey, Number], dict[TotalKey, Number]]:
    """(`indicator_totals` by year, over the stage) of the subject: both from one query."""
    return _subtree_totals(subject=subject, indicators=indicators, children=None)


# (indicator code, bucket: a unit's id or None, year) -> [total, number of values]
_Sums = dict[tuple[str, int | None, int], list[int]]


def _subtree_totals(
    *,
    subject: Subject,
    indicators: list[Indicator] | None,
    children: list[Unit] | None,
) -> tuple[dict[TotalKey, Number], dict[TotalKey, Number]]:
    """(yearly, stage) `indicator_totals`, by child when `children` is a list, from one query.

    The stage is summed from the years (a `last` indicator, a stock, is its end year's value);
    a child's figure is its rollup row, the unit's own the unit's row less its children's.
    """
    movement, unit, end_year = subject.movement, subject.unit, subject.end_year
    if indicators is None:
        indicators = list(
            Indicator.objects.filter(movement=movement).select_related("numerator", "denominator")
        )
    stored_ids = set()
    for indicator in indicators:
        if indicator.kind == Indicator.Kind.RATIO:
            stored_ids.update([indicator.numerator_id, indicator.denominator_id])
        else:
            stored_ids.add(indicator.pk)
    if children is not None:
        children = [c for c in children if c.pk != unit.pk and c.path.startswith(unit.path)]
    rows = (
        Rollup.objects.filter(
            unit_id__in=[unit.pk, *(c.pk for c in children or [])],
            indicator_id__in=stored_ids,
            status__in=subject.statuses,
            period__kind=movement.period_kind,
            period__year__gte=subject.start_year,
            period__year__lte=end_year,
        )
        .values_list("unit_id", "indicator__code", "indicator__aggregation", "period__year")
        .annotate(total=Sum("total"), entries=Sum("entries"))
        .order_by()
    )
    by_unit: dict[int, _Sums] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    stocks = set()
    for unit_id, code, aggregation, year, total, entries in rows:
        row = by_unit[unit_id][(code, None, year)]
        row[0] += int(total)
        row[1] += int(entries)
        if aggregation == Indicator.Aggregation.LAST:
            stocks.add(code)

    if children is None:
        yearly_sums = by_unit[unit.pk]
        codes = {}
    else:
        yearly_sums = _child_buckets(unit, children, by_unit)
        codes = {c.pk: c.code for c in children} | {unit.pk: unit.code}
    yearly: dict[TotalKey, Number] = {}
    stage_sums: _Sums = defaultdict(lambda: [0, 0])
    for (code, bucket, year), (total, entries) in yearly_sums.items():
        if entries <= 0:
            continue  # nobody reported
        yearly[(code, codes.get(bucket), year)] = total
        if code not in stocks or year == end_year:
            row = stage_sums[(code, codes.get(bucket), None)]
            row[0] += total
            row[1] += entries
    stage: dict[TotalKey, Number] = {k: v[0] for k, v in stage_sums.items() if v[1] > 0}
    return _with_ratios(yearly, indicators), _with_ratios(stage, indicators)


def _child_buckets(unit: Unit, children: list[Unit], by_unit: dict[int, _Sums]) -> _Sums:
    """Each child's figures and the unit's own (the rest), as a CASE over the children in
    order would bucket them: a child inside an earlier one has nothing of its own."""
    buckets: _Sums = defaultdict(lambda: [0, 0])
    taken: list[Unit] = []
    for child in children:
        if any(child.path.startswith(t.path) for t in taken):
            continue
        inner = [t for t in taken if t.path.startswith(child.path)]
        for (code, _none, year), (total, entries) in by_unit[child.pk].items():
            row = buckets[(code, child.pk, year)]
            row[0] += total
            row[1] += entries
        for t in inner:
            for key in [k for k in buckets if k[1] == t.pk]:
                row = buckets[(key[0], child.pk, key[2])]
                row[0] -= buckets[key][0]
                row[1] -= buckets[key][1]
        taken.append(child)
    own = {k: list(v) for k, v in by_unit[unit.pk].items()}
    for (code, _bucket, year), (total, entries) in list(buckets.items()):
        row = own.setdefault((code, None, year), [0, 0])
        row[0] -= total
        row[1] -= entries
    for (code, _none, year), (total, entries) in own.items():
        buckets[(code, unit.pk, year)] = [total, entries]
    return buckets


def _with_ratios(
    totals: dict[TotalKey, Number], indicators: list[Indicator]
) -> dict[TotalKey, Number]:
    """`totals` of the indicators asked for, ratios computed from their summed parts."""
    for indicator in indicators:
        if indicator.kind != Indicator.Kind.RATIO:
            continue
        num_code, den_code = indicator.numerator.code, indicator.denominator.code
        for key in [k for k in totals if k[0] == den_code]:
            numerator = totals.get((num_code, key[1], key[2]), 0)
            totals[(indicator.code, key[1], key[2])] = ratio_percent(numerator, totals[key])
    wanted = {i.code for i in indicators}
    return {k: v for k, v in totals.items() if k[0] in wanted}


MEMBERS_INDICATOR = "doan-vien"


def movement_indicators(*, movement: Movement) -> list[Indicator]:
    """The movement's indicators in report order, with group, numerator and denominator."""
    return list(
        Indicator.objects.filter(movement=movement)
        .select_related("group", "numerator", "denominator")
        .order_by("group__order", "order", "pk")
    )


def per_hundred(value: Number, members: Number) -> Decimal | None:
    """value per 100 members, unrounded; None where either is missing or members is 0."""
    return ratio_percent(value, members)


def change_between(
    first: Number, last: Number, *, ratio: bool = False
) -> tuple[Number, Decimal | None]:
    """(last − first, change in percent of first), unrounded — None parts where undefined.

    For a `ratio` (a percentage) the difference is in percentage points and there is no
    percent change: 0,7% → 1,7% is +1 điểm %, not +143%."""
    if first is None or last is None:
        return None, None
    difference = last - first
    if ratio:
        return difference, None
    return difference, ratio_percent(difference, first)


def _totals_by_child(
    *,
    subject: Subject,
    children: list[Unit],
    indicators: list[Indicator],
    members: Indicator | None,
) -> tuple[dict[TotalKey, Number], dict[TotalKey, Number]]:
    """(yearly, stage) `indicator_totals` of `indicators` and `members` for each of `children`
    (below the subject's unit). One query."""
    wanted = list(indicators)
    if members is not None and all(i.pk != members.pk for i in wanted):
        wanted.append(members)
    return _subtree_totals(subject=subject, indicators=wanted, children=children)


@dataclass(frozen=True)
class ChildTotals:
    """`_totals_by_child`'s (yearly, stage) totals and the indicator codes they were read for
    (the members' among them): one query that pages comparing the same children share."""

    codes: frozenset[str]
    yearly: dict[TotalKey, Number]
    stage: dict[TotalKey, Number]

    def covers(self, indicators: list[Indicator], members: Indicator | None) -> bool:
        """Whether these totals hold `indicators` and `members` (read with them)."""
        wanted = {i.code for i in indicators} | ({members.code} if members else set())
        return wanted <= self.codes


def child_totals(
    *,
    subject: Subject,
    children: list[Unit],
    indicators: list[Indicator],
    members: Indicator | None,
) -> ChildTotals:
    """`_totals_by_child` kept with the codes it holds, for a second reader. One query."""
    yearly, stage = _totals_by_child(
        subject=subject, children=children, indicators=indicators, members=members
    )
    codes = {i.code for i in indicators} | ({members.code} if members else set())
    return ChildTotals(codes=frozenset(codes), yearly=yearly, stage=stage)


def rank_values(values: list[Number]) -> list[int | None]:
    """Competition ranks (1, 2, 2, 4), largest first; None for missing values."""
    present = sorted((v for v in values if v is not None), reverse=True)
    return [None if v is None else present.index(v) + 1 for v in values]
