"""Tree changes in the admin: the form applies a change or says in Vietnamese why not, a file
(CSV or .xlsx written by openpyxl) is previewed then applied all or nothing, the tree as of a
date, the units of a province created from the official catalogue; each for the province's
staff only."""

import csv
import datetime as dt
import io

import html5lib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from movements.models import Succession, TreeChange, Unit
from movements.services.accounts import staff_group_ensure
from movements.services.rollups import rollup_check
from movements.tree_file import HEADERS
from tests.factories import make_user

pytestmark = pytest.mark.django_db

DOC = ["60-NQ/TW", "12/4/2025", "Ban Chấp hành Trung ương"]


@pytest.fixture
def staff(client, cast):
    cast.reviewer.groups.add(staff_group_ensure())
    client.force_login(cast.reviewer)
    return client


def _snapshot():
    return (
        list(
            Unit.objects.order_by("pk").values_list(
                "code", "parent_id", "valid_from", "valid_to", "name"
            )
        ),
        TreeChange.objects.count(),
    )


def _row(kind, date="1/7/2025", **cells):
    keys = ["sources", "targets", "shares", "new_code", "new_name", "new_short_name",
            "unit_kind", "gso_code", "parent", "move_children", "notes"]  # fmt: skip
    return [kind, date, *DOC, *(cells.get(k, "") for k in keys)]


def _xlsx(rows, name="thay-doi.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(["Thay đổi cây đơn vị Tỉnh Đoàn Kiên Giang"])  # a title above the header
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _csv(rows, name="thay-doi.csv", delimiter=";"):
    """As Excel writes “CSV UTF-8”: a byte order mark, cells quoted where needed."""
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows([HEADERS, *rows])
    return SimpleUploadedFile(name, ("\ufeff" + text.getvalue()).encode())


MERGER = [
    _row("Thành lập", new_code="phuong-rach-gia", new_name="Đoàn phường Rạch Giá",
         unit_kind="Cơ sở Đoàn", gso_code="30742", parent="kien-giang"),
    _row("Hợp nhất", sources="rach-gia; chau-thanh", targets="phuong-rach-gia"),
    _row("Chia tách", sources="an-minh", targets="phuong-rach-gia; ha-tien", shares="30%; 70%"),
    _row("Đổi tên", sources="ha-tien", new_name="Thành Đoàn Hà Tiên"),
    _row("Chuyển", sources="cong-an", parent="ha-tien"),
    _row("Giải thể", sources="kien-hai", date="1/1/2026"),
]  # fmt: skip


def test_the_admin_form_applies_a_merge_into_a_new_unit(staff, units):
    response = staff.post(
        reverse("admin:movements_treechange_add"),
        {
            "kind": "merge",
            "effective_date": "1/7/2025",
            "document_number": "60-NQ/TW",
            "document_date": "12/4/2025",
            "document_body": "Ban Chấp hành Trung ương",
            "sources": [units.hon_dat.pk, units.kien_luong.pk],
            "new_code": "hon-dat-kien-luong",
            "new_name": "Đoàn Hòn Đất – Kiên Lương",
            "new_kind": "district",
            "new_parent": units.kien_giang.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    target = Unit.objects.get(code="hon-dat-kien-luong")
    assert (target.parent, target.valid_from) == (units.kien_giang, dt.date(2025, 7, 1))
    units.hon_dat.refresh_from_db()
    assert units.hon_dat.valid_to == dt.date(2025, 6, 30)
    change = TreeChange.objects.get()
    assert change.created_by.username == "tinhdoan"
    assert Succession.objects.filter(change=change, successor=target).count() == 2
    page = staff.get(reverse("admin:movements_treechange_change", args=[change.pk]))
    assert page.status_code == 200 and "Đoàn Hòn Đất – Kiên Lương" in page.content.decode()
    listing = staff.get(reverse("admin:movements_treechange_changelist")).content.decode()
    assert (
        "Hợp nhất Huyện Đoàn Kiên Lương, Huyện Đoàn Hòn Đất thành Đoàn Hòn Đất – Kiên Lương từ "
        "1/7/2025" in listing
    )
    assert rollup_check().ok


def test_the_admin_form_refuses_a_merge_of_one_unit_in_vietnamese(staff, units):
    before = _snapshot()
    response = staff.post(
        reverse("admin:movements_treechange_add"),
        {
            "kind": "merge",
            "effective_date": "1/7/2025",
            "document_number": "60-NQ/TW",
            "sources": [units.hon_dat.pk],
            "targets": [units.kien_luong.pk],
            "new_kind": "grassroots",
        },
    )
    assert response.status_code == 200
    assert "Hợp nhất: cần ít nhất hai đơn vị nguồn." in response.content.decode()
    assert _snapshot() == before


def test_changes_cannot_be_edited_or_deleted_in_the_admin(staff, units, cast):
    from movements.services.tree import ChangeSpec, tree_change_apply

    change = tree_change_apply(
        user=cast.reviewer,
        spec=ChangeSpec(
            kind="close", date=dt.date(2026, 1, 1), document_number="1-QĐ", sources=("kien-hai",)
        ),
    )
    delete = staff.post(
        reverse("admin:movements_treechange_delete", args=[change.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert TreeChange.objects.filter(pk=change.pk).exists()


@pytest.mark.parametrize("upload", [_xlsx, _csv], ids=["xlsx", "csv"])
def test_a_file_of_the_2025_merger_is_previewed_then_applied(staff, units, upload):
    before = _snapshot()
    preview = staff.post(reverse("admin:movements_treechange_import"), {"file": upload(MERGER)})
    page = preview.content.decode()
    assert preview.status_code == 200, page[:2000]
    assert "6 thay đổi sẽ được áp dụng" in page
    html5lib.HTMLParser(strict=True).parse(page)
    assert "Hợp nhất Thành Đoàn Rạch Giá, Huyện Đoàn Châu Thành thành Đoàn phường Rạch Giá" in page
    assert "Phường Rạch Giá" not in page or "30 %" in page
    assert _snapshot() == before  # a preview changes nothing
    token = preview.context["token"]
    done = staff.post(reverse("admin:movements_treechange_confirm"), {"token": token})
    assert done.status_code == 302
    assert TreeChange.objects.count() == 6
    ward = Unit.objects.get(code="phuong-rach-gia")
    assert (ward.gso_code, ward.parent, ward.kind) == ("30742", units.kien_giang, "grassroots")
    units.kien_hai.refresh_from_db()
    assert units.kien_hai.valid_to == dt.date(2025, 12, 31)
    assert Unit.objects.get(code="ha-tien").name == "Thành Đoàn Hà Tiên"
    assert Unit.objects.get(code="cong-an-20250701").parent == units.ha_tien
    assert rollup_check().ok
    # The token is used once.
    again = staff.post(reverse("admin:movements_treechange_confirm"), {"token": token})
    assert again.status_code == 302 and TreeChange.objects.count() == 6


@pytest.mark.parametrize("upload", [_xlsx, _csv], ids=["xlsx", "csv"])
def test_a_file_with_a_bad_row_says_which_and_changes_nothing(staff, units, upload):
    rows = [
        *MERGER[:2],
        _row("Hợp nhất", sources="hon-dat"),
        _row("Gộp lại", sources="hon-dat"),
        _row("Giải thể", date="31/2/2025", sources="an-bien"),
        _row("Chia tách", sources="an-bien", targets="ha-tien; rach-gia", shares="40%; 50%"),
    ]
    before = _snapshot()
    preview = staff.post(reverse("admin:movements_treechange_import"), {"file": upload(rows)})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "4 dòng có lỗi; chưa có gì thay đổi" in page
    html5lib.HTMLParser(strict=True).parse(page)
    assert "Hợp nhất: cần ít nhất hai đơn vị nguồn." in page
    assert "Loại thay đổi “Gộp lại” không có" in page
    assert "“31/2/2025” không phải một ngày" in page
    assert "Tổng tỷ lệ các đơn vị tách ra phải bằng 100 % (đang là 90 %)." in page
    assert not preview.context["token"]
    assert _snapshot() == before
    assert staff.session.get("tree_file") is None


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("a.txt", b"hello"), "Chỉ nhận tệp .csv hoặc .xlsx"),
        (SimpleUploadedFile("a.xlsx", b"not a zip"), "không phải tệp Excel .xlsx hợp lệ"),
        (SimpleUploadedFile("a.csv", "loại;x\n".encode("utf-16")), "không ở dạng UTF-8"),
        (SimpleUploadedFile("a.csv", "Tên;Mã\nx;y\n".encode()), "Không tìm thấy dòng tiêu đề"),
        (SimpleUploadedFile("a.csv", b""), "rỗng"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_in_vietnamese(staff, seed, upload, message):
    before = _snapshot()
    response = staff.post(reverse("admin:movements_treechange_import"), {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _snapshot() == before


def test_a_csv_of_too_many_rows_is_refused(staff, seed):
    rows = [_row("Giải thể", sources="an-bien")] * 2_100
    response = staff.post(reverse("admin:movements_treechange_import"), {"file": _csv(rows)})
    assert response.status_code == 400
    assert "Tệp có hơn 2.000 dòng thay đổi" in response.content.decode()


def test_the_template_file_reads_back_as_its_example_rows(staff, seed):
    response = staff.get(reverse("admin:movements_treechange_template"))
    assert response.status_code == 200
    upload = SimpleUploadedFile("mau.xlsx", response.content)
    preview = staff.post(reverse("admin:movements_treechange_import"), {"file": upload})
    assert preview.status_code == 200
    assert "2 thay đổi sẽ được áp dụng" in preview.content.decode()


def test_the_tree_as_of_a_date_shows_the_units_of_that_day(staff, units, cast):
    staff.post(reverse("admin:movements_treechange_import"), {"file": _csv(MERGER)})
    staff.post(
        reverse("admin:movements_treechange_confirm"),
        {"token": staff.session["tree_file"]["token"]},
    )
    url = reverse("admin:movements_treechange_tree")
    before = staff.get(url, {"ngay": "30/6/2025"})
    after = staff.get(url, {"ngay": "1/7/2025"})
    assert before.status_code == after.status_code == 200
    old, new = before.content.decode(), after.content.decode()
    assert 'data-code="rach-gia"' in old and 'data-code="phuong-rach-gia"' not in old
    assert 'data-code="rach-gia"' not in new and 'data-code="phuong-rach-gia"' in new
    # The name it had that day.
    assert "Thị Đoàn Hà Tiên" in old and "Thành Đoàn Hà Tiên" in new
    assert "ngày 1/7/2025" in new
    html5lib.HTMLParser(strict=True).parse(new)


@pytest.mark.parametrize("day", ["31/2/2025", "hôm qua", "1/7/99999", "<script>", "1/7/0001"])
def test_a_bad_date_for_the_tree_is_answered_in_vietnamese(staff, seed, day):
    response = staff.get(reverse("admin:movements_treechange_tree"), {"ngay": day})
    assert response.status_code == 400
    assert "không phải một ngày (cần dạng ngày/tháng/năm" in response.content.decode()


def test_the_wards_of_an_giang_are_created_from_the_official_catalogue(staff, units):
    url = reverse("admin:movements_treechange_catalogue")
    form = {
        "province": "91",
        "parent": units.kien_giang.pk,
        "effective_date": "1/7/2025",
        "document_number": "60-NQ/TW",
        "document_date": "12/4/2025",
    }
    preview = staff.post(url, form)
    page = preview.content.decode()
    assert preview.status_code == 200, page[:2000]
    assert "102 đơn vị sẽ được thành lập" in page
    html5lib.HTMLParser(strict=True).parse(page)
    assert Unit.objects.filter(gso_code="30742").count() == 0
    done = staff.post(url, {**form, "apply": "1"})
    assert done.status_code == 302
    created = Unit.objects.filter(parent=units.kien_giang, valid_from=dt.date(2025, 7, 1))
    assert created.count() == 102
    assert created.get(gso_code="30742").name == "Đoàn phường Rạch Giá"
    assert created.get(gso_code="31078").short_name == "Đặc khu Phú Quốc"
    assert TreeChange.objects.filter(kind="create").count() == 102
    # Again: nothing left to create.
    again = staff.post(url, form)
    assert "đã là đơn vị" in again.content.decode()


def test_staff_of_another_province_see_neither_these_changes_nor_this_tree(client, units, cast):
    staff = make_user("khac", Unit.objects.create(code="tinh-khac", name="Tỉnh Đoàn Khác",
                                                  short_name="Khác", kind="province"),
                      "reviewer", is_staff=True)  # fmt: skip
    staff.groups.add(staff_group_ensure())
    from movements.services.tree import ChangeSpec, tree_change_apply

    tree_change_apply(
        user=cast.reviewer,
        spec=ChangeSpec(kind="rename", date=dt.date(2025, 7, 1), document_number="1-QĐ",
                        sources=("ha-tien",), new_name="Thành Đoàn Hà Tiên"),
    )  # fmt: skip
    client.force_login(staff)
    listing = client.get(reverse("admin:movements_treechange_changelist")).content.decode()
    assert "Hà Tiên" not in listing
    tree_page = client.get(reverse("admin:movements_treechange_tree"), {"ngay": "1/7/2025"})
    assert "Hà Tiên" not in tree_page.content.decode()
    choices = client.get(reverse("admin:movements_treechange_add")).content.decode()
    assert "Hà Tiên" not in choices


def test_the_tree_pages_are_for_staff_only(client, cast, seed):
    for url in ("tree", "import", "catalogue", "changelist"):
        response = client.get(reverse(f"admin:movements_treechange_{url}"))
        assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(cast.secretary_a)
    response = client.get(reverse("admin:movements_treechange_tree"))
    assert response.status_code == 302


def test_the_tree_of_a_day_is_read_in_two_queries_whatever_its_size(
    seed, cast, django_assert_num_queries
):
    from movements.selectors.tree import tree_on
    from movements.services.catalogue import catalogue_specs
    from movements.services.tree import tree_changes_apply

    day = dt.date(2025, 7, 1)
    with django_assert_num_queries(2):
        small = tree_on(day, Unit.objects.all())
    tree_changes_apply(
        user=cast.reviewer,
        rows=catalogue_specs(
            province_code="91", parent=Unit.objects.get(code="kien-giang"), date=day,
            document_number="60-NQ/TW",
        ),
    )  # fmt: skip
    with django_assert_num_queries(2):
        large = tree_on(day, Unit.objects.all())
    assert len(large) == len(small) + 102
