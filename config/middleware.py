from django.conf import settings
from django.core.exceptions import BadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    """A strict policy on every page: no inline script, nothing fetched from elsewhere.

    The admin ships inline styles, so style-src is relaxed there only.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = POLICY
        if request.path.startswith("/admin/"):
            policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        response.headers.setdefault("Content-Security-Policy", policy)
        if not settings.DEBUG:
            response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose English with the VI/EN switch (the language cookie set
    by /i18n/setlang/). The browser's Accept-Language is not followed: office PCs often run an
    English Windows whose browser asks for English, while most users read Vietnamese only."""

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
        try:
            code = translation.get_supported_language_variant(code)
        except LookupError:
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


class RefuseNullCharactersMiddleware:
    """A NUL character in the path, the query string or a cookie (a forged session id) is never
    meant: answer 400 (the Vietnamese 400 page) before any view sends it to the database, which
    PostgreSQL refuses with an error. Form fields refuse NUL themselves (Django's validator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        texts = [request.path, *request.COOKIES.values()]
        for key, values in request.GET.lists():
            texts += [key, *values]
        if any("\x00" in text for text in texts):
            raise BadRequest(gettext("Địa chỉ hoặc cookie gửi lên có ký tự NUL, không dùng được."))
        return self.get_response(request)
