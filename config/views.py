"""Views of the site itself, outside both apps: the liveness check, the error pages that show
the reason a view gave when it refused a request, and the password change whose old password is
throttled."""

from urllib.parse import quote

from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import BadRequest, ValidationError
from django.db import connection
from django.http import HttpResponseBadRequest, HttpResponseNotFound, JsonResponse
from django.template import loader
from django.utils.functional import Promise
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    """Liveness and a database round trip; 503 when the database does not answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 — any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _reason(exception) -> str:
    """The message an exception was raised with ("" when none, or not a text: the URL
    resolver's 404 carries a dict of the patterns it tried)."""
    message = exception.args[0] if exception is not None and exception.args else ""
    return str(message) if isinstance(message, str | Promise) else ""


@requires_csrf_token
def bad_request(request, exception):
    """The 400 page, with the reason when a view refused with `BadRequest(reason)`. Django's
    own refusals (SuspiciousOperation: a forged Host header, …) describe the server and stay
    unsaid. Rendered without the request, as Django does: the request is what was wrong."""
    reason = _reason(exception) if isinstance(exception, BadRequest) else ""
    return HttpResponseBadRequest(loader.get_template("400.html").render({"exception": reason}))


@requires_csrf_token
def page_not_found(request, exception):
    """The 404 page, with the reason when a view gave one (`Http404(reason)`)."""
    context = {"request_path": quote(request.path), "exception": _reason(exception)}
    return HttpResponseNotFound(loader.render_to_string("404.html", context, request))


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The old password is checked through authenticate(), so that django-axes counts a wrong
    one as a failed login and, past the limit, refuses further guesses (the lock page)."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if checked is None or checked.pk != self.user.pk:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change with ThrottledPasswordChangeForm."""

    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
