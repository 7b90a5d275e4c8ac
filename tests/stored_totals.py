"""The guard that makes a forgotten rollup fail the suite: after a test that wrote to a table the
stored subtree totals (`Rollup`) and report tallies (`ReportTally`) count, they are compared
with what the values and reports give, and the test fails naming the rows that differ
(`stored_totals_guarded`, used around every database test by tests/conftest.py).

The figures expected are computed with the writers' own arithmetic (`_counted`, `_tallied`,
`_spread` of movements/services/rollups.py) over every report at once: the guard catches a
writer that forgot `rollup_kept`, not a wrong rule, which tests/movements/test_rollups.py checks
against sums computed independently. `rollup_check()` (the `rebuild_rollups --check` command)
compares the same, period by period through temporary tables, built for national data: some
0.1 s on the demo data against 0.01–0.05 s here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from movements.models import Indicator, Movement, Period, Report, ReportTally, Rollup, Unit, Value
from movements.services.rollups import ROLLUP, SAMPLE, TALLY, _counted, _spread, _tallied

# A write to one of these can change what the stored totals and tallies should say (a deletion
# of a movement, an indicator or a unit cascades to reports and values; a unit's or a period's
# dates change which reports count); a write to the stored rows themselves can make them wrong.
COUNTED_TABLES = (Movement, Indicator, Unit, Period, Report, Value, Rollup, ReportTally)
_COUNTED_TABLE = re.compile(
    r"\b(?:" + "|".join(model._meta.db_table for model in COUNTED_TABLES) + r")\b"
)
WRITES = ("INSERT", "UPDATE", "DELETE")


def _described(stored, key: tuple, found: tuple | None, expected: tuple | None) -> str:
    unit, period, third, status = key
    owner = Indicator if stored is ROLLUP else Movement
    names = {
        "unit": Unit.objects.filter(pk=unit).values_list("code", flat=True).first(),
        "period": Period.objects.filter(pk=period).first(),
        owner.__name__.lower(): owner.objects.filter(pk=third)
        .values_list("code", flat=True)
        .first(),
        "status": status,
    }
    row = ", ".join(f"{name}={value}" for name, value in names.items())

    def figures(values: tuple | None) -> str:
        if values is None:
            return "no row"
        return ", ".join(
            f"{name} {value}" for name, value in zip(stored.figures, values, strict=True)
        )

    return (
        f"{stored.model.__name__}({row}): stored {figures(found)}; "
        f"the values and reports give {figures(expected)}"
    )


def stored_totals_wrong(sample: int = SAMPLE) -> list[str]:
    """The stored rollup and tally rows that are missing, extra or wrong against the values and
    reports, described with the codes of their unit, period, indicator or movement (the first
    `sample` of each table, then how many more). Empty when all are right. Four queries, and
    four per row described."""
    reports = Report.objects.all()
    wrong = []
    for stored, own in ((ROLLUP, _counted(reports)), (TALLY, _tallied(reports))):
        spread = stored.deltas()
        _spread(own, 1, spread)
        expected = {key: tuple(figures) for key, figures in spread.items() if any(figures)}
        found = {
            tuple(row[:4]): tuple(row[4:])
            for row in stored.model.objects.values_list(*stored.key, *stored.figures)
        }
        keys = sorted(k for k in expected.keys() | found.keys() if expected.get(k) != found.get(k))
        wrong += [_described(stored, k, found.get(k), expected.get(k)) for k in keys[:sample]]
        if len(keys) > sample:
            wrong.append(f"… and {len(keys) - sample} more {stored.model.__name__} rows")
    return wrong


class _Writes:
    """An execute wrapper noting whether a statement wrote to a table of COUNTED_TABLES."""

    def __init__(self):
        self.seen = False

    def __call__(self, execute, sql, params, many, context):
        if not self.seen and sql.lstrip()[:6].upper() in WRITES and _COUNTED_TABLE.search(sql):
            self.seen = True
        return execute(sql, params, many, context)


@contextmanager
def stored_totals_guarded(*, always: bool = False) -> Iterator[None]:
    """Fail (pytest.fail) when, after the block, the stored totals or tallies differ from the
    values and reports. Checked only when the block wrote, on this thread's connection, to a
    table they count (most tests do not), or `always`: a transactional test, whose writes may
    come from other threads' connections (the race tests, the live server). Nothing is checked
    when the block raises."""
    writes = _Writes()
    with connection.execute_wrapper(writes):
        yield
    if not (always or writes.seen):
        return
    wrong = stored_totals_wrong()
    if wrong:
        pytest.fail(
            "The stored totals (Rollup) or report tallies (ReportTally) no longer match the "
            "values and reports: a write forgot to keep them in step (rollup_kept, or "
            "tests.factories.totals_kept around a test's direct write). A test that makes them "
            "wrong on purpose is marked totals_unchecked.\n  " + "\n  ".join(wrong),
            pytrace=False,
        )
