"""The tables' body written in Python, through django-tables2's public API only.

django-tables2 writes a table through its template (`django_tables2/table.html`), one template
lookup and one `BoundRow.get_cell` per cell; a dashboard holds a few thousand cells, and that
was most of the page's time. `Table.body_html` writes the same `<tbody>` content itself
(`reports/_data_table.html` puts it in django-tables2's template, which still writes the
header): a cell of one of our columns (`Column`) is its value read with the column's public
`Accessor`, the column's default where the value is empty, else `Column.render(value, record)`.
Any other cell, and a model record's field with choices (django-tables2 shows it by its label),
is django-tables2's own `BoundRow.get_cell`.

What it leaves out, because no table of ours uses it: a column's `localize` (every cell is
written as `{{ cell }}` writes it) and `td` attributes computed from the row (each column's
`<td …>` is written once). tests/reports/test_table_body.py compares every table with
django-tables2's own template.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import django_tables2 as tables
from django.db import models
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_tables2.rows import BoundRow

EMPTY = _("Không có số liệu nào để hiển thị.")
NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


class Column(tables.Column):
    """A column of ours: its `render` takes the cell's value and its record, both, always (a
    subclass overrides it with the same two arguments), so that `Table.body_html` can call it
    without asking its signature cell by cell. django-tables2 calls it the same way (it passes
    the arguments a `render` names) for `as_html` and for the exports' `value()`."""

    def render(self, value, record):
        return value


Cell = Callable[["BoundRow"], object]


class Table(tables.Table):
    """A django-tables2 table whose body is written by `body_html` (see the module)."""

    def body_html(self) -> SafeString:
        """The `<tr>` rows of the table's body (or its empty text), as django-tables2's
        template writes them."""
        columns = [
            (format_html("<td {}>", column.attrs["td"].as_html()), _cell(self, column))
            for column in self.columns
        ]
        rows = []
        for row in self.paginated_rows:
            cells = "".join([start + _cell_html(cell(row)) for start, cell in columns])
            rows.append(format_html("<tr {}>", row.attrs.as_html()) + cells + "</tr>")
        if not rows and self.empty_text:
            rows.append(
                format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), self.empty_text)
            )
        return mark_safe("".join(rows))


def data_table(name: str, columns: Iterable[tuple[str, tables.Column]], *, orderable: bool) -> type:
    """A `Table` class named `name` with `columns` ((name, column) in order), our classes,
    empty text and default, written by `reports/_data_table.html`."""
    attrs = dict(columns)
    attrs["Meta"] = type(
        "Meta",
        (),
        {
            "orderable": orderable,
            "attrs": {"class": "data-table"},
            "empty_text": EMPTY,
            "default": "–",
            "template_name": "reports/_data_table.html",
        },
    )
    return type(name, (Table,), attrs)


def _cell(table: Table, bound_column) -> Cell:
    """How a row's cell of `bound_column` is made: by the column itself when it is ours
    and nothing of django-tables2's stands between its value and its `render` (a `linkify`,
    a table's `render_<name>`), else by `BoundRow.get_cell`."""
    name, column = bound_column.name, bound_column.column
    if bound_column.localize is not None:
        raise ValueError(f"{name}: Table.body_html writes no localize/unlocalize cells")

    def stock(row):
        return row.get_cell(name)

    if not isinstance(column, Column) or column.link or hasattr(table, f"render_{name}"):
        return stock
    accessor = tables.A(bound_column.accessor)
    render, empty, default = column.render, column.empty_values, bound_column.default
    labelled: dict[type, bool] = {}  # model → whether the accessor reaches a field with choices

    def own(row):
        record = row.record
        if isinstance(record, models.Model):
            kind = type(record)
            if kind not in labelled:
                labelled[kind] = bool(getattr(accessor.get_field(record), "choices", None))
            if labelled[kind]:
                return row.get_cell(name)  # shown by its label, as django-tables2 decides
        value = accessor.resolve(record, quiet=True)
        return default if value in empty else render(value, record)

    return own


def _cell_html(cell) -> str:
    """A cell as `{{ cell }}` writes it in a template (localized, escaped unless safe)."""
    return escaped(localize(template_localtime(cell))) + "</td>"


def escaped(text) -> str:
    """`conditional_escape(text)`; a plain str escaped at once, as Django's `escape` does
    (`html.escape`), without its check for lazy arguments: a page escapes thousands."""
    if type(text) is str:
        return html.escape(text)
    return conditional_escape(text)
