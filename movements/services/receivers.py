"""The stored totals and report counts kept in step when the frame they are counted in changes:
a unit moved (its subtree's totals leave its old ancestors and join its new ones), a unit's
dates changed (which of its reports count), a period's dates or deadline changed (which reports
count, and which were on time).

Receivers of `pre_save` and `post_save` of `Unit` and `Period`, connected by
`MovementsConfig.ready`, so that every save keeps them right — the admin, the loaders, a
command, a test's plain `unit.save()` — and the models import no service. `Unit.save` and
`Period.save` run in one transaction, which these receivers work in: `pre_save` takes the row
(and a moving unit's subtree) FOR UPDATE, then counts the reports as they are; `post_save`
adds what changed. Writers of reports hold those rows FOR KEY SHARE while they count
(`rollups._hold`), so a change of the frame and a writer wait for each other. A fixture loaded
as it is (`raw`) is left alone, as it always was.

They also keep the data versions (`services.versions`) that the page cache keys its pages by:
every save or deletion of what pages read that is not one unit's data — units, periods,
movements, stages, indicator groups, indicators and their bounds, published figures,
memberships, accounts (not a login, which only stamps `last_login`) — bumps "tree"
(`tree_changed`); a reviewer's follow-up mark on a flag bumps its report's unit and those above
(`flag_changed`; the flags a writer stores go with its reports' bump). In the writer's
transaction when there is one; a save made in autocommit (a shell, a test) is bumped just after
it, in a transaction of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.signals import post_delete, post_save, pre_save

from ..models import (
    Indicator,
    IndicatorBound,
    IndicatorGroup,
    Membership,
    Movement,
    Period,
    PublishedFigure,
    Report,
    ReportFlag,
    Stage,
    Unit,
)
from .rollups import TallyChange, rollup_move_unit, unit_ids_on_path
from .versions import bumped_after_save, tree_bump, versions_bump

# What pages read besides the units' own data: a change to any of them bumps "tree".
TREE_MODELS = (
    Unit,
    Period,
    Movement,
    Stage,
    IndicatorGroup,
    Indicator,
    IndicatorBound,
    PublishedFigure,
    Membership,
)

# Where pre_save leaves what it saw for post_save, on the instance being saved.
BEFORE = "_stored_counts_before"


@dataclass(frozen=True)
class _UnitBefore:
    path: str
    tallies: TallyChange | None  # the unit's report counts, when its dates change


def _in_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("A unit or a period is saved in one transaction (Unit.save).")


def unit_locked(sender, instance: Unit, raw: bool = False, **kwargs) -> None:
    """Before a unit is saved: lock it (and its subtree when it moves) and count its reports
    when its dates change."""
    instance.__dict__[BEFORE] = None
    if raw or instance.pk is None:
        return
    _in_transaction()
    # FOR UPDATE: writers of reports hold their units FOR KEY SHARE while they count them, so
    # this change waits for them, and they for it.
    stored = (
        Unit.objects.select_for_update()
        .filter(pk=instance.pk)
        .values_list("parent_id", "path", "valid_from", "valid_to")
        .first()
    )
    if stored is None:  # a new unit given its id
        return
    parent_id, path, *dates = stored
    if path and parent_id != instance.parent_id:
        list(Unit.objects.select_for_update().filter(path__startswith=path).values("pk"))
    tallies = None
    if tuple(dates) != (instance.valid_from, instance.valid_to):
        # Its reports count (completeness) only for the periods it existed in.
        tallies = TallyChange(Report.objects.filter(unit_id=instance.pk))
    instance.__dict__[BEFORE] = _UnitBefore(path, tallies)


def unit_saved(sender, instance: Unit, raw: bool = False, **kwargs) -> None:
    """After a unit is saved (its path not yet rewritten): add the change of its report counts,
    then move its stored figures when it changed place."""
    before = instance.__dict__.pop(BEFORE, None)
    if raw or before is None:
        return
    if before.tallies is not None:
        before.tallies.apply()
    new_path = instance.path_in_tree()
    if before.path and new_path != before.path:
        rollup_move_unit(unit_id=instance.pk, old_path=before.path, new_path=new_path)


def period_locked(sender, instance: Period, raw: bool = False, **kwargs) -> None:
    """Before a period is saved: lock it, and count its reports when its dates or deadline
    change."""
    instance.__dict__[BEFORE] = None
    if raw or instance.pk is None:
        return
    _in_transaction()
    stored = (
        Period.objects.select_for_update()
        .filter(pk=instance.pk)
        .values_list("start_date", "end_date", "deadline")
        .first()
    )
    if stored is not None and stored != (instance.start_date, instance.end_date, instance.deadline):
        instance.__dict__[BEFORE] = TallyChange(Report.objects.filter(period_id=instance.pk))


def period_saved(sender, instance: Period, raw: bool = False, **kwargs) -> None:
    """After a period is saved: add the change of its report counts."""
    tallies = instance.__dict__.pop(BEFORE, None)
    if not raw and tallies is not None:
        tallies.apply()


def tree_changed(sender, instance=None, update_fields=None, **kwargs) -> None:
    """A row that pages read besides the units' own data was saved or deleted: bump "tree"
    (not for a login, which saves the account's `last_login` only)."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    bumped_after_save(tree_bump)


def flag_changed(sender, instance: ReportFlag, **kwargs) -> None:
    """A flag was saved one by one (a reviewer's follow-up mark): bump its report's unit and
    those above. (Flags stored or deleted in bulk go with their reports' writes.)"""
    path = Unit.objects.filter(reports__pk=instance.report_id).values_list("path", flat=True)
    bumped_after_save(versions_bump, unit_ids_on_path(path.first() or ""))


def connect() -> None:
    """Connect the receivers (once: `dispatch_uid`)."""
    for signal, receiver, model in (
        (pre_save, unit_locked, Unit),
        (post_save, unit_saved, Unit),
        (pre_save, period_locked, Period),
        (post_save, period_saved, Period),
        (post_save, flag_changed, ReportFlag),
    ):
        signal.connect(
            receiver, sender=model, dispatch_uid=f"movements.{receiver.__name__}", weak=False
        )
    for model in (*TREE_MODELS, get_user_model()):
        for signal in (post_save, post_delete):
            signal.connect(
                tree_changed,
                sender=model,
                dispatch_uid=f"movements.tree_changed.{model._meta.label}.{signal is post_save}",
                weak=False,
            )
