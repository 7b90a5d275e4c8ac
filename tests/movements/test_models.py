import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from movements.models import Indicator, Period, Report, Unit, Value
from tests.factories import make_report, make_user, totals_kept, year

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
    periods = Period.objects.count()  # the seed's
    _rejected(lambda: Period.objects.create(kind=kind, year=2012, number=number))
    assert Period.objects.count() == periods


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
    with totals_kept(Report.objects.filter(pk=report.pk)):
        value = Value.objects.create(
            report=report, indicator=Indicator.objects.get(code="hoi-nghi-trien-khai"), value=5
        )
        value.value = 7
        value.save()
        report.status = "submitted"
        report.save()
    assert [h.value for h in value.history.order_by("history_date")] == [5, 7]
    assert [h.status for h in report.history.order_by("history_date")] == ["draft", "submitted"]
