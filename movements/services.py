"""Every write to the movement's data goes through here.

Services run in one transaction, validate before they save, and raise `ServiceError` with a
message (Vietnamese, or English when the user chose it) that views and commands show as they are.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import seed_data
from .models import (
    Indicator,
    IndicatorGroup,
    Movement,
    Period,
    PublishedFigure,
    Report,
    Unit,
    Value,
)


class ServiceError(Exception):
    """A write that was refused; `str(error)` is the message for the user."""


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0

    def __str__(self) -> str:
        return f"{self.created} mới, {self.updated} cập nhật"


def _upsert(model, lookup: dict, defaults: dict, result: LoadResult):
    """get-or-create that saves only when something differs, so reloading changes nothing."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **defaults)
        obj.save()
        result.created += 1
        return obj
    changed = [name for name, value in defaults.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, defaults[name])
        obj.save()
        result.updated += 1
    return obj


@transaction.atomic
def seed_load() -> LoadResult:
    """Load the units, the movement "3tn" and the figures of report 44A (idempotent)."""
    result = LoadResult()
    code, name, short, kind, gso, since = seed_data.PROVINCE_UNIT
    province = _upsert(
        Unit,
        {"code": code},
        {
            "name": name,
            "short_name": short,
            "kind": kind,
            "gso_code": gso,
            "valid_from": since,
            "parent": None,
            "sort_order": 0,
        },
        result,
    )
    for order, (code, name, short, kind, gso, since) in enumerate(
        seed_data.DISTRICTS + seed_data.BRANCHES, start=1
    ):
        _upsert(
            Unit,
            {"code": code},
            {
                "name": name,
                "short_name": short,
                "kind": kind,
                "gso_code": gso,
                "valid_from": since,
                "parent": province,
                "sort_order": order,
            },
            result,
        )

    spec = seed_data.MOVEMENT
    movement = _upsert(
        Movement, {"code": spec["code"]}, {k: v for k, v in spec.items() if k != "code"}, result
    )
    for year in range(movement.start_year, movement.end_year + 1):
        _upsert(
            Period,
            {"kind": Period.Kind.YEAR, "year": year, "number": 0},
            {"deadline": dt.date(year + 1, 1, 15)},
            result,
        )

    groups = {}
    for order, (code, numbering, name) in enumerate(seed_data.GROUPS, start=1):
        groups[code] = _upsert(
            IndicatorGroup,
            {"movement": movement, "code": code},
            {"name": name, "numbering": numbering, "order": order},
            result,
        )

    indicators: dict[str, Indicator] = {}
    for order, (group, code, name, short, measure, kind, aggregation, extra) in enumerate(
        seed_data.INDICATORS, start=1
    ):
        indicators[code] = _upsert(
            Indicator,
            {"movement": movement, "code": code},
            {
                "group": groups[group],
                "name": name,
                "short_name": short,
                "measure": measure,
                "kind": kind,
                "aggregation": aggregation,
                "numerator": indicators.get(extra.get("numerator")),
                "denominator": indicators.get(extra.get("denominator")),
                "part_of": indicators.get(extra.get("part_of")),
                "max_value": extra.get("max"),
                "is_headline": extra.get("headline", False),
                "order": order,
            },
            result,
        )

    units = {u.code: u for u in Unit.objects.all()}
    for order, (indicator, unit, value, qualifier, quote) in enumerate(
        seed_data.PUBLISHED, start=1
    ):
        _upsert(
            PublishedFigure,
            {
                "indicator": indicators[indicator],
                "unit": units[unit],
                "start_year": movement.start_year,
                "end_year": movement.end_year,
                "document": seed_data.DOCUMENT,
            },
            {
                "value": value,
                "qualifier": qualifier,
                "quote": quote,
                "document_date": seed_data.DOCUMENT_DATE,
                "order": order,
            },
            result,
        )
    return result


# --- demo data -------------------------------------------------------------------------------

# Relative size of each unit (members, activity); the police and Rạch Giá are the largest.
_UNIT_SIZE = {
    "rach-gia": 10,
    "ha-tien": 3,
    "kien-luong": 4,
    "hon-dat": 6,
    "tan-hiep": 5,
    "chau-thanh": 5,
    "giong-rieng": 6,
    "go-quao": 5,
    "an-bien": 4,
    "an-minh": 4,
    "vinh-thuan": 3,
    "phu-quoc": 5,
    "kien-hai": 2,
    "u-minh-thuong": 3,
    "giang-thanh": 2,
    "cong-an": 9,
    "quan-su": 4,
    "bien-phong": 4,
    "khoi-co-quan": 7,
    "khoi-doanh-nghiep": 5,
    "cd-su-pham": 3,
    "cd-cong-dong": 2,
    "cd-y-te": 2,
    "cd-nghe": 2,
}
# Activity grows over the stage: the first year is the launch year of Kế hoạch 90 (8/2009).
_YEAR_TREND = {2009: 0.6, 2010: 0.9, 2011: 1.0, 2012: 1.15, 2013: 1.05}

DEMO_NOTE_HIGHLIGHTS = [
    "Triển khai phong trào đến 100% chi đoàn; nhiều công trình thanh niên được nhân dân ghi nhận.",
    "Phối hợp tổ chức hiến máu, khám bệnh miễn phí và tặng quà cho gia đình chính sách.",
    "ĐVTN tích cực học tin học, ngoại ngữ; nhiều sáng kiến cải cách thủ tục hành chính.",
]
DEMO_NOTE_SHORTCOMINGS = [
    "Một số chi đoàn triển khai còn hình thức, chưa cụ thể hoá nội dung phong trào.",
    "Kinh phí hoạt động hạn chế; báo cáo số liệu của một số cơ sở còn chậm.",
    "Một số ĐVTN đã đăng ký nhưng chưa đưa ra được ý tưởng, biện pháp thực hiện.",
]


def split_exactly(total: int, weights: list[float]) -> list[int]:
    """Whole numbers proportional to `weights` that add up to exactly `total`.

    Largest-remainder rounding: floors first, then one more to the largest fractions
    (earlier cells win ties), so the sum never drifts.
    """
    if total == 0 or not weights:
        return [0] * len(weights)
    weight_sum = sum(weights)
    if weight_sum <= 0:
        weights, weight_sum = [1.0] * len(weights), float(len(weights))
    raw = [total * w / weight_sum for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _noise(*key) -> float:
    return random.Random("-".join(map(str, key))).uniform(0.75, 1.25)


def demo_reporting_units(movement: Movement) -> dict[int, list[Unit]]:
    """For each year of the stage, the units that existed on its first day and so report."""
    units = list(Unit.objects.exclude(kind=Unit.Kind.PROVINCE).order_by("sort_order"))
    return {
        year: [u for u in units if u.code in _UNIT_SIZE and u.existed_on(dt.date(year, 1, 1))]
        for year in range(movement.start_year, movement.end_year + 1)
    }


def demo_values(movement: Movement) -> dict[tuple[str, int], dict[str, int]]:
    """The demo figures: {(unit code, year): {indicator code: value}}.

    Each published total is split over the units and years it covers so that the sum equals it
    exactly; attributed figures go to their unit only; ratios published as 100% get numerator
    equal to denominator everywhere.
    """
    by_year = demo_reporting_units(movement)
    cells = [(u.code, year) for year, units in by_year.items() for u in units]
    out: dict[tuple[str, int], dict[str, int]] = {cell: {} for cell in cells}

    # Stocks first: member counts, organisations, grassroots units.
    for unit_code, year in cells:
        size = _UNIT_SIZE[unit_code]
        growth = 1 + 0.04 * (year - movement.start_year)
        values = out[(unit_code, year)]
        values["doan-vien"] = round(size * 310 * growth * _noise(unit_code, "dv", year))
        values["to-chuc-doan-co-quan"] = max(2, round(size * 4 * _noise(unit_code, "tc", year)))
        values["co-so-doan"] = max(2, round(size * 3 * _noise(unit_code, "cs", year)))
        registered = values["co-so-doan"] - (random.Random(f"{unit_code}{year}").randint(0, 2))
        values["co-so-dang-ky-phong-trao"] = max(0, registered)

    published = PublishedFigure.objects.filter(
        indicator__movement=movement,
        start_year=movement.start_year,
        end_year=movement.end_year,
    ).select_related("indicator", "unit")
    for figure in published:
        indicator = figure.indicator
        if indicator.kind == Indicator.Kind.RATIO:
            if figure.value != 100:
                continue
            numerator = indicator.numerator.code
            denominator = indicator.denominator.code
            scope = [
                c
                for c in cells
                if figure.unit.kind == Unit.Kind.PROVINCE or c[0] == figure.unit.code
            ]
            for cell in scope:
                if denominator in out[cell]:
                    out[cell][numerator] = out[cell][denominator]
            continue
        scope = [
            c for c in cells if figure.unit.kind == Unit.Kind.PROVINCE or c[0] == figure.unit.code
        ]
        weights = [
            _UNIT_SIZE[u] * _YEAR_TREND.get(y, 1.0) * _noise(u, indicator.code, y) for u, y in scope
        ]
        for cell, part in zip(scope, split_exactly(figure.value, weights), strict=True):
            out[cell][indicator.code] = part

    return out


@transaction.atomic
def demo_load(movement_code: str = "3tn") -> LoadResult:
    """Approved demo reports for every unit and year of the stage (idempotent, deterministic).

    Only reports marked `is_demo` are written; a unit's real report is never touched.
    """
    movement = Movement.objects.filter(code=movement_code).first()
    if movement is None:
        raise ServiceError(
            f"Chưa có phong trào “{movement_code}”. Hãy chạy “manage.py load_seed” trước."
        )
    result = LoadResult()
    wanted = demo_values(movement)
    units = {u.code: u for u in Unit.objects.all()}
    periods = {
        p.year: p
        for p in Period.objects.filter(
            kind=Period.Kind.YEAR, year__range=(movement.start_year, movement.end_year)
        )
    }
    indicators = {i.code: i for i in Indicator.objects.filter(movement=movement)}
    existing = {
        (r.unit.code, r.period.year): r
        for r in Report.objects.filter(
            movement=movement, period__in=periods.values()
        ).select_related("unit", "period")
    }

    new_reports = []
    for index, (unit_code, year) in enumerate(sorted(wanted)):
        if (unit_code, year) in existing:
            continue
        stamp = timezone.make_aware(dt.datetime(year + 1, 1, 10, 9, 0))
        new_reports.append(
            Report(
                unit=units[unit_code],
                period=periods[year],
                movement=movement,
                status=Report.Status.APPROVED,
                highlights=DEMO_NOTE_HIGHLIGHTS[index % len(DEMO_NOTE_HIGHLIGHTS)],
                shortcomings=DEMO_NOTE_SHORTCOMINGS[index % len(DEMO_NOTE_SHORTCOMINGS)],
                submitted_at=stamp,
                approved_at=stamp + dt.timedelta(days=5),
                is_demo=True,
            )
        )
    if new_reports:
        bulk_create_with_history(new_reports, Report, default_change_reason="Dữ liệu minh hoạ")
        result.created += len(new_reports)
        existing = {
            (r.unit.code, r.period.year): r
            for r in Report.objects.filter(
                movement=movement, period__in=periods.values()
            ).select_related("unit", "period")
        }

    demo_reports = {key: r for key, r in existing.items() if r.is_demo}
    current = {
        (v.report_id, v.indicator_id): v
        for v in Value.objects.filter(report__in=list(demo_reports.values()))
    }
    to_create, to_update = [], []
    for key, values in wanted.items():
        report = demo_reports.get(key)
        if report is None:
            continue
        for code, number in values.items():
            indicator = indicators[code]
            value = current.get((report.pk, indicator.pk))
            if value is None:
                to_create.append(Value(report=report, indicator=indicator, value=number))
            elif value.value != number:
                value.value = number
                to_update.append(value)
    if to_create:
        bulk_create_with_history(to_create, Value, default_change_reason="Dữ liệu minh hoạ")
        result.created += len(to_create)
    if to_update:
        bulk_update_with_history(
            to_update, Value, ["value"], default_change_reason="Dữ liệu minh hoạ"
        )
        result.updated += len(to_update)
    return result


# --- entry, review and import ----------------------------------------------------------------
# Everything below is written for the entry pages (issue 3): a secretary saves and submits the
# report of their unit, a reviewer approves, returns or reopens it, and Excel files are applied
# through the same checks as the form. Access comes from the QuerySets in models.py only.

REASON_MAX = 100  # simple_history's change-reason column; the full text stays on the report


class ValuesInvalid(ServiceError):
    """Values that break a rule; `errors` maps indicator code -> messages."""

    def __init__(self, errors: dict[str, list[str]], warnings: dict[str, list[str]] | None = None):
        self.errors = errors
        self.warnings = warnings or {}
        first = next(iter(errors.values()), None) or next(iter(self.warnings.values()), [""])
        super().__init__(first[0] if first else _("Số liệu chưa hợp lệ."))


class EditConflict(ServiceError):
    """The report changed since the user loaded it; `changes` lists what changed in between."""

    def __init__(self, report: Report, changes: list):
        self.report = report
        self.changes = changes
        super().__init__(
            _(
                "Báo cáo vừa được người khác sửa trong lúc bạn đang nhập. Số liệu bạn nhập chưa "
                "được lưu và vẫn còn trên màn hình; hãy xem các thay đổi bên dưới rồi lưu lại."
            )
        )


def _label(indicator: Indicator) -> str:
    return indicator.short_name or indicator.name


def _n(value) -> str:
    from .formatting import format_number

    return format_number(value)


def values_check(
    indicators: list[Indicator], values: dict[str, int | None]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(errors, warnings) for a report's values by indicator code.

    Errors block saving (negative, a part above its whole); warnings are values outside the
    indicator's sanity bounds, which the user may confirm.
    """
    errors: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    by_id = {i.pk: i for i in indicators}
    for indicator in indicators:
        value = values.get(indicator.code)
        if value is None:
            continue
        if value < 0:
            errors.setdefault(indicator.code, []).append(
                _("“%(indicator)s” không được là số âm.") % {"indicator": _label(indicator)}
            )
            continue
        whole = by_id.get(indicator.part_of_id)
        whole_value = values.get(whole.code) if whole is not None else None
        if whole_value is not None and value > whole_value:
            errors.setdefault(indicator.code, []).append(
                _(
                    "“%(indicator)s” (%(value)s) không được lớn hơn “%(whole)s” "
                    "(%(whole_value)s): đây là một phần của số đó."
                )
                % {
                    "indicator": _label(indicator),
                    "value": _n(value),
                    "whole": _label(whole),
                    "whole_value": _n(whole_value),
                }
            )
        if indicator.max_value is not None and value > indicator.max_value:
            warnings.setdefault(indicator.code, []).append(
                _(
                    "“%(indicator)s” = %(value)s %(measure)s cao bất thường "
                    "(thường không quá %(bound)s). Nếu đúng, hãy xác nhận."
                )
                % {
                    "indicator": _label(indicator),
                    "value": _n(value),
                    "measure": indicator.measure,
                    "bound": _n(indicator.max_value),
                }
            )
        if indicator.min_value is not None and value < indicator.min_value:
            warnings.setdefault(indicator.code, []).append(
                _(
                    "“%(indicator)s” = %(value)s %(measure)s thấp bất thường "
                    "(thường không dưới %(bound)s). Nếu đúng, hãy xác nhận."
                )
                % {
                    "indicator": _label(indicator),
                    "value": _n(value),
                    "measure": indicator.measure,
                    "bound": _n(indicator.min_value),
                }
            )
    return errors, warnings


def entry_indicators(movement: Movement) -> list[Indicator]:
    """The indicators a unit enters for `movement` (ratios are computed), in report order."""
    return list(
        Indicator.objects.stored()
        .filter(movement=movement)
        .select_related("group")
        .order_by("group__order", "order")
    )


def _unit_reports_in(unit: Unit, period: Period) -> bool:
    return unit.reports_in(period)


def _check_can_start(unit: Unit, period: Period) -> None:
    if not period.open_for_entry:
        raise ServiceError(
            _("Kỳ %(period)s chưa mở (hoặc đã đóng) nhập liệu.") % {"period": period.label}
        )
    if not _unit_reports_in(unit, period):
        raise ServiceError(
            _("%(unit)s không báo cáo trong kỳ %(period)s.")
            % {"unit": unit.name, "period": period.label}
        )


def _write_values(
    report: Report,
    user,
    indicators: list[Indicator],
    values: dict[str, int | None],
    reason: str,
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
    history row of a version closes that version (see selectors.report_changes_since)."""
    report.version += 1
    report._history_user = user
    report._change_reason = reason[:REASON_MAX]
    report.save()


def _locked_report(unit: Unit, period: Period, movement: Movement) -> Report | None:
    return (
        Report.objects.select_for_update()
        .filter(unit=unit, period=period, movement=movement)
        .first()
    )


@transaction.atomic
def report_save(
    *,
    user,
    unit: Unit,
    period: Period,
    movement: Movement,
    values: dict[str, int | None],
    highlights: str = "",
    shortcomings: str = "",
    version: int = 0,
    confirm_unusual: bool = False,
    submit: bool = False,
) -> Report:
    """Save the secretary's figures (a draft), and submit them when `submit`.

    `version` is the report version the form was loaded with (0 for a report not yet started);
    an older version raises EditConflict and nothing is written. Raises ValuesInvalid for
    values that break a rule, ServiceError for anything else refused.
    """
    from .selectors import report_changes_since

    if not Unit.objects.editable_by(user).filter(pk=unit.pk).exists():
        raise ServiceError(_("Bạn không được nhập số liệu cho đơn vị này."))
    report = _locked_report(unit, period, movement)
    if report is not None and report.version != version:
        raise EditConflict(report, report_changes_since(report, version))
    if report is None:
        if version:
            raise EditConflict(Report(unit=unit, period=period, movement=movement), [])
        _check_can_start(unit, period)
    elif report.status not in (Report.Status.DRAFT, Report.Status.RETURNED):
        raise ServiceError(
            _("Báo cáo đang ở trạng thái “%(status)s”, không sửa được.")
            % {"status": report.get_status_display()}
        )

    indicators = entry_indicators(movement)
    known = {i.code for i in indicators}
    unknown = set(values) - known
    if unknown:
        raise ServiceError(
            _("Chỉ tiêu không có trong phong trào: %(codes)s.")
            % {"codes": ", ".join(sorted(unknown))}
        )
    errors, warnings = values_check(indicators, values)
    if errors or (warnings and not confirm_unusual):
        raise ValuesInvalid(errors, {} if confirm_unusual else warnings)
    if submit and not any(v is not None for v in values.values()):
        raise ServiceError(_("Chưa có số liệu nào. Hãy nhập số liệu trước khi gửi."))

    if report is None:
        report = Report(unit=unit, period=period, movement=movement, version=0)
        report._history_user = user
        report._change_reason = "Bắt đầu nhập"
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            # Someone started the same report a moment ago: their save wins, as with versions.
            existing = Report.objects.get(unit=unit, period=period, movement=movement)
            raise EditConflict(existing, report_changes_since(existing, 0)) from None
    _write_values(report, user, indicators, values, "Lưu số liệu")
    report.highlights = highlights
    report.shortcomings = shortcomings
    reason = "Lưu nháp"
    if submit:
        report.status = Report.Status.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = user
        reason = "Gửi duyệt"
    _save_report(report, user, reason)
    return report


def _check_reviewable(user, report: Report) -> None:
    if not Report.objects.reviewable_by(user).filter(pk=report.pk).exists():
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
    if report.status != Report.Status.SUBMITTED:
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
def report_approve(user, report: Report, version: int | None = None) -> Report:
    """Approve a submitted report of the reviewer's subtree; it is then locked."""
    _check_reviewable(user, report)
    report = _relock(report)
    _check_version(report, version)
    _require_submitted(report, _("duyệt"))
    report.status = Report.Status.APPROVED
    report.approved_at = timezone.now()
    report.approved_by = user
    _save_report(report, user, "Duyệt")
    return report


def _clean_reason(reason: str, action: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            _("Cần ghi lý do %(action)s để đơn vị biết phải sửa gì.") % {"action": action}
        )
    return reason


@transaction.atomic
def report_return(user, report: Report, reason: str, version: int | None = None) -> Report:
    """Return a submitted report to its unit with a reason the secretary sees."""
    reason = _clean_reason(reason, _("trả lại"))
    _check_reviewable(user, report)
    report = _relock(report)
    _check_version(report, version)
    _require_submitted(report, _("trả lại"))
    report.status = Report.Status.RETURNED
    report.return_reason = reason
    report.returned_at = timezone.now()
    report.returned_by = user
    _save_report(report, user, f"Trả lại: {reason}")
    return report


def can_reopen(user) -> bool:
    """Only provincial reviewers (reviewers of a root unit) reopen approved reports."""
    return Unit.objects.reviewable_by(user).filter(parent__isnull=True).exists()


@transaction.atomic
def report_reopen(user, report: Report, reason: str, version: int | None = None) -> Report:
    """Reopen an approved report (provincial reviewers only): it goes back to the unit as
    returned, with the reason."""
    reason = _clean_reason(reason, _("mở lại"))
    _check_reviewable(user, report)
    if not can_reopen(user):
        raise ServiceError(_("Chỉ cán bộ duyệt của Tỉnh Đoàn mới mở lại được báo cáo đã duyệt."))
    report = _relock(report)
    _check_version(report, version)
    if report.status != Report.Status.APPROVED:
        raise ServiceError(_("Chỉ mở lại được báo cáo đã duyệt."))
    report.status = Report.Status.RETURNED
    report.return_reason = reason
    report.returned_at = timezone.now()
    report.returned_by = user
    _save_report(report, user, f"Mở lại: {reason}")
    return report


@transaction.atomic
def reports_approve(user, report_ids: list[int]) -> tuple[list[Report], list[str]]:
    """Approve several submitted reports at once: (approved, messages for those skipped)."""
    approved, skipped = [], []
    reports = (
        Report.objects.reviewable_by(user)
        .filter(pk__in=report_ids)
        .select_related("unit", "period")
        .select_for_update(of=("self",))
    )
    found = {r.pk: r for r in reports}
    for pk in report_ids:
        report = found.get(pk)
        if report is None:
            skipped.append(_("Một báo cáo không tìm thấy hoặc không thuộc phạm vi duyệt của bạn."))
        elif report.status != Report.Status.SUBMITTED:
            skipped.append(
                _("%(report)s: đang “%(status)s”, không duyệt.")
                % {"report": report, "status": report.get_status_display()}
            )
        else:
            report.status = Report.Status.APPROVED
            report.approved_at = timezone.now()
            report.approved_by = user
            _save_report(report, user, "Duyệt (cùng lúc nhiều báo cáo)")
            approved.append(report)
    return approved, skipped


# --- Excel import: plan (the preview) and apply (on confirmation) ------------------------------


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


@dataclass
class ImportPlan:
    changes: list[ImportChange]
    problems: list[tuple[int | None, str]]
    warnings: list[tuple[int | None, str]]
    versions: dict[str, int]  # unit code -> report version at preview time (0: no report)

    @property
    def ok(self) -> bool:
        return not self.problems


def import_units(user, period: Period, unit: Unit | None = None) -> dict[str, Unit]:
    """The units a file may write, by code: the secretary's own `unit`, or, for a provincial
    workbook (`unit` None), every reporting unit of the reviewer's subtrees."""
    if unit is not None:
        if not Unit.objects.editable_by(user).filter(pk=unit.pk).exists():
            raise ServiceError(_("Bạn không được nhập số liệu cho đơn vị này."))
        return {unit.code: unit}
    return {
        u.code: u
        for u in Unit.objects.reviewable_by(user).exclude(kind=Unit.Kind.PROVINCE)
        if u.reports_in(period)
    }


def import_plan(
    user,
    movement: Movement,
    period: Period,
    rows: list[ImportRow],
    unit: Unit | None = None,
    *,
    lock: bool = False,
) -> ImportPlan:
    """What applying `rows` would change, and every problem by row (nothing is written).

    A secretary's file (`unit` given) writes draft or returned reports of that unit only; a
    provincial workbook writes any unapproved report of the reviewer's subtrees.
    """
    units = import_units(user, period, unit)
    as_reviewer = unit is None
    indicators = entry_indicators(movement)
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

    for unit_code, entries in wanted.items():
        target = units[unit_code]
        old_values = current[unit_code]
        merged = dict(old_values)
        merged.update({code: value for code, (_row, value) in entries.items()})
        unit_changes = [
            ImportChange(row, target, by_code[code], old_values.get(code), value)
            for code, (row, value) in entries.items()
            if old_values.get(code) != value
        ]
        if not unit_changes:
            continue
        report = reports.get(unit_code)
        first_row = min(c.row for c in unit_changes)
        allowed = [Report.Status.DRAFT, Report.Status.RETURNED]
        if as_reviewer:
            allowed.append(Report.Status.SUBMITTED)
        if report is None:
            if not period.open_for_entry:
                problems.append(
                    (
                        first_row,
                        _("%(unit)s: kỳ %(period)s chưa mở nhập liệu.")
                        % {"unit": target.name, "period": period.label},
                    )
                )
                continue
            if not _unit_reports_in(target, period):
                problems.append(
                    (
                        first_row,
                        _("%(unit)s không báo cáo trong kỳ %(period)s.")
                        % {"unit": target.name, "period": period.label},
                    )
                )
                continue
        elif report.status == Report.Status.APPROVED:
            problems.append(
                (
                    first_row,
                    _("Báo cáo của %(unit)s đã được duyệt và khoá; không nhận số mới.")
                    % {"unit": target.name},
                )
            )
            continue
        elif report.status not in allowed:
            problems.append(
                (
                    first_row,
                    _("Báo cáo của %(unit)s đã gửi, đang chờ duyệt; chỉ sửa được khi được trả lại.")
                    % {"unit": target.name},
                )
            )
            continue
        errors, unusual = values_check(indicators, merged)
        for code, messages in errors.items():
            row = entries.get(code, (first_row, None))[0]
            problems.extend((row, f"{target.short_name}: {m}") for m in messages)
        for code, messages in unusual.items():
            if code in entries:
                warnings.extend((entries[code][0], f"{target.short_name}: {m}") for m in messages)
        changes.extend(unit_changes)

    versions = {code: (reports[code].version if code in reports else 0) for code in units}
    problems.sort(key=lambda p: p[0] or 0)
    changes.sort(key=lambda c: c.row)
    return ImportPlan(changes, problems, warnings, versions)


@transaction.atomic
def import_apply(
    user,
    movement: Movement,
    period: Period,
    rows: list[ImportRow],
    versions: dict[str, int],
    unit: Unit | None = None,
) -> ImportPlan:
    """Apply a previewed file, all or nothing. Permissions and every rule are checked again;
    a report that changed since the preview (other version) refuses the whole file."""
    plan = import_plan(user, movement, period, rows, unit, lock=True)
    if not plan.ok:
        raise ServiceError(plan.problems[0][1])
    touched = {c.unit.code for c in plan.changes}
    for code in touched:
        if plan.versions.get(code, 0) != versions.get(code, 0):
            raise ServiceError(
                _(
                    "Báo cáo của %(unit)s đã thay đổi sau khi bạn xem trước. Không có gì được "
                    "lưu; hãy tải tệp lên lại để xem các thay đổi mới nhất."
                )
                % {"unit": code}
            )
    indicators = entry_indicators(movement)
    by_unit: dict[str, list[ImportChange]] = {}
    for change in plan.changes:
        by_unit.setdefault(change.unit.code, []).append(change)
    for unit_changes in by_unit.values():
        target = unit_changes[0].unit
        report = Report.objects.filter(unit=target, period=period, movement=movement).first()
        if report is None:
            report = Report(unit=target, period=period, movement=movement, version=0)
            report._history_user = user
            report._change_reason = "Bắt đầu nhập (tệp Excel)"
            report.save()
        values = {c.indicator.code: c.new for c in unit_changes}
        _write_values(report, user, indicators, values, "Nhập từ tệp Excel", only=set(values))
        _save_report(report, user, "Nhập từ tệp Excel")
    return plan


# --- the period after the stage, open for entry (demo) ----------------------------------------

DEMO_OPEN_STATUS = {
    "draft": ["rach-gia", "hon-dat", "tan-hiep", "an-bien"],
    "submitted": ["ha-tien", "kien-luong", "chau-thanh", "giong-rieng", "quan-su", "khoi-co-quan"],
    "returned": ["cong-an"],
}
DEMO_RETURN_REASON = (
    "Số lượt tham dự hội nghị triển khai chưa khớp với số cuộc đã báo cáo; đề nghị kiểm tra lại "
    "và bổ sung phần kết quả nổi bật."
)


@transaction.atomic
def demo_open_period(movement_code: str = "3tn", year: int | None = None) -> LoadResult:
    """Open the year after the stage (2014 for 3tn) for entry, with a realistic mix of demo
    reports: some drafts, some submitted, one returned with a reason, the rest not started.

    Idempotent: existing reports of that period are never touched. The stage's own figures
    (demo_load) are not read or changed except as a base for plausible numbers.
    """
    movement = Movement.objects.filter(code=movement_code).first()
    if movement is None:
        raise ServiceError(
            f"Chưa có phong trào “{movement_code}”. Hãy chạy “manage.py load_seed” trước."
        )
    year = year or movement.end_year + 1
    result = LoadResult()
    period = _upsert(
        Period,
        {"kind": Period.Kind.YEAR, "year": year, "number": 0},
        {"open_for_entry": True, "deadline": dt.date(year + 1, 1, 15)},
        result,
    )
    indicators = entry_indicators(movement)
    by_id = {i.pk: i for i in indicators}
    existing = set(
        Report.objects.filter(movement=movement, period=period).values_list("unit__code", flat=True)
    )
    base: dict[str, dict[str, int]] = {}
    for unit_code, code, number in Value.objects.filter(
        report__movement=movement,
        report__period__kind=Period.Kind.YEAR,
        report__period__year=year - 1,
    ).values_list("report__unit__code", "indicator__code", "value"):
        base.setdefault(unit_code, {})[code] = number
    units = {
        u.code: u
        for u in Unit.objects.filter(code__in=[c for cs in DEMO_OPEN_STATUS.values() for c in cs])
    }
    now = timezone.now()
    for status, codes in DEMO_OPEN_STATUS.items():
        for index, code in enumerate(codes):
            unit = units.get(code)
            if unit is None or code in existing or not unit.reports_in(period):
                continue
            values = {}
            for position, indicator in enumerate(indicators):
                if status == "draft" and position >= len(indicators) // 2:
                    break
                start = base.get(code, {}).get(indicator.code)
                if start is None:
                    start = random.Random(f"{code}{indicator.code}").randint(0, 20)
                values[indicator.code] = round(start * _noise(code, indicator.code, year))
            for indicator in indicators:  # a part never exceeds its whole
                whole = by_id.get(indicator.part_of_id)
                if whole and indicator.code in values and whole.code in values:
                    values[indicator.code] = min(values[indicator.code], values[whole.code])
            report = Report(
                unit=unit,
                period=period,
                movement=movement,
                status=Report.Status.DRAFT,
                is_demo=True,
                highlights="" if status == "draft" else DEMO_NOTE_HIGHLIGHTS[index % 3],
                shortcomings="" if status == "draft" else DEMO_NOTE_SHORTCOMINGS[index % 3],
            )
            if status in ("submitted", "returned"):
                report.status = Report.Status.SUBMITTED
                report.submitted_at = now - dt.timedelta(days=3 + index)
            if status == "returned":
                report.status = Report.Status.RETURNED
                report.return_reason = DEMO_RETURN_REASON
                report.returned_at = now - dt.timedelta(days=1)
            report._change_reason = "Dữ liệu minh hoạ"
            report.save()
            bulk_create_with_history(
                [
                    Value(report=report, indicator=i, value=values[i.code])
                    for i in indicators
                    if i.code in values
                ],
                Value,
                default_change_reason="Dữ liệu minh hoạ",
            )
            result.created += 1
    return result


# --- accounts ---------------------------------------------------------------------------------

STAFF_GROUP = "Văn phòng Tỉnh Đoàn"


def staff_group_ensure():
    """The auth group of provincial staff, with the permissions the admin needs: every model
    of the movements and reports apps, and users and groups (view, add, change)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, _created = Group.objects.get_or_create(name=STAFF_GROUP)
    permissions = Permission.objects.filter(
        Q(content_type__app_label__in=["movements", "reports"])
        | Q(content_type__app_label="auth", codename__regex=r"^(view|add|change)_(user|group)$")
    )
    group.permissions.add(*permissions)
    return group


@transaction.atomic
def account_ensure(
    username: str,
    unit_code: str,
    role: str,
    password: str | None = None,
    full_name: str = "",
    *,
    validate_password: bool = True,
):
    """Create or update an account and give it a membership: (user, created).

    A reviewer of a root unit (provincial staff) also gets is_staff and the staff group.
    The password, when given, must pass the password validators.
    """
    from django.contrib.auth import get_user_model, password_validation
    from django.core.exceptions import ValidationError

    from .models import Membership

    username = (username or "").strip()
    if not username:
        raise ServiceError("Cần tên đăng nhập.")
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        raise ServiceError(f"Không có đơn vị mã “{unit_code}”.")
    if role not in Membership.Role.values:
        raise ServiceError(
            f"Vai trò “{role}” không hợp lệ; chọn một trong: {', '.join(Membership.Role.values)}."
        )
    User = get_user_model()
    try:  # the model's own rules: letters, digits and @.+-_ only, at most 150 characters
        User._meta.get_field(User.USERNAME_FIELD).run_validators(username)
    except ValidationError as error:
        raise ServiceError(
            f"Tên đăng nhập “{username[:40]}” không hợp lệ: chỉ gồm chữ, số và các dấu @ . + - _, "
            "tối đa 150 ký tự."
        ) from error
    if len(full_name.strip()) > 150:
        raise ServiceError("Họ và tên dài quá 150 ký tự.")
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username)
    if full_name:
        first, _sep, last = full_name.strip().rpartition(" ")
        user.first_name, user.last_name = (first, last) if first else (last, "")
    if password is not None:
        if validate_password:
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                raise ServiceError("Mật khẩu chưa đạt: " + " ".join(error.messages)) from error
        user.set_password(password)
    elif created:
        raise ServiceError("Tài khoản mới cần mật khẩu.")
    provincial = role == Membership.Role.REVIEWER and unit.parent_id is None
    if provincial:
        user.is_staff = True
    user.save()
    Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if provincial:
        user.groups.add(staff_group_ensure())
    return user, created
