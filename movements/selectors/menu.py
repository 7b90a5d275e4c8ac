"""What the header shows every page: the menu a user may use, whether demo data exists, and the
link to the reporting progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists

from ..models import DEFAULT_MOVEMENT, Membership, Movement, Period, Report

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def has_demo_data() -> bool:
    """Whether the database holds demo reports, which every page and export must say. One
    query."""
    return Report.objects.filter(is_demo=True).exists()


@dataclass(frozen=True)
class Menu:
    """The pages of the header that `user` may use, from the access rules: the dashboards and
    báo cáo (units they read), entry (units they are secretary of), review (units they
    review)."""

    reads: bool = False
    enters: bool = False
    reviews: bool = False


def menu_for(*, user: AbstractBaseUser | AnonymousUser) -> Menu:
    """The header's menu for `user`. One query (none for an anonymous user): the user's roles
    decide it, as they decide `Unit.objects.visible_to` (every membership's unit lies in its
    own subtree), `editable_by` (a secretary's units) and `reviewable_by` (a reviewer's
    subtrees, or everything for a superuser)."""
    if not (user.is_authenticated and user.is_active):
        return Menu()
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True).distinct())
    return Menu(
        reads=user.is_superuser or bool(roles),
        enters=Membership.Role.SECRETARY in roles,
        reviews=user.is_superuser or Membership.Role.REVIEWER in roles,
    )


def progress_period_for(user) -> Period | None:
    """The newest period of the default movement's entry kind open for entry, for a user who
    reads the province's reporting progress (a reviewer or viewer, or a superuser): the
    header's link to who has not reported yet. None for anyone else. One query (none for an
    anonymous user)."""
    if not (user.is_authenticated and user.is_active):
        return None
    periods = Period.objects.filter(
        open_for_entry=True,
        kind__in=Movement.objects.filter(code=DEFAULT_MOVEMENT).values("period_kind"),
    )
    if not user.is_superuser:
        periods = periods.filter(
            Exists(
                Membership.objects.filter(
                    user=user, role__in=[Membership.Role.REVIEWER, Membership.Role.VIEWER]
                )
            )
        )
    return periods.order_by("-year", "-number").first()
