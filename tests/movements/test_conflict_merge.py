"""The edit conflict's three-way merge on reports whose figures came without the form's history
(the demo loaders, a direct write): two secretaries of one unit change different figures from
the same page; the later save comes back merged, never with false clashes, and the version is
checked before the plausibility question. Each form is sent as the page holds it."""

import re

import html5lib
import pytest

from movements.formatting import format_number
from movements.models import Report, Value
from movements.selectors import entry_indicators
from movements.services.demo import demo_open_period
from tests.conftest import report_url
from tests.factories import make_report, make_user, totals_kept, year
from tests.movements.test_entry import saved

pytestmark = pytest.mark.django_db

DRAFTS = ["demo_draft", "demo_stage_report", "direct_draft"]
CLASH = "bạn nhập"  # in the message on a field both changed


def clashes(response) -> list[str]:
    """The fields the error summary marks as changed by both."""
    return re.findall(
        r'href="#id_(v-[\w-]+)">[^<]*</a>: Bạn và người lưu trước cùng sửa',
        response.content.decode(),
    )


def page_form(response) -> dict[str, str]:
    """The entry form of a page as the browser would send it (inputs and textareas)."""
    tree = html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)
    form = tree.find(".//form[@class='report-form']")
    data = {}
    for field in form.iter("input"):
        if field.get("type") in ("hidden", "text") and field.get("name"):
            data[field.get("name")] = field.get("value", "")
        elif field.get("type") == "checkbox" and field.get("checked") is not None:
            data[field.get("name")] = field.get("value", "on")
    for field in form.iter("textarea"):
        data[field.get("name")] = field.text or ""
    data["action"] = "save"
    return data


def changes_told(response) -> list[list[str]]:
    """The rows of the conflict's table of what changed since the page was loaded."""
    tree = html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)
    return [
        [cell.text or "" for cell in row]
        for row in tree.findall(".//table[@class='changes']/tbody/tr")
    ]


def signed_in(client_class, user):
    client = client_class()
    client.force_login(user)
    return client


@pytest.fixture
def two_secretaries(client, cast, units):
    """The unit's secretary and a colleague of the same unit, each with a browser."""
    colleague = make_user("vanphong_rachgia", units.rach_gia, "secretary")
    client.force_login(cast.secretary_a)
    return client, signed_in(client.__class__, colleague)


@pytest.fixture
def demo_draft(demo, cast, open_period):
    """Rạch Giá's draft of the open period as demo_open_period writes it (its values after its
    report's history row)."""
    demo_open_period(year=open_period.year)
    report = Report.objects.get(unit=cast.unit_a, period=open_period)
    assert report.status == Report.Status.DRAFT
    return report


@pytest.fixture
def demo_stage_report(demo, cast):
    """Rạch Giá's 2013 report as demo_load writes it (values after its report's history row),
    returned to the unit without a new version, 2013 open for entry."""
    period = year(2013)
    period.open_for_entry = True
    period.save()
    reports = Report.objects.filter(unit=cast.unit_a, period=period, movement=demo)
    with totals_kept(reports):
        reports.update(status=Report.Status.RETURNED)
    return reports.get()


@pytest.fixture
def direct_draft(cast, open_period, seed):
    """Rạch Giá's draft with figures written without history (make_report), one of them
    changed since by a direct update."""
    report = make_report(
        cast.unit_a,
        open_period,
        seed,
        status=Report.Status.DRAFT,
        values={"doan-vien": 3000, "cau": 4, "mo-cau": 2, "phan-qua": 30},
    )
    with totals_kept(Report.objects.filter(pk=report.pk)):
        Value.objects.filter(report=report, indicator__code="phan-qua").update(value=31)
    return report


def url_of(report) -> str:
    return report_url(unit=report.unit.code, period=report.period.code)


def two_figures(report) -> tuple[str, str]:
    """Two figures the report holds, in form order."""
    held = set(report.values.values_list("indicator__code", flat=True))
    codes = [i.code for i in entry_indicators(movement=report.movement) if i.code in held]
    return codes[0], codes[1]


def changed(data: dict, code: str, value: int) -> dict:
    return {**data, f"v-{code}": format_number(value)}


def stored(report, code: str) -> int:
    return saved(report.unit, report.period, code)


@pytest.mark.parametrize("draft", DRAFTS)
def test_different_figures_changed_from_one_page_are_merged(two_secretaries, draft, request):
    report = request.getfixturevalue(draft)
    url = url_of(report)
    a, b = two_secretaries
    x, y = two_figures(report)
    old_x, old_y = stored(report, x), stored(report, y)
    page_a, page_b = page_form(a.get(url)), page_form(b.get(url))

    assert a.post(url, changed(page_a, x, old_x + 1)).status_code == 302
    response = b.post(url, changed(page_b, y, old_y + 1))

    html = response.content.decode()
    assert response.status_code == 200
    assert "vừa được người khác sửa" in html
    assert CLASH not in html  # nothing was changed by both
    told = changes_told(response)
    assert [row[1:] for row in told] == [[format_number(old_x), format_number(old_x + 1)]]
    back = page_form(response)
    assert back[f"v-{x}"] == format_number(old_x + 1)  # the colleague's figure, not the stale one
    assert back[f"v-{y}"] == format_number(old_y + 1)
    assert stored(report, y) == old_y  # nothing saved yet

    # Saving the page as it came back keeps both changes and reverts nothing.
    assert b.post(url, back).status_code == 302
    assert stored(report, x) == old_x + 1
    assert stored(report, y) == old_y + 1
    for code, text in page_b.items():
        if code.startswith("v-") and code not in (f"v-{x}", f"v-{y}"):
            assert back[code] == text


@pytest.mark.parametrize("draft", DRAFTS)
def test_a_figure_both_changed_is_the_only_clash(two_secretaries, draft, request):
    report = request.getfixturevalue(draft)
    url = url_of(report)
    a, b = two_secretaries
    x, y = two_figures(report)
    old_x, old_y = stored(report, x), stored(report, y)
    page_a, page_b = page_form(a.get(url)), page_form(b.get(url))

    assert a.post(url, changed(page_a, x, old_x + 1)).status_code == 302
    response = b.post(url, changed(changed(page_b, x, old_x + 2), y, old_y + 1))

    html = response.content.decode()
    assert clashes(response) == [f"v-{x}"]
    assert (
        f"bạn nhập “{format_number(old_x + 2)}”, bản đã lưu là “{format_number(old_x + 1)}”" in html
    )
    back = page_form(response)
    assert back[f"v-{x}"] == format_number(old_x + 2)
    assert back[f"v-{y}"] == format_number(old_y + 1)
    assert stored(report, x) == old_x + 1


def test_a_direct_write_while_the_page_is_open_is_not_reverted(two_secretaries, direct_draft):
    # Written without a new version (a direct update, the admin): the page's figures are
    # still compared with what is stored.
    a, b = two_secretaries
    url = url_of(direct_draft)
    page_b = page_form(b.get(url))
    with totals_kept(Report.objects.filter(pk=direct_draft.pk)):
        Value.objects.filter(report=direct_draft, indicator__code="cau").update(value=7)

    response = b.post(url, changed(page_b, "mo-cau", 3))

    assert response.status_code == 200
    assert "vừa được người khác sửa" in response.content.decode()
    back = page_form(response)
    assert back["v-cau"] == "7"
    assert b.post(url, back).status_code == 302
    assert stored(direct_draft, "cau") == 7
    assert stored(direct_draft, "mo-cau") == 3


@pytest.mark.parametrize("draft", DRAFTS)
def test_a_stale_page_gets_the_conflict_before_the_plausibility_question(
    two_secretaries, draft, request
):
    report = request.getfixturevalue(draft)
    url = url_of(report)
    a, b = two_secretaries
    x, y = two_figures(report)
    old_x, old_y = stored(report, x), stored(report, y)
    page_a, page_b = page_form(a.get(url)), page_form(b.get(url))
    assert a.post(url, changed(page_a, x, old_x + 1)).status_code == 302

    # B's figure is implausible: the first send already says the report changed.
    response = b.post(url, changed(page_b, y, old_y * 1000 + 1))

    html = response.content.decode()
    assert "vừa được người khác sửa" in html
    assert CLASH not in html
    assert 'name="confirm_unusual"' in html  # and asks about the figure on the merged page
    back = page_form(response)
    assert back[f"v-{x}"] == format_number(old_x + 1)
    assert stored(report, y) == old_y

    # Confirmed on the merged page, the save keeps both figures.
    assert b.post(url, {**back, "confirm_unusual": "on"}).status_code == 302
    assert stored(report, x) == old_x + 1
    assert stored(report, y) == old_y * 1000 + 1


def test_a_tampered_snapshot_is_not_a_base(two_secretaries, direct_draft):
    # Without a valid snapshot the merge falls back to the report's history: a report
    # without one clashes wherever the figures differ, and nothing is saved.
    a, b = two_secretaries
    url = url_of(direct_draft)
    page_a, page_b = page_form(a.get(url)), page_form(b.get(url))
    assert a.post(url, changed(page_a, "cau", 5)).status_code == 302
    forged = {**changed(page_b, "mo-cau", 3), "loaded": page_b["loaded"][:-2] + "xx"}
    response = b.post(url, forged)
    assert response.status_code == 200
    assert "vừa được người khác sửa" in response.content.decode()
    assert stored(direct_draft, "mo-cau") == 2
