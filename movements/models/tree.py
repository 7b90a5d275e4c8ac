"""Changes of the tree as recorded events: a unit created, closed, renamed, moved, merged or
split, on an effective date, by a document (Nghị quyết 60-NQ/TW, 12/4/2025). A unit's validity
and parent follow from the events, applied by `services.tree`; each change keeps the units it
involved (`TreeChangeUnit`) and, for a merge, a split or a move, who succeeds whom and with what
share (`Succession`), the mapping a comparison across the change reads."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history import register

from ..sanitise import validate_line, validate_text
from .units import Unit

# Every save of a unit kept (who, when, what it was): its names, parent and dates before each
# change, the admin's edits too. Its names by effective date are the renames' (`TreeChange`).
register(Unit, app="movements", excluded_fields=["path"])


class TreeChange(models.Model):
    class Kind(models.TextChoices):
        CREATE = "create", _("Thành lập")
        CLOSE = "close", _("Giải thể")
        RENAME = "rename", _("Đổi tên")
        MOVE = "move", _("Chuyển đơn vị cấp trên")
        MERGE = "merge", _("Hợp nhất")
        SPLIT = "split", _("Chia tách")

    kind = models.CharField(_("loại thay đổi"), max_length=8, choices=Kind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    document_number = models.CharField(
        _("số, ký hiệu văn bản"), max_length=60, validators=[validate_line]
    )
    document_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    document_body = models.CharField(
        _("cơ quan ban hành"), max_length=200, blank=True, validators=[validate_line]
    )
    notes = models.TextField(_("ghi chú"), blank=True, validators=[validate_text])
    move_children = models.BooleanField(_("chuyển đơn vị trực thuộc"), default=False)
    # A rename: the names before and after (the unit's dated name history).
    old_name = models.CharField(_("tên cũ"), max_length=200, blank=True)
    old_short_name = models.CharField(_("tên ngắn cũ"), max_length=100, blank=True)
    new_name = models.CharField(_("tên mới"), max_length=200, blank=True)
    new_short_name = models.CharField(_("tên ngắn mới"), max_length=100, blank=True)
    new_parent = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị cấp trên mới"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("lúc nhập"), auto_now_add=True)

    class Meta:
        verbose_name = _("thay đổi cây đơn vị")
        verbose_name_plural = _("thay đổi cây đơn vị")
        ordering = ["effective_date", "pk"]

    def __str__(self) -> str:
        day = self.effective_date
        return f"{self.get_kind_display()} — {day.day}/{day.month}/{day.year} — {self.document}"

    @property
    def document(self) -> str:
        """“60-NQ/TW, 12/4/2025, Ban Chấp hành Trung ương”: what decided the change."""
        parts = [self.document_number]
        if self.document_date:
            parts.append(
                f"{self.document_date.day}/{self.document_date.month}/{self.document_date.year}"
            )
        if self.document_body:
            parts.append(self.document_body)
        return ", ".join(parts)

    @property
    def day_before(self) -> dt.date:
        return self.effective_date - dt.timedelta(days=1)


class TreeChangeUnit(models.Model):
    """A unit a change involved: a source (closed, renamed, moved, merged or split) or a target
    (created, the successor of a move, the unit merged into, a part of a split with its stated
    share)."""

    class Role(models.TextChoices):
        SOURCE = "source", _("đơn vị nguồn")
        TARGET = "target", _("đơn vị đích")

    change = models.ForeignKey(TreeChange, on_delete=models.CASCADE, related_name="parts")
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="tree_parts"
    )
    role = models.CharField(_("vai trò"), max_length=8, choices=Role.choices)
    position = models.PositiveSmallIntegerField(default=0)
    share_percent = models.DecimalField(
        _("tỷ lệ (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    share_members = models.PositiveIntegerField(_("số đoàn viên"), null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị trong thay đổi")
        verbose_name_plural = _("đơn vị trong thay đổi")
        ordering = ["change", "role", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["change", "unit", "role"], name="tree_change_unit_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.unit}"


class Succession(models.Model):
    """`predecessor` continues as `successor` from `change.effective_date`: all of it (a merge,
    a move: share 100 %) or the stated share of it (a split: a percent, members, or both)."""

    change = models.ForeignKey(TreeChange, on_delete=models.CASCADE, related_name="successions")
    predecessor = models.ForeignKey(
        Unit, verbose_name=_("đơn vị trước"), on_delete=models.PROTECT, related_name="successors"
    )
    successor = models.ForeignKey(
        Unit, verbose_name=_("đơn vị kế tục"), on_delete=models.PROTECT, related_name="predecessors"
    )
    effective_date = models.DateField(_("ngày hiệu lực"))
    share_percent = models.DecimalField(
        _("tỷ lệ (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    share_members = models.PositiveIntegerField(_("số đoàn viên"), null=True, blank=True)

    class Meta:
        verbose_name = _("kế tục")
        verbose_name_plural = _("kế tục")
        ordering = ["effective_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["change", "predecessor", "successor"], name="succession_unique"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="succession_not_itself"
            ),
            models.CheckConstraint(
                condition=Q(share_percent__isnull=True)
                | Q(share_percent__gte=0, share_percent__lte=100),
                name="succession_share_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
