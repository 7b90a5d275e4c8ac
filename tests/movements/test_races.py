"""Writes that race each other: an Excel confirm against the first form save of a new report,
and a bulk approval against a return. Real threads, each with its own connection, on
PostgreSQL (row locks and concurrent transactions); whatever the timing, exactly one write
wins, the other is refused with a message, and nothing is lost or half-done: the stored totals
and report counts (rollups, tallies) still match the reports after every round.

The bulk approval's version check itself is deterministic and is tested through the review
page on every database."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse

from movements.models import Period, Report, Value
from movements.services import ServiceError
from movements.services.imports import ImportRow, import_apply
from movements.services.rollups import rollup_check, rollup_rebuild
from movements.services.workflow import report_return, report_save, reports_approve
from tests.factories import every_section, make_report

ROUNDS = 12


def race(*writes, names: list[str] | None = None) -> list[object]:
    """Run the writes at the same moment in threads (named `names`); what each returned or
    raised."""
    barrier = threading.Barrier(len(writes))
    outcomes: list[object] = [None] * len(writes)

    def run(index, write):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = write()
        except Exception as error:  # noqa: BLE001 — the test inspects every outcome
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, w), name=names[i] if names else None)
        for i, w in enumerate(writes)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a write never finished"
    return outcomes


def pause_before_counting(
    monkeypatch, thread: str, *, until: threading.Event, timeout: float
) -> tuple[threading.Event, list[bool]]:
    """In the thread named `thread`, stop before each update of the stored counts
    (`TallyChange._applied`, which both the counts' and the totals' changes call, before the
    data versions are bumped: the writer's last statement) until `until` is set or `timeout`
    passes. Returns the event set at each stop, and for each stop whether `until` came in
    time."""
    from movements.services import rollups

    stopped, came = threading.Event(), []
    original = rollups.TallyChange._applied

    def apply_after_a_pause(self, *args, **kwargs):
        if threading.current_thread().name == thread:
            stopped.set()
            came.append(until.wait(timeout=timeout))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(rollups.TallyChange, "_applied", apply_after_a_pause)
    return stopped, came


def refused(outcome) -> bool:
    return isinstance(outcome, ServiceError) and str(outcome) != ""


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_an_excel_confirm_racing_the_first_form_save_loses_nothing(cast, open_period, seed):
    for round_ in range(ROUNDS):
        Report.objects.filter(unit=cast.unit_a, period=open_period).delete()
        rollup_rebuild()  # the stored totals and counts of the report deleted above
        from_file, from_form = 100 + round_, 150 + round_

        def confirm(number=from_file):
            return import_apply(
                user=cast.secretary_a,
                movement=seed,
                period=open_period,
                rows=[ImportRow(row=5, unit_code="rach-gia", indicator_code="cau", value=number)],
                versions={"rach-gia": 0},
                unit=cast.unit_a,
            )

        def save(number=from_form):
            return report_save(
                user=cast.secretary_a,
                unit=cast.unit_a,
                period=open_period,
                movement=seed,
                values={"cau": number},
                version=0,
            )

        file_outcome, form_outcome = race(confirm, save)
        unexpected = [o for o in (file_outcome, form_outcome) if isinstance(o, Exception)]
        assert all(refused(o) for o in unexpected), (round_, unexpected)
        assert len(unexpected) == 1, (round_, file_outcome, form_outcome)
        report = Report.objects.get(unit=cast.unit_a, period=open_period)
        stored = Value.objects.get(report=report, indicator__code="cau").value
        winner = from_form if isinstance(file_outcome, Exception) else from_file
        assert stored == winner, round_
        assert report.version == 1, round_
        assert rollup_check().ok, round_  # the loser's transaction added nothing


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_bulk_approval_racing_a_return_lets_exactly_one_through(cast, open_period, seed):
    for round_ in range(ROUNDS):
        Report.objects.filter(unit=cast.unit_a, period=open_period).delete()
        rollup_rebuild()  # the stored totals and counts of the report deleted above
        report = make_report(
            cast.unit_a, open_period, seed, status=Report.Status.SUBMITTED, values={"cau": 3}
        )

        def approve(report=report):
            return reports_approve(user=cast.reviewer, versions={report.pk: report.version})

        def send_back(report=report):
            return report_return(
                user=cast.reviewer, report=report, reason="Sai số", version=report.version
            )

        seen = report.version
        approval, returning = race(approve, send_back)
        assert not isinstance(approval, Exception), approval
        approved, skipped = approval
        report.refresh_from_db()
        if isinstance(returning, Exception):
            assert refused(returning), returning
            assert approved and not skipped, round_
            assert report.status == Report.Status.APPROVED
        else:
            assert not approved and skipped, round_
            assert report.status == Report.Status.RETURNED
        assert report.version == seen + 1, round_
        assert rollup_check().ok, round_


@pytest.mark.django_db
def test_bulk_approval_refuses_a_report_changed_since_the_review_page(
    client, cast, open_period, seed
):
    report = make_report(
        cast.unit_a, open_period, seed, status=Report.Status.SUBMITTED, values={"cau": 3}
    )
    client.force_login(cast.reviewer)
    page = client.get(reverse("movements:review")).content.decode()
    ticked = f"{report.pk}:{report.version}"
    assert f'value="{ticked}"' in page
    # Between the page and the click: returned, corrected to 30 and sent again.
    report_return(user=cast.reviewer, report=report, reason="Kiểm tra lại", version=report.version)
    report_save(
        user=cast.secretary_a,
        unit=cast.unit_a,
        period=open_period,
        movement=seed,
        values={"cau": 30},
        version=report.version + 1,
        submit=True,
        blanks_confirmed=every_section(seed),
    )
    response = client.post(reverse("movements:review"), {"report": [ticked]}, follow=True)
    html = response.content.decode()
    assert "đã thay đổi từ khi bạn mở trang" in html
    assert "Đã duyệt" not in html
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    assert report.approved_by is None


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_deadline_moved_while_a_report_is_submitted_keeps_the_counts_exact(
    cast, open_period, seed, monkeypatch
):
    """The deadline decides which submissions count as on time. Provincial staff move it
    while a unit submits: the change has counted the period's reports (the unit's still a
    draft) and, before it counts them again, the submission comes. The submission must wait
    for the change (services.rollups._hold against Period.save's lock), or it would be
    counted twice: once by itself under the old deadline, once by the change under the new
    one. The change waits half a second for a submission that could slip in; with the lock
    none does."""
    submitted = threading.Event()
    # The submission goes through in this pause unless it is held.
    counted, _ = pause_before_counting(monkeypatch, "deadline", until=submitted, timeout=0.5)
    for round_, deadline in enumerate([dt.date(2000, 1, 1), dt.date(2100, 1, 1)]):
        counted.clear()
        submitted.clear()
        Report.objects.filter(period=open_period).delete()
        rollup_rebuild()
        report_save(
            user=cast.secretary_a,
            unit=cast.unit_a,
            period=open_period,
            movement=seed,
            values={"cau": 1},
        )

        def move_deadline(deadline=deadline):
            period = Period.objects.get(pk=open_period.pk)
            period.deadline = deadline
            period.save()

        def submit():
            assert counted.wait(timeout=10)
            try:
                return report_save(
                    user=cast.secretary_a,
                    unit=cast.unit_a,
                    period=open_period,
                    movement=seed,
                    values={"cau": 2},
                    version=1,
                    submit=True,
                    blanks_confirmed=every_section(seed),
                )
            finally:
                submitted.set()

        outcomes = race(move_deadline, submit, names=["deadline", "submit"])
        assert not any(isinstance(o, Exception) for o in outcomes), (round_, outcomes)
        assert Report.objects.get(unit=cast.unit_a, period=open_period).status == "submitted"
        assert rollup_check().ok, round_


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_unit_moved_while_its_report_is_approved_keeps_the_totals_exact(
    cast, open_period, seed, units
):
    """A unit changes parent at the moment one of its reports is approved: the approval adds
    its figures under the unit's old or new ancestors, never under the old ones after the
    move took its totals away."""
    parents = [units.cong_an, cast.province]
    for round_ in range(ROUNDS):
        Report.objects.filter(period=open_period).delete()
        rollup_rebuild()
        report = make_report(
            cast.unit_a, open_period, seed, status=Report.Status.SUBMITTED, values={"cau": 5}
        )

        def approve(report=report):
            return reports_approve(user=cast.reviewer, versions={report.pk: report.version})

        def move(parent=parents[round_ % 2]):
            unit = type(cast.unit_a).objects.get(pk=cast.unit_a.pk)
            unit.parent = parent
            unit.save()

        outcomes = race(approve, move)
        assert not any(isinstance(o, Exception) for o in outcomes), (round_, outcomes)
        assert rollup_check().ok, round_


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_units_saving_in_the_same_period_do_not_wait_for_each_other(
    cast, open_period, seed, monkeypatch
):
    """A save locks its report, and holds its unit and period only against changes of their
    dates (KEY SHARE): Rạch Giá's save, paused before it commits, does not hold up Công an's
    in the same period (Report's default ordering once made the lock take the period's row
    FOR UPDATE, which queued every save of a period). The data versions of the province and
    the root are the one row both bump: as the last statement, so that a writer holds it only
    from there to its commit."""
    for unit, secretary in ((cast.unit_a, cast.secretary_a), (cast.unit_b, cast.secretary_b)):
        report_save(user=secretary, unit=unit, period=open_period, movement=seed, values={"cau": 1})
    other_done = threading.Event()
    paused, seen = pause_before_counting(monkeypatch, "rach-gia", until=other_done, timeout=5)

    def save(unit, secretary, wait=False):
        def run():
            if wait:
                assert paused.wait(timeout=10)
            try:
                return report_save(
                    user=secretary,
                    unit=unit,
                    period=open_period,
                    movement=seed,
                    values={"cau": 3},
                    version=1,
                )
            finally:
                if wait:
                    other_done.set()

        return run

    outcomes = race(
        save(cast.unit_a, cast.secretary_a),
        save(cast.unit_b, cast.secretary_b, wait=True),
        names=["rach-gia", "cong-an"],
    )
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert seen == [True]  # Công an's save finished while Rạch Giá's was still open
    assert rollup_check().ok
