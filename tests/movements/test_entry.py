"""The entry form: who may open and save which report, Vietnamese numbers, every validation rule
with its message and nothing saved, the edit conflict, and the full status path with history."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from movements.models import Report, Value
from movements.rules import NumberError, parse_number
from tests.conftest import report_url
from tests.factories import blanks_kept, make_report, make_user, totals_kept, year

pytestmark = pytest.mark.django_db


def form_data(version=0, action="save", **values):
    data = {"version": version, "action": action, "highlights": "", "shortcomings": ""}
    for code, text in values.items():
        name = code if code in ("highlights", "shortcomings") else f"v-{code.replace('_', '-')}"
        data[name] = text
    return data


def saved(unit, period_obj, code):
    value = Value.objects.filter(
        report__unit=unit, report__period=period_obj, indicator__code=code
    ).first()
    return value.value if value else None


# --- Vietnamese numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, number",
    [
        ("8.964", 8964),
        ("1.540.000.000", 1_540_000_000),
        ("8964", 8964),
        (" 8 964 ", 8964),
        ("1\u00a0540\u00a0000", 1_540_000),
        ("0", 0),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_vietnamese_numbers_are_read_as_typed(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize(
    "text, message",
    [
        ("12,5", "cần số nguyên"),
        ("8,964", "cần số nguyên"),
        ("-5", "Không nhận số âm"),
        ("12.5", "dấu chấm chỉ dùng để ngăn cách hàng nghìn"),
        ("1.54.000", "dấu chấm chỉ dùng để ngăn cách hàng nghìn"),
        ("abc", "không phải là một con số"),
        ("12a", "không phải là một con số"),
        ("99999999999999999999", "Số quá lớn"),
        ("1,540,000", "dùng dấu chấm để phân nhóm: 1.540.000"),
        ("500 triệu", "hãy viết đủ chữ số, dùng dấu chấm để phân nhóm: 500.000.000"),
        ("1,5 tỷ", "phân nhóm: 1.500.000.000"),
        ("2 nghìn đồng", "phân nhóm: 2.000"),
        # Other digit forms are refused, never read silently, with the number to type.
        ("１２", "chữ số không phải 0–9 .* Hãy gõ lại bằng chữ số thường: 12"),
        ("١٢", "chữ số không phải 0–9 .* Hãy gõ lại bằng chữ số thường: 12"),
        ("８.９６４", "chữ số thường: 8.964"),
    ],
)
def test_malformed_numbers_say_what_to_fix(text, message):
    with pytest.raises(NumberError, match=message):
        parse_number(text)


def test_form_says_how_to_type_an_english_grouped_number_and_saves_nothing(
    client, cast, open_period
):
    client.force_login(cast.secretary_a)
    response = client.post(report_url(), form_data(phan_qua="1,540,000", cau="１２"))
    html = response.content.decode()
    assert "dùng dấu chấm để phân nhóm: 1.540.000" in html
    assert "chữ số thường: 12" in html
    assert not Report.objects.exists()


# --- who may open what -------------------------------------------------------------------------


def test_entry_list_shows_only_the_secretarys_units(client, cast, open_period, seed):
    make_report(cast.unit_b, 2013, seed, values={"doan-vien": 100})
    client.force_login(cast.secretary_a)
    response = client.get(reverse("movements:entry"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thành Đoàn Rạch Giá" in html
    assert "Chưa bắt đầu" in html
    assert report_url() in html
    assert "Công an" not in html
    assert "cong-an" not in html


def test_entry_list_shows_status_deadline_and_return_reason(client, cast, open_period, seed):
    open_period.deadline = open_period.start_date.replace(year=2015, month=1, day=15)
    open_period.save()
    make_report(
        cast.unit_a,
        open_period,
        seed,
        status=Report.Status.RETURNED,
        return_reason="Thiếu số liệu.",
    )
    client.force_login(cast.secretary_a)
    html = client.get(reverse("movements:entry")).content.decode()
    assert "Trả lại để sửa" in html
    assert "Thiếu số liệu." in html
    assert "15/1/2015" in html


def _last_changed(html: str) -> list[str]:
    return re.findall(r'<td data-label="Sửa lần cuối">([^<]*)</td>', html)


@pytest.mark.parametrize(
    "figures_day, shown", [(dt.date(2014, 1, 10), "15/1/2014"), (dt.date(2014, 2, 3), "3/2/2014")]
)
def test_entry_list_says_when_a_report_last_changed_not_when_it_was_loaded(
    client, cast, open_period, seed, figures_day, shown
):
    # An approved 2013 report whose history (approval, figures) lies in 2014, written again on
    # a later day (as load_demo writes every report): its updated_at is today.
    report = make_report(cast.unit_a, 2013, seed, values={"doan-vien": 100})
    with totals_kept(Report.objects.filter(pk=report.pk)):
        value = report.values.get()
        value.value = 120
        value.save()
    hanoi = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    report.history.update(history_date=dt.datetime(2014, 1, 15, 9, tzinfo=hanoi))
    Value.history.filter(report_id=report.pk).update(
        history_date=dt.datetime.combine(figures_day, dt.time(23, 30), tzinfo=hanoi)
    )
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now())
    client.force_login(cast.secretary_a)
    html = client.get(reverse("movements:entry")).content.decode()
    # The 2014 report is not started: no date; the 2013 one: its last change, in Vietnam's time.
    assert _last_changed(html) == ["–", shown]


def test_entry_list_falls_back_on_updated_at_for_a_report_without_history(
    client, cast, open_period, seed
):
    report = make_report(cast.unit_a, 2013, seed, values={"doan-vien": 100})
    report.history.all().delete()
    Report.objects.filter(pk=report.pk).update(updated_at=dt.datetime(2014, 3, 4, 8, tzinfo=dt.UTC))
    client.force_login(cast.secretary_a)
    html = client.get(reverse("movements:entry")).content.decode()
    assert _last_changed(html) == ["–", "4/3/2014"]


def test_a_draft_is_called_nhap_wherever_its_status_shows(client, cast, open_period, seed):
    from reports.tables import STATE_LABELS

    make_report(cast.unit_a, open_period, seed, status=Report.Status.DRAFT, values={"doan-vien": 7})
    assert Report.Status.DRAFT.label == STATE_LABELS["draft"] == "Nháp"
    admin = make_user("quantri", is_staff=True, is_superuser=True)
    pages = {
        cast.secretary_a: [reverse("movements:entry"), report_url()],
        cast.reviewer: [
            reverse("reports:completeness") + f"?period={open_period.code}&state=draft"
        ],
        admin: [reverse("admin:movements_report_changelist") + "?status__exact=draft"],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            html = response.content.decode()
            assert response.status_code == 200, url
            assert "Nháp" in html, url
            assert "Bản nháp" not in html and "bản nháp" not in html, url


def test_entry_list_query_count_does_not_grow_with_units(
    client, cast, open_period, seed, units, django_assert_num_queries
):
    from movements.models import Membership

    client.force_login(cast.secretary_a)
    # With the header's progress link (one query: is the user a reviewer or viewer?) and menu
    # (one: the user's roles).
    with django_assert_num_queries(10):
        client.get(reverse("movements:entry"))
    for unit in [units.ha_tien, units.hon_dat, units.kien_hai, units.quan_su]:
        Membership.objects.create(user=cast.secretary_a, unit=unit, role="secretary")
        make_report(unit, 2013, seed, values={"doan-vien": 1})
    with django_assert_num_queries(10):
        response = client.get(reverse("movements:entry"))
    assert response.content.decode().count("Chưa bắt đầu") == 5


def test_secretary_cannot_open_another_units_report(client, cast, open_period, seed):
    make_report(cast.unit_b, open_period, seed, status=Report.Status.DRAFT, values={"doan-vien": 7})
    client.force_login(cast.secretary_a)
    for name in ["report", "history", "xlsx"]:
        assert client.get(report_url(name, unit="cong-an")).status_code == 404
    for name in ["report", "approve", "return", "reopen", "xlsx-upload", "xlsx-confirm"]:
        response = client.post(
            report_url(name, unit="cong-an"), form_data(doan_vien="9", reason="x")
        )
        assert response.status_code == 404, name
    assert saved(cast.unit_b, open_period, "doan-vien") == 7


def test_unknown_unit_or_period_is_404(client, cast, open_period):
    client.force_login(cast.secretary_a)
    assert client.get(report_url(unit="khong-co")).status_code == 404
    assert client.get(report_url(period="2099")).status_code == 404
    assert client.get(report_url(period="20x4")).status_code == 404


def test_secretary_sees_an_empty_form_with_previous_values(client, cast, open_period, seed):
    make_report(cast.unit_a, 2013, seed, values={"doan-vien": 8964})
    client.force_login(cast.secretary_a)
    response = client.get(report_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="v-doan-vien"' in html
    assert "8.964" in html  # the previous period, for reference
    assert "ty-le" not in html  # ratios are computed, never entered
    assert "Công tác triển khai" in html and "Trách nhiệm với bản thân" in html
    assert html.index("Công tác triển khai") < html.index("Trách nhiệm với công việc")
    assert "người" in html  # measure word beside the field


def test_viewer_and_reviewer_read_but_cannot_write(client, cast, open_period, seed):
    make_report(cast.unit_a, open_period, seed, status=Report.Status.DRAFT, values={"doan-vien": 7})
    for user in [cast.viewer, cast.reviewer]:
        client.force_login(user)
        response = client.get(report_url())
        assert response.status_code == 200
        assert 'name="v-doan-vien"' not in response.content.decode()
        response = client.post(report_url(), form_data(version=1, doan_vien="9"))
        assert response.status_code == 403
    assert saved(cast.unit_a, open_period, "doan-vien") == 7


def test_reviewer_without_units_is_pointed_to_the_review_page(client, cast, open_period):
    client.force_login(cast.reviewer)
    html = client.get(reverse("movements:entry")).content.decode()
    assert "không phụ trách nhập số liệu" in html
    assert reverse("movements:review") in html


def test_outsider_sees_nothing(client, cast, open_period):
    client.force_login(cast.outsider)
    assert client.get(report_url()).status_code == 404
    assert "Rạch Giá" not in client.get(reverse("movements:entry")).content.decode()


def test_closed_period_cannot_be_started(client, cast, seed):
    year(2015)
    client.force_login(cast.secretary_a)
    response = client.get(report_url(period="2015"))
    assert response.status_code == 200
    assert "chưa mở" in response.content.decode()
    response = client.post(report_url(period="2015"), form_data(doan_vien="5"), follow=True)
    assert "chưa mở (hoặc đã đóng) nhập liệu" in response.content.decode()
    assert not Report.objects.exists()


def test_unit_that_did_not_exist_cannot_report(client, cast, seed, units):
    period = year(2008)
    period.open_for_entry = True
    period.save()
    user = make_user("bithu_giangthanh", units.giang_thanh, "secretary")
    client.force_login(user)
    response = client.post(
        report_url(unit="giang-thanh", period="2008"), form_data(doan_vien="5"), follow=True
    )
    assert not Report.objects.exists()
    assert "không báo cáo trong kỳ" in response.content.decode()


def test_unit_founded_during_a_year_reports_for_that_year(client, cast, seed, units):
    period = year(2009)  # Giang Thành was founded on 29/6/2009
    period.open_for_entry = True
    period.save()
    client.force_login(make_user("bithu_giangthanh", units.giang_thanh, "secretary"))
    assert "2009" in client.get(reverse("movements:entry")).content.decode()
    response = client.post(report_url(unit="giang-thanh", period="2009"), form_data(doan_vien="5"))
    assert response.status_code == 302
    assert saved(units.giang_thanh, period, "doan-vien") == 5


# --- saving and validation ---------------------------------------------------------------------


def test_draft_is_saved_and_shown_back_the_vietnamese_way(client, cast, open_period):
    client.force_login(cast.secretary_a)
    response = client.post(
        report_url(),
        form_data(
            doan_vien="8.964",
            tri_gia_nha="1.540.000.000",
            hoi_nghi_trien_khai=" 12 ",
            highlights="Nhiều công trình thanh niên.",
        ),
    )
    assert response.status_code == 302
    report = Report.objects.get(unit=cast.unit_a, period=open_period)
    assert report.status == Report.Status.DRAFT
    assert report.highlights == "Nhiều công trình thanh niên."
    assert saved(cast.unit_a, open_period, "doan-vien") == 8964
    assert saved(cast.unit_a, open_period, "tri-gia-nha") == 1_540_000_000
    assert saved(cast.unit_a, open_period, "hoi-nghi-trien-khai") == 12
    html = client.get(report_url()).content.decode()
    assert 'value="8.964"' in html
    assert 'value="1.540.000.000"' in html
    assert "Đã lưu nháp" in html


def test_clearing_a_field_removes_the_value(client, cast, open_period, seed):
    make_report(cast.unit_a, open_period, seed, status=Report.Status.DRAFT, values={"doan-vien": 7})
    client.force_login(cast.secretary_a)
    assert client.post(report_url(), form_data(version=1, doan_vien="")).status_code == 302
    assert saved(cast.unit_a, open_period, "doan-vien") is None
    html = client.get(report_url("history")).content.decode()
    assert "Đoàn viên: 7 → (trống)" in html
    deleted = Value.history.get(history_type="-")
    assert deleted.history_user == cast.secretary_a
    assert deleted.history_change_reason == "Lưu số liệu"


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"doan_vien": "12,5"}, "doan-vien", "cần số nguyên"),
        ({"doan_vien": "-3"}, "doan-vien", "Không nhận số âm"),
        ({"doan_vien": "nhiều"}, "doan-vien", "không phải là một con số"),
        (
            {"to_chuc_doan_co_quan": "10", "to_chuc_dang_ky_vung_manh": "12"},
            "to-chuc-dang-ky-vung-manh",
            "không được lớn hơn “Tổ chức Đoàn trong cơ quan” (10)",
        ),
        ({"doan_vien": "60.000"}, "doan-vien", "cao bất thường"),
    ],
)
def test_invalid_input_names_the_field_keeps_the_input_and_saves_nothing(
    client, cast, open_period, values, field, message
):
    client.force_login(cast.secretary_a)
    data = form_data(hoi_nghi_trien_khai="7", **values)
    response = client.post(report_url(), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa lưu" in html
    assert message in html
    assert f'href="#id_v-{field}"' in html  # the summary links to the field
    for name, text in data.items():
        if name.startswith("v-") and text:
            assert f'value="{text}"' in html  # everything typed is kept
    assert not Report.objects.exists()
    assert not Value.objects.exists()


def test_unusual_value_is_saved_after_explicit_confirmation(client, cast, open_period):
    client.force_login(cast.secretary_a)
    response = client.post(report_url(), form_data(doan_vien="60.000"))
    assert 'name="confirm_unusual"' in response.content.decode()
    response = client.post(report_url(), {**form_data(doan_vien="60.000"), "confirm_unusual": "on"})
    assert response.status_code == 302
    assert saved(cast.unit_a, open_period, "doan-vien") == 60_000


def test_submit_needs_at_least_one_figure(client, cast, open_period):
    client.force_login(cast.secretary_a)
    response = client.post(report_url(), form_data(action="submit"), follow=True)
    assert "Chưa có số liệu nào" in response.content.decode()
    assert not Report.objects.filter(status=Report.Status.SUBMITTED).exists()


def test_submitted_report_is_read_only_for_the_secretary(client, cast, open_period, seed):
    make_report(cast.unit_a, open_period, seed, status=Report.Status.SUBMITTED, values={"cau": 3})
    client.force_login(cast.secretary_a)
    html = client.get(report_url()).content.decode()
    assert 'name="v-cau"' not in html
    assert "chờ duyệt" in html
    response = client.post(report_url(), form_data(version=1, cau="9"), follow=True)
    assert "không sửa được" in response.content.decode()
    assert saved(cast.unit_a, open_period, "cau") == 3


def test_secretary_cannot_approve_even_their_own_unit(client, cast, open_period, seed):
    report = make_report(cast.unit_a, open_period, seed, status=Report.Status.SUBMITTED)
    client.force_login(cast.secretary_a)
    assert client.post(report_url("approve"), {"version": 1}).status_code == 403
    assert client.post(report_url("return"), {"reason": "x"}).status_code == 403
    assert client.post(report_url("reopen"), {"reason": "x"}).status_code == 403
    assert client.post(reverse("movements:review"), {"report": [report.pk]}).status_code == 403
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED


def test_form_save_and_page_run_a_fixed_number_of_queries(
    client, cast, open_period, django_assert_num_queries
):
    client.force_login(cast.secretary_a)
    client.post(report_url(), form_data(doan_vien="1"))
    data = form_data(version=1, **{"doan_vien": "2", "cau": "3", "mo_cau": "4", "phan_qua": "5"})
    data["loaded"] = client.get(report_url()).context["form"].initial["loaded"]  # as the page
    # 27 for the save (one comparing the figures with those the page was loaded with; the
    # indicators' bounds by peer group, one for the form's and one for the service's), 2 for
    # the write log (config/logs.py reads back the history rows the request made), 2 for the
    # service's check against the previous period, as the form's, and
    # 2 for the stored totals (the report's counted values before and after; a draft has none,
    # so nothing to add), 2 for the report tallies (its count before and after: unchanged,
    # nothing to add), 2 holding its unit and period while they are counted, and 1 bumping the
    # data versions of its unit and the units above (services.versions).
    with django_assert_num_queries(38):
        assert client.post(report_url(), data).status_code == 302
    # 19 (with the indicators' bounds by peer group), the last change of the figures (the
    # notice when someone else made it), the figures a reviewer marked for follow-up, the
    # header's progress link and its menu (1).
    with django_assert_num_queries(23):
        assert client.get(report_url()).status_code == 200


# --- the edit conflict -------------------------------------------------------------------------


def test_later_save_with_an_older_version_is_refused_with_what_changed(
    client, cast, open_period, units
):
    colleague = make_user("vanphong_rachgia", units.rach_gia, "secretary")
    client.force_login(cast.secretary_a)
    client.post(report_url(), form_data(doan_vien="100", cau="5"))
    loaded_version = Report.objects.get().version

    other = client.__class__()
    other.force_login(colleague)
    assert (
        other.post(
            report_url(), form_data(version=loaded_version, doan_vien="150", cau="5")
        ).status_code
        == 302
    )

    response = client.post(
        report_url(), form_data(version=loaded_version, doan_vien="120", cau="6")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "vừa được người khác sửa" in html
    assert "Lần lưu gần nhất: vanphong_rachgia" in html
    assert "Đoàn viên" in html and "100" in html and "150" in html
    assert 'value="120"' in html and 'value="6"' in html  # the user's input is kept
    assert saved(cast.unit_a, open_period, "doan-vien") == 150
    assert saved(cast.unit_a, open_period, "cau") == 5

    # Having seen the changes, saving again (the form now carries the new version) works.
    new_version = Report.objects.get().version
    assert f'name="version" value="{new_version}"' in html
    response = client.post(report_url(), form_data(version=new_version, doan_vien="120", cau="6"))
    assert response.status_code == 302
    assert saved(cast.unit_a, open_period, "doan-vien") == 120


def test_resaving_after_a_conflict_keeps_the_colleagues_change_to_a_field_left_alone(
    client, cast, open_period, units
):
    colleague = make_user("vanphong_rachgia", units.rach_gia, "secretary")
    client.force_login(cast.secretary_a)
    client.post(report_url(), form_data(doan_vien="100", cau="4", highlights="Cũ"))
    loaded = Report.objects.get().version

    other = client.__class__()
    other.force_login(colleague)
    other.post(report_url(), form_data(version=loaded, doan_vien="100", cau="5", highlights="Mới"))

    # The user changes only "Đoàn viên"; their form still holds the old 4 and "Cũ".
    response = client.post(
        report_url(), form_data(version=loaded, doan_vien="120", cau="4", highlights="Cũ")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="v-cau" value="5"' in html  # the colleague's value, not the stale 4
    assert 'name="v-doan-vien" value="120"' in html  # the user's own change
    assert "Mới</textarea>" in html and "Cũ</textarea>" not in html
    assert "bạn nhập" not in html  # nothing clashed
    new_version = Report.objects.get().version
    assert f'name="version" value="{new_version}"' in html

    # Pressing "Lưu" on the page as it came back keeps both changes.
    response = client.post(
        report_url(), form_data(version=new_version, doan_vien="120", cau="5", highlights="Mới")
    )
    assert response.status_code == 302
    assert saved(cast.unit_a, open_period, "doan-vien") == 120
    assert saved(cast.unit_a, open_period, "cau") == 5
    assert Report.objects.get().highlights == "Mới"


def test_a_field_both_changed_is_marked_with_both_values(client, cast, open_period, units):
    colleague = make_user("vanphong_rachgia", units.rach_gia, "secretary")
    client.force_login(cast.secretary_a)
    client.post(report_url(), form_data(doan_vien="100", cau="4"))
    other = client.__class__()
    other.force_login(colleague)
    other.post(report_url(), form_data(version=1, doan_vien="150", cau="4"))

    response = client.post(report_url(), form_data(version=1, doan_vien="120", cau="4"))
    html = response.content.decode()
    assert "bạn nhập “120”, bản đã lưu là “150”" in html
    assert 'name="v-doan-vien" value="120"' in html
    assert saved(cast.unit_a, open_period, "doan-vien") == 150


def test_two_first_saves_merge_the_later_one_into_the_first(client, cast, open_period, units):
    # Both opened the report before it was started (version 0); the second save is refused
    # and its blank fields take the first one's figures.
    colleague = make_user("vanphong_rachgia", units.rach_gia, "secretary")
    other = client.__class__()
    other.force_login(colleague)
    other.post(report_url(), form_data(doan_vien="100", cau="4"))
    client.force_login(cast.secretary_a)
    response = client.post(report_url(), form_data(version=0, mo_cau="2"))
    html = response.content.decode()
    assert 'name="v-cau" value="4"' in html
    assert 'name="v-doan-vien" value="100"' in html
    assert 'name="v-mo-cau" value="2"' in html
    assert saved(cast.unit_a, open_period, "mo-cau") is None


# --- the whole path ----------------------------------------------------------------------------


def test_draft_submitted_returned_submitted_approved_reopened_with_history(
    client, cast, open_period, seed
):
    client.force_login(cast.secretary_a)
    client.post(report_url(), form_data(doan_vien="100"))
    submitted = form_data(version=1, doan_vien="110", action="submit")
    client.post(report_url(), {**submitted, **blanks_kept(seed)})
    report = Report.objects.get()
    assert report.status == Report.Status.SUBMITTED
    assert report.submitted_by == cast.secretary_a

    client.force_login(cast.reviewer)
    response = client.post(report_url("return"), {"reason": "", "version": report.version})
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED  # a reason is required
    client.post(report_url("return"), {"reason": "Số đoàn viên chưa khớp.", "version": 2})
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    assert report.returned_by == cast.reviewer

    client.force_login(cast.secretary_a)
    html = client.get(report_url()).content.decode()
    assert "Số đoàn viên chưa khớp." in html
    assert 'name="v-doan-vien"' in html  # editable again
    again = form_data(version=report.version, doan_vien="105", action="submit")
    client.post(report_url(), {**again, **blanks_kept(seed)})
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED

    client.force_login(cast.reviewer)
    client.post(report_url("approve"), {"version": report.version})
    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED
    assert report.approved_by == cast.reviewer

    client.force_login(cast.secretary_a)
    response = client.post(
        report_url(), form_data(version=report.version, doan_vien="1"), follow=True
    )
    assert "không sửa được" in response.content.decode()  # locked
    client.force_login(cast.reviewer)
    client.post(report_url("reopen"), {"reason": "Bổ sung số liệu quý IV.", "version": 0})
    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED  # stale version refused
    client.post(
        report_url("reopen"), {"reason": "Bổ sung số liệu quý IV.", "version": report.version}
    )
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    assert report.return_reason == "Bổ sung số liệu quý IV."

    html = client.get(report_url()).content.decode()
    history = html[html.index("Lịch sử thay đổi") :]
    for text in [
        "Lưu nháp",
        "Gửi duyệt",
        "Trả lại: Số đoàn viên chưa khớp.",
        "Duyệt",
        "Mở lại: Bổ sung số liệu quý IV.",
        "Đoàn viên: (trống) → 100",
        "Đoàn viên: 100 → 110",
        "Đoàn viên: 110 → 105",
        "Đã gửi, chờ duyệt → Trả lại để sửa",
        "Đã duyệt → Trả lại để sửa",
        "tinhdoan",
        "bithu_rachgia",
    ]:
        assert text in history, text
    assert client.get(report_url("history")).status_code == 200
    assert "Mở lại: Bổ sung" in client.get(report_url("history")).content.decode()
    rows = list(report.history.order_by("history_date"))
    assert [r.status for r in rows][-1] == Report.Status.RETURNED
    assert rows[-1].history_user == cast.reviewer


def test_history_query_count_does_not_grow_with_changes(client, cast, open_period):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.secretary_a)

    def save(number):
        report = Report.objects.first()
        client.post(
            report_url(), form_data(version=report.version if report else 0, cau=str(number))
        )

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(report_url("history")).status_code == 200
        return len(context)

    save(1)
    assert count() == 14  # with the header's progress link and menu (1)
    for number in range(2, 12):
        save(number)
    assert Report.objects.get().version == 11
    assert count() == 14
