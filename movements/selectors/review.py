"""Reads behind the review pages: the reports waiting for a reviewer, the flags stored when they
were sent (`ReportFlag`), and the validation page's flags of one period."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from ..models import Period, Report, ReportFlag, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def review_queue(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Report]:
    """Submitted reports of the reviewer's subtrees, oldest submission first (then in the
    units' order; a stable order, for pages of the queue)."""
    return (
        Report.objects.reviewable_by(user)
        .awaiting_review()
        .select_related("unit", "period", "movement", "submitted_by")
        .order_by("submitted_at", "unit__sort_order", "pk")
    )


@dataclass
class ReportFlags:
    """A report's stored flags, in report order: its blank sections and its unusual
    figures."""

    blank: list[ReportFlag] = field(default_factory=list)
    unusual: list[ReportFlag] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.blank or self.unusual)

    @property
    def follow_ups(self) -> list[ReportFlag]:
        return [f for f in [*self.blank, *self.unusual] if f.follow_up]


def _by_report(flags) -> dict[int, ReportFlags]:
    out: dict[int, ReportFlags] = {}
    for flag in flags:
        found = out.setdefault(flag.report_id, ReportFlags())
        (found.blank if flag.kind == ReportFlag.Kind.BLANK else found.unusual).append(flag)
    return out


def review_flags(*, reports: list[Report]) -> dict[int, ReportFlags]:
    """{report id: its flags} for `reports`: what the rules found in their figures when they
    were sent (stored then, not computed again here), each with what the queue shows of it
    (kind, messages, follow-up mark; not its section or indicator, by which it is only
    ordered). One query."""
    if not reports:
        return {}
    flags = (
        ReportFlag.objects.filter(report__in=[r.pk for r in reports])
        .only("report_id", "kind", "messages", "follow_up")
        .in_report_order()
    )
    return _by_report(flags)


def report_flags(*, report: Report | None, follow_ups_only: bool = False) -> ReportFlags:
    """The stored flags of one report (only those marked for follow-up when asked), for its
    page. One query (none without a report)."""
    if report is None or report.pk is None:
        return ReportFlags()
    flags = ReportFlag.objects.filter(report=report)
    if follow_ups_only:
        flags = flags.filter(follow_up=True)
    flags = list(flags.select_related("group", "indicator", "follow_up_by").in_report_order())
    for flag in flags:
        flag.report = report  # the page's report, not read again for each flag
    return _by_report(flags).get(report.pk, ReportFlags())


# What the validation page lists: every flag, or one kind, or those marked for follow-up.
CHECK_KINDS = ("unusual", "blank", "follow-up")


def validation_flags(
    *, user: AbstractBaseUser | AnonymousUser, period: Period, kind: str = ""
) -> QuerySet[ReportFlag]:
    """Every flag of the submitted and approved reports of `period` whose unit `user`
    reviews, in the units' official order, then report order; `kind` narrows them
    (CHECK_KINDS). A lazy query of one statement, with the report, unit, section, indicator
    and who marked it (a page of it is one query, and its count another)."""
    flags = (
        ReportFlag.objects.shown()
        .filter(report__period=period, report__unit__in=Unit.objects.reviewable_by(user))
        .select_related(
            "report__unit",
            "report__period",
            "report__movement",
            "group",
            "indicator",
            "follow_up_by",
        )
    )
    if kind == "follow-up":
        flags = flags.filter(follow_up=True)
    elif kind in ReportFlag.Kind.values:
        flags = flags.filter(kind=kind)
    return flags.order_by(
        *Unit.official_ordering("report__unit__"),
        "report__movement__code",
        "group__order",
        "kind",
        "indicator__order",
        "pk",
    )


def validation_periods() -> list[Period]:
    """The periods a reviewer may choose on the validation page, newest first: those with a
    submitted or approved report. One query."""
    return list(
        Period.objects.filter(reports__status__in=Report.Status.counted(include_submitted=True))
        .distinct()
        .order_by("-year", "kind", "-number")
    )
