"""The overview's groups: the units under the chosen unit (districts against branches under the
province, the grassroots of a district) compared on every section's headline indicator — the
page's figures and exports against sums written independently in SQL, full precision in the
files, links to the units behind each figure, the summary before the detail, who sees it, and
the number of queries at two data sizes."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import html5lib
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from movements.models import Indicator, Unit
from tests.factories import make_report
from tests.reports import test_groups
from tests.reports.test_exports import as_in_csv, csv_rows
from tests.reports.test_groups import sql_groups

pytestmark = pytest.mark.django_db

# The demo data with grassroots units and reports that must not count (tests/reports/test_groups).
groups_world = test_groups.groups_world

GROUP_LABELS = {
    "Huyện, thị, thành Đoàn": "district",
    "Đoàn trực thuộc": "branch",
    "Cơ sở Đoàn": "grassroots",
    "Tất cả các nhóm": "all",
}


def _csv(response) -> list[list[str]]:
    """The table of a CSV export (below its title block)."""
    assert response.status_code == 200, response.content[:300]
    return csv_rows(response)


def _tree(response):
    return html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)


def _section(response, labelled_by: str):
    for section in _tree(response).iter("section"):
        if section.get("aria-labelledby") == labelled_by:
            return section
    raise AssertionError(f"no section {labelled_by}")


@pytest.mark.parametrize("parent_code", ["kien-giang", "rach-gia"])
def test_overview_groups_agree_with_sums_written_in_sql(client, cast, groups_world, parent_code):
    movement = groups_world
    parent = Unit.objects.get(code=parent_code)
    client.force_login(cast.reviewer)
    url = reverse("reports:overview")
    headlines = list(
        Indicator.objects.filter(movement=movement, is_headline=True).order_by(
            "group__order", "order"
        )
    )
    assert headlines
    expected_groups = ["district", "branch"] if parent_code == "kien-giang" else ["grassroots"]
    people = {
        stage: sql_groups(movement, parent, "doan-vien", 2009, 2013, stage=stage)
        for stage in (False, True)
    }
    for indicator in headlines:
        lines = _csv(
            client.get(
                url,
                {"unit": parent_code, "export": f"nhom-{indicator.code}", "format": "csv"},
            )
        )
        assert lines[0][7] == "Trên 100 đoàn viên"
        sums = {
            stage: sql_groups(movement, parent, indicator.code, 2009, 2013, stage=stage)
            for stage in (False, True)
        }
        seen = set()
        for line in lines[1:]:
            group_label, period, units, reporting, total, average, members, rate = line[:8]
            group = GROUP_LABELS[group_label]
            stage = period.startswith("Cả giai đoạn")
            # A year of the range with units due that did not report: "2009 (tạm tính, 24/26)".
            year = None if stage else int(period.split()[0])
            groups = expected_groups if group == "all" else [group]
            seen.add(group)
            children = Unit.objects.filter(parent=parent)
            in_group = [u for u in children if group == "all" or u.peer_group == group]
            assert int(units) == len(in_group)
            found = [sums[stage][(g, year)] for g in groups if (g, year) in sums[stage]]
            if not found:
                assert (total, reporting) == ("", "0")
                continue
            expected_total = sum(s for s, _n in found)
            assert (int(total), int(reporting)) == (expected_total, sum(n for _s, n in found))
            assert Decimal(average) == as_in_csv(Decimal(expected_total) / int(reporting))
            heads = [people[stage][(g, year)][0] for g in groups if (g, year) in people[stage]]
            if heads and sum(heads):
                assert int(members) == sum(heads)
            # The rate per 100 members over the same units: test_like_with_like.py.
        assert seen == set(expected_groups) | ({"all"} if len(expected_groups) > 1 else set())


def test_the_overview_summary_compares_districts_and_branches_with_links_to_their_units(
    client, seed, cast, units
):
    make_report(units.rach_gia, 2012, seed, values={"hoi-nghi-trien-khai": 1, "doan-vien": 100})
    make_report(units.ha_tien, 2012, seed, values={"hoi-nghi-trien-khai": 30, "doan-vien": 900})
    make_report(units.cong_an, 2012, seed, values={"hoi-nghi-trien-khai": 2, "doan-vien": 3})
    client.force_login(cast.reviewer)
    params = {"start": "2012", "end": "2012"}
    response = client.get(reverse("reports:overview"), params)
    assert response.status_code == 200
    summary = _section(response, "nhom-tom-tat")
    heads = [re.sub(r"\s+", " ", "".join(th.itertext())).strip() for th in summary.iter("th")]
    assert heads[:3] == ["Chỉ tiêu", "Huyện, thị, thành Đoàn", "Đoàn trực thuộc"]
    row = next(tr for tr in summary.iter("tr") if "Hội nghị triển khai" in "".join(tr.itertext()))
    cells = row.findall("td")
    # 31 cuộc, 31 / 1000 × 100 = 3,1; 2 cuộc, 2 / 3 × 100 = 66,7 (rounded for display only).
    assert ["".join(td.itertext()).strip() for td in cells] == ["31", "3,1", "2", "66,7"]
    links = [td.find("a").get("href") for td in cells]
    assert links[2] == (
        reverse("reports:compare")
        + "?movement=3tn&indicator=hoi-nghi-trien-khai&start=2012&end=2012"
        "&parent=kien-giang&peers=branch"
    )
    assert links[3] == links[2] + "&per=100dv"
    # The link leads to the branches behind the figure, and Công an's 2 among them.
    compare = client.get(links[2])
    assert compare.status_code == 200
    ranked = _section(compare, "xep-hang-title")
    names = [
        "".join(tr.findall("td")[1].itertext()).strip()
        for tr in ranked.iter("tr")
        if tr.findall("td")
    ]
    assert set(names) == {
        u.short_name for u in Unit.objects.filter(kind=Unit.Kind.BRANCH, parent=units.kien_giang)
    }
    assert names[0] == "Công an tỉnh"

    # The full table by group and year exports the exact figures.
    url = reverse("reports:overview")
    lines = _csv(client.get(url, {**params, "export": "nhom-hoi-nghi-trien-khai", "format": "csv"}))
    # Three units of those due reported 2012: the year is provisional.
    due = Unit.objects.filter(parent__isnull=False).count()
    provisional = f"2012 (tạm tính, 3/{due})"
    branch = next(r for r in lines if r[0] == "Đoàn trực thuộc" and r[1] == provisional)
    # The CSV to six decimal places, not as the page rounds it; the .xlsx exact (below).
    assert Decimal(branch[7]) == Decimal("66.666667")
    response = client.get(url, {**params, "export": "nhom-hoi-nghi-trien-khai", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    district = next(r for r in rows if r[0] == "Huyện, thị, thành Đoàn" and r[1] == provisional)
    assert district[3:8] == [2, 31, 15.5, 1000, 3.1]
    exact = next(r for r in rows if r[0] == "Đoàn trực thuộc" and r[1] == provisional)[7]
    assert exact == float(Decimal(200) / Decimal(3))
    xlsx_branch = next(r for r in rows if r[0] == "Đoàn trực thuộc" and r[1] == provisional)
    assert xlsx_branch[7] == pytest.approx(200 / 3, abs=1e-12)
    # Each figure of that table links to the units of its group for its year.
    table = _section(response := client.get(url, params), "nhom-hoi-nghi-trien-khai-title")
    hrefs = [a.get("href") for a in table.iter("a")]
    assert any("peers=district" in h and "start=2012&end=2012" in h for h in hrefs)
    assert any("peers=branch" in h and h.endswith("&per=100dv") for h in hrefs)


def test_the_summary_comes_before_the_detail(client, demo, cast, open_period):
    client.force_login(cast.reviewer)
    html = client.get(reverse("reports:overview")).content.decode()
    order = [
        'id="tom-tat"',
        'id="nhom-tom-tat"',
        'id="tien-do-2014"',
        'id="theo-nhom-heading"',
        'id="phan-trien-khai"',
        'id="doi-chieu-line"',
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    # Every section's headline figure is a card in the summary, with its change.
    summary = _section(client.get(reverse("reports:overview")), "tom-tat")
    cards = [
        re.sub(r"\s+", " ", "".join(div.itertext())).strip()
        for div in summary.iter("div")
        if div.get("class") == "card headline"
    ]
    assert len(cards) == Indicator.objects.filter(movement=demo, is_headline=True).count()
    assert "243 cuộc" in cards[0] and "2009 → 2013" in cards[0]


def _grassroots(parent: Unit, numbers, seed, years, values) -> None:
    """Grassroots units `CĐ <n>` under `parent`, each with approved reports of those years
    holding `values(n)`."""
    for n in numbers:
        unit = Unit.objects.create(
            code=f"co-so-{n}",
            name=f"Chi đoàn {n}",
            short_name=f"CĐ {n}",
            kind="grassroots",
            parent=parent,
        )
        for year in years:
            make_report(unit, year, seed, values=values(n))


def test_the_grassroots_of_a_district_are_grouped_on_its_overview(client, seed, cast, units):
    _grassroots(
        units.rach_gia,
        (1, 2),
        seed,
        [2012],
        lambda n: {"hoi-nghi-trien-khai": 3 * n, "doan-vien": 20},
    )
    make_report(units.rach_gia, 2012, seed, values={"hoi-nghi-trien-khai": 50})
    client.force_login(cast.secretary_a)
    params = {"unit": "rach-gia", "start": "2012", "end": "2012"}
    response = client.get(reverse("reports:overview"), params)
    summary = _section(response, "nhom-tom-tat")
    assert "Cơ sở Đoàn" in "".join(summary.itertext())
    lines = _csv(
        client.get(
            reverse("reports:overview"),
            {**params, "export": "nhom-hoi-nghi-trien-khai", "format": "csv"},
        )
    )
    # The district's own report (50) is in no group of its units: 3 + 6 over 40 members.
    assert lines[1][:8] == ["Cơ sở Đoàn", "2012", "2", "2", "9", "4.5", "40", "22.5"]


def test_a_secretary_sees_no_groups_of_the_province(client, demo, cast):
    client.force_login(cast.secretary_a)
    response = client.get(reverse("reports:overview"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="nhom-tom-tat"' not in page and 'id="theo-nhom-heading"' not in page
    export = client.get(
        reverse("reports:overview"), {"export": "nhom-hoi-nghi-trien-khai", "format": "csv"}
    )
    assert export.status_code == 400


@pytest.mark.parametrize("extra", [2, 9])
def test_the_overview_of_a_unit_with_children_runs_a_fixed_number_of_queries(
    client, seed, cast, units, django_assert_num_queries, extra
):
    _grassroots(
        units.rach_gia,
        range(extra),
        seed,
        (2011, 2012),
        lambda n: {"hoi-nghi-trien-khai": n, "doan-vien": 10},
    )
    client.force_login(cast.reviewer)
    # session, user, scope (memberships, units), movements, the years that have periods and the
    # stages, indicators, totals by year and over the stage, the groups of its children by year
    # and over the stage, published figures and their totals, the header's progress link (2),
    # demo flag, the header's menu (1), the user's "Việc cần làm"; like with like (+5): the
    # children's units due and counted each year (2), the rates per 100 members over the stage
    # and each year (1, from the same values), the changes and the changes per 100 members (2)
    with django_assert_num_queries(30):  # and its coverage (2), like_for_like (4)
        response = client.get(reverse("reports:overview"), {"unit": "rach-gia"})
    assert response.status_code == 200
    assert f"CĐ {extra - 1}" not in response.content.decode()  # groups, not units
