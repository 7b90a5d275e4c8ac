"""The completeness page: the units under a parent × the periods of a range of years, units due
and reports in each state, on time and late, counted over each one's subtree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import CharField, Count, F, Max, Q, Sum
from django.db.models import Value as V
from django.db.models.functions import StrIndex, Substr

from movements.models import (
    Movement,
    Period,
    Report,
    ReportTally,
    Unit,
    existed_during_q,
    of_existing_units,
)

from .scope import Scope, _children, _subtree_below
from .subject import Subject
from .totals import ratio_percent

COMPLETENESS_STATES = ("approved", "submitted", "returned", "draft", "missing")
PAGE_SIZE = 100  # rows of units on one page of /completeness/: never every unit
PAGE_CELLS = 400  # nor more than a few hundred unit × period cells


def completeness_page_size(periods: int) -> int:
    """Rows of units on one page of the completeness matrix with `periods` columns:
    PAGE_SIZE, fewer when the periods are many, so that a page holds at most PAGE_CELLS cells
    (five years of quarters: 20 rows of 20 cells), and at least ten rows."""
    return min(PAGE_SIZE, max(10, PAGE_CELLS // max(periods, 1)))


def _child_path(parent: Unit, field: str = "path") -> Substr:
    """In SQL, the path of the child of `parent` whose subtree holds the unit whose path is
    `field`: the path up to the '/' after the parent's ("/1/5/17/" under "/1/" → "/1/5/")."""
    start = len(parent.path)
    return Substr(
        F(field),
        1,
        StrIndex(Substr(F(field), start + 1), V("/")) + V(start),
        output_field=CharField(),
    )


@dataclass(frozen=True)
class CompletenessCell:
    """A group of units (one unit and its subtree) × one period: how many were due (existed
    during the period) and how many are in each state; submissions on time and late; the
    latest day one was submitted (the unit's own when the group is one unit)."""

    period: Period
    due: int
    counts: dict[str, int]
    on_time: int = 0
    late: int = 0
    submitted_at: dt.datetime | None = None

    @property
    def state(self) -> str:
        """For a group of one unit: approved | submitted | returned | draft | missing;
        'not-due' when no unit was due; 'many' for a larger group."""
        if self.due == 0:
            return "not-due"
        if self.due > 1:
            return "many"
        return next((s for s in COMPLETENESS_STATES if self.counts.get(s)), "missing")

    @property
    def states(self) -> list[tuple[str, int]]:
        """(state, units) for each state some unit is in, in display order."""
        return [(s, self.counts[s]) for s in COMPLETENESS_STATES if self.counts.get(s)]


@dataclass(frozen=True)
class CompletenessRow:
    """One unit under the parent: its subtree's cells, one per period, and whether units lie
    under it (a link down)."""

    unit: Unit
    has_children: bool
    cells: list[CompletenessCell]

    @property
    def on_time_share(self) -> Decimal | None:
        return ratio_percent(sum(c.on_time for c in self.cells), sum(c.due for c in self.cells))


@dataclass
class Completeness:
    """The units directly under `parent` (one page of them) × the periods, counted over each
    one's subtree, and the totals of every visible unit below `parent` (all pages)."""

    parent: Unit
    periods: list[Period]
    rows: list[CompletenessRow]
    page: Page
    due: int
    state_counts: dict[str, int]
    on_time_count: int

    @property
    def on_time_share(self) -> Decimal | None:
        """Share of due unit × period reports submitted by the deadline, in percent."""
        return ratio_percent(self.on_time_count, self.due)


def _last_submissions(
    *, movement: Movement, parent: Unit, cells: list[tuple[Unit, Period]]
) -> dict[tuple[str, int], dt.datetime]:
    """{(child path, period id): latest submission} over the subtree of each child in
    `cells` (children of `parent` whose subtree had one unit due in that period). One query,
    over those subtrees and periods only."""
    under = Q(pk__in=[])
    for path in sorted({child.path for child, _period in cells}):
        under |= Q(unit__path__startswith=path)
    rows = (
        Report.objects.filter(
            under,
            movement=movement,
            period_id__in={period.pk for _child, period in cells},
            submitted_at__isnull=False,
        )
        .filter(of_existing_units())
        .annotate(child=_child_path(parent, "unit__path"))
        .values("child", "period_id")
        .annotate(last=Max("submitted_at"))
        .order_by()
    )
    return {(row["child"], row["period_id"]): row["last"] for row in rows}


def completeness(*, subject: Subject, scope: Scope, page: int | str = 1) -> Completeness:
    """The visible units directly under `parent`, the subject's unit (page `page` of
    `completeness_page_size`) × the periods of the movement's entry kind within the subject's
    years: for each one's subtree, units due and reports in each state (every state, whatever
    the subject's statuses), on time and late; and the same totals over every visible unit
    below `parent`. Units due are counted in SQL by the path prefix of each child; reports are
    read from the stored tallies (`ReportTally`), never counted over the subtree. Seven
    queries, whatever the number of units; one more when a cell counts one unit (its day of
    submission), one fewer when the user sees every unit under `parent` (the units due under
    each of its children, counted in one query, sum to the total), fewer when `parent` has no
    children to show."""
    movement, parent = subject.movement, subject.unit
    periods = list(
        Period.objects.filter(
            kind=movement.period_kind, year__gte=subject.start_year, year__lte=subject.end_year
        ).order_by("year", "number")
    )
    chosen = Paginator(
        _children(scope=scope, parent=parent), completeness_page_size(len(periods))
    ).get_page(page)
    children = list(chosen.object_list)
    paths = [c.path for c in children]
    below = _subtree_below(scope=scope, parent=parent)
    due_each = {
        f"p{p.pk}": Count("pk", filter=existed_during_q(p.start_date, p.end_date)) for p in periods
    }  # one column per period: a handful
    tallies = ReportTally.objects.filter(movement=movement, period__in=periods).order_by()
    figures = ("reports", "on_time", "late")
    due: dict[tuple[str, int], int] = {}
    found: dict[tuple[int, int], dict] = defaultdict(
        lambda: {"counts": {}, "on_time": 0, "late": 0}
    )
    last: dict[tuple[str, int], dt.datetime] = {}
    whole = scope.can_see(parent)
    if children:
        # Seeing all of `parent`, the units due under every child, on this page or not, are
        # counted at once: their sum is the total below `parent` (no second count).
        due_rows = Unit.objects.filter(below).annotate(child=_child_path(parent))
        if not whole:
            due_rows = due_rows.filter(child__in=paths)
        for row in due_rows.values("child").annotate(**due_each).order_by():
            for p in periods:
                due[(row["child"], p.pk)] = row[f"p{p.pk}"]
        for unit_id, period_id, status, n, on_time, late in tallies.filter(
            unit__in=children
        ).values_list("unit_id", "period_id", "status", *figures):
            cell = found[(unit_id, period_id)]
            cell["counts"][status] = n
            cell["on_time"] += on_time
            cell["late"] += late
        # A cell of one unit shows the day it was submitted.
        single = [
            (c, p)
            for c in children
            for p in periods
            if due.get((c.path, p.pk)) == 1 and (c.pk, p.pk) in found
        ]
        if single:
            last = _last_submissions(movement=movement, parent=parent, cells=single)
    rows = []
    for child in children:
        cells = []
        for p in periods:
            n, got = due.get((child.path, p.pk), 0), found.get((child.pk, p.pk))
            counts = dict(got["counts"]) if got else {}
            counts["missing"] = n - sum(counts.values())
            cells.append(
                CompletenessCell(
                    period=p,
                    due=n,
                    counts=counts,
                    on_time=got["on_time"] if got else 0,
                    late=got["late"] if got else 0,
                    submitted_at=last.get((child.path, p.pk)),
                )
            )
        rows.append(CompletenessRow(unit=child, has_children=child.has_children, cells=cells))
    if whole:
        due_total = sum(due.values())  # every unit below `parent` is under one of its children
    else:
        totals = Unit.objects.filter(below).aggregate(**due_each)
        due_total = sum(totals[f"p{p.pk}"] for p in periods)
    # Every visible unit below `parent`: the subtrees of all its children when the user sees
    # all of it, else the subtrees of the user's units under it.
    if whole:
        counted = tallies.filter(unit__parent=parent)
    else:
        counted = tallies.filter(unit__in=[t for t in scope.tops if t.path.startswith(parent.path)])
    state_counts = dict.fromkeys(COMPLETENESS_STATES, 0)
    on_time = 0
    for row in counted.values("status").annotate(n=Sum("reports"), on_time=Sum("on_time")):
        state_counts[row["status"]] += row["n"]
        on_time += row["on_time"]
    state_counts["missing"] = due_total - sum(state_counts.values())
    return Completeness(
        parent=parent,
        periods=periods,
        rows=rows,
        page=chosen,
        due=due_total,
        state_counts=state_counts,
        on_time_count=on_time,
    )
