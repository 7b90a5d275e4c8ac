"""Time every page beside the best single hand-written SQL query for the same numbers.

    .venv/bin/python -m benchmarks.bench_pages --size small|medium|national \\
        --db postgres://postgres@127.0.0.1:5432/bench_pages [--reuse] [--runs 5]

Builds the data first (benchmarks/data.py, in a child process, so that the builder's memory
is measured apart) unless --reuse says the database already holds it. Then, in this process:
each page through Django's full middleware stack (django.test.Client, with DEBUG off, without
`setup_test_environment()`: no template instrumentation, no in-memory e-mail, no query log;
queries are counted with `connection.execute_wrapper` in the first timed run), asking for
gzip as browsers do. One warm-up, then the median of --runs requests, twice: each request
after a write ("first view": what a user sees after any approval or edit, rendered from the
data), and repeated with no write between ("repeat": answered by the page cache,
reports.page_cache; queries are counted on a first view). The "floor" is one
hand-written SQL query that returns the numbers the page shows (`pages` below), timed the
same way. Prints a markdown table
and the peak RSS of this (serving) process.

Two users: a reviewer of Tỉnh Đoàn Kiên Giang (also secretary of Rạch Giá), and a viewer at
the central root, whose dashboards add up the whole country.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.data import FIRST_YEAR, LAST_YEAR, ROOT_CODE, SIZES, connect, peak_rss_mb  # noqa: E402

# The same numbers as the pages, each in one query: values summed over a subtree, per
# indicator, optionally per child unit (the path segment below the unit) and per year.
_TOTALS = """
SELECT v.indicator_id, {bucket} p.year, sum(v.value)
FROM movements_value v
JOIN movements_report r ON r.id = v.report_id
JOIN movements_unit u ON u.id = r.unit_id
JOIN movements_period p ON p.id = r.period_id
WHERE r.movement_id = %(movement)s AND p.kind = %(kind)s AND p.year BETWEEN %(start)s AND %(end)s
  AND r.status = 'approved' AND u.path LIKE %(path)s {indicators}
GROUP BY 1, {group} p.year
"""


def totals_sql(*, by_child: bool = False, indicators: bool = False) -> str:
    return _TOTALS.format(
        bucket="split_part(u.path, '/', %(depth)s)," if by_child else "",
        group="2," if by_child else "",
        indicators="AND v.indicator_id = ANY(%(indicators)s)" if indicators else "",
    )


COMPLETENESS_SQL = """
SELECT r.unit_id, p.year, r.status, count(*)
FROM movements_report r
JOIN movements_unit u ON u.id = r.unit_id
JOIN movements_period p ON p.id = r.period_id
WHERE r.movement_id = %(movement)s AND p.kind = %(kind)s AND p.year BETWEEN %(start)s AND %(end)s
  AND u.path LIKE %(path)s
GROUP BY 1, 2, 3
"""
ENTRY_SQL = """
SELECT i.code, v.value FROM movements_report r
JOIN movements_value v ON v.report_id = r.id JOIN movements_indicator i ON i.id = v.indicator_id
WHERE r.unit_id = %(unit)s AND r.period_id = %(period)s AND r.movement_id = %(movement)s
"""
REVIEW_SQL = """
SELECT r.id, u.name, p.year, p.number, r.submitted_at FROM movements_report r
JOIN movements_unit u ON u.id = r.unit_id JOIN movements_period p ON p.id = r.period_id
WHERE r.status = 'submitted' AND u.path LIKE %(path)s ORDER BY p.year, p.number, u.path
"""


@dataclass(frozen=True)
class Page:
    user: str  # "province" or "central"
    url: str
    floor: str  # SQL
    floor_args: str  # which parameters (see `arguments`)
    note: str = ""


def pages(period_code: str) -> list[Page]:
    entry = f"/entry/rach-gia/{period_code}/"
    report = "/reports/3tn/kien-giang/2009-2013/"
    by_child = totals_sql(by_child=True)
    one = totals_sql(by_child=True, indicators=True)
    return [
        Page("central", "/", totals_sql(), "root"),
        Page("province", "/?unit=kien-giang", totals_sql(), "province"),
        Page("province", "/compare/", one, "province-headline"),
        Page("province", "/compare/?per=100dv", one, "province-headline-members"),
        Page("central", "/compare/", one, "root-headline"),
        Page("province", "/units/rach-gia/", by_child, "province"),
        Page("province", "/completeness/", COMPLETENESS_SQL, "province"),
        Page("central", "/completeness/", COMPLETENESS_SQL, "root"),
        Page("province", report, by_child, "province"),
        Page("province", report + "report.docx", by_child, "province"),
        Page("province", entry, ENTRY_SQL, "entry"),
        Page("province", "/review/", REVIEW_SQL, "province"),
    ]


def arguments(kind: str) -> dict:
    """The floor query's parameters for `kind` ("root"/"province", optionally "-headline" for
    the compared indicator and "-members" for its members indicator; or "entry")."""
    from movements.models import Indicator, Movement, Period, Unit

    movement = Movement.objects.get(code="3tn")
    base = {"movement": movement.pk, "kind": movement.period_kind}
    base |= {"start": FIRST_YEAR, "end": LAST_YEAR}
    if kind == "entry":
        period = Period.objects.filter(kind=movement.period_kind).order_by("-year", "-number")[0]
        unit = Unit.objects.get(code="rach-gia")
        return base | {"unit": unit.pk, "period": period.pk}
    scope, *rest = kind.split("-")
    unit = Unit.objects.get(code=ROOT_CODE if scope == "root" else "kien-giang")
    args = base | {"path": unit.path + "%", "depth": unit.path.count("/") + 1}
    if rest:
        indicators = list(Indicator.objects.filter(movement=movement).order_by("pk"))
        headline = next((i for i in indicators if i.is_headline), indicators[0])
        ids = [headline.pk]
        if "members" in rest and headline.members_id:
            ids.append(headline.members_id)
        args["indicators"] = ids
    return args


def users():
    from movements.models import Membership
    from movements.services.accounts import account_ensure

    province, _ = account_ensure(
        username="bench",
        unit_code="kien-giang",
        role=Membership.Role.REVIEWER,
        password="bench-only-pass",
        validate_password=False,
    )
    account_ensure(
        username="bench",
        unit_code="rach-gia",
        role=Membership.Role.SECRETARY,
        validate_password=False,
    )
    central, _ = account_ensure(
        username="bench-central",
        unit_code=ROOT_CODE,
        role=Membership.Role.VIEWER,
        password="bench-only-pass",
        validate_password=False,
    )
    return {"province": province, "central": central}


class QueryCounter:
    """Counts the queries run through Django's connection (works with DEBUG off)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def median_ms(run, runs: int, first=None, before=None) -> float:
    """Median of `runs` timed calls of `run` after one warm-up; `first` (the same with a
    query counter: a Python call per query) in place of the first timed one; `before`, if
    given, called untimed before each timed call."""
    run()
    times = []
    for n in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        (first if first is not None and n == 0 else run)()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def a_write() -> None:
    """Bump the version of the tree (movements.services.versions), which every kept page is
    keyed by: the next request of a page is a first view, rendered from the data, not from the
    page cache (reports.page_cache) — as after a change of a unit or a period; an approval
    forgets the pages of the units above its report only."""
    from django.db import transaction

    from movements.services.versions import tree_bump

    with transaction.atomic():
        tree_bump()


def timed_views(client, url: str, runs: int, first=None) -> tuple[float, float]:
    """Medians (ms) of `url`'s first view after a write and of its repeated view."""
    first_view = median_ms(lambda: client.get(url), runs, first, before=a_write)
    repeated = median_ms(lambda: client.get(url), runs)
    return first_view, repeated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--db", required=True, help="a PostgreSQL URL; the database must exist")
    parser.add_argument("--reuse", action="store_true", help="the data is built already")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="TEXT",
        help='time only the pages whose "user url" contains one of these, e.g. "central /"',
    )
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs: at least 5")
    if not args.reuse:
        subprocess.run(
            [sys.executable, "-m", "benchmarks.data", "--size", args.size, "--db", args.db],
            check=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
    import os

    os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")  # the client speaks plain http
    connect(args.db)

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from movements.models import Movement, Period, Report, Unit, Value

    assert not settings.DEBUG
    logging.getLogger("phongtrao.request").setLevel(logging.WARNING)  # one line per request
    movement = Movement.objects.get(code="3tn")
    last = Period.objects.filter(kind=movement.period_kind).order_by("-year", "-number")[0]
    print(
        f"{connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}"
        f": {Unit.objects.count():,} units, {Report.objects.count():,} reports, "
        f"{Value.objects.count():,} values; median of {args.runs} after one warm-up"
    )
    clients = {}
    for name, user in users().items():
        clients[name] = Client(headers={"accept-encoding": "gzip, deflate, br"})
        clients[name].force_login(user)

    print()
    print(
        "| user | page | status | KB sent | first view ms | repeat ms | queries | floor ms "
        "| first / floor | repeat / floor |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for page in pages(last.code):
        if args.only and not any(text in f"{page.user} {page.url}" for text in args.only):
            continue
        client = clients[page.user]
        counter = QueryCounter()
        responses = []

        def counted(client=client, url=page.url, counter=counter, responses=responses):
            with connection.execute_wrapper(counter):
                responses.append(client.get(url))

        page_ms, repeat_ms = timed_views(client, page.url, args.runs, counted)
        response = responses[0]
        params = arguments(page.floor_args)

        def floor(sql=page.floor, params=params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        floor_ms = median_ms(floor, args.runs)
        print(
            f"| {page.user} | `{page.url}` | {response.status_code} "
            f"| {len(response.content) / 1024:.1f} | {page_ms:.1f} | {repeat_ms:.1f} "
            f"| {counter.count} | {floor_ms:.1f} | {page_ms / floor_ms:.1f} "
            f"| {repeat_ms / floor_ms:.1f} |"
        )
    print()
    print(f"serving process peak RSS after all pages: {peak_rss_mb():.0f} MB")
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"load average at the end (1, 5, 15 min): {load} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
