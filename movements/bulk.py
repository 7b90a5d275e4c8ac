"""Bulk writes on PostgreSQL: a table's foreign keys (and, for a load, its secondary indexes)
dropped for the write and rebuilt after it, PostgreSQL's advice for populating a database.

PostgreSQL checks a foreign key row by row, and Django's foreign keys are checked at commit
(DEFERRABLE INITIALLY DEFERRED): a national rollup rebuild queued some 36 million checks and
spent minutes in COMMIT. Added back, each key is checked in one pass over the table. The
drop and the re-creation run in the caller's transaction, so that a failure restores the
table as it was; meanwhile the table is locked (ACCESS EXCLUSIVE).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def constraints_rebuilt(cursor, table: str, *, indexes: bool = False) -> Iterator[None]:
    """Within the block, `table` has no foreign keys (nor, with `indexes`, unique constraints
    and secondary indexes; the primary key stays); they are recreated after it. `cursor`:
    a cursor on PostgreSQL inside a transaction."""
    # Checks already queued in the transaction run now: a table with pending checks cannot be
    # altered.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    kinds = "('f', 'u')" if indexes else "('f')"
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        f"WHERE conrelid = %s::regclass AND contype IN {kinds}",
        [table],
    )
    constraints = cursor.fetchall()
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    dropped = []
    if indexes:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'p')",
            [table, table],
        )
        dropped = cursor.fetchall()
        for name, _definition in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _name, definition in dropped:
        cursor.execute(definition)
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys, as they were
