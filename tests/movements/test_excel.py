"""The Excel round-trip with real .xlsx files: download, edit with openpyxl, upload, preview,
confirm; every malformed case gets its message and changes nothing."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from movements import excel
from movements.models import Report, Value
from tests.conftest import report_url
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def download(client, unit="rach-gia", period="2014"):
    response = client.get(report_url("xlsx", unit=unit, period=period))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def row_of(sheet, code, unit=None):
    for row in sheet.iter_rows(min_row=1):
        if row[1].value == code and (unit is None or row[0].value == unit):
            return row[0].row
    raise AssertionError(code)


def as_upload(book, name="bao-cao.xlsx"):
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def upload(client, book_or_file, name="upload", **kwargs):
    file = book_or_file if isinstance(book_or_file, SimpleUploadedFile) else as_upload(book_or_file)
    target = report_url("xlsx-upload", **kwargs) if name == "upload" else name
    return client.post(target, {"file": file}, follow=True)


def set_value(book, code, value, unit=None):
    sheet = book[excel.SHEET]
    sheet.cell(row=row_of(sheet, code, unit), column=8).value = value


def values(unit):
    return dict(
        Value.objects.filter(report__unit=unit, report__period__year=2014).values_list(
            "indicator__code", "value"
        )
    )


# --- download ----------------------------------------------------------------------------------


def test_download_is_prefilled_in_vietnamese_with_hidden_codes(client, cast, open_period, seed):
    make_report(
        cast.unit_a, open_period, seed, status=Report.Status.DRAFT, values={"doan-vien": 8964}
    )
    make_report(cast.unit_a, 2013, seed, values={"doan-vien": 8000})
    client.force_login(cast.secretary_a)
    response = client.get(report_url("xlsx"))
    assert "3tn-rach-gia-2014.xlsx" in response["Content-Disposition"]
    book = download(client)
    assert book.sheetnames[0] == excel.SHEET
    sheet = book[excel.SHEET]
    headers = [c.value for c in sheet[5]]
    assert headers == excel.HEADERS
    assert "Chỉ tiêu" in headers and "Đơn vị tính" in headers and "Số liệu" in headers
    assert sheet.column_dimensions["A"].hidden and sheet.column_dimensions["B"].hidden
    line = row_of(sheet, "doan-vien")
    assert sheet.cell(line, 8).value == 8964
    assert sheet.cell(line, 7).value == 8000  # previous period, for reference
    assert sheet.cell(line, 6).value == "người"
    codes = [r[1].value for r in sheet.iter_rows(min_row=6) if r[1].value]
    assert "ty-le-dang-ky-vung-manh" not in codes  # ratios are computed
    assert len(codes) == len(set(codes))
    meta = dict(book[excel.META_SHEET].iter_rows(values_only=True))
    assert meta["don_vi"] == "rach-gia" and meta["ky"] == "2014" and meta["phong_trao"] == "3tn"
    assert book[excel.META_SHEET].sheet_state == "veryHidden"


def test_template_shows_its_title_and_instructions_and_prints_on_one_page_wide(
    client, cast, open_period
):
    client.force_login(cast.secretary_a)
    sheet = download(client)[excel.SHEET]
    hidden = {c for c, d in sheet.column_dimensions.items() if d.hidden}
    assert hidden == {"A", "B"}  # the codes only
    title, instructions = sheet["C1"].value, sheet["C2"].value
    assert title.startswith("Phong trào “3 trách nhiệm”") and "Thành Đoàn Rạch Giá" in title
    assert "chỉ nhập vào cột “Số liệu”" in instructions and "Gửi báo cáo" in instructions
    assert sheet["A1"].value is None and sheet["A2"].value is None
    assert {"C1:H1", "C2:H2", "C3:H3"} <= {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$5:$5"  # the header row on every page
    # Codes locked, the value column open.
    assert sheet.protection.sheet
    line = row_of(sheet, "cau")
    assert sheet.cell(line, 1).protection.locked and sheet.cell(line, 2).protection.locked
    assert not sheet.cell(line, 8).protection.locked


def test_row_errors_name_the_indicator(client, cast, open_period):
    client.force_login(cast.secretary_a)
    book = download(client)
    set_value(book, "cau", "mười hai")
    html = upload(client, book).content.decode()
    assert "“Cây cầu được sửa chữa, làm mới”: Ô chứa chữ “mười hai”" in html


def test_other_units_file_cannot_be_downloaded(client, cast, open_period):
    client.force_login(cast.secretary_b)
    assert client.get(report_url("xlsx")).status_code == 404


# --- upload, preview, confirm ------------------------------------------------------------------


def test_upload_previews_changes_and_applies_them_only_on_confirmation(
    client, cast, open_period, seed
):
    make_report(
        cast.unit_a,
        open_period,
        seed,
        status=Report.Status.DRAFT,
        values={"doan-vien": 100, "cau": 3},
    )
    client.force_login(cast.secretary_a)
    book = download(client)
    set_value(book, "doan-vien", 120)
    set_value(book, "cau", None)
    set_value(book, "phan-qua", "1.540")  # text typed the Vietnamese way is read as a number
    set_value(book, "mo-cau", 12.0)
    response = upload(client, book)
    html = response.content.decode()
    assert response.status_code == 200
    assert "4 thay đổi" in html
    assert "100" in html and "120" in html and "1.540" in html
    assert "(trống)" in html
    assert values(cast.unit_a) == {"doan-vien": 100, "cau": 3}  # nothing applied yet

    token = response.context["token"]
    response = client.post(report_url("xlsx-confirm"), {"token": token}, follow=True)
    assert "Đã cập nhật 4 số liệu" in response.content.decode()
    assert "Báo cáo chưa được gửi. Bước tiếp theo" in response.content.decode()
    assert "“Gửi báo cáo”" in response.content.decode()
    assert values(cast.unit_a) == {"doan-vien": 120, "mo-cau": 12, "phan-qua": 1540}
    report = Report.objects.get(unit=cast.unit_a, period=open_period)
    assert report.version == 2
    entry = report.history.latest()
    assert entry.history_change_reason == "Nhập từ tệp Excel"
    assert entry.history_user == cast.secretary_a
    # The token is used up: a second confirmation does nothing.
    response = client.post(report_url("xlsx-confirm"), {"token": token}, follow=True)
    assert "hãy tải tệp lên lại" in response.content.decode()


def test_upload_starts_a_report_not_yet_started(client, cast, open_period):
    client.force_login(cast.secretary_a)
    book = download(client)
    set_value(book, "doan-vien", 50)
    response = upload(client, book)
    client.post(report_url("xlsx-confirm"), {"token": response.context["token"]})
    report = Report.objects.get(unit=cast.unit_a, period=open_period)
    assert report.status == Report.Status.DRAFT
    assert values(cast.unit_a) == {"doan-vien": 50}


def test_unchanged_file_says_so_and_offers_no_confirmation(client, cast, open_period):
    client.force_login(cast.secretary_a)
    response = upload(client, download(client))
    assert "không có thay đổi nào" in response.content.decode()
    assert response.context["token"] == ""


def test_unusual_values_are_shown_as_warnings_and_confirming_applies_them(
    client, cast, open_period
):
    client.force_login(cast.secretary_a)
    book = download(client)
    set_value(book, "doan-vien", 60000)
    response = upload(client, book)
    html = response.content.decode()
    assert "cao bất thường" in html
    assert 'name="confirm_unusual"' in html
    # Without the tick nothing is saved, as in the form.
    response = client.post(
        report_url("xlsx-confirm"), {"token": response.context["token"]}, follow=True
    )
    assert "chưa xác nhận" in response.content.decode()
    assert values(cast.unit_a) == {}
    response = upload(client, book)
    client.post(
        report_url("xlsx-confirm"), {"token": response.context["token"], "confirm_unusual": "1"}
    )
    assert values(cast.unit_a) == {"doan-vien": 60000}


def test_report_changed_after_preview_refuses_the_file(client, cast, open_period, seed):
    report = make_report(
        cast.unit_a, open_period, seed, status=Report.Status.DRAFT, values={"cau": 1}
    )
    client.force_login(cast.secretary_a)
    book = download(client)
    set_value(book, "cau", 5)
    response = upload(client, book)
    token = response.context["token"]
    client.post(
        report_url("report"), {"version": report.version, "action": "save", "v-cau": "2"}
    )  # a colleague's save in between
    response = client.post(report_url("xlsx-confirm"), {"token": token}, follow=True)
    assert "đã thay đổi sau khi bạn xem trước" in response.content.decode()
    assert values(cast.unit_a) == {"cau": 2}


def test_file_keeps_the_version_and_time_it_was_downloaded_at(client, cast, open_period):
    client.force_login(cast.secretary_a)
    client.post(report_url(), {"version": 0, "action": "save", "v-cau": "4"})
    book = download(client)
    meta = {r[0].value: r[1].value for r in book[excel.META_SHEET].iter_rows()}
    assert meta[excel.META_VERSIONS] == "rach-gia=1"
    downloaded = dt.datetime.fromisoformat(meta["tai_luc"])
    assert abs(timezone.now() - downloaded) < dt.timedelta(minutes=5)


def test_older_file_says_so_and_does_not_revert_newer_values(client, cast, open_period, units):
    client.force_login(cast.secretary_a)
    client.post(report_url(), {"version": 0, "action": "save", "v-cau": "4", "v-doan-vien": "100"})
    book = download(client)  # downloaded at version 1: cầu 4
    client.post(report_url(), {"version": 1, "action": "save", "v-cau": "5", "v-doan-vien": "100"})
    set_value(book, "mo-cau", 2)  # the only cell changed in the file; cầu still says 4

    response = upload(client, book)
    html = response.content.decode()
    assert "Tệp này cũ hơn báo cáo của Thành Đoàn Rạch Giá" in html
    assert "phiên bản 1" in html and "nay là phiên bản 2" in html
    changes = response.context["plan"].changes
    assert [(c.indicator.code, c.old, c.new) for c in changes] == [("mo-cau", None, 2)]
    client.post(report_url("xlsx-confirm"), {"token": response.context["token"]})
    assert values(cast.unit_a) == {"cau": 5, "doan-vien": 100, "mo-cau": 2}


def test_older_file_marks_a_cell_changed_in_both(client, cast, open_period):
    client.force_login(cast.secretary_a)
    client.post(report_url(), {"version": 0, "action": "save", "v-cau": "4"})
    book = download(client)
    client.post(report_url(), {"version": 1, "action": "save", "v-cau": "5"})
    set_value(book, "cau", 7)
    response = upload(client, book)
    html = response.content.decode()
    (change,) = response.context["plan"].changes
    assert (change.old, change.new, change.changed_since_download) == (5, 7, 4)
    assert "Cả tệp và bản đã lưu đều sửa ô này sau khi tải tệp; lúc tải là 4" in html


def test_file_of_the_current_version_is_not_called_older(client, cast, open_period):
    client.force_login(cast.secretary_a)
    client.post(report_url(), {"version": 0, "action": "save", "v-cau": "4"})
    book = download(client)
    set_value(book, "cau", 7)
    response = upload(client, book)
    assert "cũ hơn" not in response.content.decode()
    assert [c.new for c in response.context["plan"].changes] == [7]


def cell_case(book, code, value):
    set_value(book, code, value)
    return book


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda b: cell_case(b, "cau", "=1+2"), "Ô chứa công thức"),
        (lambda b: cell_case(b, "cau", "=SUM(H6:H7)"), "Ô chứa công thức"),
        (lambda b: cell_case(b, "cau", "mười hai"), "Ô chứa chữ “mười hai”"),
        (lambda b: cell_case(b, "cau", -4), "Không nhận số âm"),
        (lambda b: cell_case(b, "cau", "-4"), "Ô chứa chữ"),
        (lambda b: cell_case(b, "cau", 12.5), "Cần số nguyên"),
        (lambda b: cell_case(b, "cau", True), "Đúng/Sai"),
        (lambda b: cell_case(b, "cau", 1e30), "Số quá lớn"),
        (
            lambda b: cell_case(
                cell_case(b, "to-chuc-doan-co-quan", 10), "to-chuc-dang-ky-vung-manh", 12
            ),
            "không được lớn hơn",
        ),
    ],
)
def test_bad_cells_are_listed_by_row_and_nothing_is_saved(client, cast, open_period, edit, message):
    client.force_login(cast.secretary_a)
    book = download(client)
    set_value(book, "doan-vien", 10)  # a good change beside the bad one is not applied either
    book = edit(book)
    response = upload(client, book)
    html = response.content.decode()
    assert message in html
    assert "chưa có gì được lưu" in html
    assert response.context["token"] == ""
    assert "Xác nhận và lưu" not in html
    problem_rows = [row for row, _m in response.context["problems"]]
    assert all(isinstance(r, int) and r > 5 for r in problem_rows)
    assert not Value.objects.exists()
    assert not Report.objects.exists()


def test_unknown_indicator_and_ratio_rows_are_problems(client, cast, open_period):
    client.force_login(cast.secretary_a)
    book = download(client)
    sheet = book[excel.SHEET]
    sheet.protection.sheet = False
    line = row_of(sheet, "cau")
    sheet.cell(line, 2, "khong-co-chi-tieu")
    sheet.cell(line, 8, 5)
    line = row_of(sheet, "mo-cau")
    sheet.cell(line, 2, "ty-le-dang-ky-vung-manh")
    sheet.cell(line, 8, 5)
    html = upload(client, book).content.decode()
    assert "Không có chỉ tiêu mã “khong-co-chi-tieu”" in html
    assert "là tỷ lệ tự tính" in html
    assert not Value.objects.exists()


def test_row_pointing_at_another_unit_is_refused(client, cast, open_period):
    client.force_login(cast.secretary_a)
    book = download(client)
    sheet = book[excel.SHEET]
    line = row_of(sheet, "cau")
    sheet.cell(line, 1, "cong-an")
    sheet.cell(line, 8, 5)
    html = upload(client, book).content.decode()
    assert "thuộc đơn vị “cong-an”" in html
    assert not Value.objects.exists()


def test_file_of_another_unit_is_refused(client, cast, open_period):
    client.force_login(cast.secretary_b)
    book = download(client, unit="cong-an")
    set_value(book, "cau", 5)
    client.force_login(cast.secretary_a)
    html = upload(client, book).content.decode()
    assert "Tệp này là của đơn vị “cong-an”" in html
    assert not Value.objects.exists()


def test_file_of_another_period_is_refused(client, cast, open_period, seed):
    make_report(cast.unit_a, 2013, seed, status=Report.Status.DRAFT)
    client.force_login(cast.secretary_a)
    book = download(client, period="2013")
    set_value(book, "cau", 5)
    html = upload(client, book).content.decode()
    assert "Tệp này là của kỳ 2013, không phải kỳ 2014" in html
    assert not Value.objects.exists()


def test_secretary_cannot_upload_into_another_units_report(client, cast, open_period):
    client.force_login(cast.secretary_b)
    book = download(client, unit="cong-an")
    set_value(book, "cau", 5)
    client.force_login(cast.secretary_a)
    response = client.post(report_url("xlsx-upload", unit="cong-an"), {"file": as_upload(book)})
    assert response.status_code == 404
    assert not Value.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "reviewer"])
def test_only_the_secretary_uploads_to_a_unit_report(client, cast, open_period, who):
    client.force_login(getattr(cast, who))
    book = download(client)
    set_value(book, "cau", 5)
    response = client.post(report_url("xlsx-upload"), {"file": as_upload(book)})
    assert response.status_code == 403
    assert client.post(report_url("xlsx-confirm"), {"token": "x"}).status_code == 403
    assert not Value.objects.exists()


def test_missing_sheet_is_refused(client, cast, open_period):
    client.force_login(cast.secretary_a)
    book = download(client)
    book[excel.SHEET].title = "Trang 1"
    html = upload(client, book).content.decode()
    assert "Tệp thiếu trang “Số liệu”" in html


def test_a_workbook_that_is_not_our_template_is_refused(client, cast, open_period):
    client.force_login(cast.secretary_a)
    book = Workbook()
    book.active.title = excel.SHEET
    book.active["A1"] = "Số liệu"
    html = upload(client, book).content.decode()
    assert "Tệp không phải mẫu của hệ thống" in html


def test_missing_value_column_is_refused(client, cast, open_period):
    client.force_login(cast.secretary_a)
    book = download(client)
    book[excel.SHEET].cell(5, 8, "Ghi chú")
    html = upload(client, book).content.decode()
    assert "thiếu cột “Số liệu”" in html


@pytest.mark.parametrize(
    "file, message",
    [
        (SimpleUploadedFile("bao-cao.csv", b"ma,so\ncau,5\n"), "Chỉ nhận tệp Excel .xlsx"),
        (SimpleUploadedFile("bao-cao.xls", b"\xd0\xcf\x11\xe0 old excel"), "Chỉ nhận tệp Excel"),
        (SimpleUploadedFile("bao-cao.xlsx", b"this is not a zip"), "không phải tệp Excel .xlsx"),
        (SimpleUploadedFile("bao-cao.xlsx", b""), "rỗng"),
    ],
)
def test_non_excel_files_are_refused(client, cast, open_period, file, message):
    client.force_login(cast.secretary_a)
    html = upload(client, file).content.decode()
    assert message in html
    assert not Report.objects.exists()


def test_zip_that_is_not_a_workbook_is_refused(client, cast, open_period):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    client.force_login(cast.secretary_a)
    html = upload(client, SimpleUploadedFile("bao-cao.xlsx", out.getvalue())).content.decode()
    assert "không đọc được như một tệp Excel" in html


def test_file_that_unpacks_to_something_huge_is_refused(client, cast, open_period):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024
    client.force_login(cast.secretary_a)
    html = upload(client, SimpleUploadedFile("bao-cao.xlsx", out.getvalue())).content.decode()
    assert "quá lớn khi mở ra" in html


def test_oversized_file_is_refused(client, cast, open_period, settings):
    settings.MAX_UPLOAD_SIZE = 1000
    client.force_login(cast.secretary_a)
    html = upload(client, download(client)).content.decode()
    assert "Tệp quá lớn" in html
    assert not Report.objects.exists()


def test_upload_without_a_file_says_so(client, cast, open_period):
    client.force_login(cast.secretary_a)
    response = client.post(report_url("xlsx-upload"), {}, follow=True)
    assert "Hãy chọn một tệp Excel" in response.content.decode()


@pytest.mark.parametrize(
    "status, message",
    [
        (Report.Status.APPROVED, "đã được duyệt và khoá"),
        (Report.Status.SUBMITTED, "chỉ sửa được khi được trả lại"),
    ],
)
def test_upload_to_a_locked_report_is_refused(client, cast, open_period, seed, status, message):
    make_report(cast.unit_a, open_period, seed, status=status, values={"cau": 1})
    client.force_login(cast.secretary_a)
    book = download(client)
    set_value(book, "cau", 5)
    response = client.post(report_url("xlsx-upload"), {"file": as_upload(book)})
    assert message in response.content.decode()
    assert response.context["token"] == ""
    assert values(cast.unit_a) == {"cau": 1}


def test_confirm_with_a_forged_token_does_nothing(client, cast, open_period):
    client.force_login(cast.secretary_a)
    book = download(client)
    set_value(book, "cau", 5)
    upload(client, book)
    response = client.post(report_url("xlsx-confirm"), {"token": "doan-mo"}, follow=True)
    assert "hãy tải tệp lên lại" in response.content.decode()
    assert not Value.objects.exists()


def test_preview_of_one_unit_cannot_be_confirmed_on_another(client, cast, open_period, units):
    from movements.models import Membership

    Membership.objects.create(user=cast.secretary_a, unit=units.ha_tien, role="secretary")
    client.force_login(cast.secretary_a)
    book = download(client)
    set_value(book, "cau", 5)
    token = upload(client, book).context["token"]
    response = client.post(
        report_url("xlsx-confirm", unit="ha-tien"), {"token": token}, follow=True
    )
    assert "hãy tải tệp lên lại" in response.content.decode()
    assert not Value.objects.exists()


# --- the provincial workbook -------------------------------------------------------------------


def province_url(name, period="2014"):
    return reverse(f"movements:province-{name}", args=[period])


def test_provincial_workbook_has_every_reporting_unit(client, cast, open_period, seed):
    make_report(cast.unit_b, open_period, seed, status=Report.Status.SUBMITTED, values={"cau": 4})
    client.force_login(cast.reviewer)
    response = client.get(province_url("xlsx"))
    assert response.status_code == 200
    assert "3tn-toan-tinh-2014.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book[excel.SHEET]
    units = {r[0].value for r in sheet.iter_rows(min_row=6) if r[0].value}
    assert len(units) == 24 and "kien-giang" not in units
    assert sheet.cell(row_of(sheet, "cau", "cong-an"), 8).value == 4


def test_provincial_workbook_round_trip(client, cast, open_period, seed):
    make_report(cast.unit_b, open_period, seed, status=Report.Status.SUBMITTED, values={"cau": 4})
    client.force_login(cast.reviewer)
    book = load_workbook(io.BytesIO(client.get(province_url("xlsx")).content))
    set_value(book, "cau", 6, unit="cong-an")
    set_value(book, "doan-vien", 300, unit="rach-gia")
    set_value(book, "doan-vien", 200, unit="ha-tien")
    response = client.post(province_url("xlsx-upload"), {"file": as_upload(book)})
    assert response.status_code == 200
    assert "3 thay đổi" in response.content.decode()
    # Công an's submitted report keeps blank sections: confirmed with the tick.
    confirmed = {"token": response.context["token"], "confirm_blanks": "1"}
    response = client.post(province_url("xlsx-confirm"), confirmed, follow=True)
    assert "Đã cập nhật 3 số liệu" in response.content.decode()
    assert values(cast.unit_b) == {"cau": 6}
    assert values(cast.unit_a) == {"doan-vien": 300}
    assert Report.objects.get(unit=cast.unit_b).status == Report.Status.SUBMITTED


def test_provincial_workbook_refuses_approved_reports_all_or_nothing(
    client, cast, open_period, seed
):
    make_report(cast.unit_b, open_period, seed, status=Report.Status.APPROVED, values={"cau": 4})
    client.force_login(cast.reviewer)
    book = load_workbook(io.BytesIO(client.get(province_url("xlsx")).content))
    set_value(book, "cau", 6, unit="cong-an")
    set_value(book, "doan-vien", 300, unit="rach-gia")
    response = client.post(province_url("xlsx-upload"), {"file": as_upload(book)})
    html = response.content.decode()
    assert "đã được duyệt và khoá" in html
    assert response.context["token"] == ""
    assert values(cast.unit_b) == {"cau": 4}
    assert values(cast.unit_a) == {}


def test_secretary_cannot_use_the_provincial_workbook(client, cast, open_period):
    client.force_login(cast.secretary_a)
    book = download(client)
    set_value(book, "cau", 5)
    assert client.get(province_url("xlsx")).status_code == 403
    response = client.post(province_url("xlsx-upload"), {"file": as_upload(book)})
    assert response.status_code == 403
    assert not Value.objects.exists()


def test_district_reviewer_workbook_covers_only_their_subtree(client, cast, open_period, units):
    from tests.factories import make_user

    reviewer = make_user("duyet_rachgia", units.rach_gia, "reviewer")
    client.force_login(cast.reviewer)
    book = load_workbook(io.BytesIO(client.get(province_url("xlsx")).content))
    set_value(book, "cau", 6, unit="cong-an")
    client.force_login(reviewer)
    html = client.post(province_url("xlsx-upload"), {"file": as_upload(book)}).content.decode()
    assert "ngoài phạm vi của bạn" in html
    assert not Value.objects.exists()


def test_provincial_download_runs_a_fixed_number_of_queries(
    client, cast, open_period, django_assert_num_queries
):
    client.force_login(cast.reviewer)
    # 13, one of them the indicators' bounds by peer group (read with the indicators).
    with django_assert_num_queries(13):
        assert client.get(province_url("xlsx")).status_code == 200
