"""The demo scenario of the 2025 change (`load_demo --scenario 2025`): Kiên Giang and An Giang
merged into the province An Giang from 1/7/2025, the district level ended, and the years 2025
and 2026 reported on the new tree. Opt-in: the stage's demo (`services.demo`) is unchanged.

Applied through the tree services (`services.tree`), as recorded changes with their documents,
in one transaction, once (loading again adds only missing reports):

1. Tỉnh Đoàn An Giang (official code 91) created from 1/7/2025, on Nghị quyết 202/2025/QH15 of
   the National Assembly (12/6/2025), which Nghị quyết 60-NQ/TW (12/4/2025) decided.
2. Seven Đoàn of the new xã, phường and đặc khu from the official catalogue (`vietnam-provinces`)
   under it from 1/7/2025 (`DEMO_2025_WARDS`): Phường Rạch Giá, Phường Hà Tiên, Đặc khu Phú
   Quốc, Xã Hòn Đất, Xã Sơn Kiên, Xã Tân Hiệp, Xã Kiên Lương. A subset of the 102.
3. Kiên Giang's fifteen district-level units end on 30/6/2025, by an ILLUSTRATIVE mapping
   (`DEMO_2025_MERGES`, `DEMO_2025_SPLIT`): three merges of two districts into a new ward, one
   split by members, the rest closed. It is not the official arrangement, and every change's
   notes say so.
4. The directly affiliated branches move to the new province (a successor each, same name,
   from 1/7/2025: their history stays under Kiên Giang).
5. Tỉnh Đoàn Kiên Giang and the former Tỉnh Đoàn An Giang merged into Tỉnh Đoàn An Giang. The
   former An Giang is added as a root unit with no units and no figures of its own: the demo
   has only Kiên Giang's tree before 2025.

Periods are years (the movement's kind). A unit closed on 30/6/2025 is due for 2025 (the year
began before its close: it reports the work of its half year) and for nothing after; a unit
from 1/7/2025 is due for 2025 (its half year) and after (`Unit.reports_in`). With half-year
periods the closed unit would be due for 2025-H1 only and its successor from 2025-H2.

Figures: a unit's last year of the stage (or, for a new ward, its predecessors' by their
share), give or take a quarter, flows halved in 2025 for the half year each worked
(`_open_values`). 2025 is nearly complete (approved but `DEMO_2025_SUBMITTED` and
`DEMO_2025_MISSING`); 2026 half reported (`DEMO_2026_STATUS`), as it stood at the end of
November 2026. Every report is `is_demo`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..models import Indicator, Period, Report, Unit, Value
from ..selectors import entry_indicators
from ..selectors.tree import predecessors_of
from . import ServiceError
from .catalogue import catalogue_specs
from .demo import (
    DEMO_NOTE_HIGHLIGHTS,
    DEMO_NOTE_SHORTCOMINGS,
    _open_values,
    _reports_created,
    _seeded_movement,
    _typical,
    _values_created,
)
from .demo_dates import DemoDates, demo_open_dates, stage_dates
from .flags import report_flags_store
from .rollups import RollupChange
from .seed import LoadResult, upsert
from .tree import ChangeSpec, Kind, NewUnit, Share, tree_change_apply

DAY = dt.date(2025, 7, 1)
PROVINCE = "an-giang"
FORMER_AN_GIANG = "an-giang-truoc-2025"
OLD_PROVINCE = "kien-giang"
CENTRAL = {
    "document_number": "60-NQ/TW",
    "document_date": dt.date(2025, 4, 12),
    "document_body": "Ban Chấp hành Trung ương",
}
ASSEMBLY = {
    "document_number": "202/2025/QH15",
    "document_date": dt.date(2025, 6, 12),
    "document_body": "Quốc hội",
}
BASIS_NOTE = (
    "Căn cứ Nghị quyết số 60-NQ/TW ngày 12/4/2025 của Ban Chấp hành Trung ương và Nghị quyết "
    "số 202/2025/QH15 ngày 12/6/2025 của Quốc hội về sắp xếp đơn vị hành chính cấp tỉnh. "
)
DEMO_NOTE = "Dữ liệu minh hoạ (demo)."
MAPPING_NOTE = (
    "Ánh xạ MINH HOẠ của dữ liệu demo, không phải phương án sắp xếp chính thức: "
    "Đoàn cấp huyện kết thúc hoạt động, Đoàn xã, phường, đặc khu trực thuộc Tỉnh Đoàn."
)
# The official codes of the catalogue's wards the demo creates.
DEMO_2025_WARDS = {
    "30742": "phuong-rach-gia",
    "30769": "phuong-ha-tien",
    "31078": "dac-khu-phu-quoc",
    "30817": "xa-hon-dat",
    "30835": "xa-son-kien",
    "30850": "xa-tan-hiep",
    "30787": "xa-kien-luong",
}
# Illustrative: two districts merged into a new ward.
DEMO_2025_MERGES = {
    "phuong-rach-gia": ("rach-gia", "chau-thanh"),
    "phuong-ha-tien": ("ha-tien", "giang-thanh"),
    "dac-khu-phu-quoc": ("phu-quoc", "kien-hai"),
}
# Illustrative: Hòn Đất split by its members.
DEMO_2025_SPLIT = ("hon-dat", {"xa-hon-dat": 1150, "xa-son-kien": 720})
DEMO_2025_CLOSED = (
    "kien-luong",
    "tan-hiep",
    "giong-rieng",
    "go-quao",
    "an-bien",
    "an-minh",
    "vinh-thuan",
    "u-minh-thuong",
)
# 2025: every due unit's report approved but these (sent, not yet approved) and those (none).
DEMO_2025_SUBMITTED = ("an-minh", "xa-son-kien")
DEMO_2025_MISSING = ("u-minh-thuong", "xa-kien-luong")
# 2026, by the end of November: the rest not started. Branch successors by their old code.
DEMO_2026_STATUS = {
    Report.Status.SUBMITTED: ["phuong-rach-gia", "dac-khu-phu-quoc", "cong-an", "quan-su"],
    Report.Status.DRAFT: ["phuong-ha-tien", "xa-hon-dat", "khoi-co-quan", "cd-su-pham"],
}
DEMO_2026_AS_OF = dt.date(2026, 11, 30)


class _Loader:
    """Who applies the scenario: the loader, as an installation's superuser would (a root
    unit is created), recorded as nobody (`TreeChange.created_by` empty)."""

    is_superuser = is_active = True
    is_authenticated = False
    pk = None


def _spec(kind: str, *, basis: dict, note: str, **fields) -> ChangeSpec:
    return ChangeSpec(kind=kind, date=DAY, notes=f"{note} {DEMO_NOTE}".strip(), **basis, **fields)


def _tree_changed() -> bool:
    """Apply the scenario's changes (`services.tree`), unless already applied. True: applied."""
    if Unit.objects.filter(code=PROVINCE).exists():
        return False
    old = Unit.objects.filter(code=OLD_PROVINCE, parent__isnull=True).first()
    if old is None:
        raise ServiceError("Chưa có Tỉnh Đoàn Kiên Giang. Hãy chạy “manage.py load_seed” trước.")
    user = _Loader()
    # The former An Giang before the change: in the data, not an event of 2025.
    Unit.objects.create(
        code=FORMER_AN_GIANG,
        name="Tỉnh Đoàn An Giang (trước 1/7/2025)",
        short_name="An Giang (cũ)",
        kind=Unit.Kind.PROVINCE,
        gso_code="89",
    )

    def apply(spec: ChangeSpec) -> None:
        tree_change_apply(user=user, spec=spec)

    apply(
        _spec(
            Kind.CREATE,
            basis=ASSEMBLY,
            note=BASIS_NOTE,
            new_unit=NewUnit(
                code=PROVINCE,
                name="Tỉnh Đoàn An Giang",
                short_name="An Giang",
                kind=Unit.Kind.PROVINCE,
                gso_code="91",
            ),
        )
    )
    province = Unit.objects.get(code=PROVINCE)
    for _number, spec in catalogue_specs(province_code="91", parent=province, date=DAY, **ASSEMBLY):
        if spec.new_unit.gso_code in DEMO_2025_WARDS:
            new = NewUnit(
                **{**vars(spec.new_unit), "code": DEMO_2025_WARDS[spec.new_unit.gso_code]}
            )
            apply(_spec(Kind.CREATE, basis=ASSEMBLY, note=BASIS_NOTE, new_unit=new))
    for target, sources in DEMO_2025_MERGES.items():
        apply(
            _spec(Kind.MERGE, basis=CENTRAL, note=MAPPING_NOTE, sources=sources, targets=(target,))
        )
    source, members = DEMO_2025_SPLIT
    apply(
        _spec(
            Kind.SPLIT,
            basis=CENTRAL,
            note=MAPPING_NOTE,
            sources=(source,),
            targets=tuple(members),
            shares=tuple(Share(members=n) for n in members.values()),
        )
    )
    for code in DEMO_2025_CLOSED:
        apply(_spec(Kind.CLOSE, basis=CENTRAL, note=MAPPING_NOTE, sources=(code,)))
    for branch in old.children.filter(kind=Unit.Kind.BRANCH).order_by("sort_order", "pk"):
        apply(
            _spec(
                Kind.MOVE,
                basis=ASSEMBLY,
                note=BASIS_NOTE,
                sources=(branch.code,),
                new_parent=PROVINCE,
            )
        )
    apply(
        _spec(
            Kind.MERGE,
            basis=ASSEMBLY,
            note=BASIS_NOTE,
            sources=(OLD_PROVINCE, FORMER_AN_GIANG),
            targets=(PROVINCE,),
        )
    )
    return True


def _demo_code(unit: Unit) -> str:
    """A branch's successor by its old code (cong-an-20250701: cong-an)."""
    return unit.code.removesuffix(f"-{DAY:%Y%m%d}")


def _bases(movement, year: int, units: list[Unit]) -> dict[int, dict[str, Decimal]]:
    """Each unit's figures of `year` (the last of the stage), or its predecessors' by share."""
    own: dict[int, dict[str, int]] = {}
    for unit_id, code, number in Value.objects.filter(
        report__movement=movement, report__period__kind=Period.Kind.YEAR, report__period__year=year
    ).values_list("report__unit_id", "indicator__code", "value"):
        own.setdefault(unit_id, {})[code] = number
    bases: dict[int, dict[str, Decimal]] = {}
    for unit in units:
        if unit.pk in own:
            bases[unit.pk] = {k: Decimal(v) for k, v in own[unit.pk].items()}
            continue
        base: dict[str, Decimal] = {}
        for before in predecessors_of(unit):
            for code, number in own.get(before.unit.pk, {}).items():
                base[code] = base.get(code, 0) + number * (before.share or 0)
        bases[unit.pk] = base
    return bases


def _halved(base: dict[str, Decimal], indicators: list[Indicator]) -> dict[str, float]:
    """The flows of a half year: half the year's; stocks as they are."""
    stock = {i.code for i in indicators if i.aggregation == Indicator.Aggregation.LAST}
    return {k: float(v if k in stock else v / 2) for k, v in base.items()}


def _period(year: int, open_for_entry: bool, result: LoadResult) -> Period:
    return upsert(
        Period,
        {"kind": Period.Kind.YEAR, "year": year, "number": 0},
        {"open_for_entry": open_for_entry, "deadline": dt.date(year + 1, 1, 15)},
        result,
    )


def _plan(period: Period, units: list[Unit], now: dt.datetime) -> dict[int, tuple[str, DemoDates]]:
    """{unit id: (status, DemoDates)} of the demo reports of `period`."""
    plan = {}
    for unit in units:
        code = _demo_code(unit)
        if period.year == 2025:
            if code in DEMO_2025_MISSING:
                continue
            if code in DEMO_2025_SUBMITTED:
                status = Report.Status.SUBMITTED
                dates = demo_open_dates(unit.code, status, period.deadline, now)
            else:
                status, dates = Report.Status.APPROVED, stage_dates(unit.code, period, now)
        else:
            status = next((s for s, codes in DEMO_2026_STATUS.items() if code in codes), None)
            if status is None:
                continue
            dates = demo_open_dates(unit.code, status, DEMO_2026_AS_OF, now)
        plan[unit.pk] = (status, dates)
    return plan


def _reports_loaded(movement, period: Period, base_year: int) -> int:
    """The demo reports of `period` (`_plan`) of the units under the roots that report in it
    and have none yet, their figures from `base_year`'s (`_bases`). Returns how many."""
    indicators = entry_indicators(movement=movement)
    by_code = {i.code: i for i in indicators}
    units = [
        u
        for u in Unit.objects.filter(parent__isnull=False, parent__parent__isnull=True)
        if u.reports_in(period)
    ]
    existing = set(
        Report.objects.filter(movement=movement, period=period).values_list("unit_id", flat=True)
    )
    units = [u for u in units if u.pk not in existing]
    bases = _bases(movement, base_year, units)
    typical = _typical(movement)
    now = timezone.now()
    planned, figures = [], {}
    by_id = {u.pk: u for u in units}
    for index, (unit_id, (status, dates)) in enumerate(_plan(period, units, now).items()):
        unit = by_id[unit_id]
        half = period.year == 2025 and (
            unit.valid_to == DAY - dt.timedelta(days=1) or unit.valid_from == DAY
        )
        base = (
            _halved(bases[unit_id], indicators)
            if half
            else {k: float(v) for k, v in bases[unit_id].items()}
        )
        report = Report(
            unit=unit,
            period=period,
            movement=movement,
            status=status,
            is_demo=True,
            highlights=DEMO_NOTE_HIGHLIGHTS[index % 3] if status != Report.Status.DRAFT else "",
            shortcomings=DEMO_NOTE_SHORTCOMINGS[index % 3] if status != Report.Status.DRAFT else "",
            submitted_at=dates.submitted,
            approved_at=dates.decided if status == Report.Status.APPROVED else None,
        )
        planned.append((report, dates))
        numbers = _open_values(
            _demo_code(unit), indicators, base, typical, period.year, status, mistakes=False
        )
        figures[unit_id] = (dates.entered, numbers)
    values, entered = [], {}
    for report in _reports_created(planned):
        entered[report.pk], numbers = figures[report.unit_id]
        values += [Value(report=report, indicator=by_code[c], value=n) for c, n in numbers.items()]
    _values_created(values, entered)
    return len(planned)


@transaction.atomic
def demo_2025_load(*, movement_code: str) -> LoadResult:
    """The 2025 scenario (module docstring): the tree's changes once, the periods 2025 and 2026
    and their demo reports (missing ones only). Deterministic but for dates capped at now."""
    movement = _seeded_movement(movement_code)
    result = LoadResult()
    if _tree_changed():
        result.created += 1
    periods = [_period(2025, True, result), _period(2026, True, result)]
    rollups = RollupChange(
        Report.objects.filter(movement=movement, period__in=periods),
        periods=[p.pk for p in periods],
    )
    for period in periods:
        result.created += _reports_loaded(movement, period, movement.end_year)
    report_flags_store(Report.objects.filter(movement=movement, period__in=periods, is_demo=True))
    rollups.apply()
    return result
