"""Dashboards at any size: /completeness/ counts groups of units in SQL and shows one parent's
units a page at a time, with links down and back up; unit choices offer the levels a user
navigates and a search, never every unit. Access from the outside (code, search, parameter),
and query counts that stay the same with 2 or 40 grassroots units under each district."""

from __future__ import annotations

import html5lib
import pytest
from django.urls import reverse

from movements.models import Report, Unit
from reports import selectors
from tests.factories import make_report
from tests.reports.test_dashboard import table_rows, text
from tests.reports.test_exports import csv_rows

pytestmark = pytest.mark.django_db


def grassroots(seed, per_district: int) -> None:
    """`per_district` grassroots units under each district-level unit; the first of each
    approved for 2012, the second submitted."""
    for district in Unit.objects.filter(kind__in=Unit.DISTRICT_LEVEL).order_by("path"):
        for i in range(per_district):
            unit = Unit.objects.create(
                code=f"{district.code}-xa-{i}",
                name=f"Đoàn xã {i} ({district.short_name})",
                short_name=f"Xã {i} {district.short_name}",
                kind=Unit.Kind.GRASSROOTS,
                parent=district,
                sort_order=i,
            )
            if i < 2:
                status = Report.Status.APPROVED if i == 0 else Report.Status.SUBMITTED
                make_report(unit, 2012, seed, status=status)


def options(response, name: str) -> list[str]:
    """The values offered by the select `name` of the page."""
    tree = html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)
    for select in tree.iter("select"):
        if select.get("name") == name:
            return [option.get("value") for option in select.iter("option")]
    raise AssertionError(f"no select {name}")


def completeness(client, **params):
    return client.get(reverse("reports:completeness"), {"start": "2012", "end": "2012", **params})


def test_the_province_counts_each_districts_subtree_and_links_down(client, seed, cast):
    grassroots(seed, 3)
    make_report(cast.unit_a, 2012, seed)
    client.force_login(cast.reviewer)
    response = completeness(client)
    assert response.status_code == 200
    rows = {r[0]: r for r in table_rows(response, "tinh-hinh-nop-title")}
    # Rạch Giá and its three grassroots units: itself and one approved, one submitted.
    assert rows["Rạch Giá Đơn vị trực thuộc ›"][1] == (
        "4 đơn vị phải nộpĐã duyệt: 2Chờ duyệt: 1Chưa có báo cáo: 1"
    )
    assert rows["Công an tỉnh"][1] == "Chưa có báo cáo"  # a branch: no units under it
    assert len(rows) == Unit.objects.filter(parent=cast.province).count()
    assert "?start=2012&amp;end=2012&amp;parent=rach-gia" in response.content.decode()


def test_drilling_into_a_district_lists_its_grassroots_with_the_way_back(client, seed, cast):
    grassroots(seed, 3)
    client.force_login(cast.reviewer)
    response = completeness(client, parent="rach-gia")
    assert response.status_code == 200
    rows = table_rows(response, "tinh-hinh-nop-title")
    assert [r[0] for r in rows] == ["Xã 0 Rạch Giá", "Xã 1 Rạch Giá", "Xã 2 Rạch Giá"]
    assert [r[1] for r in rows] == ["Đã duyệt", "Chờ duyệt", "Chưa có báo cáo"]
    page = text(response)
    assert "Tình hình nộp báo cáo, Rạch Giá, 2012" in page
    assert "3 trên 3 báo cáo phải nộp" not in page  # one on time at most: none has a date
    trail = response.content.decode()
    assert 'href="/completeness/?start=2012&amp;end=2012&amp;parent=kien-giang"' in trail


def test_one_period_lists_the_parents_units_and_counts_them(client, seed, cast, open_period):
    grassroots(seed, 2)
    district = Unit.objects.get(code="rach-gia-xa-0")
    make_report(district, open_period, seed, status=Report.Status.SUBMITTED)
    client.force_login(cast.reviewer)
    response = client.get(reverse("reports:completeness"), {"period": "2014", "parent": "rach-gia"})
    rows = table_rows(response, "tien-do-title")
    assert [(r[0], r[2]) for r in rows] == [
        ("Xã 0 Rạch Giá", "Chờ duyệt"),
        ("Xã 1 Rạch Giá", "Chưa có báo cáo"),
    ]
    assert "2 đơn vị phải nộp báo cáo 2014" in text(response)
    waiting = client.get(
        reverse("reports:completeness"),
        {"period": "2014", "parent": "rach-gia", "state": "chua-nop"},
    )
    assert [r[0] for r in table_rows(waiting, "tien-do-title")] == ["Xã 1 Rạch Giá"]


def test_a_long_list_of_units_comes_a_hundred_at_a_time(client, seed, cast):
    district = cast.unit_a
    Unit.objects.bulk_create(
        Unit(
            code=f"xa-{i:03}",
            name=f"Xã {i:03}",
            short_name=f"Xã {i:03}",
            kind=Unit.Kind.GRASSROOTS,
            parent=district,
            sort_order=i,
            path=f"{district.path}{10_000 + i}/",
        )
        for i in range(130)
    )
    client.force_login(cast.reviewer)
    first = completeness(client, parent="rach-gia")
    rows = table_rows(first, "tinh-hinh-nop-title")
    assert len(rows) == selectors.PAGE_SIZE == 100
    assert "Trang 1 / 2: đơn vị 1–100 trên 130" in text(first)
    second = completeness(client, parent="rach-gia", trang="2")
    assert [r[0] for r in table_rows(second, "tinh-hinh-nop-title")][0] == "Xã 100"
    assert len(table_rows(second, "tinh-hinh-nop-title")) == 30
    # The totals above the table count every unit below the district, on either page.
    below = Unit.objects.filter(path__startswith=district.path).exclude(pk=district.pk).count()
    assert below == 130
    for page in (first, second):
        assert f"0 trên {below} báo cáo phải nộp" in text(page)
    exported = completeness(client, parent="rach-gia", trang="2", export="tinh-hinh-nop")
    lines = csv_rows(exported)
    assert len(lines) == 31 and lines[1][0] == "Xã 100"
    for odd in ("0", "-1", "999", "abc", "1.5"):
        assert completeness(client, parent="rach-gia", trang=odd).status_code == 200
    one = client.get(reverse("reports:completeness"), {"period": "2012", "parent": "rach-gia"})
    assert len(table_rows(one, "tien-do-title")) == 100


def test_exports_hold_the_drilled_units(client, seed, cast):
    grassroots(seed, 2)
    client.force_login(cast.reviewer)
    response = completeness(client, parent="rach-gia", export="tinh-hinh-nop", format="csv")
    lines = csv_rows(response)
    assert lines[0] == ["Đơn vị", "2012", "Tỷ lệ nộp đúng hạn"]
    assert [line[:2] for line in lines[1:]] == [
        ["Xã 0 Rạch Giá", "Đã duyệt"],
        ["Xã 1 Rạch Giá", "Chờ duyệt"],
    ]
    top = completeness(client, export="tinh-hinh-nop", format="xlsx")
    assert top.status_code == 200
    assert top["Content-Disposition"].endswith('"3tn_kien-giang_2012_tinh-hinh-nop.xlsx"')


@pytest.mark.parametrize("parent", ["khong-co", "Rạch Giá", "' OR 1=1 --", "x" * 3000])
def test_an_unknown_parent_is_a_clear_message(client, seed, cast, parent):
    client.force_login(cast.reviewer)
    response = completeness(client, parent=parent)
    assert response.status_code == 400
    assert "Không tìm thấy đơn vị" in text(response)


def test_a_secretary_cannot_drill_into_another_unit(client, seed, cast):
    grassroots(seed, 2)
    client.force_login(cast.secretary_b)
    response = completeness(client, parent="rach-gia")
    assert response.status_code == 400
    assert "Rạch Giá" not in text(response)
    own = completeness(client)
    assert [r[0] for r in table_rows(own, "tinh-hinh-nop-title")] == ["Công an tỉnh"]
    for period in ({"period": "2014"}, {}):
        shown = client.get(reverse("reports:completeness"), {"parent": "kien-giang", **period})
        assert "Rạch Giá" not in text(shown)
    client.force_login(cast.secretary_a)
    mine = completeness(client, parent="rach-gia")
    assert [r[0] for r in table_rows(mine, "tinh-hinh-nop-title")] == [
        "Xã 0 Rạch Giá",
        "Xã 1 Rạch Giá",
    ]


def test_a_grassroots_secretary_sees_their_unit_under_its_district(client, seed, cast):
    from movements.models import Membership
    from tests.factories import make_user

    grassroots(seed, 2)
    user = make_user("bithu_xa", Unit.objects.get(code="rach-gia-xa-1"), Membership.Role.SECRETARY)
    client.force_login(user)
    response = completeness(client)
    assert [r[0] for r in table_rows(response, "tinh-hinh-nop-title")] == ["Xã 1 Rạch Giá"]
    assert "Xã 0" not in text(response)


# --- units loaded by need ---------------------------------------------------------------------


def test_the_province_offers_every_district_and_branch_directly(client, seed, cast):
    grassroots(seed, 2)
    client.force_login(cast.reviewer)
    offered = options(client.get(reverse("reports:overview")), "unit")
    children = Unit.objects.filter(parent=cast.province).values_list("code", flat=True)
    assert set(offered) == {"kien-giang", *children}
    assert not any("-xa-" in code for code in offered)
    drilled = options(client.get(reverse("reports:overview"), {"unit": "rach-gia"}), "unit")
    assert {"kien-giang", "rach-gia", "rach-gia-xa-0", "rach-gia-xa-1"} <= set(drilled)
    assert "ha-tien-xa-0" not in drilled
    found = options(client.get(reverse("reports:overview"), {"q": "xã 1 hà"}), "unit")
    assert "ha-tien-xa-1" in found


def test_compare_offers_parents_near_the_chosen_one_and_found_ones(client, seed, cast):
    grassroots(seed, 2)
    client.force_login(cast.reviewer)
    response = client.get(reverse("reports:compare"), {"parent": "rach-gia"})
    assert response.status_code == 200
    assert options(response, "units") == ["rach-gia-xa-0", "rach-gia-xa-1"]
    parents = options(response, "parent")
    assert "kien-giang" in parents and "rach-gia" in parents
    assert "cong-an" not in parents  # no units under it to compare
    found = options(client.get(reverse("reports:compare"), {"q": "Hà Tiên"}), "parent")
    assert "ha-tien" in found


def test_a_secretary_cannot_reach_another_unit_by_code_search_or_parameter(client, seed, cast):
    grassroots(seed, 2)
    client.force_login(cast.secretary_b)
    assert client.get(reverse("reports:unit", args=["rach-gia"])).status_code == 404
    assert client.get(reverse("reports:unit", args=["rach-gia-xa-0"])).status_code == 404
    searched = client.get(reverse("reports:overview"), {"q": "rạch"})
    assert searched.status_code == 200
    assert set(options(searched, "unit")) == {"kien-giang", "cong-an"}
    for name, params in [
        ("reports:overview", {"unit": "rach-gia"}),
        ("reports:compare", {"parent": "rach-gia"}),
        ("reports:compare", {"units": "rach-gia"}),
    ]:
        response = client.get(reverse(name), params)
        assert response.status_code == 400, (name, params)
        assert "Xã 0 Rạch Giá" not in response.content.decode()
    assert completeness(client, parent="rach-gia-xa-0").status_code == 400
    index = client.get(reverse("reports:document-index", args=["3tn"]), {"q": "rạch"})
    assert "rach-gia" not in options(index, "unit")


def test_the_document_index_offers_units_near_the_users_and_a_search(client, seed, cast):
    grassroots(seed, 2)
    client.force_login(cast.reviewer)
    offered = options(client.get(reverse("reports:document-index", args=["3tn"])), "unit")
    assert "kien-giang" in offered and "rach-gia" in offered
    assert not any("-xa-" in code for code in offered)
    found = client.get(reverse("reports:document-index", args=["3tn"]), {"q": "Xã 1 Rạch"})
    assert "rach-gia-xa-1" in options(found, "unit")


# --- queries: the same with 2 or 40 grassroots units under each district ----------------------

SCALE_QUERIES = [
    # session, user, scope (memberships with their units), movements, the periods to choose
    # from, the years and stages, the completeness (periods, the count and page of units, due
    # units and report tallies of the page's groups, tallies of all: the units due are the
    # rows'), the header's open period, demo flag, the header's menu (1)
    ("reports:completeness", (), {"start": "2012", "end": "2012"}, 16),
    # The parent asked for, and the way back up to the province; its grassroots units are
    # groups of one unit: the day each submitted (1).
    ("reports:completeness", (), {"start": "2012", "end": "2012", "parent": "rach-gia"}, 19),
    # One period: its counts (2) and the page of units (count and rows).
    ("reports:completeness", (), {"period": "2012", "parent": "rach-gia"}, 16),
    # The overview: the chosen unit, the choices around it, and the search; its children and
    # their groups' totals; the user's "Việc cần làm"; like with like (+5: the units due and
    # counted, the rates per 100 members over the stage and each year from one query, the
    # changes and those per 100 members); the unit's coverage (2) and change over the same
    # units (4). Every page over the years: its unit's coverage (2; the unit page 4, its
    # subtree and the province).
    ("reports:overview", (), {"unit": "rach-gia", "q": "xã"}, 31),
    # The parent, its units, the parents around it; the ranking's totals, which the groups
    # reuse; like with like (+5, as the overview's).
    ("reports:compare", (), {"parent": "rach-gia"}, 22),
    # Like with like (+5): the peers' rates, the units due and counted under the peers and in
    # the province (read once for the profile and the page's headings).
    ("reports:unit", ("rach-gia",), {}, 22),
    # session, user, movement, scope, units around the user's and found ones, years, demo flag,
    # the header's menu (1)
    ("reports:document-index", ("3tn",), {"q": "xã"}, 10),
]


@pytest.mark.parametrize(("name", "args", "params", "expected"), SCALE_QUERIES)
@pytest.mark.parametrize("per_district", [2, 40])
def test_pages_run_the_same_queries_whatever_the_number_of_units(
    client, seed, cast, django_assert_num_queries, name, args, params, expected, per_district
):
    grassroots(seed, per_district)
    client.force_login(cast.reviewer)
    with django_assert_num_queries(expected):
        response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
