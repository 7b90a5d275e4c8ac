"""Excel files applied through the same checks as the form: the plan (the preview of every
change and every problem by row) and its application, all or nothing, on confirmation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..models import ChangeReason, Indicator, IndicatorGroup, Movement, Period, Report, Unit, Value
from ..rules import blank_sections, values_check
from ..selectors import (
    entry_indicators,
    previous_values_by_unit,
    report_access,
    report_state_at,
)
from . import ServiceError
from .flags import report_flags_store
from .rollups import rollup_kept
from .workflow import _save_report, _write_values, start_report

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@dataclass
class ImportRow:
    """One figure read from a file: spreadsheet row, unit and indicator codes, the number."""

    row: int
    unit_code: str
    indicator_code: str
    value: int | None


@dataclass
class ImportChange:
    row: int
    unit: Unit
    indicator: Indicator
    old: int | None
    new: int | None
    # the stored value changed after the file was downloaded (the file's own value then)
    changed_since_download: int | None = None
    both_changed: bool = False


@dataclass
class ImportBlank:
    """A section of a submitted report that the file leaves with blank figures, not yet
    confirmed as "nothing to report" (see Report.blank_confirmed)."""

    unit: Unit
    section: IndicatorGroup
    indicators: list[Indicator]


@dataclass
class ImportPlan:
    changes: list[ImportChange]
    problems: list[tuple[int | None, str]]
    warnings: list[tuple[int | None, str]]
    versions: dict[str, int]  # unit code -> report version at preview time (0: no report)
    older: list[str] = field(default_factory=list)  # the file is older than these reports
    # blank sections of the submitted reports it changes, to confirm before applying
    blanks: list[ImportBlank] = field(default_factory=list)
    # unit code -> every blank section's code of its submitted report after the file
    blank_confirmed: dict[str, list[str]] = field(default_factory=dict)
    # unit code -> the report as read (locked when planned with lock=True); none for new ones
    reports: dict[str, Report] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems


def import_units(
    *, user: AbstractBaseUser, movement: Movement, period: Period, unit: Unit | None = None
) -> dict[str, Unit]:
    """The units a file may write, by code: the secretary's own `unit`, or, for a provincial
    workbook (`unit` None), every reporting unit of the reviewer's subtrees."""
    if unit is not None:
        access = report_access(user=user, unit=unit, period=period, movement=movement)
        if not access.is_secretary:
            raise ServiceError(_("Bạn không được nhập số liệu cho đơn vị này."))
        return {unit.code: unit}
    return {
        u.code: u
        for u in Unit.objects.reviewable_by(user).exclude(kind=Unit.Kind.PROVINCE)
        if u.reports_in(period)
    }


def import_plan(
    *,
    user: AbstractBaseUser,
    movement: Movement,
    period: Period,
    rows: list[ImportRow],
    unit: Unit | None = None,
    lock: bool = False,
    file_versions: dict[str, int] | None = None,
    downloaded_at: dt.datetime | None = None,
) -> ImportPlan:
    """What applying `rows` would change, and every problem by row (nothing is written).

    A secretary's file (`unit` given) writes draft or returned reports of that unit only; a
    provincial workbook writes any unapproved report of the reviewer's subtrees.
    `file_versions` (unit code → the report version the file was downloaded at) makes the
    plan three-way: a cell still holding the value of that version is not a change, even
    when the report has moved on since; each report newer than the file is named in `older`.
    """
    units = import_units(user=user, movement=movement, period=period, unit=unit)
    statuses = Report.Status.EDITABLE
    if unit is None:
        statuses |= Report.Status.REVIEWABLE
    indicators = entry_indicators(movement=movement)
    by_code = {i.code: i for i in indicators}
    all_codes = set(Indicator.objects.filter(movement=movement).values_list("code", flat=True))
    reports_qs = Report.objects.filter(
        movement=movement, period=period, unit__code__in=list(units)
    ).select_related("unit")
    if lock:
        reports_qs = reports_qs.select_for_update(of=("self",))
    reports = {r.unit.code: r for r in reports_qs}
    current: dict[str, dict[str, int]] = {code: {} for code in units}
    for unit_code, code, number in Value.objects.filter(
        report__in=list(reports.values())
    ).values_list("report__unit__code", "indicator__code", "value"):
        current[unit_code][code] = number

    problems: list[tuple[int | None, str]] = []
    warnings: list[tuple[int | None, str]] = []
    changes: list[ImportChange] = []
    blanks: list[ImportBlank] = []
    blank_confirmed: dict[str, list[str]] = {}
    seen: dict[tuple[str, str], int] = {}
    wanted: dict[str, dict[str, tuple[int, int | None]]] = {}
    for row in rows:
        key = (row.unit_code, row.indicator_code)
        if row.unit_code not in units:
            if unit is not None:
                problems.append(
                    (
                        row.row,
                        _("Dòng này thuộc đơn vị “%(code)s”, không phải %(unit)s.")
                        % {"code": row.unit_code, "unit": unit.name},
                    )
                )
            else:
                problems.append(
                    (
                        row.row,
                        _("Đơn vị “%(code)s” không có hoặc ngoài phạm vi của bạn.")
                        % {"code": row.unit_code},
                    )
                )
            continue
        if row.indicator_code not in by_code:
            if row.indicator_code in all_codes:
                problems.append(
                    (
                        row.row,
                        _("“%(code)s” là tỷ lệ tự tính, không nhập số liệu.")
                        % {"code": row.indicator_code},
                    )
                )
            else:
                problems.append(
                    (row.row, _("Không có chỉ tiêu mã “%(code)s”.") % {"code": row.indicator_code})
                )
            continue
        if key in seen:
            problems.append(
                (
                    row.row,
                    _("Chỉ tiêu này đã có ở dòng %(row)s; mỗi chỉ tiêu chỉ một dòng.")
                    % {"row": seen[key]},
                )
            )
            continue
        seen[key] = row.row
        wanted.setdefault(row.unit_code, {})[row.indicator_code] = (row.row, row.value)

    older: list[str] = []
    previous = previous_values_by_unit(
        units=[units[c] for c in wanted], period=period, movement=movement
    )
    for unit_code, entries in wanted.items():
        target = units[unit_code]
        old_values = current[unit_code]
        base = _base_values(
            reports.get(unit_code), (file_versions or {}).get(unit_code), downloaded_at, older
        )
        unit_changes = []
        for code, (row, value) in entries.items():
            stored = old_values.get(code)
            if stored == value or (base is not None and base.get(code) == value):
                continue  # unchanged, or not changed in the file since it was downloaded
            change = ImportChange(row, target, by_code[code], stored, value)
            if base is not None and base.get(code) != stored:
                change.changed_since_download = base.get(code)
                change.both_changed = True
            unit_changes.append(change)
        if not unit_changes:
            continue
        merged = dict(old_values)
        merged.update({c.indicator.code: c.new for c in unit_changes})
        first_row = min(c.row for c in unit_changes)
        report = reports.get(unit_code) or Report(unit=target, period=period, movement=movement)
        if refusal := report.edit_refusal(statuses):
            problems.append((first_row, refusal))
            continue
        errors, unusual = values_check(indicators, merged, previous[target.pk], unit=target)
        for code, messages in errors.items():
            row = entries.get(code, (first_row, None))[0]
            problems.extend((row, f"{target.short_name}: {m}") for m in messages)
        for code, messages in unusual.items():
            if code in entries:
                warnings.extend((entries[code][0], f"{target.short_name}: {m}") for m in messages)
        changes.extend(unit_changes)
        if report.is_reviewable:
            _blanks_to_confirm(report, indicators, merged, unit_changes, blanks, blank_confirmed)

    versions = {code: (reports[code].version if code in reports else 0) for code in units}
    problems.sort(key=lambda p: p[0] or 0)
    changes.sort(key=lambda c: c.row)
    return ImportPlan(
        changes,
        problems,
        warnings,
        versions,
        older=older,
        blanks=blanks,
        blank_confirmed=blank_confirmed,
        reports=reports,
    )


def _blanks_to_confirm(
    report: Report,
    indicators: list[Indicator],
    merged: dict[str, int | None],
    unit_changes: list[ImportChange],
    blanks: list[ImportBlank],
    blank_confirmed: dict[str, list[str]],
) -> None:
    """The blank sections of a submitted report as the file leaves it: each one its sender
    did not confirm, or where the file blanks a figure, is added to `blanks` (asked before
    applying); all of them to `blank_confirmed`, what the report keeps once applied."""
    cleared = {c.indicator.code for c in unit_changes if c.new is None}
    sections = blank_sections(indicators, merged)
    for group, blank in sections:
        if group.code not in report.blank_confirmed or cleared & {i.code for i in blank}:
            blanks.append(ImportBlank(report.unit, group, blank))
    blank_confirmed[report.unit.code] = [group.code for group, _blank in sections]


def _base_values(
    report: Report | None,
    file_version: int | None,
    downloaded_at: dt.datetime | None,
    older: list[str],
) -> dict[str, int] | None:
    """The report's values at the version a file was downloaded from, when the report has
    changed since (None otherwise: every difference is then a change); the notice that the
    file is older is added to `older`."""
    if report is None or file_version is None or file_version >= report.version:
        return None
    when = (
        formats.date_format(timezone.localtime(downloaded_at), "j/n/Y H:i")
        if downloaded_at is not None
        else "?"
    )
    older.append(
        _(
            "Tệp này cũ hơn báo cáo của %(unit)s: tệp tải về lúc %(when)s (phiên bản "
            "%(old)s), báo cáo đã được lưu lại sau đó (nay là phiên bản %(new)s). Các ô bạn "
            "không sửa trong tệp giữ số liệu mới nhất, không được đề xuất thay đổi."
        )
        % {"unit": report.unit.name, "when": when, "old": file_version, "new": report.version}
    )
    state = report_state_at(report=report, version=file_version)
    return state.values if state is not None else None


def _changed_since_preview(unit_code: str) -> ServiceError:
    return ServiceError(
        _(
            "Báo cáo của %(unit)s đã thay đổi sau khi bạn xem trước. Không có gì được "
            "lưu; hãy tải tệp lên lại để xem các thay đổi mới nhất."
        )
        % {"unit": unit_code}
    )


def _start_report(*, user, unit: Unit, period: Period, movement: Movement) -> Report:
    """Create the report a file starts. Someone who started it since the preview (their first
    form save committed first, or is committing now: the insert waits for it) wins, as a newer
    version would: the whole file is refused, nothing is written."""
    report = start_report(
        user=user,
        unit=unit,
        period=period,
        movement=movement,
        reason=ChangeReason.STARTED_FROM_FILE,
    )
    if report is None:
        raise _changed_since_preview(unit.code)
    return report


@transaction.atomic
def import_apply(
    *,
    user: AbstractBaseUser,
    movement: Movement,
    period: Period,
    rows: list[ImportRow],
    versions: dict[str, int],
    unit: Unit | None = None,
    file_versions: dict[str, int] | None = None,
    downloaded_at: dt.datetime | None = None,
    confirm_unusual: bool = False,
    confirm_blanks: bool = False,
) -> ImportPlan:
    """Apply a previewed file, all or nothing. Permissions and every rule are checked again;
    a report that changed since the preview (other version) refuses the whole file, and so
    does a file with warnings (unusual values) that the user has not confirmed, or one that
    leaves blank sections in submitted reports (`plan.blanks`) without `confirm_blanks`."""
    plan = import_plan(
        user=user,
        movement=movement,
        period=period,
        rows=rows,
        unit=unit,
        lock=True,
        file_versions=file_versions,
        downloaded_at=downloaded_at,
    )
    if not plan.ok:
        raise ServiceError(plan.problems[0][1])
    if plan.warnings and not confirm_unusual:
        raise ServiceError(
            _(
                "Tệp có số liệu bất thường mà bạn chưa xác nhận; chưa có gì được lưu. Hãy tải tệp "
                "lên lại, xem các cảnh báo và đánh dấu ô xác nhận."
            )
        )
    if plan.blanks and not confirm_blanks:
        raise ServiceError(
            _(
                "Tệp để trống một số mục của báo cáo đã gửi mà bạn chưa xác nhận; chưa có gì "
                "được lưu. Hãy tải tệp lên lại, xem danh sách ô trống và đánh dấu ô xác nhận "
                "(hoặc ghi 0 vào tệp nếu không có)."
            )
        )
    touched = {c.unit.code for c in plan.changes}
    for code in touched:
        if plan.versions.get(code, 0) != versions.get(code, 0):
            raise _changed_since_preview(code)
    indicators = entry_indicators(movement=movement)
    by_unit: dict[str, list[ImportChange]] = {}
    for change in plan.changes:
        by_unit.setdefault(change.unit.code, []).append(change)
    # A provincial workbook also writes submitted reports, whose figures are counted.
    touched_reports = Report.objects.filter(
        movement=movement, period=period, unit__code__in=list(by_unit)
    )
    with rollup_kept(touched_reports, units=[c.unit.pk for c in plan.changes], periods=[period.pk]):
        for unit_changes in by_unit.values():
            target = unit_changes[0].unit
            report = plan.reports.get(target.code)  # locked by the plan, when it exists
            if report is None:
                report = _start_report(user=user, unit=target, period=period, movement=movement)
            values = {c.indicator.code: c.new for c in unit_changes}
            _write_values(report, user, indicators, values, ChangeReason.IMPORTED, only=set(values))
            if target.code in plan.blank_confirmed:  # a submitted report: its blanks confirmed
                report.blank_confirmed = plan.blank_confirmed[target.code]
            _save_report(report, user, ChangeReason.IMPORTED)
        report_flags_store(touched_reports)
    return plan
