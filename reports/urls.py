from django.urls import path  # noqa: F401

from . import views as dashboard_views

app_name = "reports"

urlpatterns: list = []

urlpatterns += [
    path("", dashboard_views.overview, name="overview"),
    path("compare/", dashboard_views.compare, name="compare"),
    path("units/<slug:code>/", dashboard_views.unit_detail, name="unit"),
    path("completeness/", dashboard_views.completeness, name="completeness"),
]

# The generated báo cáo (reports/document_views.py).
from . import document_views  # noqa: E402

urlpatterns += [
    path("reports/<slug:movement>/", document_views.document_index, name="document-index"),
    path(
        "reports/<str:movement>/<str:unit>/<str:years>/",
        document_views.document,
        name="document",
    ),
    path(
        "reports/<str:movement>/<str:unit>/<str:years>/report.docx",
        document_views.document_docx,
        name="document-docx",
    ),
    path(
        "reports/<str:movement>/<str:unit>/<str:years>/edit/",
        document_views.document_edit,
        name="document-edit",
    ),
]
