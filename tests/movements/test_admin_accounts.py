"""Provincial staff manage the accounts of their units in the admin — names, the active flag,
passwords, memberships — and nothing that grants power: every path to superuser, staff,
groups or permissions, or to another province's or a superuser's account, is refused."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from movements.models import Membership, Unit
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "mat-khau-moi-cua-don-vi-2014"
PRIVILEGES = {
    "is_superuser": "on",
    "is_staff": "on",
    "groups": [],  # filled with the staff group's id
    "user_permissions": [],  # filled with every permission's id
}


@pytest.fixture
def people(seed, monkeypatch, client):
    """The provincial reviewer as create_account makes them (staff, in the staff group),
    logged in; a superuser; another staff member; Rạch Giá's secretary; a secretary of
    another province."""
    monkeypatch.setenv("ACCOUNT_PASSWORD", PASSWORD)
    call_command("create_account", "tinhdoan", "--unit", "kien-giang", "--role", "reviewer")
    call_command("create_account", "vanphong2", "--unit", "kien-giang", "--role", "reviewer")
    staff = User.objects.get(username="tinhdoan")
    other_province = Unit.objects.create(
        code="an-giang", name="Tỉnh Đoàn An Giang", short_name="An Giang", kind="province"
    )
    client.force_login(staff)
    people = {
        "staff": staff,
        "peer": User.objects.get(username="vanphong2"),
        "admin": make_user("admin", is_staff=True, is_superuser=True),
        "secretary": make_user("bithu_rachgia", Unit.objects.get(code="rach-gia"), "secretary"),
        "stranger": make_user("bithu_angiang", other_province, "secretary"),
    }
    PRIVILEGES["groups"] = [str(staff.groups.get().pk)]
    PRIVILEGES["user_permissions"] = [str(pk) for pk in Permission.objects.values_list("pk")]
    return people


def change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def post_new_password(client, user):
    return client.post(
        password_url(user),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def form_data(response) -> dict:
    """What the admin's change page would post back unchanged: its form and inline forms."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or field.disabled:
                continue
            key = form.add_prefix(name)
            if isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            else:
                data[key] = str(value)
    return data


def assert_powerless(user):
    user.refresh_from_db()
    assert not user.is_superuser
    assert not user.is_staff or user.username in {"tinhdoan", "vanphong2"}
    assert not user.user_permissions.exists()
    if user.username not in {"tinhdoan", "vanphong2"}:
        assert not user.groups.exists()


def test_staff_cannot_open_their_own_account(client, people):
    staff = people["staff"]
    response = client.get(change_url(staff))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    client.post(change_url(staff), {"username": "tinhdoan", **PRIVILEGES})
    assert_powerless(staff)
    assert staff.groups.count() == 1


def test_privilege_fields_are_not_offered_and_are_ignored_when_posted(client, people):
    secretary = people["secretary"]
    response = client.get(change_url(secretary))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ["is_superuser", "is_staff", "groups", "user_permissions"]:
        assert f'name="{name}"' not in html
    data = form_data(response) | PRIVILEGES | {"first_name": "Nguyễn Văn"}
    response = client.post(change_url(secretary), data)
    assert response.status_code == 302
    secretary.refresh_from_db()
    assert secretary.first_name == "Nguyễn Văn"  # the form was accepted
    assert_powerless(secretary)


def test_an_account_added_by_staff_never_has_privileges(client, people):
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "bithu_moi",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            **PRIVILEGES,
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="bithu_moi")
    assert_powerless(created)


@pytest.mark.parametrize("whose", ["admin", "peer", "staff", "stranger"])
def test_password_form_of_accounts_not_managed_is_refused(client, people, whose):
    user = people[whose]
    assert client.get(password_url(user)).status_code == 404
    assert post_new_password(client, user).status_code == 404
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("whose", ["admin", "peer", "stranger"])
def test_accounts_not_managed_are_neither_listed_nor_opened(client, people, whose):
    user = people[whose]
    listing = client.get(reverse("admin:auth_user_changelist"))
    usernames = {u.username for u in listing.context["cl"].result_list}
    assert usernames == {"bithu_rachgia"}
    assert client.get(change_url(user)).status_code == 302
    client.post(change_url(user), {"username": user.username, "is_active": ""})
    user.refresh_from_db()
    assert user.is_active


def test_groups_cannot_be_added_or_changed(client, people):
    group = Group.objects.get()
    before = set(group.permissions.values_list("pk", flat=True))
    change = reverse("admin:auth_group_change", args=[group.pk])
    response = client.post(
        change, {"name": group.name, "permissions": PRIVILEGES["user_permissions"]}
    )
    assert response.status_code == 403
    assert set(group.permissions.values_list("pk", flat=True)) == before
    add = client.post(reverse("admin:auth_group_add"), {"name": "Toàn quyền"})
    assert add.status_code == 403
    assert Group.objects.count() == 1


@pytest.mark.parametrize(
    "who, unit",
    [("staff", "rach-gia"), ("admin", "rach-gia"), ("peer", "rach-gia"), ("secretary", "an-giang")],
)
def test_memberships_outside_the_staffs_accounts_and_units_are_refused(client, people, who, unit):
    before = Membership.objects.count()
    response = client.post(
        reverse("admin:movements_membership_add"),
        {"user": people[who].pk, "unit": Unit.objects.get(code=unit).pk, "role": "reviewer"},
    )
    assert response.status_code == 200  # the form again, with its error
    assert response.context["adminform"].form.errors
    assert Membership.objects.count() == before


def test_user_search_for_memberships_offers_only_managed_accounts(client, people):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "movements", "model_name": "membership", "field_name": "user", "term": ""},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["bithu_rachgia"]


def test_staff_reset_a_units_password_and_give_it_a_membership(client, people):
    secretary = people["secretary"]
    assert post_new_password(client, secretary).status_code == 302
    secretary.refresh_from_db()
    assert secretary.check_password(NEW_PASSWORD)
    response = client.post(
        reverse("admin:movements_membership_add"),
        {"user": secretary.pk, "unit": Unit.objects.get(code="ha-tien").pk, "role": "viewer"},
    )
    assert response.status_code == 302
    assert secretary.memberships.filter(unit__code="ha-tien", role="viewer").exists()


def test_superuser_keeps_the_full_account_admin(client, people):
    client.force_login(people["admin"])
    html = client.get(change_url(people["staff"])).content.decode()
    assert 'name="is_superuser"' in html and 'name="groups"' in html
