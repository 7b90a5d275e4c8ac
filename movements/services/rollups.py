"""The stored subtree totals (`Rollup`), kept in step with the values they sum.

**Every write that changes a counted value (a value of an approved or a submitted report) or
the tree calls this module, inside its own transaction**, so that a failed write leaves the
totals as they were:

- `rollup_kept(reports)` around a write to `reports` (a Report queryset, evaluated before and
  again after the write): the counted values' difference is added to the unit of each report
  and to every unit above it. `RollupChange` is the same in two steps (the admin's save).
- `rollup_move_unit(...)` when a unit changes parent (its path): its subtree totals leave its
  old ancestors and join its new ones. A unit added or closed changes no total.
- `rollup_rebuild()` recomputes everything from the values (a restore, the data migration,
  the `rebuild_rollups` command); `rollup_check()` compares without writing.

Differences are added by one `INSERT … ON CONFLICT DO UPDATE SET total = total + excluded.total`
(PostgreSQL and SQLite): two approvals under the same district at the same moment each add
their own part under READ COMMITTED, and nothing is lost. The before-state is read after the
caller has locked its reports (`select_for_update`), the lock every writer of those reports
takes, so it is the state the write changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, QuerySet, Sum

from ..models import Period, Report, Rollup, Unit, Value

COUNTED_STATUSES = (Report.Status.APPROVED.value, Report.Status.SUBMITTED.value)
SAMPLE = 10  # differences kept as examples by a check or rebuild
BATCH = 150  # rows per INSERT: 6 parameters each, under SQLite's oldest limit of 999

# (unit id, period id, indicator id, status) -> [total, entries]
Key = tuple[int, int, int, str]
Sums = dict[Key, list[int]]


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


def _spread(own: dict[tuple[str, int, int, str], tuple[int, int]], sign: int, into: Sums) -> None:
    """Add `own` (keyed by the reporting unit's path) to that unit and each of its ancestors."""
    for (path, period, indicator, status), (total, entries) in own.items():
        for unit_id in unit_ids_on_path(path):
            row = into[(unit_id, period, indicator, status)]
            row[0] += sign * total
            row[1] += sign * entries


def _add(deltas: Sums) -> int:
    """Add each delta to its stored row (created when missing); rows left with no value are
    deleted. Returns how many rows were touched."""
    rows = sorted((k, v) for k, v in deltas.items() if v[0] or v[1])
    if not rows:
        return 0
    if not connection.in_atomic_block:
        raise RuntimeError("Rollups change only inside the writer's transaction.")
    table = connection.ops.quote_name(Rollup._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            cursor.execute(
                f"INSERT INTO {table} (unit_id, period_id, indicator_id, status, total, entries) "
                f"VALUES {', '.join(['(%s, %s, %s, %s, %s, %s)'] * len(batch))} "
                "ON CONFLICT (unit_id, period_id, indicator_id, status) DO UPDATE SET "
                f"total = {table}.total + excluded.total, "
                f"entries = {table}.entries + excluded.entries",
                [x for key, (total, entries) in batch for x in (*key, total, entries)],
            )
    Rollup.objects.filter(
        entries__lte=0,
        unit_id__in={k[0] for k, _ in rows},
        period_id__in={k[1] for k, _ in rows},
    ).delete()
    return len(rows)


class RollupChange:
    """The counted values of `reports` now (after the caller locked them); `apply()` after the
    write adds what changed to the stored totals. Both run in the writer's transaction."""

    def __init__(self, reports: QuerySet):
        self.reports = reports
        self.before = _counted(reports)

    def apply(self, reports: QuerySet | None = None) -> int:
        """Add the difference between the values of `reports` (default: the same queryset,
        evaluated again) and those seen before. Returns how many rollup rows changed."""
        after = _counted(self.reports if reports is None else reports)
        deltas: Sums = defaultdict(lambda: [0, 0])
        _spread(self.before, -1, deltas)
        _spread(after, 1, deltas)
        self.before = after
        return _add(deltas)


@contextmanager
def rollup_kept(reports: QuerySet) -> Iterator[RollupChange]:
    """Keep the rollups in step with a write to `reports` (a Report queryset, evaluated before
    and after the block; it may match reports the block creates). Nothing is applied when the
    block raises."""
    change = RollupChange(reports)
    yield change
    change.apply()


def rollup_move_unit(*, unit_id: int, old_path: str, new_path: str) -> int:
    """A unit moved from `old_path` to `new_path`: its subtree totals (its own rollup rows,
    locked here) leave the ancestors it had and join the ones it has. Returns rows changed."""
    old = set(unit_ids_on_path(old_path)) - {unit_id}
    new = set(unit_ids_on_path(new_path)) - {unit_id}
    leaving, joining = old - new, new - old
    if not leaving and not joining:
        return 0
    deltas: Sums = defaultdict(lambda: [0, 0])
    rows = (
        Rollup.objects.select_for_update()
        .filter(unit_id=unit_id)
        .values_list("period_id", "indicator_id", "status", "total", "entries")
        .order_by("period_id", "indicator_id", "status")
    )
    for period, indicator, status, total, entries in rows:
        for ancestor, sign in [*((a, -1) for a in leaving), *((a, 1) for a in joining)]:
            row = deltas[(ancestor, period, indicator, status)]
            row[0] += sign * total
            row[1] += sign * entries
    return _add(deltas)


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

    @property
    def ok(self) -> bool:
        return not (self.missing_count or self.extra_count or self.wrong_count)


def _expected(period_id: int, paths: dict[int, str], values_model) -> dict[Key, tuple[int, int]]:
    """The rollup rows of one period as the values give them: each unit's own sums (one query),
    spread over its ancestors."""
    own = (
        values_model.objects.filter(
            report__period_id=period_id, report__status__in=COUNTED_STATUSES
        )
        .values_list("report__unit_id", "indicator_id", "report__status")
        .annotate(total=Sum("value"), entries=Count("pk"))
        .order_by()
    )
    sums: Sums = defaultdict(lambda: [0, 0])
    _spread({(paths[u], period_id, i, s): (int(t), e) for u, i, s, t, e in own}, 1, sums)
    return {k: (v[0], v[1]) for k, v in sums.items() if v[1]}


def _stored(period_id: int, rollup_model) -> dict[Key, tuple[int, int]]:
    return {
        (u, period_id, i, s): (t, e)
        for u, i, s, t, e in rollup_model.objects.filter(period_id=period_id).values_list(
            "unit_id", "indicator_id", "status", "total", "entries"
        )
    }


def rollup_rebuild(
    *, unit_model=Unit, period_model=Period, value_model=Value, rollup_model=Rollup
) -> RollupReport:
    """Recompute every rollup row from the values, one period at a time (memory bounded by a
    period's rows), in one transaction. Returns what was found wrong before, and rows written.
    The models are those of a migration when it calls this."""
    result = RollupReport()
    with transaction.atomic():
        paths = dict(unit_model.objects.values_list("pk", "path"))
        for period_id in period_model.objects.order_by("pk").values_list("pk", flat=True):
            expected = _expected(period_id, paths, value_model)
            _compare(expected, _stored(period_id, rollup_model), result)
            rollup_model.objects.filter(period_id=period_id).delete()
            rollup_model.objects.bulk_create(
                [
                    rollup_model(
                        unit_id=u, period_id=p, indicator_id=i, status=s, total=t, entries=e
                    )
                    for (u, p, i, s), (t, e) in sorted(expected.items())
                ],
                batch_size=500,
            )
            result.periods += 1
            result.rows += len(expected)
        # Rows of periods or units that no longer exist go with them (CASCADE).
    return result


def rollup_check() -> RollupReport:
    """Compare every stored rollup row with the values, without writing."""
    result = RollupReport()
    paths = dict(Unit.objects.values_list("pk", "path"))
    for period_id in Period.objects.order_by("pk").values_list("pk", flat=True):
        expected = _expected(period_id, paths, Value)
        _compare(expected, _stored(period_id, Rollup), result)
        result.periods += 1
        result.rows += len(expected)
    return result


def _compare(
    expected: dict[Key, tuple[int, int]], stored: dict[Key, tuple[int, int]], into: RollupReport
) -> None:
    for key, figures in expected.items():
        if key not in stored:
            into.missing_count += 1
            if len(into.missing) < SAMPLE:
                into.missing.append(key)
        elif stored[key] != figures:
            into.wrong_count += 1
            if len(into.wrong) < SAMPLE:
                into.wrong.append((key, stored[key], figures))
    for key in stored:
        if key not in expected:
            into.extra_count += 1
            if len(into.extra) < SAMPLE:
                into.extra.append(key)
