from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from movements.backups import BackupError, database_restore


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
