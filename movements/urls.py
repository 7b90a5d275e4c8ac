from django.urls import path

from . import views

app_name = "movements"

REPORT = "entry/<slug:unit>/<str:period>/"

urlpatterns = [
    path("entry/", views.entry_list, name="entry"),
    path(REPORT, views.report_page, name="report"),
    path(REPORT + "approve/", views.report_approve, name="approve"),
    path(REPORT + "return/", views.report_return, name="return"),
    path(REPORT + "reopen/", views.report_reopen, name="reopen"),
    path(REPORT + "history/", views.report_history, name="history"),
    path(REPORT + "follow-up/", views.follow_up, name="follow-up"),
    path(REPORT + "xlsx/", views.report_xlsx, name="xlsx"),
    path(REPORT + "xlsx/upload/", views.report_xlsx_upload, name="xlsx-upload"),
    path(REPORT + "xlsx/confirm/", views.report_xlsx_confirm, name="xlsx-confirm"),
    path("review/", views.review, name="review"),
    path("review/checks/", views.checks, name="checks"),
    path("review/<str:period>/xlsx/", views.province_xlsx, name="province-xlsx"),
    path(
        "review/<str:period>/xlsx/upload/",
        views.province_xlsx_upload,
        name="province-xlsx-upload",
    ),
    path(
        "review/<str:period>/xlsx/confirm/",
        views.province_xlsx_confirm,
        name="province-xlsx-confirm",
    ),
]
