from django.core.management.base import BaseCommand

from movements.services.seed import seed_load


class Command(BaseCommand):
    help = (
        "Nạp đơn vị, phong trào “3 trách nhiệm” và số liệu báo cáo 44A BC/TĐTN (chạy lại an toàn)."
    )

    def handle(self, *args, **options):
        result = seed_load()
        self.stdout.write(self.style.SUCCESS(f"Đã nạp dữ liệu gốc: {result}."))
