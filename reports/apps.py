from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Thống kê và báo cáo")

    def ready(self):
        # Every save of a báo cáo's edit bumps its unit's data version (the page cache).
        from django.db.models.signals import post_delete, post_save

        from .models import GeneratedReport
        from .services import document_changed

        for signal in (post_save, post_delete):
            signal.connect(
                document_changed,
                sender=GeneratedReport,
                dispatch_uid=f"reports.document_changed.{signal is post_save}",
                weak=False,
            )
