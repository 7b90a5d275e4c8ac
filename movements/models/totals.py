"""Totals beside the values: the figures official documents published, and the stored totals and
report counts the dashboards read (kept in step by `services.rollups`)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..sanitise import validate_line, validate_text
from .movement import Indicator, Movement, Period
from .reports import Report
from .units import Unit


class PublishedFigure(models.Model):
    """A total as an official document published it, to reconcile unit data against."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("chỉ tiêu"),
        on_delete=models.PROTECT,
        related_name="published_figures",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị (phạm vi)"),
        on_delete=models.PROTECT,
        related_name="published_figures",
    )
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))
    value = models.BigIntegerField(
        _("số công bố"), help_text=_("Với chỉ tiêu tỷ lệ: phần trăm (100 nghĩa là 100%).")
    )
    qualifier = models.CharField(
        _("cách nói"),
        max_length=20,
        blank=True,
        help_text=_("Ví dụ: “trên”, “khoảng”."),
        validators=[validate_line],
    )
    document = models.CharField(_("văn bản"), max_length=100, validators=[validate_line])
    document_date = models.DateField(_("ngày văn bản"))
    quote = models.TextField(_("câu trích"), validators=[validate_text])
    order = models.PositiveSmallIntegerField(_("thứ tự trong văn bản"), default=0)

    class Meta:
        verbose_name = _("số liệu đã công bố")
        verbose_name_plural = _("số liệu đã công bố")
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "start_year", "end_year", "document"],
                name="published_figure_unique",
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="published_years_order"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="published_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.label} ({self.unit.short_name}): {self.value}"


class Rollup(models.Model):
    """A stored total: the sum of the values of `indicator` in the reports of `status` for
    `period` over `unit`'s subtree (the unit itself included), and how many values it holds.

    Kept in step by `services.rollups` in the same transaction as every write that changes a
    counted value (approved or submitted reports) or the tree; dashboards read it instead of
    scanning the subtree. A row exists exactly where `entries` > 0. `rebuild_rollups --check`
    compares it with the values.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Report.Status.choices)
    total = models.BigIntegerField()
    entries = models.IntegerField()  # plain: a delta row may carry a negative count

    class Meta:
        verbose_name = _("tổng đã cộng sẵn")
        verbose_name_plural = _("tổng đã cộng sẵn")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "indicator", "status"], name="rollup_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["period", "unit"], name="rollup_period_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.period_id}/{self.indicator_id}/{self.status}: {self.total}"


class ReportTally(models.Model):
    """A stored count: how many reports of `movement` for `period` are in `status` over
    `unit`'s subtree (the unit itself included), counting the reports of units that existed
    during the period (`of_existing_units`); of them, how many were submitted by the deadline
    and how many after it (`submission_counts`).

    Kept in step by `services.rollups` with the rollups (every write to reports, a unit moved
    or its dates changed, a period's deadline changed); the completeness pages read it instead
    of counting the subtree's reports. A row exists exactly where `reports` > 0.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Report.Status.choices)
    reports = models.IntegerField()  # plain: a delta row may carry a negative count
    on_time = models.IntegerField()
    late = models.IntegerField()

    class Meta:
        verbose_name = _("số báo cáo đã đếm sẵn")
        verbose_name_plural = _("số báo cáo đã đếm sẵn")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "movement", "status"], name="tally_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["period", "unit"], name="tally_period_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.period_id}/{self.movement_id}/{self.status}: {self.reports}"
