from django.core.management.base import BaseCommand, CommandError

from movements.services import ServiceError, demo_load


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu minh hoạ (demo): báo cáo đã duyệt của mọi đơn vị 2009–2013, cộng lại đúng "
        "bằng số liệu đã công bố (chạy lại an toàn)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--movement", default="3tn", help="mã phong trào (mặc định 3tn)")

    def handle(self, *args, **options):
        try:
            result = demo_load(options["movement"])
        except ServiceError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Đã nạp dữ liệu minh hoạ: {result}."))
