import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from movements.models import Report, Unit
from reports.exports import CSV_INTERNATIONAL, CSV_VIETNAMESE, CsvForm
from tests.factories import make_report
from tests.reports.test_exports import csv_text_lines

pytestmark = pytest.mark.django_db


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_values", *args, stdout=out)
    return out.getvalue()


def sql_sum(indicator: str, unit: str, start: int, end: int, year: int | None = None) -> int:
    """The same figure summed by hand in SQL: approved values over the unit's subtree."""
    year_clause = "AND p.year = %s" if year else ""
    params = [indicator, unit, start, end] + ([year] if year else [])
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT COALESCE(SUM(v.value), 0)
            FROM movements_value v
            JOIN movements_indicator i ON i.id = v.indicator_id
            JOIN movements_report r ON r.id = v.report_id
            JOIN movements_period p ON p.id = r.period_id
            JOIN movements_unit u ON u.id = r.unit_id
            WHERE i.code = %s AND r.status = 'approved' AND p.kind = 'year'
              AND u.path LIKE (SELECT path FROM movements_unit WHERE code = %s) || '%%'
              AND p.year BETWEEN %s AND %s {year_clause}
            """,
            params,
        )
        return int(cursor.fetchone()[0])


def rows(text: str, form: CsvForm = CSV_VIETNAMESE) -> list[dict]:
    """The command's CSV in `form` as dicts by column, numbers with a decimal point."""
    lines = csv_text_lines(text, form)
    return [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]


@pytest.mark.parametrize("unit", ["kien-giang", "rach-gia", "cong-an"])
@pytest.mark.parametrize(
    "indicator", ["hoi-nghi-trien-khai", "luot-tham-gia-van-nghe", "tri-gia-nha", "don-vi-mau"]
)
def test_export_agrees_with_a_hand_written_sql_sum(demo, unit, indicator):
    # An unapproved report must not count.
    make_report(
        Unit.objects.get(code="an-bien"), 2014, demo, status="submitted", values={indicator: 1000}
    )
    data = {
        r["indicator_code"]: r
        for r in rows(export("--unit", unit, "--from", "2010", "--to", "2012"))
    }
    expected = sql_sum(indicator, unit, 2010, 2012)
    if expected:
        assert int(data[indicator]["value"]) == expected
        assert data[indicator]["period"] == "2010-2012"
    else:
        assert indicator not in data or int(data[indicator]["value"]) == 0


def test_export_by_year_gives_each_years_sum(demo):
    data = rows(export("--unit", "kien-giang", "--by", "year"))
    values = {(r["period"], r["indicator_code"]): int(float(r["value"])) for r in data}
    for year in range(2009, 2014):
        assert values[(str(year), "dem-van-nghe-tdtt")] == sql_sum(
            "dem-van-nghe-tdtt", "kien-giang", 2009, 2013, year
        )
    assert sum(values[(str(y), "dem-van-nghe-tdtt")] for y in range(2009, 2014)) == 1644
    # Each year's coverage: every one of the 24 units due approved, nothing provisional.
    assert {(r["units_counted"], r["units_due"], r["provisional"]) for r in data} == {
        ("24", "24", "False")
    }


def test_export_by_unit_splits_the_province_into_its_children(demo):
    data = rows(export("--by", "unit"))
    by_unit = {
        r["unit_code"]: int(r["value"])
        for r in data
        if r["indicator_code"] == "hoi-nghi-trien-khai"
    }
    assert len(by_unit) == 24
    assert sum(by_unit.values()) == 243
    for code in ("rach-gia", "giang-thanh", "cd-nghe"):
        assert by_unit[code] == sql_sum("hoi-nghi-trien-khai", code, 2009, 2013)


def test_export_takes_member_counts_at_the_end_of_the_range(demo):
    data = {r["indicator_code"]: r for r in rows(export("--from", "2009", "--to", "2011"))}
    assert int(data["doan-vien"]["value"]) == sql_sum("doan-vien", "kien-giang", 2011, 2011)


def test_export_published_figures_as_json(demo):
    data = json.loads(export("--published", "--format", "json", "--unit", "cong-an"))
    assert {r["unit_code"] for r in data} == {"cong-an"}
    assert {"indicator_code": "tri-gia-nha", "value": 1_540_000_000}.items() <= next(
        r for r in data if r["indicator_code"] == "tri-gia-nha"
    ).items()
    columns = [
        "unit_code",
        "unit_name",
        "period",
        "indicator_code",
        "indicator_name",
        "measure",
        "value",
    ]
    assert all(list(r) == columns for r in data)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "khong-co"], "Không có đơn vị"),
        (["--movement", "xyz"], "Không có phong trào"),
        (["--from", "2013", "--to", "2010"], "sau năm kết thúc"),
        (["--from", "2005"], "ngoài giai đoạn"),
        (["--to", "hai-nghin"], "cần một năm"),
        (["--by", "district"], "--by"),
        (["--format", "xml"], "--format"),
        (["--csv", "excel"], "--csv: Không có kiểu CSV “excel”"),
    ],
)
def test_export_refuses_bad_arguments_with_a_clear_message(demo, args, message):
    before = Report.objects.count()
    with pytest.raises(CommandError, match=message):
        export(*args)
    assert Report.objects.count() == before


def test_export_writes_the_vietnamese_csv_unless_asked_for_the_international_one(demo):
    vietnamese = export("--by", "year")
    international = export("--by", "year", "--csv", "quoc-te")
    assert export("--by", "year", "--csv", "viet-nam") == vietnamese
    assert vietnamese.startswith("\ufeffunit_code;unit_name;period;")
    assert international.startswith("\ufeffunit_code,unit_name,period,")
    assert rows(vietnamese) == rows(international, CSV_INTERNATIONAL)
    rate = next(r for r in rows(vietnamese) if r["indicator_code"] == "ty-le-co-so-dang-ky")
    # A rate to six decimal places (93,069307 in the file): not an exact quotient's 28 digits.
    assert re.fullmatch(r"\d+\.\d{1,6}", rate["value"])
    assert f";{rate['value'].replace('.', ',')};" in vietnamese
