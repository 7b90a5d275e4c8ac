"""Reporting progress of one period (the one open for entry, by default): who has not reported."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from movements.models import Movement, PeerGroup, Period, Report, Unit, existed_during_q
from movements.selectors import open_periods

from .completeness_matrix import PAGE_SIZE
from .groups import ALL_GROUPS
from .scope import Scope, _children

PROGRESS_STATES = ("missing", "draft", "returned", "submitted", "approved")
NOT_REPORTED = ("missing", "draft", "returned")  # no report submitted or approved yet


def progress_period(*, movement: Movement) -> Period | None:
    """The newest period of the movement's entry kind open for entry
    (`movements.selectors.open_periods`), or None. One query."""
    return next((p for p in open_periods() if p.kind == movement.period_kind), None)


def movement_periods(*, movement: Movement) -> list[Period]:
    """Every period of the movement's entry kind, newest first. One query."""
    return list(Period.objects.filter(kind=movement.period_kind).order_by("-year", "-number"))


@dataclass(frozen=True)
class ProgressCounts:
    """Units due to report in `period`, by peer group ('district', 'branch', …, and 'all'):
    {group: {state: units}} for every state of PROGRESS_STATES, and {group: late units}
    (submitted after the deadline, or not submitted and the deadline passed)."""

    period: Period
    today: dt.date
    groups: list[str]
    counts: dict[str, dict[str, int]]
    late: dict[str, int]

    @property
    def total(self) -> dict[str, int]:
        return self.counts[ALL_GROUPS]

    @property
    def due(self) -> int:
        return sum(self.total.values())

    @property
    def not_reported(self) -> int:
        return sum(self.total[s] for s in NOT_REPORTED)

    @property
    def deadline_passed(self) -> bool:
        return self.period.deadline is not None and self.today > self.period.deadline


def progress_counts(
    *,
    movement: Movement,
    period: Period,
    scope: Scope,
    parent: Unit,
    today: dt.date | None = None,
) -> ProgressCounts:
    """How many of the visible units directly under `parent` that report in `period`
    (`Unit.reports_in`: they existed during it, for part of it too — a unit closed on 30/6 or
    created on 1/7 is due for that year) are in each state — no report yet, draft, returned,
    submitted, approved — and late, by peer group. Counted in SQL: two queries, whatever the
    number of units."""
    today = today or timezone.localdate()
    due = Unit.objects.filter(scope.visible(), parent=parent).existed_during(
        period.start_date, period.end_date
    )
    unit_rows = (
        due.annotate(grp=PeerGroup.of_kind_sql("kind")).values("grp").annotate(n=Count("pk"))
    )
    late_submission = Q(pk__in=[])
    if period.deadline is not None:
        late_submission = Q(
            status__in=[Report.Status.SUBMITTED, Report.Status.APPROVED],
            submitted_at__date__gt=period.deadline,
        )
    report_rows = (
        Report.objects.filter(movement=movement, period=period, unit__in=due)
        .annotate(grp=PeerGroup.of_kind_sql("unit__kind"))
        .values("grp", "status")
        .annotate(n=Count("pk"), late=Count("pk", filter=late_submission))
        .order_by()
    )
    due_by_group = {row["grp"]: row["n"] for row in unit_rows.order_by()}
    groups = sorted(due_by_group, key=PeerGroup.position)
    counts = {g: dict.fromkeys(PROGRESS_STATES, 0) for g in [*groups, ALL_GROUPS]}
    late = dict.fromkeys([*groups, ALL_GROUPS], 0)
    deadline_passed = period.deadline is not None and today > period.deadline
    for row in report_rows:
        for group in (row["grp"], ALL_GROUPS):
            counts[group][row["status"]] += row["n"]
            late[group] += row["late"]
    for group in groups:
        filed = sum(counts[group].values())
        counts[group]["missing"] = due_by_group[group] - filed
        counts[ALL_GROUPS]["missing"] += counts[group]["missing"]
        if deadline_passed:
            pending = sum(counts[group][s] for s in NOT_REPORTED)
            late[group] += pending
            late[ALL_GROUPS] += pending
    return ProgressCounts(period=period, today=today, groups=groups, counts=counts, late=late)


@dataclass(frozen=True)
class ProgressRow:
    """One unit due to report in `period`: the status of its report (None without one), when
    it was submitted, whether it is late (None when the period has no deadline), and whether
    units lie under it (a link down)."""

    unit: Unit
    period: Period
    status: str | None
    submitted_at: dt.datetime | None
    today: dt.date
    has_children: bool = False

    @property
    def state(self) -> str:
        return self.status or "missing"

    @property
    def submitted_on(self) -> dt.date | None:
        if self.state in NOT_REPORTED or self.submitted_at is None:
            return None
        return timezone.localtime(self.submitted_at).date()

    @property
    def late(self) -> bool | None:
        deadline = self.period.deadline
        if deadline is None:
            return None
        if self.state in NOT_REPORTED:
            return self.today > deadline
        return self.submitted_on is not None and self.submitted_on > deadline


@dataclass(frozen=True)
class ProgressRows:
    rows: list[ProgressRow]
    page: Page


def progress_rows(
    *,
    movement: Movement,
    period: Period,
    scope: Scope,
    parent: Unit,
    states: tuple[str, ...] = PROGRESS_STATES,
    page: int | str = 1,
    today: dt.date | None = None,
) -> ProgressRows:
    """The visible units directly under `parent` that report in `period`, in report order,
    whose state is one of `states`: page `page` of PAGE_SIZE, each with its report's status and
    submission. Two queries (the count and the page), whatever the number of units."""
    today = today or timezone.localdate()
    own = Report.objects.filter(movement=movement, period=period, unit=OuterRef("pk"))
    units = (
        _children(scope=scope, parent=parent)
        .filter(existed_during_q(period.start_date, period.end_date))
        .annotate(
            status=Subquery(own.values("status")[:1]),
            submitted_at=Subquery(own.values("submitted_at")[:1]),
        )
    )
    wanted = Q(status__in=[s for s in states if s != "missing"])
    if "missing" in states:
        wanted |= Q(status__isnull=True)
    chosen = Paginator(units.filter(wanted), PAGE_SIZE).get_page(page)
    rows = [
        ProgressRow(
            unit=u,
            period=period,
            status=u.status,
            submitted_at=u.submitted_at,
            today=today,
            has_children=u.has_children,
        )
        for u in chosen.object_list
    ]
    return ProgressRows(rows=rows, page=chosen)
