"""A movement's indicators, years, stages and periods, as the entry pages, the forms, the
dashboards and the báo cáo read them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch

from ..models import Indicator, IndicatorGroup, Movement, Period, Stage


def indicators_by_group(
    indicators: Iterable[Indicator],
) -> list[tuple[IndicatorGroup, list[Indicator]]]:
    """[(group, [indicator, …])] in the order the indicators come (report order when they come
    ordered by group and order); each group once."""
    groups: dict[int, tuple[IndicatorGroup, list[Indicator]]] = {}
    for indicator in indicators:
        groups.setdefault(indicator.group_id, (indicator.group, []))[1].append(indicator)
    return list(groups.values())


def entry_indicators(*, movement: Movement) -> list[Indicator]:
    """The indicators a unit enters for `movement` (ratios are computed), in report order, each
    with its group and its bounds by peer group as `peer_bounds` (a list of IndicatorBound:
    what rules.values_check reads, without a query). Two queries."""
    return list(
        Indicator.objects.stored()
        .filter(movement=movement)
        .select_related("group")
        .prefetch_related(Prefetch("bounds", to_attr="peer_bounds"))
        .order_by("group__order", "order")
    )


def movement_years(*, movement: Movement) -> list[int]:
    """Every year that has a period of the movement's entry kind, with the years of its first
    stage (the default view), ascending: the years a page or a báo cáo may show. One query."""
    years = set(
        Period.objects.filter(kind=movement.period_kind).values_list("year", flat=True).distinct()
    )
    return sorted(years | set(range(movement.start_year, movement.end_year + 1)))


def movement_stages(*, movement: Movement, years: list[int]) -> list[tuple[str, int, int]]:
    """(name, first year, last year) of each stage of the movement that has some of `years`,
    its years narrowed to them (2014–2018 is 2014–2014 while only 2014 has a period). One
    query."""
    out = []
    for stage in movement.stages.all():
        inside = [y for y in years if stage.first_year <= y <= stage.last_year]
        if inside:
            out.append((stage.name, inside[0], inside[-1]))
    return out


def stage_legal_basis(*, movement: Movement, year: int) -> str:
    """The legal basis of a báo cáo whose last year is `year`: that of the stage holding the
    year (a báo cáo answers the plans of the stage it closes), else the movement's; "" when
    neither is set. One query."""
    basis = (
        Stage.objects.filter(movement=movement, first_year__lte=year, last_year__gte=year)
        .exclude(legal_basis="")
        .order_by("-first_year")
        .values_list("legal_basis", flat=True)
        .first()
    )
    return basis or movement.legal_basis


def movement_for_period(*, period: Period, code: str | None = None) -> Movement | None:
    """The movement entered in `period`: the one named by `code`, else the only movement whose
    entry period kind matches (None when there is no such movement or it is ambiguous)."""
    movements = Movement.objects.filter(period_kind=period.kind)
    if code:
        return movements.filter(code=code).first()
    found = list(movements[:2])
    return found[0] if len(found) == 1 else None


def period_from_code(*, code: str) -> Period | None:
    """The period a code names ('2014', '2014-H1', '2014-Q3'), or None."""
    parsed = Period.parse_code(code)
    if parsed is None:
        return None
    kind, year, number = parsed
    return Period.objects.filter(kind=kind, year=year, number=number).first()


def previous_period(*, period: Period) -> Period | None:
    """The period of the same kind just before `period` (2013 before 2014, 2013-H2 before
    2014-H1), or None when it does not exist."""
    kind, year, number = period.kind, period.year, period.number
    if kind == Period.Kind.YEAR:
        year -= 1
    elif number > 1:
        number -= 1
    else:
        year -= 1
        number = 2 if kind == Period.Kind.HALF else 4
    return Period.objects.filter(kind=kind, year=year, number=number).first()


def open_periods() -> list[Period]:
    """Periods open for entry, newest first."""
    return list(Period.objects.filter(open_for_entry=True).order_by("-year", "kind", "-number"))
