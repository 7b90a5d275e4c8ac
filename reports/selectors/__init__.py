"""Every aggregation behind a dashboard, table, export or generated report, one module per
question. Figures are summed in the database over a unit's subtree (`Unit.path`).

Each selector runs a fixed number of queries, whatever the number of units, indicators or years.
Those about a unit's figures take one `Subject` (movement, unit, years, the statuses that count).
"""

from .comparison import (
    Comparison,
    UnitComparison,
    compare_units,
    unit_comparison,
)
from .completeness_matrix import (
    COMPLETENESS_STATES,
    PAGE_CELLS,
    PAGE_SIZE,
    Completeness,
    CompletenessCell,
    CompletenessRow,
    completeness,
    completeness_page_size,
)
from .coverage import (
    SUBTREE_ID_LIST,
    ReportCoverage,
    ReportNote,
    report_coverage,
    report_published_figures,
)
from .export import (
    EXPORT_COLUMNS,
    export_rows,
    published_rows,
)
from .groups import (
    ALL_GROUPS,
    PEER_GROUPS,
    GroupComparison,
    GroupFigures,
    GroupRow,
    group_comparison,
    group_comparisons,
)
from .like_for_like import (
    LikeForLike,
    RateBase,
    YearCoverage,
    like_for_like,
    rate_bases,
    year_coverage,
)
from .overview import (
    IndicatorYears,
    Overview,
    Reconciliation,
    SectionSummary,
    overview_figures,
    published_reconciliation,
    unit_overview,
)
from .profile import (
    ProfileRow,
    peer_units,
    unit_profile,
    unit_reports,
)
from .progress import (
    NOT_REPORTED,
    PROGRESS_STATES,
    ProgressCounts,
    ProgressRow,
    ProgressRows,
    movement_periods,
    progress_counts,
    progress_period,
    progress_rows,
)
from .scope import (
    UNIT_SEARCH_LIMIT,
    Scope,
    dashboard_scope,
    dashboard_unit,
    listing_parent,
    unit_ancestors,
    unit_choices,
    visible_children,
)
from .subject import Subject
from .totals import (
    MEMBERS_INDICATOR,
    Number,
    TotalKey,
    change_between,
    indicator_totals,
    movement_indicators,
    per_hundred,
    rank_values,
    ratio_percent,
)

__all__ = [
    "ALL_GROUPS",
    "COMPLETENESS_STATES",
    "Comparison",
    "Completeness",
    "CompletenessCell",
    "CompletenessRow",
    "EXPORT_COLUMNS",
    "GroupComparison",
    "GroupFigures",
    "GroupRow",
    "IndicatorYears",
    "MEMBERS_INDICATOR",
    "NOT_REPORTED",
    "Number",
    "Overview",
    "PAGE_CELLS",
    "PAGE_SIZE",
    "PEER_GROUPS",
    "PROGRESS_STATES",
    "ProfileRow",
    "ProgressCounts",
    "ProgressRow",
    "ProgressRows",
    "Reconciliation",
    "ReportCoverage",
    "ReportNote",
    "SUBTREE_ID_LIST",
    "Subject",
    "Scope",
    "SectionSummary",
    "TotalKey",
    "UNIT_SEARCH_LIMIT",
    "UnitComparison",
    "change_between",
    "compare_units",
    "completeness",
    "completeness_page_size",
    "dashboard_scope",
    "dashboard_unit",
    "export_rows",
    "group_comparison",
    "group_comparisons",
    "indicator_totals",
    "listing_parent",
    "movement_indicators",
    "movement_periods",
    "overview_figures",
    "peer_units",
    "per_hundred",
    "progress_counts",
    "progress_period",
    "progress_rows",
    "published_reconciliation",
    "published_rows",
    "rank_values",
    "ratio_percent",
    "report_coverage",
    "report_published_figures",
    "unit_ancestors",
    "unit_choices",
    "unit_comparison",
    "unit_overview",
    "unit_profile",
    "unit_reports",
    "visible_children",
]
