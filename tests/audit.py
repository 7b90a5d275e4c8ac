"""What the outside-in checks look at: a client for each role of the cast, everything a response
reveals, and a snapshot of everything a write could touch. The data they run on are the
`reports_2014` and `world` fixtures of tests/conftest.py."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from movements.models import Membership, Report, ReportFlag, Value
from reports.models import GeneratedReport

ROLES = ["anonymous", "secretary_a", "secretary_b", "reviewer", "viewer", "outsider"]
SIGNED_IN = ROLES[1:]
MARKED = "hoi-nghi-trien-khai"
MARK = 4_242_421  # Rạch Giá's 2013 figure for MARKED (and MARK + 1 in its 2014 report)
NOTE = "Ghi chú riêng của Rạch Giá"  # in Rạch Giá's reports only


def client_for(cast, role: str, **kwargs) -> Client:
    """A client signed in as `role` of the cast ("anonymous": not signed in)."""
    client = Client(**kwargs)
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    return client


def reveal(response) -> str:
    """Everything a response shows: the page, or every part of an .xlsx / .docx file."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return content.decode("utf-8", "replace")


def leaks(response, cast) -> list[str]:
    """The secrets of Rạch Giá's reports (cast.secrets, set by `world`) that a response shows."""
    body = reveal(response)
    return [secret for secret in cast.secrets if secret in body]


def snapshot() -> tuple:
    """Counts and contents of everything a write could touch."""
    return (
        Report.objects.count(),
        Value.objects.count(),
        Report.history.count(),
        Value.history.count(),
        GeneratedReport.objects.count(),
        sorted(Report.objects.exclude(is_demo=True).values_list("pk", "status", "version")),
        sorted(Value.objects.filter(report__is_demo=False).values_list("pk", "value")),
        Membership.objects.count(),
        sorted(ReportFlag.objects.values_list("pk", "follow_up", "follow_up_note")),
    )


def excel_bytes(cast, unit: str) -> bytes:
    """A real workbook made by the application for `unit`'s 2014 report."""
    response = client_for(cast, "reviewer").get(f"/entry/{unit}/2014/xlsx/")
    assert response.status_code == 200
    return response.content


def write_data(cast) -> dict:
    """Everything a write on any URL reads, aimed at Rạch Giá's submitted report."""
    return {
        "version": cast.report.version,
        "action": "submit",
        f"v-{MARKED}": "5",
        "reason": "Lý do",
        "report": [f"{cast.report.pk}:{cast.report.version}"],
        "number": "1",
        "assessment": "Sửa",
        "flag": _flag(cast.report),
        "note": "Xem lại",
    }


def targets(cast) -> list[tuple[str, dict]]:
    """Every write, aimed at Rạch Giá's submitted 2014 report (cast.report) or at the province,
    with the data that would make it happen."""
    base = "/entry/rach-gia/2014/"
    version = {"version": cast.report.version}
    excel_file = SimpleUploadedFile("bao-cao.xlsx", excel_bytes(cast, "rach-gia"))
    return [
        (base, {**version, "action": "submit", f"v-{MARKED}": "1", "highlights": "Sửa"}),
        (base + "approve/", version),
        (base + "return/", {**version, "reason": "Lý do"}),
        (base + "reopen/", {**version, "reason": "Lý do"}),
        (base + "xlsx/upload/", {"file": excel_file}),
        (base + "xlsx/confirm/", {"token": "doan-bua"}),
        ("/review/", {"report": [f"{cast.report.pk}:{cast.report.version}"]}),
        (base + "follow-up/", {"flag": _flag(cast.report), "action": "mark", "note": "Xem lại"}),
        ("/entry/cong-an/2014/follow-up/", {"flag": _flag(cast.report), "action": "mark"}),
        ("/review/2014/xlsx/confirm/", {"token": "doan-bua"}),
        (
            "/reports/3tn/rach-gia/2009-2013/edit/",
            {"number": "1", "assessment": "Sửa", "version": "0"},
        ),
        ("/reports/3tn/rach-gia/2009-2013/edit/", {"action": "regenerate", "version": "0"}),
        (
            "/reports/3tn/kien-giang/2009-2013/edit/",
            {"number": "1", "assessment": "Sửa", "version": "0"},
        ),
        ("/entry/cong-an/2014/approve/", {}),
        ("/entry/kien-giang/2014/", {f"v-{MARKED}": "1", "version": "0"}),
    ]


def _flag(report: Report) -> int:
    """A stored flag of `report` (every report of the cast's data has some: blank sections)."""
    return ReportFlag.objects.filter(report=report).values_list("pk", flat=True).first()


def post(client: Client, path: str, data: dict):
    """client.post, with any file in `data` read again from its start."""
    for value in data.values():
        if hasattr(value, "seek"):
            value.seek(0)
    return client.post(path, data)
