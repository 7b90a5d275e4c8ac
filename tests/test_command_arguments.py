"""Management commands refuse bad arguments with a Vietnamese message and change nothing."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from movements.models import Movement
from tests.audit import snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("command", "args", "message"),
    [
        ("load_demo", ["--movement", "xyz"], "Chưa có phong trào “xyz”"),
        ("load_demo", ["--movement", ""], "Chưa có phong trào"),
        ("export_values", ["--from", "²⁰⁰⁹"], "cần một năm"),
        ("export_values", ["--to", "-2013"], "cần một năm"),
        ("export_values", ["--unit", ""], "Không có đơn vị"),
        ("export_values", ["--from", "9" * 5000], "cần một năm"),
        ("create_account", ["có dấu cách", "--unit", "ha-tien", "--role", "viewer"], "Tên đăng"),
        ("create_account", ["x" * 151, "--unit", "ha-tien", "--role", "viewer"], "Tên đăng"),
        (
            "create_account",
            ["ai_do", "--unit", "ha-tien", "--role", "viewer", "--name", "Ạ " * 200],
            "Họ và tên",
        ),
        ("create_account", ["ai_do", "--unit", "", "--role", "viewer"], "Không có đơn vị"),
    ],
)
def test_commands_refuse_bad_arguments_in_vietnamese(seed, monkeypatch, command, args, message):
    monkeypatch.setenv("ACCOUNT_PASSWORD", "mat-khau-rat-dai-2013")
    before = (snapshot(), get_user_model().objects.count(), Movement.objects.count())
    with pytest.raises(CommandError, match=message):
        call_command(command, *args, stdout=io.StringIO())
    assert (snapshot(), get_user_model().objects.count(), Movement.objects.count()) == before
