"""Accounts: create or update a user with a membership; the group of provincial staff."""

from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from ..models import Membership, Unit
from . import ServiceError

STAFF_GROUP = "Văn phòng Tỉnh Đoàn"


def staff_group_ensure() -> Group:
    """The auth group of provincial staff, with the permissions the admin needs: every model
    of the movements and reports apps, users (view, add, change: the admin limits them to their
    units' accounts and never shows permissions) and groups (view only). Set, not added, so that
    a group made by an older version loses what it should not have."""
    group, _created = Group.objects.get_or_create(name=STAFF_GROUP)
    permissions = Permission.objects.filter(
        Q(content_type__app_label__in=["movements", "reports"])
        | Q(
            content_type__app_label="auth",
            codename__regex=r"^((view|add|change)_user|view_group)$",
        )
    )
    group.permissions.set(permissions)
    return group


@transaction.atomic
def account_ensure(
    *,
    username: str,
    unit_code: str,
    role: str,
    password: str | None = None,
    full_name: str = "",
    validate_password: bool = True,
) -> tuple[AbstractBaseUser, bool]:
    """Create or update an account and give it a membership: (user, created).

    A reviewer of a root unit (provincial staff) also gets is_staff and the staff group.
    The password, when given, must pass the password validators.
    """
    username = (username or "").strip()
    if not username:
        raise ServiceError("Cần tên đăng nhập.")
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        raise ServiceError(f"Không có đơn vị mã “{unit_code}”.")
    if role not in Membership.Role.values:
        raise ServiceError(
            f"Vai trò “{role}” không hợp lệ; chọn một trong: {', '.join(Membership.Role.values)}."
        )
    User = get_user_model()
    try:  # the model's own rules: letters, digits and @.+-_ only, at most 150 characters
        User._meta.get_field(User.USERNAME_FIELD).run_validators(username)
    except ValidationError as error:
        raise ServiceError(
            f"Tên đăng nhập “{username[:40]}” không hợp lệ: chỉ gồm chữ, số và các dấu @ . + - _, "
            "tối đa 150 ký tự."
        ) from error
    if len(full_name.strip()) > 150:
        raise ServiceError("Họ và tên dài quá 150 ký tự.")
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username)
    if full_name:
        first, _sep, last = full_name.strip().rpartition(" ")
        user.first_name, user.last_name = (first, last) if first else (last, "")
    if password is not None:
        if validate_password:
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                raise ServiceError("Mật khẩu chưa đạt: " + " ".join(error.messages)) from error
        user.set_password(password)
    elif created:
        raise ServiceError("Tài khoản mới cần mật khẩu.")
    provincial = role == Membership.Role.REVIEWER and unit.parent_id is None
    if provincial:
        user.is_staff = True
    user.save()
    Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if provincial:
        user.groups.add(staff_group_ensure())
    return user, created
