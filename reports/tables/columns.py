"""The kinds of column of the dashboards' tables: how a cell shows (the Vietnamese way: 8.964;
1,54 tỷ đồng; 97,5%) and what the export writes (`value()`: the exact number, plain text).

Each is a `body.Column`: its `render` takes the cell's value and its record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from movements.formatting import (
    format_change,
    format_date,
    format_money_short,
    format_number,
    format_percent,
    format_value,
)

from .body import NUM, Column, escaped

Link = Callable[[object], str | None]


class FigureColumn(Column):
    """A figure of one kind: shown formatted, exported exact; '–' where nobody reported.

    `link(record)`, if given, is where the figure comes from (the unit's page for that year,
    its report): the cell links there, so that every figure can be traced to its reports.
    """

    def __init__(self, *args, kind: str = "count", link: Link | None = None, **kwargs):
        kwargs.setdefault("attrs", NUM)
        kwargs.setdefault("default", None)
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.figure_link = link  # `link` is django-tables2's own (linkify)

    def text(self, value, record) -> str:
        return format_value(value, self.kind)

    def render(self, value, record):
        text = self.text(value, record)
        url = self.figure_link(record) if self.figure_link and value is not None else None
        if not url:
            return text
        # format_html's output, without its generic formatting: a page has hundreds of these.
        return mark_safe(f'<a href="{escaped(url)}">{escaped(text)}</a>')

    def value(self, value):
        return value


class PercentColumn(FigureColumn):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, kind="ratio", **kwargs)


class SignedColumn(FigureColumn):
    """A change: '+1.234' / '-56'; a ratio's in percentage points: '+1 điểm %'."""

    def text(self, value, record):
        return format_change(value, self.kind)


class SignedPercentColumn(FigureColumn):
    """A change in percent of the first year: '+141,7%'."""

    def text(self, value, record):
        if value is None:
            return "–"
        text = format_percent(value)
        return f"+{text}" if value > 0 else text


class UnitColumn(Column):
    """The unit's name linking to its page, coloured by peer group."""

    def render(self, value, record):
        unit = record["unit"]
        return format_html(
            '<a class="unit-link peer-{}" href="{}">{}</a>',
            unit.peer_group,
            reverse("reports:unit", args=[unit.code]),
            unit.short_name,
        )

    def value(self, value, record):
        return record["unit"].short_name


class PerHundredColumn(FigureColumn):
    """Per 100 members, shown with one decimal; money in its scale ('12,38 triệu đồng')."""

    def text(self, value, record):
        if value is None:
            return "–"
        return format_money_short(value) if self.kind == "money" else format_number(value, 1)


class SignedPerHundredColumn(PerHundredColumn):
    def text(self, value, record):
        text = super().text(value, record)
        return f"+{text}" if value is not None and value > 0 else text


class KindColumn(FigureColumn):
    """A figure whose kind comes from the row's indicator."""

    def text(self, value, record):
        indicator = record.indicator if hasattr(record, "indicator") else record["indicator"]
        if (
            indicator.kind == "count"
            and isinstance(value, Decimal)
            and value != value.to_integral_value()
        ):
            return format_number(value, 1)  # an average: 2,6 cuộc
        return format_value(value, indicator.kind)

    def value(self, value, record):
        return value


class KindSignedColumn(KindColumn):
    """A change of the row's indicator; a ratio's in percentage points."""

    def text(self, value, record):
        indicator = record.indicator if hasattr(record, "indicator") else record["indicator"]
        return format_change(value, indicator.kind)


class PublishedColumn(KindColumn):
    def text(self, value, record):
        text = super().text(value, record)
        return f"{record['qualifier']} {text}".strip()


class MatchColumn(Column):
    def render(self, value, record):
        if value:
            return format_html('<span class="status-approved">{}</span>', _("Khớp"))
        return format_html('<span class="status-returned">{}</span>', _("Lệch"))

    def value(self, value):
        return str(_("Khớp")) if value else str(_("Lệch"))


class RateColumn(FigureColumn):
    """A figure per 100 members with one decimal; a ratio indicator's percentage as itself."""

    def text(self, value, record):
        if value is None:
            return "–"
        if record.indicator.kind == "ratio":
            return format_percent(value)
        return format_number(value, 1)


class StatusColumn(Column):
    def render(self, value, record):
        return format_html(
            '<span class="status-{}">{}</span>', record.status, record.get_status_display()
        )

    def value(self, value, record):
        return record.get_status_display()


def local_day(value: dt.date | dt.datetime) -> dt.date:
    """The day of `value` in the site's time zone (a stored moment is in UTC)."""
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


class DateColumn(Column):
    """A day: shown 25/6/2013; exported as a date, which each file writes its way."""

    def render(self, value, record):
        return format_date(local_day(value)) if value else "–"

    def value(self, value):
        return local_day(value) if value else ""


def report_url(report) -> str:
    """The page of one report (figures, status, history): reviewers and the unit read it."""
    return reverse(
        "movements:report", kwargs={"unit": report.unit.code, "period": report.period.code}
    )


class ReportColumn(Column):
    """The report's period, linking to the report."""

    def render(self, value, record):
        return format_html('<a href="{}">{}</a>', report_url(record), value)

    def value(self, value):
        return value


class DemoColumn(Column):
    def render(self, value, record):
        return _("Dữ liệu minh hoạ") if value else _("Đơn vị nhập")

    def value(self, value):
        return str(self.render(value, None))


STATE_LABELS = {
    "approved": _("Đã duyệt"),
    "submitted": _("Chờ duyệt"),
    "returned": _("Trả lại"),
    "draft": _("Nháp"),
    "missing": _("Chưa có báo cáo"),
    "not-due": _("Chưa thành lập"),
}


class DrillUnitColumn(UnitColumn):
    """The unit's name linking to its page and, when units lie under it, a link down to them
    (`record["drill"]`)."""

    def render(self, value, record):
        name = super().render(value, record)
        if not record.get("drill"):
            return name
        return format_html(
            '{} <a class="drill" href="{}">{}</a>', name, record["drill"], _("Đơn vị trực thuộc ›")
        )


class CellColumn(Column):
    """One group of units × one period of the completeness matrix (`CompletenessCell`): for a
    single unit, its state, the day it was submitted and whether late; for a larger group, how
    many units are in each state."""

    def render(self, value, record):
        if value.state != "many":
            return self._single(value)
        # The words are escaped once per table and language, the numbers need no escaping: a
        # national page holds over a thousand of these cells.
        words = self._words()
        lines = [f'<span class="muted">{words["due"] % {"n": format_number(value.due)}}</span>']
        lines += [
            f'<span class="cell-state state-{state}">{words[state]}: {format_number(count)}</span>'
            for state, count in value.states
        ]
        if value.late:
            late = words["late"] % {"n": format_number(value.late)}
            lines.append(f'<span class="late">{late}</span>')
        return mark_safe("<br>".join(lines))

    def _words(self) -> dict[str, str]:
        # Each table has its own copy of its columns, rendered in one language.
        if "_word_cache" not in self.__dict__:
            self._word_cache = {state: escape(str(label)) for state, label in STATE_LABELS.items()}
            self._word_cache |= {
                "due": escape(gettext("%(n)s đơn vị phải nộp")),
                "late": escape(gettext("%(n)s trễ hạn")),
            }
        return self._word_cache

    def _single(self, value):
        label = STATE_LABELS[value.state]
        submitted = value.submitted_at if value.state not in ("missing", "not-due") else None
        return format_html(
            '<span class="cell-state state-{}">{}</span>{}{}',
            value.state,
            label,
            format_html('<br><span class="muted">{} {}</span>', _("gửi"), format_date(submitted))
            if submitted
            else "",
            format_html(' <span class="late">{}</span>', _("(trễ hạn)")) if value.late else "",
        )

    def value(self, value):
        if value.state == "many":
            text = str(_("%(n)s đơn vị phải nộp") % {"n": value.due})
            text += "".join(f"; {STATE_LABELS[s]}: {n}" for s, n in value.states)
            if value.late:
                text += "; " + str(_("%(n)s trễ hạn") % {"n": value.late})
            return text
        text = str(STATE_LABELS[value.state])
        if value.state not in ("missing", "not-due") and value.submitted_at is not None:
            text += f" ({format_date(value.submitted_at)})"
        if value.late:
            text += " " + str(_("(trễ hạn)"))
        return text


class AverageColumn(FigureColumn):
    """An average or a rate per 100 members: one decimal for counts (2,6 cuộc), money as
    money; the export keeps the exact value."""

    def text(self, value, record) -> str:
        if self.kind == "count":
            return PerHundredColumn.text(self, value, record)
        return super().text(value, record)


class ProgressStateColumn(Column):
    """A unit's state in one period."""

    def render(self, value, record):
        return format_html(
            '<span class="cell-state state-{}">{}</span>', value, STATE_LABELS[value]
        )

    def value(self, value):
        return str(STATE_LABELS[value])


class LateColumn(Column):
    def render(self, value, record):
        if value is None:
            return "–"
        if value:
            return format_html('<span class="late">{}</span>', _("Trễ hạn"))
        return _("Đúng hạn")

    def value(self, value):
        return "" if value is None else str(_("Trễ hạn") if value else _("Đúng hạn"))
