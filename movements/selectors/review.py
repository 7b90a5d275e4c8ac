"""Reads behind the review page: the reports waiting for a reviewer, and the warnings they carry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from ..models import Indicator, Report, Value
from ..rules import values_check
from .entry import previous_values_by_unit
from .movement import entry_indicators

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def review_queue(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Report]:
    """Submitted reports of the reviewer's subtrees, oldest submission first (then in the
    units' order; a stable order, for pages of the queue)."""
    return (
        Report.objects.reviewable_by(user)
        .awaiting_review()
        .select_related("unit", "period", "movement", "submitted_by")
        .order_by("submitted_at", "unit__sort_order", "pk")
    )


def review_flags(*, reports: list[Report]) -> dict[int, list[str]]:
    """{report id: warnings} for reports whose values look implausible (the rules of the
    entry form: bounds, the unit's previous period, its members), so that a reviewer sees
    them before approving. One query for the values, one for the indicators of each
    movement and two for the previous values of each period among `reports`."""
    if not reports:
        return {}
    current: dict[int, dict[str, int]] = {r.pk: {} for r in reports}
    for report_id, code, value in Value.objects.filter(report__in=reports).values_list(
        "report_id", "indicator__code", "value"
    ):
        current[report_id][code] = value
    indicators: dict[int, list[Indicator]] = {}
    previous: dict[tuple[int, int], dict[int, dict[str, int]]] = {}
    flags: dict[int, list[str]] = {}
    for report in reports:
        if report.movement_id not in indicators:
            indicators[report.movement_id] = entry_indicators(movement=report.movement)
        key = (report.period_id, report.movement_id)
        if key not in previous:
            same = [r.unit for r in reports if (r.period_id, r.movement_id) == key]
            previous[key] = previous_values_by_unit(
                units=same, period=report.period, movement=report.movement
            )
        _errors, warnings = values_check(
            indicators[report.movement_id],
            current[report.pk],
            previous[key][report.unit_id],
            unit=report.unit,
        )
        if warnings:
            flags[report.pk] = [m for messages in warnings.values() for m in messages]
    return flags
