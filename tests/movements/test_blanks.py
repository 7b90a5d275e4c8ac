"""Blank is not zero: a blank figure (no Value row) means "not reported", 0 means none. The
form, the Excel file and the stored value keep them apart, and sending a report with blank
figures asks first, section by section: nothing to report (the blanks stay blank), or 0."""

import io
import re
from pathlib import Path

import html5lib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from movements import excel
from movements.models import Indicator, IndicatorGroup, Report, Rollup, Value
from movements.services import BlanksUnconfirmed
from movements.services.workflow import report_save
from tests.conftest import report_url
from tests.factories import every_section, make_report
from tests.movements.test_entry import form_data
from tests.movements.test_excel import as_upload, province_url, row_of, set_value

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
SECTIONS = ["trien-khai", "cong-viec", "nhan-dan", "ban-than"]  # in report order


def stored(unit, period):
    """{indicator code: value} of the unit's report: the Value rows that exist."""
    return dict(
        Value.objects.filter(report__unit=unit, report__period=period).values_list(
            "indicator__code", "value"
        )
    )


def totals():
    return sorted(
        Rollup.objects.values_list("unit_id", "indicator_id", "status", "total", "entries")
    )


def asked(html: str) -> list[str]:
    """The sections the page asks about, in page order."""
    return re.findall(r'<fieldset class="blank-section" data-section="([^"]+)"', html)


def codes(movement, section: str) -> list[str]:
    return list(
        Indicator.objects.stored()
        .filter(movement=movement, group__code=section)
        .order_by("order")
        .values_list("code", flat=True)
    )


# --- the form ------------------------------------------------------------------------------------


def test_a_send_with_blank_figures_asks_first_and_submits_nothing(client, cast, open_period, seed):
    make_report(cast.unit_a, open_period, seed, status=Report.Status.DRAFT, values={"cau": 3})
    before = totals()
    client.force_login(cast.secretary_a)
    response = client.post(
        report_url(), form_data(version=1, doan_vien="100", cau="0", action="submit")
    )
    assert response.status_code == 200
    html = response.content.decode()
    html5lib.HTMLParser(strict=True).parse(html)
    assert "Chưa gửi: một số ô đang để trống" in html
    assert asked(html) == SECTIONS
    assert "Mục I. Công tác triển khai không có số liệu để báo cáo (để trống)" in html
    assert "Ghi 0 cho các ô trống của mục này" in html
    # The blank figures are named, linked to their fields; those typed (0 too) are not.
    section = html[html.index('data-section="trien-khai"') :]
    section = section[: section.index("</fieldset>")]
    assert 'href="#id_v-hoi-nghi-trien-khai"' in section
    assert 'href="#id_v-luot-du-trien-khai"' in section
    assert "#id_v-doan-vien" not in section
    assert "#id_v-cau" not in html[html.index('id="blank-sections"') :]
    # What was typed is still in the form.
    assert 'name="v-doan-vien" value="100"' in html and 'name="v-cau" value="0"' in html
    report = Report.objects.get()
    assert (report.status, report.version, report.blank_confirmed) == ("draft", 1, [])
    assert stored(cast.unit_a, open_period) == {"cau": 3}
    assert totals() == before


def test_confirmed_blanks_stay_blank_and_zeros_are_stored_as_zero(client, cast, open_period, seed):
    client.force_login(cast.secretary_a)
    data = form_data(doan_vien="100", cau="0", action="submit")
    data |= {f"blank-{code}": "empty" for code in SECTIONS}
    response = client.post(report_url(), data)
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == Report.Status.SUBMITTED
    assert report.blank_confirmed == SECTIONS
    assert stored(cast.unit_a, open_period) == {"doan-vien": 100, "cau": 0}
    # 0 is a figure the totals count; a blank is none.
    cau = Rollup.objects.get(unit=cast.province, indicator__code="cau", status="submitted")
    assert (cau.total, cau.entries) == (0, 1)
    assert not Rollup.objects.filter(indicator__code="mo-cau").exists()


def test_a_section_confirmed_is_not_asked_again_the_others_are(client, cast, open_period, seed):
    client.force_login(cast.secretary_a)
    data = form_data(doan_vien="100", action="submit") | {"blank-trien-khai": "empty"}
    html = client.post(report_url(), data).content.decode()
    assert asked(html) == SECTIONS[1:]
    assert 'value="empty" checked' not in html.split('data-section="cong-viec"')[1]
    assert not Report.objects.exists()


def test_writing_zeros_fills_only_that_sections_blank_figures(client, cast, open_period, seed):
    client.force_login(cast.secretary_a)
    data = form_data(doan_vien="100", cau="7", action="submit")
    data |= {"blank-trien-khai": "empty", "blank-cong-viec": "empty", "blank-ban-than": "empty"}
    data["blank-nhan-dan"] = "zero"
    response = client.post(report_url(), data)
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == Report.Status.SUBMITTED
    zeros = dict.fromkeys(codes(seed, "nhan-dan"), 0)
    assert stored(cast.unit_a, open_period) == {**zeros, "cau": 7, "doan-vien": 100}
    assert report.blank_confirmed == ["trien-khai", "cong-viec", "ban-than"]


def test_writing_zeros_shows_them_when_the_page_comes_back(client, cast, open_period, seed):
    """The zeros are written on the server: a page refused for another reason shows them."""
    client.force_login(cast.secretary_a)
    data = form_data(doan_vien="12,5", action="submit") | {"blank-ban-than": "zero"}
    html = client.post(report_url(), data).content.decode()
    assert "cần số nguyên" in html
    for code in codes(seed, "ban-than"):
        assert f'name="v-{code}" value="0"' in html
    assert 'name="v-cau" value="0"' not in html
    assert not Report.objects.exists()


def test_a_draft_save_never_asks_and_keeps_blank_apart_from_zero(client, cast, open_period, seed):
    client.force_login(cast.secretary_a)
    response = client.post(report_url(), form_data(doan_vien="100", cau="0"), follow=True)
    html = response.content.decode()
    assert "Đã lưu nháp" in html and "blank-sections" not in html
    assert stored(cast.unit_a, open_period) == {"doan-vien": 100, "cau": 0}
    # Opened again: 0 shows as 0, a blank as an empty field.
    assert 'name="v-cau" value="0"' in html
    assert re.search(r'<input type="text" name="v-mo-cau"(?![^>]*value=)[^>]*>', html)


def test_a_draft_save_forgets_the_confirmation_of_the_last_submission(
    client, cast, open_period, seed
):
    report = make_report(
        cast.unit_a,
        open_period,
        seed,
        status=Report.Status.RETURNED,
        values={"cau": 3},
        blank_confirmed=SECTIONS,
        version=2,
    )
    client.force_login(cast.secretary_a)
    assert client.post(report_url(), form_data(version=2, cau="4")).status_code == 302
    report.refresh_from_db()
    assert report.blank_confirmed == []


def test_the_report_page_shows_blank_and_zero_apart_and_the_confirmed_sections(
    client, cast, open_period, seed
):
    report_save(
        user=cast.secretary_a,
        unit=cast.unit_a,
        period=open_period,
        movement=seed,
        values={"cau": 0, "mo-cau": 5},
        submit=True,
        blanks_confirmed=["nhan-dan", "ban-than", "trien-khai", "cong-viec"],
    )
    client.force_login(cast.reviewer)
    html = client.get(report_url()).content.decode()
    assert re.search(r'data-code="cau"[^>]*>0</td>', html)
    assert re.search(r'data-code="mo-cau"[^>]*>5</td>', html)
    assert re.search(r'data-code="san-bong-chuyen"[^>]*><span class="muted blank">\(trống\)', html)
    assert html.count("Khi gửi, đơn vị đã xác nhận") == 4


# --- the service ---------------------------------------------------------------------------------


def test_the_service_refuses_unconfirmed_blank_sections_and_writes_nothing(cast, open_period, seed):
    every = {i.code: 1 for i in Indicator.objects.stored().filter(movement=seed)}
    values = every | {"cau": None, "cbcc-chung-chi": None}
    common = {"user": cast.secretary_a, "unit": cast.unit_a, "period": open_period}
    with pytest.raises(BlanksUnconfirmed) as refused:
        report_save(**common, movement=seed, values=values, submit=True, confirm_unusual=True)
    blank = [(g.code, [i.code for i in items]) for g, items in refused.value.sections]
    assert blank == [("nhan-dan", ["cau"]), ("ban-than", ["cbcc-chung-chi"])]
    assert not Report.objects.exists()
    # Confirming one section still asks about the other.
    with pytest.raises(BlanksUnconfirmed) as refused:
        report_save(
            **common,
            movement=seed,
            values=values,
            submit=True,
            confirm_unusual=True,
            blanks_confirmed=["nhan-dan"],
        )
    assert [g.code for g, _items in refused.value.sections] == ["ban-than"]
    # Nothing blank: nothing asked, nothing kept as confirmed.
    report = report_save(**common, movement=seed, values=every, submit=True, confirm_unusual=True)
    assert (report.status, report.blank_confirmed) == ("submitted", [])


# --- Excel ---------------------------------------------------------------------------------------


def test_blank_and_zero_round_trip_through_the_workbook(client, cast, open_period, seed):
    """Downloaded, a blank figure is an empty cell and 0 a cell holding 0; uploaded back
    untouched, nothing changes; a 0 typed in an empty cell and a cell emptied are read as
    such."""
    make_report(
        cast.unit_a, open_period, seed, status=Report.Status.DRAFT, values={"cau": 0, "mo-cau": 5}
    )
    client.force_login(cast.secretary_a)
    book = load_workbook(io.BytesIO(client.get(report_url("xlsx")).content))
    sheet = book[excel.SHEET]
    assert sheet.cell(row_of(sheet, "cau"), 8).value == 0
    assert sheet.cell(row_of(sheet, "mo-cau"), 8).value == 5
    assert sheet.cell(row_of(sheet, "san-bong-chuyen"), 8).value is None
    html = client.post(report_url("xlsx-upload"), {"file": as_upload(book)}).content.decode()
    assert "không có thay đổi nào" in html

    set_value(book, "san-bong-chuyen", 0)
    set_value(book, "mo-cau", None)
    response = client.post(report_url("xlsx-upload"), {"file": as_upload(book)})
    assert "2 thay đổi" in response.content.decode()
    client.post(report_url("xlsx-confirm"), {"token": response.context["token"]})
    assert stored(cast.unit_a, open_period) == {"cau": 0, "san-bong-chuyen": 0}


def submitted_with_blanks(cast, open_period, seed, confirmed=()):
    return make_report(
        cast.unit_b,
        open_period,
        seed,
        status=Report.Status.SUBMITTED,
        values=dict.fromkeys(codes(seed, "trien-khai"), 1) | {"cau": 4},
        blank_confirmed=list(confirmed),
    )


def province_upload(client, book):
    response = client.post(province_url("xlsx-upload"), {"file": as_upload(book)})
    assert response.status_code == 200
    return response


def test_a_provincial_workbook_lists_the_blanks_of_a_submitted_report_and_asks_for_a_tick(
    client, cast, open_period, seed
):
    report = submitted_with_blanks(cast, open_period, seed)
    make_report(cast.unit_a, open_period, seed, status=Report.Status.DRAFT, values={"cau": 1})
    client.force_login(cast.reviewer)
    book = load_workbook(io.BytesIO(client.get(province_url("xlsx")).content))
    set_value(book, "cau", 6, unit="cong-an")
    set_value(book, "cau", 2, unit="rach-gia")  # a draft: never asked
    response = province_upload(client, book)
    html = response.content.decode()
    html5lib.HTMLParser(strict=True).parse(html)
    listed = re.findall(r'<li data-unit="([^"]+)" data-section="([^"]+)">', html)
    assert listed == [("cong-an", s) for s in SECTIONS[1:]]
    assert "Công an tỉnh — II.2. Trách nhiệm với nhân dân: Hội thảo" in html
    assert 'name="confirm_blanks"' in html
    before = totals()

    # Without the tick: nothing at all is written, the draft's change neither.
    token = response.context["token"]
    response = client.post(province_url("xlsx-confirm"), {"token": token}, follow=True)
    assert "chưa xác nhận" in response.content.decode()
    assert stored(cast.unit_b, open_period)["cau"] == 4
    assert stored(cast.unit_a, open_period) == {"cau": 1}
    assert totals() == before

    response = province_upload(client, book)
    confirmed = {"token": response.context["token"], "confirm_blanks": "1"}
    response = client.post(province_url("xlsx-confirm"), confirmed, follow=True)
    assert "Đã cập nhật 2 số liệu" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    assert report.blank_confirmed == SECTIONS[1:]
    assert stored(cast.unit_b, open_period)["cau"] == 6
    assert stored(cast.unit_a, open_period) == {"cau": 2}


def test_a_provincial_workbook_asks_only_about_blanks_not_yet_confirmed(
    client, cast, open_period, seed
):
    """Blank sections the unit confirmed when sending are not asked again; a figure the file
    empties is, in its section."""
    submitted_with_blanks(cast, open_period, seed, confirmed=SECTIONS[1:])
    client.force_login(cast.reviewer)
    book = load_workbook(io.BytesIO(client.get(province_url("xlsx")).content))
    set_value(book, "cau", 6, unit="cong-an")
    response = province_upload(client, book)
    assert 'name="confirm_blanks"' not in response.content.decode()
    assert response.context["plan"].blanks == []

    set_value(book, "doan-vien", None, unit="cong-an")
    response = province_upload(client, book)
    blanks = response.context["plan"].blanks
    assert [(b.unit.code, b.section.code) for b in blanks] == [("cong-an", "trien-khai")]
    assert [i.code for i in blanks[0].indicators] == ["doan-vien"]


def test_a_secretarys_file_never_submits_so_never_asks(client, cast, open_period, seed):
    client.force_login(cast.secretary_a)
    book = load_workbook(io.BytesIO(client.get(report_url("xlsx")).content))
    set_value(book, "cau", 3)
    response = client.post(report_url("xlsx-upload"), {"file": as_upload(book)})
    assert response.context["plan"].blanks == []
    response = client.post(
        report_url("xlsx-confirm"), {"token": response.context["token"]}, follow=True
    )
    assert "Báo cáo chưa được gửi" in response.content.decode()
    assert Report.objects.get().status == Report.Status.DRAFT


def test_every_section_code_is_a_section_of_the_movement(seed):
    assert every_section(seed) == SECTIONS
    assert list(IndicatorGroup.objects.filter(movement=seed).values_list("code", flat=True)) == (
        SECTIONS
    )


def test_a_file_saved_by_libreoffice_keeps_blank_apart_from_zero(client, cast, open_period, seed):
    """tests/movements/files/libreoffice-blank-and-zero-2014.xlsx: Rạch Giá's 2014 workbook
    downloaded with “cau” 0 and “mo-cau” 5, then “mo-cau” emptied and 0 typed in
    “san-bong-chuyen”, saved by LibreOffice Calc 7.4 (soffice --headless --convert-to xlsx),
    which writes an empty cell as a styled cell without a value."""
    make_report(
        cast.unit_a, open_period, seed, status=Report.Status.DRAFT, values={"cau": 0, "mo-cau": 5}
    )
    content = (FILES / "libreoffice-blank-and-zero-2014.xlsx").read_bytes()
    client.force_login(cast.secretary_a)
    file = SimpleUploadedFile("3tn-rach-gia-2014.xlsx", content)
    response = client.post(report_url("xlsx-upload"), {"file": file})
    changes = {(c.indicator.code, c.old, c.new) for c in response.context["plan"].changes}
    assert changes == {("mo-cau", 5, None), ("san-bong-chuyen", None, 0)}
    client.post(report_url("xlsx-confirm"), {"token": response.context["token"]})
    assert stored(cast.unit_a, open_period) == {"cau": 0, "san-bong-chuyen": 0}
