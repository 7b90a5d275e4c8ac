"""Accounts: create_account, the demo accounts, login throttling, Vietnamese login and password
change pages."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from movements.models import Membership
from movements.services.accounts import STAFF_GROUP

pytestmark = pytest.mark.django_db

User = get_user_model()
GOOD_PASSWORD = "Rach-Gia-2014-an-toan"


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_create_account_takes_the_password_from_the_environment(seed, monkeypatch):
    monkeypatch.setenv("ACCOUNT_PASSWORD", GOOD_PASSWORD)
    output = run(
        "create_account", "bithu_hatien", "--unit", "ha-tien", "--role", "secretary",
        "--name", "Nguyễn Văn An",
    )  # fmt: skip
    assert "Đã tạo tài khoản bithu_hatien" in output
    user = User.objects.get(username="bithu_hatien")
    assert user.check_password(GOOD_PASSWORD)
    assert user.first_name == "Nguyễn Văn" and user.last_name == "An"
    assert not user.is_staff
    assert list(user.memberships.values_list("unit__code", "role")) == [("ha-tien", "secretary")]


def test_create_account_updates_an_existing_account(seed, monkeypatch):
    monkeypatch.setenv("ACCOUNT_PASSWORD", GOOD_PASSWORD)
    run("create_account", "bithu_hatien", "--unit", "ha-tien", "--role", "secretary")
    monkeypatch.setenv("ACCOUNT_PASSWORD", GOOD_PASSWORD + "-moi")
    output = run("create_account", "bithu_hatien", "--unit", "kien-luong", "--role", "viewer")
    assert "Đã cập nhật tài khoản bithu_hatien" in output
    user = User.objects.get(username="bithu_hatien")
    assert user.check_password(GOOD_PASSWORD + "-moi")
    assert set(user.memberships.values_list("unit__code", "role")) == {
        ("ha-tien", "secretary"),
        ("kien-luong", "viewer"),
    }
    run("create_account", "bithu_hatien", "--unit", "kien-luong", "--role", "viewer")
    assert user.memberships.count() == 2  # the same membership twice is one membership


def test_provincial_reviewer_becomes_staff_with_the_admin_group(seed, monkeypatch, client):
    monkeypatch.setenv("ACCOUNT_PASSWORD", GOOD_PASSWORD)
    run("create_account", "vanphong", "--unit", "kien-giang", "--role", "reviewer")
    user = User.objects.get(username="vanphong")
    assert user.is_staff and not user.is_superuser
    assert user.groups.filter(name=STAFF_GROUP).exists()
    assert user.has_perm("movements.change_report")
    assert user.has_perm("movements.add_membership")
    assert user.has_perm("auth.add_user")
    assert not user.has_perm("auth.delete_user")
    assert not user.has_perm("auth.change_group")
    assert not user.has_perm("auth.add_group")
    client.force_login(user)
    assert client.get("/admin/movements/report/").status_code == 200
    assert client.get("/admin/movements/unit/").status_code == 200
    assert client.get("/admin/reports/generatedreport/").status_code == 200


def test_district_reviewer_is_not_staff(seed, monkeypatch):
    monkeypatch.setenv("ACCOUNT_PASSWORD", GOOD_PASSWORD)
    run("create_account", "duyet_rachgia", "--unit", "rach-gia", "--role", "reviewer")
    assert not User.objects.get(username="duyet_rachgia").is_staff


@pytest.mark.parametrize(
    "args, message",
    [
        (["--unit", "khong-co", "--role", "secretary"], "Không có đơn vị mã “khong-co”"),
        (["--unit", "ha-tien", "--role", "admin"], "Vai trò “admin” không hợp lệ"),
    ],
)
def test_create_account_refuses_unknown_unit_or_role(seed, monkeypatch, args, message):
    monkeypatch.setenv("ACCOUNT_PASSWORD", GOOD_PASSWORD)
    with pytest.raises(CommandError, match=message):
        run("create_account", "ai_do", *args)
    assert not User.objects.filter(username="ai_do").exists()


def test_create_account_never_takes_the_password_on_the_command_line(seed, monkeypatch):
    monkeypatch.delenv("ACCOUNT_PASSWORD", raising=False)
    with pytest.raises((CommandError, TypeError)):
        run("create_account", "ai_do", "--unit", "ha-tien", "--role", "viewer",
            "--password", GOOD_PASSWORD)  # fmt: skip
    assert not User.objects.filter(username="ai_do").exists()


def test_new_account_without_a_password_is_refused(seed, monkeypatch):
    monkeypatch.delenv("ACCOUNT_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())  # not a terminal: no prompt
    with pytest.raises(CommandError, match="cần mật khẩu"):
        run("create_account", "ai_do", "--unit", "ha-tien", "--role", "viewer")
    assert not User.objects.filter(username="ai_do").exists()


def test_weak_password_is_refused(seed, monkeypatch):
    monkeypatch.setenv("ACCOUNT_PASSWORD", "12345")
    with pytest.raises(CommandError, match="Mật khẩu chưa đạt"):
        run("create_account", "ai_do", "--unit", "ha-tien", "--role", "viewer")
    assert not User.objects.filter(username="ai_do").exists()


def test_demo_accounts_are_created_once_and_printed(seed):
    output = run("create_demo_accounts")
    for username in ["admin", "tinhdoan", "bithu-rachgia", "bithu-congan"]:
        assert username in output
    assert "demo-phong-trao" in output
    assert "/accounts/login/" in output
    reviewer = User.objects.get(username="tinhdoan")
    assert reviewer.is_staff
    assert Membership.objects.filter(user=reviewer, unit__code="kien-giang", role="reviewer")
    assert Membership.objects.filter(
        user__username="bithu-rachgia", unit__code="rach-gia", role="secretary"
    ).exists()
    assert Membership.objects.filter(
        user__username="bithu-congan", unit__code="cong-an", role="secretary"
    ).exists()
    run("create_demo_accounts")
    assert User.objects.count() == 4
    assert Membership.objects.count() == 3


def test_demo_accounts_print_the_address_they_are_served_at(seed):
    assert "http://127.0.0.1:8000/accounts/login/" in run("create_demo_accounts")
    output = run("create_demo_accounts", "--url", "http://127.0.0.1:8001/")
    assert "(http://127.0.0.1:8001/admin/)" in output
    assert "Đăng nhập tại http://127.0.0.1:8001/accounts/login/" in output
    assert "8000" not in output


def test_demo_accounts_keep_a_changed_password(seed):
    run("create_demo_accounts")
    user = User.objects.get(username="bithu-rachgia")
    user.set_password(GOOD_PASSWORD)
    user.save()
    run("create_demo_accounts")
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)


# --- login, throttling, password change --------------------------------------------------------


def test_login_page_is_in_vietnamese_and_logs_in(client, cast):
    response = client.get(reverse("login"))
    assert "Đăng nhập" in response.content.decode()
    response = client.post(
        reverse("login"),
        {"username": "bithu_rachgia", "password": cast.password, "next": "/entry/"},
    )
    assert response.status_code == 302 and response.url == "/entry/"


def test_repeated_failures_lock_the_login(client, cast, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "bithu_rachgia", "password": "sai"})
    response = client.post(reverse("login"), {"username": "bithu_rachgia", "password": "sai"})
    assert response.status_code in (403, 429)
    assert "Tạm khoá đăng nhập" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post(
        reverse("login"), {"username": "bithu_rachgia", "password": cast.password}
    )
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_a_few_failures_do_not_lock(client, cast):
    for _attempt in range(2):
        response = client.post(reverse("login"), {"username": "bithu_rachgia", "password": "sai"})
        assert "không đúng" in response.content.decode()
    response = client.post(
        reverse("login"), {"username": "bithu_rachgia", "password": cast.password}
    )
    assert response.status_code == 302


def test_password_change_needs_login_and_works(client, cast):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    client.force_login(cast.secretary_a)
    response = client.get(reverse("password_change"))
    assert response.status_code == 200
    assert "Đổi mật khẩu" in response.content.decode()
    response = client.post(
        reverse("password_change"),
        {"old_password": "sai", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert response.status_code == 200
    cast.secretary_a.refresh_from_db()
    assert cast.secretary_a.check_password(cast.password)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": cast.password,
            "new_password1": GOOD_PASSWORD,
            "new_password2": GOOD_PASSWORD,
        },
        follow=True,
    )
    assert "Đã đổi mật khẩu" in response.content.decode()
    cast.secretary_a.refresh_from_db()
    assert cast.secretary_a.check_password(GOOD_PASSWORD)


def test_logout_is_a_post_and_ends_the_session(client, cast):
    client.force_login(cast.secretary_a)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("movements:entry")).status_code == 302
