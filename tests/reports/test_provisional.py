"""Coverage wherever a figure spans units, and the incomplete years called provisional: in the
dashboards' exports (title block and headers, CSV and .xlsx read back), on the charts over the
years, and in the báo cáo (its page and its .docx). Over the demo data with 2014 open: 6 of
the 24 units due have sent 2014, none approved; 2009–2013 complete.

The expected counts come from hand-written SQL, not from `year_coverage`."""

from __future__ import annotations

import io
import json
import re

import html5lib
import pytest
from django.db import connection
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from movements.models import IndicatorGroup, Unit
from movements.services.demo import demo_open_period
from reports.selectors import Subject, export_rows, report_coverage, year_coverage
from tests.factories import make_report
from tests.reports.test_exports import csv_lines

pytestmark = pytest.mark.django_db

COUNTED = {False: ("approved",), True: ("approved", "submitted")}


def sql_coverage(movement, unit: Unit, year: int, submitted: bool) -> tuple[int, int]:
    """(units counted, units due) in `unit`'s subtree for `year`: due are the units below the
    root that existed on some day of the year; counted, those of them with a report of the
    year whose status counts."""
    existed = (
        "(u.valid_from IS NULL OR u.valid_from <= %s) AND (u.valid_to IS NULL OR u.valid_to >= %s)"
    )
    first, last = f"{year}-01-01", f"{year}-12-31"
    statuses = COUNTED[submitted]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM movements_unit u WHERE u.path LIKE %s "
            f"AND u.parent_id IS NOT NULL AND {existed}",
            [unit.path + "%", last, first],
        )
        (due,) = cursor.fetchone()
        cursor.execute(
            f"SELECT COUNT(*) FROM movements_report r "
            f"JOIN movements_unit u ON u.id = r.unit_id "
            f"JOIN movements_period p ON p.id = r.period_id "
            f"WHERE u.path LIKE %s AND u.parent_id IS NOT NULL AND {existed} "
            f"AND r.movement_id = %s AND p.kind = 'year' AND p.year = %s "
            f"AND r.status IN ({', '.join(['%s'] * len(statuses))})",
            [unit.path + "%", last, first, movement.pk, year, *statuses],
        )
        (counted,) = cursor.fetchone()
    return counted, due


@pytest.fixture
def open_year(demo):
    """The demo data with 2014 open for entry: some units have sent it, none approved."""
    demo_open_period()
    return demo


def file_rows(response, fmt: str) -> list[list[str]]:
    """The export read back as text cells (empty cells as "")."""
    if fmt == "csv":
        return csv_lines(response)
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if c.value is None else str(c.value) for c in row] for row in sheet.iter_rows()]


def split(rows: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """(title block, the table's header row)."""
    blank = next(i for i, row in enumerate(rows) if all(v == "" for v in row))
    return rows[:blank], rows[blank + 1]


def coverage_lines(block: list[list[str]]) -> list[str]:
    return [row[1] for row in block if row and row[0].startswith("Đơn vị được tính")]


def expected_lines(movement, unit, years, submitted: bool) -> list[str]:
    done = "đơn vị đã nộp báo cáo" if submitted else "đơn vị có báo cáo được duyệt"
    lines = []
    for year in years:
        counted, due = sql_coverage(movement, unit, year, submitted)
        tail = "" if counted >= due else " — tạm tính"
        lines.append(f"{year}: {counted}/{due} {done}{tail}")
    return lines


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("submitted", [False, True])
def test_the_overview_exports_say_each_years_coverage_and_head_the_open_year_provisional(
    client, cast, units, open_year, fmt, submitted
):
    client.force_login(cast.reviewer)
    group = IndicatorGroup.objects.filter(movement=open_year).order_by("order").first()
    params = {"unit": "kien-giang", "start": "2013", "end": "2014"}
    if submitted:
        params["submitted"] = "on"
    response = client.get(
        reverse("reports:overview"), {**params, "export": f"phan-{group.code}", "format": fmt}
    )
    assert response.status_code == 200
    block, header = split(file_rows(response, fmt))
    lines = expected_lines(open_year, units.kien_giang, [2013, 2014], submitted)
    assert coverage_lines(block) == lines
    counted, due = sql_coverage(open_year, units.kien_giang, 2014, submitted)
    assert (counted, due) == ((6, 24) if submitted else (0, 24))
    assert lines[0] == (
        "2013: 24/24 đơn vị đã nộp báo cáo"
        if submitted
        else "2013: 24/24 đơn vị có báo cáo được duyệt"
    )
    assert ["Tạm tính", "Số liệu năm 2014 là số tạm tính: chưa đủ các đơn vị phải báo cáo."] in [
        row[:2] for row in block
    ]
    assert header[2:5] == ["2013", f"2014 (tạm tính, {counted}/{due})", "Cả giai đoạn — tạm tính"]


def test_an_export_of_complete_years_says_their_coverage_and_nothing_provisional(
    client, cast, units, open_year
):
    client.force_login(cast.reviewer)
    group = IndicatorGroup.objects.filter(movement=open_year).order_by("order").first()
    response = client.get(
        reverse("reports:overview"),
        {"start": "2009", "end": "2013", "export": f"phan-{group.code}", "format": "xlsx"},
    )
    rows = file_rows(response, "xlsx")
    block, header = split(rows)
    assert coverage_lines(block) == [
        f"{y}: 24/24 đơn vị có báo cáo được duyệt" for y in range(2009, 2014)
    ]
    assert header[2:8] == ["2009", "2010", "2011", "2012", "2013", "Cả giai đoạn"]
    assert not any("tạm tính" in cell for row in rows for cell in row)


def chart(response, chart_id: str) -> dict:
    tree = html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)
    source = next(s for s in tree.iter("script") if s.get("id") == f"{chart_id}-data")
    return json.loads(source.text)


def test_the_overview_trend_draws_the_open_year_provisional_and_only_it(client, cast, open_year):
    client.force_login(cast.reviewer)
    group = IndicatorGroup.objects.filter(movement=open_year).order_by("order").first()
    response = client.get(
        reverse("reports:overview"), {"start": "2012", "end": "2014", "submitted": "on"}
    )
    figure = chart(response, f"bieu-do-{group.code}")
    notes = [a["text"] for a in figure["layout"]["annotations"]]
    assert notes == ["2014: 6/24 đơn vị — tạm tính"]
    assert figure["layout"]["xaxis"]["ticktext"] == ["2012", "2013", "2014<br>(tạm tính)"]
    points = [t for t in figure["data"] if t.get("meta", {}).get("provisional") == [2014]]
    assert points
    for trace in points:
        assert trace["marker"]["symbol"] == ["circle", "circle", "circle-open"]
    dashed = [t for t in figure["data"] if t.get("line", {}).get("dash") == "dash"]
    assert {tuple(t["x"]) for t in dashed} == {("2013", "2014")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_comparison_exports_say_each_years_coverage_and_mark_the_open_year(
    client, cast, units, open_year, fmt
):
    client.force_login(cast.reviewer)
    params = {
        "indicator": "hoi-nghi-trien-khai",
        "start": "2013",
        "end": "2014",
        "submitted": "on",
    }
    response = client.get(
        reverse("reports:compare"), {**params, "export": "xep-hang", "format": fmt}
    )
    assert response.status_code == 200
    block, header = split(file_rows(response, fmt))
    assert coverage_lines(block) == expected_lines(
        open_year, units.kien_giang, [2013, 2014], submitted=True
    )
    assert header[2:5] == ["2013", "2014 (tạm tính, 6/24)", "Cả giai đoạn — tạm tính"]
    # The ranking over a provisional stage is titled so; each unit's line is dashed into 2014.
    page = client.get(reverse("reports:compare"), params)
    ranking = chart(page, "bieu-do-xep-hang")
    assert "tạm tính (đơn vị được tính 2014: 6/24)" in ranking["layout"]["title"]["text"].replace(
        " <br>", " "
    )
    lines = chart(page, "bieu-do-tung-don-vi")
    assert "2014: 6/24 đơn vị — tạm tính" in lines["layout"]["title"]["subtitle"]["text"]
    heat = chart(page, "bieu-do-nhiet")
    assert heat["data"][0]["x"] == ["2013", "2014 (tạm tính)"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_units_export_heads_its_own_years_by_its_own_reports_and_the_province_by_its_coverage(
    client, cast, units, open_year, fmt
):
    client.force_login(cast.reviewer)
    params = {
        "start": "2013",
        "end": "2014",
        "submitted": "on",
        "export": "chi-tieu",
        "format": fmt,
    }
    # Hà Tiên sent 2014: its own year is complete; the province's total over 2013–2014 is not.
    sent = file_rows(client.get(reverse("reports:unit", args=["ha-tien"]), params), fmt)
    block, header = split(sent)
    assert [row[0] for row in block if row and row[0].startswith("Đơn vị được tính")] == [
        f"Đơn vị được tính ({units.kien_giang.short_name})"
    ] * 2
    assert coverage_lines(block) == expected_lines(
        open_year, units.kien_giang, [2013, 2014], submitted=True
    )
    assert header[2:5] == ["2013", "2014", "Cả giai đoạn"]
    assert "Toàn tỉnh — tạm tính" in header
    # Rạch Giá's 2014 is a draft: its own year is provisional, none of its one unit counted.
    draft = file_rows(client.get(reverse("reports:unit", args=["rach-gia"]), params), fmt)
    _block, header = split(draft)
    assert header[2:5] == ["2013", "2014 (tạm tính, 0/1)", "Cả giai đoạn — tạm tính"]


def approve_one_2014_report(movement) -> Unit:
    """A unit with no 2014 report gets one, approved: 1 of the 24 units approved."""
    unit = (
        Unit.objects.filter(parent__isnull=False, valid_to__isnull=True)
        .exclude(reports__period__year=2014)
        .order_by("sort_order", "pk")
        .first()
    )
    make_report(unit, 2014, movement, values={"hoi-nghi-trien-khai": 3})
    return unit


def docx_text(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def test_the_bao_cao_of_an_open_year_says_it_is_provisional_with_its_counts(
    client, cast, units, open_year
):
    approve_one_2014_report(open_year)
    assert sql_coverage(open_year, units.kien_giang, 2014, submitted=False) == (1, 24)
    client.force_login(cast.reviewer)
    args = ["3tn", "kien-giang", "2013-2014"]
    response = client.get(reverse("reports:document", args=args))
    assert response.status_code == 200
    tree = html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)
    statement = "Báo cáo tạm tính: mới có 1/24 đơn vị được duyệt số liệu năm 2014."
    notice = tree.find(".//*[@id='tam-tinh']")
    assert "".join(notice.itertext()).strip() == statement
    article = re.sub(r"\s+", " ", "".join(tree.find(".//article").itertext()))
    per_year = (
        "Số đơn vị có báo cáo được duyệt trên số đơn vị phải báo cáo: "
        "năm 2013: 24/24; năm 2014: 1/24 (tạm tính)."
    )
    assert per_year in article
    # 2013–2014 against 2011–2012: 2014 is under the threshold, so no change is stated.
    assert re.search(
        r"giai đoạn 2013 - 2014 \(tạm tính, năm 2014: 1/24 đơn vị\) đạt [^;]+; "
        r"chưa đủ số liệu để so sánh với giai đoạn 2011 - 2012 \(năm 2014: 1/24 đơn vị\)",
        article,
    )
    assert "so với giai đoạn 2011 - 2012" not in article
    assert "2014 (tạm tính, 1/24)" in article  # the annex's year column
    # The Word file says the same, before its body.
    paragraphs = docx_text(client.get(reverse("reports:document-docx", args=args)).content)
    assert statement in paragraphs
    assert paragraphs.index(statement) < next(
        i for i, p in enumerate(paragraphs) if p.startswith("Nhằm đánh giá")
    )
    assert per_year in paragraphs


def test_the_bao_cao_of_complete_years_is_not_provisional(client, cast, open_year):
    client.force_login(cast.reviewer)
    args = ["3tn", "kien-giang", "2009-2013"]
    response = client.get(reverse("reports:document", args=args))
    tree = html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)
    assert tree.find(".//*[@id='tam-tinh']") is None
    article = re.sub(r"\s+", " ", "".join(tree.find(".//article").itertext()))
    assert "tạm tính" not in article
    assert (
        "năm 2009: 24/24; năm 2010: 24/24; năm 2011: 24/24; năm 2012: 24/24; năm 2013: 24/24."
    ) in article
    paragraphs = docx_text(client.get(reverse("reports:document-docx", args=args)).content)
    assert not any("tạm tính" in p for p in paragraphs)


@pytest.mark.parametrize("submitted", [False, True])
def test_the_bao_cao_list_of_who_reported_agrees_with_each_years_coverage(
    units, open_year, submitted
):
    approve_one_2014_report(open_year)
    subject = Subject.of(
        movement=open_year,
        unit=units.kien_giang,
        start_year=2012,
        end_year=2014,
        include_submitted=submitted,
    )
    listed = report_coverage(subject=subject)
    coverage = year_coverage(subject=subject)
    for year in (2012, 2013, 2014):
        due = [u for u, periods in listed.expected if any(p.year == year for p in periods)]
        counted = [
            u
            for u in due
            if any(
                p.year == year and p.pk in listed.reported.get(u.pk, set())
                for _u, periods in listed.expected
                if _u == u
                for p in periods
            )
        ]
        assert (coverage[year].counted, coverage[year].due) == (len(counted), len(due))
        assert (len(counted), len(due)) == sql_coverage(
            open_year, units.kien_giang, year, submitted
        )


def test_the_rows_of_export_values_say_each_years_coverage_and_which_are_provisional(
    units, open_year
):
    subject = Subject.of(
        movement=open_year,
        unit=units.kien_giang,
        start_year=2013,
        end_year=2014,
        include_submitted=True,
    )
    by_year = export_rows(subject=subject, by="year")
    seen = {(r["period"], r["units_counted"], r["units_due"], r["provisional"]) for r in by_year}
    assert seen == {("2013", 24, 24, False), ("2014", 6, 24, True)}
    stage = export_rows(subject=subject, by="none")
    assert stage and {(r["units_counted"], r["units_due"], r["provisional"]) for r in stage} == {
        (None, None, True)
    }
    complete = export_rows(subject=subject.with_years(2012, 2013), by="unit")
    assert complete and not any(r["provisional"] for r in complete)
    one_year = export_rows(subject=subject.with_years(2014, 2014), by="none")
    assert {(r["units_counted"], r["units_due"], r["provisional"]) for r in one_year} == {
        (6, 24, True)
    }
