"""The hard ceiling of a figure (rules.ceiling) and malformed numbers on every path that writes
one: the entry form, an uploaded workbook and the services called directly each refuse them
with a message and save nothing, never a 500, so that no accepted figure can make the stored
totals of a period overflow for the other units."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from movements import excel
from movements.models import Indicator, Movement, Report, Rollup, Unit, Value
from movements.rules import BIGINT_MAX, NumberError, parse_number
from movements.services import ServiceError
from movements.services.imports import ImportRow, import_apply
from movements.services.workflow import report_save
from tests.conftest import report_url
from tests.factories import blanks_kept, make_report

pytestmark = pytest.mark.django_db

COUNT_MAX = 10**9  # rules.CEILINGS, written out: the tests also run against the code before
MONEY_MAX = 10**12
# 2⁶³ − 1 minus a submitted total: the figure that jammed a period.
JAMMING = 9_223_372_036_854_765_972

# Text typed in the form (or held as text in a cell), with what the message says.
HOSTILE_TEXT = [
    (str(JAMMING), "Số quá lớn"),
    ("9.223.372.036.854.765.972", "Số quá lớn"),
    ("1.000.000.000.000.000.000.000", "Số quá lớn"),
    ("99999999999999999999tỷ", "Số quá lớn"),
    ("100,000,000,000,000,000,000,000,000,000", "Số quá lớn"),
    ("1.000.000.001", "Số quá lớn"),  # a count above its ceiling
    ("9" * 5000, "nhiều nhất 40 ký tự"),
    ("1" + " " * 100, "nhiều nhất 40 ký tự"),
]
NOT_NUMBERS = ["1e400", "NaN", "nan", "∞", "inf", "0x10", "1e3"]


def short(value) -> str:
    """A test id that does not spell out 5,000 digits."""
    text = str(value)
    return text if len(text) <= 24 else f"{text[:12]}…({len(text)} chars)"


def entry(values: dict, action: str = "submit") -> dict:
    data = {"version": 0, "action": action, "highlights": "", "shortcomings": ""}
    data["confirm_unusual"] = "on"  # the plausibility question answered: the ceiling still holds
    data.update({f"v-{code}": text for code, text in values.items()})
    data.update(blanks_kept(Movement.objects.get(code="3tn")))  # blank stays blank
    return data


def nothing_saved():
    assert not Value.objects.exists()
    assert not Report.objects.exists()


# --- the rule ----------------------------------------------------------------------------------


def test_every_stored_indicator_has_a_ceiling_far_below_what_totals_hold(seed):
    from movements.rules import ceiling

    # A period's total of a figure sums every unit's report; a stage's, every period's. With
    # 15,000 units over 20 periods at the ceiling, the sum stays ten times within a bigint.
    for indicator in Indicator.objects.stored():
        assert ceiling(indicator) * 15_000 * 20 * 10 < BIGINT_MAX, indicator.code
        assert ceiling(indicator) >= (indicator.max_value or 0) * 10, indicator.code
    assert ceiling(Indicator(kind=Indicator.Kind.COUNT)) == COUNT_MAX == 10**9
    assert ceiling(Indicator(kind=Indicator.Kind.MONEY)) == MONEY_MAX == 10**12


@pytest.mark.parametrize("text, message", HOSTILE_TEXT, ids=short)
def test_parse_number_refuses_numbers_above_the_ceiling_it_is_given(text, message):
    with pytest.raises(NumberError, match=message):
        parse_number(text, limit=COUNT_MAX)
    if text != "1.000.000.001":  # below the ceiling of money
        with pytest.raises(NumberError, match=message):
            parse_number(text)


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_parse_number_refuses_what_is_not_a_number(text):
    with pytest.raises(NumberError, match="không phải là một con số"):
        parse_number(text)


def test_parse_number_takes_the_ceiling_itself():
    assert parse_number("1.000.000.000", limit=COUNT_MAX) == COUNT_MAX
    assert parse_number("1.000.000.000.000") == MONEY_MAX


# --- the entry form ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message", HOSTILE_TEXT + [(t, "không phải là một con số") for t in NOT_NUMBERS]
)
def test_form_refuses_a_hostile_number_with_a_message_and_saves_nothing(
    client, cast, open_period, text, message
):
    client.force_login(cast.secretary_a)
    response = client.post(report_url(), entry({"doan-vien": text, "cau": "4"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Chưa lưu" in html
    nothing_saved()


def test_form_says_the_ceiling_of_the_indicator(client, cast, open_period):
    client.force_login(cast.secretary_a)
    response = client.post(
        report_url(), entry({"doan-vien": "1.000.000.001", "tri-gia-nha": "1.000.000.000.001"})
    )
    html = response.content.decode()
    assert "Số quá lớn: không nhận số trên 1.000.000.000." in html
    assert "Số quá lớn: không nhận số trên 1.000.000.000.000." in html
    nothing_saved()


def test_form_takes_a_figure_at_its_ceiling_once_confirmed(client, cast, open_period):
    client.force_login(cast.secretary_a)
    response = client.post(
        report_url(), entry({"doan-vien": "1.000.000.000", "tri-gia-nha": "1.000.000.000.000"})
    )
    assert response.status_code == 302
    values = dict(Value.objects.values_list("indicator__code", "value"))
    assert values == {"doan-vien": COUNT_MAX, "tri-gia-nha": MONEY_MAX}


def test_the_figure_that_jammed_a_period_is_refused_and_the_others_still_send(
    client, cast, open_period
):
    client.force_login(cast.secretary_a)
    response = client.post(report_url(), entry({"doan-vien": str(JAMMING)}))
    assert response.status_code == 200
    assert "Số quá lớn" in response.content.decode()
    nothing_saved()
    client.force_login(cast.secretary_b)
    response = client.post(report_url(unit="cong-an"), entry({"doan-vien": "10.000"}))
    assert response.status_code == 302
    total = Rollup.objects.get(
        unit=cast.province, period=open_period, indicator__code="doan-vien", status="submitted"
    ).total
    assert total == 10_000 and isinstance(total, int)


# --- an uploaded workbook ----------------------------------------------------------------------


def download(client):
    response = client.get(report_url("xlsx"))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def set_cell(book, code, value):
    sheet = book[excel.SHEET]
    for row in sheet.iter_rows(min_row=1):
        if row[1].value == code:
            sheet.cell(row=row[0].row, column=8).value = value
            return
    raise AssertionError(code)


def workbook_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_raw_number(content: bytes, placeholder: int, raw: str) -> bytes:
    """The workbook with the numeric cell holding `placeholder` rewritten to hold `raw` as
    its stored text: what Excel or another tool could write and openpyxl cannot."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    replaced = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data, count = re.subn(
                    rf"<v>{placeholder}</v>".encode(), f"<v>{raw}</v>".encode(), data
                )
                replaced += count
            target.writestr(info, data)
    assert replaced == 1
    return out.getvalue()


def upload(client, content: bytes):
    return client.post(
        report_url("xlsx-upload"),
        {"file": SimpleUploadedFile("bao-cao.xlsx", content)},
        follow=True,
    )


@pytest.mark.parametrize(
    "value, message",
    [
        (JAMMING, "Số quá lớn"),
        (BIGINT_MAX, "Số quá lớn"),
        (9.2e18, "Số quá lớn"),
        (1e300, "Số quá lớn"),
        (COUNT_MAX + 1, "Số quá lớn"),
        (float(COUNT_MAX + 1), "Số quá lớn"),
        *HOSTILE_TEXT,
        *((t, "Ô chứa chữ") for t in NOT_NUMBERS),
    ],
    ids=short,
)
def test_upload_refuses_a_hostile_cell_with_a_message_and_saves_nothing(
    client, cast, open_period, value, message
):
    client.force_login(cast.secretary_a)
    book = download(client)
    set_cell(book, "cau", 4)  # a good change beside the bad one is not applied either
    set_cell(book, "doan-vien", value)
    response = upload(client, workbook_bytes(book))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Xác nhận và lưu" not in html
    nothing_saved()


@pytest.mark.parametrize(
    "raw, message",
    [
        ("1e400", "Số quá lớn"),
        ("9" * 5000, "không đọc được"),
        ("9" * 40, "Số quá lớn"),
        ("NaN", "không phải là một con số"),
        ("-inf", "không phải là một con số"),
        ("1.000.000", "không đọc được"),
        ("abc", "không đọc được"),
    ],
    ids=short,
)
def test_upload_refuses_a_numeric_cell_that_is_no_number_and_saves_nothing(
    client, cast, open_period, raw, message
):
    client.force_login(cast.secretary_a)
    book = download(client)
    set_cell(book, "cau", 4)
    set_cell(book, "doan-vien", 123_456_789)
    response = upload(client, with_raw_number(workbook_bytes(book), 123_456_789, raw))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Xác nhận và lưu" not in html
    nothing_saved()


@pytest.mark.parametrize("sheet", [excel.SHEET, excel.META_SHEET])
def test_upload_refuses_an_unreadable_number_above_the_table_and_saves_nothing(
    client, cast, open_period, sheet
):
    """In the rows read before the figures: the file's details and the table's headers."""
    client.force_login(cast.secretary_a)
    book = download(client)
    set_cell(book, "cau", 4)
    book[sheet].cell(row=1, column=excel.MAX_COLUMNS, value=123_456_789)
    response = upload(client, with_raw_number(workbook_bytes(book), 123_456_789, "9" * 5000))
    assert response.status_code == 200
    assert "không đọc được" in response.content.decode()
    nothing_saved()


def test_upload_takes_a_money_figure_at_its_ceiling(client, cast, open_period):
    client.force_login(cast.secretary_a)
    book = download(client)
    set_cell(book, "tri-gia-nha", MONEY_MAX)
    response = upload(client, workbook_bytes(book))
    assert response.context["token"]
    client.post(
        report_url("xlsx-confirm"), {"token": response.context["token"], "confirm_unusual": "on"}
    )
    assert Value.objects.get().value == MONEY_MAX


# --- the services called directly --------------------------------------------------------------

NOT_WHOLE_NUMBERS = [float("nan"), float("inf"), 12.0, "12", True, [12]]


@pytest.mark.parametrize(
    "code, value, message",
    [
        ("doan-vien", COUNT_MAX + 1, "Số quá lớn"),
        ("doan-vien", JAMMING, "Số quá lớn"),
        ("doan-vien", BIGINT_MAX + 1, "Số quá lớn"),
        ("doan-vien", 10**400, "Số quá lớn"),
        ("tri-gia-nha", MONEY_MAX + 1, "Số quá lớn"),
        *(("doan-vien", v, "phải là một số nguyên") for v in NOT_WHOLE_NUMBERS),
    ],
    ids=short,
)
def test_report_save_refuses_a_figure_above_its_ceiling_or_not_a_whole_number(
    cast, open_period, seed, code, value, message
):
    with pytest.raises(ServiceError, match=message):
        report_save(
            user=cast.secretary_a,
            unit=cast.unit_a,
            period=open_period,
            movement=seed,
            values={code: value, "cau": 4},
            confirm_unusual=True,
            submit=True,
        )
    nothing_saved()


def test_report_save_refuses_a_figure_above_its_ceiling_in_a_report_already_sent(
    cast, open_period, seed
):
    report = make_report(
        cast.unit_a, open_period, seed, status=Report.Status.RETURNED, values={"doan-vien": 10}
    )
    with pytest.raises(ServiceError, match="Số quá lớn"):
        report_save(
            user=cast.secretary_a,
            unit=cast.unit_a,
            period=open_period,
            movement=seed,
            values={"doan-vien": JAMMING},
            version=report.version,
            confirm_unusual=True,
            submit=True,
        )
    assert Value.objects.get().value == 10


@pytest.mark.parametrize("value", [COUNT_MAX + 1, JAMMING, 10**400, float("inf"), "12"], ids=short)
def test_import_apply_refuses_a_figure_above_its_ceiling(cast, open_period, seed, value):
    with pytest.raises(ServiceError, match="Số quá lớn|phải là một số nguyên"):
        import_apply(
            user=cast.secretary_a,
            movement=seed,
            period=open_period,
            rows=[ImportRow(6, "rach-gia", "doan-vien", value)],
            versions={},
            unit=cast.unit_a,
            confirm_unusual=True,
        )
    nothing_saved()


# --- the stored totals -------------------------------------------------------------------------


def test_every_unit_at_the_ceiling_keeps_the_stored_totals_exact(cast, open_period, seed):
    """Every reporting unit's report of the period holds every figure at its ceiling, the last
    one sent through the service: the province's stored totals are the exact sums, integers,
    far within a bigint (on PostgreSQL as on SQLite)."""
    from movements.rules import ceiling

    indicators = list(Indicator.objects.stored().filter(movement=seed))
    reporting = [
        u for u in Unit.objects.exclude(kind=Unit.Kind.PROVINCE) if u.reports_in(open_period)
    ]
    top = {i.code: ceiling(i) for i in indicators}
    for unit in reporting:
        if unit != cast.unit_a:
            make_report(unit, open_period, seed, status=Report.Status.SUBMITTED, values=top)
    report_save(
        user=cast.secretary_a,
        unit=cast.unit_a,
        period=open_period,
        movement=seed,
        values=top,
        confirm_unusual=True,
        submit=True,
    )
    province = Unit.objects.get(kind=Unit.Kind.PROVINCE)
    for indicator in indicators:
        rollup = Rollup.objects.get(
            unit=province, period=open_period, indicator=indicator, status="submitted"
        )
        assert rollup.total == len(reporting) * ceiling(indicator), indicator.code
        assert isinstance(rollup.total, int)
        assert rollup.total * 1000 < BIGINT_MAX
