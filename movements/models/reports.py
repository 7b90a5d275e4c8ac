"""The reports units file, their values, and why they changed (the history's words)."""

from __future__ import annotations

from enum import nonmember

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..sanitise import validate_line, validate_text
from .movement import Indicator, Movement, Period
from .units import Unit, existed_during_q


class ReportQuerySet(models.QuerySet):
    def approved(self) -> ReportQuerySet:
        return self.filter(status=Report.Status.APPROVED)

    def counted(self, include_submitted: bool = False) -> ReportQuerySet:
        """Reports whose figures dashboards count (`Report.Status.counted`): approved, plus
        submitted when asked."""
        return self.filter(status__in=Report.Status.counted(include_submitted))

    def visible_to(self, user) -> ReportQuerySet:
        return self.filter(unit__in=Unit.objects.visible_to(user))

    def editable_by(self, user) -> ReportQuerySet:
        return self.filter(unit__in=Unit.objects.editable_by(user))

    def reviewable_by(self, user) -> ReportQuerySet:
        return self.filter(unit__in=Unit.objects.reviewable_by(user))

    def editable(self) -> ReportQuerySet:
        """Reports whose unit may still change the figures: drafts and returned reports."""
        return self.filter(status__in=Report.Status.EDITABLE)

    def awaiting_review(self) -> ReportQuerySet:
        """Submitted reports, which a reviewer approves or returns."""
        return self.filter(status__in=Report.Status.REVIEWABLE)


def of_existing_units() -> Q:
    """On a Report query: the report's unit existed on some day of its period
    (`existed_during_q`). Reports that completeness counts."""
    return existed_during_q(F("period__start_date"), F("period__end_date"), prefix="unit__")


def submission_counts() -> dict[str, Count]:
    """On a Report aggregate: how many were submitted by their period's deadline (`on_time`)
    and how many after it (`late`), in local days; without a deadline, neither."""
    submitted = Q(submitted_at__isnull=False, period__deadline__isnull=False)
    return {
        "on_time": Count("pk", filter=submitted & Q(submitted_at__date__lte=F("period__deadline"))),
        "late": Count("pk", filter=submitted & Q(submitted_at__date__gt=F("period__deadline"))),
    }


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Nháp")
        SUBMITTED = "submitted", _("Đã gửi, chờ duyệt")
        APPROVED = "approved", _("Đã duyệt")
        RETURNED = "returned", _("Trả lại để sửa")

        # The workflow: the unit changes its figures in a draft or a returned report, submits
        # it, and a reviewer approves it (locked; provincial staff may reopen it) or returns it.
        EDITABLE = nonmember(frozenset({"draft", "returned"}))
        REVIEWABLE = nonmember(frozenset({"submitted"}))
        LOCKED = nonmember(frozenset({"approved"}))
        # Whose figures the dashboards count: approved reports, and submitted ones too when the
        # reader asks (the "include submitted" switch). The stored totals hold both.
        COUNTED = nonmember(("approved",))
        COUNTED_ON_REQUEST = nonmember(("submitted",))

        @classmethod
        def counted(cls, include_submitted: bool = False) -> tuple[str, ...]:
            """The statuses whose figures count: approved, plus submitted when asked."""
            return cls.COUNTED + (cls.COUNTED_ON_REQUEST if include_submitted else ())

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="reports"
    )
    period = models.ForeignKey(
        Period, verbose_name=_("kỳ"), on_delete=models.PROTECT, related_name="reports"
    )
    movement = models.ForeignKey(
        Movement, verbose_name=_("phong trào"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    highlights = models.TextField(_("kết quả nổi bật"), blank=True, validators=[validate_text])
    shortcomings = models.TextField(_("hạn chế, tồn tại"), blank=True, validators=[validate_text])
    return_reason = models.TextField(
        _("lý do trả lại / mở lại"), blank=True, validators=[validate_text]
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("trả lại lúc"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lại"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    is_demo = models.BooleanField(_("dữ liệu minh hoạ"), default=False)
    # The sections (IndicatorGroup codes, in report order) that had blank figures when the
    # report was last submitted and that whoever submitted it confirmed as "nothing to report"
    # (the form's question; a provincial workbook's tick). Set at each submission, emptied by
    # a draft save; blank figures stay blank (no Value row), unlike 0.
    blank_confirmed = models.JSONField(
        _("mục để trống đã xác nhận"), default=list, blank=True, editable=False
    )

    history = HistoricalRecords()
    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("báo cáo đơn vị")
        verbose_name_plural = _("báo cáo đơn vị")
        ordering = ["period__year", "period__kind", "period__number", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "movement"], name="report_unique_per_unit_period"
            ),
        ]
        indexes = [
            models.Index(fields=["movement", "period", "status"], name="report_mv_period_status"),
            models.Index(fields=["status"], name="report_status"),
            # Every page asks whether demo reports exist: found in the index, not by reading
            # every report when there are none.
            models.Index(fields=["is_demo"], name="report_demo", condition=Q(is_demo=True)),
        ]

    def __str__(self) -> str:
        return f"{self.unit.short_name} — {self.period.label}"

    @property
    def is_locked(self) -> bool:
        """Approved: nothing changes until provincial staff reopen it."""
        return self.status in self.Status.LOCKED

    @property
    def is_reviewable(self) -> bool:
        """Submitted: waiting for a reviewer to approve or return it."""
        return self.status in self.Status.REVIEWABLE

    @property
    def is_returned(self) -> bool:
        return self.status == self.Status.RETURNED

    @property
    def is_editable(self) -> bool:
        """Whether the unit may change the figures now: a draft or a returned report, and a
        report not yet started (not saved) in a period open for entry, for a unit that reports
        in it. Who may change them is `selectors.report_access`."""
        return not self.edit_refusal()

    def edit_refusal(self, statuses: frozenset[str] = Status.EDITABLE) -> str:
        """Why the figures cannot change now, as told to the user; "" when they can.

        `statuses` are those that take new figures: draft and returned; a provincial workbook
        also writes submitted reports.
        """
        if self.pk is None:
            if not self.period.open_for_entry:
                return gettext("Kỳ %(period)s chưa mở (hoặc đã đóng) nhập liệu.") % {
                    "period": self.period.label
                }
            if not self.unit.reports_in(self.period):
                return gettext("%(unit)s không báo cáo trong kỳ %(period)s.") % {
                    "unit": self.unit.name,
                    "period": self.period.label,
                }
            return ""
        if self.status in statuses:
            return ""
        if self.is_locked:
            return gettext("Báo cáo của %(unit)s đã được duyệt và khoá, không sửa được.") % {
                "unit": self.unit.name
            }
        return gettext(
            "Báo cáo của %(unit)s đã gửi, đang chờ duyệt nên không sửa được; chỉ sửa được khi "
            "được trả lại."
        ) % {"unit": self.unit.name}


class ChangeReason(models.TextChoices):
    """Why a report or a value changed, as the services store it in the history: in Vietnamese,
    whatever the user's language; the label shows it in the reader's language. A return and a
    reopening are stored followed by the reviewer's own words (`with_text`)."""

    STARTED = "Bắt đầu nhập", pgettext_lazy("change reason", "Bắt đầu nhập")
    STARTED_FROM_FILE = (
        "Bắt đầu nhập (tệp Excel)",
        pgettext_lazy("change reason", "Bắt đầu nhập (tệp Excel)"),
    )
    VALUES_SAVED = "Lưu số liệu", pgettext_lazy("change reason", "Lưu số liệu")
    DRAFT_SAVED = "Lưu nháp", pgettext_lazy("change reason", "Lưu nháp")
    SUBMITTED = "Gửi duyệt", pgettext_lazy("change reason", "Gửi duyệt")
    APPROVED = "Duyệt", pgettext_lazy("change reason", "Duyệt")
    APPROVED_TOGETHER = (
        "Duyệt (cùng lúc nhiều báo cáo)",
        pgettext_lazy("change reason", "Duyệt (cùng lúc nhiều báo cáo)"),
    )
    IMPORTED = "Nhập từ tệp Excel", pgettext_lazy("change reason", "Nhập từ tệp Excel")
    DEMO = "Dữ liệu minh hoạ", pgettext_lazy("change reason", "Dữ liệu minh hoạ")
    REFILED = (
        "Chuyển sang đơn vị kế tục",
        pgettext_lazy("change reason", "Chuyển sang đơn vị kế tục"),
    )
    RETURNED = "Trả lại: ", pgettext_lazy("change reason", "Trả lại: %(reason)s")
    REOPENED = "Mở lại: ", pgettext_lazy("change reason", "Mở lại: %(reason)s")

    @property
    def takes_text(self) -> bool:
        """Whether the reason is stored followed by the reviewer's words (return, reopening)."""
        return self in (ChangeReason.RETURNED, ChangeReason.REOPENED)

    def with_text(self, text: str) -> str:
        """The stored reason of a return or a reopening: its prefix, then the reviewer's words."""
        return f"{self.value}{text}"

    @classmethod
    def shown(cls, stored: str | None) -> str:
        """A stored reason in the active language; the reviewer's own words stay as typed, and a
        reason this class does not know (older rows, the admin) is shown as stored."""
        if not stored:
            return ""
        for reason in cls:
            if reason.takes_text and stored.startswith(reason.value):
                return str(reason.label) % {"reason": stored[len(reason.value) :]}
            if stored == reason.value:
                return str(reason.label)
        return stored


class Value(models.Model):
    report = models.ForeignKey(
        Report, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.PROTECT, related_name="values"
    )
    value = models.BigIntegerField(_("số liệu"))
    comment = models.CharField(_("ghi chú"), max_length=500, blank=True, validators=[validate_line])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("số liệu")
        verbose_name_plural = _("số liệu")
        ordering = ["indicator__group__order", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="value_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="value_not_negative"),
        ]
        indexes = [
            models.Index(fields=["indicator", "report"], name="value_indicator_report"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.label}: {self.value}"
