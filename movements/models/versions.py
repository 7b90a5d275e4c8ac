"""Data versions: a counter per unit and one for the tree, bumped by every write in the
writer's own transaction (`movements.services.versions`), read by the page cache
(`reports.page_cache`) to key what it keeps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """`key` is "unit:<id>" (the unit's subtree: its reports, values, totals, report counts,
    the báo cáo edits) or "tree" (everything pages read that is not a unit's data: units,
    periods, movements, indicators, published figures, memberships…); `version` grows by one
    at each write that changes what it covers. A key never written reads as version 0."""

    key = models.CharField(max_length=40, primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("phiên bản dữ liệu")
        verbose_name_plural = _("phiên bản dữ liệu")

    def __str__(self) -> str:
        return f"{self.key}: {self.version}"
