"""Numbers, money and dates the Vietnamese way: 8.964 lượt; 1,54 tỷ đồng; 25/6/2013."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext


def format_number(value, decimals: int = 0) -> str:
    """8964 -> '8.964'; 12.5 with decimals=1 -> '12,5'; None -> '–'."""
    if value is None:
        return "–"
    number = Decimal(str(value))
    quantum = Decimal(1).scaleb(-decimals)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = ".".join(groups) or "0"
    if decimals and fraction:
        text += "," + fraction
    return sign + text


def format_percent(value) -> str:
    """Decimal('100.0') -> '100%'; Decimal('97.5') -> '97,5%'."""
    if value is None:
        return "–"
    number = Decimal(str(value))
    decimals = 0 if number == number.to_integral_value() else 1
    return f"{format_number(number, decimals)}%"


def format_points(value) -> str:
    """A change of a percentage, in percentage points: Decimal('1') -> '1 điểm %';
    Decimal('-0.25') -> '-0,3 điểm %'."""
    if value is None:
        return "–"
    return format_percent(value)[:-1] + " điểm %"


_SCALES = [(10**9, "tỷ"), (10**6, "triệu"), (10**3, "nghìn")]


def money_scale(amount) -> tuple[int, str]:
    """The scale money of this size is written in, and its word: 1_540_000_000 ->
    (10**9, 'tỷ'); 12_379_301 -> (10**6, 'triệu'); 950 -> (1, '')."""
    amount = abs(Decimal(str(amount or 0)))
    return next(((scale, word) for scale, word in _SCALES if amount >= scale), (1, ""))


def format_scaled(amount, decimals: int = 2) -> str:
    """A figure already divided by its scale, with up to `decimals` decimals and no trailing
    zeros: Decimal('1.54') -> '1,54'; Decimal('340') -> '340'; 12.5 -> '12,5'."""
    scaled = Decimal(str(amount)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    for places in range(decimals + 1):
        if scaled == scaled.quantize(Decimal(1).scaleb(-places)):
            return format_number(scaled, places)
    return format_number(scaled, decimals)


def format_money_short(value, unit: str = "đồng") -> str:
    """Compact money: 1_540_000_000 -> '1,54 tỷ đồng'; 340_000_000 -> '340 triệu đồng'; a rate
    with its `unit`: 12_379_301.8 per 100 members -> '12,38 triệu đồng / 100 đoàn viên'."""
    if value is None:
        return "–"
    amount = Decimal(str(value))
    scale, word = money_scale(amount)
    if scale == 1:
        return f"{format_number(amount)} {unit}"
    return f"{format_scaled(amount / scale)} {word} {unit}"


def format_money_words(value) -> str:
    """Money as official reports write it: 1_540_000_000 -> '1 tỷ 540 triệu đồng'."""
    if value is None:
        return "–"
    amount = int(value)
    if amount == 0:
        return "0 đồng"
    parts = []
    for scale, word in _SCALES:
        count, amount = divmod(amount, scale)
        if count:
            parts.append(f"{format_number(count)} {word}")
    if amount:
        parts.append(format_number(amount))
    return " ".join(parts) + " đồng"


def format_date(day: dt.date | dt.datetime | None) -> str:
    """25/6/2013 (no leading zeros, as Vietnamese documents write dates)."""
    if day is None:
        return "–"
    return f"{day.day}/{day.month}/{day.year}"


def format_date_words(day: dt.date | None, *, year: int | None = None) -> str:
    """A date as official documents write it in words (report 44A; Nghị định 30/2020/NĐ-CP):
    'ngày 05 tháng 8 năm 2009', 'ngày 25 tháng 02 năm 2013' — a day below 10 and the months 1
    and 2 with a leading zero. No date: the blanks filled in by hand when the document is
    issued, in `year` if given: 'ngày …… tháng …… năm 2026'."""
    if day is None:
        return f"ngày …… tháng …… năm {year if year is not None else '……'}"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def format_years(start_year: int, end_year: int, *, dash: str = "–") -> str:
    """A span of years: '2009–2013', or '2012' for a single year. Documents space their
    dash: dash=" - " gives '2009 - 2013'."""
    if start_year == end_year:
        return str(start_year)
    return f"{start_year}{dash}{end_year}"


def format_shown(value) -> str:
    """A value as a change list shows it (old → new): '8.964', 25/6/2013, the text as it is;
    '(trống)' (empty) for nothing."""
    if value is None or value == "":
        return gettext("(trống)")
    if isinstance(value, int):
        return format_number(value)
    if isinstance(value, dt.date):
        return format_date(value)
    return str(value)


def format_value(value, kind: str, measure: str = "") -> str:
    """A figure with its measure word as a reader expects it: '8.964 lượt', '97,5%',
    '1,54 tỷ đồng'; money per 100 members (measure 'đồng / 100 đoàn viên'): '12,38 triệu đồng /
    100 đoàn viên'."""
    if kind == "ratio":
        return format_percent(value)
    if kind == "money":
        return format_money_short(value, measure or "đồng")
    text = format_number(value)
    return f"{text} {measure}".strip() if value is not None else text


def format_change(value, kind: str, measure: str = "") -> str:
    """A change with its sign: '+1.234 lượt', '-56', '+1 điểm %' (a ratio's change is in
    percentage points); averages and per-100 figures keep one decimal: '+2,5'."""
    if value is None:
        return "–"
    if kind == "ratio":
        text = format_points(value)
    elif kind == "count" and Decimal(str(value)) != Decimal(str(value)).to_integral_value():
        text = f"{format_number(value, 1)} {measure}".strip()
    else:
        text = format_value(value, kind, measure)
    return f"+{text}" if value > 0 else text
