"""The set-up tests share: the seed loaded once for the session, and the demo data copied back
after the first load (tests/factories.py `demo_loaded`) equal, row for row, to what demo_load
writes."""

import pytest
from django.db import transaction

from movements.models import Movement, Unit
from movements.services.demo import demo_load
from tests.factories import DEMO_WRITES, _rows, demo_loaded

pytestmark = pytest.mark.django_db

# Ids given by the database as rows are written: their order is compared, not their numbers
# (PostgreSQL's sequences go on after a rolled-back load).
IDS = {"id", "history_id", "report_id"}


def written(load) -> dict[str, list[tuple]]:
    """The rows `load` writes, in the order written, without ids, with their times (the demo
    dates every row around its deadline, never at the moment of writing); rolled back."""
    savepoint = transaction.savepoint()
    load()
    rows = {}
    for model in DEMO_WRITES:
        columns, found = _rows(model._meta.db_table)
        kept = [i for i, column in enumerate(columns) if column not in IDS]
        rows[model.__name__] = [tuple(row[i] for i in kept) for row in found]
    transaction.savepoint_rollback(savepoint)
    return rows


def test_the_seed_is_there_without_loading_it(db):
    assert Movement.objects.filter(code="3tn").exists()
    assert Unit.objects.filter(code="kien-giang").exists()


def test_the_demo_copied_back_is_the_demo_demo_load_writes(seed):
    loaded = written(demo_load)
    assert sum(len(rows) for rows in loaded.values()) > 4000
    written(demo_loaded)  # loaded and kept the first time in the session
    assert written(demo_loaded) == loaded
