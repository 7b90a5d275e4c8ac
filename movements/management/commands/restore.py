from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from movements.backups import BackupError, database_restore
from movements.models import Rollup
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
        if Rollup._meta.db_table not in connection.introspection.table_names():
            self.stdout.write(
                "Bản sao lưu cũ, chưa có bảng tổng: chạy “manage.py migrate” để tạo và tính nó."
            )
            return
        # A backup is one consistent snapshot, its stored totals included: they are checked
        # against the restored values, and recomputed only if they differ.
        check = rollup_check()
        if check.ok:
            self.stdout.write(f"Tổng đã cộng sẵn khớp số liệu ({check.rows} tổng).")
        else:
            result = rollup_rebuild()
            self.stdout.write(f"Đã tính lại {result.rows} tổng của {result.periods} kỳ.")
