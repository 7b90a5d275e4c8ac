from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from movements.models import Membership, Unit
from movements.services.accounts import account_ensure

DEMO_PASSWORD = "demo-phong-trao"  # noqa: S105 — a demo account on a local machine, printed
DEMO_ADMIN = "admin"
# username, unit, role, full name
DEMO_ACCOUNTS = [
    ("tinhdoan", "kien-giang", Membership.Role.REVIEWER, "Văn phòng Tỉnh Đoàn (minh hoạ)"),
    (
        "bithu-rachgia",
        "rach-gia",
        Membership.Role.SECRETARY,
        "Bí thư Thành Đoàn Rạch Giá (minh hoạ)",
    ),
    ("bithu-congan", "cong-an", Membership.Role.SECRETARY, "Bí thư Đoàn Công an tỉnh (minh hoạ)"),
]
# The accounts of the 2025 scenario (load_demo --scenario 2025), made only when it is loaded;
# Công an's secretary continues with its successor under the new province (as a move does).
DEMO_2025_ACCOUNTS = [
    (
        "bithu-congan",
        "cong-an-20250701",
        Membership.Role.SECRETARY,
        "Bí thư Đoàn Công an tỉnh (minh hoạ)",
    ),
    (
        "tinhdoan-angiang",
        "an-giang",
        Membership.Role.REVIEWER,
        "Văn phòng Tỉnh Đoàn An Giang (minh hoạ)",
    ),
    (
        "bithu-phuongrachgia",
        "phuong-rach-gia",
        Membership.Role.SECRETARY,
        "Bí thư Đoàn phường Rạch Giá (minh hoạ)",
    ),
]


class Command(BaseCommand):
    help = "Tạo (nếu chưa có) các tài khoản minh hoạ và in cách đăng nhập."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000",
            help="Địa chỉ trang web được in kèm (make run PORT=… truyền cổng của nó).",
        )

    def handle(self, *args, **options):
        url = options["url"].rstrip("/")
        User = get_user_model()
        admin = User.objects.filter(username=DEMO_ADMIN).first()
        if admin is None:
            User.objects.create_superuser(
                DEMO_ADMIN, password=DEMO_PASSWORD, first_name="Quản trị (minh hoạ)"
            )
        lines = [f"  quản trị: {DEMO_ADMIN} / {DEMO_PASSWORD}  ({url}/admin/)"]
        scenario = [a for a in DEMO_2025_ACCOUNTS if Unit.objects.filter(code=a[1]).exists()]
        for username, unit_code, role, name in DEMO_ACCOUNTS + scenario:
            if not Unit.objects.filter(code=unit_code).exists():
                self.stderr.write(f"Chưa có đơn vị {unit_code}; hãy chạy load_seed trước.")
                continue
            user = User.objects.filter(username=username).first()
            # An existing account keeps its password: it may have been changed on purpose.
            account_ensure(
                username=username,
                unit_code=unit_code,
                role=role,
                password=None if user else DEMO_PASSWORD,
                full_name=name,
                validate_password=False,
            )
            label = Membership.Role(role).label
            if any(f": {username} /" in line for line in lines):
                continue
            lines.append(f"  {label} — {name}: {username} / {DEMO_PASSWORD}")
        self.stdout.write("Tài khoản minh hoạ (chỉ dùng thử trên máy này):")
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"Đăng nhập tại {url}/accounts/login/")
