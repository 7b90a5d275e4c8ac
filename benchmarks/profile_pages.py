"""Where a page's first view spends its time: pyinstrument's profile of each page rendered from
the data (page cache off), its queries and the SQL it runs more than once.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_demo   # seed + demo data
    .venv/bin/pip install pyinstrument      # a tool for this script only, not a dependency
    .venv/bin/python -m benchmarks.profile_pages [--user tinhdoan] [--runs 7] [--profile]
        [URL ...]

Without URLs: the demo's pages (`bench_demo.PAGES`). Prints, per page, the median of --runs
timed views (after one warm-up) and of the CPU time this process spent on them (Python's work,
not the database's: steadier than the wall clock on a busy machine), its number of queries
and each statement run more than once with where it came from; with --profile, pyinstrument's
call tree of one more view.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_demo import PAGES  # noqa: E402
from benchmarks.data import connect  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", default=PAGES)
    parser.add_argument("--user", default="tinhdoan")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="print pyinstrument's tree")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        parser.error("set DATABASE_URL to the database holding the seed and the demo data")
    os.environ["DJANGO_PAGE_CACHE"] = "0"  # every view is a first view
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
    connect(os.environ["DATABASE_URL"])

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    logging.getLogger("phongtrao.request").setLevel(logging.WARNING)
    user = get_user_model().objects.get(username=args.user)
    client = Client()
    client.force_login(user)
    for url in args.urls:
        client.get(url)
        times, cpu = [], []
        for _run in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            status = client.get(url).status_code
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        callers: dict[str, list[str]] = {}

        def where(execute, sql, params, many, context, callers=callers):
            frames = [
                f"{Path(f.filename).parent.name}/{Path(f.filename).name}:{f.lineno} {f.name}"
                for f in traceback.extract_stack()
                if "/site-packages/" not in f.filename and "benchmarks" not in f.filename
            ]
            callers.setdefault(f"{sql} {params}", []).append(" < ".join(reversed(frames[-4:])))
            return execute(sql, params, many, context)

        with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(where):
            client.get(url)
        repeated = Counter(q["sql"] for q in queries.captured_queries)
        print(
            f"{url} ({status}): median {statistics.median(times):.0f} ms "
            f"(min {min(times):.0f}), this process's CPU {statistics.median(cpu):.0f} ms "
            f"(min {min(cpu):.0f}), {len(queries)} queries"
        )
        for sql, n in repeated.items():
            if n > 1:
                print(f"  {n}× {sql[:300]}")
        for stacks in callers.values():
            if len(stacks) > 1:
                print(f"  {len(stacks)}× from:", *stacks, sep="\n    ")
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            with profiler:
                client.get(url)
            print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
