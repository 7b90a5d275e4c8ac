"""The generated báo cáo (reports/documents/): who reported, their notes, the published figures
for the same unit and years.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from movements.models import Period, PublishedFigure, Report, Unit

from .subject import Subject


@dataclass(frozen=True)
class ReportNote:
    unit: Unit
    period: Period
    highlights: str
    shortcomings: str


@dataclass
class ReportCoverage:
    """Which units of a subtree reported in which periods of a range of years.

    `units`: the subtree in tree order; `expected`: (unit, periods) where the unit files a
    report (`Unit.reports_in`: it existed during the period and is not the root);
    `reported`: {unit id: ids of periods with a counted report}; `notes`: the counted reports'
    notes, in tree order.
    """

    units: list[Unit]
    expected: list[tuple[Unit, list[Period]]]
    reported: dict[int, set[int]]
    notes: list[ReportNote]
    report_count: int
    is_demo: bool

    @property
    def reporting_units(self) -> list[Unit]:
        return [u for u in self.units if self.reported.get(u.pk)]

    @property
    def missing(self) -> list[tuple[Unit, list[Period]]]:
        """(unit, periods) where an expected report is not counted, in tree order."""
        out = []
        for unit, periods in self.expected:
            gaps = [p for p in periods if p.pk not in self.reported.get(unit.pk, set())]
            if gaps:
                out.append((unit, gaps))
        return out


SUBTREE_ID_LIST = 900  # units listed by id in one query at most (SQLite's oldest limit: 999)


def report_coverage(*, subject: Subject) -> ReportCoverage:
    """Who in the subject unit's subtree reported (a report whose status counts) in each period
    of the movement's kind within the subject's years, and what they noted. Three queries."""
    movement, unit = subject.movement, subject.unit
    units = _tree_order(list(Unit.objects.subtree_of(unit)))
    periods = list(
        Period.objects.filter(
            kind=movement.period_kind, year__gte=subject.start_year, year__lte=subject.end_year
        ).order_by("year", "number")
    )
    periods_by_id = {p.pk: p for p in periods}
    position = {u.pk: index for index, u in enumerate(units)}
    # The subtree's units by id when they are a few hundred (PostgreSQL then reads their
    # reports by index; by path it scans every report of the movement), else by path.
    in_subtree = (
        Q(unit_id__in=list(position))
        if len(position) <= SUBTREE_ID_LIST
        else Q(unit__path__startswith=unit.path)
    )
    rows = (
        Report.objects.filter(
            in_subtree, movement=movement, period__in=periods, status__in=subject.statuses
        )
        .values_list("unit_id", "period_id", "is_demo", "highlights", "shortcomings")
        .order_by()  # the notes are sorted below, in the tree's order
    )
    reported: dict[int, set[int]] = defaultdict(set)
    notes, count, is_demo = [], 0, False
    for unit_id, period_id, demo, highlights, shortcomings in rows:
        count += 1
        is_demo = is_demo or demo
        reported[unit_id].add(period_id)
        if (highlights or "").strip() or (shortcomings or "").strip():
            notes.append(
                ReportNote(
                    units[position[unit_id]], periods_by_id[period_id], highlights, shortcomings
                )
            )
    notes.sort(key=lambda n: (position[n.unit.pk], n.period.year, n.period.number))
    expected = []
    for member in units:
        due = [p for p in periods if member.reports_in(p)]
        if due:
            expected.append((member, due))
    return ReportCoverage(
        units=units,
        expected=expected,
        reported=dict(reported),
        notes=notes,
        report_count=count,
        is_demo=is_demo,
    )


def _tree_order(units: list[Unit]) -> list[Unit]:
    """Parents before children, siblings by sort order."""
    children: dict[int | None, list[Unit]] = defaultdict(list)
    ids = {u.pk for u in units}
    for u in units:
        children[u.parent_id if u.parent_id in ids else None].append(u)
    out: list[Unit] = []

    def walk(parent_id):
        for child in sorted(children.get(parent_id, []), key=lambda u: u.official_key):
            out.append(child)
            walk(child.pk)

    walk(None)
    return out


def report_published_figures(*, subject: Subject) -> list[PublishedFigure]:
    """The published figures of the subject unit's subtree for exactly its years, in document
    order. One query."""
    return list(
        PublishedFigure.objects.filter(
            indicator__movement=subject.movement,
            unit__path__startswith=subject.unit.path,
            start_year=subject.start_year,
            end_year=subject.end_year,
        )
        .select_related("indicator", "indicator__group", "unit")
        .order_by("document", "order", "pk")
    )
