"""Demo data: approved reports of the stage whose sums equal every published figure, and the
period after the stage opened for entry with a realistic mix of reports (both idempotent and
deterministic: every figure and every date comes from a seeded random generator, none from the
clock).

The demo behaves like a real year:

- **Dates around the deadline.** A report of year Y is due on its period's deadline (15/1/Y+1).
  About four in five are sent on the deadline or up to 9 days before it, the rest 1 to 35 days
  late; approved 1 to 7 days after being sent; created 10 to 30 days before; their figures
  last entered the day they were sent or up to two days before (`demo_dates`). The report's
  "last edited" (`updated_at`), its history row and its values' history rows carry those dates,
  not the day the demo is loaded.
- **The open period** (2014, deadline 15/1/2015). The app's today (2026) is long past its
  deadline, and the demo tells that story as it stood about four weeks after the deadline (its
  latest date, 7/2/2015): four of the six submitted reports came 1 to 6 days before the
  deadline, two late (`DEMO_OPEN_LATE`: Giồng Riềng 9 days, Khối cơ quan 23 days); Công an's,
  sent two days before the deadline, was returned a week later and is not sent again; the
  drafts were last edited around the deadline; the units that never started are late, which
  they are. So the late list of 2014 is neither empty nor everyone. No date is after the day
  the demo is loaded (a period whose deadline is still ahead is dated up to now).
- **Money in realistic ranges.** The stage's money figures are Công an's (the report states
  them for it alone), split over its years in proportion to the things they paid for, in whole
  hundreds of thousands of đồng: from 3,7 triệu of gifts to 405,5 triệu of houses a year. In
  2014 a unit's money figure is its count times last year's price, or the price the report
  gives (17 triệu an incinerator, some 7 triệu a house, some 110.000 đồng a gift), in tens of
  thousands of đồng: from 1,9 to 308,5 triệu, never under DEMO_MONEY_MIN (100.000 đồng) but
  for the deliberate "500" below. No figure like 15 đồng.
- **Consistent pairs** (`DEMO_PAIRS`): a value or a number of participants is split in
  proportion to its count, so a count of 0 has a value of 0 and nobody taking part; parts stay
  within their wholes; participants within members × factor; stocks (members, organisations)
  move by a few percent a year; a unit holds at least one meeting (outing, …) a year. So
  `values_check` against the previous year warns of nothing in the stage but Công an's one
  incinerator: its 17 triệu come from 0 the year before, which the change rule flags, as it
  would any one-off work.
- **Blanks and two deliberate mistakes in 2014**, so that the review and validation pages have
  something true to show: Giồng Riềng leaves the whole of II.3 "Trách nhiệm với bản thân" blank
  and Châu Thành its dams, bridge piers and incinerators (`DEMO_OPEN_BLANKS`: not reported,
  unlike 0); Kiên Lương enters "500" đồng of fund-raising (meaning 500 triệu) and Hà Tiên
  10.200 attendances of its deployment meetings, over twice its members
  (`DEMO_OPEN_IMPLAUSIBLE`).

Every demo report is marked `is_demo`; a unit's real report is never touched. Loading again
adds what is missing and never re-dates a report already there: `demo_remove` (`load_demo
--replace`) clears the demo first.
"""

from __future__ import annotations

import datetime as dt

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
from .demo_dates import DemoDates, demo_open_dates, seeded_random, stage_dates
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

# A figure that depends on a count, by the count: what the things counted are worth, or who
# took part in them. Split in proportion to its count, so that a count of 0 has a value of 0
# and nobody taking part.
# Each value or number of participants with the count it is split by: the seed's rules (a value
# needs its count, `requires`), and the fund split like the days' wages given to it (how the
# demo spreads it, not a rule: a fund may be raised otherwise).
DEMO_PAIRS = {
    code: extras["requires"]
    for _group, code, *_rest, extras in seed_data.INDICATORS
    if "requires" in extras
} | {"tien-quy-xa-hoi": "ngay-luong-ung-ho"}
_PAIR_COUNTS = set(DEMO_PAIRS.values())
# The smallest money figure above 0 the demo holds (but DEMO_OPEN_IMPLAUSIBLE): a gift.
DEMO_MONEY_MIN = 100_000
# Money is given in whole tens of thousands of đồng, as reports give it.
_MONEY_STEP = 10_000
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


def _noise(*key, spread: float = 0.25) -> float:
    return seeded_random(*key).uniform(1 - spread, 1 + spread)


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


def _stock(unit_code: str, key: str, per_size: int, growth: float, year: int) -> int:
    """A unit's stock in `year`: its own level, grown over the stage, give or take 4%."""
    level = _UNIT_SIZE[unit_code] * per_size * _noise(unit_code, key)
    return round(level * growth * _noise(unit_code, key, year, spread=0.04))


def demo_values(*, movement: Movement) -> dict[tuple[str, int], dict[str, int]]:
    """The demo figures: {(unit code, year): {indicator code: value}}.

    Each published total is split over the units and years it covers so that the sum equals it
    exactly; attributed figures go to their unit only; ratios published as 100% get numerator
    equal to denominator everywhere. A figure of DEMO_PAIRS is split in proportion to its count
    (none where the count is 0); money in whole hundreds of thousands of đồng. Stocks keep a
    unit's level and move by a few percent a year.
    """
    by_year = demo_reporting_units(movement=movement)
    cells = [(u.code, year) for year, units in by_year.items() for u in units]
    out: dict[tuple[str, int], dict[str, int]] = {cell: {} for cell in cells}

    # Stocks first: member counts, organisations, grassroots units.
    for unit_code, year in cells:
        growth = 1 + 0.04 * (year - movement.start_year)
        values = out[(unit_code, year)]

        values["doan-vien"] = _stock(unit_code, "dv", 310, growth, year)
        values["to-chuc-doan-co-quan"] = max(2, _stock(unit_code, "tc", 4, growth, year))
        values["co-so-doan"] = max(2, _stock(unit_code, "cs", 3, growth, year))
        registered = values["co-so-doan"] - seeded_random(unit_code, year).randint(0, 2)
        values["co-so-dang-ky-phong-trao"] = max(0, registered)

    published = PublishedFigure.objects.filter(
        indicator__movement=movement,
        start_year=movement.start_year,
        end_year=movement.end_year,
    ).select_related("indicator", "unit")
    # Counts before the figures that depend on them.
    for figure in sorted(published, key=lambda f: f.indicator.code in DEMO_PAIRS):
        indicator = figure.indicator
        scope = [
            c for c in cells if figure.unit.kind == Unit.Kind.PROVINCE or c[0] == figure.unit.code
        ]
        if indicator.kind == Indicator.Kind.RATIO:
            if figure.value != 100:
                continue
            numerator = indicator.numerator.code
            denominator = indicator.denominator.code
            for cell in scope:
                if denominator in out[cell]:
                    out[cell][numerator] = out[cell][denominator]
            continue
        count = DEMO_PAIRS.get(indicator.code)
        if count is not None and all(count in out[cell] for cell in scope):
            weights = [
                out[(u, y)][count] * _noise(u, indicator.code, y, spread=0.15) for u, y in scope
            ]
        else:
            weights = [
                _UNIT_SIZE[u] * _YEAR_TREND.get(y, 1.0) * _noise(u, indicator.code, y)
                for u, y in scope
            ]
        step = 1
        if indicator.kind == Indicator.Kind.MONEY and figure.value % 100_000 == 0:
            step = 100_000
        # A unit holds at least one of the things others are counted by (a meeting a year),
        # where there are enough of them: its participants never come from nothing.
        floor = int(indicator.code in _PAIR_COUNTS and figure.value >= len(scope))
        parts = split_exactly(figure.value // step - floor * len(scope), weights)
        for cell, part in zip(scope, parts, strict=True):
            out[cell][indicator.code] = (part + floor) * step

    return out


def _seeded_movement(code: str) -> Movement:
    movement = Movement.objects.filter(code=code).first()
    if movement is None:
        raise ServiceError(f"Chưa có phong trào “{code}”. Hãy chạy “manage.py load_seed” trước.")
    return movement


def _reports_created(planned: list[tuple[Report, DemoDates]]) -> list[Report]:
    """The `planned` demo reports, created and dated as given: created, last edited
    (`updated_at`, which `auto_now` would set to now) and their history row at their last
    step, with the reason "demo". A handful of queries, in batches, whatever their number."""
    if not planned:
        return []
    Report.objects.bulk_create([report for report, _dates in planned])
    keys = {(r.unit_id, r.period_id, r.movement_id): dates for r, dates in planned}
    created = [
        r
        for r in Report.objects.filter(
            unit__in={r.unit_id for r, _ in planned},
            period__in={r.period_id for r, _ in planned},
            movement__in={r.movement_id for r, _ in planned},
            is_demo=True,
        )
        if (r.unit_id, r.period_id, r.movement_id) in keys
    ]
    for report in created:
        dates = keys[(report.unit_id, report.period_id, report.movement_id)]
        report.created_at, report.updated_at = dates.created, dates.last
        report._history_date = dates.last
    Report.objects.bulk_update(created, ["created_at", "updated_at"])
    Report.history.bulk_history_create(created, default_change_reason=ChangeReason.DEMO)
    return created


def _values_created(values: list[Value], entered: dict[int, dt.datetime]) -> int:
    """Create `values` with their history dated when their report's figures were entered
    (`entered` by report id)."""
    for value in values:
        value._history_date = entered[value.report_id]
    if values:
        bulk_create_with_history(values, Value, default_change_reason=ChangeReason.DEMO)
    return len(values)


@transaction.atomic
def demo_load(*, movement_code: str = DEFAULT_MOVEMENT) -> LoadResult:
    """Approved demo reports for every unit and year of the stage (idempotent, deterministic),
    dated around each period's deadline (`demo_dates`).

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

    def reports() -> dict[tuple[str, int], Report]:
        return {
            (r.unit.code, r.period.year): r
            for r in Report.objects.filter(
                movement=movement, period__in=periods.values()
            ).select_related("unit", "period")
        }

    existing = reports()
    now = timezone.now()
    planned = []
    for index, (unit_code, year) in enumerate(sorted(wanted)):
        if (unit_code, year) in existing:
            continue
        period = periods[year]
        dates = stage_dates(unit_code, period, now)
        report = Report(
            unit=units[unit_code],
            period=period,
            movement=movement,
            status=Report.Status.APPROVED,
            highlights=DEMO_NOTE_HIGHLIGHTS[index % len(DEMO_NOTE_HIGHLIGHTS)],
            shortcomings=DEMO_NOTE_SHORTCOMINGS[index % len(DEMO_NOTE_SHORTCOMINGS)],
            submitted_at=dates.submitted,
            approved_at=dates.decided,
            is_demo=True,
        )
        planned.append((report, dates))
    _reports_created(planned)
    result.created += len(planned)
    if planned:
        existing = reports()

    demo_reports = {key: r for key, r in existing.items() if r.is_demo}
    current = {
        (v.report_id, v.indicator_id): v
        for v in Value.objects.filter(report__in=list(demo_reports.values()))
    }
    to_create, to_update, entered = [], [], {}
    for key, values in wanted.items():
        report = demo_reports.get(key)
        if report is None:
            continue
        entered[report.pk] = stage_dates(key[0], report.period, now).entered
        for code, number in values.items():
            indicator = indicators[code]
            value = current.get((report.pk, indicator.pk))
            if value is None:
                to_create.append(Value(report=report, indicator=indicator, value=number))
            elif value.value != number:
                value.value = number
                to_update.append(value)
    result.created += _values_created(to_create, entered)
    if to_update:
        bulk_update_with_history(
            to_update, Value, ["value"], default_change_reason=ChangeReason.DEMO
        )
        result.updated += len(to_update)
    report_flags_store(demo_reports.values())
    rollups.apply()
    return result


@transaction.atomic
def demo_remove(*, movement_code: str = DEFAULT_MOVEMENT) -> int:
    """Delete every demo report of the movement (`is_demo`) with its values and the history of
    both, the stored totals kept in step, so that the demo can be loaded again as this module
    writes it (`load_demo --replace`). A unit's real report is never touched. Returns how many
    reports were deleted."""
    movement = _seeded_movement(movement_code)
    reports = Report.objects.filter(movement=movement, is_demo=True)
    rollups = RollupChange(reports)
    ids = list(reports.values_list("pk", flat=True))
    Value.objects.filter(report__in=ids).delete()
    Report.objects.filter(pk__in=ids).delete()
    # The deletions' own history rows included: the demo leaves no trace.
    Value.history.filter(report_id__in=ids).delete()
    Report.history.filter(id__in=ids).delete()
    rollups.apply()
    return len(ids)


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
# Figures submitted reports leave blank (not reported, unlike 0): a whole section (a group
# code) or single indicators, with the figures that depend on them (DEMO_PAIRS).
DEMO_OPEN_BLANKS = {
    "giong-rieng": ["ban-than"],
    "chau-thanh": ["cong-ngan-man", "mo-cau", "lo-dot-rac"],
}
# Figures entered wrong on purpose, for review: Kiên Lương's fund-raising typed as "500" (it
# meant 500 triệu đồng), Hà Tiên's attendances over twice its members.
DEMO_OPEN_IMPLAUSIBLE = {
    ("kien-luong", "tien-quy-xa-hoi"): 500,
    ("ha-tien", "luot-du-trien-khai"): 10_200,
}
DEMO_RETURN_REASON = (
    "Số lượt tham dự hội nghị triển khai chưa khớp với số cuộc đã báo cáo; đề nghị kiểm tra lại "
    "và bổ sung phần kết quả nổi bật."
)


def _typical(movement: Movement) -> tuple[dict[str, float], dict[str, float]]:
    """(each published flow of the stage per unit of size and year, each DEMO_PAIRS figure
    per thing counted): what a unit with no figure of its own the year before reports."""
    years = movement.end_year - movement.start_year + 1
    per_size: dict[str, float] = {}
    published: dict[str, int] = {}
    for code, unit_code, kind, value in (
        PublishedFigure.objects.filter(
            indicator__movement=movement,
            start_year=movement.start_year,
            end_year=movement.end_year,
        )
        .exclude(indicator__kind=Indicator.Kind.RATIO)
        .values_list("indicator__code", "unit__code", "unit__kind", "value")
    ):
        sizes = sum(_UNIT_SIZE.values()) if kind == Unit.Kind.PROVINCE else _UNIT_SIZE[unit_code]
        per_size[code] = value / (sizes * years)
        published[code] = value
    rates = {
        code: published[code] / published[count]
        for code, count in DEMO_PAIRS.items()
        if published.get(count) and code in published
    }
    return per_size, rates


def _rounded(indicator: Indicator, number: float) -> int:
    """`number` as the unit would write it: money in tens of thousands, at least
    DEMO_MONEY_MIN when above 0."""
    if indicator.kind != Indicator.Kind.MONEY or number <= 0:
        return round(number)
    return max(DEMO_MONEY_MIN, round(number / _MONEY_STEP) * _MONEY_STEP)


def _open_values(
    unit_code: str,
    indicators: list[Indicator],
    base: dict[str, int],
    typical: tuple[dict[str, float], dict[str, float]],
    year: int,
    status: str,
    mistakes: bool = True,
) -> dict[str, int]:
    """A unit's demo figures of the open period: last year's (`base`) give or take a quarter
    (stocks 5%), or what its size makes typical; pairs in proportion to their count; a draft
    only its first half; with `mistakes`, DEMO_OPEN_BLANKS left out and DEMO_OPEN_IMPLAUSIBLE
    put in."""
    per_size, rates = typical
    size = _UNIT_SIZE.get(unit_code, 3)
    values: dict[str, int] = {}
    for position, indicator in enumerate(indicators):
        if status == Report.Status.DRAFT and position >= len(indicators) // 2:
            break
        code = indicator.code
        count = DEMO_PAIRS.get(code)
        if count in values:
            before, before_count = base.get(code), base.get(count)
            rate = before / before_count if before and before_count else rates.get(code, 1)
            number = values[count] * rate * _noise(unit_code, code, year, spread=0.15)
        else:
            start = base.get(code)
            if start is None:
                start = per_size.get(code, 0) * size
            stock = indicator.aggregation == Indicator.Aggregation.LAST
            number = start * _noise(unit_code, code, year, spread=0.05 if stock else 0.25)
        values[code] = _rounded(indicator, number)
    values = parts_within_wholes(indicators, values)
    if not mistakes:
        return values
    blank = DEMO_OPEN_BLANKS.get(unit_code, [])
    for indicator in indicators:
        if {indicator.code, indicator.group.code, DEMO_PAIRS.get(indicator.code)} & set(blank):
            values.pop(indicator.code, None)
    for (code, indicator_code), number in DEMO_OPEN_IMPLAUSIBLE.items():
        if code == unit_code and indicator_code in values:
            values[indicator_code] = number
    return values


# The next stage's báo cáo answer the plan that launched it, not the 2009–2013 letters of
# report 44A. No such plan is in the seed: this one is made up for the demo, and says so.
DEMO_STAGE_BASIS = (
    "Thực hiện Kế hoạch số 112-KH/TĐTN ngày 10 tháng 01 năm 2014 của Ban Thường vụ Tỉnh Đoàn, "
    "về việc triển khai phong trào “3 trách nhiệm” trong cán bộ, công chức giai đoạn 2014 - 2018 "
    "(văn bản minh hoạ của dữ liệu demo),"
)


def demo_stage_basis(stage: Stage) -> None:
    """Give the demo's next stage its own (demo) legal basis, once: a basis already set, in
    the admin say, is kept."""
    if not stage.legal_basis:
        stage.legal_basis = DEMO_STAGE_BASIS
        stage.save(update_fields=["legal_basis"])


@transaction.atomic
def demo_open_period(
    *, movement_code: str = DEFAULT_MOVEMENT, year: int | None = None
) -> LoadResult:
    """Open the year after the stage (2014 for 3tn) for entry, with a realistic mix of demo
    reports (DEMO_OPEN_STATUS): some drafts, some submitted (two late, two with a mistake, two
    with blanks), one returned with a reason, the rest not started; dated around the deadline
    as the module's docstring tells (`demo_open_dates`).

    Idempotent: existing reports of that period are never touched. The stage's own figures
    (demo_load) are not read or changed except as a base for plausible numbers.
    """
    movement = _seeded_movement(movement_code)
    year = year or movement.end_year + 1
    result = LoadResult()
    stage = seed_data.NEXT_STAGE
    if stage["first_year"] <= year <= stage["last_year"]:
        # 2014 opens the seed's next stage.
        opened = upsert(
            Stage,
            {"movement": movement, "first_year": stage["first_year"]},
            {k: v for k, v in stage.items() if k != "first_year"},
            result,
        )
        demo_stage_basis(opened)
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
    typical = _typical(movement)
    now = timezone.now()
    planned, figures = [], {}
    for status, codes in DEMO_OPEN_STATUS.items():
        for index, code in enumerate(codes):
            unit = units.get(code)
            if unit is None or code in existing or not unit.reports_in(period):
                continue
            dates = demo_open_dates(code, status, period.deadline, now)
            notes = status != Report.Status.DRAFT
            report = Report(
                unit=unit,
                period=period,
                movement=movement,
                status=status,
                is_demo=True,
                highlights=DEMO_NOTE_HIGHLIGHTS[index % 3] if notes else "",
                shortcomings=DEMO_NOTE_SHORTCOMINGS[index % 3] if notes else "",
                submitted_at=dates.submitted,
            )
            if status == Report.Status.RETURNED:
                report.return_reason = DEMO_RETURN_REASON
                report.returned_at = dates.decided
            planned.append((report, dates))
            figures[unit.pk] = (
                dates.entered,
                _open_values(code, indicators, base.get(code, {}), typical, year, status),
            )
    by_code = {i.code: i for i in indicators}
    values, entered = [], {}
    for report in _reports_created(planned):
        entered[report.pk], numbers = figures[report.unit_id]
        values += [
            Value(report=report, indicator=by_code[code], value=number)
            for code, number in numbers.items()
        ]
    _values_created(values, entered)
    result.created += len(planned)
    report_flags_store(Report.objects.filter(movement=movement, period=period, is_demo=True))
    rollups.apply()
    return result
