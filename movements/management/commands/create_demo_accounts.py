from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_PASSWORD = "demo-phong-trao"  # noqa: S105 — a demo account on a local machine, printed
DEMO_ADMIN = "admin"


class Command(BaseCommand):
    help = "Tạo (nếu chưa có) các tài khoản minh hoạ và in cách đăng nhập."

    def handle(self, *args, **options):
        User = get_user_model()
        admin = User.objects.filter(username=DEMO_ADMIN).first()
        if admin is None:
            User.objects.create_superuser(
                DEMO_ADMIN, password=DEMO_PASSWORD, first_name="Quản trị (minh hoạ)"
            )
        self.stdout.write("Tài khoản minh hoạ (chỉ dùng thử trên máy này):")
        self.stdout.write(
            f"  quản trị: {DEMO_ADMIN} / {DEMO_PASSWORD}  (http://127.0.0.1:8000/admin/)"
        )
