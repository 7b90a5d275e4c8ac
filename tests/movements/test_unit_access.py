"""The one rule of who reads which units (movements/access.py): its in-memory form, which the
dashboards ask, agrees with `Unit.objects.visible_to`, which the QuerySets ask."""

from __future__ import annotations

import pytest

from movements.access import top_units, unit_access
from movements.models import Membership, Unit
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "who", ["secretary_a", "secretary_b", "reviewer", "viewer", "outsider", "two_units"]
)
def test_the_dashboards_read_exactly_the_units_visible_to_the_user(cast, units, who):
    if who == "two_units":
        user = make_user("hai-don-vi", units.rach_gia, Membership.Role.VIEWER)
        Membership.objects.create(user=user, unit=units.cong_an, role=Membership.Role.SECRETARY)
    else:
        user = getattr(cast, who)
    access = unit_access(user=user)
    visible = set(Unit.objects.visible_to(user).values_list("pk", flat=True))
    assert {u.pk for u in Unit.objects.all() if access.can_see(u)} == visible
    assert set(Unit.objects.filter(access.visible()).values_list("pk", flat=True)) == visible
    assert access.is_empty == (not visible)


def test_a_superuser_reads_every_unit_from_the_roots(seed):
    admin = make_user("quan-tri", is_superuser=True)
    access = unit_access(user=admin)
    assert list(access.tops) == list(Unit.objects.filter(parent__isnull=True).order_by("path"))
    assert all(access.can_see(u) for u in Unit.objects.all())


def test_anyone_with_a_membership_reads_the_provinces_totals_not_its_breakdown(cast):
    access = unit_access(user=cast.secretary_a)
    assert access.root == cast.province
    assert access.can_see_totals(cast.province)
    assert not access.can_see(cast.province)
    assert not access.can_see_totals(cast.unit_b)


def test_top_units_drop_the_units_under_another(units):
    found = top_units([units.rach_gia, units.kien_giang, units.cong_an])
    assert found == [units.kien_giang]
