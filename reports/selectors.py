"""Every aggregation behind a dashboard, table, export or generated report.

Figures are summed in the database over a unit's subtree (`Unit.path`). Ratios are computed
after summing their numerator and denominator, never averaged. `last` indicators (stocks such as
member counts) are taken at the end of the range instead of summed over years.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, IntegerField, Q, Sum, When
from django.db.models import Value as V

from movements.models import Indicator, Movement, PublishedFigure, Report, Unit, Value

# (indicator code, unit code or None, year or None)
TotalKey = tuple[str, str | None, int | None]


def ratio_percent(numerator: int | None, denominator: int | None) -> Decimal | None:
    """numerator / denominator as a percentage with one decimal, or None when undefined."""
    if numerator is None or not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def indicator_totals(
    movement: Movement,
    unit: Unit,
    start_year: int,
    end_year: int,
    *,
    by_unit: bool = False,
    by_year: bool = False,
    include_submitted: bool = False,
    indicators: list[Indicator] | None = None,
    children: list[Unit] | None = None,
) -> dict[TotalKey, int | Decimal | None]:
    """Totals over `unit`'s subtree for the years start_year..end_year, in one query.

    Returns {(indicator code, unit code | None, year | None): value}. With `by_unit`, the unit
    part is the child of `unit` (from `children`, default its direct children) whose subtree did
    the work, or `unit` itself for its own reports; with `by_year`, each year apart. Ratio
    indicators come back as percentages (Decimal, None where the denominator is 0). A key is
    absent where nobody reported.
    """
    if indicators is None:
        indicators = list(
            Indicator.objects.filter(movement=movement).select_related("numerator", "denominator")
        )
    stored_ids = set()
    for indicator in indicators:
        if indicator.kind == Indicator.Kind.RATIO:
            stored_ids.update([indicator.numerator_id, indicator.denominator_id])
        else:
            stored_ids.add(indicator.pk)

    rows = Value.objects.filter(
        indicator_id__in=stored_ids,
        report__movement=movement,
        report__period__kind=movement.period_kind,
        report__period__year__gte=start_year,
        report__period__year__lte=end_year,
        report__unit__path__startswith=unit.path,
        report__status__in=_counted_statuses(include_submitted),
    )
    if not by_year:
        # A stock counts once, as it stood at the end of the range.
        rows = rows.filter(
            Q(indicator__aggregation=Indicator.Aggregation.SUM) | Q(report__period__year=end_year)
        )
    group_by = ["indicator__code"]
    unit_codes: dict[int, str] = {}
    if by_unit:
        if children is None:
            children = list(unit.children.all())
        whens = [When(report__unit__path__startswith=c.path, then=V(c.pk)) for c in children]
        unit_codes = {c.pk: c.code for c in children}
        unit_codes[unit.pk] = unit.code
        rows = rows.annotate(bucket=Case(*whens, default=V(unit.pk), output_field=IntegerField()))
        group_by.append("bucket")
    if by_year:
        group_by.append("report__period__year")

    totals: dict[TotalKey, int | Decimal | None] = {}
    for row in rows.values(*group_by).annotate(total=Sum("value")).order_by():
        key = (
            row["indicator__code"],
            unit_codes.get(row["bucket"]) if by_unit else None,
            row.get("report__period__year") if by_year else None,
        )
        totals[key] = int(row["total"])

    for indicator in indicators:
        if indicator.kind != Indicator.Kind.RATIO:
            continue
        num_code, den_code = indicator.numerator.code, indicator.denominator.code
        for key in [k for k in totals if k[0] == den_code]:
            numerator = totals.get((num_code, key[1], key[2]), 0)
            totals[(indicator.code, key[1], key[2])] = ratio_percent(numerator, totals[key])
    wanted = {i.code for i in indicators}
    return {k: v for k, v in totals.items() if k[0] in wanted}


def _counted_statuses(include_submitted: bool) -> list[str]:
    statuses = [Report.Status.APPROVED]
    if include_submitted:
        statuses.append(Report.Status.SUBMITTED)
    return statuses


@dataclass(frozen=True)
class Reconciliation:
    figure: PublishedFigure
    computed: int | Decimal | None

    @property
    def matches(self) -> bool:
        return self.computed is not None and Decimal(self.computed) == Decimal(self.figure.value)

    @property
    def difference(self) -> int | Decimal | None:
        if self.computed is None:
            return None
        return self.computed - self.figure.value


def published_reconciliation(
    movement: Movement, unit: Unit | None = None, include_submitted: bool = False
) -> list[Reconciliation]:
    """Each published figure of the movement (within `unit`'s subtree, if given) beside the
    total that the unit data give for the same unit and years.

    Queries: one for the figures, one per distinct (unit, years) scope they cover.
    """
    figures = (
        PublishedFigure.objects.filter(indicator__movement=movement)
        .select_related(
            "indicator",
            "indicator__group",
            "unit",
            "indicator__numerator",
            "indicator__denominator",
        )
        .order_by("document", "order")
    )
    if unit is not None:
        figures = figures.filter(unit__path__startswith=unit.path)
    figures = list(figures)
    scopes: dict[tuple[int, int, int], list[PublishedFigure]] = defaultdict(list)
    for figure in figures:
        scopes[(figure.unit_id, figure.start_year, figure.end_year)].append(figure)
    computed: dict[int, int | Decimal | None] = {}
    for (_unit_id, start, end), group in scopes.items():
        totals = indicator_totals(
            movement,
            group[0].unit,
            start,
            end,
            include_submitted=include_submitted,
            indicators=[f.indicator for f in group],
        )
        for figure in group:
            computed[figure.pk] = totals.get((figure.indicator.code, None, None))
    return [Reconciliation(figure=f, computed=computed[f.pk]) for f in figures]


EXPORT_COLUMNS = [
    "unit_code",
    "unit_name",
    "period",
    "indicator_code",
    "indicator_name",
    "measure",
    "value",
]


def export_rows(
    movement: Movement,
    unit: Unit,
    start_year: int,
    end_year: int,
    by: str = "none",
    include_submitted: bool = False,
) -> list[dict]:
    """Aggregated figures of `unit`'s subtree as flat rows (columns EXPORT_COLUMNS), in report
    order: by 'unit' (each child subtree, and the unit's own reports), 'year', or 'none'."""
    indicators = list(
        Indicator.objects.filter(movement=movement)
        .select_related("group", "numerator", "denominator")
        .order_by("group__order", "order")
    )
    children = list(unit.children.order_by("sort_order", "path")) if by == "unit" else []
    totals = indicator_totals(
        movement,
        unit,
        start_year,
        end_year,
        by_unit=by == "unit",
        by_year=by == "year",
        include_submitted=include_submitted,
        indicators=indicators,
        children=children,
    )
    stage = f"{start_year}-{end_year}" if start_year != end_year else str(start_year)
    unit_list = [unit, *children] if by == "unit" else [unit]
    years = list(range(start_year, end_year + 1)) if by == "year" else [None]
    rows = []
    for row_unit in unit_list:
        for year in years:
            for indicator in indicators:
                key = (indicator.code, row_unit.code if by == "unit" else None, year)
                if key not in totals:
                    continue
                rows.append(
                    {
                        "unit_code": row_unit.code,
                        "unit_name": row_unit.name,
                        "period": str(year) if year else stage,
                        "indicator_code": indicator.code,
                        "indicator_name": indicator.name,
                        "measure": indicator.measure,
                        "value": totals[key],
                    }
                )
    return rows


def published_rows(movement: Movement, unit: Unit, start_year: int, end_year: int) -> list[dict]:
    """The published figures within `unit`'s subtree and the years, as EXPORT_COLUMNS rows."""
    figures = (
        PublishedFigure.objects.filter(
            indicator__movement=movement,
            unit__path__startswith=unit.path,
            start_year__gte=start_year,
            end_year__lte=end_year,
        )
        .select_related("indicator", "unit")
        .order_by("document", "order")
    )
    return [
        {
            "unit_code": f.unit.code,
            "unit_name": f.unit.name,
            "period": f"{f.start_year}-{f.end_year}",
            "indicator_code": f.indicator.code,
            "indicator_name": f.indicator.name,
            "measure": f.indicator.measure,
            "value": f.value,
        }
        for f in figures
    ]


# ---------------------------------------------------------------------------------------------
# The generated báo cáo (reports/documents.py): who reported, their notes, the published figures
# for the same unit and years.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportNote:
    unit: Unit
    year: int
    highlights: str
    shortcomings: str


@dataclass
class ReportCoverage:
    """Which units of a subtree reported in which years of a range.

    `units`: the subtree in tree order; `expected`: (unit, years) for the units that existed on
    the first day of each year (the province itself excepted: it compiles, it does not report);
    `reported`: {unit id: years with a counted report}; `notes`: the counted reports' notes.
    """

    units: list[Unit]
    expected: list[tuple[Unit, list[int]]]
    reported: dict[int, list[int]]
    notes: list[ReportNote]
    report_count: int
    is_demo: bool

    @property
    def reporting_units(self) -> list[Unit]:
        return [u for u in self.units if self.reported.get(u.pk)]

    @property
    def missing(self) -> list[tuple[Unit, list[int]]]:
        """(unit, years) where an expected report is not counted, in tree order."""
        out = []
        for unit, years in self.expected:
            gaps = [y for y in years if y not in self.reported.get(unit.pk, [])]
            if gaps:
                out.append((unit, gaps))
        return out


def report_coverage(
    movement: Movement,
    unit: Unit,
    start_year: int,
    end_year: int,
    include_submitted: bool = False,
) -> ReportCoverage:
    """Who in `unit`'s subtree reported (approved, plus submitted if asked) in each year of the
    range, and what they noted. Two queries."""
    import datetime as dt  # here, so that this block stays an append to the module

    units = _tree_order(list(Unit.objects.subtree_of(unit)))
    by_id = {u.pk: u for u in units}
    rows = (
        Report.objects.filter(
            movement=movement,
            period__kind=movement.period_kind,
            period__year__gte=start_year,
            period__year__lte=end_year,
            unit__path__startswith=unit.path,
        )
        .counted(include_submitted)
        .order_by("period__year", "unit__path")
        .values_list("unit_id", "period__year", "is_demo", "highlights", "shortcomings")
    )
    reported: dict[int, list[int]] = defaultdict(list)
    notes, count, is_demo = [], 0, False
    for unit_id, year, demo, highlights, shortcomings in rows:
        count += 1
        is_demo = is_demo or demo
        if year not in reported[unit_id]:
            reported[unit_id].append(year)
        if (highlights or "").strip() or (shortcomings or "").strip():
            notes.append(ReportNote(by_id[unit_id], year, highlights, shortcomings))
    expected = []
    for member in units:
        if member.kind == Unit.Kind.PROVINCE:
            continue
        years = [y for y in range(start_year, end_year + 1) if member.existed_on(dt.date(y, 1, 1))]
        if years:
            expected.append((member, years))
    notes.sort(key=lambda n: (units.index(n.unit), n.year))
    return ReportCoverage(
        units=units,
        expected=expected,
        reported=dict(reported),
        notes=notes,
        report_count=count,
        is_demo=is_demo,
    )


def _tree_order(units: list[Unit]) -> list[Unit]:
    """Parents before children, siblings by sort order."""
    children: dict[int | None, list[Unit]] = defaultdict(list)
    ids = {u.pk for u in units}
    for u in units:
        children[u.parent_id if u.parent_id in ids else None].append(u)
    out: list[Unit] = []

    def walk(parent_id):
        for child in sorted(children.get(parent_id, []), key=lambda u: (u.sort_order, u.path)):
            out.append(child)
            walk(child.pk)

    walk(None)
    return out


def report_published_figures(
    movement: Movement, unit: Unit, start_year: int, end_year: int
) -> list[PublishedFigure]:
    """The published figures of `unit`'s subtree for exactly these years, in document order.
    One query."""
    return list(
        PublishedFigure.objects.filter(
            indicator__movement=movement,
            unit__path__startswith=unit.path,
            start_year=start_year,
            end_year=end_year,
        )
        .select_related("indicator", "indicator__group", "unit")
        .order_by("document", "order", "pk")
    )
