from django.core.management.base import BaseCommand, CommandError

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
                    f"Khớp: {result.rows} tổng của {result.periods} kỳ đúng bằng số liệu."
                )
            )
            return
        result = rollup_rebuild()
        self._differences(result)
        self.stdout.write(
            self.style.SUCCESS(f"Đã tính lại {result.rows} tổng của {result.periods} kỳ.")
        )

    def _differences(self, result: RollupReport) -> None:
        if result.ok:
            return
        self.stdout.write(
            f"Khác số liệu: thiếu {result.missing_count}, thừa {result.extra_count}, "
            f"sai {result.wrong_count} tổng (đơn vị, kỳ, chỉ tiêu, trạng thái)."
        )
        for key in result.missing:
            self.stdout.write(f"  thiếu {key}")
        for key in result.extra:
            self.stdout.write(f"  thừa {key}")
        for key, stored, expected in result.wrong:
            self.stdout.write(
                f"  sai {key}: đã lưu tổng {stored[0]} ({stored[1]} số liệu), đúng là "
                f"{expected[0]} ({expected[1]} số liệu)"
            )
