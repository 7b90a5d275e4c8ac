"""Uploads are read with bounded work: a small hostile file (one far cell, millions of tiny
cells or strings) is refused quickly, in little memory, with a clear message, and changes
nothing; our own files, as Excel or LibreOffice save them, are still read."""

import time
import tracemalloc
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benchmarks import hostile_xlsx
from movements import excel
from movements.models import Report, Value

pytestmark = pytest.mark.django_db

MEMORY_LIMIT = 100 * 1024 * 1024
# CPU seconds of this process for one refused upload: work bounded by the reader's counts, not
# a speed measurement (benchmarks/bench_upload.py measures that: 0,002–0,4 s). CPU time, not
# wall time, so that other processes on the machine cannot make the test flake.
CPU_LIMIT = 1.0
FILES = Path(__file__).parent / "files"


@pytest.fixture
def template(client, cast, open_period) -> bytes:
    """Rạch Giá's 2014 template as downloaded by its secretary (logged in)."""
    client.force_login(cast.secretary_a)
    response = client.get(reverse("movements:xlsx", args=["rach-gia", "2014"]))
    assert response.status_code == 200
    return response.content


def post(client, content: bytes):
    """The upload's answer and the CPU time it took (a refusal redirects back to the report
    page, which shows the message)."""
    upload = SimpleUploadedFile("bao-cao.xlsx", content)
    started = time.process_time()
    response = client.post(
        reverse("movements:xlsx-upload", args=["rach-gia", "2014"]), {"file": upload}
    )
    elapsed = time.process_time() - started
    if response.status_code == 302:
        response = client.get(response["Location"])
    return response, elapsed


def peak_memory(client, content: bytes, monkeypatch) -> tuple[int, str]:
    """The peak of Python memory while the upload is handled, and the page that follows.
    tracemalloc slows Python down several times: the time budget is lifted meanwhile, so that
    the file is refused by its size, as without tracing."""
    monkeypatch.setattr(excel, "READ_SECONDS", 60.0)
    tracemalloc.start()
    try:
        response, _elapsed = post(client, content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        monkeypatch.undo()
    return peak, response.content.decode()


HOSTILE = {
    "one cell at column 16.000, row 19.000, size declared": (
        lambda base: hostile_xlsx.wide_sparse(base, declared=True),
        "ngoài phạm vi của tệp mẫu",
    ),
    "one cell at column 16.000, row 19.000, size not declared": (
        lambda base: hostile_xlsx.wide_sparse(base, declared=False),
        "ngoài phạm vi của tệp mẫu",
    ),
    "3 million tiny cells in 20.000 rows": (
        lambda base: hostile_xlsx.many_cells(base, rows=19_000, columns=158),
        "ngoài phạm vi của tệp mẫu",
    ),
    "1,2 million tiny cells within the rows and columns allowed": (
        lambda base: hostile_xlsx.many_cells(base, rows=19_000, columns=64),
        "Tệp có quá nhiều ô",
    ),
    "3 million shared strings": (
        lambda base: hostile_xlsx.many_strings(base, count=3_000_000),
        "quá nhiều dữ liệu",
    ),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_hostile_file_is_refused_quickly_in_little_memory(
    client, cast, template, case, monkeypatch
):
    make, message = HOSTILE[case]
    content = make(template)
    assert len(content) < 1024 * 1024  # small on the wire: the upload limit does not stop it

    response, elapsed = post(client, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert elapsed < CPU_LIMIT, f"{elapsed:.2f} s of CPU"

    peak, html = peak_memory(client, content, monkeypatch)
    assert message in html
    assert peak < MEMORY_LIMIT, f"{peak / 1024 / 1024:.0f} MB"
    assert not Report.objects.exists()
    assert not Value.objects.exists()


def test_far_cell_message_says_where_it_is(client, cast, template):
    response, _elapsed = post(client, hostile_xlsx.wide_sparse(template, declared=False))
    assert "WQJ19000" in response.content.decode()


def test_file_with_a_dtd_is_refused(client, cast, template):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><sst>&b;</sst>'
    )
    content = hostile_xlsx._rewrite(template, hostile_xlsx.STRINGS_PART, lambda _old: bomb)
    response, _elapsed = post(client, content)
    assert "khai báo DTD" in response.content.decode()
    assert not Report.objects.exists()


def test_slow_file_is_stopped_by_the_time_budget(client, cast, template, monkeypatch):
    monkeypatch.setattr(excel, "READ_SECONDS", 0.0)
    response, _elapsed = post(client, template)
    assert "Đọc tệp quá lâu" in response.content.decode()
    assert not Report.objects.exists()


def test_cells_just_inside_the_limits_are_read(client, cast, template):
    """A note typed in the last allowed column and the last allowed row does not refuse the
    file: the limits are about what a file holds, not where a user may type."""
    content = hostile_xlsx.wide_sparse(
        template, declared=True, column=excel.MAX_COLUMNS, row=excel.MAX_ROWS
    )
    response, _elapsed = post(client, content)
    html = response.content.decode()
    assert "không có thay đổi nào" in html


def test_template_saved_by_libreoffice_is_read(client, cast, template):
    """tests/movements/files/libreoffice-rach-gia-2014.xlsx: Rạch Giá's 2014 template with
    “cau” set to 7 and “doan-vien” to 8964, saved again by LibreOffice Calc 7.4
    (soffice --headless --convert-to xlsx), as many offices send it."""
    content = (FILES / "libreoffice-rach-gia-2014.xlsx").read_bytes()
    response, elapsed = post(client, content)
    html = response.content.decode()
    assert "2 thay đổi" in html
    client.post(
        reverse("movements:xlsx-confirm", args=["rach-gia", "2014"]),
        {"token": response.context["token"]},
    )
    stored = Value.objects.filter(report__unit=cast.unit_a, report__period__year=2014)
    assert dict(stored.values_list("indicator__code", "value")) == {"cau": 7, "doan-vien": 8964}
