"""Comparisons across a change of the tree: a unit that succeeds others (a merge, a split, a
move: `movements.selectors.tree.predecessors_of`) is compared, for the years its predecessors
still worked, with the sum of their stored totals, each by its share (1 through a merge or a
move, a split's stated share). Figures stay with the unit that did the work: a year's figure is
the unit's own subtree total plus each predecessor's share of its total that year, for the years
up to the one its change took effect in (a change of 1/7/2025 leaves the predecessor its first
half of 2025). A split that stated no share is not compared: those years have no figure, and
the page says why.

Exact: shares are Fractions and sums exact, made a Decimal of 28 digits only where not whole;
ratios are computed from the summed parts."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from movements.formatting import format_date, format_number
from movements.models import Indicator, Succession, TreeChange, Unit
from movements.selectors.tree import predecessors_of

from .comparison import rows_have_values
from .like_for_like import YearCoverage, year_coverage
from .subject import Subject
from .totals import (
    Number,
    TotalKey,
    _subtree_totals,
    _with_ratios,
    change_between,
    rank_values,
)


@dataclass(frozen=True)
class MappedPredecessor:
    """A unit `share` of whose figures count toward its successor's, in the years up to
    `last_year` (the year before its change took effect, or that year if it took effect after
    1 January), through `changes` (oldest first)."""

    unit: Unit
    share: Fraction | None
    changes: tuple[TreeChange, ...]

    @property
    def last_year(self) -> int:
        return self.changes[0].day_before.year

    @property
    def last_stock_year(self) -> int:
        """The last year a stock (a `last` indicator: members at the end of the year) of its
        counts: the year before its change took effect — at that year's end the successor's
        members are those members, counted once."""
        return self.changes[0].effective_date.year - 1

    @property
    def whole(self) -> bool:
        return self.share == 1


@dataclass(frozen=True)
class SuccessionMapping:
    """What a comparison across the changes sums for `unit`: its `predecessors`."""

    unit: Unit
    predecessors: tuple[MappedPredecessor, ...]

    @property
    def shared(self) -> list[MappedPredecessor]:
        return [p for p in self.predecessors if p.share is not None]

    @property
    def unshared(self) -> list[MappedPredecessor]:
        """Predecessors through a split that stated no share: their years are not compared."""
        return [p for p in self.predecessors if p.share is None]

    @property
    def last_year(self) -> int:
        return max(p.last_year for p in self.predecessors)

    @property
    def changes(self) -> list[TreeChange]:
        seen: dict[int, TreeChange] = {}
        for p in self.predecessors:
            for change in p.changes:
                seen.setdefault(change.pk, change)
        return sorted(seen.values(), key=lambda c: (c.effective_date, c.pk))

    def uncompared_years(self, years: list[int]) -> set[int]:
        """The years a predecessor without a share worked in: no figure is summed for them."""
        return {y for y in years for p in self.unshared if y <= p.last_year}

    def describe(self, first_year: int | None = None) -> str:
        """“2009–2025: Tỉnh Đoàn Kiên Giang + Tỉnh Đoàn An Giang (Hợp nhất, 60-NQ/TW,
        12/4/2025, từ 1/7/2025)”, and, for a predecessor by a stated share or without one,
        so said; "" when no predecessor worked from `first_year` on (nothing of theirs is
        summed)."""
        if first_year is not None and self.last_year < first_year:
            return ""
        last = max((p.last_year for p in self.shared), default=self.last_year)
        span = str(last) if first_year is None or first_year >= last else f"{first_year}–{last}"
        names = [_predecessor_name(p) for p in self.shared]
        started = self.unit.valid_from
        if started is None or started < min(c.effective_date for c in self.changes):
            names.insert(0, self.unit.name)  # it existed before, and did its own part
        names = " + ".join(names) or "—"
        changes = "; ".join(
            _("%(kind)s, %(document)s, từ %(date)s")
            % {
                "kind": c.get_kind_display(),
                "document": c.document,
                "date": format_date(c.effective_date),
            }
            for c in self.changes
        )
        text = _("%(years)s: %(units)s (%(changes)s)") % {
            "years": span,
            "units": names,
            "changes": changes,
        }
        mid_year = sorted({p.last_year for p in self.shared if p.last_stock_year < p.last_year})
        if mid_year:
            text += ". " + _(
                "Chỉ tiêu tính tại cuối năm (như số đoàn viên) năm %(years)s: của đơn vị kế tục"
            ) % {"years": ", ".join(str(y) for y in mid_year)}
        if any(not p.whole for p in self.shared):
            text += ". " + _(
                "Phần của đơn vị chia tách tính theo tỷ lệ đã nêu trong văn bản, "
                "chỉ làm tròn khi hiển thị"
            )
        if self.unshared:
            text += ". " + _(
                "Không so sánh các năm đến %(year)s: %(units)s được chia tách mà văn bản "
                "không nêu tỷ lệ"
            ) % {
                "year": max(p.last_year for p in self.unshared),
                "units": ", ".join(p.unit.name for p in self.unshared),
            }
        return text


def _predecessor_name(p: MappedPredecessor) -> str:
    if p.whole:
        return p.unit.name
    percent = format_number(Decimal(p.share.numerator) * 100 / p.share.denominator, 2)
    percent = percent.rstrip("0").rstrip(",")
    return _("%(percent)s %% của %(unit)s") % {"percent": percent, "unit": p.unit.name}


def with_succession_flag(units: QuerySet) -> QuerySet:
    """`units` each with `succeeds` (does it succeed any unit?), so that `succession_mapping`
    of a unit that succeeds none costs no query: the pages' own unit query answers it."""
    return units.annotate(succeeds=Exists(Succession.objects.filter(successor=OuterRef("pk"))))


def succession_mapping(unit: Unit) -> SuccessionMapping | None:
    """The units `unit` succeeds and their shares, or None when it succeeds none. One query;
    none for a unit loaded `with_succession_flag` that succeeds none."""
    if getattr(unit, "succeeds", True) is False:
        return None
    found = predecessors_of(unit)
    if not found:
        return None
    return SuccessionMapping(
        unit=unit,
        predecessors=tuple(MappedPredecessor(p.unit, p.share, p.changes) for p in found),
    )


def _stored(indicators: list[Indicator]) -> list[Indicator]:
    """The stored indicators `indicators` are summed from (a ratio's numerator, denominator)."""
    wanted: dict[int, Indicator] = {}
    for indicator in indicators:
        if indicator.kind == Indicator.Kind.RATIO:
            wanted.setdefault(indicator.numerator_id, indicator.numerator)
            wanted.setdefault(indicator.denominator_id, indicator.denominator)
        else:
            wanted.setdefault(indicator.pk, indicator)
    return list(wanted.values())


def mapped_totals(
    *, subject: Subject, indicators: list[Indicator], mapping: SuccessionMapping
) -> tuple[dict[TotalKey, Number], dict[TotalKey, Number]]:
    """(yearly, stage) as `totals.indicator_totals` gives them for the subject's unit, each year
    its own subtree total plus every predecessor's share of its total in the years it worked
    (`SuccessionMapping`; a stock only up to the year before its change,
    `MappedPredecessor.last_stock_year`); the years of a predecessor without a share are left
    out. One query
    for the unit and one per predecessor with a share that worked within the years."""
    stored = _stored(indicators)
    stocks = {i.code for i in stored if i.aggregation == Indicator.Aggregation.LAST}
    yearly, _stage = _subtree_totals(subject=subject, indicators=stored, children=None)
    sums: dict[TotalKey, Fraction] = {k: Fraction(v) for k, v in yearly.items()}
    for p in mapping.shared:
        if p.last_year < subject.start_year:
            continue
        years = subject.with_unit(p.unit).with_years(
            subject.start_year, min(subject.end_year, p.last_year)
        )
        theirs, _stage = _subtree_totals(subject=years, indicators=stored, children=None)
        for (code, bucket, year), value in theirs.items():
            if code in stocks and year > p.last_stock_year:
                continue
            key = (code, bucket, year)
            sums[key] = sums.get(key, 0) + value * p.share
    skipped = mapping.uncompared_years(subject.years)
    sums = {k: v for k, v in sums.items() if k[2] not in skipped}
    stage: dict[TotalKey, Fraction] = defaultdict(Fraction)
    for (code, bucket, year), value in sums.items():
        if code not in stocks or year == subject.end_year:
            stage[(code, bucket, None)] += value
    return (
        _with_ratios(_numbers(sums), indicators),
        _with_ratios(_numbers(stage), indicators),
    )


def _numbers(sums: dict[TotalKey, Fraction]) -> dict[TotalKey, Number]:
    """Exact sums as the pages take them: a whole number an int, else a Decimal (28 digits,
    rounded only where shown)."""
    return {
        k: v.numerator if v.denominator == 1 else Decimal(v.numerator) / v.denominator
        for k, v in sums.items()
    }


@dataclass(frozen=True)
class SuccessorYears:
    """One unit's figures across its changes: {(code, None, year)} and {(code, None, None)},
    and the `mapping` they used (None: the unit succeeds none, its own totals)."""

    yearly: dict[TotalKey, Number]
    stage: dict[TotalKey, Number]
    mapping: SuccessionMapping | None

    def describe(self, first_year: int) -> str:
        return self.mapping.describe(first_year) if self.mapping is not None else ""


def successor_years(
    *,
    subject: Subject,
    indicators: list[Indicator],
    mapping: SuccessionMapping | None = None,
) -> SuccessorYears:
    """The subject unit's figures year by year and over its years, the years before a change
    it came from summed over its predecessors (`mapped_totals`); a unit that succeeds none gets
    its own totals. `mapping`: if already read (else one query)."""
    if mapping is None:
        mapping = succession_mapping(subject.unit)
    if mapping is None:
        yearly, stage = _subtree_totals(subject=subject, indicators=indicators, children=None)
    else:
        yearly, stage = mapped_totals(subject=subject, indicators=indicators, mapping=mapping)
    return SuccessorYears(yearly, stage, mapping)


def with_mapped_years(*, subject: Subject, rows: list, mapping: SuccessionMapping) -> list:
    """The unit page's rows (`profile.ProfileRow`) with the unit's years and stage total
    across its changes (`mapped_totals`); its peers, rates and province unchanged."""
    yearly, stage = mapped_totals(
        subject=subject, indicators=[r.indicator for r in rows], mapping=mapping
    )
    return [
        dataclasses.replace(
            r,
            years={y: yearly.get((r.indicator.code, None, y)) for y in subject.years},
            total=stage.get((r.indicator.code, None, None)),
        )
        for r in rows
    ]


def comparison_across_changes(*, subject: Subject, comparison) -> tuple[object, list]:
    """`comparison` (`comparison.Comparison` of units below the subject's unit) with each unit
    that succeeds others shown across its changes, in absolute figures: its years, stage
    total and change (between the plain first and last years) from `mapped_totals`, the ranks
    again. Per 100 members the rows stay as they were. Returns (comparison, the mappings
    used). No query for units loaded `with_succession_flag` that succeed none; two or more for
    each that does."""
    if comparison.per_hundred or comparison.ratio_per_hundred or not comparison.rows:
        return comparison, []
    years = subject.years
    indicators = [comparison.indicator] if comparison.indicator else comparison.shown
    rows, mappings = [], []
    for row in comparison.rows:
        mapping = succession_mapping(row["unit"])
        if mapping is None:
            rows.append(row)
            continue
        mappings.append(mapping)
        yearly, stage = mapped_totals(
            subject=subject.with_unit(row["unit"]), indicators=indicators, mapping=mapping
        )
        row = dict(row)
        if comparison.indicator is None:
            row.update({f"i_{i.code}": stage.get((i.code, None, None)) for i in indicators})
        else:
            indicator = comparison.indicator
            values = {y: yearly.get((indicator.code, None, y)) for y in years}
            row.update({f"y{y}": values[y] for y in years})
            row["total"] = stage.get((indicator.code, None, None))
            row["change"], row["change_percent"] = change_between(
                values[years[0]],
                values[years[-1]],
                ratio=indicator.kind == Indicator.Kind.RATIO,
            )
            row["change_units"] = row["change_short"] = None
        rows.append(row)
    if not mappings:
        return comparison, []
    if comparison.indicator is not None:
        for row, rank in zip(rows, rank_values([r["total"] for r in rows]), strict=True):
            row["rank"] = rank
        rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0))
    has_values = rows_have_values(rows, years, ranking=comparison.indicator is not None)
    return dataclasses.replace(comparison, rows=rows, has_values=has_values), mappings


def mapped_coverage(*, subject: Subject, mapping: SuccessionMapping) -> dict[int, YearCoverage]:
    """`like_for_like.year_coverage` of the subject's years across its changes: each year's
    units due and counted in its own subtree and in each predecessor's, for the years that
    predecessor worked. Two queries, and two per predecessor that worked within the years."""
    coverage = year_coverage(subject=subject)
    for p in mapping.predecessors:
        years = [y for y in subject.years if y <= p.last_year]
        if not years:
            continue
        theirs = year_coverage(subject=subject.with_unit(p.unit), years=years)
        for year, part in theirs.items():
            mine = coverage[year]
            coverage[year] = YearCoverage(
                year=year, due=mine.due + part.due, counted=mine.counted + part.counted
            )
    return coverage
