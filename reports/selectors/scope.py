"""What a user may see on the dashboards (`Scope`: `movements.access.UnitAccess`), and the
units they navigate: a unit they may read, its visible children, the choices of the unit
pickers, the way back up.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)

from movements.access import UnitAccess, unit_access
from movements.models import Unit

from .successors import with_succession_flag

# What a user may see on the dashboards is what they may read anywhere: the one rule of
# movements/access.py, which `Unit.objects.visible_to` asks in SQL.
Scope = UnitAccess


def dashboard_scope(*, user: AbstractBaseUser) -> Scope:
    """The dashboards' view of `user`'s memberships: their highest units and the province
    (`movements.access.unit_access`). One query, and one more for the province when the
    user's units are below it. Never every visible unit."""
    return unit_access(user=user)


def dashboard_unit(*, scope: Scope, code: str) -> Unit | None:
    """The unit with `code` if `scope` may read its totals (one of the user's units, or the
    province), else None. One query."""
    units = with_succession_flag(Unit.objects.filter(code=code).select_related("parent"))
    unit = units.first()
    if unit is None or not scope.can_see_totals(unit):
        return None
    return unit


def visible_children(*, scope: Scope, parent: Unit) -> list[Unit]:
    """The units directly under `parent` that `scope` may see: districts, branches, grassroots,
    each in report order. One query (a parent has a few dozen children)."""
    units = Unit.objects.filter(scope.visible(), parent=parent).in_official_order()
    return list(with_succession_flag(units))


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
    queries = [with_succession_flag(Unit.objects.filter(near))]
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
