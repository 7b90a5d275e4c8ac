"""The workflow's rules on the model (Report.is_editable and its reasons, the status sets) and
the one access decision (selectors.report_access) that views, templates and services read; the
refusal pages say why."""

import pytest
from django.urls import reverse

from movements.models import Report
from movements.selectors import report_access
from tests.factories import make_report, make_user, year

pytestmark = pytest.mark.django_db


def not_started(unit, period, movement) -> Report:
    return Report(unit=unit, period=period, movement=movement)


def test_a_draft_or_returned_report_is_editable_a_submitted_or_approved_one_is_not(
    cast, open_period, seed
):
    report = make_report(cast.unit_a, open_period, seed, status=Report.Status.DRAFT)
    expected = {
        Report.Status.DRAFT: (True, ""),
        Report.Status.RETURNED: (True, ""),
        Report.Status.SUBMITTED: (False, "đã gửi, đang chờ duyệt nên không sửa được"),
        Report.Status.APPROVED: (False, "đã được duyệt và khoá, không sửa được"),
    }
    for status, (editable, reason) in expected.items():
        report.status = status
        assert report.is_editable is editable, status
        assert reason in report.edit_refusal(), status
        assert bool(report.edit_refusal()) is not editable, status
    # A provincial workbook also writes submitted reports, never approved ones.
    statuses = Report.Status.EDITABLE | Report.Status.REVIEWABLE
    report.status = Report.Status.SUBMITTED
    assert report.edit_refusal(statuses) == ""
    report.status = Report.Status.APPROVED
    assert "đã được duyệt và khoá" in report.edit_refusal(statuses)


def test_a_report_not_started_is_editable_only_in_an_open_period_of_a_reporting_unit(
    cast, open_period, seed, units
):
    assert not_started(cast.unit_a, open_period, seed).is_editable
    refusal = not_started(cast.unit_a, year(2015), seed).edit_refusal()
    assert refusal == "Kỳ 2015 chưa mở (hoặc đã đóng) nhập liệu."
    for period in (year(2008), year(2009)):
        period.open_for_entry = True
        period.save()
    refusal = not_started(units.giang_thanh, year(2008), seed).edit_refusal()
    assert refusal == "Huyện Đoàn Giang Thành không báo cáo trong kỳ 2008."
    # Founded on 29/6/2009: it reports for 2009, the year it started.
    assert not_started(units.giang_thanh, year(2009), seed).is_editable
    assert not not_started(units.kien_giang, open_period, seed).is_editable  # the sum of its units


def test_a_started_draft_stays_editable_after_its_period_closes(cast, seed):
    """Closing a period stops new reports, not the drafts and returned reports already there
    (a reopened report of a past year goes back to its unit)."""
    report = make_report(cast.unit_a, year(2012), seed, status=Report.Status.RETURNED)
    assert not report.period.open_for_entry
    assert report.is_editable


def test_report_querysets_select_by_the_status_sets(cast, open_period, seed, units):
    reports = {
        status: make_report(unit, open_period, seed, status=status)
        for unit, status in [
            (units.rach_gia, Report.Status.DRAFT),
            (units.cong_an, Report.Status.RETURNED),
            (units.ha_tien, Report.Status.SUBMITTED),
            (units.hon_dat, Report.Status.APPROVED),
        ]
    }
    assert set(Report.objects.editable()) == {
        reports[Report.Status.DRAFT],
        reports[Report.Status.RETURNED],
    }
    assert list(Report.objects.awaiting_review()) == [reports[Report.Status.SUBMITTED]]


def access_of(user, unit, period, movement):
    return report_access(user=user, unit=unit, period=period, movement=movement)


def test_report_access_for_each_role(cast, open_period, seed, units):
    district_reviewer = make_user("duyet_rachgia", units.rach_gia, "reviewer")
    report = make_report(cast.unit_a, open_period, seed, status=Report.Status.DRAFT)
    # role: (can_view, can_edit, can_review, can_reopen)
    expected = {
        "secretary_a": (True, True, False, False),
        "secretary_b": (False, False, False, False),
        "reviewer": (True, False, True, True),
        "viewer": (True, False, False, False),
        "outsider": (False, False, False, False),
    }
    for role, answers in expected.items():
        access = access_of(getattr(cast, role), cast.unit_a, open_period, seed)
        assert access.report == report
        got = (access.can_view, access.can_edit, access.can_review, access.can_reopen)
        assert got == answers, role
    access = access_of(district_reviewer, cast.unit_a, open_period, seed)
    assert (access.can_review, access.can_reopen) == (True, False)


def test_report_access_says_why_the_figures_cannot_change(cast, open_period, seed):
    access = access_of(cast.viewer, cast.unit_a, open_period, seed)
    assert access.why_not_editable == "Chỉ bí thư (văn phòng) của đơn vị mới nhập số liệu."
    access = access_of(cast.secretary_a, cast.unit_a, open_period, seed)
    assert access.report is None and access.version == 0
    assert access.can_edit and access.why_not_editable == ""
    make_report(cast.unit_a, open_period, seed, status=Report.Status.SUBMITTED)
    access = access_of(cast.secretary_a, cast.unit_a, open_period, seed)
    assert not access.can_edit
    assert access.why_not_editable == (
        "Báo cáo của Thành Đoàn Rạch Giá đã gửi, đang chờ duyệt nên không sửa được; chỉ sửa "
        "được khi được trả lại."
    )
    assert not access.can_review  # a secretary never reviews, even her own unit


def test_report_access_asks_the_database_only_for_what_is_read(
    cast, open_period, seed, django_assert_num_queries
):
    with django_assert_num_queries(1):  # the report
        access = access_of(cast.secretary_a, cast.unit_a, open_period, seed)
    with django_assert_num_queries(1):  # the secretary's units
        assert access.can_edit
    with django_assert_num_queries(0):
        assert access.can_edit and access.why_not_editable == ""


# --- the refusal pages say why ------------------------------------------------------------------


def test_refusals_show_their_reason_on_the_403_and_404_pages(client, cast, open_period, seed):
    make_report(cast.unit_a, open_period, seed, status=Report.Status.SUBMITTED)
    report_url = reverse("movements:report", args=["rach-gia", "2014"])
    client.force_login(cast.viewer)
    response = client.post(report_url, {"version": 1})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Chỉ bí thư (văn phòng) của đơn vị mới nhập số liệu." in body
    assert "Không có quyền truy cập" in body
    response = client.post(reverse("movements:approve", args=["rach-gia", "2014"]))
    assert response.status_code == 403
    assert "Bạn không có quyền duyệt báo cáo này." in response.content.decode()
    client.force_login(cast.secretary_a)
    response = client.get(reverse("movements:review"))
    assert response.status_code == 403
    assert "Trang này dành cho cán bộ duyệt báo cáo." in response.content.decode()
    response = client.get(reverse("movements:report", args=["rach-gia", "2099-Q9"]))
    assert response.status_code == 404
    assert "Không có kỳ báo cáo này." in response.content.decode()
    client.force_login(cast.secretary_b)
    response = client.get(report_url)
    assert response.status_code == 404
    body = response.content.decode()
    assert "Không có đơn vị này, hoặc bạn không được xem đơn vị này." in body
    assert "Rạch Giá" not in body


def test_unknown_addresses_and_django_refusals_keep_the_plain_error_pages(client, seed):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Không tìm thấy trang" in body and "Resolver404" not in body and "tried" not in body
    response = client.get("/", HTTP_HOST="ke-gian.example")
    assert response.status_code == 400
    assert "ke-gian" not in response.content.decode()  # Django's reason names the host
    response = client.get("/?unit=%00")
    assert response.status_code == 400
    assert "có ký tự NUL" in response.content.decode()
