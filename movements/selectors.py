"""Reads behind the entry and review pages, and the one access decision of a report
(`report_access`) that views, templates and services ask. Access comes from the QuerySets in
models.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import Exists, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .formatting import format_number
from .models import (
    DEFAULT_MOVEMENT,
    ChangeReason,
    Indicator,
    IndicatorGroup,
    Membership,
    Movement,
    Period,
    Report,
    Unit,
    Value,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def indicators_by_group(
    indicators: Iterable[Indicator],
) -> list[tuple[IndicatorGroup, list[Indicator]]]:
    """[(group, [indicator, …])] in the order the indicators come (report order when they come
    ordered by group and order); each group once."""
    groups: dict[int, tuple[IndicatorGroup, list[Indicator]]] = {}
    for indicator in indicators:
        groups.setdefault(indicator.group_id, (indicator.group, []))[1].append(indicator)
    return list(groups.values())


def entry_indicators(*, movement: Movement) -> list[Indicator]:
    """The indicators a unit enters for `movement` (ratios are computed), in report order."""
    return list(
        Indicator.objects.stored()
        .filter(movement=movement)
        .select_related("group")
        .order_by("group__order", "order")
    )


def movement_for_period(*, period: Period, code: str | None = None) -> Movement | None:
    """The movement entered in `period`: the one named by `code`, else the only movement whose
    entry period kind matches (None when there is no such movement or it is ambiguous)."""
    movements = Movement.objects.filter(period_kind=period.kind)
    if code:
        return movements.filter(code=code).first()
    found = list(movements[:2])
    return found[0] if len(found) == 1 else None


def period_from_code(*, code: str) -> Period | None:
    """The period a code names ('2014', '2014-H1', '2014-Q3'), or None."""
    parsed = Period.parse_code(code)
    if parsed is None:
        return None
    kind, year, number = parsed
    return Period.objects.filter(kind=kind, year=year, number=number).first()


def previous_period(*, period: Period) -> Period | None:
    """The period of the same kind just before `period` (2013 before 2014, 2013-H2 before
    2014-H1), or None when it does not exist."""
    kind, year, number = period.kind, period.year, period.number
    if kind == Period.Kind.YEAR:
        year -= 1
    elif number > 1:
        number -= 1
    else:
        year -= 1
        number = 2 if kind == Period.Kind.HALF else 4
    return Period.objects.filter(kind=kind, year=year, number=number).first()


# --- access ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportAccess:
    """What `user` may do with `unit`'s report of `period` for `movement`: the one access
    decision that the entry views, their templates and the services ask. `report` is None while
    the report is not started. Each permission asks the access QuerySets of models.py when it is
    first read, and only then."""

    user: AbstractBaseUser | AnonymousUser
    unit: Unit
    period: Period
    movement: Movement
    report: Report | None

    @classmethod
    def of(cls, *, user: AbstractBaseUser | AnonymousUser, report: Report) -> ReportAccess:
        """The access to a report already at hand (the services)."""
        return cls(user, report.unit, report.period, report.movement, report)

    @cached_property
    def can_view(self) -> bool:
        """The unit is in the user's subtrees: its report, history and file may be read."""
        return Unit.objects.visible_to(self.user).filter(pk=self.unit.pk).exists()

    @cached_property
    def is_secretary(self) -> bool:
        """The user enters the unit's figures (secretary of exactly this unit)."""
        return Unit.objects.editable_by(self.user).filter(pk=self.unit.pk).exists()

    @cached_property
    def is_reviewer(self) -> bool:
        """The user reviews the unit's reports (a reviewer of its subtree)."""
        return Unit.objects.reviewable_by(self.user).filter(pk=self.unit.pk).exists()

    @cached_property
    def is_provincial_reviewer(self) -> bool:
        """The user reviews a root unit: provincial staff, who reopen approved reports."""
        return Unit.objects.reviewable_by(self.user).filter(parent__isnull=True).exists()

    @property
    def version(self) -> int:
        """The report's version as a form loads it (0 for a report not started)."""
        return self.report.version if self.report is not None else 0

    @property
    def why_not_editable(self) -> str:
        """Why the user may not change the figures now, for the user; "" when they may."""
        if not self.is_secretary:
            return _("Chỉ bí thư (văn phòng) của đơn vị mới nhập số liệu.")
        report = self.report or Report(unit=self.unit, period=self.period, movement=self.movement)
        return report.edit_refusal()

    @property
    def can_edit(self) -> bool:
        """The unit's secretary, on a report whose figures may change (Report.is_editable)."""
        return not self.why_not_editable

    @property
    def can_review(self) -> bool:
        """A reviewer of the unit, once the report exists (approve or return it when it is
        submitted; the services refuse any other status with a message)."""
        return self.report is not None and self.is_reviewer

    @property
    def can_reopen(self) -> bool:
        """A provincial reviewer of the unit's report (reopen it when it is approved)."""
        return self.can_review and self.is_provincial_reviewer


def report_access(
    *, user: AbstractBaseUser | AnonymousUser, unit: Unit, period: Period, movement: Movement
) -> ReportAccess:
    """What `user` may do with `unit`'s report of `period` for `movement`, with the report (or
    None when it is not started). One query here; the permissions ask when they are read."""
    report = (
        Report.objects.filter(unit=unit, period=period, movement=movement)
        .select_related("unit", "period", "movement", "submitted_by", "approved_by", "returned_by")
        .first()
    )
    return ReportAccess(user, unit, period, movement, report)


def user_is_reviewer(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether `user` reviews the reports of any unit (the review page, provincial workbooks)."""
    return Unit.objects.reviewable_by(user).exists()


# --- entry ---------------------------------------------------------------------------------------


@dataclass
class EntryRow:
    unit: Unit
    period: Period
    movement: Movement
    report: Report | None

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


def entry_rows(*, user: AbstractBaseUser | AnonymousUser) -> list[EntryRow]:
    """The signed-in secretary's reports that are due or recent, newest period first.

    For each unit the user is secretary of: every period open for entry (a row even when the
    report is not started), every report not yet approved, and the approved reports of the
    last RECENT_PERIODS years. Three queries whatever the number of units or periods.
    """
    units = list(Unit.objects.editable_by(user).order_by("sort_order", "name"))
    if not units:
        return []
    reports = list(
        Report.objects.filter(unit__in=units)
        .select_related("unit", "period", "movement")
        .order_by("-period__year", "-period__kind", "-period__number", "unit__sort_order")
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
    return sorted(
        rows.values(),
        key=lambda r: (-r.period.year, r.period.kind, -r.period.number, r.unit.sort_order),
    )


def report_values(*, report: Report | None) -> dict[str, int]:
    """{indicator code: value} of a report (empty when there is no report)."""
    if report is None or report.pk is None:
        return {}
    return dict(Value.objects.filter(report=report).values_list("indicator__code", "value"))


def previous_values(*, unit: Unit, period: Period, movement: Movement) -> dict[str, int]:
    """{indicator code: value} of the unit's report for the previous period, any status."""
    before = previous_period(period=period)
    if before is None:
        return {}
    return dict(
        Value.objects.filter(
            report__unit=unit, report__period=before, report__movement=movement
        ).values_list("indicator__code", "value")
    )


def review_queue(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Report]:
    """Submitted reports of the reviewer's subtrees, oldest submission first."""
    return (
        Report.objects.reviewable_by(user)
        .awaiting_review()
        .select_related("unit", "period", "movement", "submitted_by")
        .order_by("submitted_at", "unit__sort_order")
    )


# --- history -----------------------------------------------------------------------------------

REPORT_FIELDS = [
    ("status", gettext_lazy("Trạng thái")),
    ("highlights", gettext_lazy("Kết quả nổi bật")),
    ("shortcomings", gettext_lazy("Hạn chế, tồn tại")),
    ("return_reason", gettext_lazy("Lý do trả lại / mở lại")),
]


@dataclass
class Change:
    what: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def _user_name(user) -> str:
    if user is None:
        return _("hệ thống")
    return user.get_full_name() or user.username


def shown_reason(reason: str | None) -> str:
    """A stored change reason in the active language; the reviewer's own words stay as typed."""
    return ChangeReason.shown(reason)


def _shown(value) -> str:
    if value is None:
        return _("(trống)")
    if isinstance(value, int):
        return format_number(value)
    return str(value) or _("(trống)")


def report_history(*, report: Report) -> list[HistoryEntry]:
    """Every change of the report and its values, newest first: who, when, old → new, reason.

    Value changes made in the same save are grouped under that save's report entry. Three
    queries whatever the length of the history.
    """
    status_labels = dict(Report.Status.choices)
    report_rows = list(
        Report.history.filter(id=report.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    value_rows = list(
        Value.history.filter(report_id=report.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    labels = dict(
        Indicator.objects.filter(movement_id=report.movement_id).values_list("pk", "short_name")
    )
    entries: list[HistoryEntry] = []
    previous = None
    for row in report_rows:
        entry = HistoryEntry(row.history_date, _user_name(row.history_user), "")
        entry.reason = shown_reason(row.history_change_reason)
        for name, title in REPORT_FIELDS:
            old = getattr(previous, name) if previous is not None else ""
            new = getattr(row, name)
            if old != new and (previous is not None or new):
                if name == "status":
                    old, new = status_labels.get(old, old), status_labels.get(new, new)
                entry.changes.append(Change(title, _shown(old or None), _shown(new or None)))
        entries.append(entry)
        previous = row
    last: dict[int, int | None] = {}
    for row in value_rows:
        if row.history_type == "-":  # the row keeps the deleted value
            old, new = last.get(row.indicator_id, row.value), None
        else:
            old, new = last.get(row.indicator_id), row.value
        last[row.indicator_id] = new
        if old == new:
            continue
        change = Change(labels.get(row.indicator_id, "?"), _shown(old), _shown(new))
        # The save's report row comes last in the same transaction: attach to the first report
        # entry at or after this value row.
        target = next((e for e in entries if e.when >= row.history_date), None)
        if target is None:
            target = HistoryEntry(
                row.history_date,
                _user_name(row.history_user),
                shown_reason(row.history_change_reason),
            )
            entries.append(target)
        target.changes.append(change)
    entries = [e for e in entries if e.changes or e.reason]
    return sorted(entries, key=lambda e: e.when, reverse=True)


def report_changes_since(*, report: Report, version: int) -> list[Change]:
    """What changed in the report since it was at `version`: old (at that version) → new (now).

    Uses the history: the state at `version` is the last history row of that version.
    """
    anchor = (
        Report.history.filter(id=report.pk, version=version).order_by("-history_date").first()
        if version
        else None
    )
    if anchor is None:
        return []
    then = {
        v.indicator_id: v.value
        for v in Value.history.as_of(anchor.history_date).filter(report_id=report.pk)
    }
    now = dict(Value.objects.filter(report=report).values_list("indicator_id", "value"))
    labels = dict(
        Indicator.objects.filter(movement_id=report.movement_id).values_list("pk", "short_name")
    )
    changes = []
    for indicator_id in sorted(set(then) | set(now), key=lambda i: list(labels).index(i)):
        if then.get(indicator_id) != now.get(indicator_id):
            changes.append(
                Change(
                    labels.get(indicator_id, "?"),
                    _shown(then.get(indicator_id)),
                    _shown(now.get(indicator_id)),
                )
            )
    status_labels = dict(Report.Status.choices)
    for name, title in REPORT_FIELDS:
        old, new = getattr(anchor, name), getattr(report, name)
        if old != new:
            if name == "status":
                old, new = status_labels.get(old, old), status_labels.get(new, new)
            changes.append(Change(title, _shown(old or None), _shown(new or None)))
    return changes


def last_change(*, report: Report) -> HistoryEntry | None:
    """Who last saved the report, when, and why (None before any save)."""
    row = (
        Report.history.filter(id=report.pk)
        .select_related("history_user")
        .order_by("-history_date")
        .first()
    )
    if row is None:
        return None
    return HistoryEntry(
        row.history_date, _user_name(row.history_user), shown_reason(row.history_change_reason)
    )


# --- Excel ------------------------------------------------------------------------------------


@dataclass
class SheetRow:
    unit: Unit
    indicator: Indicator
    current: int | None
    previous: int | None


def workbook_rows(*, movement: Movement, period: Period, units: list[Unit]) -> list[SheetRow]:
    """One row per unit × entered indicator with the current and previous period's values.

    Four queries whatever the number of units.
    """
    indicators = entry_indicators(movement=movement)
    before = previous_period(period=period)
    wanted = Q(report__period=period)
    if before is not None:
        wanted |= Q(report__period=before)
    values: dict[tuple[int, int, int], int] = {}
    for unit_id, period_id, indicator_id, number in Value.objects.filter(
        wanted, report__movement=movement, report__unit__in=units
    ).values_list("report__unit_id", "report__period_id", "indicator_id", "value"):
        values[(unit_id, period_id, indicator_id)] = number
    return [
        SheetRow(
            unit,
            indicator,
            values.get((unit.pk, period.pk, indicator.pk)),
            values.get((unit.pk, before.pk, indicator.pk)) if before else None,
        )
        for unit in units
        for indicator in indicators
    ]


def reporting_units(*, user: AbstractBaseUser | AnonymousUser, period: Period) -> list[Unit]:
    """Units of the reviewer's subtrees that report in `period` (the provincial workbook)."""
    return [
        u
        for u in Unit.objects.reviewable_by(user)
        .exclude(kind=Unit.Kind.PROVINCE)
        .order_by("sort_order", "path")
        if u.reports_in(period)
    ]


def open_periods() -> list[Period]:
    """Periods open for entry, newest first."""
    return list(Period.objects.filter(open_for_entry=True).order_by("-year", "kind", "-number"))


def progress_period_for(user) -> Period | None:
    """The newest period of the default movement's entry kind open for entry, for a user who
    reads the province's reporting progress (a reviewer or viewer, or a superuser): the
    header's link to who has not reported yet. None for anyone else. One query (none for an
    anonymous user)."""
    if not (user.is_authenticated and user.is_active):
        return None
    periods = Period.objects.filter(
        open_for_entry=True,
        kind__in=Movement.objects.filter(code=DEFAULT_MOVEMENT).values("period_kind"),
    )
    if not user.is_superuser:
        periods = periods.filter(
            Exists(
                Membership.objects.filter(
                    user=user, role__in=[Membership.Role.REVIEWER, Membership.Role.VIEWER]
                )
            )
        )
    return periods.order_by("-year", "-number").first()
