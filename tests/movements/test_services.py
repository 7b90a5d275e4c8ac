"""Entry services called directly: the 2014 demo period, the rules, and refusals that views
never let through (defence in depth)."""

import io

import pytest
from django.core.management import call_command

from movements.models import Indicator, Period, Report, Value
from movements.rules import values_check
from movements.services import EditConflict, ServiceError, ValuesInvalid
from movements.services.demo import DEMO_OPEN_STATUS, demo_load, demo_open_period
from movements.services.workflow import report_approve, report_reopen, report_return, report_save
from reports.selectors import published_reconciliation
from tests.factories import make_report, make_user, year

pytestmark = pytest.mark.django_db


def test_demo_open_period_opens_2014_with_a_realistic_mix(demo):
    before = dict(Value.objects.filter(report__period__year__lte=2013).values_list("pk", "value"))
    demo_open_period()
    period = Period.objects.get(kind="year", year=2014)
    assert period.open_for_entry
    reports = Report.objects.filter(period=period)
    by_status = {}
    for report in reports:
        by_status.setdefault(report.status, []).append(report.unit.code)
        assert report.is_demo
    assert sorted(by_status["draft"]) == sorted(DEMO_OPEN_STATUS["draft"])
    assert sorted(by_status["submitted"]) == sorted(DEMO_OPEN_STATUS["submitted"])
    assert by_status["returned"] == ["cong-an"]
    returned = reports.get(status="returned")
    assert returned.return_reason
    assert reports.count() < 24  # the rest have not started
    for report in reports:
        values = dict(report.values.values_list("indicator__code", "value"))
        assert values
        indicators = list(Indicator.objects.stored().filter(movement=demo))
        errors, _warnings = values_check(indicators, values)
        assert not errors, (report, errors)
    # 2009–2013 stay exactly as published.
    after = dict(Value.objects.filter(report__period__year__lte=2013).values_list("pk", "value"))
    assert after == before
    assert all(r.matches for r in published_reconciliation(movement=demo))


def test_demo_open_period_is_idempotent_and_keeps_real_reports(demo, units):
    period = year(2014)
    real = make_report(units.rach_gia, period, demo, status=Report.Status.DRAFT, values={"cau": 1})
    demo_open_period()
    count = Report.objects.count()
    values = Value.objects.count()
    demo_open_period()
    demo_load()
    assert Report.objects.count() == count
    assert Value.objects.count() == values
    real.refresh_from_db()
    assert not real.is_demo
    assert dict(real.values.values_list("indicator__code", "value")) == {"cau": 1}


def test_load_demo_command_also_opens_2014(seed):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "2014" in Period.objects.filter(open_for_entry=True).get().code
    assert "mở nhập liệu" in out.getvalue()


def test_demo_open_period_without_seed_is_a_clear_error(without_seed):
    with pytest.raises(ServiceError, match="load_seed"):
        demo_open_period()


def save(user, unit, period, movement, values, **kwargs):
    return report_save(
        user=user, unit=unit, period=period, movement=movement, values=values, **kwargs
    )


def test_report_save_refuses_users_who_are_not_the_units_secretary(cast, open_period, seed):
    for user in [cast.secretary_b, cast.reviewer, cast.viewer, cast.outsider]:
        with pytest.raises(ServiceError, match="không được nhập"):
            save(user, cast.unit_a, open_period, seed, {"cau": 1})
    assert not Report.objects.exists()


def test_report_save_refuses_unknown_indicators_and_ratios(cast, open_period, seed):
    for code in ["khong-co", "ty-le-dang-ky-vung-manh"]:
        with pytest.raises(ServiceError, match="Chỉ tiêu không có"):
            save(cast.secretary_a, cast.unit_a, open_period, seed, {code: 1})
    assert not Report.objects.exists()


def test_report_save_checks_the_rules_again(cast, open_period, seed):
    with pytest.raises(ValuesInvalid) as error:
        save(
            cast.secretary_a,
            cast.unit_a,
            open_period,
            seed,
            {"co-so-doan": 2, "co-so-dang-ky-phong-trao": 3},
        )
    assert "co-so-dang-ky-phong-trao" in error.value.errors
    with pytest.raises(ValuesInvalid):
        save(cast.secretary_a, cast.unit_a, open_period, seed, {"cau": -1})
    with pytest.raises(ValuesInvalid) as error:
        save(cast.secretary_a, cast.unit_a, open_period, seed, {"cau": 1000})
    assert "cau" in error.value.warnings
    assert not Report.objects.exists()
    report = save(
        cast.secretary_a, cast.unit_a, open_period, seed, {"cau": 1000}, confirm_unusual=True
    )
    assert report.values.get().value == 1000


def test_report_save_with_a_stale_version_changes_nothing(cast, open_period, seed):
    report = save(cast.secretary_a, cast.unit_a, open_period, seed, {"cau": 1})
    save(cast.secretary_a, cast.unit_a, open_period, seed, {"cau": 2}, version=report.version)
    with pytest.raises(EditConflict) as conflict:
        save(cast.secretary_a, cast.unit_a, open_period, seed, {"cau": 3}, version=report.version)
    assert [(c.what, c.old, c.new) for c in conflict.value.changes] == [
        ("Cầu sửa chữa, làm mới", "1", "2")
    ]
    assert Value.objects.get().value == 2
    # A form for a report not started, saved after someone else started it, is refused too.
    with pytest.raises(EditConflict):
        save(cast.secretary_a, cast.unit_a, open_period, seed, {"cau": 4}, version=0)


def test_reviewer_services_refuse_secretaries_and_other_subtrees(cast, open_period, seed, units):
    report = make_report(cast.unit_a, open_period, seed, status=Report.Status.SUBMITTED)
    other_reviewer = make_user("duyet_congan", units.cong_an, "reviewer")
    for user in [cast.secretary_a, cast.viewer, other_reviewer]:
        with pytest.raises(ServiceError, match="không có quyền duyệt"):
            report_approve(user=user, report=report)
        with pytest.raises(ServiceError, match="không có quyền duyệt"):
            report_return(user=user, report=report, reason="lý do")
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED


def test_reopen_is_for_provincial_reviewers_only(cast, open_period, seed, units):
    report = make_report(cast.unit_a, open_period, seed, status=Report.Status.APPROVED)
    district = make_user("duyet_rachgia", units.rach_gia, "reviewer")
    with pytest.raises(ServiceError, match="Tỉnh Đoàn"):
        report_reopen(user=district, report=report, reason="lý do")
    report_reopen(user=cast.reviewer, report=report, reason="Bổ sung")
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    long_reason = "Lý do rất dài. " * 30
    report_return_path = make_report(cast.unit_b, open_period, seed, status=Report.Status.SUBMITTED)
    report_return(user=cast.reviewer, report=report_return_path, reason=long_reason)
    report_return_path.refresh_from_db()
    assert report_return_path.return_reason == long_reason.strip()
    assert len(report_return_path.history.latest().history_change_reason) <= 100


@pytest.mark.parametrize(
    "kind, year_, number, expected",
    [
        ("year", 2014, 0, ("year", 2013, 0)),
        ("half", 2014, 2, ("half", 2014, 1)),
        ("half", 2014, 1, ("half", 2013, 2)),
        ("quarter", 2014, 3, ("quarter", 2014, 2)),
        ("quarter", 2014, 1, ("quarter", 2013, 4)),
    ],
)
def test_previous_period_of_each_kind(without_seed, kind, year_, number, expected):
    from movements.selectors import previous_period

    period = Period.objects.create(kind=kind, year=year_, number=number)
    assert previous_period(period=period) is None
    earlier = Period.objects.create(kind=expected[0], year=expected[1], number=expected[2])
    assert previous_period(period=period) == earlier
