"""Reads behind the Excel workbooks: the rows of a unit × indicator sheet, the reports' versions,
the units of a provincial workbook."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from ..models import Indicator, Movement, Period, Report, Unit, Value
from .movement import entry_indicators, previous_period

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass
class SheetRow:
    unit: Unit
    indicator: Indicator
    current: int | None
    previous: int | None


def workbook_rows(*, movement: Movement, period: Period, units: list[Unit]) -> list[SheetRow]:
    """One row per unit × entered indicator with the current and previous period's values.

    Four queries whatever the number of units.
    """
    indicators = entry_indicators(movement=movement)
    before = previous_period(period=period)
    wanted = Q(report__period=period)
    if before is not None:
        wanted |= Q(report__period=before)
    values: dict[tuple[int, int, int], int] = {}
    for unit_id, period_id, indicator_id, number in Value.objects.filter(
        wanted, report__movement=movement, report__unit__in=units
    ).values_list("report__unit_id", "report__period_id", "indicator_id", "value"):
        values[(unit_id, period_id, indicator_id)] = number
    return [
        SheetRow(
            unit,
            indicator,
            values.get((unit.pk, period.pk, indicator.pk)),
            values.get((unit.pk, before.pk, indicator.pk)) if before else None,
        )
        for unit in units
        for indicator in indicators
    ]


def report_versions(*, movement: Movement, period: Period, units: list[Unit]) -> dict[str, int]:
    """{unit code: version of its report} for `units` (0 for a report not started). One query."""
    versions = dict(
        Report.objects.filter(movement=movement, period=period, unit__in=units).values_list(
            "unit__code", "version"
        )
    )
    return {u.code: versions.get(u.code, 0) for u in units}


def reporting_units(*, user: AbstractBaseUser | AnonymousUser, period: Period) -> list[Unit]:
    """Units of the reviewer's subtrees that report in `period` (the provincial workbook)."""
    return [
        u
        for u in Unit.objects.reviewable_by(user)
        .exclude(kind=Unit.Kind.PROVINCE)
        .in_official_order()
        if u.reports_in(period)
    ]
