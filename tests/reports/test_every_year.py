"""A movement lives on after its first stage: stages in the database, every page accepting any
year that has periods (2014 alone included), the unit page listing all reports; and every
figure of a dashboard table traceable to the reports behind it."""

from __future__ import annotations

import html5lib
import pytest
from django.urls import reverse

from movements.models import Report, Stage
from movements.services.demo import demo_open_period
from tests.factories import make_report, totals_kept
from tests.reports.test_exports import shown_table

pytestmark = pytest.mark.django_db

MEETINGS = "hoi-nghi-trien-khai"
FIGURE = 7_654  # only Rạch Giá's approved 2014 report holds it
YEAR_2014 = {"start": 2014, "end": 2014}


@pytest.fixture
def approved_2014(cast, open_period, seed):
    make_report(cast.unit_a, open_period, seed, values={MEETINGS: FIGURE, "doan-vien": 1_000})
    return cast


def links(response) -> list[tuple[str, str]]:
    """(href, text) of every link inside the page's data tables."""
    tree = html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)
    return [
        (a.get("href"), "".join(a.itertext()).strip())
        for table in tree.iter("table")
        for a in table.iter("a")
    ]


def test_the_seed_defines_the_first_stage_and_the_demo_opens_the_next(seed):
    stages = list(
        Stage.objects.filter(movement=seed).values_list("name", "first_year", "last_year")
    )
    assert stages == [("Giai đoạn 2009–2013", 2009, 2013)]
    demo_open_period()
    demo_open_period()  # idempotent
    stages = list(
        Stage.objects.filter(movement=seed).values_list("name", "first_year", "last_year")
    )
    assert stages == [("Giai đoạn 2009–2013", 2009, 2013), ("Giai đoạn 2014–2018", 2014, 2018)]


@pytest.mark.parametrize(
    ("name", "args", "params"),
    [
        ("reports:overview", (), YEAR_2014),
        ("reports:compare", (), {**YEAR_2014, "indicator": MEETINGS}),
        ("reports:unit", ("rach-gia",), YEAR_2014),
        ("reports:unit", ("kien-giang",), YEAR_2014),
    ],
)
def test_an_approved_2014_figure_is_on_every_dashboard_for_2014(
    client, approved_2014, name, args, params
):
    client.force_login(approved_2014.reviewer)
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    assert "7.654" in response.content.decode()
    assert "2014" in response.content.decode()


def test_completeness_and_the_bao_cao_accept_2014_alone(client, approved_2014, seed):
    client.force_login(approved_2014.reviewer)
    response = client.get(reverse("reports:completeness"), YEAR_2014)
    assert response.status_code == 200
    header, rows = shown_table(response, "tinh-hinh-nop")
    assert header[1] == "2014"
    assert next(r for r in rows if r[0] == "Rạch Giá")[1].startswith("Đã duyệt")
    url = reverse("reports:document", args=[seed.code, "kien-giang", "2014-2014"])
    response = client.get(url)
    assert response.status_code == 200
    assert "7.654" in response.content.decode()
    response = client.get(reverse("reports:document", args=[seed.code, "kien-giang", "2009-2014"]))
    assert response.status_code == 200


def test_the_default_view_stays_the_first_stage_and_years_come_from_periods(client, approved_2014):
    client.force_login(approved_2014.reviewer)
    response = client.get(reverse("reports:overview"))
    page = response.content.decode()
    assert "2009–2013" in page
    assert "7.654" not in page
    assert '<option value="2014">2014</option>' in page
    response = client.get(reverse("reports:overview"), {"start": 2015, "end": 2015})
    assert response.status_code == 400
    assert "Năm “2015” không hợp lệ." in response.content.decode()
    response = client.get(reverse("reports:document", args=["3tn", "kien-giang", "2014-2015"]))
    assert response.status_code == 400
    assert "nằm ngoài các năm đó" in response.content.decode()


def test_the_unit_page_lists_all_of_the_units_reports(client, approved_2014, seed):
    make_report(approved_2014.unit_a, 2010, seed, values={MEETINGS: 1})
    client.force_login(approved_2014.reviewer)
    response = client.get(reverse("reports:unit", args=["rach-gia"]), {"start": 2010, "end": 2010})
    _header, rows = shown_table(response, "bao-cao")
    assert [r[0] for r in rows] == ["2010", "2014"]


def test_each_figure_of_a_dashboard_links_to_the_reports_behind_it(client, approved_2014, seed):
    cast = approved_2014
    client.force_login(cast.reviewer)
    report = "/entry/rach-gia/2014/"
    unit_2014 = "/units/rach-gia/?movement=3tn&start=2014&end=2014"

    # Overview: a figure → the units compared on it for that year.
    response = client.get(reverse("reports:overview"), YEAR_2014)
    assert (f"/compare/?movement=3tn&indicator={MEETINGS}&start=2014&end=2014", "7.654") in links(
        response
    )
    # Compare: each unit's figure → that unit's page for the year (and the stage's).
    response = client.get(reverse("reports:compare"), {**YEAR_2014, "indicator": MEETINGS})
    assert links(response).count((unit_2014, "7.654")) == 2
    # Unit page: the year's figure → the report; the list of reports → each report.
    response = client.get(unit_2014)
    assert (report, "7.654") in links(response)
    assert (report, "2014") in links(response)
    assert client.get(report).status_code == 200  # reviewers read any report

    # With submitted reports counted, the links keep counting them.
    with totals_kept(Report.objects.filter(unit=cast.unit_a)):
        Report.objects.filter(unit=cast.unit_a).update(status=Report.Status.SUBMITTED)
    response = client.get(reverse("reports:compare"), {**YEAR_2014, "indicator": MEETINGS})
    assert "7.654" not in response.content.decode()
    response = client.get(
        reverse("reports:compare"), {**YEAR_2014, "indicator": MEETINGS, "submitted": "on"}
    )
    assert (unit_2014 + "&submitted=on", "7.654") in links(response)


@pytest.mark.parametrize(
    ("name", "args", "says"),
    [
        ("reports:overview", (), "Số liệu cộng từ các báo cáo đã được duyệt."),
        ("reports:compare", (), "Chỉ tính báo cáo đã duyệt."),
        ("reports:unit", ("rach-gia",), "chỉ tính báo cáo đã duyệt"),
        ("reports:completeness", (), "Bảng ghi mọi báo cáo, ở mọi trạng thái"),
    ],
)
def test_each_dashboard_states_which_statuses_it_counts(client, cast, name, args, says):
    client.force_login(cast.reviewer)
    assert says in client.get(reverse(name, args=args)).content.decode()


def test_the_filters_offer_each_stage_within_the_years_that_have_periods(client, cast, seed):
    demo_open_period()
    client.force_login(cast.reviewer)
    response = client.get(reverse("reports:compare"), {"indicator": MEETINGS, "per": "100dv"})
    stages = {
        text: href
        for href, text in (
            (a.get("href"), "".join(a.itertext()))
            for a in html5lib.parse(
                response.content, treebuilder="etree", namespaceHTMLElements=False
            ).iter("a")
        )
        if text.startswith("Giai đoạn")
    }
    assert set(stages) == {"Giai đoạn 2009–2013", "Giai đoạn 2014–2018"}
    # 2015–2018 have no periods yet: the link shows 2014 alone, keeping the other choices.
    response = client.get(reverse("reports:compare") + stages["Giai đoạn 2014–2018"])
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["start"] == 2014
    assert response.context["form"].cleaned_data["end"] == 2014
    assert response.context["form"].cleaned_data["per"] == "100dv"
