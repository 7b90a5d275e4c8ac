from django.urls import path  # noqa: F401

app_name = "reports"

urlpatterns: list = []


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
