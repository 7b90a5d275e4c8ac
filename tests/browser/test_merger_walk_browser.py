"""The issue's walk through a merger in Debian's Chromium: provincial staff record in the admin's
form that Hòn Đất and Kiên Lương merge into a new district from 1/1/2014; then the provincial
reviewer sees the new unit's overview (its 2013 figure the sum of its predecessors', the mapping
named, also at a phone's width), /compare/ under the province naming the mapping, /completeness/
of 2014 with the new unit due and the merged ones not, and the báo cáo's intro naming it."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from movements.formatting import format_number
from movements.models import Indicator, Succession, Unit
from movements.services.accounts import staff_group_ensure
from reports.selectors import Subject, indicator_totals

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAPPING = "So sánh qua thay đổi tổ chức"
NEW = "hon-dat-kien-luong"
NEW_NAME = "Huyện Đoàn Hòn Đất – Kiên Lương"


def _signed_in(browser, live_server, client, user, width: int = 1366):
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    return page


def _record_the_merger(page, live_server, units) -> None:
    page.goto(f"{live_server.url}/admin/movements/treechange/add/")
    page.select_option("#id_kind", "merge")
    page.fill("#id_effective_date", "1/1/2014")
    page.fill("#id_document_number", "60-NQ/TW")
    page.fill("#id_document_date", "12/4/2025")
    page.fill("#id_document_body", "Ban Chấp hành Trung ương")
    page.select_option("#id_sources", [str(units.hon_dat.pk), str(units.kien_luong.pk)])
    page.fill("#id_new_code", NEW)
    page.fill("#id_new_name", NEW_NAME)
    page.fill("#id_new_short_name", "HĐ-KL")
    page.select_option("#id_new_kind", "district")
    page.select_option("#id_new_parent", str(units.kien_giang.pk))
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator("#result_list")).to_contain_text(NEW_NAME)


def _summed_2013(movement, label: str, predecessors) -> list[int | None] | None:
    """Each predecessor's 2013 figure of the count labelled `label`, from their stored totals;
    None for a predecessor without one, and instead of the list for an indicator that is not a
    count (a ratio is not summed)."""
    indicator = next(i for i in Indicator.objects.filter(movement=movement) if i.label == label)
    if indicator.kind != Indicator.Kind.COUNT:
        return None
    return [
        indicator_totals(
            subject=Subject.of(movement=movement, unit=unit, start_year=2013, end_year=2013)
        ).get((indicator.code, None, None))
        for unit in predecessors
    ]


def test_a_merger_recorded_in_the_admin_walks_to_every_page_naming_its_mapping(
    live_server, browser, client, demo, cast, units, open_period
):
    cast.reviewer.groups.add(staff_group_ensure())
    page = _signed_in(browser, live_server, client, cast.reviewer)
    _record_the_merger(page, live_server, units)
    new = Unit.objects.get(code=NEW)
    assert Succession.objects.filter(successor=new).count() == 2
    names = [units.hon_dat.name, units.kien_luong.name]

    # The overview of the new unit over years before and after the change.
    page.goto(f"{live_server.url}/?unit={NEW}&movement={demo.code}&start=2012&end=2014")
    line = page.locator(".succession-mapping")
    expect(line).to_contain_text(MAPPING)
    for name in names:
        expect(line).to_contain_text(name)
    # Its figure of 2013, the year before the change: the sum of the two predecessors'.
    page.goto(f"{live_server.url}/?unit={NEW}&movement={demo.code}&start=2013&end=2013")
    cards = page.locator(".overview-summary .card.headline")
    expect(cards.first.locator(".card-value")).to_be_visible()
    summed = 0
    for card in cards.all():
        label = card.locator(".card-label").inner_text().strip()
        parts = _summed_2013(demo, label, [units.hon_dat, units.kien_luong])
        if parts is None:
            continue
        shown = card.locator(".card-value").inner_text().split()[0]
        reported = [p for p in parts if p is not None]
        assert shown == (format_number(sum(reported)) if reported else "–"), (label, shown, parts)
        summed += all(parts)
    assert summed, "no headline count that both predecessors reported in 2013"

    # /compare/ under the province: the new unit's line names the mapping.
    page.goto(
        f"{live_server.url}/compare/?parent=kien-giang&movement={demo.code}&start=2012&end=2014"
    )
    mapping = page.locator(".succession-mapping")
    expect(mapping.first).to_be_attached()
    text = " ".join(mapping.all_text_contents())
    assert MAPPING in text and all(name in text for name in names), text

    # /completeness/ of 2014 (the open period): the new unit is due, the merged ones are not.
    page.goto(f"{live_server.url}/completeness/")
    progress = page.locator('section[aria-labelledby="tien-do-title"] tbody')
    expect(progress).to_contain_text(new.short_name)
    for unit in (units.hon_dat, units.kien_luong):
        expect(progress).not_to_contain_text(unit.short_name)

    # The báo cáo of the new unit: its intro names the mapping.
    page.goto(f"{live_server.url}/reports/{demo.code}/{NEW}/2012-2014/")
    intro = page.locator(".document p").filter(has_text=MAPPING)
    expect(intro).to_have_count(1)
    for name in names:
        expect(intro).to_contain_text(name)

    # On a phone, the overview's mapping line is visible.
    phone = _signed_in(browser, live_server, client, cast.reviewer, width=390)
    phone.goto(f"{live_server.url}/?unit={NEW}&movement={demo.code}&start=2012&end=2014")
    expect(phone.locator(".succession-mapping")).to_be_visible()
    assert not page.problems and not phone.problems, page.problems + phone.problems
