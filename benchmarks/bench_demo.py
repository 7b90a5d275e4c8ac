"""Time the dashboards on the demo data (the goal there is 30 ms a page), as the demo's
provincial reviewer.

    createdb -h 127.0.0.1 -U postgres bench_demo
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_demo
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_seed \\
        && .venv/bin/python manage.py load_demo && .venv/bin/python manage.py create_demo_accounts
    .venv/bin/python -m benchmarks.bench_demo [--runs 7]

Each page through Django's full stack (as `bench_pages`: DEBUG off, no test instrumentation,
gzip asked), one warm-up, then the median of --runs requests after a write (first view) and
repeated (page cache). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_pages import timed_views  # noqa: E402
from benchmarks.data import connect  # noqa: E402

PAGES = [
    "/",
    "/compare/",
    "/compare/?per=100dv",
    "/units/rach-gia/",
    "/completeness/",
    "/reports/3tn/kien-giang/2009-2013/",
    "/reports/3tn/kien-giang/2009-2013/report.docx",
    "/review/",
    "/entry/",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--user", default="tinhdoan", help="a demo account (create_demo_accounts)")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs: at least 5")
    if not os.environ.get("DATABASE_URL"):
        parser.error("set DATABASE_URL to the database holding the seed and the demo data")
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")  # the client speaks plain http
    connect(os.environ["DATABASE_URL"])

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    logging.getLogger("phongtrao.request").setLevel(logging.WARNING)
    user = get_user_model().objects.filter(username=args.user).first()
    if user is None:
        parser.error(f"no account “{args.user}”: run manage.py create_demo_accounts")
    client = Client(headers={"accept-encoding": "gzip, deflate, br"})
    client.force_login(user)
    print(f"{connection.vendor}, demo data, as {args.user}; median of {args.runs}")
    print()
    print("| page | status | first view ms | repeat ms |")
    print("| --- | ---: | ---: | ---: |")
    for url in PAGES:
        status = client.get(url).status_code
        first_view, repeated = timed_views(client, url, args.runs)
        print(f"| `{url}` | {status} | {first_view:.0f} | {repeated:.0f} |")


if __name__ == "__main__":
    main()
