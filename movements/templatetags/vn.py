from django import template

from movements import formatting

register = template.Library()


@register.filter
def vn_number(value, decimals=0):
    """{{ 8964|vn_number }} -> 8.964"""
    return formatting.format_number(value, int(decimals))


@register.filter
def vn_percent(value):
    return formatting.format_percent(value)


@register.filter
def vn_money(value):
    """{{ 1540000000|vn_money }} -> 1,54 tỷ đồng"""
    return formatting.format_money_short(value)


@register.filter
def vn_money_words(value):
    """{{ 1540000000|vn_money_words }} -> 1 tỷ 540 triệu đồng"""
    return formatting.format_money_words(value)


@register.filter
def vn_date(value):
    return formatting.format_date(value)


@register.simple_tag
def vn_value(value, indicator):
    """A figure of `indicator` with its measure word: {% vn_value total indicator %}."""
    return formatting.format_value(value, indicator.kind, indicator.measure)


@register.simple_tag
def vn_change(value, indicator):
    """A change of `indicator` with its sign and measure word; a ratio's in percentage points:
    {% vn_change h.change h.indicator %} -> +1.234 lượt, +1 điểm %."""
    return formatting.format_change(value, indicator.kind, indicator.measure)
