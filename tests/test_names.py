"""Names are plain text everywhere: the models refuse control characters, and every writer —
.docx, the Excel templates and workbook, the dashboard .xlsx and CSV exports, the charts —
writes whatever a name holds (saved before the validators, or around them) as inert text:
no 500, no formula, no link."""

import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from movements.models import Indicator, IndicatorGroup, Movement, PublishedFigure, Unit, Value
from movements.sanitise import chart_text, csv_cell, plain_line, plain_text
from tests.factories import make_user, year
from tests.reports.test_export_values import rows as command_rows
from tests.reports.test_exports import csv_lines

pytestmark = pytest.mark.django_db

CONTROL = "\x0b"
FORMULA = '=HYPERLINK("http://example.invalid","x")'
LINK = '<a href="http://example.invalid">bấm</a>'


@pytest.mark.parametrize(
    "model, field",
    [
        (Unit, "name"),
        (Unit, "short_name"),
        (Movement, "name"),
        (IndicatorGroup, "name"),
        (Indicator, "name"),
        (Indicator, "short_name"),
        (Indicator, "measure"),
        (PublishedFigure, "document"),
        (Value, "comment"),
    ],
)
@pytest.mark.parametrize("bad", ["Rạch\x0bGiá", "Rạch\x00Giá", "Rạch\nGiá", "Rạch\tGiá", "\x9b"])
def test_names_refuse_control_characters_and_line_breaks(model, field, bad):
    with pytest.raises(ValidationError):
        model._meta.get_field(field).clean(bad, None)


def test_texts_take_line_breaks_but_not_other_control_characters():
    field = Movement._meta.get_field("description")
    assert field.clean("Dòng 1\r\nDòng 2\tcột", None) == "Dòng 1\r\nDòng 2\tcột"
    with pytest.raises(ValidationError):
        field.clean("Dòng 1\x0bDòng 2", None)


def test_admin_refuses_a_control_character_in_a_unit_name(client, units):
    client.force_login(make_user("admin", is_staff=True, is_superuser=True))
    unit = units.rach_gia
    url = reverse("admin:movements_unit_change", args=[unit.pk])
    page = client.get(url)
    data = {
        name: page.context["adminform"].form[name].value() or ""
        for name in ["code", "short_name", "kind", "parent", "gso_code", "sort_order"]
    }
    data |= {
        "name": "Thành Đoàn\x0bRạch Giá",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "ký tự điều khiển" in response.content.decode()
    unit.refresh_from_db()
    assert unit.name == "Thành Đoàn Rạch Giá"


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+2", "'=1+2"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+2", "' =1+2"),
        ("\r=1+2", "' =1+2"),
        ("Rạch\x0bGiá", "RạchGiá"),
        ("-5", "-5"),
        ("+1,5", "+1,5"),
        ("Rạch Giá", "Rạch Giá"),
        (-5, -5),
        (None, ""),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(value, written):
    assert csv_cell(value) == written


def test_plain_text_keeps_line_breaks_and_plain_line_makes_them_spaces():
    assert plain_text("Dòng 1\x0b\r\nDòng\t2\x00") == "Dòng 1\r\nDòng\t2"
    assert plain_line("Dòng 1\x0b\r\nDòng\t2\x00") == "Dòng 1 Dòng 2"


def test_chart_text_is_shown_as_typed_not_as_markup():
    assert chart_text(LINK) == '&lt;a href="http://example.invalid"&gt;bấm&lt;/a&gt;'
    assert chart_text("A & B\x0b") == "A &amp; B"


@pytest.fixture
def hostile_names(demo, units):
    """Names that slipped past the validators (saved with update(), as an old row would be)."""
    Unit.objects.filter(pk=units.rach_gia.pk).update(name=f"Thành Đoàn{CONTROL}Rạch Giá")
    Unit.objects.filter(pk=units.cong_an.pk).update(short_name=FORMULA)
    Unit.objects.filter(pk=units.ha_tien.pk).update(short_name=LINK)
    Indicator.objects.filter(code="cau").update(measure=f"cây{CONTROL}cầu", name=f"@{FORMULA}")
    Indicator.objects.filter(code="doan-vien").update(name=f"-{FORMULA}")
    period = year(2014)
    period.open_for_entry = True
    period.save()
    return units


def xml_parts(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))


def assert_inert_workbook(content: bytes):
    """No control character, no formula; every text that starts like one is stored as text
    with Excel's quote prefix."""
    assert CONTROL not in xml_parts(content)
    book = load_workbook(io.BytesIO(content))
    starts_like_formula = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
                    starts_like_formula += 1
    return starts_like_formula


def test_excel_template_and_provincial_workbook_are_inert(client, cast, hostile_names):
    client.force_login(cast.secretary_a)
    response = client.get(reverse("movements:xlsx", args=["rach-gia", "2014"]))
    assert response.status_code == 200
    assert assert_inert_workbook(response.content) >= 2  # the two indicator names
    client.force_login(cast.reviewer)
    response = client.get(reverse("movements:province-xlsx", args=["2014"]))
    assert response.status_code == 200
    assert assert_inert_workbook(response.content) >= 3  # and the police's short name


def test_dashboard_exports_are_inert(client, cast, hostile_names):
    client.force_login(cast.reviewer)
    url = reverse("reports:compare")
    params = {"indicator": "cau", "export": "xep-hang"}
    response = client.get(url, {**params, "format": "xlsx"})
    assert response.status_code == 200
    assert assert_inert_workbook(response.content) >= 1
    response = client.get(url, {**params, "format": "csv"})
    assert response.status_code == 200
    cells = [c for row in csv_lines(response) for c in row]
    assert f"'{FORMULA}" in cells
    starts = ("=", "+", "-", "@")
    number = re.compile(r"[+-]?\d+(\.\d+)?")
    assert not any(c.startswith(starts) and not number.fullmatch(c) for c in cells)


def test_export_values_command_writes_inert_csv(hostile_names):
    out = io.StringIO()
    call_command("export_values", "--by", "unit", stdout=out)
    rows = command_rows(out.getvalue())
    names = {r["indicator_name"] for r in rows}
    assert f"'@{FORMULA}" in names and f"'-{FORMULA}" in names
    assert not any(CONTROL in value for r in rows for value in r.values())


def test_chart_labels_are_plain_text(client, cast, hostile_names):
    client.force_login(cast.reviewer)
    response = client.get(reverse("reports:compare"), {"indicator": "cau"})
    assert response.status_code == 200
    figure = response.context["figures"][0]["figure"]
    # The ranking names each unit on its axis; its traces are the groups.
    names = [trace["name"] for trace in figure["data"]] + figure["layout"]["yaxis"]["categoryarray"]
    assert chart_text(LINK) in figure["layout"]["yaxis"]["categoryarray"]
    assert not any("<a" in name for name in names)
    html = response.content.decode()
    assert '<a href=\\"http://example.invalid' not in html
    assert CONTROL not in html


def test_migration_cleans_names_saved_before_the_validators(client, cast, hostile_names):
    """Run again on rows saved around the validators, the migration's cleaning leaves names
    every writer takes, the province's .docx included."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "movements.migrations.0002_names_without_control_characters"
    )
    Report = apps.get_model("movements", "Report")
    Report.objects.filter(unit=hostile_names.rach_gia).update(highlights="Tốt\x0b\nlắm")
    migration.clean_existing_rows(apps, None)
    assert Unit.objects.get(code="rach-gia").name == "Thành ĐoànRạch Giá"
    assert Indicator.objects.get(code="cau").measure == "câycầu"
    assert set(
        Report.objects.filter(unit__code="rach-gia").values_list("highlights", flat=True)
    ) == {"Tốt\nlắm"}
    client.force_login(cast.reviewer)
    response = client.get(reverse("reports:document-docx", args=["3tn", "kien-giang", "2009-2013"]))
    assert response.status_code == 200
    assert CONTROL not in xml_parts(response.content)


def test_word_file_of_the_report_drops_control_characters_in_names(client, cast, hostile_names):
    client.force_login(cast.reviewer)
    response = client.get(reverse("reports:document-docx", args=["3tn", "kien-giang", "2009-2013"]))
    assert response.status_code == 200
    assert CONTROL not in xml_parts(response.content)
    assert "Thành ĐoànRạch Giá" in xml_parts(response.content)
