import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from movements import formatting


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (8964, "8.964"),
        (1_540_000_000, "1.540.000.000"),
        (0, "0"),
        (999, "999"),
        (-1200, "-1.200"),
        (None, "–"),
    ],
)
def test_numbers_are_grouped_with_dots(value, text):
    assert formatting.format_number(value) == text


def test_decimals_use_a_comma():
    assert formatting.format_number(Decimal("12.5"), 1) == "12,5"
    assert formatting.format_number(Decimal("1234.56"), 2) == "1.234,56"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1_540_000_000, "1,54 tỷ đồng"),
        (340_000_000, "340 triệu đồng"),
        (17_000_000, "17 triệu đồng"),
        (2_500_000_000, "2,5 tỷ đồng"),
        (500, "500 đồng"),
        (12_500, "12,5 nghìn đồng"),
    ],
)
def test_money_is_short_and_vietnamese(value, text):
    assert formatting.format_money_short(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1_540_000_000, "1 tỷ 540 triệu đồng"),
        (500_000_000, "500 triệu đồng"),
        (0, "0 đồng"),
        (2_000_017_500, "2 tỷ 17 nghìn 500 đồng"),
    ],
)
def test_money_in_words_as_official_reports_write_it(value, text):
    assert formatting.format_money_words(value) == text


def test_dates_and_percentages():
    assert formatting.format_date(dt.date(2013, 6, 25)) == "25/6/2013"
    assert formatting.format_percent(Decimal("100.0")) == "100%"
    assert formatting.format_percent(Decimal("97.5")) == "97,5%"
    assert formatting.format_value(8964, "count", "lượt") == "8.964 lượt"


@pytest.mark.parametrize(
    "day, text",
    [
        (dt.date(2009, 8, 5), "ngày 05 tháng 8 năm 2009"),  # Kế hoạch 90-KH/ĐTN in report 44A
        (dt.date(2013, 6, 25), "ngày 25 tháng 6 năm 2013"),
        (dt.date(2013, 5, 23), "ngày 23 tháng 5 năm 2013"),
        (dt.date(2014, 1, 9), "ngày 09 tháng 01 năm 2014"),
        (dt.date(2014, 2, 28), "ngày 28 tháng 02 năm 2014"),
        (dt.date(2026, 3, 10), "ngày 10 tháng 3 năm 2026"),
        (dt.date(2026, 12, 7), "ngày 07 tháng 12 năm 2026"),
        (dt.date(2026, 10, 1), "ngày 01 tháng 10 năm 2026"),
    ],
)
def test_dates_in_words_as_report_44a_writes_them(day, text):
    assert formatting.format_date_words(day) == text
    # elsewhere dates keep the short form without leading zeros
    assert formatting.format_date(day) == f"{day.day}/{day.month}/{day.year}"


def test_a_date_not_yet_set_is_left_blank_to_fill_by_hand():
    assert formatting.format_date_words(None, year=2026) == "ngày …… tháng …… năm 2026"
    assert formatting.format_date_words(None) == "ngày …… tháng …… năm ……"


def test_django_vi_locale_groups_numbers_too(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("vi"):
        text = Template("{% load l10n %}{{ n|localize }} {{ d|date:'SHORT_DATE_FORMAT' }}").render(
            Context({"n": 8964, "d": dt.date(2013, 6, 25)})
        )
    assert text == "8.964 25/6/2013"


def test_template_filters():
    text = Template("{% load vn %}{{ a|vn_number }}; {{ b|vn_money }}; {{ c|vn_date }}").render(
        Context({"a": 8964, "b": 1_540_000_000, "c": dt.date(2013, 6, 25)})
    )
    assert text == "8.964; 1,54 tỷ đồng; 25/6/2013"


def test_a_span_of_years_is_written_once_with_a_dash_or_as_one_year():
    assert formatting.format_years(2009, 2013) == "2009–2013"
    assert formatting.format_years(2012, 2012) == "2012"
    assert formatting.format_years(2009, 2013, dash=" - ") == "2009 - 2013"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "(trống)"),
        ("", "(trống)"),
        (0, "0"),
        (8964, "8.964"),
        (dt.date(2013, 6, 25), "25/6/2013"),
        ("Đã duyệt", "Đã duyệt"),
    ],
)
def test_a_changed_value_is_shown_the_vietnamese_way(value, text):
    assert formatting.format_shown(value) == text
