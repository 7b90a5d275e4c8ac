"""Hostile values typed into forms and files: bad numbers in the entry form and in an Excel
file, bad versions and ids from a reviewer, control characters in notes (the Word file still
opens), foreign redirects after login or a language switch, hostile logins and password changes.
Each is refused cleanly and nothing is saved."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from movements import excel
from movements.models import Report
from tests.audit import MARKED, client_for, excel_bytes, snapshot
from tests.factories import blanks_kept, totals_kept, year

pytestmark = pytest.mark.django_db

BAD_NUMBERS = ["²", "-1", "9" * 5000, "abc", "1e3", "' OR 1=1 --", "1,5", "\x00", "٣" * 30]


def test_bad_numbers_in_the_form_are_refused_and_nothing_is_saved(world):
    client = client_for(world, "secretary_b")
    before = snapshot()
    for text in BAD_NUMBERS:
        response = client.post(
            "/entry/cong-an/2014/", {f"v-{MARKED}": text, "version": "1", "action": "save"}
        )
        assert response.status_code == 200, text
        assert "Chưa lưu" in response.content.decode(), text
    for version in ("²", "-1", "9" * 40, "abc"):
        response = client.post(
            "/entry/cong-an/2014/", {f"v-{MARKED}": "4", "version": version, "action": "save"}
        )
        assert response.status_code == 200, version
    assert snapshot() == before


def test_bad_numbers_in_an_excel_file_are_listed_and_nothing_is_saved(world):
    with totals_kept(Report.objects.filter(pk=world.report.pk)):
        Report.objects.filter(pk=world.report.pk).update(status=Report.Status.DRAFT)
    client = client_for(world, "secretary_a")
    before = snapshot()
    for text in BAD_NUMBERS + [10**30, -(10**30), 12.5, True]:
        book = load_workbook(io.BytesIO(excel_bytes(world, "rach-gia")))
        for row in book[excel.SHEET].iter_rows(min_row=2):
            if row[1].value == MARKED:
                row[7].value = text.replace("\x00", "x") if isinstance(text, str) else text
        out = io.BytesIO()
        book.save(out)
        response = client.post(
            "/entry/rach-gia/2014/xlsx/upload/",
            {"file": SimpleUploadedFile("bao-cao.xlsx", out.getvalue())},
            follow=True,
        )
        assert response.status_code == 200, text
        assert 'name="token"' not in response.content.decode(), text
    assert snapshot() == before


def test_bad_versions_and_ids_from_a_reviewer_do_not_fail(world):
    client = client_for(world, "reviewer")
    before = snapshot()
    for value in ("²", "٣", "-1", "9" * 40, "abc", ""):
        response = client.post(
            "/review/", {"report": [value, f"{value}:1", f"1:{value}"]}, follow=True
        )
        assert response.status_code == 200, value
        assert "Chưa chọn báo cáo nào" in response.content.decode(), value
        for action in ("return", "reopen"):
            response = client.post(
                f"/entry/rach-gia/2014/{action}/", {"version": value, "reason": ""}
            )
            assert response.status_code in (302, 403), (action, value)
    assert snapshot() == before
    response = client.post("/entry/rach-gia/2014/approve/", {"version": "²"})
    assert response.status_code == 302


def test_control_characters_typed_in_notes_do_not_break_the_word_file(world):
    """XML (so Word) cannot hold most control characters; a secretary's note or staff's edit
    that contains them must not make the province's báo cáo fail to download."""
    reviewer, secretary = client_for(world, "reviewer"), client_for(world, "secretary_a")
    url = "/entry/rach-gia/2013/"
    response = reviewer.post(url + "reopen/", {"reason": "Bổ sung ghi chú"})
    assert response.status_code == 302
    report = Report.objects.get(unit=world.unit_a, period=year(2013))
    assert report.status == Report.Status.RETURNED
    data = {"version": report.version, "action": "submit", "confirm_unusual": "on"}
    data |= blanks_kept(report.movement)
    data |= {f"v-{v.indicator.code}": str(v.value) for v in report.values.all()}
    data |= {"highlights": "Nổi bật\x01 dòng\x0bhai", "shortcomings": "Hạn chế\x1b"}
    response = secretary.post(url, data)
    assert response.status_code == 302, response.content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED and "\x01" in report.highlights
    reviewer.post(url + "approve/", {"version": report.version})
    edit = "/reports/3tn/kien-giang/2009-2013/edit/"
    typed = {"number": "44A\x0b", "assessment": "Ý\x02 kiến", "version": "0"}
    typed |= {
        "signer_title": "Phó\x03 Bí thư",
        "signer_name": "Mai\x1f",
        "recipients": "Lưu\x0c VP",
    }
    assert reviewer.post(edit, typed).status_code == 302
    for path in ("/reports/3tn/kien-giang/2009-2013/", "/reports/3tn/rach-gia/2013-2013/"):
        assert reviewer.get(path).status_code == 200
        response = reviewer.get(path + "report.docx")
        assert response.status_code == 200
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
        assert "Nổi bật dòng hai" in text or "Ý kiến" in text


def test_language_switch_and_login_do_not_redirect_elsewhere(world):
    client = client_for(world, "secretary_a")
    for language in ("en", "xx", "\x00", "vi"):
        response = client.post(
            "/i18n/setlang/", {"language": language, "next": "https://evil.example/"}
        )
        assert response.status_code == 302
        assert "evil.example" not in response["Location"]
    anonymous = Client()
    response = anonymous.post(
        "/accounts/login/?next=https://evil.example/",
        {"username": "bithu_rachgia", "password": world.password},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.mark.parametrize(
    "username", ["a\x00b", "x" * 5000, "' OR 1=1 --", "bithu_rachgia\x00", "Bí thư"]
)
def test_hostile_login_and_password_change_fail_cleanly(world, username):
    anonymous = Client()
    response = anonymous.post("/accounts/login/", {"username": username, "password": "a\x00"})
    assert response.status_code in (200, 403)
    assert "_auth_user_id" not in anonymous.session
    client = client_for(world, "secretary_a")
    response = client.post(
        "/accounts/password_change/",
        {"old_password": username, "new_password1": username, "new_password2": username},
    )
    assert response.status_code == 200
    world.secretary_a.refresh_from_db()
    assert world.secretary_a.check_password(world.password)
