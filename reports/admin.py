from django.contrib import admin

from movements.admin import HistoryAdmin

from .models import GeneratedReport


@admin.register(GeneratedReport)
class GeneratedReportAdmin(HistoryAdmin):
    unit_field = "unit"  # the báo cáo of a unit: its province's staff manage it
    list_display = [
        "unit",
        "movement",
        "start_year",
        "end_year",
        "number",
        "edited_by",
        "edited_at",
    ]
    list_filter = ["movement", "start_year", "end_year"]
    search_fields = ["unit__name", "unit__code", "number"]
    list_select_related = ["unit", "movement", "edited_by"]
    raw_id_fields = ["unit", "edited_by"]
    readonly_fields = ["generated_assessment", "version", "edited_at", "edited_by"]
