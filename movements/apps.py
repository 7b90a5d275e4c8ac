from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MovementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "movements"
    verbose_name = _("Phong trào và số liệu")

    def ready(self):
        # Every save of a unit or a period keeps the stored totals and counts in step.
        from .services import receivers

        receivers.connect()
