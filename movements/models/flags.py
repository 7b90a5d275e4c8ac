"""What the rules found in a report when it was submitted (`ReportFlag`): stored then, read by
the review pages, and marked by a reviewer for the unit to look at again (follow-up)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..sanitise import validate_line
from .movement import Indicator, IndicatorGroup
from .reports import Report

FOLLOW_UP_NOTE_MAX = 300


class ReportFlagQuerySet(models.QuerySet):
    def shown(self) -> ReportFlagQuerySet:
        """Flags of the reports a reviewer looks at: submitted or approved (the figures some
        page counts). Those of a report returned or reopened stay, for its unit to see what
        was followed up, until it is submitted again."""
        return self.filter(report__status__in=Report.Status.counted(include_submitted=True))

    def in_report_order(self) -> ReportFlagQuerySet:
        """The report's sections and indicators in report order, the blank ones of a section
        before its unusual figures."""
        return self.order_by("group__order", "kind", "indicator__order", "pk")


class ReportFlag(models.Model):
    """One thing the rules found in a report's figures when it was submitted (or written as
    submitted or approved by a file, the admin or a loader): an unusual figure (the warnings of
    `rules.values_check` for one indicator) or a section with blank figures
    (`rules.blank_sections`). Stored by `services.flags.report_flags_store`, never recomputed
    when a page is read: the figure and the previous period's are those of that moment.

    `messages` holds the rules' words in every language of the site ({"vi": [...], "en":
    [...]}), rendered when stored: the rules give finished sentences, and the figures they
    quote (the previous period's, the members') may change later."""

    class Kind(models.TextChoices):
        BLANK = "blank", _("Để trống")
        UNUSUAL = "unusual", _("Bất thường")

    report = models.ForeignKey(
        Report, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="flags"
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    group = models.ForeignKey(
        IndicatorGroup, verbose_name=_("phần"), on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("chỉ tiêu"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Trống với một phần để trống."),
    )
    messages = models.JSONField(_("nội dung"), default=dict)
    value = models.BigIntegerField(_("số liệu khi gửi"), null=True, blank=True)
    previous = models.BigIntegerField(_("số liệu kỳ trước"), null=True, blank=True)
    # When the rules were run: now, or for demo data its report's submission (services.flags).
    created_at = models.DateTimeField(_("ghi lúc"), default=timezone.now, editable=False)
    follow_up = models.BooleanField(_("cần theo dõi"), default=False)
    follow_up_note = models.CharField(
        _("ghi chú theo dõi"),
        max_length=FOLLOW_UP_NOTE_MAX,
        blank=True,
        validators=[validate_line],
    )
    follow_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đánh dấu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    follow_up_at = models.DateTimeField(_("đánh dấu lúc"), null=True, blank=True)

    objects = ReportFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("cảnh báo số liệu")
        verbose_name_plural = _("cảnh báo số liệu")
        ordering = ["report", "group__order", "kind", "indicator__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"],
                condition=Q(kind="unusual"),
                name="flag_unusual_unique",
            ),
            models.UniqueConstraint(
                fields=["report", "group"], condition=Q(kind="blank"), name="flag_blank_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind="blank", indicator__isnull=True)
                | Q(kind="unusual", indicator__isnull=False),
                name="flag_kind_indicator",
            ),
        ]
        indexes = [
            models.Index(fields=["report"], name="flag_follow_up", condition=Q(follow_up=True)),
        ]

    def __str__(self) -> str:
        what = self.indicator.label if self.indicator_id else self.group.name
        return f"{self.report} — {what}"

    @property
    def shown(self) -> list[str]:
        """The messages in the reader's language (Vietnamese when it has none)."""
        language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        return self.messages.get(language) or self.messages.get(settings.LANGUAGE_CODE) or []

    @property
    def key(self) -> tuple:
        """What the flag is about: the same figure (or blank section) of the same report."""
        return (self.report_id, self.kind, self.group_id, self.indicator_id, self.value)
