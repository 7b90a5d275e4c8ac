"""From a generated báo cáo to one that can be issued: the page lists what is missing before it
is sent (number, date, signer, recipients) and lets reviewers fill it in place through the edit
form; a draft says "DỰ THẢO" under its number (print page and Word file) until they are filled.
Dates as report 44A writes them; the legal basis of the báo cáo's stage."""

from __future__ import annotations

import io

import html5lib
import pytest
from django.urls import reverse
from docx import Document

from movements.models import Stage
from movements.services.demo import DEMO_STAGE_BASIS, demo_open_period, demo_stage_basis
from reports.models import GeneratedReport

pytestmark = pytest.mark.django_db

DRAFT = "DỰ THẢO"
ISSUED = {
    "action": "save",
    "version": "0",
    "number": "44A BC/TĐTN",
    "issued_on": "05/02/2014",
    "signer_title": "Phó Bí thư",
    "signer_name": "Trần Thị Mai",
    "recipients": "Ban TNCN-ĐT Trung ương Đoàn\nThường trực Tỉnh ủy",
}


def url(name: str = "reports:document", unit: str = "kien-giang", years: str = "2009-2013"):
    return reverse(name, args=["3tn", unit, years])


def issue_url(unit: str = "kien-giang", years: str = "2009-2013") -> str:
    return url("reports:document-edit", unit, years) + "?step=issue"


def parse(content: bytes):
    return html5lib.parse(content, treebuilder="etree", namespaceHTMLElements=False)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def page_header(client, unit="kien-giang", years="2009-2013") -> str:
    tree = parse(client.get(url(unit=unit, years=years)).content)
    return text_of(tree.find(".//article//header"))


def issue_list(client, unit="kien-giang", years="2009-2013") -> dict[str, str]:
    """The ready-to-issue list of the page: label -> 'missing' or 'done'."""
    tree = parse(client.get(url(unit=unit, years=years)).content)
    items = tree.find(".//section[@id='ban-hanh']").findall(".//li")
    return {text_of(li).split(":")[0].lstrip("✓✗ "): li.get("class") for li in items}


def docx_header(content: bytes) -> list[str]:
    """The header table of the Word file, cell by cell, row by row."""
    word = Document(io.BytesIO(content))
    return [cell.text for row in word.tables[0].rows for cell in row.cells]


@pytest.fixture
def reviewer_client(client, cast):
    client.force_login(cast.reviewer)
    return client


def test_a_new_bao_cao_lists_what_is_missing_and_is_marked_a_draft(demo, reviewer_client):
    assert issue_list(reviewer_client) == {
        "Số văn bản": "missing",
        "Ngày ban hành": "missing",
        "Họ tên người ký": "missing",
        "Nơi nhận": "missing",
    }
    page = reviewer_client.get(url()).content.decode()
    assert "Chưa sẵn sàng ban hành" in page and "Tải bản Word dự thảo (.docx)" in page
    tree = parse(page.encode())
    assert text_of(tree.find(".//article//p[@class='draft-mark']")) == DRAFT
    # the mark sits under the number line, in the issuer's column
    issuer = [text_of(p) for p in tree.find(".//article//div[@class='issuer']").iter("p")]
    assert issuer[-2:] == ["Số: ……… BC/TĐTN", DRAFT]
    # the in-place form: the edit form's fields for what an issued báo cáo needs, no more
    form = tree.find(".//section[@id='ban-hanh']//form")
    assert form.get("action") == issue_url() and form.get("method") == "post"
    names = {e.get("name") for e in form.iter() if e.tag in ("input", "textarea")}
    assert names == {
        "csrfmiddlewaretoken",
        "version",
        "number",
        "issued_on",
        "signer_title",
        "signer_name",
        "recipients",
    }
    header = docx_header(reviewer_client.get(url("reports:document-docx")).content)
    assert any(cell.endswith(f"Số: ……… BC/TĐTN\n{DRAFT}") for cell in header), header


def test_filling_the_missing_items_in_place_issues_it(demo, units, cast, reviewer_client):
    response = reviewer_client.post(issue_url(), ISSUED)
    assert response.status_code == 302 and response["Location"] == url()
    stored = GeneratedReport.objects.get(unit=units.kien_giang, start_year=2009, end_year=2013)
    assert (stored.number, stored.signer_name, stored.edited_by) == (
        "44A BC/TĐTN",
        "Trần Thị Mai",
        cast.reviewer,
    )
    assert stored.recipients == "Ban TNCN-ĐT Trung ương Đoàn\nThường trực Tỉnh ủy"

    assert set(issue_list(reviewer_client).values()) == {"done"}
    page = reviewer_client.get(url()).content.decode()
    assert "Sẵn sàng ban hành" in page and "Tải bản Word (.docx)" in page
    header = page_header(reviewer_client)
    assert DRAFT not in header
    # the date as 44A writes it: a day below 10 and the months 1 and 2 with a leading zero
    assert "Số: 44A BC/TĐTN" in header and "Rạch Giá, ngày 05 tháng 02 năm 2014" in header
    cells = docx_header(reviewer_client.get(url("reports:document-docx")).content)
    assert DRAFT not in "".join(cells)
    assert "Rạch Giá, ngày 05 tháng 02 năm 2014" in cells


def test_a_bao_cao_stays_a_draft_until_every_item_is_filled(demo, reviewer_client):
    partial = {**ISSUED, "issued_on": "", "signer_name": ""}
    assert reviewer_client.post(issue_url(), partial).status_code == 302
    assert issue_list(reviewer_client) == {
        "Số văn bản": "done",
        "Ngày ban hành": "missing",
        "Họ tên người ký": "missing",
        "Nơi nhận": "done",
    }
    header = page_header(reviewer_client)
    assert DRAFT in header and "Số: 44A BC/TĐTN" in header
    assert "ngày …… tháng …… năm" in header  # no made-up date on a draft


def test_the_units_signer_and_recipients_carry_over_but_number_and_date_do_not(
    demo, reviewer_client
):
    reviewer_client.post(issue_url(), ISSUED)
    assert issue_list(reviewer_client, years="2013-2013") == {
        "Số văn bản": "missing",
        "Ngày ban hành": "missing",
        "Họ tên người ký": "done",
        "Nơi nhận": "done",
    }
    assert DRAFT in page_header(reviewer_client, years="2013-2013")


def test_the_issue_step_leaves_section_three_and_the_legal_basis_as_they_are(
    demo, units, reviewer_client
):
    edit = url("reports:document-edit")
    form = reviewer_client.get(edit).context["form"].initial
    full = {**form, "action": "save", "issued_on": "", "assessment": "Phần III đã sửa."}
    full = {k: ("" if v is None else v) for k, v in full.items()}
    full["legal_basis"] = "Thực hiện Công văn số 1-CV/TĐTN của Ban Thường vụ Tỉnh Đoàn,"
    assert reviewer_client.post(edit, full).status_code == 302

    assert reviewer_client.post(issue_url(), {**ISSUED, "version": "1"}).status_code == 302
    stored = GeneratedReport.objects.get(unit=units.kien_giang, start_year=2009, end_year=2013)
    assert stored.version == 2 and stored.number == "44A BC/TĐTN"
    assert stored.assessment == "Phần III đã sửa."
    assert stored.legal_basis == "Thực hiện Công văn số 1-CV/TĐTN của Ban Thường vụ Tỉnh Đoàn,"


def test_the_issue_step_keeps_the_basis_following_the_stage(demo, units, reviewer_client):
    """Filled without touching the legal basis, a báo cáo keeps none of its own: the stage's
    (or the movement's) stays its basis, as it changes."""
    assert reviewer_client.post(issue_url(), ISSUED).status_code == 302
    stored = GeneratedReport.objects.get(unit=units.kien_giang, start_year=2009, end_year=2013)
    assert stored.legal_basis == "" and stored.assessment == ""
    Stage.objects.filter(first_year=2009).update(legal_basis="Thực hiện Kế hoạch số 7-KH/TĐTN,")
    tree = parse(reviewer_client.get(url()).content)
    assert "Thực hiện Kế hoạch số 7-KH/TĐTN," in [
        text_of(p) for p in tree.iter("p") if p.get("class") == "para para-basis"
    ]


def test_the_issue_step_as_a_page_shows_only_its_fields(demo, reviewer_client):
    response = reviewer_client.get(issue_url())
    assert response.status_code == 200
    parser = html5lib.HTMLParser(strict=True)
    tree = parser.parse(response.content)
    assert parser.errors == []
    page = response.content.decode()
    assert "Điền số, ngày, người ký và nơi nhận" in page
    assert 'name="assessment"' not in page and 'name="legal_basis"' not in page
    assert "Tạo lại phần III" not in page
    assert tree is not None


def test_a_bad_date_in_the_issue_step_is_refused_and_nothing_is_saved(demo, reviewer_client):
    response = reviewer_client.post(issue_url(), {**ISSUED, "issued_on": "30/2/2014"})
    assert response.status_code == 400
    assert "Điền số, ngày, người ký và nơi nhận" in response.content.decode()
    assert response.context["form"].errors["issued_on"]
    assert not GeneratedReport.objects.exists()


def test_an_issue_step_from_an_older_version_is_refused_and_changes_nothing(
    demo, units, reviewer_client
):
    assert reviewer_client.post(issue_url(), ISSUED).status_code == 302
    response = reviewer_client.post(issue_url(), {**ISSUED, "signer_name": "Lê Văn Hai"})
    assert response.status_code == 409
    assert "Lê Văn Hai" in response.content.decode()  # the user's text stays on the screen
    stored = GeneratedReport.objects.get(unit=units.kien_giang, start_year=2009, end_year=2013)
    assert stored.signer_name == "Trần Thị Mai" and stored.version == 1


@pytest.mark.parametrize("who", ["viewer", "secretary_a"])
def test_readers_who_do_not_review_see_what_is_missing_but_cannot_fill_it(seed, cast, client, who):
    client.force_login(getattr(cast, who))
    unit = "rach-gia" if who == "secretary_a" else "kien-giang"
    tree = parse(client.get(url(unit=unit)).content)
    section = tree.find(".//section[@id='ban-hanh']")
    assert "Số văn bản" in text_of(section) and section.find(".//form") is None
    assert client.post(issue_url(unit), ISSUED).status_code == 403
    assert client.get(issue_url(unit)).status_code == 403
    assert not GeneratedReport.objects.exists()


# --- the legal basis of the báo cáo's stage -----------------------------------------------------


def test_a_bao_cao_of_the_next_stage_states_that_stages_basis_not_the_first_ones(
    demo, open_period, cast, client
):
    demo_open_period()  # opens 2014, in the demo's 2014–2018 stage, with its (demo) basis
    client.force_login(cast.reviewer)

    def basis(years: str) -> list[str]:
        tree = parse(client.get(url(years=years)).content)
        return [text_of(p) for p in tree.iter("p") if p.get("class") == "para para-basis"]

    assert basis("2014-2014") == [DEMO_STAGE_BASIS]
    assert "minh hoạ" in DEMO_STAGE_BASIS and "2014 - 2018" in DEMO_STAGE_BASIS
    assert not any("691-CV/TWĐTN" in line for line in basis("2014-2014"))
    # the first stage has none of its own: the movement's, report 44A's
    first = basis("2009-2013")
    assert first[0].startswith("Thực hiện Công văn số 691-CV/TWĐTN, ngày 23 tháng 5 năm 2013")
    assert first[1].startswith("Thực hiện Kế hoạch số 90-KH/ĐTN ngày 05 tháng 8 năm 2009")
    # and each báo cáo may still have its own, set in the edit form where the stage's shows
    edit = client.get(url("reports:document-edit", years="2014-2014"))
    assert edit.context["form"].initial["legal_basis"] == DEMO_STAGE_BASIS


def test_the_demo_stage_basis_keeps_one_set_in_the_admin(demo, open_period):
    demo_open_period()
    stage = Stage.objects.get(first_year=2014)
    assert stage.legal_basis == DEMO_STAGE_BASIS
    stage.legal_basis = "Thực hiện Kế hoạch số 12-KH/TĐTN,"
    stage.save()
    demo_stage_basis(stage)
    demo_open_period()
    stage.refresh_from_db()
    assert stage.legal_basis == "Thực hiện Kế hoạch số 12-KH/TĐTN,"
