"""Time the subtree aggregation behind every dashboard and report on a large generated tree.

    .venv/bin/python -m benchmarks.bench_totals [--size small|medium|national] [--db URL]

The data of benchmarks/data.py. Default database: a fresh SQLite file in /tmp (small only);
with --db (e.g. postgres://postgres@127.0.0.1:5432/bench, which must exist) that database is
flushed first. Times `indicator_totals` for the province in its four shapes (median of 7 runs).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.data import SIZES, build, setup_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--db", default="sqlite:////tmp/phongtrao-bench.sqlite3")
    args = parser.parse_args()
    setup_database(args.db)
    print(build(args.size))

    from movements.models import Movement, Unit
    from reports.selectors import Subject, indicator_totals

    movement = Movement.objects.get(code="3tn")
    province = Unit.objects.get(code="kien-giang")
    subject = Subject.of(movement=movement, unit=province, start_year=2009, end_year=2013)
    for label, kwargs in [
        ("stage total", {}),
        ("by child unit", {"by_unit": True}),
        ("by year", {"by_year": True}),
        ("by child unit and year", {"by_unit": True, "by_year": True}),
    ]:
        times = []
        for _ in range(7):
            start = time.perf_counter()
            indicator_totals(subject=subject, **kwargs)
            times.append(time.perf_counter() - start)
        print(f"  {label:<24} median {statistics.median(times) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
