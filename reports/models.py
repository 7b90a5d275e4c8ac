"""What staff add to a generated báo cáo: the number line, the date, the legal basis, the
signature, the recipients and the edited text of section III (Nhận xét đánh giá). The figures
are never stored here; they are computed afresh from the unit reports each time the báo cáo is
shown."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from movements.models import Movement, Unit


class GeneratedReport(models.Model):
    movement = models.ForeignKey(
        Movement,
        verbose_name=_("phong trào"),
        on_delete=models.CASCADE,
        related_name="generated_reports",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="generated_reports"
    )
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))
    number = models.CharField(
        _("số văn bản"), max_length=40, blank=True, help_text=_("Ví dụ: 44A BC/TĐTN.")
    )
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    assessment = models.TextField(
        _("phần III đã chỉnh sửa"),
        blank=True,
        help_text=_("Để trống để dùng nội dung tạo từ ghi chú của các đơn vị."),
    )
    generated_assessment = models.TextField(
        _("phần III được tạo lúc chỉnh sửa"),
        blank=True,
        help_text=_("Nội dung tự tạo tại thời điểm sửa, để biết số liệu đã đổi sau đó hay chưa."),
    )
    legal_basis = models.TextField(
        _("căn cứ"),
        blank=True,
        help_text=_("Mỗi dòng một đoạn. Để trống: căn cứ mặc định của phong trào."),
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=80, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=80, blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True)
    # Optimistic locking: each save adds one; a save from an older version is refused.
    version = models.PositiveIntegerField(_("phiên bản"), default=0)
    edited_at = models.DateTimeField(_("sửa lúc"), null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người sửa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("báo cáo tổng hợp")
        verbose_name_plural = _("báo cáo tổng hợp")
        ordering = ["movement", "unit__path", "start_year", "end_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["movement", "unit", "start_year", "end_year"],
                name="generated_report_unique",
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="generated_report_years_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.short_name} — {self.start_year}-{self.end_year}"

    @property
    def is_edited(self) -> bool:
        return bool(self.assessment.strip())
