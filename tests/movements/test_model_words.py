"""The domain's words, each said once on the model side: the peer groups, which statuses
count, when a unit existed; and the model layer importing no service."""

import ast
import datetime as dt
from pathlib import Path

import pytest

import movements.models
from movements.models import (
    Movement,
    PeerGroup,
    Period,
    Report,
    Unit,
    existed_during_q,
    of_existing_units,
)
from tests.factories import make_report, year

pytestmark = pytest.mark.django_db


def test_models_import_nothing_from_the_services():
    # Every module of the package: the models are split by job under movements/models/.
    modules = sorted(Path(movements.models.__file__).parent.glob("*.py"))
    trees = [ast.parse(module.read_text(encoding="utf-8")) for module in modules]
    imported = [
        ("." * node.level) + (node.module or "")
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    ] + [
        alias.name
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    assert imported, "the module's imports were read"
    assert [m for m in imported if "services" in m] == []


def test_every_unit_kind_has_its_peer_group_the_same_in_python_and_in_sql(db):
    for kind in Unit.Kind:
        Unit.objects.create(code=f"u-{kind}", name=kind, short_name=kind, kind=kind)
    in_sql = dict(
        Unit.objects.annotate(group=PeerGroup.of_kind_sql("kind")).values_list("kind", "group")
    )
    in_python = {u.kind: u.peer_group for u in Unit.objects.all()}
    assert in_python == {
        "province": None,
        "city": "district",
        "town": "district",
        "district": "district",
        "branch": "branch",
        "grassroots": "grassroots",
    }
    assert in_sql == in_python
    for group in PeerGroup:
        assert set(Unit.objects.filter(group.units_q()).values_list("kind", flat=True)) == {
            kind for kind, found in in_python.items() if found == group
        }
    assert [str(label) for label in PeerGroup.labels] == [
        "Huyện, thị, thành Đoàn",
        "Đoàn trực thuộc",
        "Cơ sở Đoàn",
    ]
    assert sorted(["grassroots", None, "branch", "district"], key=PeerGroup.position) == [
        "district",
        "branch",
        "grassroots",
        None,
    ]


def test_dashboards_count_approved_reports_and_submitted_ones_on_request():
    assert Report.Status.counted() == ("approved",)
    assert Report.Status.counted(include_submitted=True) == ("approved", "submitted")
    assert Report.Status.COUNTED == ("approved",)


DAYS = [
    None,
    dt.date(2009, 6, 28),
    dt.date(2009, 6, 29),
    dt.date(2009, 12, 31),
    dt.date(2010, 1, 1),
]


def test_a_unit_existed_during_a_period_the_same_way_in_python_and_in_sql(db):
    units = []
    for first in DAYS:
        for last in DAYS:
            if first is not None and last is not None and last < first:
                continue
            units.append(
                Unit.objects.create(
                    code=f"u{len(units)}",
                    name="U",
                    short_name="U",
                    kind="district",
                    valid_from=first,
                    valid_to=last,
                )
            )
    mine = Unit.objects.filter(pk__in=[u.pk for u in units])
    periods = [year(2009), year(2010), Period.objects.create(kind="half", year=2009, number=1)]
    for period in periods:
        start, end = period.start_date, period.end_date
        expected = {u.pk for u in units if u.existed_during(start, end)}
        assert 0 < len(expected) < len(units)
        assert (
            set(mine.filter(existed_during_q(start, end)).values_list("pk", flat=True)) == expected
        )
        assert set(mine.existed_during(start, end).values_list("pk", flat=True)) == expected
        on_first_day = {u.pk for u in units if u.existed_on(start)}
        assert set(mine.existing_on(start).values_list("pk", flat=True)) == on_first_day
    movement = Movement.objects.create(code="m", name="M", start_year=2009, end_year=2010)
    for unit in units:
        for period in periods:
            make_report(unit, period, movement, status=Report.Status.DRAFT)
    counted = set(
        Report.objects.filter(of_existing_units(), movement=movement).values_list(
            "unit_id", "period_id"
        )
    )
    assert counted == {
        (u.pk, p.pk) for u in units for p in periods if u.existed_during(p.start_date, p.end_date)
    }
