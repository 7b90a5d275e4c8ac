"""A unit's figures and notes stay with those who may see them: the secretary of Công an never
sees Rạch Giá's figures, on its pages, in its files, in the báo cáo or in an export filtered to
it, while Rạch Giá's own secretary does. (Every page with hostile parameters is watched for the
same leak in test_hostile_parameters.py.)"""

from __future__ import annotations

import pytest

from tests.audit import client_for, leaks

pytestmark = pytest.mark.django_db

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
