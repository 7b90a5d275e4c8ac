"""The dashboards' tables (django-tables2): what the page shows is what the export contains.

Cells render the Vietnamese way (8.964; 1,54 tỷ đồng; 97,5%); `value()` gives the raw number,
which `reports.exports` writes to CSV and .xlsx.

- `body`: `Table`, whose body is written in Python through django-tables2's public API, and
  `Column`, the base of our columns;
- `columns`: the kinds of column (a figure, a change, a unit, a report's status…);
- `pages`: one function per dashboard table, rows in, a table out.
"""

from .body import EMPTY, Column, Table, data_table
from .columns import STATE_LABELS, report_url
from .pages import (
    completeness_table,
    group_table,
    indicator_years_table,
    profile_table,
    progress_table,
    ranking_table,
    reconciliation_table,
    section_table,
    unit_reports_table,
)

__all__ = [
    "EMPTY",
    "STATE_LABELS",
    "Column",
    "Table",
    "data_table",
    "completeness_table",
    "group_table",
    "indicator_years_table",
    "profile_table",
    "progress_table",
    "ranking_table",
    "reconciliation_table",
    "report_url",
    "section_table",
    "unit_reports_table",
]
