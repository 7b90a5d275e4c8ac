"""The review queue: who sees it, approve, return with a reason, reopen, bulk approval."""

import re

import pytest
from django.urls import reverse

from movements.models import Report
from tests.conftest import report_url
from tests.factories import make_report, make_user

pytestmark = pytest.mark.django_db


def picked(report) -> str:
    """A ticked box of the review page: the report's id and the version the page showed."""
    return f"{report.pk}:{report.version}"


@pytest.fixture
def submitted(cast, open_period, seed):
    """Submitted reports of Rạch Giá, the police and Hà Tiên."""
    return [
        make_report(u, open_period, seed, status=Report.Status.SUBMITTED, values={"cau": 2})
        for u in [cast.unit_a, cast.unit_b, cast.province.children.get(code="ha-tien")]
    ]


def test_review_queue_lists_submitted_reports_of_the_subtree(client, cast, submitted, seed):
    make_report(cast.unit_a, 2013, seed, status=Report.Status.DRAFT)
    client.force_login(cast.reviewer)
    response = client.get(reverse("movements:review"))
    assert response.status_code == 200
    html = response.content.decode()
    for report in submitted:
        assert report.unit.name in html
    assert html.count('name="report"') == 3  # the draft is not waiting
    assert reverse("movements:province-xlsx", args=["2014"]) in html


def test_district_reviewer_sees_only_their_subtree(client, cast, submitted, units):
    reviewer = make_user("duyet_rachgia", units.rach_gia, "reviewer")
    client.force_login(reviewer)
    html = client.get(reverse("movements:review")).content.decode()
    assert "Thành Đoàn Rạch Giá" in html
    assert "Công an" not in html
    assert client.get(report_url(unit="cong-an")).status_code == 404
    response = client.post(reverse("movements:review"), {"report": [picked(submitted[1])]})
    assert response.status_code == 302
    submitted[1].refresh_from_db()
    assert submitted[1].status == Report.Status.SUBMITTED


@pytest.mark.parametrize("who", ["secretary_a", "viewer", "outsider"])
def test_non_reviewers_cannot_use_the_review_page(client, cast, submitted, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("movements:review")).status_code == 403
    ids = [picked(r) for r in submitted]
    assert client.post(reverse("movements:review"), {"report": ids}).status_code == 403
    assert client.get(reverse("movements:province-xlsx", args=["2014"])).status_code == 403
    assert not Report.objects.filter(status=Report.Status.APPROVED).exists()


def test_viewer_cannot_approve_return_or_reopen(client, cast, submitted):
    client.force_login(cast.viewer)
    for name in ["approve", "return", "reopen"]:
        assert client.post(report_url(name), {"reason": "x"}).status_code == 403
    assert Report.objects.filter(status=Report.Status.SUBMITTED).count() == 3


def test_bulk_approval_approves_the_chosen_reports(client, cast, submitted):
    client.force_login(cast.reviewer)
    chosen = [picked(submitted[0]), picked(submitted[2])]
    response = client.post(reverse("movements:review"), {"report": chosen}, follow=True)
    assert "Đã duyệt 2 báo cáo" in response.content.decode()
    statuses = dict(Report.objects.values_list("pk", "status"))
    assert statuses[submitted[0].pk] == statuses[submitted[2].pk] == Report.Status.APPROVED
    assert statuses[submitted[1].pk] == Report.Status.SUBMITTED
    approved = Report.objects.get(pk=submitted[0].pk)
    assert approved.approved_by == cast.reviewer
    assert approved.history.latest().history_user == cast.reviewer


def test_bulk_approval_skips_reports_that_are_not_waiting(client, cast, submitted, seed):
    draft = make_report(cast.unit_a, 2013, seed, status=Report.Status.DRAFT)
    client.force_login(cast.reviewer)
    response = client.post(
        reverse("movements:review"),
        {"report": [picked(draft), picked(submitted[0]), "x", "9" * 30, f"{submitted[1].pk}"]},
        follow=True,
    )
    html = response.content.decode()
    assert "Đã duyệt 1 báo cáo" in html
    assert "không duyệt" in html
    draft.refresh_from_db()
    assert draft.status == Report.Status.DRAFT
    # A bare id carries no version: left out, not approved.
    assert Report.objects.get(pk=submitted[1].pk).status == Report.Status.SUBMITTED


def test_bulk_approval_with_nothing_chosen_says_so(client, cast, submitted):
    client.force_login(cast.reviewer)
    response = client.post(reverse("movements:review"), {}, follow=True)
    assert "Chưa chọn báo cáo nào" in response.content.decode()


def test_review_queue_query_count_does_not_grow(
    client, cast, submitted, seed, units, django_assert_num_queries
):
    client.force_login(cast.reviewer)
    # 9 (with the queue's count and its page), 1 for the flags stored when the reports were
    # sent, and the header's progress link (the open period, for a reviewer) and menu (1).
    with django_assert_num_queries(12):
        client.get(reverse("movements:review"))
    for unit in [units.hon_dat, units.tan_hiep, units.an_bien, units.quan_su, units.kien_hai]:
        make_report(unit, 2014, seed, status=Report.Status.SUBMITTED)
    with django_assert_num_queries(12):
        response = client.get(reverse("movements:review"))
    assert response.content.decode().count('name="report"') == 8


def test_a_long_queue_is_shown_fifty_reports_a_page(client, cast, seed):
    units = list(cast.province.children.order_by("path"))[:11]
    for year in range(2009, 2014):
        for unit in units:
            make_report(unit, year, seed, status=Report.Status.SUBMITTED)
    client.force_login(cast.reviewer)
    review = reverse("movements:review")
    first = client.get(review).content.decode()
    assert first.count('name="report"') == 50
    assert "55 báo cáo đang chờ duyệt" in first
    assert "Trang 1 / 2: báo cáo 1–50 trên 55" in first
    assert 'href="?trang=2"' in first
    second = client.get(review, {"trang": "2"}).content.decode()
    assert second.count('name="report"') == 5
    ticked = re.compile(r'name="report" value="(\d+):')
    assert len(set(ticked.findall(first)) | set(ticked.findall(second))) == 55
    for page in ("0", "-1", "abc", "9" * 30, "2.5"):
        response = client.get(review, {"trang": page})
        assert response.status_code == 200, page
        assert response.content.decode().count('name="report"') in (50, 5), page


def test_approving_a_report_changed_since_the_page_was_opened_is_refused(client, cast, submitted):
    client.force_login(cast.reviewer)
    response = client.post(report_url("approve"), {"version": 0}, follow=True)
    assert "đã thay đổi từ khi bạn mở trang" in response.content.decode()
    submitted[0].refresh_from_db()
    assert submitted[0].status == Report.Status.SUBMITTED


def test_return_needs_a_reason_and_only_a_submitted_report(client, cast, submitted):
    client.force_login(cast.reviewer)
    response = client.post(report_url("return"), {"reason": "   "}, follow=True)
    assert "Cần ghi lý do" in response.content.decode()
    submitted[0].refresh_from_db()
    assert submitted[0].status == Report.Status.SUBMITTED
    client.post(report_url("return"), {"reason": "Thiếu số liệu cầu."})
    submitted[0].refresh_from_db()
    assert submitted[0].status == Report.Status.RETURNED
    response = client.post(report_url("return"), {"reason": "Lần nữa"}, follow=True)
    assert "Chỉ trả lại được báo cáo đã gửi" in response.content.decode()
    response = client.post(report_url("approve"), follow=True)
    assert "Chỉ duyệt được báo cáo đã gửi" in response.content.decode()


def test_only_provincial_reviewers_reopen(client, cast, open_period, seed, units):
    report = make_report(cast.unit_a, open_period, seed, status=Report.Status.APPROVED)
    district_reviewer = make_user("duyet_rachgia", units.rach_gia, "reviewer")
    client.force_login(district_reviewer)
    html = client.get(report_url()).content.decode()
    assert "Mở lại để sửa" not in html
    assert client.post(report_url("reopen"), {"reason": "Sửa"}).status_code == 403
    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED

    client.force_login(cast.reviewer)
    assert "Mở lại để sửa" in client.get(report_url()).content.decode()
    response = client.post(report_url("reopen"), {"reason": ""}, follow=True)
    assert "Cần ghi lý do" in response.content.decode()
    client.post(report_url("reopen"), {"reason": "Bổ sung số liệu."})
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    assert report.return_reason == "Bổ sung số liệu."


def test_reviewer_action_on_a_report_not_started_is_refused(client, cast, open_period):
    client.force_login(cast.reviewer)
    assert client.post(report_url("approve")).status_code == 403
    assert not Report.objects.exists()
