"""The completeness page: units × periods over several years, or one period's progress."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from movements.models import Period, Unit

from .. import selectors, tables
from ..forms import ProgressForm
from . import Dashboard, Page, named, progress_summary


def completeness_page(
    board: Dashboard,
    matrix: selectors.Completeness,
    *,
    parent: Unit,
    drill_url: Callable[[Unit], str],
) -> Page:
    """Who reported over the years, for the units under `parent` (`matrix`)."""
    table = named(
        tables.completeness_table(matrix, drill_url=drill_url),
        "tinh-hinh-nop",
        _("Tình hình nộp báo cáo, %(parent)s, %(stage)s")
        % {"parent": parent.short_name, "stage": board.stage},
    )
    return Page(
        tables={table.export_name: table},
        heading=board.heading("tinh-hinh-nop", parent, statuses=_("mọi trạng thái"), figures=False),
        context={
            "movement": board.data["movement"],
            "stage": board.stage,
            "table": table,
            "matrix": matrix,
            "due": matrix.due,
            "counts": matrix.state_counts,
            "state_labels": tables.STATE_LABELS,
        },
    )


def progress_states(state: str) -> tuple[str, ...]:
    """The report states the progress page lists for the form's `state`."""
    if state == ProgressForm.NOT_REPORTED:
        return selectors.NOT_REPORTED
    if state != ProgressForm.ALL:
        return (state,)
    return selectors.PROGRESS_STATES


def progress_page(
    board: Dashboard,
    period: Period,
    counts: selectors.ProgressCounts,
    found: selectors.ProgressRows,
    *,
    parent: Unit,
    drill_url: Callable[[Unit], str],
) -> Page:
    """One period's progress under `parent`: the counts by state and group (`counts`), and the
    units in the chosen state (`found`)."""
    state = board.data["state"]
    title = _("Tình hình nộp báo cáo %(period)s") % {"period": period.label}
    if state == ProgressForm.NOT_REPORTED:
        title = _("Đơn vị chưa nộp báo cáo %(period)s") % {"period": period.label}
    elif state != ProgressForm.ALL:
        title += " — " + str(tables.STATE_LABELS[state])
    title += " — " + parent.short_name
    table = named(tables.progress_table(found.rows, drill_url=drill_url), "tien-do", title)
    heading = board.heading(
        f"tinh-hinh-nop-{state}",
        parent,
        years=period.label,
        statuses=_("mọi trạng thái")
        if state == ProgressForm.ALL
        else str(tables.STATE_LABELS.get(state, title)),
        figures=False,
    )
    return Page(
        tables={table.export_name: table},
        heading=heading,
        context={
            "movement": board.data["movement"],
            "period": period,
            "progress": progress_summary(counts, parent=parent),
            "table": table,
            # Units of one state asked for: their list is the answer, the counts by group wait
            # behind a click.
            "listing": state != ProgressForm.ALL,
            # The link to the units not reported, unless they are what the page lists.
            "progress_link": state != ProgressForm.NOT_REPORTED,
        },
    )
