from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from movements.backups import BackupError, database_backup


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ cơ sở dữ liệu vào tệp PATH (PostgreSQL: pg_dump -Fc; SQLite: sao lưu "
        "trực tuyến), giữ nguyên mọi dòng và mọi mốc thời gian. Chạy được khi máy chủ đang phục vụ."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="tệp sao lưu sẽ ghi (ví dụ var/sao-luu-2014-06-25.dump)")

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            what = database_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = path.stat().st_size / 1024 / 1024
        self.stdout.write(f"Đã sao lưu {what} vào {path} ({size:.1f} MB).")
