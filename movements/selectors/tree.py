"""The tree as of a date: the units that existed that day, in the tree's order, each with the
name it had then (its renames: `TreeChange`); a unit's names by date; the units a unit succeeds
(`Succession`), with the share of each, for comparisons across the changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import QuerySet

from ..models import Succession, TreeChange, TreeChangeUnit, Unit


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


@dataclass(frozen=True)
class Predecessor:
    """A unit whose work `unit` continues: `share` of its figures belong to `unit` (1 through
    merges and moves; a split's stated share, multiplied along a chain; None where a split
    stated no share), through `changes` (the recorded changes, oldest first)."""

    unit: Unit
    share: Fraction | None
    changes: tuple[TreeChange, ...]


def _edge_share(link: Succession, siblings: list[Succession]) -> Fraction | None:
    """Exact: 1 of 3 members' share is 1/3, not 0,333…"""
    if link.share_percent is not None:
        return Fraction(link.share_percent) / 100
    members = [s.share_members for s in siblings]
    if link.share_members is not None and None not in members and sum(members):
        return Fraction(link.share_members, sum(members))
    if len(siblings) == 1:
        return Fraction(1)
    return None


def predecessors_of(unit: Unit) -> list[Predecessor]:
    """Every unit `unit` succeeds, directly or through a chain of merges, splits and moves,
    nearest first: what a comparison across the changes sums for the years before them. One
    query whatever the chain."""
    links = list(
        Succession.objects.select_related("predecessor", "change").order_by("effective_date", "pk")
    )
    into: dict[int, list[Succession]] = {}
    by_change: dict[int, list[Succession]] = {}
    for link in links:
        into.setdefault(link.successor_id, []).append(link)
        by_change.setdefault((link.change_id, link.predecessor_id), []).append(link)
    # Successions run forward in time (a predecessor ends the day before its successor
    # begins), so the links form no cycle: every path back is followed, and a unit reached by
    # two paths (split, then merged again) has the sum of their shares.
    shares: dict[int, Fraction | None] = {}
    found: dict[int, Predecessor] = {}
    stack = [(unit.pk, Fraction(1), ())]
    while stack:
        successor, share, changes = stack.pop()
        for link in into.get(successor, []):
            edge = _edge_share(link, by_change[(link.change_id, link.predecessor_id)])
            total = None if share is None or edge is None else share * edge
            path = (link.change, *changes)
            key = link.predecessor_id
            if key in shares:
                before = shares[key]
                shares[key] = None if before is None or total is None else before + total
            else:
                shares[key] = total
                found[key] = Predecessor(link.predecessor, total, path)
            stack.append((key, total, path))
    return sorted(
        (Predecessor(p.unit, shares[k], p.changes) for k, p in found.items()),
        key=lambda p: (len(p.changes), p.unit.path),
    )
