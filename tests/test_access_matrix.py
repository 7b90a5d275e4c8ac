"""The access matrix: every URL of the URLconf and method it answers, as every role of the cast,
gets the status written here, and a refused request changes nothing. A new URL fails here until
it is added to MATRIX. Also refused writes with the data that would make them happen, and writes
outside a district reviewer's subtree."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from movements import excel
from movements.models import Membership, Report
from tests.audit import (
    MARKED,
    ROLES,
    client_for,
    excel_bytes,
    post,
    reveal,
    snapshot,
    targets,
)
from tests.factories import make_report, make_user, totals_kept, year
from tests.routes import routes

pytestmark = pytest.mark.django_db

# (URL name, method): the status for each role, in ROLES order (anonymous, secretary_a,
# secretary_b, reviewer, viewer, outsider), on the URL filled with tests/routes.py SAMPLES:
# Rạch Giá's report of the open period 2014, a draft. 302 for anonymous is the login page.
MATRIX = {
    ("login", "GET"): [200, 200, 200, 200, 200, 200],
    ("login", "POST"): [200, 200, 200, 200, 200, 200],
    ("logout", "POST"): [302, 302, 302, 302, 302, 302],
    ("password_change", "GET"): [302, 200, 200, 200, 200, 200],
    ("password_change", "POST"): [302, 200, 200, 200, 200, 200],
    ("password_change_done", "GET"): [302, 200, 200, 200, 200, 200],
    ("set_language", "GET"): [302, 302, 302, 302, 302, 302],
    ("set_language", "POST"): [302, 302, 302, 302, 302, 302],
    ("healthz", "GET"): [200, 200, 200, 200, 200, 200],
    ("movements:entry", "GET"): [302, 200, 200, 200, 200, 200],
    ("movements:report", "GET"): [302, 200, 404, 200, 200, 404],
    ("movements:report", "POST"): [302, 302, 404, 403, 403, 404],
    ("movements:approve", "POST"): [302, 403, 404, 302, 403, 404],
    ("movements:return", "POST"): [302, 403, 404, 302, 403, 404],
    ("movements:reopen", "POST"): [302, 403, 404, 302, 403, 404],
    ("movements:history", "GET"): [302, 200, 404, 200, 200, 404],
    ("movements:follow-up", "POST"): [302, 403, 404, 302, 403, 404],
    ("movements:xlsx", "GET"): [302, 200, 404, 200, 200, 404],
    ("movements:xlsx-upload", "POST"): [302, 302, 404, 403, 403, 404],
    ("movements:xlsx-confirm", "POST"): [302, 302, 404, 403, 403, 404],
    ("movements:review", "GET"): [302, 403, 403, 200, 403, 403],
    ("movements:review", "POST"): [302, 403, 403, 302, 403, 403],
    ("movements:checks", "GET"): [302, 403, 403, 200, 403, 403],
    ("movements:province-xlsx", "GET"): [302, 403, 403, 200, 403, 403],
    ("movements:province-xlsx-upload", "POST"): [302, 403, 403, 302, 403, 403],
    ("movements:province-xlsx-confirm", "POST"): [302, 403, 403, 302, 403, 403],
    ("reports:overview", "GET"): [302, 200, 200, 200, 200, 403],
    ("reports:compare", "GET"): [302, 200, 200, 200, 200, 403],
    ("reports:unit", "GET"): [302, 200, 404, 200, 200, 403],
    ("reports:completeness", "GET"): [302, 200, 200, 200, 200, 403],
    # The choice of unit and years: an outsider may open it, and finds no unit to choose.
    ("reports:document-index", "GET"): [302, 200, 200, 200, 200, 200],
    ("reports:document", "GET"): [302, 200, 404, 200, 200, 404],
    ("reports:document-docx", "GET"): [302, 200, 404, 200, 200, 404],
    ("reports:document-edit", "GET"): [302, 403, 404, 200, 403, 404],
    ("reports:document-edit", "POST"): [302, 403, 404, 302, 403, 404],
}


@pytest.mark.parametrize("route", routes(), ids=str)
def test_each_role_gets_its_status_on_each_url_and_a_refusal_changes_nothing(
    cast, seed, open_period, route
):
    methods = route.methods(client_for(cast, "reviewer"))
    missing = [method for method in sorted(methods) if (route.name, method) not in MATRIX]
    assert not missing, f"add ({route.name!r}, {missing}) to MATRIX"
    for method in sorted(methods):
        for role, status in zip(ROLES, MATRIX[route.name, method], strict=True):
            with totals_kept(Report.objects.all()):
                Report.objects.all().delete()
            report = make_report(
                cast.unit_a, open_period, seed, status=Report.Status.DRAFT, values={"cau": 1}
            )
            before = snapshot()
            client = client_for(cast, role)
            # The version of what the URL edits: the report's, or the báo cáo's (none saved: 0).
            version = 0 if route.name == "reports:document-edit" else report.version
            data = {"version": version, "action": "save", "v-cau": "2", "reason": "Lý do"}
            if method == "GET":
                response = client.get(route.path())
            else:
                response = client.post(route.path(), data)
            assert response.status_code == status, (method, role)
            if role == "anonymous" and not route.public:
                assert response["Location"].startswith(reverse("login")), method
            if status in (403, 404) or role == "anonymous":
                report.refresh_from_db()
                assert report.version == 1, (method, role)
                assert report.status == Report.Status.DRAFT
                assert report.values.get().value == 1
                assert snapshot() == before, (method, role)


def test_the_matrix_names_only_urls_and_methods_that_exist(cast, seed):
    reviewer = client_for(cast, "reviewer")
    answered = {(route.name, method) for route in routes() for method in route.methods(reviewer)}
    assert set(MATRIX) == answered


@pytest.mark.parametrize("role", [r for r in ROLES if r != "reviewer"])
def test_a_refused_write_changes_nothing(world, role):
    """None of these writes is allowed to anyone but the provincial reviewer: Rạch Giá's own
    secretary may not approve, and her report is locked once submitted."""
    client = client_for(world, role)
    before = snapshot()
    for path, data in targets(world):
        response = post(client, path, data)
        assert response.status_code in (200, 302, 400, 403, 404), (path, response.status_code)
        assert 'name="token"' not in response.content.decode()  # no import to confirm
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login"))
        assert snapshot() == before, (role, path)


def test_rach_gia_file_uploaded_by_cong_an_is_refused(world):
    """A real .xlsx made for Rạch Giá, sent by Công an's secretary to Công an's upload (refused:
    the file says whose it is) and to Rạch Giá's (not found); nothing changes either way."""
    with totals_kept(Report.objects.filter(pk=world.report.pk)):
        Report.objects.filter(pk=world.report.pk).update(status=Report.Status.DRAFT)
    book = load_workbook(io.BytesIO(excel_bytes(world, "rach-gia")))
    sheet = book[excel.SHEET]
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == MARKED:
            row[7].value = 99
    content = io.BytesIO()
    book.save(content)
    client = client_for(world, "secretary_b")
    before = snapshot()
    response = client.post(
        "/entry/cong-an/2014/xlsx/upload/",
        {"file": SimpleUploadedFile("rach-gia.xlsx", content.getvalue())},
        follow=True,
    )
    assert response.status_code == 200
    assert "Tệp này là của đơn vị “rach-gia”" in response.content.decode()
    assert 'name="token"' not in response.content.decode()
    response = client.post(
        "/entry/rach-gia/2014/xlsx/upload/",
        {"file": SimpleUploadedFile("rach-gia.xlsx", content.getvalue())},
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_a_district_reviewer_cannot_approve_or_import_outside_the_district(world):
    reviewer = make_user("duyet_rachgia", world.unit_a, Membership.Role.REVIEWER)
    cong_an = Report.objects.get(unit=world.unit_b, period=year(2014))
    with totals_kept(Report.objects.filter(pk=cong_an.pk)):
        Report.objects.filter(pk=cong_an.pk).update(status=Report.Status.SUBMITTED)
    client = Client()
    client.force_login(reviewer)
    before = snapshot()
    response = client.post("/review/", {"report": [f"{cong_an.pk}:{cong_an.version}"]}, follow=True)
    assert "không thuộc phạm vi duyệt của bạn" in response.content.decode()
    assert client.post("/entry/cong-an/2014/approve/", {}).status_code == 404
    assert client.post("/entry/rach-gia/2014/reopen/", {"reason": "x"}).status_code == 403
    response = client.post(
        "/review/2014/xlsx/upload/",
        {"file": SimpleUploadedFile("tinh.xlsx", province_book_with(world, "cong-an", 77))},
    )
    assert "Đơn vị “cong-an” không có hoặc ngoài phạm vi của bạn" in response.content.decode()
    assert snapshot() == before
    workbook = reveal(client.get("/review/2014/xlsx/"))
    assert "rach-gia" in workbook and "cong-an" not in workbook


def province_book_with(cast, unit: str, number: int) -> bytes:
    book = load_workbook(io.BytesIO(client_for(cast, "reviewer").get("/review/2014/xlsx/").content))
    sheet = book[excel.SHEET]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == unit and row[1].value == MARKED:
            row[7].value = number
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
