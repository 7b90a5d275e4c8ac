"""Reads behind the entry and review pages, and the one access decision of a report
(`report_access`) that views, templates and services ask. Access comes from the QuerySets in
`movements.models`.

One module per question: `movement` (indicators, years, stages, periods), `access` (what a user
may do with a report), `entry` (a secretary's reports and values), `menu` (the header), `review`
(the review queue, the stored flags, the validation page), `history` (a report's changes and
versions), `workbook` (the Excel workbooks). Every public name is imported here: callers use
`selectors.X` or `from movements.selectors import X`.
"""

from .access import (
    ReportAccess,
    report_access,
    unit_reviewed_by,
    user_is_reviewer,
)
from .entry import (
    RECENT_PERIODS,
    EntryRow,
    Todo,
    entry_rows,
    previous_values,
    previous_values_by_unit,
    report_values,
    todo_for,
)
from .history import (
    REPORT_FIELDS,
    Change,
    HistoryEntry,
    ReportState,
    figures_changed_by_other,
    last_change,
    report_changes,
    report_history,
    report_state,
    report_state_at,
    shown_reason,
)
from .menu import (
    Menu,
    has_demo_data,
    menu_for,
    progress_period_for,
)
from .movement import (
    entry_indicators,
    indicators_by_group,
    movement_for_period,
    movement_stages,
    movement_years,
    open_periods,
    period_from_code,
    previous_period,
    stage_legal_basis,
)
from .review import (
    CHECK_KINDS,
    ReportFlags,
    report_flags,
    review_flags,
    review_queue,
    validation_flags,
    validation_periods,
)
from .workbook import (
    SheetRow,
    report_versions,
    reporting_units,
    workbook_rows,
)

__all__ = [
    "CHECK_KINDS",
    "ReportFlags",
    "report_flags",
    "validation_flags",
    "validation_periods",
    "Change",
    "EntryRow",
    "HistoryEntry",
    "Menu",
    "RECENT_PERIODS",
    "REPORT_FIELDS",
    "ReportAccess",
    "ReportState",
    "SheetRow",
    "Todo",
    "entry_indicators",
    "entry_rows",
    "figures_changed_by_other",
    "has_demo_data",
    "indicators_by_group",
    "last_change",
    "menu_for",
    "movement_for_period",
    "movement_stages",
    "stage_legal_basis",
    "movement_years",
    "open_periods",
    "period_from_code",
    "previous_period",
    "previous_values",
    "previous_values_by_unit",
    "progress_period_for",
    "report_access",
    "report_changes",
    "report_history",
    "report_state",
    "report_state_at",
    "report_values",
    "report_versions",
    "reporting_units",
    "review_flags",
    "review_queue",
    "shown_reason",
    "todo_for",
    "unit_reviewed_by",
    "user_is_reviewer",
    "workbook_rows",
]
