"""Time and memory of refusing hostile uploads (and of reading a large honest one).

    .venv/bin/python benchmarks/bench_upload.py

Each file is read by movements.excel.read_workbook in a fresh process whose peak of resident
memory is reset just before (Linux: /proc/self/clear_refs), so that "MB" is the peak while
reading minus the resident memory before it. No database is needed.
"""

import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def base_workbook(rows: int = 0) -> bytes:
    """A workbook laid out like our template, with `rows` honest indicator rows."""
    from openpyxl import Workbook

    from movements import excel

    book = Workbook()
    sheet = book.active
    sheet.title = excel.SHEET
    sheet.append(["Phong trào"])
    for _ in range(3):
        sheet.append([])
    sheet.append(excel.HEADERS)
    for index in range(rows):
        unit, indicator = f"don-vi-{index % 500}", f"chi-tieu-{index % 40}"
        sheet.append([unit, indicator, "Đơn vị", "1", "Tên", "", 1])
    meta = book.create_sheet(excel.META_SHEET)
    for pair in [("phong_trao", "3tn"), ("ky", "2014"), ("don_vi", "*")]:
        meta.append(pair)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cases() -> dict[str, bytes]:
    from benchmarks import hostile_xlsx

    base = base_workbook()
    return {
        "one cell at WQJ19000, size declared": hostile_xlsx.wide_sparse(base, declared=True),
        "one cell at WQJ19000, no size declared": hostile_xlsx.wide_sparse(base, declared=False),
        "3 million tiny cells (158 columns)": hostile_xlsx.many_cells(
            base, rows=19_000, columns=158
        ),
        "1,2 million tiny cells (64 columns)": hostile_xlsx.many_cells(
            base, rows=19_000, columns=64
        ),
        "3 million shared strings": hostile_xlsx.many_strings(base, count=3_000_000),
        "honest workbook, 20.000 rows (read, not refused)": base_workbook(rows=19_990),
    }


def _memory_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def measure_one(path: str) -> dict:
    _setup()
    from types import SimpleNamespace

    from django.core.files.uploadedfile import SimpleUploadedFile

    from movements import excel

    content = Path(path).read_bytes()
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from here
    before = _memory_kb("VmRSS")
    started = time.perf_counter()
    outcome = "read"
    try:
        data = excel.read_workbook(
            SimpleUploadedFile("tep.xlsx", content),
            movement=SimpleNamespace(code="3tn", name="3 trách nhiệm"),
            period=SimpleNamespace(code="2014", label="2014"),
        )
        outcome = f"read {len(data.rows)} rows"
    except excel.ExcelError as error:
        outcome = f"refused: {error}"
    elapsed = time.perf_counter() - started
    after = _memory_kb("VmHWM")
    return {
        "size_kb": round(len(content) / 1024),
        "seconds": round(elapsed, 3),
        "memory_mb": round((after - before) / 1024, 1),
        "outcome": outcome,
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(measure_one(sys.argv[2]), ensure_ascii=False))
        return
    _setup()
    print(f"{'file':50} {'KB':>6} {'s':>7} {'MB':>7}  outcome")
    with tempfile.TemporaryDirectory() as folder:
        for name, content in cases().items():
            path = Path(folder) / "tep.xlsx"
            path.write_bytes(content)
            result = subprocess.run(
                [sys.executable, __file__, "--one", str(path)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            row = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"{name:50} {row['size_kb']:>6} {row['seconds']:>7.3f} {row['memory_mb']:>7.1f}"
                f"  {row['outcome'][:70]}"
            )


if __name__ == "__main__":
    main()
