"""The entry and review workflow: a secretary saves and submits the report of their unit; a
reviewer approves, returns or reopens it. Who may do what is `selectors.ReportAccess`; which
status allows what, the rules on `Report` (models.py)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..models import ChangeReason, Indicator, Movement, Period, Report, Unit, Value
from ..rules import blank_sections, three_way_merge, values_check
from ..selectors import (
    ReportAccess,
    ReportState,
    entry_indicators,
    previous_values,
    report_changes,
    report_state,
    report_state_at,
)
from . import BlanksUnconfirmed, EditConflict, ServiceError, ValuesInvalid
from .flags import report_flags_store
from .rollups import rollup_kept

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

REASON_MAX = 100  # simple_history's change-reason column; the full text stays on the report


def _write_values(
    report: Report,
    user,
    indicators: list[Indicator],
    values: dict[str, int | None],
    reason: ChangeReason,
    only: set[str] | None = None,
) -> int:
    """Create, update or delete the report's values so they equal `values`; history for each.

    With `only`, indicators outside it are left alone. Returns how many values changed.
    """
    current = {v.indicator_id: v for v in Value.objects.filter(report=report)}
    to_create, to_update, to_delete = [], [], []
    for indicator in indicators:
        if only is not None and indicator.code not in only:
            continue
        new = values.get(indicator.code)
        existing = current.get(indicator.pk)
        if existing is None:
            if new is not None:
                to_create.append(Value(report=report, indicator=indicator, value=new))
        elif new is None:
            to_delete.append(existing)
        elif existing.value != new:
            existing.value = new
            to_update.append(existing)
    if to_create:
        bulk_create_with_history(to_create, Value, default_user=user, default_change_reason=reason)
    if to_update:
        bulk_update_with_history(
            to_update, Value, ["value"], default_user=user, default_change_reason=reason
        )
    # One by one so that each deletion's history row names the user and the reason
    # (simple_history records deletions from the post_delete signal). Clearing is rare.
    for value in to_delete:
        value._history_user = user
        value._change_reason = reason
        value.delete()
    return len(to_create) + len(to_update) + len(to_delete)


def _save_report(report: Report, user, reason: str) -> None:
    """Bump the version and save; always the last write of a service, so that the report's
    history row of a version closes that version (see selectors.report_state_at)."""
    report.version += 1
    report._history_user = user
    report._change_reason = reason[:REASON_MAX]
    report.save()


def _conflict(
    report: Report, version: int, mine: ReportState, loaded: ReportState | None
) -> EditConflict:
    """The refusal of an edit of a report that has changed since the user loaded it, with the
    edit merged three ways: what the user loaded (`loaded`, the state their form carries;
    without it, what the history holds at `version`), what they typed, what is stored now."""
    base = loaded if loaded is not None else report_state_at(report=report, version=version)
    stored = report_state(report=report)
    merged, clashes = three_way_merge(
        base.as_fields() if base is not None else None, mine.as_fields(), stored.as_fields()
    )
    changes = report_changes(report=report, before=base, after=stored) if base is not None else []
    return EditConflict(report, changes, merged, clashes, stored)


def _changed_since(report: Report, version: int, loaded: ReportState | None) -> bool:
    """Whether the report is no longer what the user loaded: another version, or (the form's
    state at hand) other figures or notes at the same version, which a writer that keeps no
    version (a direct update, the admin's value lines) leaves."""
    return report.version != version or (
        loaded is not None and report_state(report=report) != loaded
    )


def _locked_report(unit: Unit, period: Period, movement: Movement) -> Report | None:
    # The report's row only: Report's default ordering joins its period and unit, whose rows
    # FOR UPDATE would queue every save of the period behind one another.
    return (
        Report.objects.select_for_update(of=("self",))
        .filter(unit=unit, period=period, movement=movement)
        .order_by()
        .first()
    )


def start_report(
    *, user, unit: Unit, period: Period, movement: Movement, reason: str
) -> Report | None:
    """Create the report of `unit` for `period` (version 0), or None when someone created it
    first (their insert committed, or is committing now: this one waits for it)."""
    report = Report(unit=unit, period=period, movement=movement, version=0)
    report._history_user = user
    report._change_reason = reason
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        return None
    return report


@transaction.atomic
def report_save(
    *,
    user: AbstractBaseUser,
    unit: Unit,
    period: Period,
    movement: Movement,
    values: dict[str, int | None],
    highlights: str = "",
    shortcomings: str = "",
    version: int = 0,
    confirm_unusual: bool = False,
    submit: bool = False,
    loaded: ReportState | None = None,
    blanks_confirmed: Collection[str] = (),
) -> Report:
    """Save the secretary's figures (a draft), and submit them when `submit`.

    `version` is the report version the form was loaded with (0 for a report not yet started),
    `loaded` the report's state it was loaded with (None: taken from the history). A report
    that has changed since raises EditConflict, before any rule is checked, and nothing is
    written. Raises ValuesInvalid for values that break a rule, BlanksUnconfirmed when a
    submission leaves figures blank in sections not in `blanks_confirmed` (section codes the
    secretary confirmed as having nothing to report; a draft never asks), ServiceError for
    anything else refused. A submitted report keeps its confirmed sections in `blank_confirmed`.
    """
    report = _locked_report(unit, period, movement)
    access = ReportAccess(user, unit, period, movement, report)
    if not access.is_secretary:
        raise ServiceError(_("Bạn không được nhập số liệu cho đơn vị này."))
    mine = ReportState(values, highlights, shortcomings)
    if report is not None and _changed_since(report, version, loaded):
        raise _conflict(report, version, mine, loaded)
    if report is None and version:
        # Deleted since: the form comes back on a report not started (version 0).
        raise EditConflict(Report(unit=unit, period=period, movement=movement, version=0), [])
    if access.why_not_editable:
        raise ServiceError(access.why_not_editable)

    indicators = entry_indicators(movement=movement)
    known = {i.code for i in indicators}
    unknown = set(values) - known
    if unknown:
        raise ServiceError(
            _("Chỉ tiêu không có trong phong trào: %(codes)s.")
            % {"codes": ", ".join(sorted(unknown))}
        )
    previous = previous_values(unit=unit, period=period, movement=movement)
    errors, warnings = values_check(indicators, values, previous, unit=unit)
    if errors or (warnings and not confirm_unusual):
        # Every warning, confirmed or not: the form shows the confirmation again with the errors.
        raise ValuesInvalid(errors, warnings)
    if submit and not any(v is not None for v in values.values()):
        raise ServiceError(_("Chưa có số liệu nào. Hãy nhập số liệu trước khi gửi."))
    blanks = blank_sections(indicators, values) if submit else []
    if unconfirmed := [s for s in blanks if s[0].code not in blanks_confirmed]:
        raise BlanksUnconfirmed(unconfirmed)

    # The report as it is found here, or none yet: a draft started here is counted too.
    with rollup_kept(
        Report.objects.filter(unit=unit, period=period, movement=movement),
        units=[unit.pk],
        periods=[period.pk],
    ):
        if report is None:
            report = start_report(
                user=user, unit=unit, period=period, movement=movement, reason=ChangeReason.STARTED
            )
            if report is None:
                # Someone started the same report a moment ago: their save wins, as with
                # versions.
                existing = Report.objects.get(unit=unit, period=period, movement=movement)
                raise _conflict(existing, 0, mine, loaded)
        _write_values(report, user, indicators, values, ChangeReason.VALUES_SAVED)
        report.highlights = highlights
        report.shortcomings = shortcomings
        reason = ChangeReason.DRAFT_SAVED
        report.blank_confirmed = [group.code for group, _blank in blanks]
        if submit:
            report.status = Report.Status.SUBMITTED
            report.submitted_at = timezone.now()
            report.submitted_by = user
            reason = ChangeReason.SUBMITTED
        _save_report(report, user, reason)
        if submit:
            report_flags_store([report])
    return report


def _check_reviewable(access: ReportAccess) -> None:
    if not access.can_review:
        raise ServiceError(_("Bạn không có quyền duyệt báo cáo của đơn vị này."))


def _check_version(report: Report, version: int | None) -> None:
    if version is not None and report.version != version:
        raise ServiceError(
            _(
                "Báo cáo %(report)s đã thay đổi từ khi bạn mở trang (đang ở trạng thái "
                "“%(status)s”). Chưa có gì thay đổi; hãy xem lại rồi làm lại."
            )
            % {"report": report, "status": report.get_status_display()}
        )


def _require_submitted(report: Report, action: str) -> None:
    if not report.is_reviewable:
        raise ServiceError(
            _(
                "Chỉ %(action)s được báo cáo đã gửi; báo cáo %(report)s đang ở trạng thái "
                "“%(status)s”."
            )
            % {"action": action, "report": report, "status": report.get_status_display()}
        )


def _relock(report: Report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def report_approve(*, user: AbstractBaseUser, report: Report, version: int | None = None) -> Report:
    """Approve a submitted report of the reviewer's subtree; it is then locked. `version` is
    the one the reviewer's page showed (None: not checked)."""
    _check_reviewable(ReportAccess.of(user=user, report=report))
    report = _relock(report)
    _check_version(report, version)
    _require_submitted(report, _("duyệt"))
    with rollup_kept(Report.objects.filter(pk=report.pk)):
        _approve(report, user, ChangeReason.APPROVED)
    return report


def _approve(report: Report, user, reason: ChangeReason) -> None:
    """The approval itself, of a locked, submitted report, inside the caller's `rollup_kept`:
    it is then locked, its figures counted by default."""
    report.status = Report.Status.APPROVED
    report.approved_at = timezone.now()
    report.approved_by = user
    _save_report(report, user, reason)


def _clean_reason(reason: str, action: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            _("Cần ghi lý do %(action)s để đơn vị biết phải sửa gì.") % {"action": action}
        )
    return reason


def _send_back(report: Report, user, reason: str, why: ChangeReason) -> Report:
    """The report goes back to its unit as returned, with the reviewer's reason; its figures
    leave the stored totals."""
    with rollup_kept(Report.objects.filter(pk=report.pk)):
        report.status = Report.Status.RETURNED
        report.return_reason = reason
        report.returned_at = timezone.now()
        report.returned_by = user
        _save_report(report, user, why.with_text(reason))
    return report


@transaction.atomic
def report_return(
    *, user: AbstractBaseUser, report: Report, reason: str, version: int | None = None
) -> Report:
    """Return a submitted report to its unit with a reason the secretary sees."""
    reason = _clean_reason(reason, _("trả lại"))
    _check_reviewable(ReportAccess.of(user=user, report=report))
    report = _relock(report)
    _check_version(report, version)
    _require_submitted(report, _("trả lại"))
    return _send_back(report, user, reason, ChangeReason.RETURNED)


@transaction.atomic
def report_reopen(
    *, user: AbstractBaseUser, report: Report, reason: str, version: int | None = None
) -> Report:
    """Reopen an approved report (provincial reviewers only): it goes back to the unit as
    returned, with the reason."""
    reason = _clean_reason(reason, _("mở lại"))
    access = ReportAccess.of(user=user, report=report)
    _check_reviewable(access)
    if not access.can_reopen:
        raise ServiceError(_("Chỉ cán bộ duyệt của Tỉnh Đoàn mới mở lại được báo cáo đã duyệt."))
    report = _relock(report)
    _check_version(report, version)
    if not report.is_locked:
        raise ServiceError(_("Chỉ mở lại được báo cáo đã duyệt."))
    return _send_back(report, user, reason, ChangeReason.REOPENED)


@transaction.atomic
def reports_approve(
    *, user: AbstractBaseUser, versions: dict[int, int]
) -> tuple[list[Report], list[str]]:
    """Approve several submitted reports at once, each only if it is still at the version the
    reviewer saw ({report id: version}): (approved, messages for those skipped)."""
    approved, skipped = [], []
    reports = (
        Report.objects.reviewable_by(user)
        .filter(pk__in=list(versions))
        .select_related("unit", "period")
        .select_for_update(of=("self",))
    )
    found = {r.pk: r for r in reports}
    with rollup_kept(Report.objects.filter(pk__in=list(found))):
        for pk, version in versions.items():
            report = found.get(pk)
            if report is None:
                skipped.append(
                    _("Một báo cáo không tìm thấy hoặc không thuộc phạm vi duyệt của bạn.")
                )
            elif report.version != version:
                skipped.append(
                    _(
                        "%(report)s: đã thay đổi từ khi bạn mở trang (đang “%(status)s”), chưa "
                        "duyệt. Hãy xem lại số liệu mới rồi duyệt."
                    )
                    % {"report": report, "status": report.get_status_display()}
                )
            elif not report.is_reviewable:
                skipped.append(
                    _("%(report)s: đang “%(status)s”, không duyệt.")
                    % {"report": report, "status": report.get_status_display()}
                )
            else:
                _approve(report, user, ChangeReason.APPROVED_TOGETHER)
                approved.append(report)
    return approved, skipped
