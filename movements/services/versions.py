"""Data versions (`DataVersion`): what a page kept by the page cache (`reports.page_cache`) is
keyed by, so that it is forgotten exactly where the data it shows changed.

- `versions_bump(unit_ids)`: every write to a unit's reports, values, stored totals, flags or
  báo cáo edits bumps "unit:<id>" for the unit and every unit above it (`unit_ids_on_path`), in
  the writer's transaction: a unit's version covers its subtree. `movements.services.rollups`
  does it for every write of reports (`RollupChange.apply`, `TallyChange.apply`,
  `rollup_move_unit`), which every writer goes through.
- `tree_bump()`: any change to what is not one unit's data — units, periods, movements,
  stages, indicators and their bounds, published figures, memberships, accounts — bumps "tree"
  (`movements.services.receivers`, on every save and delete of those models).
- `versions_of(unit_ids)`: {key: version} of "tree" and the units, one query.

A bump is one `INSERT … ON CONFLICT (key) DO UPDATE SET version = version + 1` (PostgreSQL and
SQLite): two writers under the same district each add their one and neither is lost; the row
stays locked until the writer's transaction ends, so a reader sees the new version exactly when
it sees the write. A version that a rolled-back writer had bumped comes back to its old value,
which no reader outside that transaction ever saw.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from ..models import DataVersion

TREE = "tree"
SQLITE_PARAMETERS = 999


def unit_key(unit_id: int) -> str:
    """The key of a unit's version ("unit:<id>")."""
    return f"unit:{unit_id}"


def versions_bump(unit_ids: Iterable[int]) -> int:
    """Add one to the version of each unit of `unit_ids` (the caller gives the whole path:
    the unit and its ancestors), inside the writer's transaction (RuntimeError outside one).
    Returns how many keys were bumped."""
    return _bump(sorted({unit_key(int(pk)) for pk in unit_ids}))


def tree_bump() -> None:
    """Add one to the version of the tree, inside the writer's transaction."""
    _bump([TREE])


def bumped_after_save(bump, *args) -> None:
    """`bump(*args)` for a receiver of a model's save: in the writer's transaction, or, after
    a save made in autocommit (a shell, a test), in a transaction of its own just after it."""
    if connection.in_atomic_block:
        bump(*args)
        return
    with transaction.atomic():
        bump(*args)


def _bump(keys: list[str]) -> int:
    if not keys:
        return 0
    if not connection.in_atomic_block:
        raise RuntimeError("Data versions change only inside the writer's transaction.")
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    key = connection.ops.quote_name("key")
    with connection.cursor() as cursor:
        # Sorted keys: two writers bumping overlapping paths lock the rows in the same order.
        for start in range(0, len(keys), SQLITE_PARAMETERS):
            batch = keys[start : start + SQLITE_PARAMETERS]
            cursor.execute(
                f"INSERT INTO {table} ({key}, version) VALUES "
                + ", ".join(["(%s, 1)"] * len(batch))
                + f" ON CONFLICT ({key}) DO UPDATE SET version = {table}.version + 1",
                batch,
            )
    return len(keys)


def versions_of(unit_ids: Iterable[int]) -> dict[str, int]:
    """{key: version} of the tree and of each unit of `unit_ids` (0 for a key never bumped).
    One query."""
    keys = [TREE, *sorted({unit_key(int(pk)) for pk in unit_ids})]
    found = dict(DataVersion.objects.filter(key__in=keys).values_list("key", "version"))
    return {key: found.get(key, 0) for key in keys}
