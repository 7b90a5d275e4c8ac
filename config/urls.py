from django.contrib import admin
from django.urls import include, path

from config.views import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("", include("movements.urls")),
    path("", include("reports.urls")),
]

# The 403 page is Django's own view, which already passes the reason as `exception`.
handler400 = "config.views.bad_request"
handler404 = "config.views.page_not_found"
