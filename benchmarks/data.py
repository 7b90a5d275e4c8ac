"""Generated data for the benchmarks, at three sizes up to a national one, loaded with
PostgreSQL COPY (rows streamed from generators: memory stays flat whatever the size).

    .venv/bin/python -m benchmarks.data --size small|medium|national \\
        --db postgres://postgres@127.0.0.1:5432/bench_pages

The tree is central → provinces → district-level units and branches → grassroots: the seed's
Tỉnh Đoàn Kiên Giang (its units and codes kept, so the pages' URLs work) is one of the
provinces, under a generated central root. The model has no kind for the central level, so the
root is stored as a province-kind unit ("Trung ương Đoàn (dữ liệu thử nghiệm)"); a root files no
report (`Unit.reports_in`). Every unit below the provinces files an approved report for every
quarter of 2009–2013 (the seed movement is switched to quarterly entry: Period.Kind.QUARTER is
a kind the model supports), each carrying every stored indicator. The last quarter's reports of
Kiên Giang's units are left submitted, so that /review/ has work to show.

| size     | provinces | districts, branches      | grassroots each | units  | values     |
| small    | 2         | seed's 24; 15 elsewhere  | 4               | 196    | 152,100    |
| medium   | 12        | seed's 24; 15 elsewhere  | 12              | 2,470  | 1,916,460  |
| national | 63        | seed's 24; 15 elsewhere  | 15              | 15,265 | 11,905,920 |

(39 stored indicators, 20 quarters.) The national build took 6 min (354 s, with the migrations)
on 2 shared cores, at 80 MB peak RSS: COPY streams rows from generators, and the values'
foreign keys and secondary indexes are dropped during the load and rebuilt after it.

SQLite (the default of bench_totals.py) gets the same tree through the ORM, for small only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import resource
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FIRST_YEAR, LAST_YEAR = 2009, 2013
ROOT_CODE = "trung-uong"
CHUNK_ROWS = 20_000  # rows per write to the COPY stream


@dataclass(frozen=True)
class Size:
    provinces: int  # including Kiên Giang
    units_per_province: int  # district-level units and branches of a generated province
    grassroots_per_unit: int


SIZES = {
    "small": Size(provinces=2, units_per_province=15, grassroots_per_unit=4),
    "medium": Size(provinces=12, units_per_province=15, grassroots_per_unit=12),
    "national": Size(provinces=63, units_per_province=15, grassroots_per_unit=15),
}


def setup_database(url: str) -> None:
    """Point Django at `url` (a fresh SQLite file in /tmp is removed first) and set it up,
    empty."""
    if url.startswith("sqlite:////tmp/"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    connect(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def connect(url: str) -> None:
    """Point Django at `url` without changing the database."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_PLAIN_STATIC", "1")  # pages are rendered without collectstatic
    import django

    django.setup()


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(size: str) -> str:
    """Create the tree and its reports in the (empty, migrated) database; returns a summary."""
    from django.db import connection

    from movements.services.seed import seed_load

    spec = SIZES[size]
    seed_load()
    movement, periods = _quarterly_movement()
    root = _central_root()
    if connection.vendor == "postgresql":
        counts = _copy_tree(spec, root, movement, periods)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        if size != "small":
            raise SystemExit("SQLite: --size small only (the larger sizes need PostgreSQL COPY)")
        counts = _orm_tree(spec, root, movement, periods)
    _after_load()
    if connection.vendor == "postgresql":
        # The rollups and tallies are new: their statistics for the planner, and their pages marked
        # all-visible, as autovacuum would leave them on a server that has been running.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE movements_rollup")
            cursor.execute("VACUUM ANALYZE movements_reporttally")
    return (
        f"{connection.vendor} {size}: {counts['units']:,} units, {counts['reports']:,} reports, "
        f"{counts['values']:,} values"
    )


def _after_load() -> None:
    """The one place to rebuild what is derived from the values after a bulk load (COPY
    bypasses the services): the stored totals and report tallies the dashboards read, and the
    flags of the submitted reports that /review/ shows (those of the approved ones, which only
    the validation page reads, are left out: some minutes at national size)."""
    from movements.models import Report
    from movements.services.flags import report_flags_store
    from movements.services.rollups import rollup_rebuild

    rollup_rebuild()
    report_flags_store(Report.objects.filter(status=Report.Status.SUBMITTED))


def _quarterly_movement():
    from movements.models import Movement, Period

    movement = Movement.objects.get(code="3tn")
    movement.period_kind = Period.Kind.QUARTER
    movement.save(update_fields=["period_kind"])
    periods = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for number in range(1, 5):
            period, _created = Period.objects.get_or_create(
                kind=Period.Kind.QUARTER, year=year, number=number
            )
            periods.append(period)
    return movement, periods


def _central_root():
    from movements.models import Unit

    root = Unit.objects.create(
        code=ROOT_CODE,
        name="Trung ương Đoàn (dữ liệu thử nghiệm)",
        short_name="Trung ương",
        kind=Unit.Kind.PROVINCE,
    )
    province = Unit.objects.get(code="kien-giang")
    province.parent = root
    province.save()  # rewrites the paths of the seed's subtree
    return root


@dataclass(frozen=True)
class _Unit:
    pk: int
    code: str
    name: str
    short_name: str
    kind: str
    parent: int
    path: str
    order: int


def _generated_units(spec: Size, root, seeded: list, first_pk: int) -> Iterator[_Unit]:
    """The generated units, parents before children. Kiên Giang keeps its `seeded` units and
    gets grassroots under each; the other provinces are generated whole. No query here: it
    runs while a COPY holds the connection."""
    from movements.models import Unit

    pk = first_pk
    for parent in seeded:
        for n in range(spec.grassroots_per_unit):
            yield _Unit(
                pk,
                f"{parent.code}-cs-{n + 1}",
                f"Cơ sở Đoàn {n + 1} ({parent.short_name})",
                f"CS {n + 1}",
                Unit.Kind.GRASSROOTS,
                parent.pk,
                f"{parent.path}{pk}/",
                n,
            )
            pk += 1
    for p in range(2, spec.provinces + 1):
        province = _Unit(
            pk, f"tinh-{p:02d}", f"Tỉnh Đoàn {p:02d}", f"Tỉnh {p:02d}", Unit.Kind.PROVINCE,
            root.pk, f"{root.path}{pk}/", p,
        )  # fmt: skip
        pk += 1
        yield province
        for d in range(1, spec.units_per_province + 1):
            kind = Unit.Kind.BRANCH if d > spec.units_per_province * 2 // 3 else Unit.Kind.DISTRICT
            district = _Unit(
                pk, f"tinh-{p:02d}-{d:02d}", f"Huyện Đoàn {d:02d} (tỉnh {p:02d})",
                f"Huyện {d:02d}", kind, province.pk, f"{province.path}{pk}/", d,
            )  # fmt: skip
            pk += 1
            yield district
            for n in range(1, spec.grassroots_per_unit + 1):
                yield _Unit(
                    pk, f"{district.code}-cs-{n}", f"Cơ sở Đoàn {n} ({district.short_name}, "
                    f"tỉnh {p:02d})", f"CS {n}", Unit.Kind.GRASSROOTS, district.pk,
                    f"{district.path}{pk}/", n,
                )  # fmt: skip
                pk += 1


def _copy_rows(cursor, sql: str, lines: Iterator[str]) -> int:
    """COPY ... FROM STDIN in text format, written in chunks; returns the number of rows."""
    count = 0
    buffer = io.StringIO()
    with cursor.copy(sql) as copy:
        for line in lines:
            buffer.write(line)
            count += 1
            if count % CHUNK_ROWS == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return count


def _copy_tree(spec: Size, root, movement, periods) -> dict[str, int]:
    from django.db import connection, transaction

    from movements.bulk import constraints_rebuilt
    from movements.models import Indicator, Report, Unit, Value

    stored = list(Indicator.objects.stored().order_by("pk").values_list("pk", "part_of_id"))
    seeded = list(Unit.objects.filter(parent__code="kien-giang").order_by("path"))
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own cursor, for copy()
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM movements_unit")
        first_unit = cursor.fetchone()[0]
        units = _copy_rows(
            cursor,
            "COPY movements_unit (id, code, name, short_name, kind, parent_id, gso_code, "
            "sort_order, path, signer_title, signer_name, recipients) FROM STDIN",
            (
                f"{u.pk}\t{u.code}\t{u.name}\t{u.short_name}\t{u.kind}\t{u.parent}\t\t"
                f"{u.order}\t{u.path}\t\t\t\n"
                for u in _generated_units(spec, root, seeded, first_unit)
            ),
        )
        _reset_sequence(cursor, Unit)
    reporting = list(
        Unit.objects.exclude(kind=Unit.Kind.PROVINCE).order_by("path").values_list("pk", "code")
    )
    kien_giang = Unit.objects.get(code="kien-giang").path
    in_kien_giang = set(
        Unit.objects.filter(path__startswith=kien_giang).values_list("pk", flat=True)
    )
    last_period = periods[-1].pk
    now = dt.datetime.now(dt.UTC).isoformat()
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM movements_report")
        first_report = cursor.fetchone()[0]

        def report_rows() -> Iterator[str]:
            pk = first_report
            for unit, _code in reporting:
                for period in periods:
                    status = (
                        "submitted"
                        if period.pk == last_period and unit in in_kien_giang
                        else "approved"
                    )
                    yield (
                        f"{pk}\t{unit}\t{period.pk}\t{movement.pk}\t{status}\t\t\t\t"
                        f"{now}\t{now}\t1\tf\t[]\n"
                    )
                    pk += 1

        reports = _copy_rows(
            cursor,
            "COPY movements_report (id, unit_id, period_id, movement_id, status, highlights, "
            "shortcomings, return_reason, created_at, updated_at, version, is_demo, "
            "blank_confirmed) FROM STDIN",
            report_rows(),
        )
        _reset_sequence(cursor, Report)

    rng = random.Random(1)
    wholes = {pk for pk, part_of in stored if part_of}

    def value_rows() -> Iterator[str]:
        for report in range(first_report, first_report + reports):
            figures = {}
            for indicator, part_of in stored:
                whole = figures.get(part_of) if part_of else None
                high = whole if whole is not None else (5000 if indicator in wholes else 500)
                figures[indicator] = value = int(rng.random() * (high + 1))
                yield f"{report}\t{indicator}\t{value}\t\n"

    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        with constraints_rebuilt(cursor, Value._meta.db_table, indexes=True):
            values = _copy_rows(
                cursor,
                "COPY movements_value (report_id, indicator_id, value, comment) FROM STDIN",
                value_rows(),
            )
    return {"units": len(reporting) + 1, "reports": reports, "values": values, "new": units}


def _reset_sequence(cursor, model) -> None:
    table = model._meta.db_table
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
    )


def _orm_tree(spec: Size, root, movement, periods) -> dict[str, int]:
    """The same tree through the ORM (SQLite, small size)."""
    from movements.models import Indicator, Report, Unit, Value

    first = (Unit.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    seeded = list(Unit.objects.filter(parent__code="kien-giang").order_by("path"))
    Unit.objects.bulk_create(
        Unit(
            pk=u.pk,
            code=u.code,
            name=u.name,
            short_name=u.short_name,
            kind=u.kind,
            parent_id=u.parent,
            path=u.path,
            sort_order=u.order,
        )  # fmt: skip
        for u in _generated_units(spec, root, seeded, first)
    )
    units = list(Unit.objects.exclude(kind=Unit.Kind.PROVINCE))
    kien_giang = Unit.objects.get(code="kien-giang").path
    reports = Report.objects.bulk_create(
        Report(
            unit=u,
            period=p,
            movement=movement,
            status="submitted"
            if p == periods[-1] and u.path.startswith(kien_giang)
            else "approved",
        )
        for u in units
        for p in periods
    )
    stored = list(Indicator.objects.stored())
    rng = random.Random(1)
    Value.objects.bulk_create(
        (
            Value(report=r, indicator=i, value=rng.randint(0, 500) // (2 if i.part_of_id else 1))
            for r in reports
            for i in stored
        ),
        batch_size=5000,
    )
    return {"units": len(units) + 1, "reports": len(reports), "values": Value.objects.count()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--db", required=True, help="e.g. postgres://postgres@127.0.0.1:5432/b")
    args = parser.parse_args()
    started = time.perf_counter()
    setup_database(args.db)
    summary = build(args.size)
    seconds = time.perf_counter() - started
    print(f"{summary}; built in {seconds:.1f} s; builder peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
