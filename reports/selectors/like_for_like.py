"""Figures that compare like with like: how many of the units due each year are counted
(coverage), a change between two years summed over the units counted in both, and rates per 100
members summed over the units whose member count is known at the end of the range. The plain
subtree totals (`totals.indicator_totals`) mix in whoever reported; these never do.

A unit here is a reporting unit: a unit of the subtree with a report of its own whose status
counts. A restricted sum is taken from whichever side is smaller: the values of the units kept,
summed in SQL, or the stored subtree total (`Rollup`) less the values of the units left out — so
that a country-wide page where nearly everyone reported reads the few left out, and an open year
where few reported reads those few. Exact either way, and a fixed number of queries whatever the
number of units.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Sum, When
from django.db.models import Value as V

from movements.models import Indicator, Report, ReportTally, Unit, Value, existed_during_q

from .subject import Subject
from .totals import Number, TotalKey, _subtree_totals, _with_ratios, ratio_percent

NAMES_LISTED = 12  # units named as left out of a comparison; the rest are counted


@dataclass(frozen=True)
class YearCoverage:
    """Of the units of a subtree due to report in `year` (they existed during it and are not
    the tree's root), how many have a report whose status counts."""

    year: int
    due: int
    counted: int

    @property
    def complete(self) -> bool:
        return self.counted >= self.due

    @property
    def percent(self) -> Decimal | None:
        return ratio_percent(self.counted, self.due)

    def enough(self, threshold: int) -> bool:
        """At least `threshold` percent of the units due are counted (a year nobody is due in
        is enough: there is nothing to wait for)."""
        return self.counted * 100 >= threshold * self.due


def year_coverage(*, subject: Subject, years: list[int] | None = None) -> dict[int, YearCoverage]:
    """{year: YearCoverage} over the subject unit's subtree for each of `years` (default the
    subject's): the units due from the units' dates, the units counted from the stored report
    counts (`ReportTally`, reports of the subject's statuses). Two queries."""
    years = years if years is not None else subject.years
    if not years:
        return {}
    unit = subject.unit
    due = Unit.objects.filter(path__startswith=unit.path, parent__isnull=False).aggregate(
        **{
            f"y{y}": Count("pk", filter=existed_during_q(dt.date(y, 1, 1), dt.date(y, 12, 31)))
            for y in years
        }
    )
    counted = dict.fromkeys(years, 0)
    for year, reports in ReportTally.objects.filter(
        unit=unit,
        movement=subject.movement,
        status__in=subject.statuses,
        period__kind=subject.movement.period_kind,
        period__year__in=years,
    ).values_list("period__year", "reports"):
        counted[year] += reports
    return {y: YearCoverage(year=y, due=due[f"y{y}"], counted=counted[y]) for y in years}


@dataclass
class LikeForLike:
    """A change from `first` to `last` year over the units counted (a report whose status
    counts) in both.

    `values`: {(indicator code, None, year): sum over those units} for the two years (ratios
    from their summed parts); `both`: how many units those are; `only_first` / `only_last`:
    units counted in one of the years only, named up to NAMES_LISTED, with their counts."""

    first: int
    last: int
    values: dict[TotalKey, Number]
    both: int
    only_first: list[Unit] = field(default_factory=list)
    only_first_count: int = 0
    only_last: list[Unit] = field(default_factory=list)
    only_last_count: int = 0

    def pair(self, code: str) -> tuple[Number, Number]:
        return self.values.get((code, None, self.first)), self.values.get((code, None, self.last))


def _reports(subject: Subject, **where):
    return Report.objects.filter(
        movement=subject.movement,
        status__in=subject.statuses,
        period__kind=subject.movement.period_kind,
        **where,
    )


def _values(subject: Subject, **where):
    return Value.objects.filter(
        report__movement=subject.movement,
        report__status__in=subject.statuses,
        report__period__kind=subject.movement.period_kind,
        **where,
    )


def _stored(indicators: list[Indicator]) -> list[Indicator]:
    """The indicators with values of their own behind `indicators` (a ratio's two parts)."""
    out: dict[int, Indicator] = {}
    for indicator in indicators:
        parts = (
            [indicator.numerator, indicator.denominator]
            if indicator.kind == Indicator.Kind.RATIO
            else [indicator]
        )
        out |= {p.pk: p for p in parts}
    return list(out.values())


def _bucket(subject: Subject, children: list[Unit] | None):
    """(bucket expression on a Value query, {bucket id: child code or None}): the child of the
    subject's unit whose subtree holds the value's report, else the unit itself."""
    unit = subject.unit
    if not children:
        return V(unit.pk), {unit.pk: None}
    inside = [c for c in children if c.pk != unit.pk and c.path.startswith(unit.path)]
    bucket = Case(
        *(When(report__unit__path__startswith=c.path, then=V(c.pk)) for c in inside),
        default=V(unit.pk),
        output_field=IntegerField(),
    )
    return bucket, {c.pk: c.code for c in inside} | {unit.pk: unit.code}


def _kept_sums(
    subject: Subject,
    *,
    stored: list[Indicator],
    children: list[Unit] | None,
    keep: Q,
    direct: dict[int, bool],
) -> dict[TotalKey, int]:
    """{(code, child code or None, year): the sum over the values that `keep` keeps} for the
    years of `direct`, each year from the smaller side: with direct[year] the kept values
    summed, else the stored subtree total less the values left out. Two queries (the stored
    totals read even when no year needs them, so that a page's count of queries does not
    depend on who reported)."""
    bucket, codes = _bucket(subject, children)
    by_year = Q(pk__in=[])
    for year, summed in direct.items():
        by_year |= Q(report__period__year=year) & (keep if summed else ~keep)
    rows = (
        _values(
            subject,
            report__unit__path__startswith=subject.unit.path,
            indicator__in=stored,
        )
        .filter(by_year)
        .annotate(bucket=bucket)
        .values_list("bucket", "indicator__code", "report__period__year")
        .annotate(total=Sum("value"))
        .order_by()
    )
    found = {(code, codes[b], year): int(total) for b, code, year, total in rows}
    out: dict[TotalKey, int] = {k: v for k, v in found.items() if direct[k[2]]}
    years = sorted(direct)
    plain, _stage = _subtree_totals(
        subject=subject.with_years(years[0], years[-1]), indicators=stored, children=children
    )
    for (code, child, year), total in plain.items():
        if year in direct and not direct[year] and total is not None:
            out[(code, child, year)] = int(total) - found.get((code, child, year), 0)
    return out


def like_for_like(
    *, subject: Subject, indicators: list[Indicator], first: int, last: int
) -> LikeForLike:
    """The `indicators` summed over the subject's subtree in years `first` and `last`, each
    over the units counted in both years; and which units are counted in one year only. Five
    queries."""
    in_subtree = _reports(subject, unit__path__startswith=subject.unit.path)

    def counted_in(year: int, unit: OuterRef | None = None) -> Exists:
        unit = OuterRef("unit") if unit is None else unit
        return Exists(_reports(subject, unit=unit, period__year=year))

    in_first, in_last = Q(period__year=first), Q(period__year=last)
    counts = (
        in_subtree.filter(in_first | in_last)
        .alias(in_other=Case(When(in_first, then=counted_in(last)), default=counted_in(first)))
        .aggregate(
            both=Count("unit", distinct=True, filter=in_first & Q(in_other=True)),
            only_first=Count("unit", distinct=True, filter=in_first & Q(in_other=False)),
            only_last=Count("unit", distinct=True, filter=in_last & Q(in_other=False)),
        )
    )
    named = {
        year: [
            r.unit
            for r in in_subtree.filter(period__year=year)
            .exclude(counted_in(other))
            .select_related("unit")
            .order_by("unit__sort_order", "unit__name", "pk")[:NAMES_LISTED]
        ]
        for year, other in ((first, last), (last, first))
    }
    value_unit = OuterRef("report__unit")
    keep = (Q(report__period__year=first) & counted_in(last, value_unit)) | (
        Q(report__period__year=last) & counted_in(first, value_unit)
    )
    sums = _kept_sums(
        subject,
        stored=_stored(indicators),
        children=None,
        keep=keep,
        direct={
            first: counts["both"] <= counts["only_first"],
            last: counts["both"] <= counts["only_last"],
        },
    )
    return LikeForLike(
        first=first,
        last=last,
        values=_with_ratios(dict(sums), indicators),
        both=counts["both"],
        only_first=named[first],
        only_first_count=counts["only_first"],
        only_last=named[last],
        only_last_count=counts["only_last"],
    )


@dataclass(frozen=True)
class RateBase:
    """An indicator's stage total and the member count it is divided by, summed over the same
    units: those with a member count at the end of the range (`units` of them)."""

    total: Number
    members: Number
    units: int

    @property
    def per_hundred(self) -> Decimal | None:
        return ratio_percent(self.total, self.members)


def rate_bases(
    *,
    subject: Subject,
    indicators: list[Indicator],
    members: Indicator,
    children: list[Unit] | None = None,
) -> dict[tuple[str, str | None], RateBase]:
    """{(indicator code, child's code or None): RateBase} over the subject's subtree (with
    `children`, over each child's subtree; a unit inside no child under the subject unit's
    code): each indicator summed over the subject's years (a stock at the end year), and the
    members at the end year, both over the units whose member count for the end year is
    reported. A unit without it is in neither sum; a bucket where no unit has it is absent.
    Four queries."""
    end = subject.end_year
    bucket, codes = _bucket(subject, children)

    def has_members(unit) -> Exists:
        return Exists(
            _values(subject, report__unit=unit, indicator=members, report__period__year=end)
        )

    in_range = _reports(
        subject,
        unit__path__startswith=subject.unit.path,
        period__year__gte=subject.start_year,
        period__year__lte=end,
    )
    counts = in_range.alias(with_members=has_members(OuterRef("unit"))).aggregate(
        kept=Count("pk", filter=Q(with_members=True)),
        left=Count("pk", filter=Q(with_members=False)),
    )
    counted = dict(
        _values(subject, report__unit__path__startswith=subject.unit.path, indicator=members)
        .filter(report__period__year=end)
        .annotate(bucket=bucket)
        .values_list("bucket")
        .annotate(units=Count("report__unit", distinct=True))
        .order_by()
    )
    stored = _stored([*indicators, members])
    sums = _kept_sums(
        subject,
        stored=stored,
        children=children,
        keep=Q(has_members(OuterRef("report__unit"))),
        direct=dict.fromkeys(subject.years, counts["kept"] <= counts["left"]),
    )
    stocks = {i.code for i in stored if i.aggregation == Indicator.Aggregation.LAST}
    totals: dict[TotalKey, int] = {}
    for (code, child, year), total in sums.items():
        if code in stocks and year != end:
            continue  # a stock: its end year's figure
        key = (code, child, None)
        totals[key] = totals.get(key, 0) + total
    totals = _with_ratios(dict(totals), [*indicators, members])
    return {
        (indicator.code, codes[bucket_id]): RateBase(
            total=totals.get((indicator.code, codes[bucket_id], None)),
            members=totals.get((members.code, codes[bucket_id], None)),
            units=units,
        )
        for bucket_id, units in counted.items()
        for indicator in indicators
    }
