"""Demo data: approved reports of the stage whose sums equal every published figure, and the
period after the stage opened for entry with a realistic mix of reports (both idempotent)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .. import seed_data
from ..models import (
    DEFAULT_MOVEMENT,
    ChangeReason,
    Indicator,
    Movement,
    Period,
    PublishedFigure,
    Report,
    Stage,
    Unit,
    Value,
)
from ..rules import parts_within_wholes
from ..selectors import entry_indicators
from . import ServiceError
from .flags import report_flags_store
from .rollups import RollupChange
from .seed import LoadResult, upsert

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


def demo_reporting_units(*, movement: Movement) -> dict[int, list[Unit]]:
    """For each year of the stage, the units that existed during it and so report (a unit
    founded during a year reports for that year: Unit.reports_in)."""
    units = list(Unit.objects.exclude(kind=Unit.Kind.PROVINCE).order_by("sort_order"))
    return {
        year: [
            u
            for u in units
            if u.code in _UNIT_SIZE and u.existed_during(dt.date(year, 1, 1), dt.date(year, 12, 31))
        ]
        for year in range(movement.start_year, movement.end_year + 1)
    }


def demo_values(*, movement: Movement) -> dict[tuple[str, int], dict[str, int]]:
    """The demo figures: {(unit code, year): {indicator code: value}}.

    Each published total is split over the units and years it covers so that the sum equals it
    exactly; attributed figures go to their unit only; ratios published as 100% get numerator
    equal to denominator everywhere.
    """
    by_year = demo_reporting_units(movement=movement)
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


def _seeded_movement(code: str) -> Movement:
    movement = Movement.objects.filter(code=code).first()
    if movement is None:
        raise ServiceError(f"Chưa có phong trào “{code}”. Hãy chạy “manage.py load_seed” trước.")
    return movement


@transaction.atomic
def demo_load(*, movement_code: str = DEFAULT_MOVEMENT) -> LoadResult:
    """Approved demo reports for every unit and year of the stage (idempotent, deterministic).

    Only reports marked `is_demo` are written; a unit's real report is never touched.
    """
    movement = _seeded_movement(movement_code)
    result = LoadResult()
    wanted = demo_values(movement=movement)
    units = {u.code: u for u in Unit.objects.all()}
    periods = {
        p.year: p
        for p in Period.objects.filter(
            kind=Period.Kind.YEAR, year__range=(movement.start_year, movement.end_year)
        )
    }
    indicators = {i.code: i for i in Indicator.objects.filter(movement=movement)}
    rollups = RollupChange(
        Report.objects.filter(movement=movement, period__in=list(periods.values()), is_demo=True),
        units=[u.pk for u in units.values()],
        periods=[p.pk for p in periods.values()],
    )
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
        bulk_create_with_history(new_reports, Report, default_change_reason=ChangeReason.DEMO)
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
        bulk_create_with_history(to_create, Value, default_change_reason=ChangeReason.DEMO)
        result.created += len(to_create)
    if to_update:
        bulk_update_with_history(
            to_update, Value, ["value"], default_change_reason=ChangeReason.DEMO
        )
        result.updated += len(to_update)
    report_flags_store(demo_reports.values())
    rollups.apply()
    return result


# --- the period after the stage, open for entry (demo) ----------------------------------------

DEMO_OPEN_STATUS = {
    Report.Status.DRAFT: ["rach-gia", "hon-dat", "tan-hiep", "an-bien"],
    Report.Status.SUBMITTED: [
        "ha-tien",
        "kien-luong",
        "chau-thanh",
        "giong-rieng",
        "quan-su",
        "khoi-co-quan",
    ],
    Report.Status.RETURNED: ["cong-an"],
}
DEMO_RETURN_REASON = (
    "Số lượt tham dự hội nghị triển khai chưa khớp với số cuộc đã báo cáo; đề nghị kiểm tra lại "
    "và bổ sung phần kết quả nổi bật."
)


@transaction.atomic
def demo_open_period(
    *, movement_code: str = DEFAULT_MOVEMENT, year: int | None = None
) -> LoadResult:
    """Open the year after the stage (2014 for 3tn) for entry, with a realistic mix of demo
    reports: some drafts, some submitted, one returned with a reason, the rest not started.

    Idempotent: existing reports of that period are never touched. The stage's own figures
    (demo_load) are not read or changed except as a base for plausible numbers.
    """
    movement = _seeded_movement(movement_code)
    year = year or movement.end_year + 1
    result = LoadResult()
    stage = seed_data.NEXT_STAGE
    if stage["first_year"] <= year <= stage["last_year"]:
        # 2014 opens the seed's next stage.
        upsert(
            Stage,
            {"movement": movement, "first_year": stage["first_year"]},
            {k: v for k, v in stage.items() if k != "first_year"},
            result,
        )
    period = upsert(
        Period,
        {"kind": Period.Kind.YEAR, "year": year, "number": 0},
        {"open_for_entry": True, "deadline": dt.date(year + 1, 1, 15)},
        result,
    )
    indicators = entry_indicators(movement=movement)
    rollups = RollupChange(
        Report.objects.filter(movement=movement, period=period), periods=[period.pk]
    )
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
                if status == Report.Status.DRAFT and position >= len(indicators) // 2:
                    break
                start = base.get(code, {}).get(indicator.code)
                if start is None:
                    start = random.Random(f"{code}{indicator.code}").randint(0, 20)
                values[indicator.code] = round(start * _noise(code, indicator.code, year))
            values = parts_within_wholes(indicators, values)
            report = Report(
                unit=unit,
                period=period,
                movement=movement,
                status=Report.Status.DRAFT,
                is_demo=True,
                highlights="" if status == Report.Status.DRAFT else DEMO_NOTE_HIGHLIGHTS[index % 3],
                shortcomings=""
                if status == Report.Status.DRAFT
                else DEMO_NOTE_SHORTCOMINGS[index % 3],
            )
            if status != Report.Status.DRAFT:
                report.status = Report.Status.SUBMITTED
                report.submitted_at = now - dt.timedelta(days=3 + index)
            if status == Report.Status.RETURNED:
                report.status = Report.Status.RETURNED
                report.return_reason = DEMO_RETURN_REASON
                report.returned_at = now - dt.timedelta(days=1)
            report._change_reason = ChangeReason.DEMO
            report.save()
            bulk_create_with_history(
                [
                    Value(report=report, indicator=i, value=values[i.code])
                    for i in indicators
                    if i.code in values
                ],
                Value,
                default_change_reason=ChangeReason.DEMO,
            )
            result.created += 1
    report_flags_store(Report.objects.filter(movement=movement, period=period, is_demo=True))
    rollups.apply()
    return result
