"""The stored subtree totals (`Rollup`) and report counts (`ReportTally`), kept in step with
the values and reports they count.

**Every write that changes a counted value (a value of an approved or a submitted report), a
report, or the tree calls this module, inside its own transaction**, so that a failed write
leaves the stored figures as they were:

- `rollup_kept(reports)` around a write to `reports` (a Report queryset, evaluated before and
  again after the write): the counted values' and the reports' difference is added to the unit
  of each report and to every unit above it. `RollupChange` is the same in two steps (the
  admin's save).
- `rollup_move_unit(...)` when a unit changes parent (its path): its subtree totals and
  tallies leave its old ancestors and join its new ones. A unit added changes nothing.
- `TallyChange(reports)` around a change of which reports count (`Unit.save` when a unit's
  dates change, `Period.save` when a period's dates or deadline change).
- `rollup_rebuild()` recomputes everything from the values and reports (a restore, the data
  migrations, the `rebuild_rollups` command); `rollup_check()` compares without writing.

Each of them also bumps the data versions (`services.versions`) of the unit of every report it
touched, whatever its status (a draft saved changes the entry page and the to-do), and of every
unit above it, in the same transaction: the page cache keys what it keeps by them.

Differences are added by one `INSERT … ON CONFLICT DO UPDATE SET total = total + excluded.total`
(PostgreSQL and SQLite): two approvals under the same district at the same moment each add
their own part under READ COMMITTED, and nothing is lost. The before-state is read after the
caller has locked its reports (`select_for_update`), the lock every writer of those reports
takes, so it is the state the write changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Count, QuerySet, Sum

from ..bulk import constraints_rebuilt
from ..models import (
    Period,
    Report,
    ReportTally,
    Rollup,
    Unit,
    Value,
    of_existing_units,
    submission_counts,
)
from .versions import versions_bump

# Every status whose figures some page counts: the stored totals hold each of them.
COUNTED_STATUSES = Report.Status.counted(include_submitted=True)
SAMPLE = 10  # differences kept as examples by a check or rebuild
SQLITE_PARAMETERS = 999  # SQLite's oldest limit of parameters in one statement

# (unit id, period id, indicator id | movement id, status) -> figures
Key = tuple[int, int, int, str]
Sums = dict[Key, list[int]]


@dataclass(frozen=True)
class _Stored:
    """A table of stored subtree figures: its key columns (unit, period, a third, status), its
    figure columns, and the figure whose row goes when it reaches zero."""

    model: type
    key: tuple[str, str, str, str]
    figures: tuple[str, ...]
    count: str  # the figure that says how many things the row counts

    def deltas(self) -> Sums:
        return defaultdict(lambda: [0] * len(self.figures))


ROLLUP = _Stored(
    Rollup, ("unit_id", "period_id", "indicator_id", "status"), ("total", "entries"), "entries"
)
TALLY = _Stored(
    ReportTally,
    ("unit_id", "period_id", "movement_id", "status"),
    ("reports", "on_time", "late"),
    "reports",
)


def unit_ids_on_path(path: str) -> list[int]:
    """The ids on a unit's path, root first ('/1/5/9/' -> [1, 5, 9])."""
    return [int(part) for part in path.strip("/").split("/") if part]


def _counted(reports: QuerySet) -> dict[tuple[str, int, int, str], tuple[int, int]]:
    """{(unit path, period, indicator, status): (sum, number of values)} of the counted
    values of `reports`. One query."""
    rows = (
        Value.objects.filter(report__in=reports.values("pk"), report__status__in=COUNTED_STATUSES)
        .values_list("report__unit__path", "report__period_id", "indicator_id", "report__status")
        .annotate(total=Sum("value"), entries=Count("pk"))
        .order_by()
    )
    return {(p, period, i, s): (int(t), e) for p, period, i, s, t, e in rows}


def _tallied(reports: QuerySet) -> dict[tuple[str, int, int, str], tuple[int, int, int]]:
    """{(unit path, period, movement, status): (reports, on time, late)} of `reports` whose
    unit existed during their period. One query."""
    rows = (
        reports.filter(of_existing_units())
        .values_list("unit__path", "period_id", "movement_id", "status")
        .annotate(n=Count("pk"), **submission_counts())
        .order_by()
    )
    return {(p, period, m, s): (n, on_time, late) for p, period, m, s, n, on_time, late in rows}


def _spread(own: dict[tuple, tuple[int, ...]], sign: int, into: Sums) -> None:
    """Add `own` (keyed by the reporting unit's path) to that unit and each of its ancestors."""
    for (path, *key), figures in own.items():
        for unit_id in unit_ids_on_path(path):
            row = into[(unit_id, *key)]
            for position, figure in enumerate(figures):
                row[position] += sign * figure


def _add(deltas: Sums, stored: _Stored = ROLLUP) -> int:
    """Add each delta to its stored row (created when missing); rows left at zero (no value,
    no report) are deleted. Returns how many rows were touched."""
    rows = sorted((k, v) for k, v in deltas.items() if any(v))
    if not rows:
        return 0
    if not connection.in_atomic_block:
        raise RuntimeError("Rollups change only inside the writer's transaction.")
    table = connection.ops.quote_name(stored.model._meta.db_table)
    columns = (*stored.key, *stored.figures)
    batch_size = SQLITE_PARAMETERS // len(columns)
    placeholders = f"({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                f"{', '.join([placeholders] * len(batch))} "
                f"ON CONFLICT ({', '.join(stored.key)}) DO UPDATE SET "
                + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in stored.figures),
                [x for key, figures in batch for x in (*key, *figures)],
            )
    stored.model.objects.filter(
        **{f"{stored.count}__lte": 0},
        unit_id__in={k[0] for k, _ in rows},
        period_id__in={k[1] for k, _ in rows},
    ).delete()
    return len(rows)


class TallyChange:
    """The report counts of `reports` now (after the caller locked them); `apply()` after the
    write adds what changed to the stored tallies. A unit's or a period's dates changing
    (which reports count) is such a write too."""

    def __init__(self, reports: QuerySet):
        self.reports = reports
        self.before = _tallied(reports)

    def apply(self, reports: QuerySet | None = None) -> int:
        """Add what changed since the counts were read (or last applied); bump the versions
        of the units counted before or after and their ancestors. Returns rows changed."""
        changed, paths = self._applied(reports)
        _bump_paths(paths)
        return changed

    def _applied(self, reports: QuerySet | None) -> tuple[int, set[str]]:
        """Rows changed, and the paths of the reports' units counted before or after."""
        after = _tallied(self.reports if reports is None else reports)
        deltas = TALLY.deltas()
        _spread(self.before, -1, deltas)
        _spread(after, 1, deltas)
        paths = {key[0] for key in (*self.before, *after)}
        self.before = after
        return _add(deltas, TALLY), paths


def _bump_paths(paths: Iterable[str]) -> int:
    """Bump the data versions of the units on `paths` (each unit and its ancestors)."""
    return versions_bump({pk for path in paths for pk in unit_ids_on_path(path)})


def _hold(reports: QuerySet, *, units: Iterable[int] = (), periods: Iterable[int] = ()) -> set[str]:
    """Hold the units and periods of `reports`, and `units` and `periods` (those of reports
    the write creates), FOR KEY SHARE until the writer's transaction ends. A change of what
    the stored figures count under them (a unit's dates or place, a period's dates or
    deadline: `Unit.save`, `Period.save`) first takes those rows FOR UPDATE, so it waits for
    the writers counting now, and writers starting meanwhile wait for it: each one reads its
    before and after under the same tree and deadlines. Writers do not wait for each other
    (KEY SHARE does not conflict with itself). Two queries; on SQLite, which writes one
    transaction at a time, the same reads without a lock. Returns the paths of the units
    held."""
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    paths: set[str] = set()
    with connection.cursor() as cursor:
        for model, column, extra in ((Unit, "unit_id", units), (Period, "period_id", periods)):
            try:
                inner, params = reports.values(column).order_by().query.sql_with_params()
                condition = f"id IN ({inner})"
            except EmptyResultSet:  # `reports` can match nothing (pk__in=[])
                condition, params = "1 = 0", ()
            extra = sorted(set(extra))
            also = f" OR id IN ({', '.join(['%s'] * len(extra))})" if extra else ""
            cursor.execute(
                f"SELECT id, {'path' if model is Unit else 'NULL'} "
                f"FROM {connection.ops.quote_name(model._meta.db_table)} "
                f"WHERE {condition}{also} ORDER BY id{lock}",
                [*params, *extra],
            )
            paths.update(path for _pk, path in cursor.fetchall() if path)
    return paths


class RollupChange:
    """The counted values and the report counts of `reports` now (after the caller locked
    them, and holding their units and periods: `_hold`); `apply()` after the write adds what
    changed to the stored totals and tallies. Both run in the writer's transaction. `units`
    and `periods`: the ids of those of reports the write creates."""

    def __init__(
        self, reports: QuerySet, *, units: Iterable[int] = (), periods: Iterable[int] = ()
    ):
        # The units of the reports (and of those the write creates), whose versions it bumps.
        self.paths = _hold(reports, units=units, periods=periods)
        self.reports = reports
        self.before = _counted(reports)
        self.tallies = TallyChange(reports)

    def apply(self, reports: QuerySet | None = None) -> int:
        """Add the difference between the values of `reports` (default: the same queryset,
        evaluated again) and those seen before, and bump the versions of the reports' units
        and their ancestors. Returns how many stored rows changed."""
        reports = self.reports if reports is None else reports
        after = _counted(reports)
        deltas = ROLLUP.deltas()
        _spread(self.before, -1, deltas)
        _spread(after, 1, deltas)
        paths = {key[0] for key in after}
        self.before = after
        changed = _add(deltas)
        tallied, counted = self.tallies._applied(reports)
        changed += tallied
        # Last: every writer under the province bumps its row, held until the writer commits.
        _bump_paths(self.paths | paths | counted)
        return changed


@contextmanager
def rollup_kept(
    reports: QuerySet, *, units: Iterable[int] = (), periods: Iterable[int] = ()
) -> Iterator[RollupChange]:
    """Keep the rollups and tallies in step with a write to `reports` (a Report queryset,
    evaluated before and after the block; it may match reports the block creates, whose unit
    and period ids go in `units` and `periods`). Nothing is applied when the block raises."""
    change = RollupChange(reports, units=units, periods=periods)
    yield change
    change.apply()


def rollup_move_unit(*, unit_id: int, old_path: str, new_path: str) -> int:
    """A unit moved from `old_path` to `new_path`: its subtree totals and tallies (its own
    rows, locked here) leave the ancestors it had and join the ones it has. Returns rows
    changed."""
    old = set(unit_ids_on_path(old_path)) - {unit_id}
    new = set(unit_ids_on_path(new_path)) - {unit_id}
    versions_bump(old | new | {unit_id})
    leaving, joining = old - new, new - old
    if not leaving and not joining:
        return 0
    changed = 0
    for stored in (ROLLUP, TALLY):
        deltas = stored.deltas()
        rows = (
            stored.model.objects.select_for_update()
            .filter(unit_id=unit_id)
            .values_list(*stored.key[1:], *stored.figures)
            .order_by(*stored.key[1:])
        )
        for period, third, status, *figures in rows:
            for ancestor, sign in [*((a, -1) for a in leaving), *((a, 1) for a in joining)]:
                row = deltas[(ancestor, period, third, status)]
                for position, figure in enumerate(figures):
                    row[position] += sign * figure
        changed += _add(deltas, stored)
    return changed


@dataclass
class RollupReport:
    """What a rebuild or a check found: periods gone through, rows written (rebuild), and the
    rows that were missing, extra or wrong (check: before any rebuild)."""

    periods: int = 0
    rows: int = 0
    # How many rows were missing, extra or wrong, and the first SAMPLE of each: a rebuild on an
    # empty table finds every row missing, and must not keep them all.
    missing_count: int = 0
    extra_count: int = 0
    wrong_count: int = 0
    missing: list[Key] = field(default_factory=list)
    extra: list[Key] = field(default_factory=list)
    wrong: list[tuple[Key, tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    # The same for the report tallies (`ReportTally`), when they were gone through.
    tallies: RollupReport | None = None

    @property
    def ok(self) -> bool:
        own = not (self.missing_count or self.extra_count or self.wrong_count)
        return own and (self.tallies is None or self.tallies.ok)

    def count(self, expected: dict[Key, tuple], stored: dict[Key, tuple]) -> None:
        """Add the rows of `stored` that are missing, extra or wrong against `expected` (one
        period's), keeping the first SAMPLE of each."""
        missing = sorted(k for k in expected if k not in stored)
        extra = sorted(k for k in stored if k not in expected)
        wrong = sorted(k for k in expected if k in stored and stored[k] != expected[k])
        self.missing_count += len(missing)
        self.extra_count += len(extra)
        self.wrong_count += len(wrong)
        self.missing += missing[: SAMPLE - len(self.missing)]
        self.extra += extra[: SAMPLE - len(self.extra)]
        self.wrong += [(k, stored[k], expected[k]) for k in wrong[: SAMPLE - len(self.wrong)]]


class _Expected:
    """The rollup rows as the values give them, computed in the database one period at a time
    into a temporary table (`rows`), so that neither a check nor a rebuild holds a period's
    rows in Python: at national size a period has some 600.000 of them. `ancestors` pairs every
    unit with each unit on its path (itself included), from the units' paths."""

    ANCESTORS, ROWS = "rollup_ancestor", "rollup_expected"

    def __init__(self, cursor, *, unit_model, value_model, rollup_model):
        self.cursor = cursor
        quote = connection.ops.quote_name
        self.value = quote(value_model._meta.db_table)
        self.report = quote(value_model._meta.get_field("report").related_model._meta.db_table)
        self.rollup = quote(rollup_model._meta.db_table)
        self._drop()
        cursor.execute(
            f"CREATE TEMPORARY TABLE {self.ANCESTORS} (unit_id bigint NOT NULL, "
            "ancestor_id bigint NOT NULL)"
        )
        pairs = [
            (unit_id, ancestor)
            for unit_id, path in unit_model.objects.values_list("pk", "path").iterator()
            for ancestor in unit_ids_on_path(path)
        ]
        for start in range(0, len(pairs), SQLITE_PARAMETERS // 2):
            batch = pairs[start : start + SQLITE_PARAMETERS // 2]
            cursor.execute(
                f"INSERT INTO {self.ANCESTORS} (unit_id, ancestor_id) VALUES "
                + ", ".join(["(%s, %s)"] * len(batch)),
                [x for pair in batch for x in pair],
            )
        cursor.execute(f"CREATE INDEX {self.ANCESTORS}_unit ON {self.ANCESTORS} (unit_id)")
        self._analyze(self.ANCESTORS)

    def _analyze(self, table: str) -> None:
        # PostgreSQL plans the joins well only once it knows the temporary table's size (its
        # autovacuum never analyzes temporary tables).
        if connection.vendor == "postgresql":
            self.cursor.execute(f"ANALYZE {table}")

    def _drop(self) -> None:
        for table in (self.ANCESTORS, self.ROWS):
            self.cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def period(self, period_id: int) -> int:
        """Fill `ROWS` with the period's expected rows; returns how many."""
        self.cursor.execute(f"DROP TABLE IF EXISTS {self.ROWS}")
        counted = ", ".join(["%s"] * len(COUNTED_STATUSES))
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {self.ROWS} AS "
            "SELECT a.ancestor_id AS unit_id, v.indicator_id AS indicator_id, "
            "r.status AS status, SUM(v.value) AS total, COUNT(*) AS entries "
            f"FROM {self.value} v JOIN {self.report} r ON r.id = v.report_id "
            f"JOIN {self.ANCESTORS} a ON a.unit_id = r.unit_id "
            f"WHERE r.period_id = %s AND r.status IN ({counted}) "
            "GROUP BY a.ancestor_id, v.indicator_id, r.status",
            [period_id, *COUNTED_STATUSES],
        )
        self._analyze(self.ROWS)
        self.cursor.execute(f"SELECT COUNT(*) FROM {self.ROWS}")
        return self.cursor.fetchone()[0]

    def compare(self, period_id: int, into: RollupReport) -> None:
        """Count the stored rows of the period that are missing, wrong or extra, keeping the
        first SAMPLE of each."""
        joined = (
            f"FROM {self.ROWS} e LEFT JOIN {self.rollup} s ON s.period_id = %s "
            "AND s.unit_id = e.unit_id AND s.indicator_id = e.indicator_id "
            "AND s.status = e.status"
        )
        extra = (
            f"FROM {self.rollup} s LEFT JOIN {self.ROWS} e ON s.unit_id = e.unit_id "
            "AND s.indicator_id = e.indicator_id AND s.status = e.status "
            "WHERE s.period_id = %s AND e.unit_id IS NULL"
        )
        expected_key = "e.unit_id, e.indicator_id, e.status"
        for kind, sql, columns in (
            ("missing", f"{joined} WHERE s.id IS NULL", expected_key),
            (
                "wrong",
                f"{joined} WHERE s.id IS NOT NULL "
                "AND (s.total <> e.total OR s.entries <> e.entries)",
                f"{expected_key}, s.total, s.entries, e.total, e.entries",
            ),
            ("extra", extra, "s.unit_id, s.indicator_id, s.status"),
        ):
            self.cursor.execute(f"SELECT COUNT(*) {sql}", [period_id])
            count = self.cursor.fetchone()[0]
            setattr(into, f"{kind}_count", getattr(into, f"{kind}_count") + count)
            sample = getattr(into, kind)
            if not count or len(sample) >= SAMPLE:
                continue
            self.cursor.execute(
                f"SELECT {columns} {sql} ORDER BY 1, 2, 3 LIMIT {SAMPLE - len(sample)}",
                [period_id],
            )
            for unit, indicator, status, *figures in self.cursor.fetchall():
                found: Key = (unit, period_id, indicator, status)
                if kind == "wrong":
                    stored, expected = tuple(figures[:2]), (int(figures[2]), figures[3])
                    sample.append((found, stored, expected))
                else:
                    sample.append(found)

    def store(self, period_id: int) -> None:
        """Replace the period's stored rows with the expected ones, written unit by unit: a
        page reads a few units' rows of many periods, which then lie on a few pages each
        rather than scattered over the period's (in the aggregate's hash order)."""
        self.cursor.execute(f"DELETE FROM {self.rollup} WHERE period_id = %s", [period_id])
        self.cursor.execute(
            f"INSERT INTO {self.rollup} (unit_id, period_id, indicator_id, status, total, "
            f"entries) SELECT unit_id, %s, indicator_id, status, total, entries "
            f"FROM {self.ROWS} ORDER BY unit_id, indicator_id, status",
            [period_id],
        )

    def close(self) -> None:
        self._drop()


def _tally_period(period_id: int, *, report_model, tally_model, write: bool, into: RollupReport):
    """Count the period's reports into tallies (in Python: at national size some 15.000
    reports and 20.000 tallies a period), compare them with the stored ones, and replace
    those when `write`."""
    deltas = TALLY.deltas()
    _spread(_tallied(report_model.objects.filter(period_id=period_id)), 1, deltas)
    expected = {k: tuple(v) for k, v in deltas.items() if any(v)}
    rows = tally_model.objects.filter(period_id=period_id)
    into.count(
        expected,
        {
            (unit, period_id, movement, status): tuple(figures)
            for unit, movement, status, *figures in rows.values_list(
                "unit_id", "movement_id", "status", *TALLY.figures
            )
        },
    )
    into.rows += len(expected)
    into.periods += 1
    if write:
        rows.delete()
        tally_model.objects.bulk_create(
            (
                tally_model(
                    unit_id=unit,
                    period_id=period_id,
                    movement_id=movement,
                    status=status,
                    **dict(zip(TALLY.figures, figures, strict=True)),
                )
                for (unit, _period, movement, status), figures in sorted(expected.items())
            ),
            batch_size=SQLITE_PARAMETERS // 8,
        )


def _go_through(
    *, write: bool, unit_model, period_model, value_model, rollup_model, tally_model
) -> RollupReport:
    result = RollupReport()
    if tally_model is not None:
        result.tallies = RollupReport()
    report_model = value_model._meta.get_field("report").related_model
    with transaction.atomic(), connection.cursor() as cursor, ExitStack() as keys:
        expected = _Expected(
            cursor, unit_model=unit_model, value_model=value_model, rollup_model=rollup_model
        )
        if write and connection.vendor == "postgresql":
            for model in (rollup_model, tally_model):
                if model is not None:
                    keys.enter_context(constraints_rebuilt(cursor, model._meta.db_table))
        for period_id in period_model.objects.order_by("pk").values_list("pk", flat=True):
            result.rows += expected.period(period_id)
            expected.compare(period_id, result)
            if write:
                expected.store(period_id)
            result.periods += 1
            if tally_model is not None:
                _tally_period(
                    period_id,
                    report_model=report_model,
                    tally_model=tally_model,
                    write=write,
                    into=result.tallies,
                )
        keys.close()
        expected.close()
        # Rows of periods or units that no longer exist went with them (CASCADE).
    return result


def rollup_rebuild(
    *,
    unit_model=Unit,
    period_model=Period,
    value_model=Value,
    rollup_model=Rollup,
    tally_model=ReportTally,
) -> RollupReport:
    """Recompute every rollup row from the values, and every tally from the reports (unless
    `tally_model` is None: a migration before the tallies), one period at a time in the database
    (memory bounded, in Python, by the units' paths), in one transaction; on PostgreSQL the
    table's foreign keys are checked once at the end (`movements.bulk`), and the table is
    locked until then. Returns what was
    found wrong before, and rows written. The models are those of a migration when it calls
    this."""
    return _go_through(
        write=True,
        unit_model=unit_model,
        period_model=period_model,
        value_model=value_model,
        rollup_model=rollup_model,
        tally_model=tally_model,
    )


def rollup_check() -> RollupReport:
    """Compare every stored rollup row with the values, and every tally with the reports,
    without writing."""
    return _go_through(
        write=False,
        unit_model=Unit,
        period_model=Period,
        value_model=Value,
        rollup_model=Rollup,
        tally_model=ReportTally,
    )
