"""The words that say what a compared figure spans: how many of the units due are counted
("6/24 đơn vị đã nộp 2014"), why a change is not stated ("chưa đủ số liệu: 6/24 đơn vị"), why a
unit has no figure per 100 members. Pure: numbers in, text out; pages, tables and exports share
them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from movements.formatting import format_number


def counted_words(coverage, *, approved_only: bool = False) -> str:
    """'6/24 đơn vị đã nộp 2014' (a `YearCoverage`); where only approved reports count, '6/24
    đơn vị có báo cáo 2014 được duyệt'."""
    if approved_only:
        text = _("%(counted)s/%(due)s đơn vị có báo cáo %(year)s được duyệt")
    else:
        text = _("%(counted)s/%(due)s đơn vị đã nộp %(year)s")
    return text % {
        "counted": format_number(coverage.counted),
        "due": format_number(coverage.due),
        "year": coverage.year,
    }


def short_words(coverage) -> str:
    """Why a change is not stated: 'chưa đủ số liệu: 6/24 đơn vị (2014)'."""
    return _("chưa đủ số liệu: %(counted)s/%(due)s đơn vị (%(year)s)") % {
        "counted": format_number(coverage.counted),
        "due": format_number(coverage.due),
        "year": coverage.year,
    }


def unrated_words(coverage) -> str:
    """Why a unit has no figure per 100 members for `coverage`'s year (the end of the range):
    no report of it counted, or its report leaves the member count blank."""
    if not coverage.counted:
        return _("chưa nộp báo cáo %(year)s") % {"year": coverage.year}
    return _("báo cáo %(year)s để trống số đoàn viên") % {"year": coverage.year}


def compared_words(units: int, first: int, last: int) -> str:
    """'so sánh 5 đơn vị có số liệu cả 2013 và 2014'."""
    return _("so sánh %(units)s đơn vị có số liệu cả %(first)s và %(last)s") % {
        "units": format_number(units),
        "first": first,
        "last": last,
    }
