"""The entry and review pages are valid HTML (a strict parser), whatever state they show."""

import io

import html5lib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from movements import excel
from movements.models import Report, ReportFlag
from tests.conftest import report_url
from tests.factories import blanks_kept, make_report

pytestmark = pytest.mark.django_db


def valid(response):
    assert response.status_code == 200
    html5lib.HTMLParser(strict=True).parse(response.content)
    return response.content.decode()


def test_entry_and_review_pages_are_valid_html(client, cast, seed, open_period):
    make_report(cast.unit_b, open_period, seed, status=Report.Status.SUBMITTED, values={"cau": 2})
    client.force_login(cast.secretary_a)
    valid(client.get(reverse("movements:entry")))
    page = report_url()
    valid(client.get(page))
    html = valid(client.post(page, {"version": 0, "v-doan-vien": "60.000", "v-cau": "12,5"}))
    assert "Chưa lưu" in html and 'name="confirm_unusual"' in html
    client.post(page, {"version": 0, "v-cau": "3", "action": "submit", **blanks_kept(seed)})
    valid(client.get(page))
    valid(client.get(report_url("history")))
    valid(client.get(reverse("password_change")))

    client.force_login(cast.reviewer)
    valid(client.get(reverse("movements:review")))
    valid(client.get(page))
    workbook = client.get(reverse("movements:province-xlsx", args=["2014"])).content
    response = client.post(
        reverse("movements:province-xlsx-upload", args=["2014"]),
        {"file": SimpleUploadedFile("tinh.xlsx", workbook)},
    )
    assert "không có thay đổi nào" in valid(response)

    book = load_workbook(io.BytesIO(workbook))
    sheet = book[excel.SHEET]
    for row in sheet.iter_rows(min_row=6):
        if row[1].value == "doan-vien":
            row[7].value = 5 if row[0].value == "ha-tien" else row[7].value
        if row[1].value == "cau" and row[0].value == "kien-hai":
            row[7].value = "nhiều"
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        reverse("movements:province-xlsx-upload", args=["2014"]),
        {"file": SimpleUploadedFile("tinh.xlsx", out.getvalue())},
    )
    html = valid(response)
    assert "Ô chứa chữ “nhiều”" in html and "1 thay đổi" in html


def test_the_validation_page_and_the_marks_are_valid_html(client, cast, seed, open_period):
    make_report(cast.unit_a, open_period, seed, status=Report.Status.SUBMITTED, values={"cau": 900})
    flag = ReportFlag.objects.filter(report__unit=cast.unit_a).first()
    client.force_login(cast.reviewer)
    assert 'data-unit="rach-gia"' in valid(client.get(reverse("movements:checks")))
    valid(client.get(report_url()))
    client.post(report_url("follow-up"), {"flag": flag.pk, "action": "mark", "note": "Xem lại"})
    assert "Bỏ đánh dấu" in valid(client.get(reverse("movements:checks")))
    assert "Bỏ đánh dấu" in valid(client.get(report_url()))
    client.force_login(cast.secretary_a)
    assert "Xem lại" in valid(client.get(report_url()))
    assert "đề nghị xem lại" in valid(client.get(reverse("movements:entry")))
