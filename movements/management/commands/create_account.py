import getpass
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from movements.models import Membership
from movements.services import ServiceError
from movements.services.accounts import account_ensure


class Command(BaseCommand):
    help = (
        "Tạo hoặc cập nhật tài khoản và gán vào một đơn vị với một vai trò. Mật khẩu lấy từ "
        "biến môi trường ACCOUNT_PASSWORD hoặc được hỏi khi chạy, không bao giờ từ dòng lệnh."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="tên đăng nhập")
        parser.add_argument("--unit", required=True, help="mã đơn vị, ví dụ rach-gia")
        parser.add_argument(
            "--role", required=True, help="vai trò: " + ", ".join(Membership.Role.values)
        )
        parser.add_argument("--name", default="", help="họ và tên (không bắt buộc)")

    def handle(self, *args, **options):
        if options["role"] not in Membership.Role.values:
            raise CommandError(
                f"Vai trò “{options['role']}” không hợp lệ; chọn một trong: "
                f"{', '.join(Membership.Role.values)}."
            )
        password = os.environ.get("ACCOUNT_PASSWORD")
        if password is None and sys.stdin.isatty():
            password = getpass.getpass("Mật khẩu (để trống nếu giữ mật khẩu cũ): ") or None
            if password is not None and password != getpass.getpass("Nhập lại mật khẩu: "):
                raise CommandError("Hai lần nhập mật khẩu không khớp.")
        try:
            user, created = account_ensure(
                username=options["username"],
                unit_code=options["unit"],
                role=options["role"],
                password=password,
                full_name=options["name"],
            )
        except ServiceError as error:
            raise CommandError(str(error)) from error
        roles = ", ".join(
            f"{m.get_role_display()} — {m.unit.name}"
            for m in user.memberships.select_related("unit").order_by("unit__path")
        )
        verb = "Đã tạo" if created else "Đã cập nhật"
        self.stdout.write(self.style.SUCCESS(f"{verb} tài khoản {user.username}: {roles}."))
