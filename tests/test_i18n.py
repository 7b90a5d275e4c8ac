"""The interface speaks Vietnamese by default and English when chosen with the VI/EN switch
(the browser's Accept-Language is not followed). The English catalog (locale/en) is complete,
free of fuzzy entries, keeps every placeholder and tag, and its committed .mo is compiled from
the committed .po."""

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import timezone, translation

from movements.models import Report
from tests.factories import make_report, totals_kept

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"
TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """LocaleMiddleware leaves the request's language active in the thread; later tests that
    render without a request (charts, services) expect the default, Vietnamese."""
    yield
    translation.deactivate()


def choose_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def page(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def assert_shows(body, present, absent):
    for text in present:
        assert text in body, text
    for text in absent:
        assert text not in body, text


# --- pages -------------------------------------------------------------------------------------


def test_login_page_is_vietnamese_by_default(client):
    body = page(client, "/accounts/login/")
    assert '<html lang="vi">' in body
    assert_shows(body, ["<h1>Đăng nhập</h1>", "Tỉnh Đoàn Kiên Giang"], ["Log in", "Overview"])


def test_login_page_in_english_after_choosing_en(client):
    body = page(choose_english(client), "/accounts/login/")
    assert '<html lang="en">' in body
    assert_shows(
        body,
        # No menu before signing in: each role sees only what it can use.
        ["<h1>Log in</h1>", "Kiên Giang Provincial Youth Union", "Forgot your password?"],
        ["Đăng nhập", "Tổng quan", "So sánh", "Nhập số liệu", "Quên mật khẩu"],
    )


def test_wrong_password_message_in_english(client, cast):
    choose_english(client)
    response = client.post(
        "/accounts/login/", {"username": cast.secretary_a.username, "password": "sai"}
    )
    body = response.content.decode()
    assert_shows(body, ["Incorrect username or password."], ["Tên đăng nhập hoặc mật khẩu"])


def test_overview_in_english(client, demo, cast):
    client.force_login(cast.reviewer)
    body = page(choose_english(client), "/")
    assert_shows(
        body,
        [
            "Check against the published report",
            "The unit figures match all 36 published figures",
            "Demo data: the figures by unit and year are simulated",
            "Figures summed from approved reports.",
            "headline indicators by year",
            '"Year"',  # the x axis of the charts (JSON)
            ">View<",
            ">Reset<",
        ],
        [
            "Tổng quan",
            "Đối chiếu với báo cáo đã công bố",
            "Dữ liệu minh hoạ (demo)",
            "Số liệu cộng từ",
            "chỉ tiêu chính theo năm",
            "Về mặc định",
        ],
    )


def test_vietnamese_unless_english_was_chosen_whatever_the_browser_asks(client, demo, cast):
    """Office PCs often run an English Windows whose browser sends Accept-Language: en-US,
    while most users read Vietnamese only: only the VI/EN switch (its cookie) changes it."""
    client.force_login(cast.reviewer)
    vietnamese = ["Tổng quan", "Đối chiếu với báo cáo đã công bố", "Dữ liệu minh hoạ (demo)"]
    english = ["Overview", "Check against the published report", "Demo data"]
    for headers in (
        {},
        {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"},
        {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"},
    ):
        body = page(client, "/", **headers)
        assert '<html lang="vi">' in body
        assert_shows(body, vietnamese, english)
    choose_english(client)
    body = page(client, "/", HTTP_ACCEPT_LANGUAGE="vi")
    assert '<html lang="en">' in body
    assert_shows(body, english, vietnamese)
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert_shows(page(client, "/"), vietnamese, english)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx-nonsense"
    assert_shows(page(client, "/"), vietnamese, english)


def test_compare_in_english(client, demo, cast):
    client.force_login(cast.reviewer)
    body = page(choose_english(client), "/compare/")
    assert_shows(
        body,
        [
            "<title>Compare units",
            "Comparing units:",
            "District Youth Unions",
            "Directly affiliated branches.",
            "Approved reports only.",
            "Ranking:",
            "Download table:",
        ],
        [
            "So sánh các đơn vị",
            "Huyện, thị, thành Đoàn",
            "Chỉ tính báo cáo đã duyệt.",
            "Xếp hạng:",
            "Tải bảng:",
        ],
    )


def test_entry_list_in_english(client, demo, cast):
    client.force_login(cast.secretary_a)
    body = page(choose_english(client), "/entry/")
    assert_shows(
        body,
        ["<h1>Data entry</h1>", "<th>Status</th>", "<th>Deadline</th>", "Change password"],
        ["Nhập số liệu", "Trạng thái", "Hạn nộp", "Đổi mật khẩu", "Chưa bắt đầu"],
    )


def submitted_report(seed, cast):
    return make_report(
        cast.unit_a,
        2013,
        seed,
        status="submitted",
        values={},
        submitted_at=timezone.now(),
        submitted_by=cast.secretary_a,
    )


def test_review_queue_in_english(client, seed, cast):
    submitted_report(seed, cast)
    client.force_login(cast.reviewer)
    body = page(choose_english(client), "/review/")
    assert_shows(
        body,
        ["<h1>Review reports</h1>", "Approve the selected reports", "View, approve or return"],
        ["Duyệt báo cáo", "Duyệt các báo cáo đã chọn", "Xem, duyệt hoặc trả lại"],
    )


def test_approve_button_is_approve_in_english_and_duyet_in_vietnamese(client, seed, cast):
    report = submitted_report(seed, cast)
    client.force_login(cast.reviewer)
    url = f"/entry/{report.unit.code}/{report.period.code}/"
    vietnamese = page(client, url)
    assert '<button type="submit" class="primary">Duyệt</button>' in vietnamese
    english = page(choose_english(client), url)
    assert_shows(
        english,
        [
            '<button type="submit" class="primary">Approve</button>',
            "Submitted, awaiting approval",
            "Return for correction</button>",
            f"Movement “{seed.name}”.",
            '<a class="brand" href="/">Movements</a>',
        ],
        ["Trả lại để sửa", "Đã gửi, chờ duyệt", "Lý do trả lại"],
    )


# --- the catalog -------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def catalog():
    return polib.pofile(str(PO))


def test_english_po_has_no_untranslated_fuzzy_or_obsolete_entries():
    po = catalog()
    assert len(po) > 300
    assert not po.metadata_is_fuzzy
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []
    for entry in po:
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid


def test_english_po_keeps_placeholders_and_html():
    for entry in catalog():
        sources = [entry.msgid] if not entry.msgid_plural else [entry.msgid, entry.msgid_plural]
        targets = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        wanted = sorted(set(PLACEHOLDER.findall(sources[-1])))
        tags = sorted(TAG.findall(entry.msgid))
        for target in targets:
            assert sorted(set(PLACEHOLDER.findall(target))) == wanted, entry.msgid
            assert sorted(TAG.findall(target)) == tags, entry.msgid


def test_committed_mo_is_compiled_from_the_committed_po():
    with MO.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)
    compiled.pop("", None)  # the header
    expected = {}
    for entry in catalog():
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                expected[(key, index)] = text
        else:
            expected[key] = entry.msgstr
    assert compiled == expected


def template_msgids():
    """(context, msgid) of every {% translate %}, _("…") and {% blocktranslate %} in our
    templates, read the way makemessages reads them."""
    simple = re.compile(
        r"""{%\s*(?:translate|trans)\s+(["'])(.*?)\1(?:\s+context\s+(["'])(.*?)\3)?[^%]*%}"""
    )
    underscore = re.compile(r"""_\((["'])(.*?)\1\)""")
    block = re.compile(
        r"{%\s*blocktrans(?:late)?\b(.*?)%}(.*?){%\s*endblocktrans(?:late)?\s*%}", re.S
    )
    context = re.compile(r"""\bcontext\s+(["'])(.*?)\1""")
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in simple.finditer(text):
            found.add((match.group(4) or None, match.group(2), path.name))
        for match in underscore.finditer(text):
            found.add((None, match.group(2), path.name))
        for match in block.finditer(text):
            options, body = match.groups()
            singular = re.split(r"{%\s*plural\s*%}", body)[0]
            if "trimmed" in options:
                singular = " ".join(line.strip() for line in singular.splitlines()).strip()
            msgid = re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", singular.replace("%", "%%"))
            ctx = context.search(options)
            found.add((ctx.group(2) if ctx else None, msgid, path.name))
    return found


def test_every_template_string_is_in_the_english_catalog():
    known = {(e.msgctxt or None, e.msgid) for e in catalog()}
    found = template_msgids()
    assert len(found) > 150
    missing = sorted((name, msgid) for ctx, msgid, name in found if (ctx, msgid) not in known)
    assert missing == [], "run: manage.py makemessages -l en, translate, compilemessages"


def test_refusals_from_the_services_are_in_english(client, seed, cast):
    report = submitted_report(seed, cast)
    client.force_login(cast.reviewer)
    choose_english(client)
    base = f"/entry/{report.unit.code}/{report.period.code}/"
    body = client.post(base + "return/", {"reason": "  "}, follow=True).content.decode()
    assert "Give a reason so that the unit knows what to correct." in body
    assert "Cần ghi lý do" not in body
    client.post(base + "return/", {"reason": "Missing figures."})
    history = page(client, base + "history/")
    assert_shows(history, ["Returned: Missing figures."], ["Trả lại:"])
    body = client.post(base + "approve/", follow=True).content.decode()
    assert "You can approve only submitted reports" in body
    assert "Chỉ duyệt được" not in body


def test_excel_refusal_in_english(client, seed, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = submitted_report(seed, cast)
    with totals_kept(Report.objects.filter(pk=report.pk)):
        report.status = "draft"
        report.save()
    client.force_login(cast.secretary_a)
    choose_english(client)
    upload = SimpleUploadedFile("so-lieu.csv", b"a,b\n1,2\n", content_type="text/csv")
    url = f"/entry/{report.unit.code}/{report.period.code}/xlsx/upload/"
    body = client.post(url, {"file": upload}, follow=True).content.decode()
    assert "Only Excel .xlsx files are accepted; “so-lieu.csv” is not one." in body
    assert "Chỉ nhận tệp Excel" not in body


def test_stored_change_reasons_are_shown_in_the_readers_language():
    from movements.selectors import shown_reason

    assert shown_reason("Gửi duyệt") == "Gửi duyệt"
    assert shown_reason("Trả lại: Thiếu số liệu.") == "Trả lại: Thiếu số liệu."
    assert shown_reason(None) == ""
    with translation.override("en"):
        assert shown_reason("Gửi duyệt") == "Submitted for approval"
        assert shown_reason("Duyệt") == "Approved"
        assert shown_reason("Mở lại: Bổ sung.") == "Reopened: Bổ sung."
        assert shown_reason("lý do khác") == "lý do khác"


def test_every_change_reason_is_translated_and_shown_in_english():
    """Each named reason the services store: shown as stored in Vietnamese, translated in
    English; a return or a reopening keeps the reviewer's words."""
    from movements.models import ChangeReason
    from movements.selectors import shown_reason

    assert "Gửi duyệt" in ChangeReason.values and "Trả lại: " in ChangeReason.values
    for reason in ChangeReason:
        stored = reason.with_text("Thiếu số liệu.") if reason.takes_text else reason.value
        assert shown_reason(stored) == stored, reason
        with translation.override("en"):
            shown = shown_reason(stored)
        assert shown != stored, reason
        assert shown.isascii() or reason.takes_text, (reason, shown)
        if reason.takes_text:
            assert shown.endswith(" Thiếu số liệu."), (reason, shown)


def test_the_services_store_only_named_change_reasons():
    """No history reason is written as a bare string in the services: each is a ChangeReason,
    so the test above covers it."""
    package = Path(settings.BASE_DIR) / "movements" / "services"
    source = "\n".join(path.read_text(encoding="utf-8") for path in package.glob("*.py"))
    assert "ChangeReason." in source
    literal = re.compile(r'(_change_reason\s*=\s*f?["\']|(_save_report|_write_values)\([^)]*["\'])')
    assert literal.findall(source) == []
