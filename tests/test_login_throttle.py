"""Login throttling that cannot be turned against a user: a lock keys on user name and the
client's real address (from the proxy header only when a proxy is declared), one address
cannot spray passwords over many user names, and the password change form's old password is
throttled like a login. No page offers a password reset that cannot be sent."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.7"
USER = "203.0.113.5"
PROXY = "10.0.0.2"
NEW_PASSWORD = "mat-khau-moi-2014-kien-giang"


def login(client, username, password, address=USER, forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def locked(response) -> bool:
    return response.status_code == 429 and "Tạm khoá đăng nhập" in response.content.decode()


def logged_in(response, client) -> bool:
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_a_lock_from_one_address_does_not_keep_the_user_out_from_another(client, cast, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "tinhdoan", "sai", address=ATTACKER)
    assert locked(login(client, "tinhdoan", cast.password, address=ATTACKER))
    assert logged_in(login(client, "tinhdoan", cast.password, address=USER), client)


def test_behind_a_declared_proxy_each_client_has_its_own_lock(client, cast, settings):
    """Through the proxy every request comes from PROXY; the proxy appends the client's
    address to X-Forwarded-For, after whatever the client sent there."""
    settings.PROXY_COUNT = 1
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "tinhdoan", "sai", address=PROXY, forwarded=f"{USER}, {ATTACKER}")
    assert locked(login(client, "tinhdoan", "sai", address=PROXY, forwarded=ATTACKER))
    response = login(client, "tinhdoan", cast.password, address=PROXY, forwarded=USER)
    assert logged_in(response, client)


def test_without_a_declared_proxy_a_forged_header_changes_nothing(client, cast, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "tinhdoan", "sai", address=ATTACKER, forwarded=f"192.0.2.{attempt}")
    assert locked(login(client, "tinhdoan", cast.password, address=ATTACKER, forwarded=USER))


def test_one_address_cannot_spray_passwords_over_many_user_names(client, cast, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    for attempt in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        response = login(client, f"nguoi-{attempt}", "123456", address=ATTACKER)
        assert not locked(response)
    assert locked(login(client, "nguoi-cuoi", "123456", address=ATTACKER))
    # The address is now locked for every user name, a real one with its password included…
    assert locked(login(client, "bithu_rachgia", cast.password, address=ATTACKER))
    # …but not the user name elsewhere.
    assert logged_in(login(client, "bithu_rachgia", cast.password, address=USER), client)


def test_an_account_of_ones_own_does_not_clear_an_addresses_failures(client, cast, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    for attempt in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        login(client, f"nguoi-{attempt}", "123456", address=ATTACKER)
    assert logged_in(login(client, "bithu_congan", cast.password, address=ATTACKER), client)
    client.logout()
    login(client, "nguoi-cuoi", "123456", address=ATTACKER)
    assert locked(login(client, "nguoi-khac", "123456", address=ATTACKER))


def change_password(client, old, address=USER):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        REMOTE_ADDR=address,
    )


def test_old_password_guesses_at_the_password_change_form_are_throttled(client, cast, settings):
    client.force_login(cast.secretary_a)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = change_password(client, "doan-mo")
        assert response.status_code == 200
        assert response.context["form"].has_error("old_password", "password_incorrect")
    assert locked(change_password(client, "doan-mo"))
    assert locked(change_password(client, cast.password))  # even the right one, while locked
    cast.secretary_a.refresh_from_db()
    assert cast.secretary_a.check_password(cast.password)


def test_the_admins_password_change_is_the_throttled_one(client, cast):
    client.force_login(cast.reviewer)
    response = client.get("/admin/password_change/")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")


@pytest.mark.parametrize(
    "path",
    ["/accounts/password_reset/", "/accounts/password_reset/done/", "/accounts/reset/done/"],
)
def test_no_password_reset_page_claims_to_send_mail(client, db, path):
    response = client.post(path, {"email": "tinhdoan@example.invalid"})
    assert response.status_code == 404
