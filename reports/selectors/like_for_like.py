"""Figures that compare like with like: how many of the units due each year are counted
(coverage), a change between two years summed over the units that reported the figure in both,
and rates per 100 members summed over the units whose member count is known at the end of the
range. The plain subtree totals (`totals.indicator_totals`) mix in whoever reported; these never
do.

A unit here is a reporting unit: a unit of the subtree with a report of its own whose status
counts. Everything is summed in SQL over `Value` rows, with the unit's presence in the other
year an EXISTS on the same unit: exact, and a fixed number of queries whatever the number of
units.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    When,
)
from django.db.models import Value as V

from movements.models import Indicator, Report, ReportTally, Unit, Value, existed_during_q

from .subject import Subject
from .totals import Number, TotalKey, _with_ratios, ratio_percent

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
    """A change from `first` to `last` year over the units that reported the figure in both.

    `values`: {(indicator code, None, year): sum over those units} for the two years (ratios
    from their summed parts); `units`: {indicator code: how many units are compared};
    `both`: units counted (a report) in both years; `only_first` / `only_last`: units counted
    in one of them only, named up to NAMES_LISTED, with their counts."""

    first: int
    last: int
    values: dict[TotalKey, Number]
    units: dict[str, int]
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


def _values(subject: Subject, *conditions: Q, **where):
    return Value.objects.filter(
        *conditions,
        report__movement=subject.movement,
        report__status__in=subject.statuses,
        report__period__kind=subject.movement.period_kind,
        **where,
    )


def _buckets(unit: Unit, children: list[Unit] | None, path: str):
    """({unit id: code}, the SQL expression giving each row's bucket): with `children` (below
    `unit`), the id of the child whose subtree holds the row's unit (`path`: the field holding
    that unit's path), else `unit`'s own id; without, `unit`'s id for every row."""
    codes = {unit.pk: unit.code}
    if not children:
        return codes, V(unit.pk)
    inside = [c for c in children if c.pk != unit.pk and c.path.startswith(unit.path)]
    codes |= {c.pk: c.code for c in inside}
    return codes, Case(
        *(When(**{f"{path}__startswith": c.path}, then=V(c.pk)) for c in inside),
        default=V(unit.pk),
        output_field=IntegerField(),
    )


def children_coverage(
    *, subject: Subject, children: list[Unit], years: list[int] | None = None
) -> dict[str, dict[int, YearCoverage]]:
    """{child's code: {year: YearCoverage}}: `year_coverage` of each of `children` (units below
    the subject's unit), each over its own subtree, the child included. Two queries, whatever
    the number of children or years."""
    years = years if years is not None else subject.years
    if not years or not children:
        return {}
    codes, bucket = _buckets(subject.unit, children, "path")
    inside = [c for c in children if c.pk in codes and c.pk != subject.unit.pk]
    due_rows = (
        Unit.objects.filter(path__startswith=subject.unit.path, parent__isnull=False)
        .annotate(bucket=bucket)
        .values("bucket")
        .annotate(
            **{
                f"y{y}": Count("pk", filter=existed_during_q(dt.date(y, 1, 1), dt.date(y, 12, 31)))
                for y in years
            }
        )
        .order_by()
    )
    due = {row["bucket"]: row for row in due_rows}
    counted = {(c.pk, y): 0 for c in inside for y in years}
    for unit_id, year, reports in ReportTally.objects.filter(
        unit__in=inside,
        movement=subject.movement,
        status__in=subject.statuses,
        period__kind=subject.movement.period_kind,
        period__year__in=years,
    ).values_list("unit_id", "period__year", "reports"):
        counted[(unit_id, year)] += reports
    return {
        c.code: {
            y: YearCoverage(
                year=y, due=due.get(c.pk, {}).get(f"y{y}", 0), counted=counted[(c.pk, y)]
            )
            for y in years
        }
        for c in inside
    }


def _stored_ids(indicators: list[Indicator]) -> set[int]:
    ids: set[int] = set()
    for indicator in indicators:
        if indicator.kind == Indicator.Kind.RATIO:
            ids.update([indicator.numerator_id, indicator.denominator_id])
        else:
            ids.add(indicator.pk)
    return ids


def like_for_like(
    *, subject: Subject, indicators: list[Indicator], first: int, last: int
) -> LikeForLike:
    """The `indicators` summed over the subject's subtree in years `first` and `last`, each
    over the units that have a figure for it (a value, not a blank) in both years; and which
    units are counted in one year only. Four queries, whoever reported."""
    unit = subject.unit
    values: dict[TotalKey, Number] = {}
    units: dict[str, int] = {}
    for (code, _bucket, year), (total, count, _members) in _same_figure_sums(
        subject=subject, indicators=indicators, first=first, last=last
    ).items():
        values[(code, None, year)] = total
        units[code] = count
    for indicator in indicators:
        if indicator.kind == Indicator.Kind.RATIO:
            units[indicator.code] = units.get(indicator.denominator.code, 0)

    in_subtree = _reports(subject, unit__path__startswith=unit.path)

    def counted_in(year: int) -> Exists:
        return Exists(_reports(subject, unit=OuterRef("unit"), period__year=year))

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
    return LikeForLike(
        first=first,
        last=last,
        values=_with_ratios(values, indicators),
        units=units,
        both=counts["both"],
        only_first=named[first],
        only_first_count=counts["only_first"],
        only_last=named[last],
        only_last_count=counts["only_last"],
    )


def _within(subject: Subject, children: list[Unit] | None) -> Q:
    """On a Value query: the values of the subject's subtree, or with `children` of their
    subtrees and the subject unit's own reports only (the rest of the subtree is in no bucket a
    page shows, and may be units the user does not see)."""
    unit = subject.unit
    inside = [c for c in children or [] if c.pk != unit.pk and c.path.startswith(unit.path)]
    if not inside:
        return Q(report__unit__path__startswith=unit.path)
    within = Q(report__unit=unit)
    for child in inside:
        within |= Q(report__unit__path__startswith=child.path)
    return within


def _same_figure_sums(
    *,
    subject: Subject,
    indicators: list[Indicator],
    first: int,
    last: int,
    children: list[Unit] | None = None,
    members: Indicator | None = None,
) -> dict[TotalKey, tuple[int, int, int | None]]:
    """{(stored indicator code, bucket: child's code or None, year): (sum, units summed, their
    members)} of the stored parts of `indicators` in years `first` and `last`, each over the
    units of the subject's subtree (with `children`, of each child's) that have a figure for it
    in both years; with `members`, only the units that also have a member count in both years,
    and the member count of those same units that year (else None). One query: each unit's
    sums by year, compared in Python (a unit's presence in the other year tested per row in SQL
    costs a probe per value)."""
    unit = subject.unit
    codes, bucket = _buckets(unit, children, "report__unit__path")
    wanted = _stored_ids(indicators)
    rows = (
        _values(
            subject,
            _within(subject, children),
            report__period__year__in=[first, last],
            indicator_id__in=wanted | ({members.pk} if members is not None else set()),
        )
        .annotate(bucket=bucket)
        .values_list(
            "bucket", "report__unit", "indicator_id", "indicator__code", "report__period__year"
        )
        .annotate(total=Sum("value"))
        .order_by()
    )
    figures: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    names: dict[int, str] = {}
    child_of: dict[int, str | None] = {}
    for bucket_id, unit_id, indicator_id, code, year, total in rows:
        figures[unit_id][indicator_id][year] = int(total)
        names[indicator_id] = code
        child_of[unit_id] = codes[bucket_id] if children else None
    out: dict[TotalKey, tuple[int, int, int | None]] = {}
    need = len({first, last})  # figures in both years (one, for a single year)
    for unit_id, by_indicator in figures.items():
        member_years = by_indicator.get(members.pk, {}) if members is not None else None
        if member_years is not None and len(member_years) < need:
            continue  # with `members`, only units with a member count in both years
        for indicator_id, years in by_indicator.items():
            if indicator_id not in wanted or len(years) < need:
                continue
            for year in sorted({first, last}):
                key = (names[indicator_id], child_of[unit_id], year)
                total, count, member_sum = out.get(key, (0, 0, None))
                if member_years is not None:
                    member_sum = (member_sum or 0) + member_years[year]
                out[key] = (total + years[year], count + 1, member_sum)
    return out


@dataclass(frozen=True)
class ChildChanges:
    """Changes from `first` to `last` by child, like with like: `sums` {(stored indicator
    code, child's code, year): sum over the child's units that have the figure in both
    years}, `units` {(stored indicator code, child's code): how many such units}; with a member
    indicator, `members` {(stored indicator code, child's code, year): the member count of
    those same units (which also have it in both years)}."""

    first: int
    last: int
    sums: dict[TotalKey, int]
    units: dict[tuple[str, str | None], int]
    members: dict[TotalKey, int]


def like_for_like_by_child(
    *,
    subject: Subject,
    indicators: list[Indicator],
    first: int,
    last: int,
    children: list[Unit],
    members: Indicator | None = None,
) -> ChildChanges:
    """`like_for_like`'s sums for each of `children` (below the subject's unit; a unit inside
    none under the subject unit's code), of the stored parts of `indicators` (a caller pools
    children and forms ratios from them). With `members`, per-100 changes: only the units
    with the figure and the member count in both years, and their member counts beside. One
    query."""
    found = _same_figure_sums(
        subject=subject,
        indicators=indicators,
        first=first,
        last=last,
        children=children,
        members=members,
    )
    sums, units, member_sums = {}, {}, {}
    for (code, child, year), (total, count, member_sum) in found.items():
        sums[(code, child, year)] = total
        units[(code, child)] = count
        if member_sum is not None:
            member_sums[(code, child, year)] = member_sum
    return ChildChanges(first=first, last=last, sums=sums, units=units, members=member_sums)


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
    reported. A unit without it is in neither sum. One query."""
    return {
        (code, bucket): base
        for (code, bucket, _year), base in _rate_sums(
            subject=subject, indicators=indicators, members=members, children=children, yearly=False
        ).items()
    }


def yearly_rate_bases(
    *,
    subject: Subject,
    indicators: list[Indicator],
    members: Indicator,
    children: list[Unit] | None = None,
) -> dict[TotalKey, RateBase]:
    """{(indicator code, child's code or None, year): RateBase}: `rate_bases` of each year
    apart, each year's figure and members over the units whose member count for that year is
    reported. One query."""
    return _rate_sums(
        subject=subject, indicators=indicators, members=members, children=children, yearly=True
    )


def rate_bases_both(
    *,
    subject: Subject,
    indicators: list[Indicator],
    members: Indicator,
    children: list[Unit] | None = None,
) -> tuple[dict[tuple[str, str | None], RateBase], dict[TotalKey, RateBase]]:
    """(`rate_bases`, `yearly_rate_bases`) from the one query they share."""
    rows, codes = _rate_rows(
        subject=subject, indicators=indicators, members=members, children=children
    )
    common = {"subject": subject, "indicators": indicators, "members": members}
    stage = _rate_sums_of(rows, codes, children=children, yearly=False, **common)
    yearly = _rate_sums_of(rows, codes, children=children, yearly=True, **common)
    return {(code, bucket): base for (code, bucket, _year), base in stage.items()}, yearly


def _rate_sums(
    *,
    subject: Subject,
    indicators: list[Indicator],
    members: Indicator,
    children: list[Unit] | None,
    yearly: bool,
) -> dict[TotalKey, RateBase]:
    rows, codes = _rate_rows(
        subject=subject, indicators=indicators, members=members, children=children
    )
    return _rate_sums_of(
        rows,
        codes,
        subject=subject,
        indicators=indicators,
        members=members,
        children=children,
        yearly=yearly,
    )


def _rate_rows(
    *,
    subject: Subject,
    indicators: list[Indicator],
    members: Indicator,
    children: list[Unit] | None,
) -> tuple[list[tuple], dict]:
    """The values behind the rates, by bucket, unit, indicator and year, and the buckets'
    codes. One query."""
    codes, bucket = _buckets(subject.unit, children, "report__unit__path")
    rows = list(
        _values(
            subject,
            _within(subject, children),
            report__period__year__gte=subject.start_year,
            report__period__year__lte=subject.end_year,
            indicator_id__in=_stored_ids(indicators) | {members.pk},
        )
        .annotate(bucket=bucket)
        .values_list(
            "bucket",
            "report__unit",
            "indicator__code",
            "indicator__aggregation",
            "report__period__year",
        )
        .annotate(total=Sum("value"))
        .order_by()
    )
    return rows, codes


def _rate_sums_of(
    rows: list[tuple],
    codes: dict,
    *,
    subject: Subject,
    indicators: list[Indicator],
    members: Indicator,
    children: list[Unit] | None,
    yearly: bool,
) -> dict[TotalKey, RateBase]:
    end = subject.end_year
    # Which years each unit reported its member count in: a unit's figures count where it did
    # (the end year, or each year for `yearly`), compared here rather than probed per value.
    member_years: dict[int, set[int]] = defaultdict(set)
    for _bucket, unit_id, code, _aggregation, year, _total in rows:
        if code == members.code:
            member_years[unit_id].add(year)
    sums: dict[TotalKey, int] = {}
    counted: dict[tuple[str | None, int | None], set[int]] = defaultdict(set)
    for bucket_id, unit_id, code, aggregation, year, total in rows:
        if (year if yearly else end) not in member_years[unit_id]:
            continue
        if not yearly and aggregation == Indicator.Aggregation.LAST and year != end:
            continue  # a stock: its end year's figure
        key = (code, codes[bucket_id] if children else None, year if yearly else None)
        sums[key] = sums.get(key, 0) + int(total)
        if code == members.code:
            counted[key[1:]].add(unit_id)
    totals = _with_ratios(dict(sums), [*indicators, members])
    return {
        (code, *at): RateBase(
            total=totals.get((code, *at)),
            members=totals.get((members.code, *at)),
            units=len(units),
        )
        for at, units in counted.items()
        for code in [i.code for i in indicators]
    }
