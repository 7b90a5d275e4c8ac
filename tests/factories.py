"""Plain builders for test data: real rows in the real database, no mocks."""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.db import transaction

from movements.models import Indicator, Membership, Movement, Period, Report, Unit, Value
from movements.services.rollups import rollup_kept

PASSWORD = "mat-khau-thu-nghiem-2013"


def make_user(username: str, unit: Unit | None = None, role: str | None = None, **fields):
    """A user with a usable password (PASSWORD) and, if given, one membership."""
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)
    if unit is not None and role is not None:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


def year(value: int) -> Period:
    period, _ = Period.objects.get_or_create(kind=Period.Kind.YEAR, year=value, number=0)
    return period


def make_report(
    unit: Unit,
    period: Period | int,
    movement: Movement,
    status: str = Report.Status.APPROVED,
    values: dict[str, int] | None = None,
    **fields,
) -> Report:
    """A report with values given by indicator code: make_report(u, 2012, m, values={...}).
    Written as every writer writes, the stored totals (rollups) kept in step."""
    if isinstance(period, int):
        period = year(period)
    with (
        transaction.atomic(),
        rollup_kept(
            Report.objects.filter(unit=unit, period=period, movement=movement),
            units=[unit.pk],
            periods=[period.pk],
        ),
    ):
        report = Report.objects.create(
            unit=unit, period=period, movement=movement, status=status, **fields
        )
        indicators = {i.code: i for i in Indicator.objects.filter(movement=movement)}
        Value.objects.bulk_create(
            Value(report=report, indicator=indicators[code], value=number)
            for code, number in (values or {}).items()
        )
    return report


@contextmanager
def totals_kept(reports):
    """Around a test's direct write to `reports` (a Report queryset): the stored totals kept in
    step as every writer keeps them (`rollup_kept`), in one transaction."""
    with transaction.atomic(), rollup_kept(reports):
        yield
