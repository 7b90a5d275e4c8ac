from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from config.views import PasswordChangeView, healthz

# Accounts: log in and out, and change one's own password (its old password throttled like a
# login). No password reset by e-mail: no mail is sent from here; provincial staff set a new
# password for their units' accounts in the admin, and superusers for staff.
accounts = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

urlpatterns = [
    # The admin's own password change is the throttled one above.
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("", include("movements.urls")),
    path("", include("reports.urls")),
]

# The 403 page is Django's own view, which already passes the reason as `exception`.
handler400 = "config.views.bad_request"
handler404 = "config.views.page_not_found"
