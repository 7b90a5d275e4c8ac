from django.core.management.base import BaseCommand, CommandError

from movements.formatting import format_number as n
from movements.services.flags import flags_check, flags_rebuild


class Command(BaseCommand):
    help = (
        "Ghi lại các cảnh báo số liệu (bảng ReportFlag mà trang duyệt và trang kiểm tra số liệu "
        "đọc) của mọi báo cáo đã gửi hoặc đã duyệt, theo các quy tắc kiểm tra hiện nay; giữ "
        "các đánh dấu “cần xem lại” của số liệu không đổi. Chạy sau khi nâng cấp lên phiên bản "
        "có bảng này. Với --check: chỉ so sánh, không ghi; trả mã lỗi khi có báo cáo khác."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="chỉ so sánh các cảnh báo đã lưu với các quy tắc hiện nay, không ghi gì",
        )

    def handle(self, *args, **options):
        if not options["check"]:
            stored = flags_rebuild()
            self.stdout.write(self.style.SUCCESS(f"Đã ghi {n(stored)} cảnh báo."))
            return
        result = flags_check()
        for report, (stored, found) in list(result.different.items())[:10]:
            self.stdout.write(
                f"  {report}: đã lưu {n(len(stored))} cảnh báo, theo quy tắc hiện nay "
                f"{n(len(found))}"
            )
        if not result.ok:
            raise CommandError(
                f"{n(len(result.different))} trên {n(result.reports)} báo cáo có cảnh báo khác "
                "các quy tắc hiện nay (cảnh báo giữ số liệu kỳ trước lúc gửi, nên có thể khác "
                "khi kỳ trước đã sửa). Chạy “manage.py flag_reports” để ghi lại."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Khớp: cảnh báo của {n(result.reports)} báo cáo đúng như quy tắc.")
        )
