"""Every aggregation behind a dashboard, table, export or generated report.

Figures are summed in the database over a unit's subtree (`Unit.path`). Ratios are computed
after summing their numerator and denominator, never averaged. `last` indicators (stocks such as
member counts) are taken at the end of the range instead of summed over years.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, CharField, Count, F, IntegerField, Q, Sum, When
from django.db.models import Value as V
from django.utils import timezone

from movements.models import (
    Indicator,
    IndicatorGroup,
    Movement,
    Period,
    PublishedFigure,
    Report,
    Unit,
    Value,
)
from movements.selectors import indicators_by_group, open_periods

# (indicator code, unit code or None, year or None)
TotalKey = tuple[str, str | None, int | None]
Number = int | Decimal | None


def ratio_percent(numerator: Number, denominator: Number) -> Decimal | None:
    """numerator / denominator as a percentage, unrounded (Decimal's 28 significant digits), or
    None when undefined. Pages, charts and exports round it only where they show it."""
    if numerator is None or not denominator:
        return None
    return Decimal(numerator) * 100 / Decimal(denominator)


def indicator_totals(
    *,
    movement: Movement,
    unit: Unit,
    start_year: int,
    end_year: int,
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
    *, movement: Movement, unit: Unit | None = None, include_submitted: bool = False
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
            movement=movement,
            unit=group[0].unit,
            start_year=start,
            end_year=end,
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
    children = list(unit.children.in_official_order()) if by == "unit" else []
    totals = indicator_totals(
        movement=movement,
        unit=unit,
        start_year=start_year,
        end_year=end_year,
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
# Dashboards: who sees what, and the aggregations behind /, /compare/, /units/<code>/ and
# /completeness/. Each selector runs a fixed number of queries, whatever the number of units,
# indicators or years.
# ---------------------------------------------------------------------------------------------

MEMBERS_INDICATOR = "doan-vien"


@dataclass(frozen=True)
class Scope:
    """What a user may see on the dashboards, built on `Unit.objects.visible_to(user)`.

    `units`: the units whose own figures and reports the user may read (tree order).
    `root`: the province; anyone with a membership may read its totals (a unit secretary sees
    their own unit and the province-wide totals, not their neighbours).
    """

    units: tuple[Unit, ...]
    root: Unit | None

    @property
    def is_empty(self) -> bool:
        return not self.units

    def can_see(self, unit: Unit) -> bool:
        """May the user read this unit's own figures, breakdown and reports?"""
        return any(u.pk == unit.pk for u in self.units)

    def can_see_totals(self, unit: Unit) -> bool:
        """May the user read this unit's totals (its own units, or the province)?"""
        return self.can_see(unit) or (self.root is not None and self.root.pk == unit.pk)

    @property
    def total_units(self) -> list[Unit]:
        """Units whose totals the user may choose: the province first, then their units."""
        rest = [u for u in self.units if self.root is None or u.pk != self.root.pk]
        return ([self.root] if self.root is not None else []) + rest

    @property
    def compared_units(self) -> list[Unit]:
        """Visible districts and branches (the units the province compares), in report order."""
        return sorted(
            (u for u in self.units if u.peer_group in ("district", "branch")),
            key=lambda u: u.official_key,
        )

    def children_of(self, parent: Unit) -> list[Unit]:
        """Visible units directly under `parent`, by peer group (districts, branches,
        grassroots), then in report order."""
        return sorted(
            (u for u in self.units if u.parent_id == parent.pk),
            key=lambda u: u.official_key,
        )

    @property
    def parents(self) -> list[Unit]:
        """Units whose visible children may be compared: the province first (whatever the
        user sees under it), then visible units with visible children, in tree order."""
        with_children = {u.parent_id for u in self.units}
        rest = [
            u
            for u in self.units
            if u.pk in with_children and (self.root is None or u.pk != self.root.pk)
        ]
        return ([self.root] if self.root is not None else []) + rest

    @property
    def reporting_units(self) -> list[Unit]:
        """Visible units below the province (those that file reports): districts first, then
        by depth and report order."""
        return sorted(
            (u for u in self.units if u.kind != Unit.Kind.PROVINCE),
            key=lambda u: u.official_key,
        )


def _group_position(group: str) -> int:
    return PEER_GROUPS.index(group) if group in PEER_GROUPS else len(PEER_GROUPS)


def dashboard_scope(*, user: AbstractBaseUser) -> Scope:
    """The dashboards' view of `user`'s memberships (two or three queries)."""
    units = tuple(Unit.objects.visible_to(user).in_official_order())
    if not units:
        return Scope(units=(), root=None)
    top = units[0]
    if top.parent_id is None:
        return Scope(units=units, root=top)
    root_path = "/" + top.path.strip("/").split("/")[0] + "/"
    return Scope(units=units, root=Unit.objects.filter(path=root_path).first())


def dashboard_unit(*, scope: Scope, code: str) -> Unit | None:
    """The unit with `code` if `scope` may read its totals (one of the user's units, or the
    province), else None. One query."""
    unit = Unit.objects.filter(code=code).first()
    if unit is None or not scope.can_see_totals(unit):
        return None
    return unit


def movement_indicators(*, movement: Movement) -> list[Indicator]:
    """The movement's indicators in report order, with group, numerator and denominator."""
    return list(
        Indicator.objects.filter(movement=movement)
        .select_related("group", "numerator", "denominator")
        .order_by("group__order", "order", "pk")
    )


def per_hundred(value: Number, members: Number) -> Decimal | None:
    """value per 100 members, unrounded; None where either is missing or members is 0."""
    return ratio_percent(value, members)


def change_between(
    first: Number, last: Number, *, ratio: bool = False
) -> tuple[Number, Decimal | None]:
    """(last − first, change in percent of first), unrounded — None parts where undefined.

    For a `ratio` (a percentage) the difference is in percentage points and there is no
    percent change: 0,7% → 1,7% is +1 điểm %, not +143%."""
    if first is None or last is None:
        return None, None
    difference = last - first
    if ratio:
        return difference, None
    return difference, ratio_percent(difference, first)


@dataclass
class IndicatorYears:
    """One indicator for one unit (or the whole subtree) year by year, and over the stage."""

    indicator: Indicator
    years: dict[int, Number]
    total: Number
    start_year: int
    end_year: int

    @property
    def first(self) -> Number:
        return self.years.get(self.start_year)

    @property
    def last(self) -> Number:
        return self.years.get(self.end_year)

    @property
    def change(self) -> Number:
        """last − first year; percentage points for a ratio."""
        return self._change[0]

    @property
    def change_percent(self) -> Decimal | None:
        """The change in percent of the first year; None for a ratio (see `change`)."""
        return self._change[1]

    @property
    def _change(self) -> tuple[Number, Decimal | None]:
        return change_between(
            self.first, self.last, ratio=self.indicator.kind == Indicator.Kind.RATIO
        )

    @property
    def has_data(self) -> bool:
        return self.total is not None or any(v is not None for v in self.years.values())


@dataclass
class SectionSummary:
    group: IndicatorGroup
    rows: list[IndicatorYears]

    @property
    def headlines(self) -> list[IndicatorYears]:
        """The section's main indicators (its first one if none is marked)."""
        marked = [r for r in self.rows if r.indicator.is_headline]
        return marked or self.rows[:1]


def unit_overview(
    *,
    movement: Movement,
    unit: Unit,
    start_year: int,
    end_year: int,
    include_submitted: bool = False,
    indicators: list[Indicator] | None = None,
) -> list[SectionSummary]:
    """Every indicator of `unit`'s subtree year by year and over the stage, by section.

    Two queries (yearly totals, stage totals) besides the indicators, if not given.
    """
    if indicators is None:
        indicators = movement_indicators(movement=movement)
    common = {
        "movement": movement,
        "unit": unit,
        "start_year": start_year,
        "end_year": end_year,
        "include_submitted": include_submitted,
        "indicators": indicators,
    }
    yearly = indicator_totals(by_year=True, **common)
    stage = indicator_totals(**common)
    years = range(start_year, end_year + 1)
    return [
        SectionSummary(
            group=group,
            rows=[
                IndicatorYears(
                    indicator=indicator,
                    years={y: yearly.get((indicator.code, None, y)) for y in years},
                    total=stage.get((indicator.code, None, None)),
                    start_year=start_year,
                    end_year=end_year,
                )
                for indicator in members
            ],
        )
        for group, members in indicators_by_group(indicators)
    ]


@dataclass(frozen=True)
class Overview:
    """The overview page's figures: every indicator by section, and the published figures the
    user may read, each beside the data's total."""

    sections: list[SectionSummary]
    reconciliation: list[Reconciliation]

    @property
    def mismatches(self) -> list[Reconciliation]:
        return [r for r in self.reconciliation if not r.matches]

    @property
    def matched(self) -> int:
        return sum(1 for r in self.reconciliation if r.matches)

    @property
    def documents(self) -> list[str]:
        """The published documents the figures come from, sorted."""
        return sorted({r.figure.document for r in self.reconciliation})


def overview_figures(
    *,
    scope: Scope,
    movement: Movement,
    unit: Unit,
    start_year: int,
    end_year: int,
    include_submitted: bool = False,
) -> Overview:
    """`unit_overview` of `unit`, and the published figures of its subtree that lie within the
    years and whose unit's totals `scope` may read. A figure attributed to a unit below (e.g.
    Rạch Giá) is compared with that unit's own data."""
    sections = unit_overview(
        movement=movement,
        unit=unit,
        start_year=start_year,
        end_year=end_year,
        include_submitted=include_submitted,
    )
    reconciliation = [
        r
        for r in published_reconciliation(
            movement=movement, unit=unit, include_submitted=include_submitted
        )
        if r.figure.start_year >= start_year
        and r.figure.end_year <= end_year
        and scope.can_see_totals(r.figure.unit)
    ]
    return Overview(sections=sections, reconciliation=reconciliation)


@dataclass
class UnitComparison:
    """One compared unit: each indicator by year and over the stage, and its member counts."""

    unit: Unit
    years: dict[str, dict[int, Number]]
    totals: dict[str, Number]
    members: dict[int, Number]
    members_total: Number

    def per_hundred_years(self, code: str) -> dict[int, Decimal | None]:
        return {y: per_hundred(v, self.members.get(y)) for y, v in self.years[code].items()}

    def per_hundred_total(self, code: str) -> Decimal | None:
        return per_hundred(self.totals.get(code), self.members_total)


def _totals_by_child(
    *,
    movement: Movement,
    parent: Unit,
    children: list[Unit],
    indicators: list[Indicator],
    members: Indicator | None,
    start_year: int,
    end_year: int,
    include_submitted: bool,
) -> tuple[dict[TotalKey, Number], dict[TotalKey, Number]]:
    """(yearly, stage) `indicator_totals` of `indicators` and `members` for each of `children`
    (below `parent`). Two queries."""
    wanted = list(indicators)
    if members is not None and all(i.pk != members.pk for i in wanted):
        wanted.append(members)
    common = {
        "movement": movement,
        "unit": parent,
        "start_year": start_year,
        "end_year": end_year,
        "by_unit": True,
        "include_submitted": include_submitted,
        "indicators": wanted,
        "children": children,
    }
    return indicator_totals(by_year=True, **common), indicator_totals(**common)


def compare_units(
    *,
    movement: Movement,
    root: Unit,
    units: list[Unit],
    indicators: list[Indicator],
    start_year: int,
    end_year: int,
    include_submitted: bool = False,
    members: Indicator | None = None,
) -> list[UnitComparison]:
    """For each of `units` (children of `root`, e.g. districts and branches), every indicator
    year by year and over the stage, with its member count (`members`, default the
    'doan-vien' indicator) for per-100-members figures. Two queries."""
    yearly, stage = _totals_by_child(
        movement=movement,
        parent=root,
        children=units,
        indicators=indicators,
        members=members,
        start_year=start_year,
        end_year=end_year,
        include_submitted=include_submitted,
    )
    members_code = members.code if members is not None else None
    years = range(start_year, end_year + 1)
    out = []
    for unit in units:
        out.append(
            UnitComparison(
                unit=unit,
                years={
                    i.code: {y: yearly.get((i.code, unit.code, y)) for y in years}
                    for i in indicators
                },
                totals={i.code: stage.get((i.code, unit.code, None)) for i in indicators},
                members={y: yearly.get((members_code, unit.code, y)) for y in years},
                members_total=stage.get((members_code, unit.code, None)),
            )
        )
    return out


def rank_values(values: list[Number]) -> list[int | None]:
    """Competition ranks (1, 2, 2, 4), largest first; None for missing values."""
    present = sorted((v for v in values if v is not None), reverse=True)
    return [None if v is None else present.index(v) + 1 for v in values]


@dataclass(frozen=True)
class Comparison:
    """The compare page's figures for one indicator or a whole section.

    `rows`, one dict per unit as the page's table shows it: for an indicator, `y<year>` for each
    year, `total`, `per_hundred`, `change`, `change_percent` and `rank`, best first (units
    without figures last); for a section, `i_<code>` for each indicator of `shown`, over the
    stage. `per_hundred`: the figures are per 100 members; never for a ratio indicator, where
    `ratio_per_hundred` says that it was asked for.
    """

    indicator: Indicator | None
    section: IndicatorGroup | None
    shown: list[Indicator]
    rows: list[dict]
    per_hundred: bool
    ratio_per_hundred: bool
    has_values: bool


def unit_comparison(
    *,
    movement: Movement,
    root: Unit | None,
    units: list[Unit],
    indicators: list[Indicator],
    indicator: Indicator | None = None,
    section: IndicatorGroup | None = None,
    start_year: int,
    end_year: int,
    per_hundred: bool = False,
    include_submitted: bool = False,
) -> Comparison:
    """`units` (below `root`) compared on `indicator`, or on every indicator of `section`
    (both among the movement's `indicators`), absolute or per 100 members. Two queries."""
    years = list(range(start_year, end_year + 1))
    shown = (
        [indicator]
        if indicator is not None
        else next((m for g, m in indicators_by_group(indicators) if g.pk == section.pk), [])
    )
    members = next((i for i in indicators if i.code == MEMBERS_INDICATOR), None)
    comparisons = []
    if units and root is not None:
        comparisons = compare_units(
            movement=movement,
            root=root,
            units=units,
            indicators=shown,
            start_year=start_year,
            end_year=end_year,
            include_submitted=include_submitted,
            members=members,
        )
    if indicator is not None:
        ratio_per_hundred = per_hundred and indicator.kind == Indicator.Kind.RATIO
        per_hundred = per_hundred and not ratio_per_hundred
        rows = _ranking_rows(comparisons, indicator, years, per_hundred)
        has_values = any(r[f"y{y}"] is not None for r in rows for y in years)
    else:
        ratio_per_hundred = False
        rows = _section_rows(comparisons, shown, per_hundred)
        has_values = any(v is not None for r in rows for k, v in r.items() if k[:2] == "i_")
    return Comparison(
        indicator=indicator,
        section=section,
        shown=shown,
        rows=rows,
        per_hundred=per_hundred,
        ratio_per_hundred=ratio_per_hundred,
        has_values=has_values,
    )


def _ranking_rows(
    comparisons: list[UnitComparison], indicator: Indicator, years: list[int], per_hundred: bool
) -> list[dict]:
    """One row per unit, exact: in per-100 mode every year and the stage column ("total") are
    per 100 members; a ratio's change is in percentage points (no percent change)."""
    code, is_ratio = indicator.code, indicator.kind == Indicator.Kind.RATIO
    rows = []
    for c in comparisons:
        values = c.per_hundred_years(code) if per_hundred else c.years[code]
        first, last = values.get(years[0]), values.get(years[-1])
        change, change_percent = change_between(first, last, ratio=is_ratio)
        stage_per_hundred = None if is_ratio else c.per_hundred_total(code)
        rows.append(
            {
                "unit": c.unit,
                "unit_name": c.unit.short_name,
                "peer_group": c.unit.peer_group,
                **{f"y{y}": values.get(y) for y in years},
                "total": stage_per_hundred if per_hundred else c.totals.get(code),
                "per_hundred": stage_per_hundred,
                "change": change,
                "change_percent": change_percent,
            }
        )
    for row, rank in zip(rows, rank_values([r["total"] for r in rows]), strict=True):
        row["rank"] = rank
    # Best first; units without figures last, in their usual order.
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0))
    return rows


def _section_rows(
    comparisons: list[UnitComparison], shown: list[Indicator], per_hundred: bool
) -> list[dict]:
    rows = []
    for c in comparisons:
        row = {"unit": c.unit, "unit_name": c.unit.short_name}
        for i in shown:
            value = c.totals.get(i.code)
            if per_hundred and i.kind != Indicator.Kind.RATIO:
                value = c.per_hundred_total(i.code)
            row[f"i_{i.code}"] = value
        rows.append(row)
    return rows


PEER_GROUPS = ("district", "branch", "grassroots")
ALL_GROUPS = "all"


def _sum_present(values) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


@dataclass(frozen=True)
class GroupFigures:
    """One group of units in one year or over the stage, exact (no rounding).

    `units`: how many units the group holds; `reporting`: how many have a figure for the
    indicator; `total`: their sum, or for a ratio indicator the group's ratio in percent, from
    the summed numerator and denominator; `members`: the group's summed member count.
    """

    kind: str
    units: int
    reporting: int
    total: Number
    members: Number

    @property
    def average(self) -> Decimal | None:
        """Total per unit that reported (not for ratios)."""
        if self.kind == Indicator.Kind.RATIO or self.total is None or not self.reporting:
            return None
        return Decimal(self.total) / self.reporting

    @property
    def per_hundred(self) -> Decimal | None:
        """Total per 100 members: the sums divided, never an average of rates (not for
        ratios)."""
        if self.kind == Indicator.Kind.RATIO or self.total is None or not self.members:
            return None
        return Decimal(self.total) * 100 / Decimal(self.members)


@dataclass(frozen=True)
class GroupRow:
    """A group of compared units ('district', 'branch', 'grassroots', or 'all' of them), each
    year and over the stage."""

    group: str
    units: list[Unit]
    years: dict[int, GroupFigures]
    stage: GroupFigures


@dataclass(frozen=True)
class GroupComparison:
    indicator: Indicator
    parent: Unit
    rows: list[GroupRow]

    @property
    def has_values(self) -> bool:
        return any(f.total is not None for r in self.rows for f in [r.stage, *r.years.values()])


def group_comparison(
    *,
    movement: Movement,
    parent: Unit,
    units: list[Unit],
    indicator: Indicator,
    members: Indicator | None,
    start_year: int,
    end_year: int,
    include_submitted: bool = False,
) -> GroupComparison:
    """`units` (children of `parent`) pooled by peer group (`Unit.peer_group`: huyện, thị,
    thành Đoàn; Đoàn trực thuộc; cơ sở) on `indicator`, each year and over the stage: per
    group the total, the average per unit that reported and the rate per 100 members
    (`members`), all from sums; a ratio indicator pooled from its summed parts. With more than
    one group, a last row for all of them. The parent's own reports are in no group.
    Two queries."""
    ratio = indicator.kind == Indicator.Kind.RATIO
    parts = [indicator.numerator, indicator.denominator] if ratio else [indicator]
    yearly, stage = _totals_by_child(
        movement=movement,
        parent=parent,
        children=units,
        indicators=parts,
        members=members,
        start_year=start_year,
        end_year=end_year,
        include_submitted=include_submitted,
    )
    members_code = members.code if members is not None else None

    def figures(source, group_units: list[Unit], year: int | None) -> GroupFigures:
        def part(code):
            return [source.get((code, u.code, year)) for u in group_units]

        reporting = sum(
            1
            for u in group_units
            if any(source.get((p.code, u.code, year)) is not None for p in parts)
        )
        if ratio:
            numerator = _sum_present(part(indicator.numerator.code))
            denominator = _sum_present(part(indicator.denominator.code))
            total = None
            if denominator:
                total = Decimal(numerator or 0) * 100 / Decimal(denominator)
        else:
            total = _sum_present(part(indicator.code))
        return GroupFigures(
            kind=indicator.kind,
            units=len(group_units),
            reporting=reporting,
            total=total,
            members=_sum_present(part(members_code)) if members_code else None,
        )

    groups = [(g, [u for u in units if u.peer_group == g]) for g in PEER_GROUPS]
    groups = [(g, members_) for g, members_ in groups if members_]
    if len(groups) > 1:
        groups.append((ALL_GROUPS, list(units)))
    years = range(start_year, end_year + 1)
    rows = [
        GroupRow(
            group=group,
            units=group_units,
            years={y: figures(yearly, group_units, y) for y in years},
            stage=figures(stage, group_units, None),
        )
        for group, group_units in groups
    ]
    return GroupComparison(indicator=indicator, parent=parent, rows=rows)


def peer_units(*, unit: Unit) -> list[Unit]:
    """Units compared with `unit`: those under the same parent in the same peer group
    (districts with districts, branches with branches), `unit` included. One query."""
    if unit.parent_id is None:
        return [unit]
    siblings = Unit.objects.filter(parent_id=unit.parent_id).in_official_order()
    return [u for u in siblings if u.peer_group == unit.peer_group]


@dataclass
class ProfileRow:
    """One indicator of a unit beside its peers' average and the province."""

    indicator: Indicator
    years: dict[int, Number]
    total: Number
    peer_years: dict[int, Number]
    peer_total: Number
    province_total: Number

    @property
    def share(self) -> Decimal | None:
        """The unit's part of the province's stage total, in percent (not for ratios)."""
        if self.indicator.kind == Indicator.Kind.RATIO:
            return None
        return ratio_percent(self.total, self.province_total)


def _peer_average(
    indicator: Indicator, values: dict[str, Number], parts: dict[str, dict[str, Number]]
) -> Number:
    """Average over the peers that reported; a ratio is the pooled ratio of their sums."""
    if indicator.kind == Indicator.Kind.RATIO:
        numerators = [parts[indicator.numerator.code].get(c) for c in values]
        denominators = [parts[indicator.denominator.code].get(c) for c in values]
        return ratio_percent(
            sum(n for n in numerators if n is not None),
            sum(d for d in denominators if d is not None),
        )
    present = [v for v in values.values() if v is not None]
    if not present:
        return None
    return Decimal(sum(present)) / len(present)


def unit_profile(
    *,
    movement: Movement,
    unit: Unit,
    root: Unit,
    start_year: int,
    end_year: int,
    include_submitted: bool = False,
    indicators: list[Indicator] | None = None,
) -> tuple[list[Unit], list[ProfileRow]]:
    """(peers, rows): each indicator of `unit` by year and over the stage, beside the average of
    its peers (`peer_units`) and the total of `root`. Four queries besides the indicators."""
    if indicators is None:
        indicators = movement_indicators(movement=movement)
    peers = peer_units(unit=unit)
    codes = {i.code for i in indicators}
    parts_needed = list(indicators)
    for indicator in indicators:
        if indicator.kind == Indicator.Kind.RATIO:
            for part in (indicator.numerator, indicator.denominator):
                if part.code not in codes:
                    codes.add(part.code)
                    parts_needed.append(part)
    yearly, stage = _totals_by_child(
        movement=movement,
        parent=unit.parent if unit.parent_id is not None else unit,
        children=peers if unit.parent_id is not None else [],
        indicators=parts_needed,
        members=None,
        start_year=start_year,
        end_year=end_year,
        include_submitted=include_submitted,
    )
    province = indicator_totals(
        movement=movement,
        unit=root,
        start_year=start_year,
        end_year=end_year,
        include_submitted=include_submitted,
        indicators=indicators,
    )
    years = range(start_year, end_year + 1)
    peer_codes = [p.code for p in peers]

    def by_peer(source, year):
        return {
            i.code: {c: source.get((i.code, c, year)) for c in peer_codes} for i in parts_needed
        }

    yearly_parts = {y: by_peer(yearly, y) for y in years}
    stage_parts = by_peer(stage, None)
    rows = []
    for indicator in indicators:
        rows.append(
            ProfileRow(
                indicator=indicator,
                years={y: yearly.get((indicator.code, unit.code, y)) for y in years},
                total=stage.get((indicator.code, unit.code, None)),
                peer_years={
                    y: _peer_average(indicator, yearly_parts[y][indicator.code], yearly_parts[y])
                    for y in years
                },
                peer_total=_peer_average(indicator, stage_parts[indicator.code], stage_parts),
                province_total=province.get((indicator.code, None, None)),
            )
        )
    return peers, rows


def unit_reports(*, movement: Movement, unit: Unit) -> list[Report]:
    """All of `unit`'s own reports of the movement, every year, oldest first. One query."""
    return list(
        Report.objects.filter(movement=movement, unit=unit, period__kind=movement.period_kind)
        .select_related("unit", "period", "submitted_by", "approved_by", "returned_by")
        .order_by("period__year", "period__number")
    )


COMPLETENESS_STATES = ("approved", "submitted", "returned", "draft", "missing")


@dataclass(frozen=True)
class CompletenessCell:
    """One unit × period: its report (or None), whether it was due, and whether on time."""

    unit: Unit
    period: Period
    report: Report | None

    @property
    def existed(self) -> bool:
        """The unit existed during the period, even for part of it (Giang Thành, founded
        29/6/2009, reports for 2009): Unit.reports_in."""
        return self.unit.existed_during(self.period.start_date, self.period.end_date)

    @property
    def state(self) -> str:
        """approved | submitted | returned | draft | missing | not-due"""
        if self.report is not None:
            return self.report.status
        return "missing" if self.existed else "not-due"

    @property
    def on_time(self) -> bool | None:
        """Submitted by the deadline? None when there is no deadline or nothing submitted."""
        if self.report is None or self.report.submitted_at is None:
            return None
        if self.period.deadline is None:
            return None
        submitted = timezone.localtime(self.report.submitted_at).date()
        return submitted <= self.period.deadline


@dataclass
class Completeness:
    periods: list[Period]
    rows: list[tuple[Unit, list[CompletenessCell]]]

    @property
    def due_cells(self) -> list[CompletenessCell]:
        return [c for _u, cells in self.rows for c in cells if c.existed]

    def count(self, state: str) -> int:
        return sum(1 for c in self.due_cells if c.state == state)

    @property
    def state_counts(self) -> dict[str, int]:
        """{state: number of due cells} for every state a due cell can have, in display order."""
        return {state: self.count(state) for state in COMPLETENESS_STATES}

    @property
    def on_time_count(self) -> int:
        return sum(1 for c in self.due_cells if c.on_time)

    @property
    def on_time_share(self) -> Decimal | None:
        """Share of due unit × period cells submitted by the deadline, in percent."""
        return ratio_percent(self.on_time_count, len(self.due_cells))


def completeness(
    *, movement: Movement, units: list[Unit], start_year: int, end_year: int
) -> Completeness:
    """Units × periods of the movement's entry kind: each report's status and submission time,
    and the share on time. Two queries."""
    periods = list(
        Period.objects.filter(
            kind=movement.period_kind, year__gte=start_year, year__lte=end_year
        ).order_by("year", "number")
    )
    reports = {
        (r.unit_id, r.period_id): r
        for r in Report.objects.filter(
            movement=movement, period__in=[p.pk for p in periods], unit__in=[u.pk for u in units]
        ).only("pk", "unit_id", "period_id", "status", "submitted_at", "approved_at", "is_demo")
    }
    rows = [
        (u, [CompletenessCell(unit=u, period=p, report=reports.get((u.pk, p.pk))) for p in periods])
        for u in units
    ]
    return Completeness(periods=periods, rows=rows)


# Reporting progress of one period (the one open for entry, by default): who has not reported.

PROGRESS_STATES = ("missing", "draft", "returned", "submitted", "approved")
NOT_REPORTED = ("missing", "draft", "returned")  # no report submitted or approved yet


def progress_period(*, movement: Movement) -> Period | None:
    """The newest period of the movement's entry kind open for entry
    (`movements.selectors.open_periods`), or None. One query."""
    return next((p for p in open_periods() if p.kind == movement.period_kind), None)


def movement_periods(*, movement: Movement) -> list[Period]:
    """Every period of the movement's entry kind, newest first. One query."""
    return list(Period.objects.filter(kind=movement.period_kind).order_by("-year", "-number"))


def _peer_group_of(kind_field: str) -> Case:
    """`Unit.peer_group` in SQL, from the unit's kind field `kind_field`."""
    return Case(
        When(**{f"{kind_field}__in": Unit.DISTRICT_LEVEL}, then=V("district")),
        default=F(kind_field),
        output_field=CharField(),
    )


@dataclass(frozen=True)
class ProgressCounts:
    """Units due to report in `period`, by peer group ('district', 'branch', …, and 'all'):
    {group: {state: units}} for every state of PROGRESS_STATES, and {group: late units}
    (submitted after the deadline, or not submitted and the deadline passed)."""

    period: Period
    today: dt.date
    groups: list[str]
    counts: dict[str, dict[str, int]]
    late: dict[str, int]

    @property
    def total(self) -> dict[str, int]:
        return self.counts[ALL_GROUPS]

    @property
    def due(self) -> int:
        return sum(self.total.values())

    @property
    def not_reported(self) -> int:
        return sum(self.total[s] for s in NOT_REPORTED)

    @property
    def deadline_passed(self) -> bool:
        return self.period.deadline is not None and self.today > self.period.deadline


def progress_counts(
    *, movement: Movement, period: Period, units: list[Unit], today: dt.date | None = None
) -> ProgressCounts:
    """How many of `units` (those that report in `period`: below the root, existing on its
    first day) are in each state — no report yet, draft, returned, submitted, approved — and
    late, by peer group. Counted in SQL: two queries, whatever the number of units."""
    today = today or timezone.localdate()
    due = Unit.objects.filter(pk__in=[u.pk for u in units], parent__isnull=False).existing_on(
        period.start_date
    )
    unit_rows = due.annotate(grp=_peer_group_of("kind")).values("grp").annotate(n=Count("pk"))
    late_submission = Q(pk__in=[])
    if period.deadline is not None:
        late_submission = Q(
            status__in=[Report.Status.SUBMITTED, Report.Status.APPROVED],
            submitted_at__date__gt=period.deadline,
        )
    report_rows = (
        Report.objects.filter(movement=movement, period=period, unit__in=due)
        .annotate(grp=_peer_group_of("unit__kind"))
        .values("grp", "status")
        .annotate(n=Count("pk"), late=Count("pk", filter=late_submission))
        .order_by()
    )
    due_by_group = {row["grp"]: row["n"] for row in unit_rows.order_by()}
    groups = sorted(due_by_group, key=_group_position)
    counts = {g: dict.fromkeys(PROGRESS_STATES, 0) for g in [*groups, ALL_GROUPS]}
    late = dict.fromkeys([*groups, ALL_GROUPS], 0)
    deadline_passed = period.deadline is not None and today > period.deadline
    for row in report_rows:
        for group in (row["grp"], ALL_GROUPS):
            counts[group][row["status"]] += row["n"]
            late[group] += row["late"]
    for group in groups:
        filed = sum(counts[group].values())
        counts[group]["missing"] = due_by_group[group] - filed
        counts[ALL_GROUPS]["missing"] += counts[group]["missing"]
        if deadline_passed:
            pending = sum(counts[group][s] for s in NOT_REPORTED)
            late[group] += pending
            late[ALL_GROUPS] += pending
    return ProgressCounts(period=period, today=today, groups=groups, counts=counts, late=late)


@dataclass(frozen=True)
class ProgressRow:
    """One unit due to report in `period`: its report (or None), its state, and whether it is
    late (None when the period has no deadline)."""

    unit: Unit
    period: Period
    report: Report | None
    today: dt.date

    @property
    def state(self) -> str:
        return self.report.status if self.report is not None else "missing"

    @property
    def submitted_on(self) -> dt.date | None:
        if self.state in NOT_REPORTED or self.report.submitted_at is None:
            return None
        return timezone.localtime(self.report.submitted_at).date()

    @property
    def late(self) -> bool | None:
        deadline = self.period.deadline
        if deadline is None:
            return None
        if self.state in NOT_REPORTED:
            return self.today > deadline
        return self.submitted_on is not None and self.submitted_on > deadline


def progress_rows(
    *,
    movement: Movement,
    period: Period,
    units: list[Unit],
    states: tuple[str, ...] = PROGRESS_STATES,
    today: dt.date | None = None,
) -> list[ProgressRow]:
    """`units` that report in `period` (in the order given) whose state is one of `states`,
    each with its report. One query."""
    today = today or timezone.localdate()
    due = [u for u in units if u.reports_in(period)]
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(
            movement=movement, period=period, unit__in=[u.pk for u in due]
        ).only("pk", "unit_id", "period_id", "status", "submitted_at", "approved_at", "is_demo")
    }
    rows = [ProgressRow(unit=u, period=period, report=reports.get(u.pk), today=today) for u in due]
    return [r for r in rows if r.state in states]


# ---------------------------------------------------------------------------------------------
# The generated báo cáo (reports/documents/): who reported, their notes, the published figures
# for the same unit and years.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportNote:
    unit: Unit
    period: Period
    highlights: str
    shortcomings: str


@dataclass
class ReportCoverage:
    """Which units of a subtree reported in which periods of a range of years.

    `units`: the subtree in tree order; `expected`: (unit, periods) where the unit files a
    report (`Unit.reports_in`: it existed on the period's first day and is not the root);
    `reported`: {unit id: ids of periods with a counted report}; `notes`: the counted reports'
    notes, in tree order.
    """

    units: list[Unit]
    expected: list[tuple[Unit, list[Period]]]
    reported: dict[int, set[int]]
    notes: list[ReportNote]
    report_count: int
    is_demo: bool

    @property
    def reporting_units(self) -> list[Unit]:
        return [u for u in self.units if self.reported.get(u.pk)]

    @property
    def missing(self) -> list[tuple[Unit, list[Period]]]:
        """(unit, periods) where an expected report is not counted, in tree order."""
        out = []
        for unit, periods in self.expected:
            gaps = [p for p in periods if p.pk not in self.reported.get(unit.pk, set())]
            if gaps:
                out.append((unit, gaps))
        return out


def report_coverage(
    *,
    movement: Movement,
    unit: Unit,
    start_year: int,
    end_year: int,
    include_submitted: bool = False,
) -> ReportCoverage:
    """Who in `unit`'s subtree reported (approved, plus submitted if asked) in each period of
    the movement's kind within the years, and what they noted. Three queries."""
    units = _tree_order(list(Unit.objects.subtree_of(unit)))
    periods = list(
        Period.objects.filter(
            kind=movement.period_kind, year__gte=start_year, year__lte=end_year
        ).order_by("year", "number")
    )
    periods_by_id = {p.pk: p for p in periods}
    position = {u.pk: index for index, u in enumerate(units)}
    rows = (
        Report.objects.filter(
            movement=movement,
            period__in=periods,
            unit__path__startswith=unit.path,
        )
        .counted(include_submitted)
        .values_list("unit_id", "period_id", "is_demo", "highlights", "shortcomings")
    )
    reported: dict[int, set[int]] = defaultdict(set)
    notes, count, is_demo = [], 0, False
    for unit_id, period_id, demo, highlights, shortcomings in rows:
        count += 1
        is_demo = is_demo or demo
        reported[unit_id].add(period_id)
        if (highlights or "").strip() or (shortcomings or "").strip():
            notes.append(
                ReportNote(
                    units[position[unit_id]], periods_by_id[period_id], highlights, shortcomings
                )
            )
    notes.sort(key=lambda n: (position[n.unit.pk], n.period.year, n.period.number))
    expected = []
    for member in units:
        due = [p for p in periods if member.reports_in(p)]
        if due:
            expected.append((member, due))
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
        for child in sorted(children.get(parent_id, []), key=lambda u: u.official_key):
            out.append(child)
            walk(child.pk)

    walk(None)
    return out


def report_published_figures(
    *, movement: Movement, unit: Unit, start_year: int, end_year: int
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
