"""Plain builders for test data: real rows in the real database, no mocks."""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from datetime import UTC, datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from movements.models import (
    Indicator,
    IndicatorGroup,
    Membership,
    Movement,
    Period,
    Report,
    ReportFlag,
    ReportTally,
    Rollup,
    Unit,
    Value,
)
from movements.services.demo import demo_load
from movements.services.flags import report_flags_store
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
    Written as every writer writes, the stored totals (rollups) kept in step and, for a
    submitted or approved report, its flags stored."""
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
        report_flags_store([report])  # a submitted or approved report's flags, as on submission
    return report


def every_section(movement: Movement) -> list[str]:
    """The codes of all the movement's sections: a submission that confirms every blank
    section as "nothing to report" (report_save's `blanks_confirmed`)."""
    return list(IndicatorGroup.objects.filter(movement=movement).values_list("code", flat=True))


def blanks_kept(movement: Movement) -> dict[str, str]:
    """The entry form's answers keeping every section's blank figures blank ("nothing to
    report"), for a form submission that is not about blanks."""
    return {f"blank-{code}": "empty" for code in every_section(movement)}


@contextmanager
def totals_kept(reports):
    """Around a test's direct write to `reports` (a Report queryset): the stored totals kept in
    step as every writer keeps them (`rollup_kept`), in one transaction."""
    with transaction.atomic(), rollup_kept(reports):
        yield


# What demo_load writes: the tables it fills, from empty, and their columns set to the moment of
# writing (auto_now, the history's date).
DEMO_WRITES = (
    Report,
    Value,
    Report.history.model,
    Value.history.model,
    Rollup,
    ReportTally,
    ReportFlag,
)
_NOW_COLUMNS = {"created_at", "updated_at", "history_date"}
# The rows demo_load wrote the first time in the session, by the state it read (`_demo_read`),
# with the moment it started: (started, [(table, columns, rows)]).
_DEMO_ROWS: dict[str, tuple[datetime, list[tuple[str, list[str], list[tuple]]]]] = {}


def _rows(table: str) -> tuple[list[str], list[tuple]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
        return [column[0] for column in cursor.description], cursor.fetchall()


def _demo_read() -> str:
    """A digest of every row of `movements` demo_load could read (all but what it writes and
    the memberships): the same digest, the same rows written."""
    digest = hashlib.sha256()
    for model in apps.get_app_config("movements").get_models(include_auto_created=True):
        if model not in (*DEMO_WRITES, Membership):
            digest.update(repr(_rows(model._meta.db_table)).encode())
    return digest.hexdigest()


def _moved(value: datetime | None, started: datetime, shift) -> datetime | None:
    """A time demo_load wrote (naive in UTC on SQLite): moved by `shift` when it was the moment
    of writing (at or after `started`); a date the demo gives (a submission in 2014) kept."""
    if value is None:
        return None
    moment = timezone.make_aware(value, UTC) if timezone.is_naive(value) else value
    return value + shift if moment >= started else value


def demo_loaded() -> None:
    """The demo data, as demo_load writes it: loaded, the first time in the session (some 0.7
    s); then, on the same data, its rows copied back (some 0.1 s), their times of writing moved
    to now (the dates the demo gives, around each deadline, kept). Loaded for real whenever a
    table demo_load writes already holds rows."""
    if any(model.objects.exists() for model in DEMO_WRITES):
        demo_load()
        return
    state = _demo_read()
    if state not in _DEMO_ROWS:
        started = timezone.now()
        demo_load()
        _DEMO_ROWS[state] = (
            started,
            [(m._meta.db_table, *_rows(m._meta.db_table)) for m in DEMO_WRITES],
        )
        return
    started, tables = _DEMO_ROWS[state]
    shift = timezone.now() - started
    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns, rows in tables:
            moved = [i for i, column in enumerate(columns) if column in _NOW_COLUMNS]
            if moved:
                rows = [
                    tuple(_moved(v, started, shift) if i in moved else v for i, v in enumerate(row))
                    for row in rows
                ]
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(table)} "
                f"({', '.join(connection.ops.quote_name(c) for c in columns)}) "
                f"VALUES ({', '.join(['%s'] * len(columns))})",
                rows,
            )
