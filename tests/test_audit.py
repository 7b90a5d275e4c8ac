"""Outside-in audit of permissions and bad input.

Every route as every role of the cast, with normal, other-unit and hostile parameters: never a
server error, anonymous users go to the login page, a secretary never sees another unit's
figures, and a refused write (wrong role, other unit, no CSRF token, bad values, a file made
for another unit) changes nothing. Also the management commands' bad arguments and the error
pages with DEBUG off.
"""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults
from openpyxl import load_workbook

from movements import excel
from movements.formatting import format_number
from movements.models import Membership, Movement, Report, Unit, Value
from reports.models import GeneratedReport
from reports.selectors import indicator_totals
from tests.factories import make_report, make_user, year

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "secretary_a", "secretary_b", "reviewer", "viewer", "outsider"]
SIGNED_IN = ROLES[1:]
MARKED = "hoi-nghi-trien-khai"
MARK = 4_242_421  # Rạch Giá's 2013 figure for MARKED (and MARK + 1 in its 2014 report)
NOTE = "Ghi chú riêng của Rạch Giá"  # in Rạch Giá's reports only

# Every page reached by GET; {u} unit code, {p} period code, {m} movement code, {y} years.
ROUTES = [
    "/",
    "/compare/",
    "/completeness/",
    "/units/{u}/",
    "/entry/",
    "/entry/{u}/{p}/",
    "/entry/{u}/{p}/history/",
    "/entry/{u}/{p}/xlsx/",
    "/review/",
    "/review/{p}/xlsx/",
    "/reports/{m}/",
    "/reports/{m}/{u}/{y}/",
    "/reports/{m}/{u}/{y}/report.docx",
    "/reports/{m}/{u}/{y}/edit/",
]
NORMAL = {"u": "rach-gia", "p": "2014", "m": "3tn", "y": "2009-2013"}
NUL, LONG, SQL = "\x00", "x" * 3000, "' OR 1=1 --"
# Hostile values for each part of a path: other units, unknown and malformed codes.
HOSTILE_PATH = {
    "u": ["cong-an", "kien-giang", "khong-co", "Rạch Giá", NUL, LONG, SQL],
    "p": ["2013-2009", "2012-H9", "2012-Q0", "9999", "-2012", "¹²³⁴", "２０１２", "2012-H1"]
    + ["9" * 40, "abc", NUL],
    "m": ["4tn", NUL, LONG, SQL],
    "y": ["2013-2009", "2009", "abc-def", "¹²³⁴-２０１３", "0000-9999", "9" * 40, NUL],
}
# Query parameters the pages read, each tried with every hostile value.
HOSTILE_QUERY = ["khong-co", "rach-gia", "2013-2009", "9" * 40, NUL, SQL, "¹²³⁴", "-2012"]
PARAMS = {
    "/": ["movement", "unit", "start", "end", "export"],
    "/compare/": ["indicator", "units", "peers", "per", "start", "export"],
    "/completeness/": ["start", "end", "export"],
    "/units/kien-giang/": ["movement", "end", "export"],
    "/reports/3tn/": ["unit", "from", "to"],
    "/entry/cong-an/2014/": ["movement"],
    "/review/2014/xlsx/": ["movement"],
}


def reveal(response) -> str:
    """Everything a response shows: the page, or every part of an .xlsx / .docx file."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return content.decode("utf-8", "replace")


@pytest.fixture
def world(demo, cast):
    """The demo data, with figures and notes that only Rạch Giá's reports hold: its approved
    2013 report and its submitted report of the open period 2014. Cộng an has a 2014 draft."""
    rach_gia_2013 = Report.objects.get(unit=cast.unit_a, period=year(2013), movement=demo)
    Value.objects.filter(report=rach_gia_2013, indicator__code=MARKED).update(value=MARK)
    rach_gia_2013.highlights = NOTE
    rach_gia_2013.save()
    period = year(2014)
    period.open_for_entry = True
    period.save()
    report = make_report(
        cast.unit_a, period, demo, status=Report.Status.SUBMITTED, values={MARKED: MARK + 1}
    )
    report.highlights = NOTE
    report.save()
    make_report(cast.unit_b, period, demo, status=Report.Status.DRAFT, values={MARKED: 3})
    total = indicator_totals(movement=demo, unit=cast.unit_a, start_year=2009, end_year=2013)[
        (MARKED, None, None)
    ]
    cast.report = report
    cast.secrets = [NOTE]
    for number in (MARK, MARK + 1, total):
        cast.secrets += [format_number(number), str(number)]
    return cast


def leaks(response, cast) -> list[str]:
    body = reveal(response)
    return [secret for secret in cast.secrets if secret in body]


def snapshot() -> tuple:
    """Counts and contents of everything a write could touch."""
    return (
        Report.objects.count(),
        Value.objects.count(),
        Report.history.count(),
        Value.history.count(),
        GeneratedReport.objects.count(),
        sorted(Report.objects.exclude(is_demo=True).values_list("pk", "status", "version")),
        sorted(Value.objects.filter(report__is_demo=False).values_list("pk", "value")),
        Membership.objects.count(),
    )


def client_for(cast, role: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    return client


# --- GET: anonymous users, hostile parameters, other units' figures ---------------------------


@pytest.mark.parametrize("route", ROUTES + ["/accounts/password_change/"])
def test_anonymous_users_are_sent_to_login_from_every_page(seed, client, route):
    for unit in ("rach-gia", "khong-co"):
        response = client.get(route.format(**{**NORMAL, "u": unit}))
        assert response.status_code == 302, route
        assert response["Location"].startswith(reverse("login")), route


def test_admin_sends_anyone_but_staff_to_its_login(world):
    for role in ("anonymous", "secretary_a", "viewer", "outsider"):
        response = client_for(world, role).get("/admin/movements/report/")
        assert response.status_code == 302, role
        assert response["Location"].startswith("/admin/login/"), role


def crawl(client, requests, cast, watch: bool):
    """GET each (path, params): never a server error (the test client would also re-raise
    it); with `watch`, nothing that only Rạch Giá's reports hold."""
    for path, params in requests:
        response = client.get(path, params)
        assert response.status_code < 500, (path, params)
        if watch:
            assert not leaks(response, cast), (path, params, leaks(response, cast))


@pytest.mark.parametrize("role", SIGNED_IN)
def test_no_page_fails_whatever_the_path(world, role):
    """Every route with each hostile value in each part of its path. The secretary of Công an
    and a user without membership never see a figure or note of Rạch Giá's reports."""
    requests = []
    for route in ROUTES:
        requests.append((route.format(**NORMAL), {}))
        for key, values in HOSTILE_PATH.items():
            if "{" + key + "}" in route:
                requests += [(route.format(**{**NORMAL, key: v}), {}) for v in values]
    crawl(client_for(world, role), requests, world, watch=role in ("secretary_b", "outsider"))


@pytest.mark.parametrize("role", ["secretary_b", "reviewer"])
def test_no_page_fails_whatever_the_query(world, role):
    """Each query parameter a page reads, with each hostile value, and all of them repeated."""
    requests = []
    for route, names in PARAMS.items():
        requests += [(route, {name: v}) for name in names for v in HOSTILE_QUERY]
        requests.append((route, {name: ["rach-gia", "cong-an"] for name in names}))
    crawl(client_for(world, role), requests, world, watch=role == "secretary_b")


RACH_GIA_ONLY = [
    "/entry/rach-gia/2014/",
    "/entry/rach-gia/2014/history/",
    "/entry/rach-gia/2014/xlsx/",
    "/entry/rach-gia/2013/",
    "/entry/rach-gia/2013/history/",
    "/units/rach-gia/",
    "/units/rach-gia/?export=chi-tieu&format=csv",
    "/units/rach-gia/?export=bao-cao&format=xlsx",
    "/?unit=rach-gia",
    "/?unit=rach-gia&export=phan-trien-khai&format=csv",
    "/compare/?units=rach-gia",
    "/compare/?units=rach-gia&export=xep-hang&format=xlsx",
    "/reports/3tn/rach-gia/2009-2013/",
    "/reports/3tn/rach-gia/2013-2013/report.docx",
    "/reports/3tn/rach-gia/2009-2013/edit/",
    "/reports/3tn/?unit=rach-gia&from=2009&to=2013",
]


def test_secretary_of_another_unit_never_sees_rach_gias_figures(world):
    """Rạch Giá's report, history, Excel file, unit page, báo cáo and exports filtered to it:
    refused for the secretary of Công an, while Rạch Giá's own secretary finds the figures."""
    own, other = client_for(world, "secretary_a"), client_for(world, "secretary_b")
    for path in RACH_GIA_ONLY:
        response = other.get(path, follow=True)
        assert response.status_code in (400, 403, 404), path
        assert not leaks(response, world), path
        if not path.endswith("/edit/"):  # only reviewers edit a báo cáo
            assert own.get(path, follow=True).status_code == 200, path
    for path in ("/entry/rach-gia/2014/xlsx/", "/units/rach-gia/", "/entry/rach-gia/2013/"):
        assert leaks(own.get(path), world), path


def test_overview_lists_only_the_published_figures_of_units_one_may_see(world):
    """The reconciliation compares each published figure with the unit data of the unit it is
    attributed to: Rạch Giá's computed totals are not for the secretary of Công an."""
    response = client_for(world, "secretary_b").get("/")
    assert response.status_code == 200
    assert "Rạch Giá" not in response.content.decode()
    assert not leaks(response, world)
    response = client_for(world, "secretary_a").get("/", {"export": "doi-chieu", "format": "csv"})
    assert "Rạch Giá" in response.content.decode()
    assert "Công an" not in response.content.decode()


# --- POST: refused writes change nothing ------------------------------------------------------


def excel_bytes(cast, unit: str) -> bytes:
    """A real workbook made by the application for `unit`'s 2014 report."""
    reviewer = Client()
    reviewer.force_login(cast.reviewer)
    response = reviewer.get(f"/entry/{unit}/2014/xlsx/")
    assert response.status_code == 200
    return response.content


def targets(cast) -> list[tuple[str, dict]]:
    """Every write, aimed at Rạch Giá's submitted 2014 report or at the province."""
    base = "/entry/rach-gia/2014/"
    version = {"version": cast.report.version}
    excel_file = SimpleUploadedFile("bao-cao.xlsx", excel_bytes(cast, "rach-gia"))
    return [
        (base, {**version, "action": "submit", f"v-{MARKED}": "1", "highlights": "Sửa"}),
        (base + "approve/", version),
        (base + "return/", {**version, "reason": "Lý do"}),
        (base + "reopen/", {**version, "reason": "Lý do"}),
        (base + "xlsx/upload/", {"file": excel_file}),
        (base + "xlsx/confirm/", {"token": "doan-bua"}),
        ("/review/", {"report": [str(cast.report.pk)]}),
        ("/review/2014/xlsx/confirm/", {"token": "doan-bua"}),
        ("/reports/3tn/rach-gia/2009-2013/edit/", {"number": "1", "assessment": "Sửa"}),
        ("/reports/3tn/rach-gia/2009-2013/edit/", {"action": "regenerate"}),
        ("/reports/3tn/kien-giang/2009-2013/edit/", {"number": "1", "assessment": "Sửa"}),
        ("/entry/cong-an/2014/approve/", {}),
        ("/entry/kien-giang/2014/", {f"v-{MARKED}": "1", "version": "0"}),
    ]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "reviewer"])
def test_a_refused_write_changes_nothing(world, role):
    """None of these writes is allowed to anyone but the provincial reviewer: Rạch Giá's own
    secretary may not approve, and her report is locked once submitted."""
    client = client_for(world, role)
    before = snapshot()
    for path, data in targets(world):
        response = client.post(path, data)
        assert response.status_code in (200, 302, 400, 403, 404), (path, response.status_code)
        assert 'name="token"' not in response.content.decode()  # no import to confirm
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login"))
        assert snapshot() == before, (role, path)


def test_without_csrf_token_nothing_is_written(world):
    strict = client_for(world, "reviewer", enforce_csrf_checks=True)
    before = snapshot()
    for path, data in targets(world):
        response = strict.post(path, data)
        assert response.status_code == 403, path
        assert "Yêu cầu bị từ chối" in response.content.decode(), path
    secretary = client_for(world, "secretary_b", enforce_csrf_checks=True)
    response = secretary.post("/entry/cong-an/2014/", {f"v-{MARKED}": "5", "version": "1"})
    assert response.status_code == 403
    assert "Yêu cầu bị từ chối" in response.content.decode()
    assert snapshot() == before


def test_rach_gia_file_uploaded_by_cong_an_is_refused(world):
    """A real .xlsx made for Rạch Giá, sent by Công an's secretary to Công an's upload (refused:
    the file says whose it is) and to Rạch Giá's (not found); nothing changes either way."""
    Report.objects.filter(pk=world.report.pk).update(status=Report.Status.DRAFT)
    book = load_workbook(io.BytesIO(excel_bytes(world, "rach-gia")))
    sheet = book[excel.SHEET]
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == MARKED:
            row[7].value = 99
    content = io.BytesIO()
    book.save(content)
    client = client_for(world, "secretary_b")
    before = snapshot()
    response = client.post(
        "/entry/cong-an/2014/xlsx/upload/",
        {"file": SimpleUploadedFile("rach-gia.xlsx", content.getvalue())},
        follow=True,
    )
    assert response.status_code == 200
    assert "Tệp này là của đơn vị “rach-gia”" in response.content.decode()
    assert 'name="token"' not in response.content.decode()
    response = client.post(
        "/entry/rach-gia/2014/xlsx/upload/",
        {"file": SimpleUploadedFile("rach-gia.xlsx", content.getvalue())},
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_a_district_reviewer_cannot_approve_or_import_outside_the_district(world):
    reviewer = make_user("duyet_rachgia", world.unit_a, Membership.Role.REVIEWER)
    cong_an = Report.objects.get(unit=world.unit_b, period=year(2014))
    Report.objects.filter(pk=cong_an.pk).update(status=Report.Status.SUBMITTED)
    client = Client()
    client.force_login(reviewer)
    before = snapshot()
    response = client.post("/review/", {"report": [str(cong_an.pk)]}, follow=True)
    assert "không thuộc phạm vi duyệt của bạn" in response.content.decode()
    assert client.post("/entry/cong-an/2014/approve/", {}).status_code == 404
    assert client.post("/entry/rach-gia/2014/reopen/", {"reason": "x"}).status_code == 403
    response = client.post(
        "/review/2014/xlsx/upload/",
        {"file": SimpleUploadedFile("tinh.xlsx", province_book_with(world, "cong-an", 77))},
    )
    assert "Đơn vị “cong-an” không có hoặc ngoài phạm vi của bạn" in response.content.decode()
    assert snapshot() == before
    workbook = reveal(client.get("/review/2014/xlsx/"))
    assert "rach-gia" in workbook and "cong-an" not in workbook


def province_book_with(cast, unit: str, number: int) -> bytes:
    reviewer = Client()
    reviewer.force_login(cast.reviewer)
    book = load_workbook(io.BytesIO(reviewer.get("/review/2014/xlsx/").content))
    sheet = book[excel.SHEET]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == unit and row[1].value == MARKED:
            row[7].value = number
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BAD_NUMBERS = ["²", "-1", "9" * 5000, "abc", "1e3", "' OR 1=1 --", "1,5", "\x00", "٣" * 30]


def test_bad_numbers_in_the_form_are_refused_and_nothing_is_saved(world):
    client = client_for(world, "secretary_b")
    before = snapshot()
    for text in BAD_NUMBERS:
        response = client.post(
            "/entry/cong-an/2014/", {f"v-{MARKED}": text, "version": "1", "action": "save"}
        )
        assert response.status_code == 200, text
        assert "Chưa lưu" in response.content.decode(), text
    for version in ("²", "-1", "9" * 40, "abc"):
        response = client.post(
            "/entry/cong-an/2014/", {f"v-{MARKED}": "4", "version": version, "action": "save"}
        )
        assert response.status_code == 200, version
    assert snapshot() == before


def test_bad_numbers_in_an_excel_file_are_listed_and_nothing_is_saved(world):
    Report.objects.filter(pk=world.report.pk).update(status=Report.Status.DRAFT)
    client = client_for(world, "secretary_a")
    before = snapshot()
    for text in BAD_NUMBERS + [10**30, -(10**30), 12.5, True]:
        book = load_workbook(io.BytesIO(excel_bytes(world, "rach-gia")))
        for row in book[excel.SHEET].iter_rows(min_row=2):
            if row[1].value == MARKED:
                row[7].value = text.replace("\x00", "x") if isinstance(text, str) else text
        out = io.BytesIO()
        book.save(out)
        response = client.post(
            "/entry/rach-gia/2014/xlsx/upload/",
            {"file": SimpleUploadedFile("bao-cao.xlsx", out.getvalue())},
            follow=True,
        )
        assert response.status_code == 200, text
        assert 'name="token"' not in response.content.decode(), text
    assert snapshot() == before


def test_bad_versions_and_ids_from_a_reviewer_do_not_fail(world):
    client = client_for(world, "reviewer")
    before = snapshot()
    for value in ("²", "٣", "-1", "9" * 40, "abc", ""):
        response = client.post("/review/", {"report": [value, value]}, follow=True)
        assert response.status_code == 200, value
        assert "Chưa chọn báo cáo nào" in response.content.decode(), value
        for action in ("return", "reopen"):
            response = client.post(
                f"/entry/rach-gia/2014/{action}/", {"version": value, "reason": ""}
            )
            assert response.status_code in (302, 403), (action, value)
    assert snapshot() == before
    response = client.post("/entry/rach-gia/2014/approve/", {"version": "²"})
    assert response.status_code == 302


def test_control_characters_typed_in_notes_do_not_break_the_word_file(world):
    """XML (so Word) cannot hold most control characters; a secretary's note or staff's edit
    that contains them must not make the province's báo cáo fail to download."""
    reviewer, secretary = client_for(world, "reviewer"), client_for(world, "secretary_a")
    url = "/entry/rach-gia/2013/"
    response = reviewer.post(url + "reopen/", {"reason": "Bổ sung ghi chú"})
    assert response.status_code == 302
    report = Report.objects.get(unit=world.unit_a, period=year(2013))
    assert report.status == Report.Status.RETURNED
    data = {"version": report.version, "action": "submit", "confirm_unusual": "on"}
    data |= {f"v-{v.indicator.code}": str(v.value) for v in report.values.all()}
    data |= {"highlights": "Nổi bật\x01 dòng\x0bhai", "shortcomings": "Hạn chế\x1b"}
    response = secretary.post(url, data)
    assert response.status_code == 302, response.content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED and "\x01" in report.highlights
    reviewer.post(url + "approve/", {"version": report.version})
    edit = "/reports/3tn/kien-giang/2009-2013/edit/"
    typed = {"number": "44A\x0b", "assessment": "Ý\x02 kiến", "version": "0"}
    typed |= {
        "signer_title": "Phó\x03 Bí thư",
        "signer_name": "Mai\x1f",
        "recipients": "Lưu\x0c VP",
    }
    assert reviewer.post(edit, typed).status_code == 302
    for path in ("/reports/3tn/kien-giang/2009-2013/", "/reports/3tn/rach-gia/2013-2013/"):
        assert reviewer.get(path).status_code == 200
        response = reviewer.get(path + "report.docx")
        assert response.status_code == 200
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
        assert "Nổi bật dòng hai" in text or "Ý kiến" in text


def test_language_switch_and_login_do_not_redirect_elsewhere(world):
    client = client_for(world, "secretary_a")
    for language in ("en", "xx", "\x00", "vi"):
        response = client.post(
            "/i18n/setlang/", {"language": language, "next": "https://evil.example/"}
        )
        assert response.status_code == 302
        assert "evil.example" not in response["Location"]
    anonymous = Client()
    response = anonymous.post(
        "/accounts/login/?next=https://evil.example/",
        {"username": "bithu_rachgia", "password": world.password},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.mark.parametrize(
    "username", ["a\x00b", "x" * 5000, "' OR 1=1 --", "bithu_rachgia\x00", "Bí thư"]
)
def test_hostile_login_and_password_change_fail_cleanly(world, username):
    anonymous = Client()
    response = anonymous.post("/accounts/login/", {"username": username, "password": "a\x00"})
    assert response.status_code in (200, 403)
    assert "_auth_user_id" not in anonymous.session
    client = client_for(world, "secretary_a")
    response = client.post(
        "/accounts/password_change/",
        {"old_password": username, "new_password1": username, "new_password2": username},
    )
    assert response.status_code == 200
    world.secretary_a.refresh_from_db()
    assert world.secretary_a.check_password(world.password)


def test_nul_characters_in_a_url_get_the_400_page(world):
    """PostgreSQL refuses NUL in a query; a URL or cookie carrying one is refused first."""
    client = client_for(world, "reviewer")
    for path in (
        "/entry/cong-an/2014/?movement=%00",
        "/reports/3tn/kien%00giang/2009-2013/",
        "/?unit=kien-giang&x%00=1",
        "/admin/movements/report/?status__exact=%00",
        "/admin/autocomplete/?term=%00&app_label=movements&model_name=report&field_name=unit",
    ):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "Yêu cầu không hợp lệ" in response.content.decode(), path
    forged = Client()
    forged.cookies["sessionid"] = "\x00" * 32  # a forged session id
    response = forged.get("/accounts/login/")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


def test_admin_answers_bad_ids_and_dates_without_a_server_error(world):
    client = Client()
    client.force_login(make_user("quan_tri", is_superuser=True, is_staff=True))
    for model in ("movements/report", "movements/value", "reports/generatedreport"):
        for object_id in ("abc", "¹²³⁴", "2013-2009", "9" * 40):
            response = client.get(f"/admin/{model}/{object_id}/history/")
            assert response.status_code == 404, (model, object_id)
    response = client.get("/admin/movements/report/", {"submitted_at__year": "9" * 12})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


# --- management commands ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "args", "message"),
    [
        ("load_demo", ["--movement", "xyz"], "Chưa có phong trào “xyz”"),
        ("load_demo", ["--movement", ""], "Chưa có phong trào"),
        ("export_values", ["--from", "²⁰⁰⁹"], "cần một năm"),
        ("export_values", ["--to", "-2013"], "cần một năm"),
        ("export_values", ["--unit", ""], "Không có đơn vị"),
        ("export_values", ["--from", "9" * 5000], "cần một năm"),
        ("create_account", ["có dấu cách", "--unit", "ha-tien", "--role", "viewer"], "Tên đăng"),
        ("create_account", ["x" * 151, "--unit", "ha-tien", "--role", "viewer"], "Tên đăng"),
        (
            "create_account",
            ["ai_do", "--unit", "ha-tien", "--role", "viewer", "--name", "Ạ " * 200],
            "Họ và tên",
        ),
        ("create_account", ["ai_do", "--unit", "", "--role", "viewer"], "Không có đơn vị"),
    ],
)
def test_commands_refuse_bad_arguments_in_vietnamese(seed, monkeypatch, command, args, message):
    monkeypatch.setenv("ACCOUNT_PASSWORD", "mat-khau-rat-dai-2013")
    before = (snapshot(), get_user_model().objects.count(), Movement.objects.count())
    with pytest.raises(CommandError, match=message):
        call_command(command, *args, stdout=io.StringIO())
    assert (snapshot(), get_user_model().objects.count(), Movement.objects.count()) == before


# --- error pages with DEBUG off --------------------------------------------------------------


def test_error_pages_are_vietnamese_with_debug_off(
    seed, settings, client, django_assert_num_queries
):
    settings.DEBUG = False
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    response = client.get("/", HTTP_HOST="ke-gian.example")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
    request = RequestFactory().get("/")
    response = defaults.permission_denied(request, Exception())
    assert response.status_code == 403
    assert "Bạn không có quyền" in response.content.decode()
    with django_assert_num_queries(0):
        response = defaults.server_error(request)
    assert response.status_code == 500
    assert "Lỗi máy chủ" in response.content.decode()
    assert Unit.objects.exists()
