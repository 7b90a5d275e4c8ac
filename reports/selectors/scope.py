"""What a user may see on the dashboards (`Scope`), and the units they navigate: a unit they
may read, its visible children, the choices of the unit pickers, the way back up.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)

from movements.models import (
    Membership,
    Unit,
)


@dataclass(frozen=True)
class Scope:
    """What a user may see on the dashboards: the subtrees of their memberships' units, checked
    by path prefix (`Unit.objects.visible_to`'s rule) without loading the units themselves.

    `tops`: the highest units the user may read (the membership units not under another one;
    the root units for a superuser). `root`: the province; anyone with a membership may read its
    totals (a unit secretary sees their own unit and the province-wide totals, not their
    neighbours).
    """

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
        condition = Q(pk__in=[])
        for top in self.tops:
            condition |= Q(**{f"{field}__startswith": top.path})
        return condition

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


def dashboard_scope(*, user: AbstractBaseUser) -> Scope:
    """The dashboards' view of `user`'s memberships: their highest units and the province.
    One query (the memberships with their units, or the root units for a superuser), and one
    more for the province when the user's units are below it. Never every visible unit."""
    if not (user.is_authenticated and user.is_active):
        return Scope(tops=(), root=None)
    if user.is_superuser:
        units = list(Unit.objects.filter(parent__isnull=True).order_by("path"))
    else:
        units = sorted(
            {
                m.unit.pk: m.unit
                for m in Membership.objects.filter(user=user).select_related("unit__parent")
            }.values(),
            key=lambda u: u.path,
        )
    tops: list[Unit] = []
    for unit in units:
        if not any(unit.path.startswith(top.path) for top in tops):
            tops.append(unit)
    if not tops:
        return Scope(tops=(), root=None)
    first = tops[0]
    if first.parent_id is None:
        return Scope(tops=tuple(tops), root=first)
    root_path = "/" + first.path.strip("/").split("/")[0] + "/"
    return Scope(tops=tuple(tops), root=Unit.objects.filter(path=root_path).first())


def dashboard_unit(*, scope: Scope, code: str) -> Unit | None:
    """The unit with `code` if `scope` may read its totals (one of the user's units, or the
    province), else None. One query."""
    unit = Unit.objects.filter(code=code).select_related("parent").first()
    if unit is None or not scope.can_see_totals(unit):
        return None
    return unit


def visible_children(*, scope: Scope, parent: Unit) -> list[Unit]:
    """The units directly under `parent` that `scope` may see: districts, branches, grassroots,
    each in report order. One query (a parent has a few dozen children)."""
    return list(Unit.objects.filter(scope.visible(), parent=parent).in_official_order())


UNIT_SEARCH_LIMIT = 20


def unit_choices(
    *, scope: Scope, unit: Unit | None, query: str = "", with_children_only: bool = False
) -> list[Unit]:
    """The units a user navigates from `unit`, never every unit: its ancestors whose totals
    `scope` reads (the province, the user's units), `unit`, its visible children and, when
    `query` is given, up to UNIT_SEARCH_LIMIT visible units whose name, short name or code
    holds it. `with_children_only`: only units that have children (parents to compare). In
    the official order, each once. One query, and one more for a search."""
    near = Q(pk__in=[])
    if unit is not None:
        ids = [int(part) for part in unit.path.strip("/").split("/") if part]
        near = Q(pk__in=ids) | (Q(parent=unit) & scope.visible())
    if scope.root is not None:
        near |= Q(pk=scope.root.pk)
    near |= Q(pk__in=[top.pk for top in scope.tops])
    queries = [Unit.objects.filter(near)]
    query = query.strip()[:100]
    if query:
        matching = Q(name__icontains=query) | Q(short_name__icontains=query)
        queries.append(
            Unit.objects.filter(scope.visible(), matching | Q(code__icontains=query)).order_by(
                "path"
            )[:UNIT_SEARCH_LIMIT]
        )
    found: dict[int, Unit] = {}
    for queryset in queries:
        if with_children_only:
            queryset = queryset.annotate(
                has_children=Exists(Unit.objects.filter(parent=OuterRef("pk")))
            )
        for candidate in queryset:
            if scope.can_see_totals(candidate) and (
                not with_children_only or candidate.has_children
            ):
                found[candidate.pk] = candidate
    return sorted(found.values(), key=lambda u: u.official_key)


def listing_parent(*, scope: Scope, code: str) -> Unit | None:
    """The unit with `code` if `scope` may list the units under it (`Scope.can_list`), else
    None. One query."""
    unit = Unit.objects.filter(code=code).select_related("parent").first()
    if unit is None or not scope.can_list(unit):
        return None
    return unit


def unit_ancestors(*, scope: Scope, unit: Unit) -> list[Unit]:
    """`unit` and the units above it that `scope` may list, from the top: the way back up a
    drill-down. No query for a root unit, else one."""
    if unit.parent_id is None:
        return [unit]
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    return [u for u in Unit.objects.filter(pk__in=ids).order_by("path") if scope.can_list(u)]


def _children(*, scope: Scope, parent: Unit) -> QuerySet:
    """The visible units directly under `parent`, in report order, each marked with whether
    units lie under it (to drill down)."""
    return (
        Unit.objects.filter(scope.visible(), parent=parent)
        .annotate(has_children=Exists(Unit.objects.filter(parent=OuterRef("pk"))))
        .in_official_order()
    )


def _subtree_below(*, scope: Scope, parent: Unit, prefix: str = "") -> Q:
    """The visible units below `parent` (`prefix` the path to the unit)."""
    return (
        scope.visible(f"{prefix}path")
        & Q(**{f"{prefix}path__startswith": parent.path})
        & ~Q(**{f"{prefix}pk": parent.pk})
    )
