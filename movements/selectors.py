"""Reads behind the entry and review pages, and the one access decision of a report
(`report_access`) that views, templates and services ask. Access comes from the QuerySets in
models.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .formatting import format_shown
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
from .rules import values_check

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


def movement_years(*, movement: Movement) -> list[int]:
    """Every year that has a period of the movement's entry kind, with the years of its first
    stage (the default view), ascending: the years a page or a báo cáo may show. One query."""
    years = set(
        Period.objects.filter(kind=movement.period_kind).values_list("year", flat=True).distinct()
    )
    return sorted(years | set(range(movement.start_year, movement.end_year + 1)))


def movement_stages(*, movement: Movement, years: list[int]) -> list[tuple[str, int, int]]:
    """(name, first year, last year) of each stage of the movement that has some of `years`,
    its years narrowed to them (2014–2018 is 2014–2014 while only 2014 has a period). One
    query."""
    out = []
    for stage in movement.stages.all():
        inside = [y for y in years if stage.first_year <= y <= stage.last_year]
        if inside:
            out.append((stage.name, inside[0], inside[-1]))
    return out


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
        return unit_reviewed_by(user=self.user, unit=self.unit)

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


def unit_reviewed_by(*, user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    """Whether `user` reviews `unit`: approves, returns and reopens its reports, and edits its
    báo cáo (a reviewer of its subtree, or a superuser). One query."""
    return Unit.objects.reviewable_by(user).filter(pk=unit.pk).exists()


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
    # Someone other than the signed-in user changed the figures last: who and when.
    changed_by: str = ""
    changed_at: dt.datetime | None = None

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
    last RECENT_PERIODS years. With `pending_only`, only the reports that can still be
    edited (drafts, returned) and those of open periods, without who last changed them:
    what `todo_for` needs, without reading a unit's whole history. Four queries (units, reports,
    open periods, movements) whatever the number of units or periods.
    """
    units = list(Unit.objects.editable_by(user).in_official_order())
    if not units:
        return []
    last_change = Value.history.filter(report_id=OuterRef("pk")).order_by(
        "-history_date", "-history_id"
    )
    mine = Report.objects.filter(unit__in=units)
    if pending_only:
        mine = mine.filter(Q(status__in=Report.Status.EDITABLE) | Q(period__open_for_entry=True))
    if not pending_only:  # who last changed the figures, for the entry list's notice
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
            }
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
        if report is not None and getattr(report, "figures_by", None) not in (None, user.pk):
            full_name = f"{report.figures_first_name} {report.figures_last_name}".strip()
            row.changed_by = full_name or report.figures_username
            row.changed_at = report.figures_at
    return sorted(
        rows.values(),
        key=lambda r: (-r.period.year, r.period.kind, -r.period.number, r.unit.official_key),
    )


def has_demo_data() -> bool:
    """Whether the database holds demo reports, which every page and export must say. One
    query."""
    return Report.objects.filter(is_demo=True).exists()


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


@dataclass(frozen=True)
class Menu:
    """The pages of the header that `user` may use, from the access rules: the dashboards and
    báo cáo (units they read), entry (units they are secretary of), review (units they
    review)."""

    reads: bool = False
    enters: bool = False
    reviews: bool = False


def menu_for(*, user: AbstractBaseUser | AnonymousUser) -> Menu:
    """The header's menu for `user`. One query (none for an anonymous user): the user's roles
    decide it, as they decide `Unit.objects.visible_to` (every membership's unit lies in its
    own subtree), `editable_by` (a secretary's units) and `reviewable_by` (a reviewer's
    subtrees, or everything for a superuser)."""
    if not (user.is_authenticated and user.is_active):
        return Menu()
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True).distinct())
    return Menu(
        reads=user.is_superuser or bool(roles),
        enters=Membership.Role.SECRETARY in roles,
        reviews=user.is_superuser or Membership.Role.REVIEWER in roles,
    )


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


def review_queue(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Report]:
    """Submitted reports of the reviewer's subtrees, oldest submission first (then in the
    units' order; a stable order, for pages of the queue)."""
    return (
        Report.objects.reviewable_by(user)
        .awaiting_review()
        .select_related("unit", "period", "movement", "submitted_by")
        .order_by("submitted_at", "unit__sort_order", "pk")
    )


def review_flags(*, reports: list[Report]) -> dict[int, list[str]]:
    """{report id: warnings} for reports whose values look implausible (the rules of the
    entry form: bounds, the unit's previous period, its members), so that a reviewer sees
    them before approving. One query for the values, one for the indicators of each
    movement and two for the previous values of each period among `reports`."""
    if not reports:
        return {}
    current: dict[int, dict[str, int]] = {r.pk: {} for r in reports}
    for report_id, code, value in Value.objects.filter(report__in=reports).values_list(
        "report_id", "indicator__code", "value"
    ):
        current[report_id][code] = value
    indicators: dict[int, list[Indicator]] = {}
    previous: dict[tuple[int, int], dict[int, dict[str, int]]] = {}
    flags: dict[int, list[str]] = {}
    for report in reports:
        if report.movement_id not in indicators:
            indicators[report.movement_id] = entry_indicators(movement=report.movement)
        key = (report.period_id, report.movement_id)
        if key not in previous:
            same = [r.unit for r in reports if (r.period_id, r.movement_id) == key]
            previous[key] = previous_values_by_unit(
                units=same, period=report.period, movement=report.movement
            )
        _errors, warnings = values_check(
            indicators[report.movement_id], current[report.pk], previous[key][report.unit_id]
        )
        if warnings:
            flags[report.pk] = [m for messages in warnings.values() for m in messages]
    return flags


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
    # who and why as stored, to tell one save from another
    user_id: int | None = None
    stored_reason: str = ""


def _user_name(user, reason: str | None = None) -> str:
    if user is None:
        if reason == ChangeReason.DEMO:
            return _("trình nạp dữ liệu minh hoạ")
        return _("hệ thống")
    return user.get_full_name() or user.username


def _same_save(entry: HistoryEntry | None, row) -> bool:
    """Whether a value's history row was written by the save that `entry` (a report history
    row at or after it) closes: same user, and both demo data or neither. The demo loader
    writes its values after its report rows, so that the next report row may be a user's
    later save, which must not take them over."""
    return (
        entry is not None
        and entry.user_id == row.history_user_id
        and (entry.stored_reason == ChangeReason.DEMO)
        == (row.history_change_reason == ChangeReason.DEMO)
    )


def shown_reason(reason: str | None) -> str:
    """A stored change reason in the active language; the reviewer's own words stay as typed."""
    return ChangeReason.shown(reason)


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
        entry = HistoryEntry(
            row.history_date,
            _user_name(row.history_user, row.history_change_reason),
            shown_reason(row.history_change_reason),
            user_id=row.history_user_id,
            stored_reason=row.history_change_reason or "",
        )
        for name, title in REPORT_FIELDS:
            old = getattr(previous, name) if previous is not None else ""
            new = getattr(row, name)
            if old != new and (previous is not None or new):
                if name == "status":
                    old, new = status_labels.get(old, old), status_labels.get(new, new)
                entry.changes.append(
                    Change(title, format_shown(old or None), format_shown(new or None))
                )
        entries.append(entry)
        previous = row
    report_entries = list(entries)
    own: dict[tuple, HistoryEntry] = {}
    last: dict[int, int | None] = {}
    for row in value_rows:
        if row.history_type == "-":  # the row keeps the deleted value
            old, new = last.get(row.indicator_id, row.value), None
        else:
            old, new = last.get(row.indicator_id), row.value
        last[row.indicator_id] = new
        if old == new:
            continue
        change = Change(labels.get(row.indicator_id, "?"), format_shown(old), format_shown(new))
        # The save's report row comes last in the same transaction: attach to the first report
        # entry at or after this value row when it is the same save; otherwise the values are
        # an entry of their own (one per such run of rows).
        closing = next((e for e in report_entries if e.when >= row.history_date), None)
        if _same_save(closing, row):
            closing.changes.append(change)
            continue
        key = (id(closing), row.history_user_id, row.history_change_reason)
        if key not in own:
            own[key] = HistoryEntry(
                row.history_date,
                _user_name(row.history_user, row.history_change_reason),
                shown_reason(row.history_change_reason),
                user_id=row.history_user_id,
                stored_reason=row.history_change_reason or "",
            )
            entries.append(own[key])
        own[key].changes.append(change)
    entries = [e for e in entries if e.changes or e.reason]
    return sorted(entries, key=lambda e: e.when, reverse=True)


def _anchor(report: Report, version: int):
    """The report's history row that closes `version` (its last one), or None."""
    if not version:
        return None
    return (
        Report.history.filter(id=report.pk, version=version)
        .order_by("-history_date", "-history_id")
        .first()
    )


def _values_as_of(report: Report, anchor) -> dict[int, int]:
    """{indicator id: value} of the report when the history row `anchor` was written."""
    return {
        v.indicator_id: v.value
        for v in Value.history.as_of(anchor.history_date).filter(report_id=report.pk)
    }


@dataclass(frozen=True)
class ReportState:
    """A report's figures and notes at one moment: values by indicator code, and the notes."""

    values: dict[str, int]
    highlights: str = ""
    shortcomings: str = ""

    def as_fields(self) -> dict[str, int | str | None]:
        """Values by code with the notes under "highlights" and "shortcomings" (a merge's
        fields)."""
        return {**self.values, "highlights": self.highlights, "shortcomings": self.shortcomings}


def report_state(*, report: Report) -> ReportState:
    """The report's figures and notes as stored now."""
    return ReportState(report_values(report=report), report.highlights, report.shortcomings)


def report_state_at(*, report: Report, version: int) -> ReportState | None:
    """The report's figures and notes as they were at `version` (empty at version 0, before
    anything was saved); None when the history holds no such version."""
    if not version:
        return ReportState({})
    anchor = _anchor(report, version)
    if anchor is None:
        return None
    codes = dict(Indicator.objects.filter(movement_id=report.movement_id).values_list("pk", "code"))
    values = {codes[i]: v for i, v in _values_as_of(report, anchor).items() if i in codes}
    return ReportState(values, anchor.highlights, anchor.shortcomings)


def report_changes_since(*, report: Report, version: int) -> list[Change]:
    """What changed in the report since it was at `version`: old (at that version) → new (now).

    Uses the history: the state at `version` is the last history row of that version.
    """
    anchor = _anchor(report, version)
    if anchor is None:
        return []
    then = _values_as_of(report, anchor)
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
                    format_shown(then.get(indicator_id)),
                    format_shown(now.get(indicator_id)),
                )
            )
    status_labels = dict(Report.Status.choices)
    for name, title in REPORT_FIELDS:
        old, new = getattr(anchor, name), getattr(report, name)
        if old != new:
            if name == "status":
                old, new = status_labels.get(old, old), status_labels.get(new, new)
            changes.append(Change(title, format_shown(old or None), format_shown(new or None)))
    return changes


def figures_changed_by_other(
    *, report: Report | None, user: AbstractBaseUser | AnonymousUser
) -> HistoryEntry | None:
    """The last change of the report's figures when someone other than `user` made it (not
    the demo loader): who, when, why. None otherwise. One query."""
    if report is None:
        return None
    row = (
        Value.history.filter(report_id=report.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    if row is None or row.history_user_id in (None, user.pk):
        return None
    return HistoryEntry(
        row.history_date,
        _user_name(row.history_user),
        shown_reason(row.history_change_reason),
        user_id=row.history_user_id,
    )


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
        row.history_date,
        _user_name(row.history_user, row.history_change_reason),
        shown_reason(row.history_change_reason),
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


def report_versions(*, movement: Movement, period: Period, units: list[Unit]) -> dict[str, int]:
    """{unit code: version of its report} for `units` (0 for a report not started). One query."""
    versions = dict(
        Report.objects.filter(movement=movement, period=period, unit__in=units).values_list(
            "unit__code", "version"
        )
    )
    return {u.code: versions.get(u.code, 0) for u in units}


def reporting_units(*, user: AbstractBaseUser | AnonymousUser, period: Period) -> list[Unit]:
    """Units of the reviewer's subtrees that report in `period` (the provincial workbook)."""
    return [
        u
        for u in Unit.objects.reviewable_by(user)
        .exclude(kind=Unit.Kind.PROVINCE)
        .in_official_order()
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
