"""Figures that look wrong next to the unit's past: far from the previous period, participants
above the unit's members, a stock that moves too much. Each rule warns in the form, the Excel
preview and the review page; the warning says the previous value and why, and a tick saves."""

from decimal import Decimal

import pytest
from django.urls import reverse

from movements.models import Indicator, Report, Value
from movements.rules import plausibility_check
from tests.conftest import report_url
from tests.factories import blanks_kept, make_report
from tests.movements.test_entry import form_data, saved
from tests.movements.test_excel import as_upload, download, set_value

pytestmark = pytest.mark.django_db


def past(cast, seed, **values):
    """The unit's report of 2013 (the year before the open period) with `values`."""
    return make_report(
        cast.unit_a, 2013, seed, values={k.replace("_", "-"): v for k, v in values.items()}
    )


# --- the rules, without a page ---------------------------------------------------------------


def indicator(code, **fields):
    defaults = {"pk": hash(code) % 1000, "measure": "lượt", "aggregation": "sum"}
    return Indicator(code=code, name=code, short_name=code, **{**defaults, **fields})


def test_a_flow_many_times_its_previous_value_warns_with_the_previous_value():
    flow = indicator("luot")
    warnings = plausibility_check([flow], {"luot": 8964}, {"luot": 221})
    assert warnings == {
        "luot": [
            "“luot” = 8.964 lượt, gấp 40,6 lần kỳ trước (221). Hãy xem lại có gõ thừa chữ số "
            "không; nếu đúng, hãy xác nhận."
        ]
    }


def test_a_flow_far_below_its_previous_value_warns():
    money = indicator("tien", measure="đồng")
    (message,) = plausibility_check([money], {"tien": 1_540_000}, {"tien": 92_008_282})["tien"]
    assert "kỳ trước 92.008.282 (gấp 59,7 lần số này)" in message


def test_small_changes_and_ratios_within_the_setting_do_not_warn():
    flow = indicator("cau", change_ratio=Decimal("3"), change_min=20)
    assert plausibility_check([flow], {"cau": 12}, {"cau": 2}) == {}  # 10 more: under 20
    assert plausibility_check([flow], {"cau": 290}, {"cau": 100}) == {}  # 2,9 times
    assert plausibility_check([flow], {"cau": 301}, {"cau": 100}) != {}
    flow.change_ratio = None  # the check switched off in the admin
    assert plausibility_check([flow], {"cau": 3000}, {"cau": 100}) == {}


def test_a_stock_moving_by_more_than_its_share_warns():
    stock = indicator("dv", aggregation="last", measure="người")
    (message,) = plausibility_check([stock], {"dv": 2000}, {"dv": 3250})["dv"]
    assert "kỳ trước 3.250: thay đổi 38,5%" in message and "không đổi quá 30%" in message
    assert plausibility_check([stock], {"dv": 3000}, {"dv": 3250}) == {}  # 7,7%


def test_participants_above_members_times_the_factor_warn():
    members = indicator("dv", aggregation="last", measure="người", pk=1)
    people = indicator("hoc", measure="ĐVTN", pk=2, members_id=1, members_factor=Decimal("1"))
    values = {"dv": 3250, "hoc": 3300}
    (message,) = plausibility_check([members, people], values, {"hoc": 3200})["hoc"]
    assert message == "“hoc” = 3.300 ĐVTN, nhiều hơn 1 lần “dv” (3.250). Nếu đúng, hãy xác nhận."
    # A first report (no previous period) is checked the same way.
    assert plausibility_check([members, people], values) == {"hoc": [message]}
    people.members_factor = Decimal("1.5")
    assert plausibility_check([members, people], values, {"hoc": 3200}) == {}
    # Without this period's members, the previous period's count is the yardstick.
    (message,) = plausibility_check([members, people], {"hoc": 5000}, {"dv": 3250, "hoc": 4900})[
        "hoc"
    ]
    assert "nhiều hơn 1,5 lần “dv” kỳ trước (3.250; kỳ này chưa nhập)" in message


# --- the form ----------------------------------------------------------------------------------


def test_form_asks_for_the_tick_on_a_value_far_from_last_year(client, cast, open_period, seed):
    past(cast, seed, luot_du_trien_khai=221, doan_vien=3250)
    client.force_login(cast.secretary_a)
    data = form_data(doan_vien="3.250", luot_du_trien_khai="8.964", action="submit")
    response = client.post(report_url(), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "gấp 40,6 lần kỳ trước (221)" in html
    assert "nhiều hơn 2 lần “Đoàn viên” (3.250)" in html
    assert 'name="confirm_unusual"' in html
    assert not Report.objects.filter(period=open_period).exists()

    response = client.post(report_url(), {**data, "confirm_unusual": "on", **blanks_kept(seed)})
    assert response.status_code == 302
    assert saved(cast.unit_a, open_period, "luot-du-trien-khai") == 8964


def test_form_warns_on_members_that_drop_by_more_than_the_share(client, cast, open_period, seed):
    past(cast, seed, doan_vien=3250)
    client.force_login(cast.secretary_a)
    html = client.post(report_url(), form_data(doan_vien="2.000")).content.decode()
    assert "kỳ trước 3.250: thay đổi 38,5%" in html
    assert saved(cast.unit_a, open_period, "doan-vien") is None


def test_the_service_refuses_an_unconfirmed_implausible_value_too(cast, open_period, seed):
    from movements.services import ValuesInvalid, workflow

    past(cast, seed, cau=4)
    with pytest.raises(ValuesInvalid) as refused:
        workflow.report_save(
            user=cast.secretary_a,
            unit=cast.unit_a,
            period=open_period,
            movement=seed,
            values={"cau": 400},
        )
    assert "gấp 100 lần kỳ trước (4)" in refused.value.warnings["cau"][0]
    assert not Value.objects.filter(report__period=open_period).exists()


# --- the Excel preview -------------------------------------------------------------------------


def test_excel_preview_flags_a_value_far_below_last_year_and_needs_the_tick(
    client, cast, open_period, seed
):
    past(cast, seed, tien_quy_xa_hoi=92_008_282)
    client.force_login(cast.secretary_a)
    book = download(client)
    set_value(book, "tien-quy-xa-hoi", 1_540_000)
    response = client.post(report_url("xlsx-upload"), {"file": as_upload(book)})
    html = response.content.decode()
    assert "kỳ trước 92.008.282 (gấp 59,7 lần số này)" in html
    assert 'name="confirm_unusual"' in html
    client.post(report_url("xlsx-confirm"), {"token": response.context["token"]})
    assert saved(cast.unit_a, open_period, "tien-quy-xa-hoi") is None


# --- the review page ---------------------------------------------------------------------------


def test_review_page_flags_a_submitted_report_with_an_implausible_value(
    client, cast, open_period, seed
):
    past(cast, seed, luot_du_trien_khai=221, doan_vien=3250)
    make_report(
        cast.unit_a,
        open_period,
        seed,
        status=Report.Status.SUBMITTED,
        values={"luot-du-trien-khai": 8964, "doan-vien": 3250},
    )
    make_report(cast.unit_b, open_period, seed, status=Report.Status.SUBMITTED, values={"cau": 4})
    client.force_login(cast.reviewer)
    html = client.get(reverse("movements:review")).content.decode()
    # Both have blank sections; only Rạch Giá's figure is unusual.
    rach_gia, cong_an = (html[html.index(u.name) :] for u in (cast.unit_a, cast.unit_b))
    rach_gia, cong_an = (row[: row.index("</tr>")] for row in (rach_gia, cong_an))
    assert "gấp 40,6 lần kỳ trước (221)" in rach_gia
    assert "Để trống:" in cong_an
    assert "<li>" not in cong_an
