"""The history tells the truth: each entry is attributed to who or what made it (the demo
loader, the form, an Excel file, a reviewer), and the demo values are never merged into a
later user's change."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from movements.models import Report, Value
from movements.services.demo import demo_open_period
from tests.conftest import report_url
from tests.factories import blanks_kept, make_report
from tests.movements.test_excel import as_upload, download, province_url, set_value

pytestmark = pytest.mark.django_db


def history_of(client):
    html = client.get(report_url("history")).content.decode()
    items = html[html.index('class="history-list"') :]
    # newest first; one string per entry
    return [part.split("</li>\n\n")[0] for part in items.split('<li><span class="when">')[1:]]


def form_of(report, **changes):
    data = {"version": report.version, "action": "save", "highlights": "", "shortcomings": ""}
    data.update(
        {
            f"v-{code}": str(value)
            for code, value in Value.objects.filter(report=report).values_list(
                "indicator__code", "value"
            )
        }
    )
    data.update(changes)
    return data


def test_history_attributes_demo_form_import_and_approval(client, cast, demo):
    demo_open_period()  # Rạch Giá's 2014 report: a demo draft
    report = Report.objects.get(unit=cast.unit_a, period__year=2014)
    doan_vien = Value.objects.get(report=report, indicator__code="doan-vien").value
    client.force_login(cast.secretary_a)

    (demo_entry,) = history_of(client)[:1]
    assert "trình nạp dữ liệu minh hoạ</strong>: Dữ liệu minh hoạ" in demo_entry
    assert f"Đoàn viên: (trống) → {doan_vien:,}".replace(",", ".") in demo_entry

    # The form: one value changed, and only that value under the secretary's save.
    response = client.post(report_url(), form_of(report, **{"v-doan-vien": str(doan_vien + 1)}))
    assert response.status_code == 302
    entries = history_of(client)
    assert cast.secretary_a.username in entries[0]
    assert "Lưu nháp" in entries[0]
    assert entries[0].count("→") == 1 and "Đoàn viên" in entries[0]
    assert any("Dữ liệu minh hoạ" in e and "(trống) →" in e for e in entries[1:])

    # An Excel file: attributed to the import.
    book = download(client)
    set_value(book, "cau", 77)
    response = client.post(report_url("xlsx-upload"), {"file": as_upload(book)})
    client.post(
        report_url("xlsx-confirm"), {"token": response.context["token"], "confirm_unusual": "1"}
    )
    entries = history_of(client)
    assert cast.secretary_a.username in entries[0] and "Nhập từ tệp Excel" in entries[0]
    assert "→ 77" in entries[0] and entries[0].count("→") == 1

    # Submitted, then approved by the reviewer: their entry names them.
    report.refresh_from_db()
    submitted = {**form_of(report), "action": "submit", "confirm_unusual": "on"}
    client.post(report_url(), {**submitted, **blanks_kept(demo)})
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    client.force_login(cast.reviewer)
    client.post(report_url("approve"), {"version": report.version})
    entries = history_of(client)
    assert cast.reviewer.username in entries[0] and "Duyệt" in entries[0]
    # The demo's own entry is still there, with its original values.
    assert any("trình nạp dữ liệu minh hoạ" in e and "(trống) →" in e for e in entries)


def test_unit_is_told_when_the_province_changes_its_figures(client, cast, open_period, seed):
    report = make_report(
        cast.unit_a, open_period, seed, status=Report.Status.RETURNED, values={"cau": 4}
    )
    client.force_login(cast.secretary_a)
    assert "changed-by-other" not in client.get(reverse("movements:entry")).content.decode()
    client.post(report_url(), {**form_of(report), "v-cau": "5"})
    html = client.get(reverse("movements:entry")).content.decode()
    assert "changed-by-other" not in html  # the secretary's own change

    client.force_login(cast.reviewer)
    book = load_workbook(io.BytesIO(client.get(province_url("xlsx")).content))
    set_value(book, "cau", 6, unit="rach-gia")
    response = client.post(province_url("xlsx-upload"), {"file": as_upload(book)})
    client.post(province_url("xlsx-confirm"), {"token": response.context["token"]})

    client.force_login(cast.secretary_a)
    reviewer = cast.reviewer.get_full_name() or cast.reviewer.username
    html = client.get(reverse("movements:entry")).content.decode()
    assert f"Số liệu vừa được {reviewer} sửa lúc" in html
    html = client.get(report_url()).content.decode()
    assert f"Số liệu của đơn vị được {reviewer} sửa lần cuối lúc" in html
    assert "(Nhập từ tệp Excel)" in html
    history = html[html.index("Lịch sử thay đổi") :]
    assert f"<strong>{reviewer}</strong>: Nhập từ tệp Excel" in history
    assert "Cầu sửa chữa, làm mới: 5 → 6" in history
