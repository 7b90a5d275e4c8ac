from django.core.management.base import BaseCommand, CommandError

from movements.formatting import format_number as n
from movements.services.rollups import RollupReport, rollup_check, rollup_rebuild


class Command(BaseCommand):
    help = (
        "Tính lại các tổng đã cộng sẵn (bảng Rollup mà các trang tổng hợp đọc) từ số liệu của "
        "các báo cáo, từng kỳ một, trong một giao dịch. Với --check: chỉ so sánh, không ghi; "
        "trả mã lỗi khi có tổng sai."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="chỉ so sánh các tổng đã lưu với số liệu, không ghi gì",
        )

    def handle(self, *args, **options):
        if options["check"]:
            result = rollup_check()
            self._differences(result)
            if not result.ok:
                raise CommandError(
                    "Tổng đã cộng sẵn không khớp số liệu. Chạy “manage.py rebuild_rollups” để "
                    "tính lại."
                )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Khớp: {n(result.rows)} tổng của {n(result.periods)} kỳ đúng bằng số liệu."
                )
            )
            return
        result = rollup_rebuild()
        self._differences(result)
        self.stdout.write(
            self.style.SUCCESS(f"Đã tính lại {n(result.rows)} tổng của {n(result.periods)} kỳ.")
        )

    def _differences(self, result: RollupReport) -> None:
        if result.ok:
            return
        self.stdout.write(
            f"Khác số liệu: thiếu {n(result.missing_count)}, thừa {n(result.extra_count)}, "
            f"sai {n(result.wrong_count)} tổng (đơn vị, kỳ, chỉ tiêu, trạng thái)."
        )
        for key in result.missing:
            self.stdout.write(f"  thiếu {key}")
        for key in result.extra:
            self.stdout.write(f"  thừa {key}")
        for key, stored, expected in result.wrong:
            self.stdout.write(
                f"  sai {key}: đã lưu tổng {n(stored[0])} ({n(stored[1])} số liệu), đúng là "
                f"{n(expected[0])} ({n(expected[1])} số liệu)"
            )
