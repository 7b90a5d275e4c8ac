from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from movements.models import DEFAULT_MOVEMENT
from movements.services import ServiceError
from movements.services.demo import demo_load, demo_open_period, demo_remove
from movements.services.demo_2025 import demo_2025_load


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu minh hoạ (demo): báo cáo đã duyệt của mọi đơn vị 2009–2013, cộng lại đúng "
        "bằng số liệu đã công bố, và mở kỳ sau giai đoạn (2014) để nhập liệu với vài báo cáo "
        "nháp, đã gửi và bị trả lại; ngày gửi, ngày duyệt quanh hạn nộp của từng kỳ (đa số "
        "đúng hạn, một số trễ hạn), không theo ngày nạp (chạy lại an toàn)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--movement",
            default=DEFAULT_MOVEMENT,
            help=f"mã phong trào (mặc định {DEFAULT_MOVEMENT})",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=(
                "xoá mọi báo cáo minh hoạ (kèm số liệu và lịch sử của chúng) rồi nạp lại; báo "
                "cáo thật của các đơn vị không bị động đến"
            ),
        )

        parser.add_argument(
            "--scenario",
            choices=["2025"],
            help=(
                "thêm kịch bản minh hoạ: 2025 — Kiên Giang và An Giang hợp nhất thành Tỉnh Đoàn "
                "An Giang từ 1/7/2025, Đoàn cấp huyện kết thúc (ánh xạ minh hoạ), các kỳ 2025 "
                "và 2026"
            ),
        )

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                if options["replace"]:
                    removed = demo_remove(movement_code=options["movement"])
                    self.stdout.write(f"Đã xoá {removed} báo cáo minh hoạ.")
                result = demo_load(movement_code=options["movement"])
                opened = demo_open_period(movement_code=options["movement"])
                scenario = None
                if options["scenario"] == "2025":
                    scenario = demo_2025_load(movement_code=options["movement"])
        except ServiceError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Đã nạp dữ liệu minh hoạ: {result}."))
        self.stdout.write(self.style.SUCCESS(f"Kỳ sau giai đoạn mở nhập liệu: {opened}."))
        if scenario is not None:
            self.stdout.write(self.style.SUCCESS(f"Kịch bản minh hoạ 2025: {scenario}."))
