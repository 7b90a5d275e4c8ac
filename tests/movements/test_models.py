import ast
import datetime as dt
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

import movements.models
from movements.models import (
    Indicator,
    Movement,
    PeerGroup,
    Period,
    Report,
    Unit,
    Value,
    existed_during_q,
    of_existing_units,
)
from tests.factories import make_report, make_user, year

pytestmark = pytest.mark.django_db


def _rejected(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_database_rejects_a_negative_value(seed, units):
    report = make_report(units.rach_gia, 2010, seed)
    indicator = Indicator.objects.get(code="hoi-nghi-trien-khai")
    _rejected(lambda: Value.objects.create(report=report, indicator=indicator, value=-1))
    assert not Value.objects.filter(report=report).exists()


def test_database_rejects_a_second_value_for_the_same_report_and_indicator(seed, units):
    report = make_report(units.rach_gia, 2010, seed, values={"hoi-nghi-trien-khai": 3})
    indicator = Indicator.objects.get(code="hoi-nghi-trien-khai")
    _rejected(lambda: Value.objects.create(report=report, indicator=indicator, value=4))
    assert Value.objects.get(report=report).value == 3


def test_database_rejects_a_second_report_for_the_same_unit_period_and_movement(seed, units):
    make_report(units.rach_gia, 2010, seed)
    _rejected(lambda: make_report(units.rach_gia, 2010, seed))
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "number"), [("year", 1), ("half", 0), ("half", 3), ("quarter", 5)]
)
def test_database_rejects_a_period_number_that_does_not_fit_its_kind(db, kind, number):
    _rejected(lambda: Period.objects.create(kind=kind, year=2012, number=number))
    assert not Period.objects.exists()


def test_database_rejects_a_ratio_without_numerator_and_denominator(seed):
    group = seed.groups.first()
    _rejected(
        lambda: Indicator.objects.create(
            movement=seed, group=group, code="ty-le-moi", name="Tỷ lệ", measure="%", kind="ratio"
        )
    )


def test_database_rejects_bounds_in_the_wrong_order(seed):
    group = seed.groups.first()
    _rejected(
        lambda: Indicator.objects.create(
            movement=seed,
            group=group,
            code="x",
            name="X",
            measure="cuộc",
            min_value=10,
            max_value=5,
        )
    )


def test_database_rejects_a_unit_dissolved_before_it_was_created(db):
    _rejected(
        lambda: Unit.objects.create(
            code="x",
            name="X",
            short_name="X",
            kind="district",
            valid_from=dt.date(2010, 1, 1),
            valid_to=dt.date(2009, 1, 1),
        )
    )


def test_period_codes_and_labels_read_as_vietnamese_users_write_them(db):
    assert year(2012).code == "2012"
    half = Period.objects.create(kind="half", year=2012, number=1)
    quarter = Period.objects.create(kind="quarter", year=2012, number=3)
    assert (half.code, str(half.label)) == ("2012-H1", "6 tháng đầu 2012")
    assert (quarter.code, str(quarter.label)) == ("2012-Q3", "Quý 3/2012")
    assert (half.start_date, half.end_date) == (dt.date(2012, 1, 1), dt.date(2012, 6, 30))
    assert (quarter.start_date, quarter.end_date) == (dt.date(2012, 7, 1), dt.date(2012, 9, 30))


@pytest.mark.parametrize(
    ("code", "parsed"),
    [
        ("2012", ("year", 2012, 0)),
        ("2012-h2", ("half", 2012, 2)),
        ("2013-Q4", ("quarter", 2013, 4)),
        ("12", None),
        ("2012-Q5", None),
        ("2012-H", None),
        ("abcd", None),
        ("", None),
        ("2012-X1", None),
    ],
)
def test_period_codes_are_parsed_or_refused(code, parsed):
    assert Period.parse_code(code) == parsed


def test_subtree_follows_a_unit_moved_under_another_parent(seed, units):
    child = Unit.objects.create(
        code="co-so-1",
        name="Chi đoàn 1",
        short_name="CĐ 1",
        kind="grassroots",
        parent=units.rach_gia,
    )
    assert set(Unit.objects.subtree_of(units.rach_gia)) == {units.rach_gia, child}
    rach_gia = Unit.objects.get(code="rach-gia")
    rach_gia.parent = units.ha_tien
    rach_gia.save()
    child.refresh_from_db()
    assert child.path.startswith(Unit.objects.get(code="ha-tien").path)
    assert child in Unit.objects.subtree_of(Unit.objects.get(code="ha-tien"))


def test_access_rules_follow_memberships(cast, units):
    assert set(Unit.objects.editable_by(cast.secretary_a)) == {units.rach_gia}
    assert set(Unit.objects.visible_to(cast.secretary_a)) == {units.rach_gia}
    assert not Unit.objects.reviewable_by(cast.secretary_a).exists()
    assert Unit.objects.reviewable_by(cast.reviewer).count() == Unit.objects.count()
    assert Unit.objects.visible_to(cast.viewer).count() == Unit.objects.count()
    assert not Unit.objects.editable_by(cast.viewer).exists()
    assert not Unit.objects.visible_to(cast.outsider).exists()
    superuser = make_user("root", is_superuser=True)
    assert Unit.objects.visible_to(superuser).count() == Unit.objects.count()


def test_report_and_value_changes_are_kept_in_history(seed, units):
    report = make_report(units.rach_gia, 2011, seed, status="draft")
    value = Value.objects.create(
        report=report, indicator=Indicator.objects.get(code="hoi-nghi-trien-khai"), value=5
    )
    value.value = 7
    value.save()
    report.status = "submitted"
    report.save()
    assert [h.value for h in value.history.order_by("history_date")] == [5, 7]
    assert [h.status for h in report.history.order_by("history_date")] == ["draft", "submitted"]


def test_models_import_nothing_from_the_services():
    tree = ast.parse(Path(movements.models.__file__).read_text(encoding="utf-8"))
    imported = [
        ("." * node.level) + (node.module or "")
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    ] + [
        alias.name
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
