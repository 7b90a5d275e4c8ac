"""The dashboard pages through the test client: content for a reviewer and a secretary,
denials, empty cases, bad parameters, the demo label, and query counts at two data sizes."""

from __future__ import annotations

import re

import html5lib
import pytest
from django.urls import reverse

from movements.models import Membership, Movement, Report, Unit
from movements.services.demo import demo_load
from tests.factories import make_report, make_user, totals_kept

pytestmark = pytest.mark.django_db

PAGES = ["reports:overview", "reports:compare", "reports:completeness"]


def text(response) -> str:
    tree = html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)
    main = tree.find(".//main")
    return re.sub(r"\s+", " ", "".join(main.itertext()))


def table_rows(response, caption_id: str) -> list[list[str]]:
    """The cells of the table in the section titled by `caption_id`."""
    tree = html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)
    for section in tree.iter("section"):
        if section.get("aria-labelledby") == caption_id:
            return [
                [re.sub(r"\s+", " ", "".join(td.itertext())).strip() for td in tr.findall("td")]
                for tr in section.iter("tr")
                if tr.findall("td")
            ]
    raise AssertionError(f"no table {caption_id}")


def login(client, user, cast):
    client.force_login(user)


@pytest.mark.parametrize("name", PAGES)
def test_users_without_membership_are_told_they_have_no_access(client, cast, name):
    login(client, cast.outsider, cast)
    response = client.get(reverse(name))
    assert response.status_code == 403
    assert "chưa được phân quyền" in text(response)


def test_overview_shows_headline_cards_trends_and_reconciliation(client, demo, cast):
    login(client, cast.reviewer, cast)
    response = client.get(reverse("reports:overview"))
    assert response.status_code == 200
    page = text(response)
    assert "Tỉnh Đoàn Kiên Giang, 2009–2013" in page
    for section in ("Công tác triển khai", "Trách nhiệm với công việc", "Trách nhiệm với bản thân"):
        assert section in page
    # Demo data sum to the published totals: every published figure matches.
    assert "khớp cả 36 số liệu đã công bố" in page
    assert "243 cuộc" in page  # hội nghị triển khai, stage total
    assert page.count('data-figure="') == 0  # text only; charts are containers
    html = response.content.decode()
    # A trend per section (4), and the groups compared on each headline indicator (5).
    assert html.count('class="chart"') == 4 + 5
    assert 'id="bieu-do-trien-khai-data" type="application/json"' in html
    assert "<script>" not in html and 'style="' not in html  # CSP: no inline script or style
    assert "Dữ liệu minh hoạ (demo)" in response.content.decode()


def test_overview_lists_differences_from_the_published_report(client, demo, cast):
    report = Report.objects.get(unit=cast.unit_a, period__year=2012)
    value = report.values.get(indicator__code="hoi-nghi-trien-khai")
    value.value += 5
    with totals_kept(Report.objects.filter(pk=report.pk)):
        value.save()
    login(client, cast.reviewer, cast)
    page = text(client.get(reverse("reports:overview")))
    assert "1 số liệu khác với báo cáo đã công bố" in page
    assert "công bố 243 cuộc, số liệu đơn vị 248 cuộc" in page


def test_secretary_sees_own_unit_and_province_totals_only(client, demo, cast):
    login(client, cast.secretary_a, cast)
    response = client.get(reverse("reports:overview"))
    assert response.status_code == 200
    options = re.findall(r'<option value="([a-z-]+)"', response.content.decode())
    assert "kien-giang" in options and "rach-gia" in options
    assert "cong-an" not in options and "ha-tien" not in options
    response = client.get(reverse("reports:overview"), {"unit": "rach-gia"})
    assert response.status_code == 200
    assert "Thành Đoàn Rạch Giá, 2009–2013" in text(response)


def test_secretary_cannot_open_another_units_figures_by_any_url(client, demo, cast):
    login(client, cast.secretary_a, cast)
    response = client.get(reverse("reports:overview"), {"unit": "cong-an"})
    assert response.status_code == 400
    assert "không được xem đơn vị đó" in text(response)
    response = client.get(reverse("reports:unit", args=["cong-an"]))
    assert response.status_code == 404
    assert "Công an" not in text(response)
    response = client.get(reverse("reports:compare"), {"units": "cong-an"})
    assert response.status_code == 400
    response = client.get(reverse("reports:compare"), {"export": "xep-hang", "format": "csv"})
    assert "Công an" not in response.content.decode()
    assert "Rạch Giá" in response.content.decode()


def test_compare_shows_every_district_and_branch_to_the_reviewer(client, demo, cast):
    login(client, cast.reviewer, cast)
    response = client.get(reverse("reports:compare"))
    assert response.status_code == 200
    rows = table_rows(response, "xep-hang-title")
    assert len(rows) == 24
    assert rows[0][0] == "1"  # ranked, best first
    names = [r[1] for r in rows]
    assert "Rạch Giá" in names and "Công an tỉnh" in names
    html = response.content.decode()
    for chart in ("bieu-do-xep-hang", "bieu-do-tung-don-vi", "bieu-do-nhiet"):
        assert f'id="{chart}-data"' in html
    assert "Hội nghị triển khai: các đơn vị xếp theo số liệu cả giai đoạn 2009–2013" in html
    assert "Hội nghị triển khai: từng đơn vị theo năm, 2009–2013" in html


def test_compare_for_a_secretary_shows_only_their_unit(client, demo, cast):
    login(client, cast.secretary_b, cast)
    response = client.get(reverse("reports:compare"))
    rows = table_rows(response, "xep-hang-title")
    assert [r[1] for r in rows] == ["Công an tỉnh"]


def test_compare_keeps_the_choice_in_the_url_branches_per_hundred_members(client, demo, cast):
    login(client, cast.reviewer, cast)
    response = client.get(
        reverse("reports:compare"),
        {"indicator": "nha-dai-doan-ket", "peers": "branch", "per": "100dv", "start": "2011"},
    )
    assert response.status_code == 200
    rows = table_rows(response, "xep-hang-title")
    assert len(rows) == 9
    assert all("," in r[2] or r[2] in ("0", "–") for r in rows)  # one decimal: 0,4
    page = text(response)
    assert "Nhà đại đoàn kết, nhân ái, 2011–2013" in page
    assert "trên 100 đoàn viên" in page


def test_compare_a_whole_section_gives_units_by_indicator(client, demo, cast):
    login(client, cast.reviewer, cast)
    response = client.get(reverse("reports:compare"), {"indicator": "phan:ban-than"})
    assert response.status_code == 200
    rows = table_rows(response, "ca-phan-title")
    assert len(rows) == 24
    assert "Trách nhiệm với bản thân" in text(response)


def test_sorting_by_a_column_reorders_the_table(client, demo, cast):
    login(client, cast.reviewer, cast)
    response = client.get(reverse("reports:compare"), {"xh-sort": "unit"})
    names = [r[1] for r in table_rows(response, "xep-hang-title")]
    assert names == sorted(names)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"unit": "khong-co"}, "Không có đơn vị “khong-co”"),
        ({"start": "2013", "end": "2009"}, "Năm bắt đầu (2013) phải trước hoặc bằng năm kết thúc"),
        ({"start": "1999"}, "Năm “1999” không hợp lệ"),
        ({"start": "abc"}, "Năm “abc” không hợp lệ"),
        ({"movement": "xyz"}, "Không có phong trào “xyz”"),
    ],
)
def test_bad_parameters_on_the_overview_give_a_clear_message(client, cast, params, message):
    login(client, cast.reviewer, cast)
    response = client.get(reverse("reports:overview"), params)
    assert response.status_code == 400
    assert message in text(response)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"indicator": "khong-co"}, "Không có chỉ tiêu “khong-co”"),
        ({"indicator": "phan:khong-co"}, "Không có chỉ tiêu “phan:khong-co”"),
        ({"per": "1000"}, "Cách tính “1000” không hợp lệ"),
        ({"peers": "xa"}, "Nhóm đơn vị “xa” không hợp lệ"),
        ({"units": ["rach-gia", "khong-co"]}, "Không có đơn vị “khong-co”"),
        ({"start": "2012", "end": "2010"}, "phải trước hoặc bằng năm kết thúc"),
        ({"export": "khong-co"}, "Không có bảng “khong-co”"),
        ({"export": "xep-hang", "format": "pdf"}, "định dạng “pdf”"),
    ],
)
def test_bad_parameters_on_compare_give_a_clear_message(client, demo, cast, params, message):
    login(client, cast.reviewer, cast)
    response = client.get(reverse("reports:compare"), params)
    assert response.status_code == 400
    assert message in text(response)


def test_bad_parameters_on_unit_and_completeness_pages(client, cast):
    login(client, cast.reviewer, cast)
    response = client.get(reverse("reports:unit", args=["khong-co"]))
    assert response.status_code == 404
    assert "Không có đơn vị “khong-co”" in text(response)
    response = client.get(reverse("reports:unit", args=["rach-gia"]), {"end": "2030"})
    assert response.status_code == 400
    response = client.get(reverse("reports:completeness"), {"start": "2013", "end": "2012"})
    assert response.status_code == 400
    assert "phải trước hoặc bằng năm kết thúc" in text(response)


def test_ratio_indicators_are_not_divided_by_members(client, demo, cast):
    client.force_login(cast.reviewer)
    response = client.get(
        reverse("reports:compare"), {"indicator": "ty-le-dang-ky-vung-manh", "per": "100dv"}
    )
    assert response.status_code == 200
    assert "Chỉ tiêu tỷ lệ không tính trên 100 đoàn viên" in response.content.decode()


def test_pages_without_any_movement_say_so(client, without_seed):
    unit = Unit.objects.create(code="tinh", name="Tỉnh", short_name="Tỉnh", kind="province")
    client.force_login(make_user("a", unit, Membership.Role.REVIEWER))
    for name in ("reports:overview", "reports:compare", "reports:completeness"):
        response = client.get(reverse(name))
        assert response.status_code == 400
        assert "Chưa có phong trào nào" in response.content.decode()


def test_unit_page_compares_with_peers_and_lists_reports(client, demo, cast):
    login(client, cast.reviewer, cast)
    response = client.get(reverse("reports:unit", args=["rach-gia"]))
    assert response.status_code == 200
    page = text(response)
    assert "so với 15 đơn vị cùng nhóm, trên 100 đoàn viên" in page
    assert "Tỷ trọng trong toàn tỉnh" in page
    reports = table_rows(response, "bao-cao-title")
    assert [r[0] for r in reports] == ["2009", "2010", "2011", "2012", "2013"]
    assert all(r[1] == "Đã duyệt" and r[4] == "Dữ liệu minh hoạ" for r in reports)


def test_unit_page_of_a_branch_compares_with_branches(client, demo, cast):
    login(client, cast.secretary_b, cast)
    response = client.get(reverse("reports:unit", args=["cong-an"]))
    assert "so với 9 đơn vị cùng nhóm, trên 100 đoàn viên" in text(response)


def test_giang_thanh_reports_for_2009_the_year_it_was_founded(client, demo, cast):
    login(client, cast.reviewer, cast)
    response = client.get(reverse("reports:unit", args=["giang-thanh"]), {"end": "2009"})
    assert response.status_code == 200
    page = text(response)
    assert "thành lập ngày 29/6/2009" in page
    assert "Đơn vị chưa có số liệu nào được duyệt trong giai đoạn đã chọn." not in page
    response = client.get(reverse("reports:completeness"))
    row = next(r for r in table_rows(response, "tinh-hinh-nop-title") if r[0] == "Giang Thành")
    assert row[1].startswith("Đã duyệt") and row[2].startswith("Đã duyệt")
    assert "Chưa thành lập" not in row


def test_secretary_sees_the_province_totals_page_but_no_province_reports(client, demo, cast):
    login(client, cast.secretary_a, cast)
    response = client.get(reverse("reports:unit", args=["kien-giang"]))
    assert response.status_code == 200
    assert "bao-cao-title" not in response.content.decode()
    assert "Toàn tỉnh" in text(response)


def test_an_indicator_nobody_reported_and_a_unit_without_data_read_well(client, seed, cast):
    login(client, cast.reviewer, cast)
    response = client.get(reverse("reports:compare"), {"indicator": "vi-pham-quy-dinh"})
    assert response.status_code == 200
    rows = table_rows(response, "xep-hang-title")
    assert len(rows) == 24 and all(r[0] == "–" and r[7] == "–" for r in rows)
    assert "bieu-do-xep-hang" not in response.content.decode()
    assert "Chưa có đơn vị nào có số liệu được duyệt cho lựa chọn này" in text(response)
    response = client.get(reverse("reports:overview"))
    assert response.status_code == 200
    assert "Chưa có số liệu nào được duyệt cho phần này" in text(response)
    assert "Dữ liệu minh hoạ (demo)" not in response.content.decode()
    response = client.get(reverse("reports:unit", args=["rach-gia"]))
    assert "Đơn vị chưa có số liệu nào được duyệt" in text(response)


def test_submitted_reports_count_only_with_the_switch(client, seed, cast):
    make_report(cast.unit_a, 2012, seed, values={"hoi-nghi-trien-khai": 4})
    make_report(
        cast.unit_b, 2012, seed, status=Report.Status.SUBMITTED, values={"hoi-nghi-trien-khai": 7}
    )
    login(client, cast.reviewer, cast)
    params = {"start": "2012", "end": "2012"}
    rows = table_rows(client.get(reverse("reports:compare"), params), "xep-hang-title")
    assert {r[1]: r[2] for r in rows if r[2] != "–"} == {"Rạch Giá": "4"}
    params["submitted"] = "on"
    rows = table_rows(client.get(reverse("reports:compare"), params), "xep-hang-title")
    assert {r[1]: r[2] for r in rows if r[2] != "–"} == {"Rạch Giá": "4", "Công an tỉnh": "7"}


def test_completeness_shows_status_submission_day_and_share_on_time(client, seed, cast):
    make_report(cast.unit_a, 2012, seed, submitted_at="2013-01-10T09:00:00+07:00")
    make_report(
        cast.unit_b,
        2012,
        seed,
        status=Report.Status.RETURNED,
        submitted_at="2013-02-10T09:00:00+07:00",
    )
    login(client, cast.reviewer, cast)
    response = client.get(reverse("reports:completeness"), {"start": "2012", "end": "2012"})
    rows = {r[0]: r for r in table_rows(response, "tinh-hinh-nop-title")}
    assert rows["Rạch Giá"][1] == "Đã duyệtgửi 10/1/2013"  # on two lines
    assert rows["Công an tỉnh"][1] == "Trả lạigửi 10/2/2013 (trễ hạn)"
    assert rows["Hà Tiên"][1] == "Chưa có báo cáo"
    page = text(response)
    assert "1 trên 24 báo cáo phải nộp" in page  # 24 units existed on 1/1/2012


def test_completeness_for_a_secretary_lists_only_their_unit(client, demo, cast):
    login(client, cast.secretary_a, cast)
    response = client.get(reverse("reports:completeness"))
    assert [r[0] for r in table_rows(response, "tinh-hinh-nop-title")] == ["Rạch Giá"]


def grow(seed, extra_units: int = 6):
    """A second data size: every demo report, plus more districts reporting every year."""
    demo_load()
    province = Unit.objects.get(code="kien-giang")
    for i in range(extra_units):
        unit = Unit.objects.create(
            code=f"huyen-moi-{i}",
            name=f"Huyện Đoàn Mới {i}",
            short_name=f"Mới {i}",
            kind="district",
            parent=province,
        )
        Unit.objects.create(
            code=f"xa-moi-{i}", name=f"Xã {i}", short_name=f"Xã {i}", kind="grassroots", parent=unit
        )
        for year in range(2009, 2014):
            make_report(unit, year, seed, values={"hoi-nghi-trien-khai": i, "doan-vien": 100})


PAGE_QUERIES = {
    # session, user, scope (the memberships with their units: never every visible unit),
    # movements, the years that have periods and the stages, indicators, selectors, the
    # header's progress link, demo flag, the header's menu (1: the user's roles). Totals are
    # read from the stored rollups: one query for the years and the stage together.
    # The overview: the units offered around the province, one more for the open period (none
    # here, so no progress counts), two more for the groups of its children (the children, and
    # their totals), one for the user's "Việc cần làm" (the units they enter: none here).
    # Like with like (+5): the children's units due and counted each year (2), the rates per
    # 100 members over the stage and each year (1: both from the same values), the changes and
    # those per 100 members (2).
    # Every page over the years adds the coverage of its unit each year (`year_coverage`: the
    # units due, the units counted): 2 (4 for a unit's page: its subtree and the province);
    # the overview four more for its unit's change over the units with the figure in both
    # years (`like_for_like`: the sums, the units counted in one year only and two lists).
    ("reports:overview", (), ""): 31,
    # One indicator: the province's units, the parents offered; its groups read the ranking's
    # totals (no query of their own); like with like (+5, the ranking's, which the groups
    # reuse): as the overview's.
    ("reports:compare", (), ""): 20,
    # Bound unit filter: one more query for the filtered units. A section over the stage: like
    # with like (+3): the units due and counted (2), the rates per 100 members (1).
    ("reports:compare", (), "indicator=phan:nhan-dan&peers=all&per=100dv"): 19,
    # Like with like (+5): the peers' rates per 100 members (1), the units due and counted
    # each year under the peers (2) and in the province (2, read once for the profile and
    # the page's headings).
    ("reports:unit", ("rach-gia",), ""): 22,
    # The periods to choose from; no open period, so the province's units × periods: periods,
    # the count and page of units, due units and report tallies of the page's groups, the
    # tallies of all (the units due are the rows'), and the day of submission of the groups of
    # one unit.
    ("reports:completeness", (), ""): 17,
}


@pytest.mark.parametrize(("page", "expected"), PAGE_QUERIES.items())
@pytest.mark.parametrize("size", ["small", "large"])
def test_each_page_runs_a_fixed_number_of_queries(
    client, cast, django_assert_num_queries, page, expected, size
):
    seed = Movement.objects.get(code="3tn")
    if size == "small":
        make_report(cast.unit_a, 2012, seed, values={"hoi-nghi-trien-khai": 2})
    else:
        grow(seed)
    login(client, cast.reviewer, cast)
    name, args, query = page
    with django_assert_num_queries(expected):
        response = client.get(reverse(name, args=args) + "?" + query)
    assert response.status_code == 200


def test_a_units_peer_chart_names_a_single_year_as_that_year_not_as_a_stage(client, demo, cast):
    login(client, cast.reviewer, cast)

    def title(**params) -> str:
        response = client.get(reverse("reports:unit", args=["rach-gia"]), params)
        assert response.status_code == 200
        return re.sub(r"\s*<br>\s*", " ", response.context["figure"]["layout"]["title"]["text"])

    assert title().endswith("trên 100 đoàn viên, cả giai đoạn 2009–2013")
    one_year = title(start="2013", end="2013")
    assert one_year.endswith("trên 100 đoàn viên, năm 2013")
    assert "giai đoạn" not in one_year
