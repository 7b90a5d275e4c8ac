"""The official catalogue (vietnam-provinces): the 34 provinces after 1 July 2025 and their
xã, phường and đặc khu, made units by the create_units_from_catalogue command."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from movements.models import TreeChange, Unit
from movements.services.catalogue import catalogue_provinces, catalogue_wards
from movements.services.rollups import rollup_check

pytestmark = pytest.mark.django_db

ARGS = ["--province", "91", "--parent", "kien-giang", "--date", "1/7/2025"]
DOC = ["--document", "60-NQ/TW", "--document-date", "12/4/2025"]


def test_the_catalogue_has_34_provinces_and_an_giang_102_wards():
    assert len(catalogue_provinces()) == 34
    wards = catalogue_wards("91")
    assert len(wards) == 102
    by_name = {w.name: w for w in wards}
    assert by_name["Phường Rạch Giá"].gso_code == "30742"
    assert by_name["Đặc khu Phú Quốc"].unit_name == "Đoàn đặc khu Phú Quốc"
    assert catalogue_wards("999") == [] and catalogue_wards("x") == []


def test_the_command_creates_the_wards_of_an_giang_with_their_official_codes(seed, units):
    out = io.StringIO()
    call_command("create_units_from_catalogue", *ARGS, *DOC, "--dry-run", stdout=out)
    assert "Sẽ thành lập 102 đơn vị dưới Tỉnh Đoàn Kiên Giang." in out.getvalue()
    assert not TreeChange.objects.exists()
    call_command("create_units_from_catalogue", *ARGS, *DOC, stdout=io.StringIO())
    ward = Unit.objects.get(gso_code="30742")
    assert (ward.code, ward.name, ward.parent, ward.valid_from) == (
        "phuong-rach-gia",
        "Đoàn phường Rạch Giá",
        units.kien_giang,
        dt.date(2025, 7, 1),
    )
    assert TreeChange.objects.filter(kind="create", document_number="60-NQ/TW").count() == 102
    again = io.StringIO()
    call_command("create_units_from_catalogue", *ARGS, *DOC, stdout=again)
    assert "đã có" in again.getvalue()
    assert rollup_check().ok


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--province", "99", "--parent", "kien-giang", "--date", "1/7/2025"], "Không có tỉnh"),
        (["--province", "91", "--parent", "khong-co", "--date", "1/7/2025"], "Không có đơn vị"),
        (
            ["--province", "91", "--parent", "kien-giang", "--date", "31/6/2025"],
            "không phải một ngày",
        ),
    ],
)
def test_the_command_refuses_bad_arguments_in_vietnamese(seed, args, message):
    before = Unit.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("create_units_from_catalogue", *args, *DOC, stdout=io.StringIO())
    assert Unit.objects.count() == before and not TreeChange.objects.exists()
