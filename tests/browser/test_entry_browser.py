"""In a real Chromium: a secretary logs in, fills and submits the form, answers the question
about its blank figures; a reviewer approves it."""

import pytest
from playwright.sync_api import expect

from movements.models import Report, Value

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username, password, next_url):
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Đăng nhập").click()


def answer_blanks(page, zeros=()) -> None:
    """After “Gửi báo cáo” with blank figures: every section asked about answered “nothing
    to report” (its blanks stay blank), or 0 for those in `zeros`, then sent again."""
    expect(page.get_by_role("heading", name="Các ô để trống")).to_be_visible()
    expect(page.locator("#report-status")).to_have_text("Chưa bắt đầu")
    sections = page.locator("fieldset.blank-section")
    for index in range(sections.count()):
        section = sections.nth(index)
        if section.get_attribute("data-section") in zeros:
            section.get_by_label("Ghi 0 cho các ô trống của mục này").check()
        else:
            section.get_by_label("không có số liệu để báo cáo (để trống)").check()
    page.get_by_role("button", name="Gửi báo cáo").click()


def test_secretary_submits_and_reviewer_approves(page, live_server, cast, open_period):
    base = live_server.url

    log_in(page, base, "bithu_rachgia", cast.password, "/entry/")
    expect(page.get_by_role("heading", name="Nhập số liệu")).to_be_visible()
    page.get_by_role("row", name="Thành Đoàn Rạch Giá").get_by_role("link", name="Nhập").click()
    expect(page.locator("#report-status")).to_have_text("Chưa bắt đầu")
    page.fill("#id_v-doan-vien", "8.964")
    page.fill("#id_v-hoi-nghi-trien-khai", "12")
    page.fill("#id_v-tri-gia-nha", "1.540.000.000")
    page.fill("#id_highlights", "Nhiều công trình thanh niên.")
    page.get_by_role("button", name="Gửi báo cáo").click()
    answer_blanks(page, zeros=("trien-khai",))
    expect(page.locator("#report-status")).to_have_text("Đã gửi, chờ duyệt")
    expect(page.get_by_text("Đã gửi báo cáo.")).to_be_visible()
    expect(page.locator('td[data-code="doan-vien"]')).to_have_text("8.964")
    expect(page.locator('td[data-code="luot-du-trien-khai"]')).to_have_text("0")
    expect(page.locator('td[data-code="cau"]')).to_have_text("(trống)")
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()

    log_in(page, base, "tinhdoan", cast.password, "/review/")
    expect(page.get_by_role("heading", name="Duyệt báo cáo")).to_be_visible()
    page.get_by_label("Thành Đoàn Rạch Giá").check()
    page.get_by_role("button", name="Duyệt các báo cáo đã chọn").click()
    expect(page.get_by_text("Đã duyệt 1 báo cáo.")).to_be_visible()
    expect(page.get_by_text("Không có báo cáo nào đang chờ duyệt.")).to_be_visible()

    report = Report.objects.get(unit=cast.unit_a, period=open_period)
    assert report.status == Report.Status.APPROVED
    assert report.submitted_by == cast.secretary_a
    assert report.approved_by == cast.reviewer
    assert Value.objects.get(report=report, indicator__code="tri-gia-nha").value == 1_540_000_000
    assert Value.objects.get(report=report, indicator__code="luot-du-trien-khai").value == 0
    assert not Value.objects.filter(report=report, indicator__code="cau").exists()
    assert report.blank_confirmed == ["cong-viec", "nhan-dan", "ban-than"]
