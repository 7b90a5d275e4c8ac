"""The page cache's hit against its miss, on whatever database DATABASE_URL names (the demo data
loaded: `manage.py load_seed && manage.py load_demo && manage.py create_demo_accounts`):

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 DJANGO_PAGE_CACHE=1 DJANGO_SECURE_COOKIES=0 \\
        DJANGO_PAGE_CACHE_DIR=/tmp/bench-pages .venv/bin/python -m benchmarks.bench_page_cache

For each page, as the provincial reviewer `tinhdoan`, the median of 5 pairs: a request after a
bump of the tree's version (a miss: rendered from the data) and the same request again (a hit,
`X-Page-Cache: hit`), through Django's full middleware stack.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PAGES = [
    "/",
    "/compare/",
    "/units/rach-gia/",
    "/completeness/",
    "/reports/3tn/kien-giang/2009-2013/",
]


def timed(client, url: str, expected: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    assert response["X-Page-Cache"] == expected, (url, response["X-Page-Cache"])
    return elapsed


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client

    from movements.services.versions import tree_bump

    client = Client()
    client.force_login(get_user_model().objects.get(username="tinhdoan"))
    print(f"{connection.vendor}, load average {os.getloadavg()[0]:.2f}")
    for url in PAGES:
        misses, hits = [], []
        for _ in range(5):
            with transaction.atomic():
                tree_bump()
            misses.append(timed(client, url, "miss"))
            hits.append(timed(client, url, "hit"))
        print(
            f"{url:40} miss {statistics.median(misses):7.1f} ms   "
            f"hit {statistics.median(hits):5.1f} ms"
        )


if __name__ == "__main__":
    main()
