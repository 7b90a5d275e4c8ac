from django.core.management.base import BaseCommand, CommandError

from movements.formatting import format_number as n
from movements.services.rollups import RollupReport, rollup_check, rollup_rebuild


class Command(BaseCommand):
    help = (
        "Tính lại các tổng đã cộng sẵn (bảng Rollup mà các trang tổng hợp đọc) từ số liệu của "
        "các báo cáo, và số báo cáo đã đếm sẵn (bảng ReportTally của trang tình hình nộp báo "
        "cáo) từ các báo cáo, từng kỳ một, trong một giao dịch. Với --check: chỉ so sánh, "
        "không ghi; trả mã lỗi khi có tổng hay số đếm sai."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="chỉ so sánh các tổng và số đếm đã lưu với số liệu, không ghi gì",
        )

    def handle(self, *args, **options):
        result = rollup_check() if options["check"] else rollup_rebuild()
        self._differences(
            result,
            "tổng (đơn vị, kỳ, chỉ tiêu, trạng thái)",
            lambda total, entries: f"tổng {n(total)} ({n(entries)} số liệu)",
        )
        self._differences(
            result.tallies,
            "số báo cáo đã đếm (đơn vị, kỳ, phong trào, trạng thái)",
            lambda reports, on_time, late: (
                f"{n(reports)} báo cáo ({n(on_time)} đúng hạn, {n(late)} trễ hạn)"
            ),
        )
        counted = (
            f"{n(result.rows)} tổng và {n(result.tallies.rows)} số báo cáo đã đếm "
            f"của {n(result.periods)} kỳ"
        )
        if not options["check"]:
            self.stdout.write(self.style.SUCCESS(f"Đã tính lại {counted}."))
            return
        if not result.ok:
            raise CommandError(
                "Tổng đã cộng sẵn hoặc số báo cáo đã đếm không khớp số liệu. Chạy "
                "“manage.py rebuild_rollups” để tính lại."
            )
        self.stdout.write(self.style.SUCCESS(f"Khớp: {counted} đúng bằng số liệu."))

    def _differences(self, result: RollupReport, what: str, figures) -> None:
        if not (result.missing_count or result.extra_count or result.wrong_count):
            return
        self.stdout.write(
            f"Khác số liệu: thiếu {n(result.missing_count)}, thừa {n(result.extra_count)}, "
            f"sai {n(result.wrong_count)} {what}."
        )
        for found in result.missing:
            self.stdout.write(f"  thiếu {found}")
        for found in result.extra:
            self.stdout.write(f"  thừa {found}")
        for found, stored, expected in result.wrong:
            self.stdout.write(
                f"  sai {found}: đã lưu {figures(*stored)}, đúng là {figures(*expected)}"
            )
