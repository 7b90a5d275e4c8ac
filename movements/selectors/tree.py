"""The tree as of a date: the units that existed that day, in the tree's order, each with the
name it had then (its renames: `TreeChange`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from ..models import TreeChange, TreeChangeUnit, Unit


@dataclass(frozen=True)
class TreeRow:
    unit: Unit
    name: str  # the name on the day
    depth: int  # below the first unit shown

    @property
    def indent(self) -> str:
        return "— " * self.depth


def tree_on(day: dt.date, units: QuerySet) -> list[TreeRow]:
    """The units of `units` that existed on `day`, ordered by path (a parent before its
    children), with their names on that day. Two queries."""
    alive = list(units.existing_on(day).order_by("path"))
    later = (
        TreeChangeUnit.objects.filter(
            change__kind=TreeChange.Kind.RENAME,
            change__effective_date__gt=day,
            unit__in=[u.pk for u in alive],
        )
        .order_by("-change__effective_date", "-change_id")
        .values_list("unit_id", "change__old_name")
    )
    # The earliest rename after the day gives the name the unit had on it.
    names = dict(later)
    top = min((u.depth for u in alive), default=0)
    return [TreeRow(u, names.get(u.pk) or u.name, u.depth - top) for u in alive]


def unit_names(unit: Unit) -> list[tuple[dt.date | None, str]]:
    """The unit's names with the date each began (None: its first), oldest first."""
    renames = TreeChange.objects.filter(kind=TreeChange.Kind.RENAME, parts__unit=unit).order_by(
        "effective_date", "pk"
    )
    names: list[tuple[dt.date | None, str]] = []
    for change in renames:
        if not names:
            names.append((None, change.old_name))
        names.append((change.effective_date, change.new_name))
    return names or [(None, unit.name)]
