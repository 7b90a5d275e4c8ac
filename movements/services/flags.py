"""The flags of reports (`ReportFlag`): what the rules find in a report's figures (the warnings
of `rules.values_check`, the blank sections of `rules.blank_sections`), stored when the report
becomes submitted or is written as submitted or approved — the form's submission, a provincial
Excel file, the admin, the demo loader — in the writer's transaction. The review pages read them
as stored, never recomputing: a flag keeps the figures of the moment the report was sent.

`report_flags_store(reports)` is the one writer; `flags_rebuild()` stores them again for every
submitted or approved report (after an upgrade, the `flag_reports` command) and
`flags_check()` compares without writing. `flag_follow_up` is a reviewer's mark on a flag, for
the unit to look at the figure again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..formatting import format_number
from ..models import (
    FOLLOW_UP_NOTE_MAX,
    Indicator,
    IndicatorGroup,
    Report,
    ReportFlag,
    Value,
)
from ..rules import blank_sections, values_check
from ..sanitise import validate_line
from ..selectors import ReportAccess, entry_indicators, previous_values_by_unit
from . import ServiceError

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

# The reports whose flags are kept: those a reviewer looks at (submitted) and those the pages
# count (approved, and submitted on request).
FLAGGED = Report.Status.counted(include_submitted=True)
BATCH = 500
BLANK_NAMES = 5  # the blank figures of a section named in its flag; past them, how many


def _blank_message(
    group: IndicatorGroup, items: list[Indicator], every: int, previous: dict[str, int]
) -> str:
    """What of a section is left blank, with the previous period's figures where they exist
    (in the active language; the pages put “Để trống:” before it): "II.3. Trách nhiệm với
    bản thân: cả phần (4 chỉ tiêu; kỳ trước 26, 54, 15, 177)." or "I. Công tác triển khai:
    “Đoàn viên” (kỳ trước 3.250)."."""
    section = f"{group.numbering}. {group.name}" if group.numbering else group.name
    if len(items) == every:
        before = [format_number(previous[i.code]) for i in items if i.code in previous]
        what = {"section": section, "count": format_number(every), "figures": ", ".join(before)}
        if before:
            return _("%(section)s: cả phần (%(count)s chỉ tiêu; kỳ trước %(figures)s).") % what
        return _("%(section)s: cả phần (%(count)s chỉ tiêu).") % what
    names = []
    for indicator in items[:BLANK_NAMES]:
        name = f"“{indicator.label}”"
        if indicator.code in previous:
            name += " " + _("(kỳ trước %(figure)s)") % {
                "figure": format_number(previous[indicator.code])
            }
        names.append(name)
    if len(items) > BLANK_NAMES:
        return _("%(section)s: %(count)s/%(every)s chỉ tiêu, trong đó %(names)s…") % {
            "section": section,
            "count": format_number(len(items)),
            "every": format_number(every),
            "names": "; ".join(names),
        }
    return _("%(section)s: %(names)s.") % {"section": section, "names": "; ".join(names)}


def _found(
    report: Report, indicators: list[Indicator], values: dict[str, int], previous: dict[str, int]
) -> list[ReportFlag]:
    """The flags of one report, their words rendered in each language of the site."""
    by_code = {i.code: i for i in indicators}
    per_group: dict[int, int] = {}
    for indicator in indicators:
        per_group[indicator.group_id] = per_group.get(indicator.group_id, 0) + 1
    blank: dict[int, ReportFlag] = {}
    unusual: dict[str, ReportFlag] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            _errors, warnings = values_check(indicators, values, previous, unit=report.unit)
            for group, items in blank_sections(indicators, values):
                flag = blank.setdefault(
                    group.pk,
                    ReportFlag(report=report, kind=ReportFlag.Kind.BLANK, group=group),
                )
                flag.messages[language] = [
                    _blank_message(group, items, per_group[group.pk], previous)
                ]
            for code, messages in warnings.items():
                indicator = by_code[code]
                flag = unusual.setdefault(
                    code,
                    ReportFlag(
                        report=report,
                        kind=ReportFlag.Kind.UNUSUAL,
                        group_id=indicator.group_id,
                        indicator=indicator,
                        value=values.get(code),
                        previous=previous.get(code),
                    ),
                )
                flag.messages[language] = list(messages)
    return [*blank.values(), *unusual.values()]


def _computed(reports: list[Report]) -> list[ReportFlag]:
    """The flags of `reports` as the rules find them now. One query for the values, one for
    the indicators of each movement and two for each period's previous values."""
    values: dict[int, dict[str, int]] = {r.pk: {} for r in reports}
    for report_id, code, value in Value.objects.filter(report__in=reports).values_list(
        "report_id", "indicator__code", "value"
    ):
        values[report_id][code] = value
    indicators: dict[int, list[Indicator]] = {}
    previous: dict[tuple[int, int], dict[int, dict[str, int]]] = {}
    out: list[ReportFlag] = []
    for report in reports:
        if report.movement_id not in indicators:
            indicators[report.movement_id] = entry_indicators(movement=report.movement)
        key = (report.period_id, report.movement_id)
        if key not in previous:
            previous[key] = previous_values_by_unit(
                units=[r.unit for r in reports if (r.period_id, r.movement_id) == key],
                period=report.period,
                movement=report.movement,
            )
        out += _found(
            report, indicators[report.movement_id], values[report.pk], previous[key][report.unit_id]
        )
    return out


def _flagged(reports: QuerySet[Report] | Iterable[Report]) -> list[Report]:
    """Those of `reports` that are submitted or approved, read again (their status as
    written), with what the rules need."""
    ids = reports.values("pk") if isinstance(reports, QuerySet) else [r.pk for r in reports]
    return list(
        Report.objects.filter(pk__in=ids, status__in=FLAGGED)
        .select_related("unit", "period", "movement")
        .order_by("pk")
    )


@transaction.atomic
def report_flags_store(reports: QuerySet[Report] | Iterable[Report]) -> int:
    """Compute and store the flags of `reports` that are submitted or approved, in place of
    those they had; reports of another status keep theirs (a returned report's follow-ups stay
    for its unit to see). A follow-up mark stays on a flag about the same figure (same
    indicator, or the same blank section, same value). Returns how many flags are stored.

    Every writer that makes a report submitted or approved with new figures calls it inside
    its own transaction: the form (`workflow.report_save`), the Excel import, the admin, the
    demo loader."""
    stored = 0
    reports = _flagged(reports)
    for start in range(0, len(reports), BATCH):
        batch = reports[start : start + BATCH]
        old = ReportFlag.objects.filter(report__in=batch)
        marked = {flag.key: flag for flag in old.filter(follow_up=True)}
        flags = _computed(batch)
        now = timezone.now()
        for flag in flags:
            # Demo data is dated around its deadline, never at the moment of writing.
            demo = flag.report.is_demo and (flag.report.submitted_at or flag.report.approved_at)
            flag.created_at = demo or now
            if (mark := marked.get(flag.key)) is not None:
                flag.follow_up = True
                flag.follow_up_note = mark.follow_up_note
                flag.follow_up_by_id = mark.follow_up_by_id
                flag.follow_up_at = mark.follow_up_at
        old.delete()
        ReportFlag.objects.bulk_create(flags)
        stored += len(flags)
    return stored


@dataclass
class FlagCheck:
    """What `flags_check` found: reports whose stored flags differ from what the rules find
    now (by report: what is stored, what would be), and how many reports were compared."""

    reports: int
    different: dict[Report, tuple[list[tuple], list[tuple]]]

    @property
    def ok(self) -> bool:
        return not self.different


def _compared(flag: ReportFlag) -> tuple:
    return (flag.kind, flag.group_id, flag.indicator_id, flag.value, flag.previous, flag.messages)


def flags_check() -> FlagCheck:
    """Compare the stored flags of every submitted or approved report with what the rules
    find in its figures now (nothing written). A difference is not always an error: a flag
    keeps the previous period's figures of the moment it was stored."""
    reports = _flagged(Report.objects.all())
    different = {}
    for start in range(0, len(reports), BATCH):
        batch = reports[start : start + BATCH]
        stored: dict[int, list[tuple]] = {r.pk: [] for r in batch}
        for flag in ReportFlag.objects.filter(report__in=batch):
            stored[flag.report_id].append(_compared(flag))
        found: dict[int, list[tuple]] = {r.pk: [] for r in batch}
        for flag in _computed(batch):
            found[flag.report_id].append(_compared(flag))
        for report in batch:
            mine, theirs = sorted(stored[report.pk], key=repr), sorted(found[report.pk], key=repr)
            if mine != theirs:
                different[report] = (mine, theirs)
    return FlagCheck(len(reports), different)


def flags_rebuild() -> int:
    """Store again the flags of every submitted or approved report (`report_flags_store`), as
    the rules find them now. Returns how many flags are stored."""
    return report_flags_store(Report.objects.all())


@transaction.atomic
def flag_follow_up(
    *, user: AbstractBaseUser, report: Report, flag_id: int, follow_up: bool, note: str = ""
) -> ReportFlag:
    """Mark (or unmark) a flag of `report` for its unit to look at again, with the reviewer's
    short note; only a reviewer of the report's unit. Raises ServiceError with the reason."""
    if not ReportAccess.of(user=user, report=report).is_reviewer:
        raise ServiceError(_("Bạn không có quyền duyệt báo cáo của đơn vị này."))
    flag = (
        ReportFlag.objects.select_for_update(of=("self",))
        .filter(report=report, pk=flag_id)
        .order_by()
        .first()
    )
    if flag is None:
        raise ServiceError(
            _(
                "Không tìm thấy cảnh báo này trong báo cáo %(report)s; có thể báo cáo vừa "
                "được gửi lại."
            )
            % {"report": report}
        )
    note = " ".join((note or "").split())
    if len(note) > FOLLOW_UP_NOTE_MAX:
        raise ServiceError(
            _("Ghi chú dài quá: nhiều nhất %(limit)s ký tự.") % {"limit": FOLLOW_UP_NOTE_MAX}
        )
    try:
        validate_line(note)
    except ValidationError as error:
        raise ServiceError(error.messages[0]) from error
    flag.follow_up = follow_up
    flag.follow_up_note = note if follow_up else ""
    flag.follow_up_by = user if follow_up else None
    flag.follow_up_at = timezone.now() if follow_up else None
    flag.save(update_fields=["follow_up", "follow_up_note", "follow_up_by", "follow_up_at"])
    return flag
