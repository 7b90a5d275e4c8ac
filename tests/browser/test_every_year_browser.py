"""In a real Chromium: a secretary submits 2014, a reviewer approves it, and the figure is then
found on every dashboard for 2014 and in the báo cáo of 2014."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_entry_browser import answer_blanks, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIGURE = "432"  # Hội nghị triển khai of Rạch Giá, 2014: the only report of that year


def test_an_approved_2014_report_is_found_on_every_dashboard_and_the_bao_cao(
    page, live_server, cast, open_period
):
    base = live_server.url

    log_in(page, base, "bithu_rachgia", cast.password, "/entry/")
    page.get_by_role("row", name="Thành Đoàn Rạch Giá").get_by_role("link", name="Nhập").click()
    page.fill("#id_v-doan-vien", "8.964")
    page.fill("#id_v-hoi-nghi-trien-khai", FIGURE)
    page.get_by_role("button", name="Gửi báo cáo").click()
    answer_blanks(page)
    expect(page.locator("#report-status")).to_have_text("Đã gửi, chờ duyệt")
    page.get_by_role("button", name="Đăng xuất").click()

    log_in(page, base, "tinhdoan", cast.password, "/review/")
    page.get_by_label("Thành Đoàn Rạch Giá").check()
    page.get_by_role("button", name="Duyệt các báo cáo đã chọn").click()
    expect(page.get_by_text("Đã duyệt 1 báo cáo.")).to_be_visible()

    # The overview of 2014: the province's figure, linking to the units behind it.
    page.goto(f"{base}/?start=2014&end=2014")
    table = page.locator("#phan-trien-khai ~ .data-block table")
    expect(table.get_by_role("link", name=FIGURE).first).to_be_visible()
    table.get_by_role("link", name=FIGURE).first.click()

    # /compare/ for 2014, reached from that figure: Rạch Giá ranked first with it.
    expect(page).to_have_url(
        f"{base}/compare/?movement=3tn&indicator=hoi-nghi-trien-khai&start=2014&end=2014"
    )
    row = page.get_by_role("row", name="Rạch Giá")
    expect(row.get_by_role("cell").first).to_have_text("1")
    row.get_by_role("link", name=FIGURE).first.click()

    # The unit page for 2014; its figure links to the report itself.
    expect(page).to_have_url(f"{base}/units/rach-gia/?movement=3tn&start=2014&end=2014")
    profile = page.locator('section[aria-labelledby="chi-tieu-title"] table')
    profile.get_by_role("link", name=FIGURE).click()
    expect(page).to_have_url(f"{base}/entry/rach-gia/2014/")
    expect(page.locator("#report-status")).to_have_text("Đã duyệt")

    page.goto(f"{base}/completeness/?start=2014&end=2014")
    expect(page.get_by_role("row", name="Rạch Giá")).to_contain_text("Đã duyệt")

    page.goto(f"{base}/reports/3tn/kien-giang/2014-2014/")
    expect(page.locator("article.document")).to_contain_text(FIGURE)
