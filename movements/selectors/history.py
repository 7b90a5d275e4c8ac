"""A report's history: every change, who made it and why; and the report's state, now or at a
version, and what changed between two states (for the entry form's conflict check)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..formatting import format_shown
from ..models import ChangeReason, Indicator, Report, Value
from .entry import report_values

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

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
    """A report's figures and notes at one moment: values by indicator code, the notes, and
    the status and reason shown with them (empty before the report was started)."""

    values: dict[str, int]
    highlights: str = ""
    shortcomings: str = ""
    status: str = ""
    return_reason: str = ""

    def as_fields(self) -> dict[str, int | str | None]:
        """Values by code with the notes under "highlights" and "shortcomings" (a merge's
        fields)."""
        return {**self.values, "highlights": self.highlights, "shortcomings": self.shortcomings}


def report_state(*, report: Report | None) -> ReportState:
    """The report's figures and notes as stored now (an empty state when there is none)."""
    if report is None or report.pk is None:
        return ReportState({})
    return ReportState(
        report_values(report=report),
        report.highlights,
        report.shortcomings,
        report.status,
        report.return_reason,
    )


def report_state_at(*, report: Report, version: int) -> ReportState | None:
    """The report's figures and notes as its history holds them at `version` (empty at
    version 0, before anything was saved); None when the history holds no such version.

    Only as good as the history: figures written without it (the demo loaders, a direct
    update) are missing, so a form's conflict takes the state the form was loaded with."""
    if not version:
        return ReportState({})
    anchor = _anchor(report, version)
    if anchor is None:
        return None
    codes = dict(Indicator.objects.filter(movement_id=report.movement_id).values_list("pk", "code"))
    values = {codes[i]: v for i, v in _values_as_of(report, anchor).items() if i in codes}
    return ReportState(
        values, anchor.highlights, anchor.shortcomings, anchor.status, anchor.return_reason
    )


def report_changes(*, report: Report, before: ReportState, after: ReportState) -> list[Change]:
    """What changed in the report from `before` to `after`: old → new, figures in form order,
    then the notes, the status and the reason (the status only when `before` had one: a report
    started in between is not a change of status). One query."""
    labels = dict(
        Indicator.objects.filter(movement_id=report.movement_id).values_list("code", "short_name")
    )
    order = {code: position for position, code in enumerate(labels)}
    changes = []
    for code in sorted(set(before.values) | set(after.values), key=lambda c: order.get(c, 0)):
        old, new = before.values.get(code), after.values.get(code)
        if old != new:
            changes.append(Change(labels.get(code, "?"), format_shown(old), format_shown(new)))
    status_labels = dict(Report.Status.choices)
    for name, title in REPORT_FIELDS:
        old, new = getattr(before, name), getattr(after, name)
        if old == new or (name == "status" and not old):
            continue
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
