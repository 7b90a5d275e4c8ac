"""The flags of a report (`ReportFlag`): stored when it is submitted — through the form, a
provincial Excel file, the admin, the demo loader — never recomputed when a page is read; the
review queue and the validation page (/review/checks/) read them; a reviewer marks a figure for
follow-up and the unit's secretary sees it."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from movements.models import Indicator, Membership, Report, ReportFlag, Value
from movements.rules import blank_sections, values_check
from movements.selectors import entry_indicators, previous_values
from movements.services import imports
from movements.services.demo import demo_open_period
from movements.services.flags import flags_check
from tests.audit import client_for, snapshot
from tests.conftest import report_url
from tests.factories import make_report, make_user, totals_kept
from tests.movements.test_entry import form_data

pytestmark = pytest.mark.django_db

CHECKS = reverse("movements:checks")
MONEY = 5_000_000  # đồng: a plausible figure of every money indicator


def every_figure(seed, number: int = 5, **changed) -> dict[str, int]:
    """A figure for every indicator of the movement (no section blank), `changed` by code with
    underscores; None leaves a figure blank."""
    values = {
        i.code: MONEY if i.kind == Indicator.Kind.MONEY else number
        for i in entry_indicators(movement=seed)
    }
    for code, value in changed.items():
        values[code.replace("_", "-")] = value
    return {code: value for code, value in values.items() if value is not None}


def kept(report) -> set[tuple]:
    """The report's stored flags as (kind, indicator code or section code, value, previous)."""
    return {
        (f.kind, f.indicator.code if f.indicator else f.group.code, f.value, f.previous)
        for f in ReportFlag.objects.filter(report=report).select_related("indicator", "group")
    }


def rows(html: str) -> set[tuple[str, str, str]]:
    """The validation page's rows as (unit code, kind, indicator or section code)."""
    return set(
        re.findall(r'<tr class="flag-(\w+)[^"]*" data-unit="([\w-]+)" data-what="([\w-]+)"', html)
    )


def page_rows(client, **params) -> set[tuple[str, str, str]]:
    """Every row of every page of the validation page."""
    found, page = set(), 1
    while True:
        response = client.get(CHECKS, {**params, "trang": page})
        assert response.status_code == 200
        html = response.content.decode()
        found |= {(unit, kind, what) for kind, unit, what in rows(html)}
        if 'rel="next"' not in html:
            return found
        page += 1


def expected_rows(reports) -> set[tuple[str, str, str]]:
    """What the rules find in `reports`, computed here from rules.py and the reports' values
    (the previous period's as they are now)."""
    out = set()
    for report in reports:
        indicators = entry_indicators(movement=report.movement)
        values = dict(report.values.values_list("indicator__code", "value"))
        previous = previous_values(unit=report.unit, period=report.period, movement=report.movement)
        _errors, warnings = values_check(indicators, values, previous, unit=report.unit)
        out |= {(report.unit.code, "unusual", code) for code in warnings}
        out |= {(report.unit.code, "blank", g.code) for g, _ in blank_sections(indicators, values)}
    return out


# --- stored when submitted -------------------------------------------------------------------


def test_submitting_through_the_form_stores_the_unusual_figures_and_blank_sections(
    client, cast, open_period, seed
):
    make_report(cast.unit_a, 2013, seed, values={"luot-du-trien-khai": 221, "doan-vien": 3250})
    client.force_login(cast.secretary_a)
    figures = every_figure(seed, luot_du_trien_khai=5000, doan_vien=3250)
    blank_section = Indicator.objects.get(movement=seed, code="cau").group
    for indicator in blank_section.indicators.all():
        figures.pop(indicator.code, None)
    data = form_data(**{k: str(v) for k, v in figures.items()})
    data["confirm_unusual"] = "on"
    assert client.post(report_url(), data).status_code == 302
    report = Report.objects.get(unit=cast.unit_a, period=open_period)
    assert report.status == Report.Status.DRAFT
    assert not ReportFlag.objects.filter(report=report).exists()  # a draft has none

    data.update(version=report.version, action="submit")
    data[f"blank-{blank_section.code}"] = "empty"  # a send with blanks asks first
    assert client.post(report_url(), data).status_code == 302
    assert kept(report) == {
        ("unusual", "luot-du-trien-khai", 5000, 221),
        ("blank", blank_section.code, None, None),
    }
    flag = ReportFlag.objects.get(report=report, indicator__code="luot-du-trien-khai")
    (vietnamese,) = [m for m in flag.messages["vi"] if "gấp" in m]
    assert "= 5.000 lượt, gấp 22,6 lần kỳ trước (221)" in vietnamese
    assert len(flag.messages["en"]) == len(flag.messages["vi"])
    blank = ReportFlag.objects.get(report=report, kind="blank")
    assert blank.messages["vi"] == [
        f"{blank_section.numbering}. {blank_section.name}: cả phần "
        f"({blank_section.indicators.stored().count()} chỉ tiêu)."
    ]


def test_a_provincial_workbook_writing_a_submitted_report_stores_its_flags(cast, open_period, seed):
    report = make_report(
        cast.unit_b, open_period, seed, status=Report.Status.SUBMITTED, values=every_figure(seed)
    )
    assert kept(report) == set()
    rows_ = [imports.ImportRow(2, "cong-an", "hoi-nghi-trien-khai", 900)]
    plan = imports.import_plan(user=cast.reviewer, movement=seed, period=open_period, rows=rows_)
    imports.import_apply(
        user=cast.reviewer,
        movement=seed,
        period=open_period,
        rows=rows_,
        versions=plan.versions,
        confirm_unusual=True,
    )
    # 900 cuộc is above the indicator's sanity bound (500).
    assert ("unusual", "hoi-nghi-trien-khai", 900, None) in kept(report)


def test_the_admin_saving_a_report_stores_its_flags(client, cast, open_period, seed):
    report = make_report(
        cast.unit_b, open_period, seed, status=Report.Status.APPROVED, values=every_figure(seed)
    )
    value = report.values.get(indicator__code="hoi-nghi-trien-khai")
    admin = make_user("quantri", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:movements_value_change", args=[value.pk]),
        {"report": report.pk, "indicator": value.indicator_id, "value": "700", "comment": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ("unusual", "hoi-nghi-trien-khai", 700, None) in kept(report)


def test_the_demo_loader_stores_the_flags_of_its_approved_and_submitted_reports(demo):
    demo_open_period()
    flagged = Report.objects.filter(status__in=["approved", "submitted"])
    assert flagged.filter(period__year=2014, status="submitted").exists()
    assert not ReportFlag.objects.exclude(report__in=flagged).exists()  # drafts, returned
    assert flags_check().ok  # exactly what the rules find in them
    assert {k for r in flagged for k, *_ in kept(r)} == {"unusual", "blank"}
    call_command("flag_reports", "--check", stdout=io.StringIO())


def test_the_check_finds_flags_that_differ_and_a_rebuild_stores_them(cast, open_period, seed):
    report = make_report(
        cast.unit_a, open_period, seed, status=Report.Status.SUBMITTED, values={"cau": 600}
    )
    ReportFlag.objects.filter(report=report, kind="blank").delete()
    with pytest.raises(CommandError, match="1 trên 1 báo cáo"):
        call_command("flag_reports", "--check", stdout=io.StringIO())
    call_command("flag_reports", stdout=io.StringIO())
    assert flags_check().ok


def test_flags_are_not_recomputed_when_a_page_is_read(client, cast, open_period, seed):
    past = make_report(cast.unit_a, 2013, seed, values={"luot-du-trien-khai": 221})
    make_report(
        cast.unit_a,
        open_period,
        seed,
        status=Report.Status.SUBMITTED,
        values=every_figure(seed, luot_du_trien_khai=5000),
    )
    with totals_kept(Report.objects.filter(pk=past.pk)):
        Value.objects.filter(report=past).update(value=4900)  # now 5000 is not unusual
    client.force_login(cast.reviewer)
    html = client.get(reverse("movements:review")).content.decode()
    assert "gấp 22,6 lần kỳ trước (221)" in html


# --- the review queue ------------------------------------------------------------------------


def test_a_blank_section_says_the_previous_figures_in_both_languages(cast, open_period, seed):
    section = Indicator.objects.get(movement=seed, code="cau").group
    codes = list(section.indicators.stored().values_list("code", flat=True))
    before = dict(zip(codes, [26, 54, 15, 177, 1_200], strict=False))
    make_report(cast.unit_a, 2013, seed, values={**before, "doan-vien": 3250})
    figures = {k: v for k, v in every_figure(seed, doan_vien=None).items() if k not in codes}
    report = make_report(cast.unit_a, open_period, seed, "submitted", figures)
    whole, part = (
        ReportFlag.objects.get(report=report, group=section, kind="blank"),
        ReportFlag.objects.get(report=report, group__code="trien-khai", kind="blank"),
    )
    shown = ", ".join(f"{n:,}".replace(",", ".") for n in before.values())
    count = len(codes)
    assert whole.messages == {
        "vi": [
            f"{section.numbering}. {section.name}: cả phần ({count} chỉ tiêu; kỳ trước {shown})."
        ],
        "en": [
            f"{section.numbering}. {section.name}: the whole section ({count} indicators; "
            f"previous period {shown})."
        ],
    }
    assert part.messages["vi"] == ["I. Công tác triển khai: “Đoàn viên” (kỳ trước 3.250)."]
    assert part.messages["en"] == ["I. Công tác triển khai: “Đoàn viên” (previous period 3.250)."]


def test_a_section_with_many_blank_figures_names_the_first_five(cast, open_period, seed):
    section = Indicator.objects.get(movement=seed, code="tien-quy-xa-hoi").group
    inside = list(section.indicators.stored().order_by("order"))
    blank = inside[:7]
    figures = {k: v for k, v in every_figure(seed).items() if k not in {i.code for i in blank}}
    report = make_report(cast.unit_a, open_period, seed, "submitted", figures)
    (message,) = ReportFlag.objects.get(report=report, group=section, kind="blank").messages["vi"]
    names = "; ".join(f"“{i.label}”" for i in blank[:5])
    assert message == (
        f"{section.numbering}. {section.name}: 7/{len(inside)} chỉ tiêu, trong đó {names}…"
    )


def test_the_review_queue_shows_the_blank_sections(client, cast, open_period, seed):
    figures = every_figure(seed, doan_vien=None)
    make_report(cast.unit_a, open_period, seed, status=Report.Status.SUBMITTED, values=figures)
    client.force_login(cast.reviewer)
    html = client.get(reverse("movements:review")).content.decode()
    assert "Để trống:</strong> I. Công tác triển khai: “Đoàn viên”." in html


def test_the_review_queue_reads_the_flags_in_one_query_whatever_their_number(
    client, cast, open_period, seed, units, django_assert_num_queries
):
    make_report(cast.unit_a, open_period, seed, status=Report.Status.SUBMITTED, values={"cau": 1})
    client.force_login(cast.reviewer)
    with django_assert_num_queries(12):
        client.get(reverse("movements:review"))
    for unit in [units.hon_dat, units.tan_hiep, units.an_bien, units.quan_su]:
        make_report(unit, open_period, seed, status=Report.Status.SUBMITTED, values={"cau": 900})
    assert ReportFlag.objects.count() > 15
    with django_assert_num_queries(12):
        html = client.get(reverse("movements:review")).content.decode()
    assert html.count("Để trống:") == 5


# --- the validation page -----------------------------------------------------------------------


@pytest.fixture
def broken(cast, open_period, seed, units):
    """2014 reports breaking known rules: Rạch Giá submitted (far above 2013, a section blank),
    Công an approved (above a sanity bound), Hà Tiên's draft and Hòn Đất's returned report
    (not listed), Kiên Lương submitted with nothing unusual; Tân Hiệp's 2013 report (another
    period)."""
    make_report(cast.unit_a, 2013, seed, values={"luot-du-trien-khai": 221})
    blank_group = Indicator.objects.get(movement=seed, code="cau").group
    in_group = set(blank_group.indicators.values_list("code", flat=True))
    rach_gia = every_figure(seed, luot_du_trien_khai=5000)
    rach_gia = {k: v for k, v in rach_gia.items() if k not in in_group}
    reports = [
        make_report(cast.unit_a, open_period, seed, status="submitted", values=rach_gia),
        make_report(
            cast.unit_b, open_period, seed, "approved", every_figure(seed, hoi_nghi_trien_khai=900)
        ),
        make_report(units.kien_luong, open_period, seed, "submitted", every_figure(seed)),
    ]
    make_report(units.ha_tien, open_period, seed, "draft", {"cau": 900})
    make_report(units.hon_dat, open_period, seed, "submitted", {"cau": 900})
    returned = Report.objects.filter(unit=units.hon_dat)
    with totals_kept(returned):
        returned.update(status=Report.Status.RETURNED)
    make_report(units.tan_hiep, 2013, seed, "submitted", {"cau": 900})
    cast.listed = reports
    cast.blank_group = blank_group
    return cast


def test_the_validation_page_lists_every_broken_rule_and_nothing_else(client, broken):
    client.force_login(broken.reviewer)
    found = page_rows(client)
    assert found == expected_rows(broken.listed)
    # The rules broken on purpose are among them, and no other unit is.
    assert {
        ("rach-gia", "unusual", "luot-du-trien-khai"),
        ("rach-gia", "blank", broken.blank_group.code),
        ("cong-an", "unusual", "hoi-nghi-trien-khai"),
    } <= found
    assert {unit for unit, *_ in found} <= {"rach-gia", "cong-an", "kien-luong"}
    html = client.get(CHECKS).content.decode()
    assert "5.000 lượt" in html and "900 cuộc" in html and ">221<" in html
    assert reverse("movements:report", args=["rach-gia", "2014"]) + "?movement=3tn" in html
    assert page_rows(client, period="2013") == expected_rows(
        Report.objects.filter(period__year=2013, status__in=["submitted", "approved"])
    )
    assert {kind for _, kind, _ in page_rows(client, loai="blank")} == {"blank"}


def test_the_validation_page_of_the_demo_lists_what_the_rules_find(client, demo, cast):
    demo_open_period()
    client.force_login(cast.reviewer)
    submitted = Report.objects.filter(period__year=2014, status__in=["submitted", "approved"])
    assert page_rows(client) == expected_rows(submitted)
    assert page_rows(client, period="2012") == expected_rows(
        Report.objects.filter(period__year=2012, status__in=["submitted", "approved"])
    )


def test_a_district_reviewer_sees_only_the_district(client, broken):
    reviewer = make_user("duyet_rachgia", broken.unit_a, Membership.Role.REVIEWER)
    client.force_login(reviewer)
    assert {unit for unit, *_ in page_rows(client)} == {"rach-gia"}


def test_the_validation_page_query_count_does_not_grow(
    client, broken, units, seed, open_period, django_assert_num_queries
):
    client.force_login(broken.reviewer)
    # The session and user; the reviewer check (2: the user's subtrees, then a unit in them);
    # the periods to choose and the open ones; the page's count and rows (each with the
    # user's subtrees first); the header's menu, progress link and demo notice.
    with django_assert_num_queries(12):
        client.get(CHECKS)
    for unit in [units.an_bien, units.quan_su, units.kien_hai, units.giong_rieng]:
        make_report(unit, open_period, seed, "submitted", every_figure(seed, cau=900))
    with django_assert_num_queries(12):
        client.get(CHECKS)


@pytest.mark.parametrize(
    "params",
    [{"period": "9999"}, {"period": "2014-H9"}, {"period": "x" * 3000}, {"loai": "khong-co"}],
)
def test_bad_parameters_give_a_message_not_an_error(client, broken, params):
    client.force_login(broken.reviewer)
    response = client.get(CHECKS, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Không hiển thị được cảnh báo với lựa chọn này" in html
    assert "data-unit=" not in html


def test_a_bad_page_number_shows_a_page(client, broken):
    client.force_login(broken.reviewer)
    for page in ("0", "-1", "abc", "9" * 30):
        assert client.get(CHECKS, {"trang": page}).status_code == 200


@pytest.mark.parametrize("role", ["secretary_a", "secretary_b", "viewer", "outsider"])
def test_only_reviewers_open_the_validation_page(client, broken, role):
    client.force_login(getattr(broken, role))
    for params in ({}, {"period": "2014"}, {"period": "2013", "loai": "blank"}):
        response = client.get(CHECKS, params)
        assert response.status_code == 403
        assert "data-unit=" not in response.content.decode()


def test_the_validation_page_in_english_shows_the_english_words(client, broken):
    client.force_login(broken.reviewer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(CHECKS).content.decode()
    translation.deactivate()
    flag = ReportFlag.objects.get(indicator__code="luot-du-trien-khai", report__period__year=2014)
    for message in flag.messages["en"]:
        assert message.replace("“", "&ldquo;") in html or message in html
    assert "<h1>Data checks" in html


# --- follow-up -----------------------------------------------------------------------------------


def flag_of(unit_code: str, what: str) -> ReportFlag:
    return ReportFlag.objects.get(
        report__unit__code=unit_code, report__period__year=2014, indicator__code=what
    )


def test_a_reviewer_marks_a_figure_and_the_secretary_sees_it(client, broken):
    flag = flag_of("rach-gia", "luot-du-trien-khai")
    client.force_login(broken.reviewer)
    response = client.post(
        report_url("follow-up"),
        {"flag": flag.pk, "action": "mark", "note": "Kiểm tra lại số lượt", "back": "checks"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{CHECKS}?period=2014"
    flag.refresh_from_db()
    assert (flag.follow_up, flag.follow_up_note, flag.follow_up_by) == (
        True,
        "Kiểm tra lại số lượt",
        broken.reviewer,
    )
    assert page_rows(client, loai="follow-up") == {("rach-gia", "unusual", "luot-du-trien-khai")}

    secretary = client_for(broken, "secretary_a")
    html = secretary.get(report_url()).content.decode()
    assert "Tỉnh Đoàn đề nghị xem lại" in html
    assert "Kiểm tra lại số lượt" in html
    assert "5.000 lượt" in html
    assert "Tỉnh Đoàn đề nghị xem lại 1 số liệu." in secretary.get("/entry/").content.decode()
    # The police's secretary sees nothing of it.
    other = client_for(broken, "secretary_b").get("/entry/").content.decode()
    assert "Kiểm tra lại số lượt" not in other and "đề nghị xem lại" not in other

    client.post(report_url("follow-up"), {"flag": flag.pk, "action": "clear"})
    flag.refresh_from_db()
    assert (flag.follow_up, flag.follow_up_note, flag.follow_up_by) == (False, "", None)
    assert "Tỉnh Đoàn đề nghị xem lại" not in secretary.get(report_url()).content.decode()


def test_a_mark_stays_on_the_same_figure_sent_again_and_goes_with_a_new_one(
    client, broken, open_period, seed
):
    report = broken.listed[0]
    flag = flag_of("rach-gia", "luot-du-trien-khai")
    client.force_login(broken.reviewer)
    client.post(report_url("follow-up"), {"flag": flag.pk, "action": "mark", "note": "Xem lại"})
    client.post(report_url("return"), {"reason": "Xem lại số lượt", "version": report.version})
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    secretary = client_for(broken, "secretary_a")
    assert "Xem lại" in secretary.get(report_url()).content.decode()  # returned: still there

    figures = dict(report.values.values_list("indicator__code", "value"))
    data = form_data(
        version=report.version, action="submit", **{k: str(v) for k, v in figures.items()}
    )
    data["confirm_unusual"] = "on"
    data[f"blank-{broken.blank_group.code}"] = "empty"  # a send with blanks asks first
    assert secretary.post(report_url(), data).status_code == 302
    assert flag_of("rach-gia", "luot-du-trien-khai").follow_up_note == "Xem lại"

    client.post(report_url("return"), {"reason": "Lại", "version": report.version + 1})
    report.refresh_from_db()
    data = form_data(
        version=report.version, action="submit", **{k: str(v) for k, v in figures.items()}
    )
    data["v-luot-du-trien-khai"] = "4000"
    data["confirm_unusual"] = "on"
    data[f"blank-{broken.blank_group.code}"] = "empty"
    assert secretary.post(report_url(), data).status_code == 302
    assert not flag_of("rach-gia", "luot-du-trien-khai").follow_up


@pytest.mark.parametrize("role", ["secretary_a", "secretary_b", "viewer", "outsider", "anonymous"])
def test_only_a_reviewer_of_the_unit_marks_a_figure(broken, role):
    flag = flag_of("rach-gia", "luot-du-trien-khai")
    client = client_for(broken, role)
    before = snapshot()
    for path in (report_url("follow-up"), report_url("follow-up", unit="cong-an")):
        response = client.post(path, {"flag": flag.pk, "action": "mark", "note": "x"})
        assert response.status_code in (302, 403, 404)
        if response.status_code == 302:
            assert role == "anonymous" and response["Location"].startswith(reverse("login"))
    assert snapshot() == before


def test_a_district_reviewer_cannot_mark_another_units_figure_whatever_the_url(client, broken):
    reviewer = make_user("duyet_rachgia", broken.unit_a, Membership.Role.REVIEWER)
    client.force_login(reviewer)
    police = flag_of("cong-an", "hoi-nghi-trien-khai")
    before = snapshot()
    response = client.post(
        report_url("follow-up"), {"flag": police.pk, "action": "mark"}, follow=True
    )
    assert "Không tìm thấy cảnh báo này" in response.content.decode()
    response = client.post(
        report_url("follow-up", unit="cong-an"), {"flag": police.pk, "action": "mark"}
    )
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    "data",
    [
        {"action": "mark"},
        {"flag": "abc", "action": "mark"},
        {"flag": "9" * 40, "action": "mark"},
        {"flag": "1", "action": "delete"},
        {"flag": "FLAG", "action": "mark", "note": "x" * 301},
        {"flag": "FLAG", "action": "mark", "note": "a\x00b"},
        {"flag": "FLAG", "action": "mark", "note": "a\x07b"},
    ],
)
def test_a_malformed_mark_changes_nothing_and_says_so(client, broken, data):
    flag = flag_of("rach-gia", "luot-du-trien-khai")
    data = {k: (str(flag.pk) if v == "FLAG" else v) for k, v in data.items()}
    client.force_login(broken.reviewer)
    before = snapshot()
    response = client.post(report_url("follow-up"), data, follow=True)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "Chưa đánh dấu" in response.content.decode() or "Không" in response.content.decode()
    assert snapshot() == before
