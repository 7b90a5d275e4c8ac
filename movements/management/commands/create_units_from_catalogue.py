from types import SimpleNamespace

from django.core.management.base import BaseCommand, CommandError

from movements.models import Unit
from movements.services.catalogue import catalogue_provinces, catalogue_specs
from movements.services.tree import TreeChangeInvalid, tree_changes_apply
from movements.tree_file import parse_date

# The command is run by the server's operator: every province's tree, no account recorded.
OPERATOR = SimpleNamespace(is_superuser=True, is_authenticated=False)


class Command(BaseCommand):
    help = (
        "Thành lập các Đoàn xã, phường, đặc khu của một tỉnh (sau 1/7/2025) theo danh mục đơn "
        "vị hành chính (gói vietnam-provinces), mã chính thức ở mã TCTK, dưới một đơn vị cấp "
        "trên; mỗi đơn vị là một thay đổi “thành lập” có văn bản. Đơn vị đã có (cùng mã TCTK "
        "dưới đơn vị cấp trên đó) được bỏ qua. Tất cả hoặc không gì cả."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="mã tỉnh, ví dụ 91 (An Giang)")
        parser.add_argument("--parent", required=True, help="mã đơn vị cấp trên, ví dụ an-giang")
        parser.add_argument("--date", required=True, help="ngày hiệu lực, ví dụ 1/7/2025")
        parser.add_argument("--document", required=True, help="số, ký hiệu văn bản: 60-NQ/TW")
        parser.add_argument("--document-date", default="", help="ngày văn bản: 12/4/2025")
        parser.add_argument("--body", default="", help="cơ quan ban hành")
        parser.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không lưu")

    def handle(self, *args, **options):
        provinces = dict(catalogue_provinces())
        if options["province"] not in provinces:
            raise CommandError(
                f"Không có tỉnh mã “{options['province']}”; các mã: "
                + ", ".join(f"{code} {name}" for code, name in sorted(provinces.items()))
            )
        parent = Unit.objects.filter(code=options["parent"]).first()
        if parent is None:
            raise CommandError(f"Không có đơn vị mã “{options['parent']}”.")
        try:
            date = parse_date(options["date"])
            document_date = (
                parse_date(options["document_date"]) if options["document_date"] else None
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        rows = catalogue_specs(
            province_code=options["province"],
            parent=parent,
            date=date,
            document_number=options["document"],
            document_date=document_date,
            document_body=options["body"],
        )
        if not rows:
            self.stdout.write(
                f"Mọi xã, phường, đặc khu của {provinces[options['province']]} đã có."
            )
            return
        try:
            plan = tree_changes_apply(user=OPERATOR, rows=rows, dry_run=options["dry_run"])
        except TreeChangeInvalid as error:
            raise CommandError(
                "; ".join(f"{n}: {' '.join(reasons)}" for n, reasons in error.errors.items())
            ) from None
        if plan.errors:
            raise CommandError(
                "; ".join(f"{n}: {' '.join(reasons)}" for n, reasons in plan.errors.items())
            )
        for text in plan.described.values():
            self.stdout.write(text)
        verb = "Sẽ thành lập" if options["dry_run"] else "Đã thành lập"
        self.stdout.write(f"{verb} {len(plan.described)} đơn vị dưới {parent.name}.")
