from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from movements.backups import BackupError, database_restore
from movements.formatting import format_number as n
from movements.models import ReportTally, Rollup
from movements.services.rollups import rollup_check, rollup_rebuild


class Command(BaseCommand):
    help = (
        "Khôi phục toàn bộ cơ sở dữ liệu từ tệp PATH do lệnh backup ghi: dữ liệu hiện có được "
        "thay hết. Hãy dừng máy chủ trước khi khôi phục."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="tệp sao lưu do lệnh backup ghi")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="không hỏi lại trước khi thay dữ liệu",
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        if options["interactive"]:
            answer = input(
                f"Toàn bộ dữ liệu hiện có sẽ được thay bằng bản sao lưu {path}. "
                "Gõ 'yes' để tiếp tục: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Đã huỷ; dữ liệu không thay đổi.")
        try:
            what = database_restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Đã khôi phục {what} từ {path}.")
        tables = connection.introspection.table_names()
        if any(m._meta.db_table not in tables for m in (Rollup, ReportTally)):
            self.stdout.write(
                "Bản sao lưu cũ, chưa có bảng tổng hay bảng số báo cáo đã đếm: chạy "
                "“manage.py migrate” để tạo và tính chúng."
            )
            return
        # A backup is one consistent snapshot, its stored totals and tallies included: they
        # are checked against the restored values and reports, and recomputed only if they
        # differ.
        check = rollup_check()
        if check.ok:
            self.stdout.write(
                f"Tổng đã cộng sẵn và số báo cáo đã đếm khớp số liệu ({n(check.rows)} tổng, "
                f"{n(check.tallies.rows)} số đếm)."
            )
        else:
            result = rollup_rebuild()
            self.stdout.write(
                f"Đã tính lại {n(result.rows)} tổng và {n(result.tallies.rows)} số báo cáo đã "
                f"đếm của {n(result.periods)} kỳ."
            )
