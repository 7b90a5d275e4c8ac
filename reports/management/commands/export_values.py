import json
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from movements.models import DEFAULT_MOVEMENT, Movement, Unit
from reports.exports import CsvFormError, csv_form
from reports.selectors import EXPORT_COLUMNS, Subject, export_rows, published_rows


class Command(BaseCommand):
    help = (
        "Xuất số liệu tổng hợp (báo cáo đã duyệt, cộng cả các đơn vị trực thuộc) ra CSV hoặc "
        "JSON; với --published, xuất số liệu đã công bố."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--movement",
            default=DEFAULT_MOVEMENT,
            help=f"mã phong trào (mặc định {DEFAULT_MOVEMENT})",
        )
        parser.add_argument("--unit", default="kien-giang", help="mã đơn vị (mặc định kien-giang)")
        parser.add_argument(
            "--from", dest="start", type=str, help="từ năm (mặc định đầu giai đoạn)"
        )
        parser.add_argument("--to", dest="end", type=str, help="đến năm (mặc định cuối giai đoạn)")
        parser.add_argument("--by", default="none", help="unit, year hoặc none (mặc định)")
        parser.add_argument("--published", action="store_true", help="xuất số liệu đã công bố")
        parser.add_argument("--format", default="csv", help="csv (mặc định) hoặc json")
        parser.add_argument(
            "--csv",
            default="",
            help=(
                "kiểu CSV: viet-nam (mặc định: cột cách nhau bằng dấu chấm phẩy, số thập phân "
                "dấu phẩy, như Excel tiếng Việt đọc) hoặc quoc-te (dấu phẩy, số thập phân dấu "
                "chấm)"
            ),
        )

    def handle(self, *args, **options):
        movement = Movement.objects.filter(code=options["movement"]).first()
        if movement is None:
            raise CommandError(f"Không có phong trào mã “{options['movement']}”.")
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã “{options['unit']}”.")
        start = self._year(options["start"], movement.start_year, "--from")
        end = self._year(options["end"], movement.end_year, "--to")
        if start > end:
            raise CommandError(f"Năm bắt đầu ({start}) sau năm kết thúc ({end}).")
        if start < movement.start_year or end > movement.end_year:
            raise CommandError(
                f"Khoảng năm {start}–{end} nằm ngoài giai đoạn của phong trào "
                f"({movement.start_year}–{movement.end_year})."
            )
        if options["by"] not in {"unit", "year", "none"}:
            raise CommandError("--by chỉ nhận unit, year hoặc none.")
        if options["format"] not in {"csv", "json"}:
            raise CommandError("--format chỉ nhận csv hoặc json.")
        try:
            csv_as = csv_form(options["csv"])
        except CsvFormError as error:
            raise CommandError(f"--csv: {error}") from error

        subject = Subject.of(movement=movement, unit=unit, start_year=start, end_year=end)
        if options["published"]:
            rows = published_rows(subject=subject)
        else:
            rows = export_rows(subject=subject, by=options["by"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=_plain))
        else:
            lines = [[row.get(column) for column in EXPORT_COLUMNS] for row in rows]
            self.stdout.write(csv_as.text([EXPORT_COLUMNS, *lines]), ending="")

    @staticmethod
    def _year(text, default, option):
        if text is None:
            return default
        text = text.strip()
        # Four ASCII digits: "²⁰⁰⁹".isdigit() is true but int() refuses it.
        if not (text.isascii() and text.isdigit() and len(text) == 4):
            raise CommandError(f"{option} cần một năm (ví dụ 2009), không phải “{text[:20]}”.")
        return int(text)


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(value)
