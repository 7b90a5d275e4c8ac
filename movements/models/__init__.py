"""The movement's data: units, indicators, periods, reports and their values.

A value belongs to the unit that did the work, never to its parents: a unit's figure is the sum
over its subtree, found through `Unit.path` (the ids from the root, "/1/5/").

One module per job: `units` (the tree, peer groups, memberships), `movement` (periods, stages,
indicators), `reports` (reports, values, change reasons), `totals` (published figures, stored
totals and counts), `flags` (what the rules found in a report when it was submitted). Every
name is imported here: Django finds the models through this package, and the rest of the code
imports them from `movements.models`.
"""

# Django registers the models in import order (the order `apps.get_models()` gives): the
# units first, as when this was one module.
from .units import (
    Membership,
    PeerGroup,
    Unit,
    UnitQuerySet,
    accounts_managed_by,
    existed_during_q,
    shared_rows_managed_by,
)

# isort: split
from .movement import (
    DEFAULT_MOVEMENT,
    Indicator,
    IndicatorBound,
    IndicatorGroup,
    IndicatorQuerySet,
    Movement,
    MovementQuerySet,
    Period,
    Stage,
)
from .reports import (
    ChangeReason,
    Report,
    ReportQuerySet,
    Value,
    of_existing_units,
    submission_counts,
)
from .totals import PublishedFigure, ReportTally, Rollup

# isort: split
from .flags import FOLLOW_UP_NOTE_MAX, ReportFlag, ReportFlagQuerySet
from .versions import DataVersion

# isort: split
from .tree import Succession, TreeChange, TreeChangeUnit

__all__ = [
    "DataVersion",
    "DEFAULT_MOVEMENT",
    "FOLLOW_UP_NOTE_MAX",
    "ChangeReason",
    "Indicator",
    "IndicatorBound",
    "IndicatorGroup",
    "IndicatorQuerySet",
    "Membership",
    "Movement",
    "MovementQuerySet",
    "PeerGroup",
    "Period",
    "PublishedFigure",
    "Report",
    "ReportFlag",
    "ReportFlagQuerySet",
    "ReportQuerySet",
    "ReportTally",
    "Rollup",
    "Stage",
    "Succession",
    "TreeChange",
    "TreeChangeUnit",
    "Unit",
    "UnitQuerySet",
    "Value",
    "accounts_managed_by",
    "existed_during_q",
    "of_existing_units",
    "shared_rows_managed_by",
    "submission_counts",
]
