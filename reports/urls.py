from django.urls import path

from . import document_views, views

app_name = "reports"

REPORT = "reports/<str:movement>/<str:unit>/<str:years>/"

urlpatterns = [
    # Dashboards (views.py)
    path("", views.overview, name="overview"),
    path("compare/", views.compare, name="compare"),
    path("units/<slug:code>/", views.unit_detail, name="unit"),
    path("completeness/", views.completeness, name="completeness"),
    # The generated báo cáo (document_views.py); the years are checked by YearRangeForm, so
    # that a bad range gets a message rather than a bare 404.
    path("reports/<slug:movement>/", document_views.document_index, name="document-index"),
    path(REPORT, document_views.document, name="document"),
    path(REPORT + "report.docx", document_views.document_docx, name="document-docx"),
    path(REPORT + "edit/", document_views.document_edit, name="document-edit"),
]
