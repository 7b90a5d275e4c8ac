"""Reads behind the entry pages: a secretary's reports due or recent, what they still have to do,
and a report's values and the previous period's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from ..models import Movement, Period, Report, ReportFlag, Unit, Value
from .movement import previous_period

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass
class EntryRow:
    unit: Unit
    period: Period
    movement: Movement
    report: Report | None
    # Someone other than the signed-in user changed the figures last: who and when.
    changed_by: str = ""
    changed_at: dt.datetime | None = None
    # When the report or its figures last changed, as their history says (entry_rows).
    last_changed_at: dt.datetime | None = None

    @property
    def status_label(self) -> str:
        return self.report.get_status_display() if self.report else _("Chưa bắt đầu")

    @property
    def status(self) -> str:
        return self.report.status if self.report else "new"

    @property
    def is_editable(self) -> bool:
        """Whether the unit may still enter figures (Report.is_editable)."""
        report = self.report or Report(unit=self.unit, period=self.period, movement=self.movement)
        return report.is_editable

    @property
    def overdue(self) -> bool:
        deadline = self.period.deadline
        return bool(deadline and self.is_editable and deadline < dt.date.today())


RECENT_PERIODS = 3


def entry_rows(
    *, user: AbstractBaseUser | AnonymousUser, pending_only: bool = False
) -> list[EntryRow]:
    """The signed-in secretary's reports that are due or recent, newest period first.

    For each unit the user is secretary of: every period open for entry (a row even when the
    report is not started), every report not yet approved, and the approved reports of the
    last RECENT_PERIODS years; each report's `follow_ups`: how many of its figures a reviewer
    marked for the unit to look at again. With `pending_only`, only the reports that can still be
    edited (drafts, returned) and those of open periods, without who last changed them:
    what `todo_for` needs, without reading a unit's whole history. Four queries (units, reports,
    open periods, movements) whatever the number of units or periods.

    `last_changed_at`: the latest change in the history of the report (status, notes) or of its
    figures, not `updated_at`, which any save touches (a reload of the demo data, a rebuild):
    an approved 2013 report reads "last changed" on its approval day. `updated_at` only when
    the report has no history.
    """
    units = list(Unit.objects.editable_by(user).in_official_order())
    if not units:
        return []
    last_change = Value.history.filter(report_id=OuterRef("pk")).order_by(
        "-history_date", "-history_id"
    )
    # The figures a reviewer marked for the unit to look at again (ReportFlag.follow_up).
    follow_ups = (
        ReportFlag.objects.filter(report=OuterRef("pk"), follow_up=True)
        .order_by()
        .values("report")
        .annotate(n=Count("pk"))
        .values("n")
    )
    mine = Report.objects.filter(unit__in=units).annotate(
        follow_ups=Coalesce(Subquery(follow_ups), 0)
    )
    if pending_only:
        mine = mine.filter(Q(status__in=Report.Status.EDITABLE) | Q(period__open_for_entry=True))
    if not pending_only:  # who last changed the figures, for the entry list's notice
        own_change = Report.history.filter(id=OuterRef("pk")).order_by(
            "-history_date", "-history_id"
        )
        mine = mine.annotate(
            **{
                f"figures_{name}": Subquery(last_change.values(field)[:1])
                for name, field in [
                    ("by", "history_user_id"),
                    ("username", "history_user__username"),
                    ("first_name", "history_user__first_name"),
                    ("last_name", "history_user__last_name"),
                    ("at", "history_date"),
                ]
            },
            report_changed_at=Subquery(own_change.values("history_date")[:1]),
        )
    reports = list(
        mine.select_related("unit", "period", "movement").order_by(
            "-period__year", "-period__kind", "-period__number", "unit__sort_order"
        )
    )
    open_periods = list(Period.objects.filter(open_for_entry=True))
    movements = list(Movement.objects.all())
    latest_year = max([p.year for p in open_periods] + [r.period.year for r in reports] or [0])
    by_key = {(r.unit_id, r.period_id, r.movement_id): r for r in reports}
    rows: dict[tuple[int, int, int], EntryRow] = {}
    for period in open_periods:
        for movement in movements:
            if movement.period_kind != period.kind:
                continue
            for unit in units:
                if unit.reports_in(period):
                    key = (unit.pk, period.pk, movement.pk)
                    rows[key] = EntryRow(unit, period, movement, by_key.get(key))
    for report in reports:
        key = (report.unit_id, report.period_id, report.movement_id)
        recent = report.period.year > latest_year - RECENT_PERIODS
        if key not in rows and (not report.is_locked or recent):
            rows[key] = EntryRow(report.unit, report.period, report.movement, report)
    for row in rows.values():
        report = row.report
        if report is not None and not pending_only:
            changes = [report.report_changed_at, report.figures_at]
            row.last_changed_at = max((c for c in changes if c), default=report.updated_at)
        if report is not None and getattr(report, "figures_by", None) not in (None, user.pk):
            full_name = f"{report.figures_first_name} {report.figures_last_name}".strip()
            row.changed_by = full_name or report.figures_username
            row.changed_at = report.figures_at
    return sorted(
        rows.values(),
        key=lambda r: (-r.period.year, r.period.kind, -r.period.number, r.unit.official_key),
    )


@dataclass(frozen=True)
class Todo:
    """The reports a secretary still has to do, by urgency: returned to them for changes, late
    (the deadline passed) and due (the period is open)."""

    returned: list[EntryRow]
    late: list[EntryRow]
    due: list[EntryRow]

    def __bool__(self) -> bool:
        return bool(self.returned or self.late or self.due)


def todo_for(*, user: AbstractBaseUser | AnonymousUser) -> Todo:
    """What `user` must still enter or correct: the reports of entry_rows they may still edit.
    The queries of entry_rows (one for a user who is secretary of no unit)."""
    rows = [row for row in entry_rows(user=user, pending_only=True) if row.is_editable]
    returned = [row for row in rows if row.report is not None and row.report.is_returned]
    late = [row for row in rows if row.overdue and row not in returned]
    due = [row for row in rows if row not in returned and row not in late]
    return Todo(returned=returned, late=late, due=due)


def report_values(*, report: Report | None) -> dict[str, int]:
    """{indicator code: value} of a report (empty when there is no report)."""
    if report is None or report.pk is None:
        return {}
    return dict(Value.objects.filter(report=report).values_list("indicator__code", "value"))


def previous_values(*, unit: Unit, period: Period, movement: Movement) -> dict[str, int]:
    """{indicator code: value} of the unit's report for the previous period, any status."""
    return previous_values_by_unit(units=[unit], period=period, movement=movement)[unit.pk]


def previous_values_by_unit(
    *, units: Iterable[Unit], period: Period, movement: Movement
) -> dict[int, dict[str, int]]:
    """{unit id: {indicator code: value}} of the units' reports for the period before
    `period`, any status (an empty dict for a unit without one). Two queries."""
    units = list(units)
    out: dict[int, dict[str, int]] = {u.pk: {} for u in units}
    before = previous_period(period=period)
    if before is None:
        return out
    for unit_id, code, value in Value.objects.filter(
        report__unit__in=units, report__period=before, report__movement=movement
    ).values_list("report__unit_id", "indicator__code", "value"):
        out[unit_id][code] = value
    return out
