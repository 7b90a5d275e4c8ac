"""The one access decision of a report (`report_access`), which views, templates and services ask,
and whether a user reviews a unit. The rule itself (subtrees of memberships) is
`movements.access`, asked through the access QuerySets of the models."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ..models import Movement, Period, Report, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass(frozen=True)
class ReportAccess:
    """What `user` may do with `unit`'s report of `period` for `movement`: the one access
    decision that the entry views, their templates and the services ask. `report` is None while
    the report is not started. Each permission asks the access QuerySets of `movements.models`
    when it is first read, and only then."""

    user: AbstractBaseUser | AnonymousUser
    unit: Unit
    period: Period
    movement: Movement
    report: Report | None

    @classmethod
    def of(cls, *, user: AbstractBaseUser | AnonymousUser, report: Report) -> ReportAccess:
        """The access to a report already at hand (the services)."""
        return cls(user, report.unit, report.period, report.movement, report)

    @cached_property
    def can_view(self) -> bool:
        """The unit is in the user's subtrees: its report, history and file may be read."""
        return Unit.objects.visible_to(self.user).filter(pk=self.unit.pk).exists()

    @cached_property
    def is_secretary(self) -> bool:
        """The user enters the unit's figures (secretary of exactly this unit)."""
        return Unit.objects.editable_by(self.user).filter(pk=self.unit.pk).exists()

    @cached_property
    def is_reviewer(self) -> bool:
        """The user reviews the unit's reports (a reviewer of its subtree)."""
        return unit_reviewed_by(user=self.user, unit=self.unit)

    @cached_property
    def is_provincial_reviewer(self) -> bool:
        """The user reviews a root unit: provincial staff, who reopen approved reports."""
        return Unit.objects.reviewable_by(self.user).filter(parent__isnull=True).exists()

    @property
    def version(self) -> int:
        """The report's version as a form loads it (0 for a report not started)."""
        return self.report.version if self.report is not None else 0

    @property
    def why_not_editable(self) -> str:
        """Why the user may not change the figures now, for the user; "" when they may."""
        if not self.is_secretary:
            return _("Chỉ bí thư (văn phòng) của đơn vị mới nhập số liệu.")
        report = self.report or Report(unit=self.unit, period=self.period, movement=self.movement)
        return report.edit_refusal()

    @property
    def can_edit(self) -> bool:
        """The unit's secretary, on a report whose figures may change (Report.is_editable)."""
        return not self.why_not_editable

    @property
    def can_review(self) -> bool:
        """A reviewer of the unit, once the report exists (approve or return it when it is
        submitted; the services refuse any other status with a message)."""
        return self.report is not None and self.is_reviewer

    @property
    def can_reopen(self) -> bool:
        """A provincial reviewer of the unit's report (reopen it when it is approved)."""
        return self.can_review and self.is_provincial_reviewer


def report_access(
    *, user: AbstractBaseUser | AnonymousUser, unit: Unit, period: Period, movement: Movement
) -> ReportAccess:
    """What `user` may do with `unit`'s report of `period` for `movement`, with the report (or
    None when it is not started). One query here; the permissions ask when they are read."""
    report = (
        Report.objects.filter(unit=unit, period=period, movement=movement)
        .select_related("unit", "period", "movement", "submitted_by", "approved_by", "returned_by")
        .first()
    )
    return ReportAccess(user, unit, period, movement, report)


def unit_reviewed_by(*, user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    """Whether `user` reviews `unit`: approves, returns and reopens its reports, and edits its
    báo cáo (a reviewer of its subtree, or a superuser). One query."""
    return Unit.objects.reviewable_by(user).filter(pk=unit.pk).exists()


def user_is_reviewer(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether `user` reviews the reports of any unit (the review page, provincial workbooks)."""
    return Unit.objects.reviewable_by(user).exists()
