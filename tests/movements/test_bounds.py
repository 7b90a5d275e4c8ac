"""Checks that need no previous period: the sanity bounds of an indicator, narrowed for a peer
group of units (district-level units, branches, grassroots units) by provincial staff in the
admin; money far below its plausible range asks which amount was meant ("500 đồng hay 500 triệu
đồng?"); a figure above 0 whose required count is 0; participants above the members. Each
warns in values_check, so in the form, the Excel preview and the review, and a tick saves."""

from decimal import Decimal

import html5lib
import pytest
from django.urls import reverse
from django.utils import translation

from movements.models import (
    Indicator,
    IndicatorBound,
    PeerGroup,
    PublishedFigure,
    Report,
    Unit,
    Value,
)
from movements.rules import bounds_for, values_check
from movements.selectors import entry_indicators
from movements.services import ValuesInvalid, workflow
from movements.services.accounts import staff_group_ensure
from movements.services.seed import seed_load
from tests.conftest import report_url
from tests.factories import blanks_kept, make_report, make_user
from tests.movements.test_entry import form_data, saved
from tests.movements.test_excel import as_upload, download, set_value

pytestmark = pytest.mark.django_db

FUND = "tien-quy-xa-hoi"  # Tiền gây quỹ xã hội: money, 100.000 đồng to 5 tỷ in the seed


# --- the rules, without a database -------------------------------------------------------------


def indicator(code, pk, bounds=(), **fields):
    """An indicator in memory, with its bounds by peer group as entry_indicators loads them."""
    defaults = {"measure": "người", "aggregation": "sum", "kind": "count"}
    made = Indicator(pk=pk, code=code, name=code, short_name=code, **{**defaults, **fields})
    made.peer_bounds = [
        IndicatorBound(indicator=made, peer_group=group, min_value=low, max_value=high)
        for group, low, high in bounds
    ]
    return made


def money(code="tien", pk=1, low=100_000, high=5_000_000_000, bounds=()):
    return indicator(code, pk, bounds, kind="money", measure="đồng", min_value=low, max_value=high)


def unit_of(kind):
    return Unit(code=kind, name=kind, short_name=kind, kind=kind)


def warnings_of(indicators, values, unit=None, previous=None):
    errors, warnings = values_check(indicators, values, previous, unit=unit)
    assert errors == {}
    return warnings


def test_money_far_below_its_range_asks_which_amount_was_meant():
    (message,) = warnings_of([money()], {"tien": 500})["tien"]
    assert message == (
        "“tien” = 500 đồng: 500 đồng hay 500 triệu đồng hay 500 nghìn đồng? Số tiền ghi bằng "
        "đồng, đủ chữ số: 500 triệu đồng là 500.000.000, 500 nghìn đồng là 500.000. Số này "
        "thường từ 100.000 đến 5.000.000.000 đồng. Nếu đúng là 500 đồng, hãy xác nhận."
    )


def test_the_money_question_names_only_the_amounts_inside_the_range():
    (message,) = warnings_of([money()], {"tien": 15})["tien"]
    assert "15 đồng hay 15 triệu đồng?" in message
    assert "15 triệu đồng là 15.000.000." in message
    assert "nghìn" not in message and "tỷ đồng" not in message  # 15.000 and 15 tỷ: outside
    (message,) = warnings_of([money()], {"tien": 2})["tien"]
    assert "2 đồng hay 2 triệu đồng hay 2 tỷ đồng?" in message


def test_money_below_a_range_no_multiple_reaches_says_the_range():
    narrow = money(low=100_000, high=20_000_000)
    (message,) = warnings_of([narrow], {"tien": 50_000})["tien"]
    assert message == (
        "“tien” = 50.000 đồng, thấp bất thường. Số này thường từ 100.000 đến 20.000.000 đồng. "
        "Số tiền ghi bằng đồng, đủ chữ số (ví dụ 1.540.000.000). Nếu đúng, hãy xác nhận."
    )


def test_no_money_is_never_too_little_and_a_plausible_amount_passes():
    assert warnings_of([money()], {"tien": 0}) == {}
    assert warnings_of([money()], {"tien": 100_000}) == {}
    assert warnings_of([money()], {"tien": 500_000_000}) == {}
    assert warnings_of([money()], {"tien": 99_999}) != {}


def test_the_bound_of_the_units_peer_group_wins_over_the_indicators_own():
    members = indicator("dv", 1, [("branch", None, 10_000)], max_value=50_000)
    branch, district = unit_of("branch"), unit_of("district")
    (message,) = warnings_of([members], {"dv": 12_000}, branch)["dv"]
    assert message == (
        "“dv” = 12.000 người cao bất thường: với nhóm “Đoàn trực thuộc”, số này thường không "
        "quá 10.000 người. Nếu đúng, hãy xác nhận."
    )
    # A district-level unit has no bound of its own here: the indicator's holds.
    assert warnings_of([members], {"dv": 12_000}, district) == {}
    (message,) = warnings_of([members], {"dv": 60_000}, district)["dv"]
    assert message == (
        "“dv” = 60.000 người cao bất thường (thường không quá 50.000). Nếu đúng, hãy xác nhận."
    )
    # Without the reporting unit, only the indicator's own bounds.
    assert warnings_of([members], {"dv": 12_000}) == {}


def test_a_side_the_peer_group_leaves_blank_is_the_indicators_own():
    members = indicator("dv", 1, [("district", 100, None)], min_value=10, max_value=50_000)
    district = unit_of("city")
    low, high = bounds_for(members, district)
    assert (low.number, low.group) == (100, "Huyện, thị, thành Đoàn")
    assert (high.number, high.group) == (50_000, "")
    (message,) = warnings_of([members], {"dv": 50}, district)["dv"]
    assert "thấp bất thường: với nhóm “Huyện, thị, thành Đoàn”, số này thường không dưới 100" in (
        message
    )
    assert warnings_of([members], {"dv": 50}, unit_of("branch")) == {}  # 10 for the others


def test_money_of_a_peer_group_asks_within_the_groups_range():
    fund = money(bounds=[("grassroots", 1_000_000, 500_000_000)])
    (message,) = warnings_of([fund], {"tien": 500}, unit_of("grassroots"))["tien"]
    assert "500 đồng hay 500 triệu đồng?" in message  # 500 nghìn: below the group's minimum
    assert "Với nhóm “Cơ sở Đoàn”, số này thường từ 1.000.000 đến 500.000.000 đồng." in message


def test_a_value_whose_required_count_is_zero_warns_with_both_figures():
    burners = indicator("lo", 1, measure="lò")
    worth = money("tri-gia-lo", 2, low=1_000_000, high=1_000_000_000)
    worth.requires_id = 1
    (message,) = warnings_of([burners, worth], {"lo": 0, "tri-gia-lo": 4_070_000})["tri-gia-lo"]
    assert message == (
        "“tri-gia-lo” = 4.070.000 đồng nhưng “lo” = 0 lò: số này chỉ có khi “lo” lớn hơn 0. "
        "Hãy xem lại hai số này; nếu đúng, hãy xác nhận."
    )
    assert warnings_of([burners, worth], {"lo": 1, "tri-gia-lo": 4_070_000}) == {}
    assert warnings_of([burners, worth], {"lo": 0, "tri-gia-lo": 0}) == {}
    # A count not reported (blank) says nothing either way.
    assert warnings_of([burners, worth], {"tri-gia-lo": 4_070_000}) == {}


def test_participants_above_the_members_warn_in_a_first_report():
    members = indicator("dv", 1, aggregation="last")
    people = indicator("luot", 2, members_id=1, members_factor=Decimal("2"), measure="lượt")
    (message,) = warnings_of([members, people], {"dv": 3250, "luot": 8964})["luot"]
    assert message == ("“luot” = 8.964 lượt, nhiều hơn 2 lần “dv” (3.250). Nếu đúng, hãy xác nhận.")


def test_errors_come_before_the_warnings_of_a_figure():
    # A part above its whole is refused; its own bound still warns.
    whole = indicator("tc", 1, max_value=1000)
    part = indicator("dk", 2, part_of_id=1, max_value=1000)
    errors, warnings = values_check([whole, part], {"tc": 5, "dk": 2000})
    assert "không được lớn hơn “tc”" in errors["dk"][0]
    assert "cao bất thường" in warnings["dk"][0]


# --- the seed's bounds -------------------------------------------------------------------------


def test_the_seed_sets_a_plausible_range_for_every_money_indicator(seed):
    for fund in Indicator.objects.filter(movement=seed, kind=Indicator.Kind.MONEY):
        assert 0 < fund.min_value <= 1_000_000 < 1_000_000_000 <= fund.max_value, fund.code


def test_the_seeds_money_questions_500_and_15_and_passes_the_44a_figures(seed, units):
    indicators = entry_indicators(movement=seed)
    money_codes = [i.code for i in indicators if i.kind == Indicator.Kind.MONEY]
    for typed in (15, 500):
        for unit in (units.rach_gia, units.cong_an):
            warnings = warnings_of(indicators, dict.fromkeys(money_codes, typed), unit)
            assert set(warnings) == set(money_codes)
            for code in money_codes:
                assert f"{typed} đồng hay {typed} triệu đồng" in warnings[code][0], code
    # Công an's figures of 2009–2013 in report 44A, as one year's or spread over five.
    published = PublishedFigure.objects.filter(
        indicator__kind=Indicator.Kind.MONEY, unit=units.cong_an
    ).select_related("indicator")
    assert published.count() == 6
    for figure in published:
        for value in (figure.value, figure.value // 5):
            assert warnings_of(indicators, {figure.indicator.code: value}, units.cong_an) == {}


def test_the_seed_pairs_each_value_with_its_count(seed):
    requires = dict(
        Indicator.objects.filter(movement=seed, requires__isnull=False).values_list(
            "code", "requires__code"
        )
    )
    assert requires["tri-gia-lo-dot-rac"] == "lo-dot-rac"
    assert requires["tri-gia-nha"] == "nha-dai-doan-ket"
    assert requires["luot-du-trien-khai"] == "hoi-nghi-trien-khai"
    assert len(requires) == 9


def test_the_seed_narrows_members_by_peer_group_and_reloads_unchanged(seed):
    bounds = dict(
        IndicatorBound.objects.filter(indicator__code="doan-vien").values_list(
            "peer_group", "max_value"
        )
    )
    assert bounds == {"district": 20_000, "branch": 10_000, "grassroots": 2_000}
    count = IndicatorBound.objects.count()
    result = seed_load()
    assert (result.created, result.updated) == (0, 0)
    assert IndicatorBound.objects.count() == count


def test_values_check_reads_the_bounds_loaded_with_the_indicators_without_a_query(
    seed, units, django_assert_num_queries
):
    members = Indicator.objects.get(movement=seed, code="doan-vien")
    IndicatorBound.objects.filter(indicator=members, peer_group="branch").update(max_value=500)
    indicators = entry_indicators(movement=seed)
    with django_assert_num_queries(0):
        _errors, warnings = values_check(indicators, {"doan-vien": 600}, unit=units.cong_an)
        assert (
            "với nhóm “Đoàn trực thuộc”, số này thường không quá 500 người"
            in (warnings["doan-vien"][0])
        )
        assert values_check(indicators, {"doan-vien": 600}, unit=units.rach_gia) == ({}, {})


# --- the form ----------------------------------------------------------------------------------


def test_form_asks_500_dong_or_500_trieu_in_a_first_report_and_saves_once_ticked(
    client, cast, open_period, seed
):
    assert not Report.objects.filter(unit=cast.unit_a).exists()  # no previous period
    client.force_login(cast.secretary_a)
    data = form_data(action="submit", doan_vien="3.250", **{FUND: "500"})
    response = client.post(report_url(), data)
    assert response.status_code == 200
    (message,) = response.context["form"].errors[f"v-{FUND}"]  # on the field itself
    assert "500 đồng hay 500 triệu đồng" in message
    assert "500 triệu đồng là 500.000.000" in message
    html = response.content.decode()
    assert "“Tiền gây quỹ xã hội” = 500 đồng: 500 đồng hay 500 triệu đồng" in html
    assert 'name="confirm_unusual"' in html
    assert not Report.objects.filter(period=open_period).exists()

    # The secretary meant 500 triệu: typed in full, it passes (the other sections' blanks
    # confirmed as nothing to report).
    response = client.post(report_url(), {**data, **blanks_kept(seed), f"v-{FUND}": "500.000.000"})
    assert response.status_code == 302
    assert saved(cast.unit_a, open_period, FUND) == 500_000_000


def test_form_saves_500_dong_when_the_secretary_confirms_it(client, cast, open_period):
    client.force_login(cast.secretary_a)
    data = {**form_data(**{FUND: "500"}), "confirm_unusual": "on"}
    assert client.post(report_url(), data).status_code == 302
    assert saved(cast.unit_a, open_period, FUND) == 500


def test_form_warns_on_the_bound_of_the_branches_not_of_the_districts(client, cast, open_period):
    # The seed: at most 20.000 members for a district-level unit, 10.000 for a branch.
    client.force_login(cast.secretary_b)
    response = client.post(report_url(unit="cong-an"), form_data(doan_vien="12.000"))
    (message,) = response.context["form"].errors["v-doan-vien"]
    assert "với nhóm “Đoàn trực thuộc”, số này thường không quá 10.000 người" in message
    assert saved(cast.unit_b, open_period, "doan-vien") is None

    client.force_login(cast.secretary_a)
    assert client.post(report_url(), form_data(doan_vien="12.000")).status_code == 302
    assert saved(cast.unit_a, open_period, "doan-vien") == 12_000


def test_form_warns_on_a_burners_value_with_no_burner(client, cast, open_period):
    client.force_login(cast.secretary_a)
    data = form_data(lo_dot_rac="0", tri_gia_lo_dot_rac="4.070.000")
    response = client.post(report_url(), data)
    (message,) = response.context["form"].errors["v-tri-gia-lo-dot-rac"]
    assert "“Trị giá lò đốt rác” = 4.070.000 đồng nhưng “Lò đốt rác” = 0 lò" in message
    assert "lo-dot-rac" not in response.context["form"].errors  # one flag, on the value
    assert saved(cast.unit_a, open_period, "tri-gia-lo-dot-rac") is None
    assert client.post(report_url(), {**data, "confirm_unusual": "on"}).status_code == 302
    assert saved(cast.unit_a, open_period, "tri-gia-lo-dot-rac") == 4_070_000


def test_the_service_refuses_the_unconfirmed_money_question_too(cast, open_period, seed):
    with pytest.raises(ValuesInvalid) as refused:
        workflow.report_save(
            user=cast.secretary_b,
            unit=cast.unit_b,
            period=open_period,
            movement=seed,
            values={FUND: 500},
        )
    assert "500 đồng hay 500 triệu đồng" in refused.value.warnings[FUND][0]
    assert not Value.objects.filter(report__period=open_period).exists()


# --- the Excel import --------------------------------------------------------------------------


def test_excel_preview_asks_500_dong_or_500_trieu_and_needs_the_tick(client, cast, open_period):
    client.force_login(cast.secretary_a)
    book = download(client)
    set_value(book, FUND, 500)
    set_value(book, "lo-dot-rac", 0)
    set_value(book, "tri-gia-lo-dot-rac", 4_070_000)
    response = client.post(report_url("xlsx-upload"), {"file": as_upload(book)})
    html = response.content.decode()
    assert "“Tiền gây quỹ xã hội” = 500 đồng: 500 đồng hay 500 triệu đồng" in html
    assert "“Trị giá lò đốt rác” = 4.070.000 đồng nhưng “Lò đốt rác” = 0 lò" in html
    assert 'name="confirm_unusual"' in html
    client.post(report_url("xlsx-confirm"), {"token": response.context["token"]})
    assert saved(cast.unit_a, open_period, FUND) is None

    # Sent again and ticked: both figures saved as typed.
    response = client.post(report_url("xlsx-upload"), {"file": as_upload(book)})
    token = response.context["token"]
    client.post(report_url("xlsx-confirm"), {"token": token, "confirm_unusual": "1"})
    assert saved(cast.unit_a, open_period, FUND) == 500
    assert saved(cast.unit_a, open_period, "tri-gia-lo-dot-rac") == 4_070_000


def test_excel_preview_warns_on_the_bound_of_the_uploading_units_peer_group(
    client, cast, open_period
):
    client.force_login(cast.secretary_b)
    book = download(client, unit="cong-an")
    set_value(book, "doan-vien", 12_000)
    html = client.post(
        report_url("xlsx-upload", unit="cong-an"), {"file": as_upload(book)}
    ).content.decode()
    assert "với nhóm “Đoàn trực thuộc”, số này thường không quá 10.000 người" in html


# --- the review --------------------------------------------------------------------------------


def test_review_flags_money_far_below_its_range_in_a_first_report(client, cast, open_period, seed):
    make_report(cast.unit_a, open_period, seed, status=Report.Status.SUBMITTED, values={FUND: 500})
    make_report(
        cast.unit_b,
        open_period,
        seed,
        status=Report.Status.SUBMITTED,
        values={FUND: 500_000_000, "doan-vien": 12_000},
    )
    client.force_login(cast.reviewer)
    html = client.get(reverse("movements:review")).content.decode()
    assert html.count('class="warn-flags"') == 2
    assert "“Tiền gây quỹ xã hội” = 500 đồng: 500 đồng hay 500 triệu đồng" in html
    assert "với nhóm “Đoàn trực thuộc”, số này thường không quá 10.000 người" in html


# --- the admin ---------------------------------------------------------------------------------


def admin_form(response) -> dict[str, str]:
    """The admin change form as the browser would send it (inputs, selects, textareas)."""
    tree = html5lib.parse(
        response.content.decode(), treebuilder="etree", namespaceHTMLElements=False
    )
    form = tree.find(".//form[@id='indicator_form']")
    data = {}
    for field in form.iter("input"):
        name, kind = field.get("name"), field.get("type", "text")
        if not name or kind in ("submit", "button", "file"):
            continue
        if kind == "checkbox":
            if field.get("checked") is not None:
                data[name] = field.get("value", "on")
        else:
            data[name] = field.get("value", "")
    for field in form.iter("select"):
        chosen = [
            o.get("value", o.text) for o in field.iter("option") if o.get("selected") is not None
        ]
        if field.get("name") and chosen:
            data[field.get("name")] = chosen[0]
    for field in form.iter("textarea"):
        data[field.get("name")] = field.text or ""
    return {k: v for k, v in data.items() if "__prefix__" not in k}


def with_bound(data, index, peer_group, low="", high=""):
    """`data` with one more row of the bounds inline."""
    prefix = f"bounds-{index}"
    data = {**data, f"{prefix}-peer_group": peer_group, f"{prefix}-min_value": low}
    data[f"{prefix}-max_value"] = high
    data["bounds-TOTAL_FORMS"] = str(index + 1)
    return data


@pytest.fixture
def staff(client, cast):
    """The provincial office's staff (the reviewer of Kiên Giang, the only province, in the
    staff group create_account gives provincial staff), signed in to the admin."""
    cast.reviewer.groups.add(staff_group_ensure())
    client.force_login(cast.reviewer)
    return client


def indicator_url(code):
    pk = Indicator.objects.get(code=code).pk
    return reverse("admin:movements_indicator_change", args=[pk])


def test_staff_set_a_bound_for_a_peer_group_in_the_indicators_admin(staff, cast, open_period):
    url = indicator_url("hoi-nghi-trien-khai")
    page = staff.get(url)
    assert page.status_code == 200
    assert "giới hạn hợp lý theo nhóm đơn vị" in page.content.decode().lower()
    data = with_bound(admin_form(page), 0, PeerGroup.BRANCH, "", "40")
    response = staff.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    bound = IndicatorBound.objects.get(indicator__code="hoi-nghi-trien-khai")
    assert (bound.peer_group, bound.min_value, bound.max_value) == ("branch", None, 40)
    indicator = bound.indicator  # the rest of the indicator as it was
    assert (indicator.name, indicator.max_value) == (
        "Hội nghị triển khai, quán triệt, sinh hoạt chi đoàn, tọa đàm về phong trào",
        500,
    )

    # The next report of a branch is checked against it.
    client = staff
    client.force_login(cast.secretary_b)
    response = client.post(report_url(unit="cong-an"), form_data(hoi_nghi_trien_khai="45"))
    (message,) = response.context["form"].errors["v-hoi-nghi-trien-khai"]
    assert "với nhóm “Đoàn trực thuộc”, số này thường không quá 40 cuộc" in message


def test_the_admin_refuses_a_bound_whose_minimum_is_above_its_maximum(staff):
    url = indicator_url("hoi-nghi-trien-khai")
    data = with_bound(admin_form(staff.get(url)), 0, PeerGroup.DISTRICT, "50", "10")
    response = staff.post(url, data)
    assert response.status_code == 200
    assert "Giá trị tối đa không được nhỏ hơn giá trị tối thiểu." in response.content.decode()
    # A minimum above the indicator's own maximum (500) when the maximum is left blank.
    data = with_bound(admin_form(staff.get(url)), 0, PeerGroup.DISTRICT, "600", "")
    html = staff.post(url, data).content.decode()
    assert "Khoảng hợp lý sẽ là từ 600 đến 500" in html
    assert not IndicatorBound.objects.filter(indicator__code="hoi-nghi-trien-khai").exists()


def test_the_admin_sets_what_a_value_requires_and_refuses_the_indicator_itself(staff):
    url = indicator_url("tri-gia-lo-dot-rac")
    data = admin_form(staff.get(url))
    assert data["requires"] == str(Indicator.objects.get(code="lo-dot-rac").pk)
    data["requires"] = str(Indicator.objects.get(code="tri-gia-lo-dot-rac").pk)
    response = staff.post(url, data)
    assert response.status_code == 200
    assert "Hãy chọn một chỉ tiêu khác của cùng phong trào" in response.content.decode()
    assert Indicator.objects.get(code="tri-gia-lo-dot-rac").requires.code == "lo-dot-rac"


def test_staff_of_one_province_among_several_cannot_change_the_shared_bounds(staff, cast):
    # A second province: indicators and their bounds are shared, changed by superusers only.
    Unit.objects.create(
        code="an-giang", name="Tỉnh Đoàn An Giang", short_name="AG", kind="province"
    )
    url = indicator_url("hoi-nghi-trien-khai")
    superuser = make_user("quantri", is_staff=True, is_superuser=True)
    staff.force_login(superuser)
    data = with_bound(admin_form(staff.get(url)), 0, PeerGroup.BRANCH, "", "40")
    staff.force_login(cast.reviewer)
    assert staff.post(url, data).status_code == 403
    assert not IndicatorBound.objects.filter(indicator__code="hoi-nghi-trien-khai").exists()


def test_the_money_question_in_english():
    with translation.override("en"):
        (message,) = warnings_of([money()], {"tien": 500})["tien"]
    assert message.startswith(
        "“tien” = 500 đồng: 500 đồng or 500 million đồng or 500 thousand đồng? Amounts are "
        "written in đồng with every digit: 500 million đồng is 500.000.000"
    )
    fund = money(bounds=[("branch", 1_000_000, None)])
    with translation.override("en"):
        (message,) = warnings_of([fund], {"tien": 5}, unit_of("branch"))["tien"]
    assert message == (
        "“tien” = 5 đồng: 5 đồng or 5 million đồng or 5 billion đồng? Amounts are written in "
        "đồng with every digit: 5 million đồng is 5.000.000, 5 billion đồng is 5.000.000.000. "
        "For “Directly affiliated branches”, this figure usually runs from 1.000.000 to "
        "5.000.000.000 đồng. If it really is 5 đồng, confirm it."
    )
