"""Secretaries of several units saving their reports at the same moment, each in its own
process, on the SQLite file of DATABASE_URL, as gunicorn's workers do under `make run`.
Run by tests/test_sqlite_writes.py in a fresh interpreter:

    DATABASE_URL=sqlite:////tmp/…/db.sqlite3 python -m tests.concurrent_saves WRITERS SAVES

It builds the tables (from the models, without replaying the migrations: faster) and the seed,
forks WRITERS processes that each save SAVES times through `report_save`, and prints one JSON
line: the errors the writers met, each unit's figures as saved last and as stored, and
whether the stored totals still match the values."""

from __future__ import annotations

import json
import multiprocessing
import sys

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402

from movements.models import Membership, Movement, Report, Unit, Value  # noqa: E402
from movements.selectors import entry_indicators  # noqa: E402
from movements.services.rollups import rollup_check  # noqa: E402
from movements.services.seed import seed_load  # noqa: E402
from movements.services.workflow import report_save  # noqa: E402
from tests.factories import year  # noqa: E402

YEAR = 2014


def build(writers: int) -> list[str]:
    """The schema, the seed, the period open and a secretary per unit; the units' codes."""
    settings.MIGRATION_MODULES = dict.fromkeys(app.label for app in apps.get_app_configs())
    call_command("migrate", run_syncdb=True, verbosity=0)
    seed_load()
    period = year(YEAR)
    period.open_for_entry = True
    period.save()
    units = list(Unit.objects.filter(children__isnull=True).order_by("code")[:writers])
    for unit in units:  # no password: hashing one is slow on purpose, and nobody logs in
        user = get_user_model().objects.create_user(username=f"bithu-{unit.code}")
        Membership.objects.create(user=user, unit=unit, role=Membership.Role.SECRETARY)
    return [unit.code for unit in units]


def figure(save: int) -> int:
    """Every figure of save number `save` (one number for all: no part exceeds its whole)."""
    return 100 + save


def write(code: str, saves: int, barrier, results) -> None:
    """SAVES saves of unit `code`'s report, each of every entry figure; the errors met go to
    `results`."""
    unit = Unit.objects.get(code=code)
    user = Membership.objects.get(unit=unit).user
    movement = Movement.objects.get(code="3tn")
    period = year(YEAR)
    indicators = entry_indicators(movement=movement)
    barrier.wait(timeout=30)
    errors = []
    for save in range(saves):
        report = Report.objects.filter(unit=unit, period=period, movement=movement).first()
        values = {i.code: figure(save) for i in indicators}
        try:
            report_save(
                user=user,
                unit=unit,
                period=period,
                movement=movement,
                values=values,
                version=report.version if report else 0,
                confirm_unusual=True,
            )
        except Exception as error:  # noqa: BLE001 — every failure is reported to the test
            errors.append(f"{code} save {save}: {type(error).__name__}: {error}")
    connections.close_all()
    results.put(errors)


def stored(code: str) -> dict[str, int]:
    return dict(
        Value.objects.filter(report__unit__code=code, report__period=year(YEAR)).values_list(
            "indicator__code", "value"
        )
    )


def main(writers: int, saves: int) -> None:
    codes = build(writers)
    indicators = entry_indicators(movement=Movement.objects.get(code="3tn"))
    connections.close_all()  # no connection crosses the fork
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(writers), context.Queue()
    processes = [
        context.Process(target=write, args=(code, saves, barrier, results)) for code in codes
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join()
    print(
        json.dumps(
            {
                "errors": [error for errors in outcomes for error in errors],
                "saved": {code: {i.code: figure(saves - 1) for i in indicators} for code in codes},
                "stored": {code: stored(code) for code in codes},
                "totals_kept": rollup_check().ok,  # the stored totals and tallies match
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
