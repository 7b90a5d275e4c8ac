"""Time the main pages, as a provincial reviewer, on a large generated tree.

    .venv/bin/python benchmarks/bench_pages.py [--grassroots 20] [--db URL]

Same data as bench_totals.py. Each page is requested through Django's test client (no network),
median of 5 runs after one warm-up, with its number of queries.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.data import build, setup_database  # noqa: E402

PAGES = [
    "/",
    "/compare/",
    "/compare/?indicator=dem-van-nghe-tdtt&measure=per100",
    "/units/rach-gia/",
    "/completeness/",
    "/reports/3tn/kien-giang/2009-2013/",
    "/reports/3tn/kien-giang/2009-2013/report.docx",
    "/entry/rach-gia/2013/",
    "/review/",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grassroots", type=int, default=20)
    parser.add_argument("--db", default="sqlite:////tmp/phongtrao-bench-pages.sqlite3")
    args = parser.parse_args()
    setup_database(args.db)
    print(build(args.grassroots))

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from movements.models import Membership, Unit
    from movements.services.accounts import account_ensure

    setup_test_environment()
    user, _ = account_ensure(
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
    assert Unit.objects.visible_to(user).exists()
    client = Client()
    client.force_login(user)
    for url in PAGES:
        client.get(url)
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
        print(
            f"  {response.status_code} {url:<52} median {statistics.median(times) * 1000:7.1f} ms"
            f"  {len(queries)} queries"
        )


if __name__ == "__main__":
    main()
