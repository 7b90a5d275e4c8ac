"""Time the subtree aggregation behind every dashboard and report on a large generated tree.

    .venv/bin/python benchmarks/bench_totals.py [--grassroots 20] [--db URL]

It builds its own database (default: a fresh SQLite file in /tmp; with --db, e.g.
postgres://postgres@127.0.0.1:5432/bench, that database is flushed first), loads the seed,
adds N grassroots units under each of the 24 district-level units and branches, gives every
unit an approved report for each year 2009–2013 with every stored indicator, then times
`indicator_totals` for the province in its four shapes (median of 7 runs).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grassroots", type=int, default=20)
    parser.add_argument("--db", default="sqlite:////tmp/phongtrao-bench.sqlite3")
    args = parser.parse_args()
    if args.db.startswith("sqlite:////tmp/"):
        Path(args.db.removeprefix("sqlite:///")).unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = args.db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    from movements.models import Indicator, Period, Report, Unit, Value
    from movements.services import seed_load
    from reports.selectors import indicator_totals

    seed_load()
    movement = Indicator.objects.first().movement
    parents = list(Unit.objects.exclude(kind=Unit.Kind.PROVINCE))
    for parent in parents:
        for n in range(args.grassroots):
            Unit.objects.create(
                code=f"{parent.code}-cs-{n}",
                name=f"Cơ sở {n} ({parent.name})",
                short_name=f"CS {n}",
                kind=Unit.Kind.GRASSROOTS,
                parent=parent,
            )
    units = list(Unit.objects.exclude(kind=Unit.Kind.PROVINCE))
    periods = list(Period.objects.filter(kind="year", year__range=(2009, 2013)))
    reports = Report.objects.bulk_create(
        Report(unit=u, period=p, movement=movement, status="approved")
        for u in units
        for p in periods
    )
    stored = list(Indicator.objects.stored())
    rng = random.Random(1)
    Value.objects.bulk_create(
        (Value(report=r, indicator=i, value=rng.randint(0, 500)) for r in reports for i in stored),
        batch_size=5000,
    )
    province = Unit.objects.get(code="kien-giang")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{connection.vendor}: {len(units)} units, {len(reports)} reports, "
        f"{Value.objects.count()} values"
    )
    for label, kwargs in [
        ("stage total", {}),
        ("by child unit", {"by_unit": True}),
        ("by year", {"by_year": True}),
        ("by child unit and year", {"by_unit": True, "by_year": True}),
    ]:
        times = []
        for _ in range(7):
            start = time.perf_counter()
            indicator_totals(movement, province, 2009, 2013, **kwargs)
            times.append(time.perf_counter() - start)
        print(f"  {label:<24} median {statistics.median(times) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
