"""The one rule of who reads which units (movements/access.py): its in-memory form, which the
dashboards ask, agrees with `Unit.objects.visible_to`, which the QuerySets ask."""

from __future__ import annotations

import datetime as dt

import pytest

from movements.access import top_units, unit_access
from movements.models import Membership, Unit
from movements.services.demo import demo_open_period
from movements.services.demo_2025 import demo_2025_load
from movements.services.tree import ChangeSpec, NewUnit, tree_change_apply
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


# --- access follows the tree: the units a user's units succeed ------------------------------


@pytest.fixture
def after_2025(demo):
    """The 2025 scenario, and Xã Hòn Đất and Xã Sơn Kiên (split from Huyện Đoàn Hòn Đất)
    merged again on 1/1/2027: a chain of two successions."""
    demo_open_period()
    demo_2025_load(movement_code="3tn")
    admin = make_user("quan-tri-cay", is_superuser=True)
    spec = ChangeSpec(
        kind="merge",
        date=dt.date(2027, 1, 1),
        document_number="01/NQ-TEST",
        sources=("xa-hon-dat", "xa-son-kien"),
        new_unit=NewUnit(code="xa-hon-dat-2027", name="Đoàn xã Hòn Đất mới", parent="an-giang"),
    )
    tree_change_apply(user=admin, spec=spec)


@pytest.mark.parametrize(
    "code, role, reads",
    [
        ("an-giang", "reviewer", ["kien-giang", "an-giang-truoc-2025", "giong-rieng"]),
        ("phuong-rach-gia", "secretary", ["rach-gia", "chau-thanh"]),
        ("rach-gia", "secretary", ["rach-gia"]),
        ("cong-an-20250701", "secretary", ["cong-an"]),
        ("xa-hon-dat-2027", "viewer", ["xa-hon-dat", "xa-son-kien", "hon-dat"]),
    ],
)
def test_both_forms_agree_across_the_2025_change(after_2025, code, role, reads):
    user = make_user(f"nguoi-{code}", Unit.objects.get(code=code), role)
    access = unit_access(user=user)
    visible = set(Unit.objects.visible_to(user).values_list("pk", flat=True))
    assert {u.pk for u in Unit.objects.all() if access.can_see(u)} == visible
    assert set(Unit.objects.filter(access.visible()).values_list("pk", flat=True)) == visible
    codes = set(Unit.objects.filter(pk__in=visible).values_list("code", flat=True))
    assert {code, *reads} <= codes
    # Not a neighbour's history, and the province is the one above the user's own unit.
    assert "giong-rieng" in reads or "giong-rieng" not in codes
    assert access.root.code == ("kien-giang" if code == "rach-gia" else "an-giang")
    assert access.home.code == code


def test_reading_predecessors_costs_a_query_only_along_a_chain(
    after_2025, cast, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the units, the province
        unit_access(user=cast.secretary_a)
    user = make_user("chuoi", Unit.objects.get(code="xa-hon-dat-2027"), "viewer")
    with django_assert_num_queries(4):  # and two steps back: Xã Hòn Đất, then Hòn Đất
        unit_access(user=user)
