"""The guard around every database test (tests/stored_totals.py, tests/conftest.py): a value or
a report written without keeping the stored totals and tallies in step fails the test, naming
the rows; the same write through `totals_kept` passes."""

import pytest

from movements.models import Indicator, Report, Value
from tests.factories import make_report, totals_kept, year
from tests.stored_totals import stored_totals_guarded, stored_totals_wrong

# Each test makes the stored totals wrong on purpose, inside the guard it checks.
pytestmark = [pytest.mark.django_db, pytest.mark.totals_unchecked]


def failure(write) -> str:
    with pytest.raises(pytest.fail.Exception) as failed, stored_totals_guarded():
        write()
    return str(failed.value)


def test_a_value_changed_by_update_without_its_rollup_fails_naming_the_rows(seed, units):
    report = make_report(units.rach_gia, 2012, seed, values={"cau": 3})
    message = failure(lambda: Value.objects.filter(report=report).update(value=5))
    for unit in ("rach-gia", "kien-giang"):
        assert (
            f"Rollup(unit={unit}, period=2012, indicator=cau, status=approved): "
            "stored total 3, entries 1; the values and reports give total 5, entries 1"
        ) in message
    assert "ReportTally(" not in message
    assert "totals_kept" in message


def test_a_value_created_without_its_rollup_fails(seed, units):
    report = make_report(units.rach_gia, 2012, seed, status=Report.Status.SUBMITTED)
    cau = Indicator.objects.get(movement=seed, code="cau")
    message = failure(lambda: Value.objects.create(report=report, indicator=cau, value=4))
    assert (
        "Rollup(unit=rach-gia, period=2012, indicator=cau, status=submitted): stored no row; "
        "the values and reports give total 4, entries 1"
    ) in message


def test_a_report_created_without_its_tally_fails(seed, units):
    message = failure(
        lambda: Report.objects.create(
            unit=units.ha_tien, period=year(2011), movement=seed, status=Report.Status.APPROVED
        )
    )
    assert (
        "ReportTally(unit=ha-tien, period=2011, movement=3tn, status=approved): stored no row; "
        "the values and reports give reports 1, on_time 0, late 0"
    ) in message


def test_the_same_writes_through_totals_kept_pass(seed, units):
    report = make_report(units.rach_gia, 2012, seed, values={"cau": 3})
    cau = Indicator.objects.get(movement=seed, code="cau")
    with stored_totals_guarded():
        with totals_kept(Report.objects.filter(pk=report.pk)):
            Value.objects.filter(report=report).update(value=5)
        with totals_kept(Report.objects.filter(unit=units.ha_tien, period=year(2011))):
            Report.objects.create(
                unit=units.ha_tien, period=year(2011), movement=seed, status=Report.Status.APPROVED
            )
    assert stored_totals_wrong() == []
    assert Value.objects.get(report=report, indicator=cau).value == 5


def test_a_test_that_wrote_nothing_counted_is_not_checked_unless_transactional(seed, units):
    """Most tests write nothing the totals count, and pay nothing; a transactional test is
    checked whatever it wrote (its writes may come from other threads' connections)."""
    report = make_report(units.rach_gia, 2012, seed, values={"cau": 3})
    Value.objects.filter(report=report).update(value=5)  # outside any guard: wrong from here
    with stored_totals_guarded():  # passes: nothing written
        seed.refresh_from_db()
    with (
        pytest.raises(pytest.fail.Exception, match="stored total 3, entries 1"),
        stored_totals_guarded(always=True),
    ):
        seed.refresh_from_db()
