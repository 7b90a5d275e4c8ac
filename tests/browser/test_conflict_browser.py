"""Two secretaries of one unit edit the same report in two browsers at once: the later save
is refused, comes back merged (the colleague's change kept, the clash marked with both
values), and saving it again keeps the colleague's change."""

import pytest
from playwright.sync_api import expect

from movements.services import workflow
from tests.factories import make_user
from tests.movements.test_entry import saved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, base, username, password, path):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/accounts/login/?next={path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#report-status")).to_be_visible()
    return context, page


def test_two_secretaries_conflict_and_the_colleagues_change_survives(
    browser, live_server, cast, open_period, seed, units
):
    colleague = make_user("vanphong_rachgia", units.rach_gia, "secretary")
    workflow.report_save(
        user=cast.secretary_a,
        unit=cast.unit_a,
        period=open_period,
        movement=seed,
        values={"doan-vien": 100, "cau": 4},
    )
    path = "/entry/rach-gia/2014/"
    mine, me = signed_in(browser, live_server.url, "bithu_rachgia", cast.password, path)
    theirs, them = signed_in(browser, live_server.url, colleague.username, cast.password, path)
    try:
        expect(me.locator("#id_v-cau")).to_have_value("4")
        # The colleague saves first: cầu 4 → 5 and đoàn viên 100 → 150.
        them.fill("#id_v-cau", "5")
        them.fill("#id_v-doan-vien", "150")
        them.get_by_role("button", name="Lưu nháp").click()
        expect(them.get_by_text("Đã lưu nháp.")).to_be_visible()

        # I change only đoàn viên, on the page loaded before their save.
        me.fill("#id_v-doan-vien", "120")
        me.get_by_role("button", name="Lưu nháp").click()
        expect(me.locator(".conflict")).to_contain_text("vừa được người khác sửa")
        expect(me.locator("#id_v-cau")).to_have_value("5")  # theirs, not my stale 4
        expect(me.locator("#id_v-doan-vien")).to_have_value("120")
        expect(me.locator(".error-summary")).to_contain_text("bạn nhập “120”, bản đã lưu là “150”")
        assert saved(cast.unit_a, open_period, "doan-vien") == 150

        # Having seen both values, I keep mine and save: their cầu stays.
        me.get_by_role("button", name="Lưu nháp").click()
        expect(me.get_by_text("Đã lưu nháp.")).to_be_visible()
        assert saved(cast.unit_a, open_period, "doan-vien") == 120
        assert saved(cast.unit_a, open_period, "cau") == 5
    finally:
        mine.close()
        theirs.close()
