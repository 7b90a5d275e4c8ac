"""A large generated tree for benchmarks: the seed, plus N grassroots units under each of the
24 district-level units and branches, each with an approved report for every year of the
stage carrying every stored indicator."""

import os
import random
from pathlib import Path


def setup_database(url: str) -> None:
    """Point Django at `url` (a fresh SQLite file in /tmp is removed first) and set it up."""
    if url.startswith("sqlite:////tmp/"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_PLAIN_STATIC", "1")  # pages are rendered without collectstatic
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def build(grassroots: int) -> str:
    """Create the tree and its reports; returns a one-line summary."""
    from django.db import connection

    from movements.models import Indicator, Period, Report, Unit, Value
    from movements.services.rollups import rollup_rebuild
    from movements.services.seed import seed_load

    seed_load()
    movement = Indicator.objects.first().movement
    for parent in list(Unit.objects.exclude(kind=Unit.Kind.PROVINCE)):
        for n in range(grassroots):
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
    # A bulk loader: the stored totals the dashboards read, recomputed from the values.
    rollup_rebuild()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return (
        f"{connection.vendor}: {len(units)} units, {len(reports)} reports, "
        f"{Value.objects.count()} values"
    )
