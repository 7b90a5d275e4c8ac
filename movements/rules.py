"""Pure rules shared by the form, the Excel importer, the review and the demo loader: numbers as
Vietnamese users type them, and the checks of a report's values: refused (not whole, negative,
above the indicator's ceiling, a part above its whole), or questioned for the user to confirm
(outside the sanity bounds of the unit's peer group or the indicator, money far below its
plausible range, a figure without the figure it requires, participants above the members, far
from the previous period). No database access here: the bounds by peer group come with the
indicators (`peer_bounds`, loaded by selectors.entry_indicators).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .formatting import format_number, format_percent
from .models import Indicator, IndicatorGroup, Unit

BIGINT_MAX = 9_223_372_036_854_775_807
# The hard ceiling of one report's figure, by kind: refused, with no confirmation that passes
# it (the sanity bounds Indicator.min_value/max_value only warn). The stored totals (Rollup,
# the report queries' SUM) add a figure over every unit's report of every period in a bigint
# (PostgreSQL: an error past BIGINT_MAX) or SQLite's 64-bit integer (a float past it). With
# 15,000 units over 20 periods (3×10^5 reports) at the ceiling, money sums to 3×10^17 đồng, 30
# times within BIGINT_MAX, and counts to 3×10^14. No real report comes near: the seed's sanity
# bounds reach 2×10^10 đồng (20 tỷ) and a count of 10^5; 10^12 đồng is 1.000 tỷ, and 10^9 ten
# times the country's population.
CEILINGS = {Indicator.Kind.COUNT: 10**9, Indicator.Kind.MONEY: 10**12}
NUMBER_MAX = max(CEILINGS.values())
# Longer than any number under NUMBER_MAX as anyone types it ("1.000.000.000.000" is 17): refused
# before any parsing, so that no work grows with what a client sends. The form's maxlength.
NUMBER_TEXT_MAX = 40
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# ASCII digits only: Python's \d and int() also take full-width "１２" and Arabic-Indic digits,
# which parse_number refuses with a message instead of reading them silently.
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$", re.ASCII)
_PLAIN = re.compile(r"^\d+$", re.ASCII)
# Two groups at least: "8,964" may be a Vietnamese decimal, "1,540,000" cannot.
_ENGLISH_GROUPED = re.compile(r"^\d{1,3}(,\d{3}){2,}$", re.ASCII)
_IN_WORDS = re.compile(r"^(\d+(?:[.,]\d+)?)(nghìn|ngàn|triệu|tỷ|tỉ)(đồng|đ)?$", re.ASCII | re.I)
_SCALE_WORDS = {"nghìn": 10**3, "ngàn": 10**3, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9}


class NumberError(ValueError):
    """A number that could not be read; str() is the message for the user, in Vietnamese."""


class NumberTooLarge(NumberError):
    """A number above the ceiling, or a text longer than any number taken."""


def ceiling(indicator: Indicator) -> int:
    """The largest figure `indicator` takes in one report (CEILINGS, by its kind)."""
    return CEILINGS.get(indicator.kind, NUMBER_MAX)


def within_ceiling(number: int | Decimal, limit: int = NUMBER_MAX) -> int | Decimal:
    """`number` itself when it is at most `limit`; else NumberTooLarge saying the limit."""
    if number > limit:
        raise NumberTooLarge(
            _("Số quá lớn: không nhận số trên %(limit)s.") % {"limit": format_number(limit)}
        )
    return number


def parse_number(text: str | None, *, limit: int = NUMBER_MAX) -> int | None:
    """A whole number as Vietnamese users type it: '8.964', '1.540.000.000', '8 964', '12'.

    Blank gives None. A decimal comma ('12,5'), a minus sign or anything else that is not a
    whole non-negative number raises NumberError with what to fix; a number above `limit`
    (the indicator's ceiling) or a text past NUMBER_TEXT_MAX characters, NumberTooLarge.
    """
    if text is None:
        return None
    text = str(text)
    if len(text) > NUMBER_TEXT_MAX:
        raise NumberTooLarge(
            _(
                "Quá dài (%(length)s ký tự): một số liệu có nhiều nhất %(limit)s ký tự, ví dụ "
                "1.540.000.000."
            )
            % {"length": format_number(len(text)), "limit": NUMBER_TEXT_MAX}
        )
    cleaned = _SPACES.sub("", text)
    if not cleaned:
        return None
    if cleaned.startswith("-") and len(cleaned) > 1:
        raise NumberError(_("Không nhận số âm; hãy nhập số từ 0 trở lên."))
    if cleaned.startswith("+"):
        cleaned = cleaned[1:]
    if other := _other_digits(cleaned):
        raise NumberError(
            _(
                "“%(text)s” có chữ số không phải 0–9 (chữ số toàn khổ hoặc chữ số Ả Rập); hệ "
                "thống không nhận các chữ số này. Hãy gõ lại bằng chữ số thường: %(ascii)s."
            )
            % {"text": text.strip(), "ascii": other}
        )
    if _ENGLISH_GROUPED.match(cleaned):
        number = within_ceiling(int(cleaned.replace(",", "")), limit)
        raise NumberError(
            _("“%(text)s”: dùng dấu chấm để phân nhóm: %(number)s (dấu phẩy là dấu thập phân).")
            % {"text": text.strip(), "number": format_number(number)}
        )
    if words := _IN_WORDS.match(cleaned.lower()):
        amount = Decimal(words[1].replace(",", ".")) * _SCALE_WORDS[words[2]]
        amount = within_ceiling(amount, limit)
        raise NumberError(
            _("“%(text)s”: hãy viết đủ chữ số, dùng dấu chấm để phân nhóm: %(number)s.")
            % {"text": text.strip(), "number": format_number(amount.to_integral_value())}
        )
    if _PLAIN.match(cleaned):
        number = int(cleaned)
    elif _GROUPED.match(cleaned):
        number = int(cleaned.replace(".", ""))
    elif re.match(r"^\d[\d.]*,\d+$", cleaned):
        raise NumberError(
            _(
                "Chỉ tiêu này cần số nguyên (ví dụ 12 hoặc 8.964), không nhận số thập phân như "
                "“%(text)s”."
            )
            % {"text": text.strip()}
        )
    elif re.match(r"^\d+\.\d{1,2}$", cleaned) or re.match(r"^[\d.]+$", cleaned):
        raise NumberError(
            _(
                "“%(text)s” không rõ: dấu chấm chỉ dùng để ngăn cách hàng nghìn (8.964), mỗi "
                "nhóm đủ 3 chữ số. Chỉ tiêu này cần số nguyên."
            )
            % {"text": text.strip()}
        )
    else:
        raise NumberError(
            _("“%(text)s” không phải là một con số; hãy nhập chữ số, ví dụ 8.964.")
            % {"text": text.strip()}
        )
    return within_ceiling(number, limit)


def _other_digits(text: str) -> str:
    """`text` with its digits in ASCII when it holds digits other than 0–9 ('１２' -> '12'),
    else ''."""
    if text.isascii() or not any(c.isdigit() and not c.isascii() for c in text):
        return ""
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)


def three_way_merge(base: dict | None, mine: dict, theirs: dict) -> tuple[dict, dict[str, tuple]]:
    """(merged, clashes) of two edits of the same fields made from `base`.

    A field the user left as it was in `base` takes `theirs` (the stored value, which may be a
    colleague's later change); a field only the user changed takes `mine`; a field both changed
    to different values keeps `mine` and is listed in `clashes` as (mine, theirs), for the user
    to decide. With `base` None (the version loaded is not known), every difference clashes.
    """
    merged: dict = {}
    clashes: dict[str, tuple] = {}
    for key in [*mine, *(k for k in theirs if k not in mine)]:
        ours, stored = mine.get(key), theirs.get(key)
        if base is not None and ours == base.get(key):
            merged[key] = stored
            continue
        merged[key] = ours
        if ours != stored and (base is None or stored != base.get(key)):
            clashes[key] = (ours, stored)
    return merged, clashes


def _label(indicator: Indicator) -> str:
    return indicator.short_name or indicator.name


def _n(value) -> str:
    return format_number(value)


def _whole(
    indicator: Indicator, by_id: dict[int, Indicator], values: dict[str, int | None]
) -> tuple[Indicator, int] | None:
    """(whole, its value) when `indicator` is a part of an indicator that has a value: a part
    is never above its whole."""
    whole = by_id.get(indicator.part_of_id)
    whole_value = values.get(whole.code) if whole is not None else None
    return None if whole_value is None else (whole, whole_value)


def parts_within_wholes(
    indicators: list[Indicator], values: dict[str, int | None]
) -> dict[str, int | None]:
    """`values` with each part lowered to its whole where it is above it, in report order, so
    that `values_check` finds no part above its whole (the demo loader's figures)."""
    by_id = {i.pk: i for i in indicators}
    out = dict(values)
    for indicator in indicators:
        value, bound = out.get(indicator.code), _whole(indicator, by_id, out)
        if value is not None and bound is not None and value > bound[1]:
            out[indicator.code] = bound[1]
    return out


def _times(value: int, before: int) -> str:
    """How many times `before` is `value`: '40,6', '100'."""
    times = Decimal(value) / Decimal(before)
    return format_number(times, 0 if times == times.to_integral_value() else 1)


def _change_warning(indicator: Indicator, value: int, before: int) -> str | None:
    """Why `value` looks wrong next to the previous period's `before`, or None: a flow many
    times larger or smaller (change_ratio), a stock that moved by more than a share of itself
    (stock_change_share); changes under change_min never warn."""
    if abs(value - before) < indicator.change_min:
        return None
    what = {
        "indicator": _label(indicator),
        "value": _n(value),
        "measure": indicator.measure,
        "before": _n(before),
    }
    if indicator.aggregation == Indicator.Aggregation.LAST:
        share = indicator.stock_change_share
        if share is None or abs(value - before) <= before * share:
            return None
        moved = (
            format_percent(Decimal(abs(value - before) * 100) / Decimal(before)) if before else "–"
        )
        return _(
            "“%(indicator)s” = %(value)s %(measure)s, kỳ trước %(before)s: thay đổi "
            "%(moved)s, trong khi số cuối kỳ thường không đổi quá %(limit)s. Nếu đúng, hãy "
            "xác nhận."
        ) % {**what, "moved": moved, "limit": format_percent(share * 100)}
    ratio = indicator.change_ratio
    if ratio is None:
        return None
    if value > before * ratio:
        if not before:
            return (
                _(
                    "“%(indicator)s” = %(value)s %(measure)s, kỳ trước là 0: tăng bất thường. "
                    "Nếu đúng, hãy xác nhận."
                )
                % what
            )
        return _(
            "“%(indicator)s” = %(value)s %(measure)s, gấp %(times)s lần kỳ trước "
            "(%(before)s). Hãy xem lại có gõ thừa chữ số không; nếu đúng, hãy xác nhận."
        ) % {**what, "times": _times(value, before)}
    if value * ratio < before:
        return _(
            "“%(indicator)s” = %(value)s %(measure)s, kỳ trước %(before)s (gấp %(times)s lần "
            "số này). Hãy xem lại có gõ thiếu chữ số không; nếu đúng, hãy xác nhận."
        ) % {**what, "times": _times(before, value) if value else "∞"}
    return None


def plausibility_check(
    indicators: list[Indicator],
    values: dict[str, int | None],
    previous: dict[str, int] | None = None,
) -> dict[str, list[str]]:
    """Warnings by indicator code for values that look wrong next to the unit's past
    (`previous`: its values of the previous period of the same kind), each saying the previous
    value and why, or next to the report's other figures (`cross_check`)."""
    previous = previous or {}
    warnings: dict[str, list[str]] = {}
    for indicator in indicators:
        value = values.get(indicator.code)
        before = previous.get(indicator.code)
        if value is None or value < 0 or before is None:
            continue
        if message := _change_warning(indicator, value, before):
            warnings.setdefault(indicator.code, []).append(message)
    return _merged(warnings, cross_check(indicators, values, previous))


def _merged(*found: dict[str, list[str]]) -> dict[str, list[str]]:
    """The warnings of several checks by indicator code, each code's in the checks' order."""
    out: dict[str, list[str]] = {}
    for warnings in found:
        for code, messages in warnings.items():
            out.setdefault(code, []).extend(messages)
    return out


def cross_check(
    indicators: list[Indicator],
    values: dict[str, int | None],
    previous: dict[str, int] | None = None,
) -> dict[str, list[str]]:
    """Warnings by indicator code for figures that contradict the report's other figures,
    with both figures in each message: a figure above 0 while the indicator it requires
    (`Indicator.requires`) is 0 (a value of lò đốt rác with no lò); participants above the
    members (`Indicator.members`) times the factor, the members of this report or, when it
    has none, of the previous period (`previous`). A first report is checked as well."""
    previous = previous or {}
    by_id = {i.pk: i for i in indicators}
    warnings: dict[str, list[str]] = {}
    for indicator in indicators:
        value = values.get(indicator.code)
        if value is None or value <= 0:
            continue
        required = by_id.get(indicator.requires_id)
        if required is not None and values.get(required.code) == 0:
            warnings.setdefault(indicator.code, []).append(
                _(
                    "“%(indicator)s” = %(value)s %(measure)s nhưng “%(required)s” = 0 "
                    "%(required_measure)s: số này chỉ có khi “%(required)s” lớn hơn 0. Hãy xem "
                    "lại hai số này; nếu đúng, hãy xác nhận."
                )
                % {
                    "indicator": _label(indicator),
                    "value": _n(value),
                    "measure": indicator.measure,
                    "required": _label(required),
                    "required_measure": required.measure,
                }
            )
        members = by_id.get(indicator.members_id)
        if members is None:
            continue
        count, earlier = values.get(members.code), False
        if count is None:
            count, earlier = previous.get(members.code), True
        if count is not None and value > count * indicator.members_factor:
            what = {
                "indicator": _label(indicator),
                "value": _n(value),
                "measure": indicator.measure,
                "factor": format_number(indicator.members_factor, 2).rstrip("0").rstrip(","),
                "members": _label(members),
                "count": _n(count),
            }
            if earlier:
                message = _(
                    "“%(indicator)s” = %(value)s %(measure)s, nhiều hơn %(factor)s lần "
                    "“%(members)s” kỳ trước (%(count)s; kỳ này chưa nhập). Nếu đúng, hãy xác nhận."
                )
            else:
                message = _(
                    "“%(indicator)s” = %(value)s %(measure)s, nhiều hơn %(factor)s lần "
                    "“%(members)s” (%(count)s). Nếu đúng, hãy xác nhận."
                )
            warnings.setdefault(indicator.code, []).append(message % what)
    return warnings


@dataclass(frozen=True)
class Bound:
    """One side of the plausible range of a figure: the number, and the peer group whose bound
    it is (its label; "" for the indicator's own bound, which holds for every unit)."""

    number: int
    group: str = ""


def bounds_for(indicator: Indicator, unit: Unit | None = None) -> tuple[Bound | None, Bound | None]:
    """(minimum, maximum) of one report's figure of `indicator` for `unit`: the bound set for
    the unit's peer group (an IndicatorBound in the indicator's `peer_bounds`), each side
    falling back to the indicator's own min_value / max_value; None where there is none."""
    group = unit.peer_group if unit is not None else None
    row = None
    if group is not None:
        row = next(
            (b for b in getattr(indicator, "peer_bounds", ()) if b.peer_group == group), None
        )

    def side(name: str) -> Bound | None:
        own = getattr(row, name) if row is not None else None
        if own is not None:
            return Bound(own, str(group.label))
        general = getattr(indicator, name)
        return None if general is None else Bound(general)

    return side("min_value"), side("max_value")


# A money figure far below its range was often meant in millions, thousands or billions of đồng:
# the scales, in the order the question names them. Report 44A states every amount in triệu
# ("trên 500 triệu đồng"), tables often count in nghìn đồng, large sums in tỷ.
_MAGNITUDES = (10**6, 10**3, 10**9)


def _in_words(amount: int, scale: int) -> str:
    what = {"number": _n(amount)}
    if scale == 10**3:
        return _("%(number)s nghìn đồng") % what
    if scale == 10**6:
        return _("%(number)s triệu đồng") % what
    return _("%(number)s tỷ đồng") % what


def _likely_amounts(value: int, low: int, high: int | None) -> list[tuple[int, int]]:
    """[(scale, value × scale)] for the scales (_MAGNITUDES, in their order) that bring `value`
    into [low, high] (high: the money ceiling when there is no bound)."""
    top = high if high is not None else CEILINGS[Indicator.Kind.MONEY]
    return [(scale, value * scale) for scale in _MAGNITUDES if low <= value * scale <= top]


def _usual(minimum: Bound | None, maximum: Bound | None, measure: str) -> str:
    """'Với nhóm “Đoàn trực thuộc”, số này thường từ 100.000 đến 5.000.000.000 đồng.'"""
    group = (minimum and minimum.group) or (maximum and maximum.group)
    what = {
        "group": group,
        "low": _n(minimum.number) if minimum else "",
        "high": _n(maximum.number) if maximum else "",
        "measure": measure,
    }
    if minimum and maximum:
        if group:
            return (
                _("Với nhóm “%(group)s”, số này thường từ %(low)s đến %(high)s %(measure)s.") % what
            )
        return _("Số này thường từ %(low)s đến %(high)s %(measure)s.") % what
    if group:
        return _("Với nhóm “%(group)s”, số này thường không dưới %(low)s %(measure)s.") % what
    return _("Số này thường không dưới %(low)s %(measure)s.") % what


def _money_question(indicator: Indicator, value: int, minimum: Bound, maximum: Bound | None) -> str:
    """The question for a money figure below its range: '500 đồng hay 500 triệu đồng?', naming
    the amounts in the range the user may have meant, in full digits."""
    likely = _likely_amounts(value, minimum.number, maximum.number if maximum else None)
    what = {
        "indicator": _label(indicator),
        "value": _n(value),
        "usual": _usual(minimum, maximum, _("đồng")),
    }
    if not likely:
        return (
            _(
                "“%(indicator)s” = %(value)s đồng, thấp bất thường. %(usual)s Số tiền ghi bằng "
                "đồng, đủ chữ số (ví dụ 1.540.000.000). Nếu đúng, hãy xác nhận."
            )
            % what
        )
    return _(
        "“%(indicator)s” = %(value)s đồng: %(value)s đồng hay %(choices)s? Số tiền ghi bằng "
        "đồng, đủ chữ số: %(amounts)s. %(usual)s Nếu đúng là %(value)s đồng, hãy xác nhận."
    ) % {
        **what,
        "choices": _(" hay ").join(_in_words(value, scale) for scale, _amount in likely),
        "amounts": ", ".join(
            _("%(words)s là %(digits)s") % {"words": _in_words(value, scale), "digits": _n(amount)}
            for scale, amount in likely
        ),
    }


def bounds_check(
    indicators: list[Indicator], values: dict[str, int | None], *, unit: Unit | None = None
) -> dict[str, list[str]]:
    """Warnings by indicator code for figures outside their sanity bounds for `unit`
    (`bounds_for`: its peer group's, else the indicator's own), each naming the bound and, when
    it is a peer group's, the group. A money figure above 0 below its minimum asks which amount
    was meant ('500 đồng hay 500 triệu đồng?'); 0 đồng (none) is never below it."""
    warnings: dict[str, list[str]] = {}
    for indicator in indicators:
        value = values.get(indicator.code)
        if value is None or value < 0:
            continue
        minimum, maximum = bounds_for(indicator, unit)
        what = {"indicator": _label(indicator), "value": _n(value), "measure": indicator.measure}
        message = None
        if maximum is not None and value > maximum.number:
            what.update(bound=_n(maximum.number), group=maximum.group)
            if maximum.group:
                message = _(
                    "“%(indicator)s” = %(value)s %(measure)s cao bất thường: với nhóm "
                    "“%(group)s”, số này thường không quá %(bound)s %(measure)s. Nếu đúng, hãy "
                    "xác nhận."
                )
            else:
                message = _(
                    "“%(indicator)s” = %(value)s %(measure)s cao bất thường "
                    "(thường không quá %(bound)s). Nếu đúng, hãy xác nhận."
                )
            message %= what
        elif minimum is not None and value < minimum.number:
            if indicator.kind == Indicator.Kind.MONEY:
                if value > 0:
                    message = _money_question(indicator, value, minimum, maximum)
            else:
                what.update(bound=_n(minimum.number), group=minimum.group)
                if minimum.group:
                    message = _(
                        "“%(indicator)s” = %(value)s %(measure)s thấp bất thường: với nhóm "
                        "“%(group)s”, số này thường không dưới %(bound)s %(measure)s. Nếu đúng, "
                        "hãy xác nhận."
                    )
                else:
                    message = _(
                        "“%(indicator)s” = %(value)s %(measure)s thấp bất thường "
                        "(thường không dưới %(bound)s). Nếu đúng, hãy xác nhận."
                    )
                message %= what
        if message:
            warnings.setdefault(indicator.code, []).append(message)
    return warnings


def _refusal(indicator: Indicator, value) -> str | None:
    """Why `value` can never be stored for `indicator`, whatever the user confirms, or None:
    not a whole number (the services take values from any caller), negative, or above the
    indicator's ceiling."""
    what = {"indicator": _label(indicator)}
    if isinstance(value, bool) or not isinstance(value, int):
        return _("“%(indicator)s” phải là một số nguyên.") % what
    if value < 0:
        return _("“%(indicator)s” không được là số âm.") % what
    if value > ceiling(indicator):
        return _("Số quá lớn: “%(indicator)s” không nhận số trên %(limit)s %(measure)s.") % {
            **what,
            "limit": format_number(ceiling(indicator)),
            "measure": indicator.measure,
        }
    return None


def values_check(
    indicators: list[Indicator],
    values: dict[str, int | None],
    previous: dict[str, int] | None = None,
    *,
    unit: Unit | None = None,
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(errors, warnings) for a report's values by indicator code; `unit` is the reporting unit
    (the bounds of its peer group apply; without it, the indicators' own).

    Errors block saving (not a whole number, negative, above the indicator's ceiling, a part
    above its whole); warnings, which the user may confirm, are values implausible next to
    `previous` (the unit's values of the previous period, see plausibility_check), next to the
    report's other figures (cross_check) or outside their sanity bounds (bounds_check): the
    last two need no previous period. Only values without an error of their own are compared.
    `indicators` come from selectors.entry_indicators, with their bounds by peer group.
    """
    errors: dict[str, list[str]] = {}
    valid: dict[str, int] = {}
    for indicator in indicators:
        value = values.get(indicator.code)
        if value is None:
            continue
        if refusal := _refusal(indicator, value):
            errors.setdefault(indicator.code, []).append(refusal)
        else:
            valid[indicator.code] = value
    by_id = {i.pk: i for i in indicators}
    for indicator in indicators:
        value = valid.get(indicator.code)
        bound = _whole(indicator, by_id, valid) if value is not None else None
        if bound is not None and value > bound[1]:
            whole, whole_value = bound
            errors.setdefault(indicator.code, []).append(
                _(
                    "“%(indicator)s” (%(value)s) không được lớn hơn “%(whole)s” "
                    "(%(whole_value)s): đây là một phần của số đó."
                )
                % {
                    "indicator": _label(indicator),
                    "value": _n(value),
                    "whole": _label(whole),
                    "whole_value": _n(whole_value),
                }
            )
    warnings = _merged(
        plausibility_check(indicators, valid, previous),
        bounds_check(indicators, valid, unit=unit),
    )
    return errors, warnings


def blank_sections(
    indicators: list[Indicator], values: dict[str, int | None]
) -> list[tuple[IndicatorGroup, list[Indicator]]]:
    """[(section, its indicators left blank)] in report order, for the sections where some
    figure is blank (None or absent: not reported, unlike 0). `indicators` come with their
    group, in report order (`selectors.entry_indicators`)."""
    out: dict[int, tuple[IndicatorGroup, list[Indicator]]] = {}
    for indicator in indicators:
        if values.get(indicator.code) is None:
            out.setdefault(indicator.group_id, (indicator.group, []))[1].append(indicator)
    return list(out.values())
