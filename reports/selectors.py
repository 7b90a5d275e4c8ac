"""Every aggregation behind a dashboard, table, export or generated report.

Figures are summed in the database over a unit's subtree (`Unit.path`). Ratios are computed
after summing their numerator and denominator, never averaged. `last` indicators (stocks such as
member counts) are taken at the end of the range instead of summed over years.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models import Value as V
from django.db.models.functions import StrIndex, Substr
from django.utils import timezone

from movements.models import (
    Indicator,
    IndicatorGroup,
    Membership,
    Movement,
    Period,
    PublishedFigure,
    Report,
    ReportTally,
    Rollup,
    Unit,
    of_existing_units,
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
    """Totals over `unit`'s subtree for the years start_year..end_year, in one query (of the
    stored subtree totals, `Rollup`: its size does not grow with the subtree).

    Returns {(indicator code, unit code | None, year | None): value}. With `by_unit`, the unit
    part is the child of `unit` (from `children`, default its direct children) whose subtree did
    the work, or `unit` itself for its own reports; with `by_year`, each year apart. Ratio
    indicators come back as percentages (Decimal, None where the denominator is 0). A key is
    absent where nobody reported.
    """
    yearly, stage = _subtree_totals(
        movement=movement,
        unit=unit,
        start_year=start_year,
        end_year=end_year,
        include_submitted=include_submitted,
        indicators=indicators,
        children=(children if children is not None else list(unit.children.all()))
        if by_unit
        else None,
    )
    return yearly if by_year else stage


# (indicator code, bucket: a unit's id or None, year) -> [total, number of values]
_Sums = dict[tuple[str, int | None, int], list[int]]


def _subtree_totals(
    *,
    movement: Movement,
    unit: Unit,
    start_year: int,
    end_year: int,
    include_submitted: bool,
    indicators: list[Indicator] | None,
    children: list[Unit] | None,
) -> tuple[dict[TotalKey, Number], dict[TotalKey, Number]]:
    """(yearly, stage) `indicator_totals`, by child when `children` is a list, from one query.

    The stage is summed from the years (a `last` indicator, a stock, is its end year's value);
    a child's figure is its rollup row, the unit's own the unit's row less its children's.
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
    if children is not None:
        children = [c for c in children if c.pk != unit.pk and c.path.startswith(unit.path)]
    rows = (
        Rollup.objects.filter(
            unit_id__in=[unit.pk, *(c.pk for c in children or [])],
            indicator_id__in=stored_ids,
            status__in=_counted_statuses(include_submitted),
            period__kind=movement.period_kind,
            period__year__gte=start_year,
            period__year__lte=end_year,
        )
        .values_list("unit_id", "indicator__code", "indicator__aggregation", "period__year")
        .annotate(total=Sum("total"), entries=Sum("entries"))
        .order_by()
    )
    by_unit: dict[int, _Sums] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    stocks = set()
    for unit_id, code, aggregation, year, total, entries in rows:
        row = by_unit[unit_id][(code, None, year)]
        row[0] += int(total)
        row[1] += int(entries)
        if aggregation == Indicator.Aggregation.LAST:
            stocks.add(code)

    if children is None:
        yearly_sums = by_unit[unit.pk]
        codes = {}
    else:
        yearly_sums = _child_buckets(unit, children, by_unit)
        codes = {c.pk: c.code for c in children} | {unit.pk: unit.code}
    yearly: dict[TotalKey, Number] = {}
    stage_sums: _Sums = defaultdict(lambda: [0, 0])
    for (code, bucket, year), (total, entries) in yearly_sums.items():
        if entries <= 0:
            continue  # nobody reported
        yearly[(code, codes.get(bucket), year)] = total
        if code not in stocks or year == end_year:
            row = stage_sums[(code, codes.get(bucket), None)]
            row[0] += total
            row[1] += entries
    stage: dict[TotalKey, Number] = {k: v[0] for k, v in stage_sums.items() if v[1] > 0}
    return _with_ratios(yearly, indicators), _with_ratios(stage, indicators)


def _child_buckets(unit: Unit, children: list[Unit], by_unit: dict[int, _Sums]) -> _Sums:
    """Each child's figures and the unit's own (the rest), as a CASE over the children in
    order would bucket them: a child inside an earlier one has nothing of its own."""
    buckets: _Sums = defaultdict(lambda: [0, 0])
    taken: list[Unit] = []
    for child in children:
        if any(child.path.startswith(t.path) for t in taken):
            continue
        inner = [t for t in taken if t.path.startswith(child.path)]
        for (code, _none, year), (total, entries) in by_unit[child.pk].items():
            row = buckets[(code, child.pk, year)]
            row[0] += total
            row[1] += entries
        for t in inner:
            for key in [k for k in buckets if k[1] == t.pk]:
                row = buckets[(key[0], child.pk, key[2])]
                row[0] -= buckets[key][0]
                row[1] -= buckets[key][1]
        taken.append(child)
    own = {k: list(v) for k, v in by_unit[unit.pk].items()}
    for (code, _bucket, year), (total, entries) in list(buckets.items()):
        row = own.setdefault((code, None, year), [0, 0])
        row[0] -= total
        row[1] -= entries
    for (code, _none, year), (total, entries) in own.items():
        buckets[(code, unit.pk, year)] = [total, entries]
    return buckets


def _with_ratios(
    totals: dict[TotalKey, Number], indicators: list[Indicator]
) -> dict[TotalKey, Number]:
    """`totals` of the indicators asked for, ratios computed from their summed parts."""
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
    *,
    movement: Movement,
    unit: Unit | None = None,
    include_submitted: bool = False,
    indicators: list[Indicator] | None = None,
) -> list[Reconciliation]:
    """Each published figure of the movement (within `unit`'s subtree, if given) beside the
    total that the unit data give for the same unit and years. `indicators`: the movement's
    (`movement_indicators`), when the caller has them already.

    Queries: one for the figures, one per distinct (unit, years) scope they cover.
    """
    figures = PublishedFigure.objects.filter(indicator__movement=movement).order_by(
        "document", "order"
    )
    if unit is not None:
        figures = figures.filter(unit__path__startswith=unit.path)
    if indicators is None:
        figures = list(
            figures.select_related(
                "indicator",
                "indicator__group",
                "unit",
                "indicator__numerator",
                "indicator__denominator",
            )
        )
    else:
        by_pk = {i.pk: i for i in indicators}
        figures = list(figures.select_related("unit"))
        for figure in figures:
            figure.indicator = by_pk[figure.indicator_id]
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
    """What a user may see on the dashboards: the subtrees of their memberships' units, checked
    by path prefix (`Unit.objects.visible_to`'s rule) without loading the units themselves.

    `tops`: the highest units the user may read (the membership units not under another one;
    the root units for a superuser). `root`: the province; anyone with a membership may read its
    totals (a unit secretary sees their own unit and the province-wide totals, not their
    neighbours).
    """

    tops: tuple[Unit, ...]
    root: Unit | None

    @property
    def is_empty(self) -> bool:
        return not self.tops

    def can_see(self, unit: Unit) -> bool:
        """May the user read this unit's own figures, breakdown and reports?"""
        return any(unit.path.startswith(top.path) for top in self.tops)

    def can_see_totals(self, unit: Unit) -> bool:
        """May the user read this unit's totals (its own units, or the province)?"""
        return self.can_see(unit) or (self.root is not None and self.root.pk == unit.pk)

    def can_list(self, unit: Unit) -> bool:
        """May the user list the units directly under `unit` (those they may see): a unit whose
        totals they read, or the unit just above one of theirs."""
        return self.can_see_totals(unit) or any(top.parent_id == unit.pk for top in self.tops)

    def visible(self, field: str = "path") -> Q:
        """The condition 'the unit whose path is `field` is visible', for any QuerySet."""
        condition = Q(pk__in=[])
        for top in self.tops:
            condition |= Q(**{f"{field}__startswith": top.path})
        return condition

    @property
    def home(self) -> Unit | None:
        """Where the user's pages start: the province if they may read all of it, else their
        first unit."""
        if self.root is not None and self.can_see(self.root):
            return self.root
        return self.tops[0] if self.tops else None

    @property
    def listing_parent(self) -> Unit | None:
        """The unit whose visible children the lists show by default: the province for
        provincial staff; for a unit's secretary, the unit above their own (so that the list
        holds their unit), when they have one unit or all theirs share that parent."""
        if not self.tops:
            return None
        if self.root is not None and self.can_see(self.root):
            return self.root
        parents = {top.parent_id for top in self.tops}
        if len(parents) == 1 and self.tops[0].parent_id is not None:
            if self.root is not None and self.tops[0].parent_id == self.root.pk:
                return self.root
            return self.tops[0].parent
        return self.root


def _group_position(group: str) -> int:
    return PEER_GROUPS.index(group) if group in PEER_GROUPS else len(PEER_GROUPS)


def dashboard_scope(*, user: AbstractBaseUser) -> Scope:
    """The dashboards' view of `user`'s memberships: their highest units and the province.
    One query (the memberships with their units, or the root units for a superuser), and one
    more for the province when the user's units are below it. Never every visible unit."""
    if not (user.is_authenticated and user.is_active):
        return Scope(tops=(), root=None)
    if user.is_superuser:
        units = list(Unit.objects.filter(parent__isnull=True).order_by("path"))
    else:
        units = sorted(
            {
                m.unit.pk: m.unit
                for m in Membership.objects.filter(user=user).select_related("unit__parent")
            }.values(),
            key=lambda u: u.path,
        )
    tops: list[Unit] = []
    for unit in units:
        if not any(unit.path.startswith(top.path) for top in tops):
            tops.append(unit)
    if not tops:
        return Scope(tops=(), root=None)
    first = tops[0]
    if first.parent_id is None:
        return Scope(tops=tuple(tops), root=first)
    root_path = "/" + first.path.strip("/").split("/")[0] + "/"
    return Scope(tops=tuple(tops), root=Unit.objects.filter(path=root_path).first())


def dashboard_unit(*, scope: Scope, code: str) -> Unit | None:
    """The unit with `code` if `scope` may read its totals (one of the user's units, or the
    province), else None. One query."""
    unit = Unit.objects.filter(code=code).select_related("parent").first()
    if unit is None or not scope.can_see_totals(unit):
        return None
    return unit


def visible_children(*, scope: Scope, parent: Unit) -> list[Unit]:
    """The units directly under `parent` that `scope` may see: districts, branches, grassroots,
    each in report order. One query (a parent has a few dozen children)."""
    return list(Unit.objects.filter(scope.visible(), parent=parent).in_official_order())


UNIT_SEARCH_LIMIT = 20


def unit_choices(
    *, scope: Scope, unit: Unit | None, query: str = "", with_children_only: bool = False
) -> list[Unit]:
    """The units a user navigates from `unit`, never every unit: its ancestors whose totals
    `scope` reads (the province, the user's units), `unit`, its visible children and, when
    `query` is given, up to UNIT_SEARCH_LIMIT visible units whose name, short name or code
    holds it. `with_children_only`: only units that have children (parents to compare). In
    the official order, each once. One query, and one more for a search."""
    near = Q(pk__in=[])
    if unit is not None:
        ids = [int(part) for part in unit.path.strip("/").split("/") if part]
        near = Q(pk__in=ids) | (Q(parent=unit) & scope.visible())
    if scope.root is not None:
        near |= Q(pk=scope.root.pk)
    near |= Q(pk__in=[top.pk for top in scope.tops])
    queries = [Unit.objects.filter(near)]
    query = query.strip()[:100]
    if query:
        matching = Q(name__icontains=query) | Q(short_name__icontains=query)
        queries.append(
            Unit.objects.filter(scope.visible(), matching | Q(code__icontains=query)).order_by(
                "path"
            )[:UNIT_SEARCH_LIMIT]
        )
    found: dict[int, Unit] = {}
    for queryset in queries:
        if with_children_only:
            queryset = queryset.annotate(
                has_children=Exists(Unit.objects.filter(parent=OuterRef("pk")))
            )
        for candidate in queryset:
            if scope.can_see_totals(candidate) and (
                not with_children_only or candidate.has_children
            ):
                found[candidate.pk] = candidate
    return sorted(found.values(), key=lambda u: u.official_key)


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

    One query (the stage summed from the years) besides the indicators, if not given.
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
    yearly, stage = _subtree_totals(children=None, **common)
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
    """The overview page's figures: every indicator by section, the published figures the
    user may read, each beside the data's total, and the headline indicators of every section
    compared between the groups of the unit's children (`groups`, empty without children)."""

    sections: list[SectionSummary]
    reconciliation: list[Reconciliation]
    groups: list[GroupComparison]

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
    children: list[Unit] | None = None,
) -> Overview:
    """`unit_overview` of `unit`, and the published figures of its subtree that lie within the
    years and whose unit's totals `scope` may read. A figure attributed to a unit below (e.g.
    Rạch Giá) is compared with that unit's own data. With `children` (units directly under
    `unit`), the `group_comparisons` of every section's headline indicators between them.
    Five queries with children (indicators, totals by year and over the stage, groups by year
    and over the stage), three without, and the published figures'."""
    indicators = movement_indicators(movement=movement)
    sections = unit_overview(
        movement=movement,
        unit=unit,
        start_year=start_year,
        end_year=end_year,
        include_submitted=include_submitted,
        indicators=indicators,
    )
    groups = []
    if children:
        groups = group_comparisons(
            movement=movement,
            parent=unit,
            units=children,
            indicators=[h.indicator for section in sections for h in section.headlines],
            members=next((i for i in indicators if i.code == MEMBERS_INDICATOR), None),
            start_year=start_year,
            end_year=end_year,
            include_submitted=include_submitted,
        )
    reconciliation = [
        r
        for r in published_reconciliation(
            movement=movement,
            unit=unit,
            include_submitted=include_submitted,
            indicators=indicators,
        )
        if r.figure.start_year >= start_year
        and r.figure.end_year <= end_year
        and scope.can_see_totals(r.figure.unit)
    ]
    return Overview(sections=sections, reconciliation=reconciliation, groups=groups)


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
    (below `parent`). One query."""
    wanted = list(indicators)
    if members is not None and all(i.pk != members.pk for i in wanted):
        wanted.append(members)
    common = {
        "movement": movement,
        "unit": parent,
        "start_year": start_year,
        "end_year": end_year,
        "include_submitted": include_submitted,
        "indicators": wanted,
        "children": children,
    }
    return _subtree_totals(**common)


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
    'doan-vien' indicator) for per-100-members figures. One query."""
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
    (both among the movement's `indicators`), absolute or per 100 members. One query."""
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
    One query."""
    return group_comparisons(
        movement=movement,
        parent=parent,
        units=units,
        indicators=[indicator],
        members=members,
        start_year=start_year,
        end_year=end_year,
        include_submitted=include_submitted,
    )[0]


def group_comparisons(
    *,
    movement: Movement,
    parent: Unit,
    units: list[Unit],
    indicators: list[Indicator],
    members: Indicator | None,
    start_year: int,
    end_year: int,
    include_submitted: bool = False,
) -> list[GroupComparison]:
    """`group_comparison` of each of `indicators`, in their order, from the same query
    (yearly and stage totals by child), whatever the number of units or indicators."""
    parts_of = {
        i.code: [i.numerator, i.denominator] if i.kind == Indicator.Kind.RATIO else [i]
        for i in indicators
    }
    yearly, stage = _totals_by_child(
        movement=movement,
        parent=parent,
        children=units,
        indicators=list({p.pk: p for ps in parts_of.values() for p in ps}.values()),
        members=members,
        start_year=start_year,
        end_year=end_year,
        include_submitted=include_submitted,
    )
    members_code = members.code if members is not None else None

    def figures(
        indicator: Indicator, source, group_units: list[Unit], year: int | None
    ) -> GroupFigures:
        def part(code):
            return [source.get((code, u.code, year)) for u in group_units]

        parts = parts_of[indicator.code]
        reporting = sum(
            1
            for u in group_units
            if any(source.get((p.code, u.code, year)) is not None for p in parts)
        )
        if indicator.kind == Indicator.Kind.RATIO:
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
    return [
        GroupComparison(
            indicator=indicator,
            parent=parent,
            rows=[
                GroupRow(
                    group=group,
                    units=group_units,
                    years={y: figures(indicator, yearly, group_units, y) for y in years},
                    stage=figures(indicator, stage, group_units, None),
                )
                for group, group_units in groups
            ],
        )
        for indicator in indicators
    ]


def peer_units(*, unit: Unit) -> list[Unit]:
    """Units compared with `unit`: those under the same parent in the same peer group
    (districts with districts, branches with branches), `unit` included. One query."""
    if unit.parent_id is None:
        return [unit]
    siblings = Unit.objects.filter(parent_id=unit.parent_id).in_official_order()
    return [u for u in siblings if u.peer_group == unit.peer_group]


@dataclass
class ProfileRow:
    """One indicator of a unit beside its peers' average and the province. `rate`: the unit's
    stage figure per 100 members (a ratio indicator: the ratio itself; None for the member
    count); `peer_rates`: the same for each peer that has it, the unit included."""

    indicator: Indicator
    years: dict[int, Number]
    total: Number
    peer_years: dict[int, Number]
    peer_total: Number
    province_total: Number
    rate: Number = None
    peer_rates: list[Number] = field(default_factory=list)

    @property
    def rate_low(self) -> Number:
        """The lowest stage rate among the peers (the unit included)."""
        return min(self.peer_rates, default=None)

    @property
    def rate_high(self) -> Number:
        return max(self.peer_rates, default=None)

    @property
    def rate_median(self) -> Decimal | None:
        """The peers' median stage rate, exact (the mean of the middle two for an even count)."""
        ordered = sorted(self.peer_rates)
        if not ordered:
            return None
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return Decimal(ordered[middle])
        return (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2

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
    its peers (`peer_units`) and the total of `root`, and the stage rates per 100 members of
    the unit and of each peer. Three queries besides the indicators."""
    if indicators is None:
        indicators = movement_indicators(movement=movement)
    peers = peer_units(unit=unit)
    codes = {i.code for i in indicators}
    parts_needed = list(indicators)
    members = next((i for i in indicators if i.code == MEMBERS_INDICATOR), None)
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

    def stage_rate(indicator: Indicator, code: str) -> Number:
        if indicator.kind == Indicator.Kind.RATIO:
            return ratio_percent(
                stage.get((indicator.numerator.code, code, None)),
                stage.get((indicator.denominator.code, code, None)),
            )
        if members is None or indicator.code == members.code:
            return None
        return per_hundred(
            stage.get((indicator.code, code, None)), stage.get((members.code, code, None))
        )

    rows = []
    for indicator in indicators:
        rates = [stage_rate(indicator, c) for c in peer_codes]
        rows.append(
            ProfileRow(
                rate=stage_rate(indicator, unit.code),
                peer_rates=[r for r in rates if r is not None],
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
PAGE_SIZE = 100  # rows of units on one page of /completeness/: never every unit
PAGE_CELLS = 400  # nor more than a few hundred unit × period cells


def completeness_page_size(periods: int) -> int:
    """Rows of units on one page of the completeness matrix with `periods` columns:
    PAGE_SIZE, fewer when the periods are many, so that a page holds at most PAGE_CELLS cells
    (five years of quarters: 20 rows of 20 cells), and at least ten rows."""
    return min(PAGE_SIZE, max(10, PAGE_CELLS // max(periods, 1)))


def listing_parent(*, scope: Scope, code: str) -> Unit | None:
    """The unit with `code` if `scope` may list the units under it (`Scope.can_list`), else
    None. One query."""
    unit = Unit.objects.filter(code=code).select_related("parent").first()
    if unit is None or not scope.can_list(unit):
        return None
    return unit


def unit_ancestors(*, scope: Scope, unit: Unit) -> list[Unit]:
    """`unit` and the units above it that `scope` may list, from the top: the way back up a
    drill-down. No query for a root unit, else one."""
    if unit.parent_id is None:
        return [unit]
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    return [u for u in Unit.objects.filter(pk__in=ids).order_by("path") if scope.can_list(u)]


def _child_path(parent: Unit, field: str = "path") -> Substr:
    """In SQL, the path of the child of `parent` whose subtree holds the unit whose path is
    `field`: the path up to the '/' after the parent's ("/1/5/17/" under "/1/" → "/1/5/")."""
    start = len(parent.path)
    return Substr(
        F(field),
        1,
        StrIndex(Substr(F(field), start + 1), V("/")) + V(start),
        output_field=CharField(),
    )


def _existed_in(period: Period, prefix: str = "") -> Q:
    """The unit (`prefix` the path to it) existed on some day of `period`
    (`Unit.existed_during`)."""
    return (
        Q(**{f"{prefix}valid_from__isnull": True})
        | Q(**{f"{prefix}valid_from__lte": period.end_date})
    ) & (
        Q(**{f"{prefix}valid_to__isnull": True})
        | Q(**{f"{prefix}valid_to__gte": period.start_date})
    )


def _children(*, scope: Scope, parent: Unit) -> QuerySet:
    """The visible units directly under `parent`, in report order, each marked with whether
    units lie under it (to drill down)."""
    return (
        Unit.objects.filter(scope.visible(), parent=parent)
        .annotate(has_children=Exists(Unit.objects.filter(parent=OuterRef("pk"))))
        .in_official_order()
    )


def _subtree_below(*, scope: Scope, parent: Unit, prefix: str = "") -> Q:
    """The visible units below `parent` (`prefix` the path to the unit)."""
    return (
        scope.visible(f"{prefix}path")
        & Q(**{f"{prefix}path__startswith": parent.path})
        & ~Q(**{f"{prefix}pk": parent.pk})
    )


@dataclass(frozen=True)
class CompletenessCell:
    """A group of units (one unit and its subtree) × one period: how many were due (existed
    during the period) and how many are in each state; submissions on time and late; the
    latest day one was submitted (the unit's own when the group is one unit)."""

    period: Period
    due: int
    counts: dict[str, int]
    on_time: int = 0
    late: int = 0
    submitted_at: dt.datetime | None = None

    @property
    def state(self) -> str:
        """For a group of one unit: approved | submitted | returned | draft | missing;
        'not-due' when no unit was due; 'many' for a larger group."""
        if self.due == 0:
            return "not-due"
        if self.due > 1:
            return "many"
        return next((s for s in COMPLETENESS_STATES if self.counts.get(s)), "missing")

    @property
    def states(self) -> list[tuple[str, int]]:
        """(state, units) for each state some unit is in, in display order."""
        return [(s, self.counts[s]) for s in COMPLETENESS_STATES if self.counts.get(s)]


@dataclass(frozen=True)
class CompletenessRow:
    """One unit under the parent: its subtree's cells, one per period, and whether units lie
    under it (a link down)."""

    unit: Unit
    has_children: bool
    cells: list[CompletenessCell]

    @property
    def on_time_share(self) -> Decimal | None:
        return ratio_percent(sum(c.on_time for c in self.cells), sum(c.due for c in self.cells))


@dataclass
class Completeness:
    """The units directly under `parent` (one page of them) × the periods, counted over each
    one's subtree, and the totals of every visible unit below `parent` (all pages)."""

    parent: Unit
    periods: list[Period]
    rows: list[CompletenessRow]
    page: Page
    due: int
    state_counts: dict[str, int]
    on_time_count: int

    @property
    def on_time_share(self) -> Decimal | None:
        """Share of due unit × period reports submitted by the deadline, in percent."""
        return ratio_percent(self.on_time_count, self.due)


def _last_submissions(
    *, movement: Movement, parent: Unit, cells: list[tuple[Unit, Period]]
) -> dict[tuple[str, int], dt.datetime]:
    """{(child path, period id): latest submission} over the subtree of each child in
    `cells` (children of `parent` whose subtree had one unit due in that period). One query,
    over those subtrees and periods only."""
    under = Q(pk__in=[])
    for path in sorted({child.path for child, _period in cells}):
        under |= Q(unit__path__startswith=path)
    rows = (
        Report.objects.filter(
            under,
            movement=movement,
            period_id__in={period.pk for _child, period in cells},
            submitted_at__isnull=False,
        )
        .filter(of_existing_units())
        .annotate(child=_child_path(parent, "unit__path"))
        .values("child", "period_id")
        .annotate(last=Max("submitted_at"))
        .order_by()
    )
    return {(row["child"], row["period_id"]): row["last"] for row in rows}


def completeness(
    *,
    movement: Movement,
    scope: Scope,
    parent: Unit,
    start_year: int,
    end_year: int,
    page: int | str = 1,
) -> Completeness:
    """The visible units directly under `parent` (page `page` of `completeness_page_size`) ×
    the periods of the movement's entry kind within the years: for each one's subtree, units
    due and reports in each state, on time and late; and the same totals over every visible
    unit below `parent`. Units due are counted in SQL by the path prefix of each child;
    reports are read from the stored tallies (`ReportTally`), never counted over the subtree.
    Seven queries,
    whatever the number of units; one more when a cell counts one unit (its day of
    submission), one fewer when the user sees every unit under `parent` and they fit on one
    page (the units due are then those of the rows), fewer when `parent` has no children to
    show."""
    periods = list(
        Period.objects.filter(
            kind=movement.period_kind, year__gte=start_year, year__lte=end_year
        ).order_by("year", "number")
    )
    chosen = Paginator(
        _children(scope=scope, parent=parent), completeness_page_size(len(periods))
    ).get_page(page)
    children = list(chosen.object_list)
    paths = [c.path for c in children]
    below = _subtree_below(scope=scope, parent=parent)
    due_each = {
        f"p{p.pk}": Count("pk", filter=_existed_in(p)) for p in periods
    }  # one column per period: a handful
    tallies = ReportTally.objects.filter(movement=movement, period__in=periods).order_by()
    figures = ("reports", "on_time", "late")
    due: dict[tuple[str, int], int] = {}
    found: dict[tuple[int, int], dict] = defaultdict(
        lambda: {"counts": {}, "on_time": 0, "late": 0}
    )
    last: dict[tuple[str, int], dt.datetime] = {}
    if children:
        for row in (
            Unit.objects.filter(below)
            .annotate(child=_child_path(parent))
            .filter(child__in=paths)
            .values("child")
            .annotate(**due_each)
            .order_by()
        ):
            for p in periods:
                due[(row["child"], p.pk)] = row[f"p{p.pk}"]
        for unit_id, period_id, status, n, on_time, late in tallies.filter(
            unit__in=children
        ).values_list("unit_id", "period_id", "status", *figures):
            cell = found[(unit_id, period_id)]
            cell["counts"][status] = n
            cell["on_time"] += on_time
            cell["late"] += late
        # A cell of one unit shows the day it was submitted.
        single = [
            (c, p)
            for c in children
            for p in periods
            if due.get((c.path, p.pk)) == 1 and (c.pk, p.pk) in found
        ]
        if single:
            last = _last_submissions(movement=movement, parent=parent, cells=single)
    rows = []
    for child in children:
        cells = []
        for p in periods:
            n, got = due.get((child.path, p.pk), 0), found.get((child.pk, p.pk))
            counts = dict(got["counts"]) if got else {}
            counts["missing"] = n - sum(counts.values())
            cells.append(
                CompletenessCell(
                    period=p,
                    due=n,
                    counts=counts,
                    on_time=got["on_time"] if got else 0,
                    late=got["late"] if got else 0,
                    submitted_at=last.get((child.path, p.pk)),
                )
            )
        rows.append(CompletenessRow(unit=child, has_children=child.has_children, cells=cells))
    whole = scope.can_see(parent)
    if whole and chosen.paginator.num_pages == 1:
        due_total = sum(due.values())  # every unit below `parent` is under a row of the page
    else:
        totals = Unit.objects.filter(below).aggregate(**due_each)
        due_total = sum(totals[f"p{p.pk}"] for p in periods)
    # Every visible unit below `parent`: the subtrees of all its children when the user sees
    # all of it, else the subtrees of the user's units under it.
    if whole:
        counted = tallies.filter(unit__parent=parent)
    else:
        counted = tallies.filter(unit__in=[t for t in scope.tops if t.path.startswith(parent.path)])
    state_counts = dict.fromkeys(COMPLETENESS_STATES, 0)
    on_time = 0
    for row in counted.values("status").annotate(n=Sum("reports"), on_time=Sum("on_time")):
        state_counts[row["status"]] += row["n"]
        on_time += row["on_time"]
    state_counts["missing"] = due_total - sum(state_counts.values())
    return Completeness(
        parent=parent,
        periods=periods,
        rows=rows,
        page=chosen,
        due=due_total,
        state_counts=state_counts,
        on_time_count=on_time,
    )


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
    *,
    movement: Movement,
    period: Period,
    scope: Scope,
    parent: Unit,
    today: dt.date | None = None,
) -> ProgressCounts:
    """How many of the visible units directly under `parent` that report in `period` (existing
    on its first day) are in each state — no report yet, draft, returned, submitted, approved —
    and late, by peer group. Counted in SQL: two queries, whatever the number of units."""
    today = today or timezone.localdate()
    due = Unit.objects.filter(scope.visible(), parent=parent).existing_on(period.start_date)
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
    """One unit due to report in `period`: the status of its report (None without one), when
    it was submitted, whether it is late (None when the period has no deadline), and whether
    units lie under it (a link down)."""

    unit: Unit
    period: Period
    status: str | None
    submitted_at: dt.datetime | None
    today: dt.date
    has_children: bool = False

    @property
    def state(self) -> str:
        return self.status or "missing"

    @property
    def submitted_on(self) -> dt.date | None:
        if self.state in NOT_REPORTED or self.submitted_at is None:
            return None
        return timezone.localtime(self.submitted_at).date()

    @property
    def late(self) -> bool | None:
        deadline = self.period.deadline
        if deadline is None:
            return None
        if self.state in NOT_REPORTED:
            return self.today > deadline
        return self.submitted_on is not None and self.submitted_on > deadline


@dataclass(frozen=True)
class ProgressRows:
    rows: list[ProgressRow]
    page: Page


def progress_rows(
    *,
    movement: Movement,
    period: Period,
    scope: Scope,
    parent: Unit,
    states: tuple[str, ...] = PROGRESS_STATES,
    page: int | str = 1,
    today: dt.date | None = None,
) -> ProgressRows:
    """The visible units directly under `parent` that report in `period`, in report order,
    whose state is one of `states`: page `page` of PAGE_SIZE, each with its report's status and
    submission. Two queries (the count and the page), whatever the number of units."""
    today = today or timezone.localdate()
    own = Report.objects.filter(movement=movement, period=period, unit=OuterRef("pk"))
    units = (
        _children(scope=scope, parent=parent)
        .filter(_existed_in(period))
        .annotate(
            status=Subquery(own.values("status")[:1]),
            submitted_at=Subquery(own.values("submitted_at")[:1]),
        )
    )
    wanted = Q(status__in=[s for s in states if s != "missing"])
    if "missing" in states:
        wanted |= Q(status__isnull=True)
    chosen = Paginator(units.filter(wanted), PAGE_SIZE).get_page(page)
    rows = [
        ProgressRow(
            unit=u,
            period=period,
            status=u.status,
            submitted_at=u.submitted_at,
            today=today,
            has_children=u.has_children,
        )
        for u in chosen.object_list
    ]
    return ProgressRows(rows=rows, page=chosen)


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


SUBTREE_ID_LIST = 900  # units listed by id in one query at most (SQLite's oldest limit: 999)


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
    # The subtree's units by id when they are a few hundred (PostgreSQL then reads their
    # reports by index; by path it scans every report of the movement), else by path.
    in_subtree = (
        Q(unit_id__in=list(position))
        if len(position) <= SUBTREE_ID_LIST
        else Q(unit__path__startswith=unit.path)
    )
    rows = (
        Report.objects.filter(in_subtree, movement=movement, period__in=periods)
        .counted(include_submitted)
        .values_list("unit_id", "period_id", "is_demo", "highlights", "shortcomings")
        .order_by()  # the notes are sorted below, in the tree's order
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
