"""Who may read which units: one rule, asked in two forms.

A user reads the subtrees of their memberships' units, whatever the role (a superuser: every
root's), and the subtrees of the units those succeed (`Succession`, through every merge, split
and move before them: `readable_units`): the staff of a province merged from two read both
predecessors' history, the secretary of a ward the districts it continues. A unit's validity
does not matter: the secretary of a unit closed or merged keeps reading its history. Anyone
with a membership also reads the totals of the province, the root above their own units.
`Unit.objects.visible_to` asks the rule in SQL (`subtrees`); the dashboards and the báo cáo
ask it in memory (`UnitAccess`, from `unit_access`), from the same top units, without loading
every unit the user may see. Entering and reviewing are narrower: `editable_by`,
`reviewable_by` and `selectors.report_access` / `selectors.unit_reviewed_by`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from .models import Unit


def subtrees(paths: Iterable[str], field: str = "path") -> Q:
    """The condition 'the unit whose path is `field` lies in the subtree of one of `paths`'
    (a unit's path starts with its ancestors' paths), for any QuerySet; nothing for none."""
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def readable_units(user) -> tuple[list[Unit], list[Unit]]:
    """(the units of `user`'s memberships, whatever the role; the units those succeed,
    directly or through a chain of merges, splits and moves), each with its parent loaded, by
    path. One query, and one more a step back along a chain when there is one."""
    from .models import Membership, Succession, Unit

    if not (user.is_authenticated and user.is_active):
        return [], []
    # Their units and those they directly succeed, by the indexes (one UNION of the ids, not
    # a scan of every unit).
    own = Membership.objects.filter(user=user).values("unit_id").order_by()
    before = Succession.objects.filter(successor__in=own).values("predecessor_id").order_by()
    found = list(
        Unit.objects.filter(pk__in=own.union(before))
        .annotate(own=Exists(own.filter(unit_id=OuterRef("pk"))))
        .select_related("parent")
        .order_by("path")
    )
    units = [u for u in found if u.own]
    earlier = [u for u in found if not u.own]
    known = {u.pk for u in found}
    step = [u.pk for u in earlier]
    while step:
        before = Succession.objects.filter(successor__in=step).values("predecessor_id")
        more = list(
            Unit.objects.filter(pk__in=before)
            .exclude(pk__in=known)
            .select_related("parent")
            .order_by("path")
        )
        earlier += more
        known |= {u.pk for u in more}
        step = [u.pk for u in more]
    return units, earlier


def top_units(units: Iterable[Unit]) -> list[Unit]:
    """The highest of `units`: those not in the subtree of another, by path."""
    tops: list[Unit] = []
    for unit in sorted(units, key=lambda u: u.path):
        if not any(unit.path.startswith(top.path) for top in tops):
            tops.append(unit)
    return tops


@dataclass(frozen=True)
class UnitAccess:
    """What a user may read: the subtrees of `tops` (the highest units of their memberships
    and of the units those succeed, theirs first; the root units for a superuser), and the
    totals of `root`, the province (a unit secretary sees their own unit and the province-wide
    totals, not their neighbours)."""

    tops: tuple[Unit, ...]
    root: Unit | None

    @property
    def is_empty(self) -> bool:
        return not self.tops

    def can_see(self, unit: Unit) -> bool:
        """May the user read this unit's own figures, breakdown and reports?"""
        return any(unit.path.startswith(top.path) for top in self.tops)

    def can_see_totals(self, unit: Unit) -> bool:
        """May the user read this unit's totals (its own units, or the province)?"""
        return self.can_see(unit) or (self.root is not None and self.root.pk == unit.pk)

    def can_list(self, unit: Unit) -> bool:
        """May the user list the units directly under `unit` (those they may see): a unit whose
        totals they read, or the unit just above one of theirs."""
        return self.can_see_totals(unit) or any(top.parent_id == unit.pk for top in self.tops)

    def visible(self, field: str = "path") -> Q:
        """The condition 'the unit whose path is `field` is visible', for any QuerySet."""
        return subtrees((top.path for top in self.tops), field)

    @property
    def home(self) -> Unit | None:
        """Where the user's pages start: the province if they may read all of it, else their
        first unit."""
        if self.root is not None and self.can_see(self.root):
            return self.root
        return self.tops[0] if self.tops else None

    @property
    def listing_parent(self) -> Unit | None:
        """The unit whose visible children the lists show by default: the province for
        provincial staff; for a unit's secretary, the unit above their own (so that the list
        holds their unit), when they have one unit or all theirs share that parent."""
        if not self.tops:
            return None
        if self.root is not None and self.can_see(self.root):
            return self.root
        parents = {top.parent_id for top in self.tops}
        if len(parents) == 1 and self.tops[0].parent_id is not None:
            if self.root is not None and self.tops[0].parent_id == self.root.pk:
                return self.root
            return self.tops[0].parent
        return self.root


def unit_access(*, user: AbstractBaseUser | AnonymousUser) -> UnitAccess:
    """What `user` may read (`Unit.objects.visible_to`'s rule, in memory): their highest units
    (`readable_units`) and the province, the root above their own units. One query (the units
    of their memberships and those they succeed, or the root units for a superuser), one more
    a step back along a chain of successions, and one more for the province when the user's
    units are below it. Never every visible unit."""
    from .models import Unit

    if not (user.is_authenticated and user.is_active):
        return UnitAccess(tops=(), root=None)
    if user.is_superuser:
        tops = top_units(Unit.objects.filter(parent__isnull=True))
    else:
        units, earlier = readable_units(user)
        tops = top_units(units)
        tops += [u for u in top_units(earlier) if not any(u.path.startswith(t.path) for t in tops)]
    if not tops:
        return UnitAccess(tops=(), root=None)
    first = tops[0]
    if first.parent_id is None:
        return UnitAccess(tops=tuple(tops), root=first)
    root_path = "/" + first.path.strip("/").split("/")[0] + "/"
    return UnitAccess(tops=tuple(tops), root=Unit.objects.filter(path=root_path).first())
