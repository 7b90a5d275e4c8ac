"""Every dashboard table downloads as CSV and .xlsx with exactly the rows and columns shown."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import ROUND_HALF_UP, Decimal

import html5lib
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from movements.formatting import format_date
from reports.exports import CSV_DECIMALS, CSV_INTERNATIONAL, CSV_VIETNAMESE, CsvForm

pytestmark = pytest.mark.django_db


def shown_table(response, name: str) -> tuple[list[str], list[list[str]]]:
    tree = html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)
    for section in tree.iter("section"):
        if section.get("aria-labelledby") == f"{name}-title":
            table = section.find(".//table")
            header = [
                re.sub(r"\s+", " ", "".join(th.itertext())).strip() for th in table.iter("th")
            ]
            rows = [
                [re.sub(r"\s+", " ", "".join(td.itertext())).strip() for td in tr.findall("td")]
                for tr in table.iter("tr")
                if tr.findall("td")
            ]
            return header, rows
    raise AssertionError(name)


def table_part(rows: list[list]) -> list[list]:
    """The table of an export: the rows below its title block, which ends with an empty row."""
    blank = next(i for i, row in enumerate(rows) if all(v in (None, "") for v in row))
    return rows[blank + 1 :]


def csv_lines(response, form: CsvForm = CSV_VIETNAMESE) -> list[list[str]]:
    """Every line of a CSV export in `form` (the title block too), its numbers with a decimal
    point ("0,2" -> "0.2", as Decimal reads them)."""
    return csv_text_lines(response.content.decode("utf-8"), form)


def csv_text_lines(text: str, form: CsvForm = CSV_VIETNAMESE) -> list[list[str]]:
    """`csv_lines` of a CSV's text, which starts with the byte-order mark."""
    assert text.startswith("\ufeff")
    number = re.compile(rf"-?\d+(\{form.decimal_mark}\d+)?")
    return [
        [cell.replace(form.decimal_mark, ".") if number.fullmatch(cell) else cell for cell in line]
        for line in csv.reader(io.StringIO(text[1:]), delimiter=form.delimiter)
    ]


def csv_rows(response, form: CsvForm = CSV_VIETNAMESE) -> list[list[str]]:
    """The table of a CSV export: its header, then its rows (`csv_lines`)."""
    return table_part(csv_lines(response, form))


def as_in_csv(value) -> Decimal:
    """An exact number as a CSV writes it: rounded half up to CSV_DECIMALS places."""
    return Decimal(value).quantize(Decimal(1).scaleb(-CSV_DECIMALS), rounding=ROUND_HALF_UP)


def xlsx_rows(response) -> list[list]:
    """The table of an .xlsx export: its header, then its rows."""
    sheet = load_workbook(io.BytesIO(response.content)).active
    return table_part([list(row) for row in sheet.iter_rows(values_only=True)])


def xlsx_header_row(response) -> int:
    """The number of the sheet's row that holds the table's header."""
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return len(rows) - len(table_part(rows)) + 1


def same_value(csv_value: str, xlsx_value) -> bool:
    """The CSV's cell (`csv_lines`) holds the .xlsx's: the same text, the same integer, a
    fraction to CSV_DECIMALS places, the same day (25/6/2013 in the Vietnamese form)."""
    if isinstance(xlsx_value, dt.datetime):
        return csv_value == format_date(xlsx_value.date())
    if xlsx_value is None or isinstance(xlsx_value, str):
        return (csv_value or None) == xlsx_value
    if isinstance(xlsx_value, float):
        # An .xlsx cell holds a double (openpyxl writes 16 significant digits, Excel keeps 15);
        # the CSV, that number rounded to CSV_DECIMALS places.
        return Decimal(csv_value) == as_in_csv(Decimal(repr(xlsx_value)))
    return isinstance(xlsx_value, int) and csv_value == str(xlsx_value)


def shown_number(cell: str) -> Decimal:
    """'1.467,5' -> 1467.5; '+2' -> 2."""
    return Decimal(cell.lstrip("+").replace(".", "").replace(",", "."))


EXPORTS = [
    ("reports:compare", (), {}, "xep-hang"),
    ("reports:compare", (), {"per": "100dv", "peers": "district", "xh-sort": "-y2010"}, "xep-hang"),
    ("reports:compare", (), {"indicator": "phan:nhan-dan"}, "ca-phan"),
    ("reports:overview", (), {}, "phan-trien-khai"),
    ("reports:overview", (), {}, "doi-chieu"),
    ("reports:unit", ("rach-gia",), {}, "chi-tieu"),
    ("reports:unit", ("rach-gia",), {}, "bao-cao"),
    ("reports:completeness", (), {}, "tinh-hinh-nop"),
]


@pytest.mark.parametrize(("name", "args", "params", "table"), EXPORTS)
def test_csv_and_xlsx_hold_the_rows_and_columns_of_the_table_shown(
    client, demo, cast, name, args, params, table
):
    client.force_login(cast.reviewer)
    url = reverse(name, args=args)
    header, rows = shown_table(client.get(url, params), table)
    exported_csv = csv_rows(client.get(url, {**params, "export": table, "format": "csv"}))
    response = client.get(url, {**params, "export": table, "format": "xlsx"})
    assert re.search(rf'[_-]{table}\.xlsx"$', response["Content-Disposition"])
    exported_xlsx = xlsx_rows(response)
    assert exported_csv[0] == header
    assert [str(h) for h in exported_xlsx[0]] == header
    assert len(exported_csv) - 1 == len(rows) == len(exported_xlsx) - 1
    for shown, from_csv, from_xlsx in zip(rows, exported_csv[1:], exported_xlsx[1:], strict=True):
        assert len(shown) == len(from_csv) == len(from_xlsx)
        for cell, csv_value, xlsx_value in zip(shown, from_csv, from_xlsx, strict=True):
            assert same_value(csv_value, xlsx_value), (csv_value, xlsx_value)
            if re.fullmatch(r"[+-]?[\d.]+(,\d)?%?", cell) and "%" not in cell:
                # Numbers: the exact exported value (the .xlsx's), rounded only as the page
                # shows it.
                shown_value = shown_number(cell)
                quantum = Decimal(1).scaleb(shown_value.as_tuple().exponent)
                exact = Decimal(str(xlsx_value))
                assert shown_value == exact.quantize(quantum, rounding=ROUND_HALF_UP), (
                    cell,
                    xlsx_value,
                )


def test_xlsx_numbers_are_numbers(client, demo, cast):
    client.force_login(cast.reviewer)
    response = client.get(reverse("reports:compare"), {"export": "xep-hang", "format": "xlsx"})
    rows = xlsx_rows(response)
    assert rows[0][:3] == ["Hạng", "Đơn vị", "2009"]
    assert isinstance(rows[1][2], int)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_secretary_exports_only_what_they_see(client, demo, cast):
    client.force_login(cast.secretary_a)
    response = client.get(
        reverse("reports:completeness"), {"export": "tinh-hinh-nop", "format": "csv"}
    )
    rows = csv_rows(response)
    assert [r[0] for r in rows[1:]] == ["Rạch Giá"]
    response = client.get(reverse("reports:unit", args=["cong-an"]), {"export": "chi-tieu"})
    assert response.status_code == 404


def test_an_export_says_what_it_holds_above_the_table_and_in_its_name(client, demo, cast):
    client.force_login(cast.reviewer)
    url = reverse("reports:compare")
    names = {}
    for per in ("", "100dv"):
        response = client.get(url, {"per": per, "export": "xep-hang", "format": "xlsx"})
        names[per] = response["Content-Disposition"]
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        block = rows[: xlsx_header_row(response)]
        facts = {row[0]: row[1] for row in block if row[0] and row[1]}
        assert facts["Phong trào"] == "3 trách nhiệm"
        assert facts["Đơn vị"] == "Tỉnh Đoàn Kiên Giang"
        assert facts["Thời gian"] == "2009–2013"
        assert facts["Số liệu"] == ("trên 100 đoàn viên" if per else "số tuyệt đối")
        assert facts["Báo cáo được tính"] == "đã duyệt"
        assert facts["Ngày xuất"].date() == timezone.localdate()  # a date cell
        assert "minh hoạ" in facts["Lưu ý"]
    assert 'filename="3tn_kien-giang_2009-2013_so-tuyet-doi_so-sanh-' in names[""]
    assert 'filename="3tn_kien-giang_2009-2013_tren-100-doan-vien_so-sanh-' in names["100dv"]
    assert names[""].endswith('-xep-hang.xlsx"')

    response = client.get(url, {"submitted": "on", "export": "xep-hang", "format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert "Báo cáo được tính;đã duyệt và đã gửi chờ duyệt" in text
    assert "_ca-cho-duyet_" in response["Content-Disposition"]


# --- the CSV's two forms --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "vietnamese", "international"),
    [
        (8964, "8964", "8964"),
        (1_540_000_000, "1540000000", "1540000000"),
        (-56, "-56", "-56"),
        (0, "0", "0"),
        (Decimal("0.07199424046076313894888408927"), "0,071994", "0.071994"),
        (Decimal(200) / Decimal(3), "66,666667", "66.666667"),
        (Decimal("12.5"), "12,5", "12.5"),
        (Decimal("3.000"), "3", "3"),
        (Decimal("-0.0239488800269969193031601636"), "-0,023949", "-0.023949"),
        (Decimal("-0.0000001"), "0", "0"),
        (Decimal("0.0000005"), "0,000001", "0.000001"),  # half up
        (Decimal("12379301.8333333333333333333"), "12379301,833333", "12379301.833333"),
        (Decimal("123456789012345678.1234567"), "123456789012345678,123457", None),
        (0.1 + 0.2, "0,3", "0.3"),
        (Decimal("NaN"), "", ""),
        (dt.date(2013, 6, 25), "25/6/2013", "2013-06-25"),
        (dt.date(2026, 12, 8), "8/12/2026", "2026-12-08"),
        ("Cán bộ, ĐVTN; vi phạm", "Cán bộ, ĐVTN; vi phạm", "Cán bộ, ĐVTN; vi phạm"),
        ("=1+2", "'=1+2", "'=1+2"),
        (None, "", ""),
    ],
)
def test_a_csv_cell_is_written_as_each_form_reads_it(value, vietnamese, international):
    assert CSV_VIETNAMESE.cell(value) == vietnamese
    if international is not None:
        assert CSV_INTERNATIONAL.cell(value) == international


def test_the_vietnamese_csv_separates_with_semicolons_and_quotes_only_what_needs_it():
    text = CSV_VIETNAMESE.text([["Chỉ tiêu", "Số"], ["Cán bộ, ĐVTN", Decimal("1.5")], ["a;b", 2]])
    assert text == '\ufeffChỉ tiêu;Số\r\nCán bộ, ĐVTN;1,5\r\n"a;b";2\r\n'
    text = CSV_INTERNATIONAL.text([["Cán bộ, ĐVTN", Decimal("1.5")]])
    assert text == '\ufeff"Cán bộ, ĐVTN",1.5\r\n'


def test_a_dashboard_csv_is_vietnamese_by_default_and_international_on_request(client, demo, cast):
    client.force_login(cast.reviewer)
    url = reverse("reports:compare")
    params = {"per": "100dv", "export": "xep-hang", "format": "csv"}
    default = client.get(url, params)
    explicit = client.get(url, {**params, "csv": "viet-nam"})
    international = client.get(url, {**params, "csv": "quoc-te"})
    assert default.content.startswith("\ufeff".encode())
    assert default["Content-Type"] == "text/csv; charset=utf-8"
    assert default.content == explicit.content
    vietnamese_rows = csv_rows(default)
    international_rows = csv_rows(international, CSV_INTERNATIONAL)
    assert vietnamese_rows == international_rows  # the same cells, written two ways
    first = default.content.decode("utf-8").splitlines()[-1]
    assert ";" in first and "." not in first.split(";", 2)[2]
    assert re.search(r";0,\d{6};", default.content.decode("utf-8"))
    assert re.search(r",0\.\d{6},", international.content.decode("utf-8"))
    # Each table links to both forms and the .xlsx; the links do not carry a chosen form on.
    page = client.get(url, {"per": "100dv", "csv": "quoc-te"}).content.decode()
    links = re.findall(r'href="([^"]*export=xep-hang[^"]*)"', page)
    assert len(links) == 3
    assert sum("csv=quoc-te" in link for link in links) == 1
    assert "CSV (dấu phẩy, số thập phân dấu chấm)" in page


@pytest.mark.parametrize("value", ["xyz", "QUOC-TE", "quoc-te ", "x" * 3000])
def test_an_unknown_csv_form_is_refused_in_vietnamese(client, demo, cast, value):
    client.force_login(cast.reviewer)
    response = client.get(
        reverse("reports:compare"), {"export": "xep-hang", "format": "csv", "csv": value}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Không có kiểu CSV" in page and "quoc-te" in page
    # The message quotes at most 40 characters of what was asked.
    assert "“" + value[:40] + "”" in page and "x" * 41 + "”" not in page
