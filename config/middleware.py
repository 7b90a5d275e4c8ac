import ipaddress

from django.conf import settings
from django.core.exceptions import BadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """The security headers on every response, placed first in MIDDLEWARE so that it also
    sees the responses other middleware make from an exception (a bad Host or a NUL character
    answers 400 before any view, and a middleware's own failure 500): a strict
    Content-Security-Policy (no inline script, nothing fetched from elsewhere; the admin's
    inline styles allowed there only), no framing, no MIME sniffing, the referrer kept to
    this site. Pages for a logged-in user and every download are not to be stored by the
    browser or a proxy: they hold a unit's figures (Cache-Control: no-store)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = POLICY
        if request.path.startswith("/admin/"):
            policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        user = getattr(request, "user", None)
        download = headers.get("Content-Disposition", "").startswith("attachment")
        if download or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
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


def client_address(request) -> str:
    """REMOTE_ADDR; behind PROXY_COUNT declared proxies (DJANGO_PROXY_COUNT), the address the
    outermost of them saw, which it appended to X-Forwarded-For: the PROXY_COUNT-th entry from
    the right. Anything further left was written by the client and is never believed; a
    request with fewer entries did not pass through the proxies and keeps REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote
