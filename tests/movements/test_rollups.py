"""The stored subtree totals (`Rollup`) and report tallies (`ReportTally`) stay equal to the
values and reports they count, whatever happens: random sequences of entry, submission,
approval (one or several), return, reopening, correction, provincial workbooks, tree changes
(a unit added, moved, closed) and deadline changes, checked after every step against sums and
counts computed directly from the values and reports by path prefix; a failed approval leaves
them as they were; the command rebuilds and checks them."""

import datetime as dt
import random
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from movements.formatting import format_number
from movements.models import Indicator, Membership, Report, ReportTally, Rollup, Unit, Value
from movements.selectors import entry_indicators
from movements.services import ServiceError
from movements.services.imports import ImportRow, import_apply, import_plan
from movements.services.rollups import SAMPLE, rollup_check, rollup_rebuild
from movements.services.workflow import (
    report_approve,
    report_reopen,
    report_return,
    report_save,
    reports_approve,
)
from tests.factories import every_section, make_report, make_user

pytestmark = pytest.mark.django_db

COUNTED = [Report.Status.APPROVED, Report.Status.SUBMITTED]
SEEDS = [1, 2, 3]
STEPS = 60


def stored_rollups() -> dict[tuple, tuple[int, int]]:
    return {
        (r.unit_id, r.period_id, r.indicator_id, r.status): (r.total, r.entries)
        for r in Rollup.objects.all()
    }


def sums_from_values() -> dict[tuple, tuple[int, int]]:
    """Each unit's subtree sums, straight from the values by path prefix (one query a unit),
    independent of the rollup code."""
    expected = {}
    for unit in Unit.objects.all():
        rows = (
            Value.objects.filter(
                report__unit__path__startswith=unit.path, report__status__in=COUNTED
            )
            .values_list("report__period_id", "indicator_id", "report__status")
            .annotate(total=Sum("value"), entries=Count("pk"))
            .order_by()
        )
        for period, indicator, status, total, entries in rows:
            expected[(unit.pk, period, indicator, status)] = (total, entries)
    return expected


def stored_tallies() -> dict[tuple, tuple[int, int, int]]:
    return {
        (t.unit_id, t.period_id, t.movement_id, t.status): (t.reports, t.on_time, t.late)
        for t in ReportTally.objects.all()
    }


def counts_from_reports() -> dict[tuple, tuple[int, int, int]]:
    """Each unit's subtree counts, straight from the reports in Python (the unit existed
    during the period; submitted by the deadline in local days), independent of the tally
    code."""
    expected = defaultdict(lambda: [0, 0, 0])
    units = list(Unit.objects.all())
    for report in Report.objects.select_related("unit", "period"):
        period = report.period
        if not report.unit.existed_during(period.start_date, period.end_date):
            continue
        on_time = late = 0
        if report.submitted_at is not None and period.deadline is not None:
            day = timezone.localtime(report.submitted_at).date()
            on_time, late = int(day <= period.deadline), int(day > period.deadline)
        for unit in units:
            if report.unit.path.startswith(unit.path):
                row = expected[(unit.pk, period.pk, report.movement_id, report.status)]
                row[0] += 1
                row[1] += on_time
                row[2] += late
    return {k: tuple(v) for k, v in expected.items()}


def _differences(stored: dict, expected: dict) -> tuple[list, list, list]:
    missing = sorted(set(expected) - set(stored))
    extra = sorted(set(stored) - set(expected))
    wrong = sorted(k for k in expected if k in stored and stored[k] != expected[k])
    return missing, extra, wrong


def assert_rollups_match(step: str) -> None:
    missing, extra, wrong = _differences(stored_rollups(), sums_from_values())
    assert not (missing or extra or wrong), (step, missing[:5], extra[:5], wrong[:5])
    missing, extra, wrong = _differences(stored_tallies(), counts_from_reports())
    assert not (missing or extra or wrong), ("tallies", step, missing[:5], extra[:5], wrong[:5])


def plain_codes(movement) -> list[str]:
    """Indicators a random number cannot break: no upper bound under 60, not a part, not a whole
    (unusual numbers are confirmed)."""
    indicators = entry_indicators(movement=movement)
    wholes = {i.part_of_id for i in indicators if i.part_of_id}
    return [
        i.code
        for i in indicators
        if i.part_of_id is None
        and i.pk not in wholes
        and (i.max_value is None or i.max_value >= 60)
    ][:6]


class World:
    """The seed's tree with demo data, the open period, a secretary for each unit that reports
    in it, and a random generator driving the steps."""

    def __init__(self, rng, movement, period, reviewer, province):
        self.rng, self.movement, self.period = rng, movement, period
        self.reviewer, self.province = reviewer, province
        self.codes = plain_codes(movement)
        self.secretaries = {}
        self.added = 0

    def secretary(self, unit):
        if unit.pk not in self.secretaries:
            self.secretaries[unit.pk] = make_user(
                f"bithu-{unit.pk}", unit, Membership.Role.SECRETARY
            )
        return self.secretaries[unit.pk]

    def values(self):
        chosen = self.rng.sample(self.codes, self.rng.randint(1, len(self.codes)))
        return {c: self.rng.choice([None, 0, self.rng.randint(1, 60)]) for c in chosen}

    def reporting_units(self):
        return [u for u in Unit.objects.exclude(parent=None) if u.reports_in(self.period)]

    def reports(self, *statuses):
        return list(Report.objects.filter(period=self.period, status__in=statuses))

    # --- the steps -----------------------------------------------------------------------

    def save(self, submit):
        unit = self.rng.choice(self.reporting_units())
        report = Report.objects.filter(unit=unit, period=self.period).first()
        report_save(
            user=self.secretary(unit),
            unit=unit,
            period=self.period,
            movement=self.movement,
            values=self.values() | {self.codes[0]: self.rng.randint(1, 60)},
            version=report.version if report else 0,
            confirm_unusual=True,
            submit=submit,
            blanks_confirmed=every_section(self.movement),
        )

    def approve(self):
        submitted = self.reports(Report.Status.SUBMITTED)
        if submitted:
            report_approve(user=self.reviewer, report=self.rng.choice(submitted))

    def approve_several(self):
        submitted = self.reports(Report.Status.SUBMITTED)
        chosen = self.rng.sample(submitted, min(len(submitted), self.rng.randint(1, 3)))
        versions = {r.pk: r.version for r in chosen}
        if chosen and self.rng.random() < 0.3:
            versions[chosen[0].pk] += 1  # seen at an older version: skipped
        reports_approve(user=self.reviewer, versions=versions)

    def send_back(self):
        submitted = self.reports(Report.Status.SUBMITTED)
        if submitted:
            report_return(user=self.reviewer, report=self.rng.choice(submitted), reason="Sửa lại")

    def reopen(self):
        approved = self.reports(Report.Status.APPROVED)
        if approved:
            report_reopen(user=self.reviewer, report=self.rng.choice(approved), reason="Mở lại")

    def workbook(self):
        """A provincial workbook: it also rewrites submitted (counted) reports."""
        units = self.rng.sample(self.reporting_units(), 3)
        rows = [
            ImportRow(row=n, unit_code=u.code, indicator_code=c, value=self.rng.randint(0, 60))
            for n, (u, c) in enumerate(((u, c) for u in units for c in self.codes[:2]), start=5)
        ]
        common = {
            "user": self.reviewer,
            "movement": self.movement,
            "period": self.period,
            "rows": rows,
        }
        plan = import_plan(**common)
        import_apply(**common, versions=plan.versions, confirm_unusual=True, confirm_blanks=True)

    def older_year(self):
        """A loader's approved report of an earlier year (the factory writes as loaders do)."""
        unit = self.rng.choice(self.reporting_units())
        year = self.rng.choice([2010, 2011, 2012])
        if not Report.objects.filter(unit=unit, period__year=year).exists():
            make_report(unit, year, self.movement, values={self.codes[0]: 7})

    def add_unit(self):
        self.added += 1
        parent = self.rng.choice(list(Unit.objects.all()))
        Unit.objects.create(
            code=f"moi-{self.added}",
            name=f"Cơ sở Đoàn mới {self.added}",
            short_name=f"Mới {self.added}",
            kind=Unit.Kind.GRASSROOTS,
            parent=parent,
        )

    def move_unit(self):
        unit = self.rng.choice(list(Unit.objects.exclude(parent=None)))
        targets = Unit.objects.exclude(path__startswith=unit.path).exclude(pk=unit.parent_id)
        if targets.exists():
            unit.parent = self.rng.choice(list(targets))
            unit.save()

    def close_unit(self):
        unit = self.rng.choice(list(Unit.objects.exclude(parent=None)))
        unit.valid_to = self.rng.choice([dt.date(2013, 12, 31), dt.date(2014, 6, 30)])
        unit.save()

    def deadline(self):
        """The period's deadline moved (the admin): reports change from on time to late."""
        self.period.deadline = self.rng.choice([None, timezone.localdate(), dt.date(2000, 1, 1)])
        self.period.save()


STEP_WEIGHTS = {
    "save": 6,
    "submit": 8,
    "approve": 5,
    "approve_several": 3,
    "send_back": 3,
    "reopen": 3,
    "workbook": 3,
    "older_year": 2,
    "add_unit": 2,
    "move_unit": 3,
    "close_unit": 1,
    "deadline": 3,
}


@pytest.mark.parametrize("seed_number", SEEDS)
def test_rollups_equal_the_values_after_every_step_of_a_random_history(
    seed_number, demo, cast, open_period
):
    rng = random.Random(seed_number)
    world = World(rng, demo, open_period, cast.reviewer, cast.province)
    assert len(world.codes) >= 3
    assert_rollups_match("after the demo data")
    done = dict.fromkeys(STEP_WEIGHTS, 0)
    # What the stored rows held at some step: the history must reach these states.
    seen = {
        "submitted totals": Rollup.objects.filter(status=Report.Status.SUBMITTED),
        "draft tallies": ReportTally.objects.filter(status=Report.Status.DRAFT),
        "on-time tallies": ReportTally.objects.filter(on_time__gt=0),
        "late tallies": ReportTally.objects.filter(late__gt=0),
    }
    reached = set()
    names, weights = zip(*STEP_WEIGHTS.items(), strict=True)
    for number in range(STEPS):
        name = rng.choices(names, weights)[0]
        step = {"save": lambda: world.save(False), "submit": lambda: world.save(True)}.get(
            name, getattr(world, name, None)
        )
        try:
            step()
            done[name] += 1
        except ServiceError:
            pass  # refused (a closed unit, a report not editable now): nothing may change
        assert_rollups_match(f"step {number}: {name}")
        reached |= {state for state, rows in seen.items() if rows.exists()}
    # The history did go through the paths it is meant to exercise.
    assert done["submit"] and done["move_unit"] and done["deadline"], done
    assert reached == set(seen), reached
    assert rollup_check().ok


def test_a_correction_after_a_return_replaces_the_figures_in_the_totals(seed, cast, open_period):
    common = {"unit": cast.unit_a, "period": open_period, "movement": seed}
    common["blanks_confirmed"] = every_section(seed)
    report = report_save(user=cast.secretary_a, values={"cau": 5}, submit=True, **common)
    report = report_approve(user=cast.reviewer, report=report)
    cau = Indicator.objects.get(movement=seed, code="cau")
    assert Rollup.objects.get(unit=cast.province, indicator=cau, status="approved").total == 5
    report = report_reopen(user=cast.reviewer, report=report, reason="Sai số cầu")
    assert not Rollup.objects.filter(indicator=cau).exists()
    report = report_save(
        user=cast.secretary_a, values={"cau": 9}, version=report.version, submit=True, **common
    )
    report_approve(user=cast.reviewer, report=report)
    assert Rollup.objects.get(unit=cast.province, indicator=cau, status="approved").total == 9
    assert_rollups_match("after the correction")


def test_a_failure_in_the_middle_of_an_approval_rolls_the_totals_back(
    seed, cast, open_period, monkeypatch
):
    report = make_report(
        cast.unit_a, open_period, seed, status=Report.Status.SUBMITTED, values={"cau": 4}
    )
    before = stored_rollups()
    assert before

    from movements.services import rollups, workflow

    def fail_after_the_rollups(*args, **kwargs):
        raise RuntimeError("the database went away after the totals were written")

    original = rollups._add

    def add_then_fail(deltas):
        original(deltas)
        fail_after_the_rollups()

    monkeypatch.setattr(rollups, "_add", add_then_fail)
    with pytest.raises(RuntimeError):
        workflow.report_approve(user=cast.reviewer, report=report)
    assert stored_rollups() == before
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED


def test_moving_a_unit_moves_its_totals_to_its_new_parent(demo, units):
    moved = units.ha_tien
    cau = Rollup.objects.filter(unit=moved, status=Report.Status.APPROVED).first().indicator
    own = dict(Rollup.objects.filter(unit=moved, indicator=cau).values_list("period_id", "total"))
    assert own
    before = dict(
        Rollup.objects.filter(unit=units.rach_gia, indicator=cau).values_list("period_id", "total")
    )
    moved.parent = units.rach_gia
    moved.save()
    after = dict(
        Rollup.objects.filter(unit=units.rach_gia, indicator=cau).values_list("period_id", "total")
    )
    assert after == {p: before.get(p, 0) + own[p] for p in own | before}
    assert_rollups_match("after the move")


def test_admin_edits_of_values_keep_the_totals(staff_client_for_rollups, demo, units):
    client = staff_client_for_rollups
    value = Value.objects.filter(
        report__unit=units.rach_gia, report__status=Report.Status.APPROVED
    ).first()
    response = client.post(
        f"/admin/movements/value/{value.pk}/change/",
        {
            "report": value.report_id,
            "indicator": value.indicator_id,
            "value": value.value + 11,
            "comment": "",
        },
    )
    assert response.status_code == 302, response.content[:500]
    assert_rollups_match("after the admin's change of a value")
    response = client.post(f"/admin/movements/value/{value.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Value.objects.filter(pk=value.pk).exists()
    assert_rollups_match("after the admin's deletion of a value")


@pytest.fixture
def staff_client_for_rollups(client, db):
    user = make_user("quantri", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_rebuild_command_repairs_and_check_command_finds_differences(demo, units, capsys):
    call_command("rebuild_rollups", "--check")
    assert "Khớp" in capsys.readouterr().out
    with transaction.atomic():
        row = Rollup.objects.filter(unit=units.kien_giang).first()
        row.total += 1
        row.save()
        Rollup.objects.filter(unit=units.ha_tien).first().delete()
    with pytest.raises(CommandError, match="không khớp"):
        call_command("rebuild_rollups", "--check")
    out = capsys.readouterr().out
    assert "thiếu 1, thừa 0, sai 1 tổng" in out
    assert "số báo cáo đã đếm" not in out
    # A tally wrong alone is found too, with its stored and true counts.
    tally = ReportTally.objects.filter(unit=units.kien_giang, status="approved").first()
    ReportTally.objects.filter(pk=tally.pk).update(late=tally.late + 2)
    with pytest.raises(CommandError, match="không khớp"):
        call_command("rebuild_rollups", "--check")
    out = capsys.readouterr().out
    assert "thiếu 0, thừa 0, sai 1 số báo cáo đã đếm" in out
    assert (
        f"đã lưu {tally.reports} báo cáo ({tally.on_time} đúng hạn, {tally.late + 2} trễ hạn), "
        f"đúng là {tally.reports} báo cáo ({tally.on_time} đúng hạn, {tally.late} trễ hạn)"
    ) in out
    call_command("rebuild_rollups")
    rows = format_number(Rollup.objects.count())
    tallies = format_number(ReportTally.objects.count())
    assert f"Đã tính lại {rows} tổng và {tallies} số báo cáo đã đếm" in capsys.readouterr().out
    assert "." in rows  # thousands written the Vietnamese way
    assert rollup_check().ok
    assert_rollups_match("after the rebuild")
    assert rollup_rebuild().ok  # nothing left to repair


def test_a_rebuild_of_an_empty_table_counts_the_missing_rows_and_keeps_ten_examples(demo):
    """A rebuild on an empty table finds every row missing; it must not keep them all (the
    benchmark's national data has millions)."""
    rows = Rollup.objects.count()
    assert rows > SAMPLE
    Rollup.objects.all().delete()
    found = rollup_rebuild()
    assert (found.missing_count, len(found.missing)) == (rows, SAMPLE)
    assert not found.ok
    assert found.rows == rows == Rollup.objects.count()
    assert rollup_check().ok


def test_a_rebuild_reports_a_wrong_row_with_its_stored_and_true_figures(demo):
    row = Rollup.objects.order_by("pk").first()
    Rollup.objects.filter(pk=row.pk).update(total=row.total + 5)
    found = rollup_check()
    key = (row.unit_id, row.period_id, row.indicator_id, row.status)
    assert found.wrong == [(key, (row.total + 5, row.entries), (row.total, row.entries))]
    assert (found.wrong_count, found.missing_count, found.extra_count) == (1, 0, 0)
    assert rollup_rebuild().wrong_count == 1
    assert rollup_check().ok


def test_a_rebuild_of_empty_tallies_counts_them_missing_and_writes_them(demo):
    rows = stored_tallies()
    assert len(rows) > SAMPLE
    ReportTally.objects.all().delete()
    found = rollup_rebuild()
    assert found.ok is False and found.wrong_count == found.missing_count == 0
    assert (found.tallies.missing_count, len(found.tallies.missing)) == (len(rows), SAMPLE)
    assert stored_tallies() == rows == counts_from_reports()
    assert rollup_check().ok


def test_a_rebuild_keeps_the_foreign_keys_of_the_stored_totals(demo):
    """On PostgreSQL the rebuild drops the table's foreign keys for its inserts and adds them
    back (movements.bulk): a row naming no unit is still refused afterwards."""
    rollup_rebuild()
    row = Rollup.objects.order_by("pk").first()
    missing_unit = Unit.objects.order_by("-pk").first().pk + 1000
    with pytest.raises(IntegrityError), transaction.atomic():
        Rollup.objects.create(
            unit_id=missing_unit,
            period_id=row.period_id,
            indicator_id=row.indicator_id,
            status=row.status,
            total=1,
            entries=1,
        )
        connection.check_constraints(table_names=[Rollup._meta.db_table])
    tally = ReportTally.objects.order_by("pk").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportTally.objects.create(
            unit_id=missing_unit,
            period_id=tally.period_id,
            movement_id=tally.movement_id,
            status=tally.status,
            reports=1,
            on_time=0,
            late=0,
        )
        connection.check_constraints(table_names=[ReportTally._meta.db_table])
