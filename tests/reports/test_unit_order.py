"""One order of units everywhere (Unit.official_key / UnitQuerySet.in_official_order): the
province, district-level units by official (GSO) code, then branches."""

from __future__ import annotations

import re

import html5lib
import pytest
from django.urls import reverse

from movements.models import Unit
from tests.audit import client_for

pytestmark = pytest.mark.django_db


def listed(response, names: dict[str, str]) -> list[str]:
    """The codes of the units whose names (short or full) the page's cells and options show,
    in the order shown, each once."""
    html = response.content.decode()
    tree = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    seen: list[str] = []
    for element in tree.iter():
        if element.tag not in ("td", "th", "option", "a"):
            continue
        label = re.sub(r"\s+", " ", "".join(element.itertext())).strip().lstrip("— ")
        code = names.get(label)
        if code and code not in seen:
            seen.append(code)
    return seen


def test_official_order_in_the_database_and_in_python_agree(seed):
    units = list(Unit.objects.all())
    in_db = [u.code for u in Unit.objects.in_official_order()]
    assert in_db == [u.code for u in sorted(units, key=lambda u: u.official_key)]
    districts = [u for u in units if u.kind in Unit.DISTRICT_LEVEL]
    branches = [u.code for u in units if u.kind == Unit.Kind.BRANCH]
    assert in_db[0] == "kien-giang"
    assert in_db[1 : 1 + len(districts)] == [
        u.code for u in sorted(districts, key=lambda u: u.gso_code)
    ]
    assert set(in_db[1 + len(districts) :]) == set(branches)


def test_the_dashboards_the_chooser_and_the_admin_list_units_in_the_official_order(
    demo, cast, admin_client
):
    # A unit added last, with a code that puts it between Rạch Giá (899) and Hà Tiên (900)
    # in the official order, though its sort order is the largest.
    Unit.objects.create(
        code="moi",
        name="Huyện Đoàn Mới",
        short_name="Mới",
        kind=Unit.Kind.DISTRICT,
        gso_code="8995",
        parent=cast.province,
        sort_order=99,
    )
    official = [u.code for u in Unit.objects.in_official_order()]
    assert official.index("moi") == official.index("rach-gia") + 1
    names = {}
    for unit in Unit.objects.all():
        names[unit.name] = names[unit.short_name] = unit.code
    client = client_for(cast, "reviewer")
    pages = {
        "overview": client.get(reverse("reports:overview")),
        "chooser": client.get(reverse("reports:document-index", args=["3tn"])),
        "compare": client.get(reverse("reports:compare"), {"xh-sort": "don-vi"}),
        "admin": admin_client.get(reverse("admin:movements_unit_changelist")),
    }
    for page, response in pages.items():
        assert response.status_code == 200, page
        shown = listed(response, names)
        assert len(shown) >= 20, (page, shown)
        assert shown == [code for code in official if code in shown], page
