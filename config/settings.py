"""Settings for Phong trào, read from environment variables with safe local defaults."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.cache_url import redis_caches
from config.private_files import private_directory, private_file

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def secret_key() -> str:
    """DJANGO_SECRET_KEY, else a key made once for this checkout in var/secret-key (readable by
    its owner only): a local run needs no setting, and sessions outlive a restart. Made in a
    temporary file and linked into place, so that workers starting together share one key."""
    key = os.environ.get("DJANGO_SECRET_KEY", "").strip()
    if key:
        return key
    path = BASE_DIR / "var" / "secret-key"
    if not path.exists():
        private_directory(path.parent)
        draft = path.with_name(f".secret-key-{os.getpid()}")
        with os.fdopen(private_file(draft, replace=True), "w") as out:
            out.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


# Production by default; DJANGO_DEBUG=1 for Django's debug pages while developing.
DEBUG = env_bool("DJANGO_DEBUG", False)
# The test suite (pytest sets PYTEST_VERSION) runs like `make run`: plain http, static files
# found without collectstatic.
TESTING = "PYTEST_VERSION" in os.environ
SECRET_KEY = secret_key()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "movements",
    "reports",
]

MIDDLEWARE = [
    "config.logs.RequestLogMiddleware",  # first: times and logs every request, and its writes
    "config.middleware.SecurityHeadersMiddleware",  # its headers go on every response
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, compressed at collectstatic
    # Pages gzip-compressed (below WhiteNoise, which answers static requests itself with its
    # precompressed .br/.gz files; above every middleware that reads or changes the body).
    # BREACH: Django ≥ 4.2 pads each gzip response with random bytes, and CSRF tokens are
    # masked per response, so a secret does not leak through the compressed length.
    "django.middleware.gzip.GZipMiddleware",
    # Before the session: a forged session id with NUL would reach the database first.
    "config.middleware.RefuseNullCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",  # LocaleMiddleware without Accept-Language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "movements.context_processors.demo_notice",
                "movements.context_processors.progress_link",
                "movements.context_processors.menu",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DEFAULT_DATABASE_URL = f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        conn_max_age=60,
        # A connection kept between requests is checked before reuse: after a database
        # restart the next request reconnects instead of failing with a 500.
        conn_health_checks=True,
    )
}


def sqlite_file(name: str) -> None:
    """The SQLite database file (password hashes, sessions) and its directory made owner-only
    when missing, before SQLite creates them with the umask's mode (its -wal and -shm files
    take the database's). One that exists keeps its mode; in-memory databases are left."""
    if name.startswith("file:") or name in ("", ":memory:"):
        return
    path = Path(name)
    if not path.exists():
        private_directory(path.parent)
        os.close(private_file(path, replace=False))


if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    sqlite_file(str(DATABASES["default"]["NAME"]))
    # One writer at a time, the others wait for it: every transaction takes the write lock when
    # it begins (a deferred one that reads first and then writes cannot wait, and fails at once
    # with "database is locked"), waiting up to 20 s (below gunicorn's 30 s timeout). WAL: the
    # readers read while someone writes; NORMAL: a commit survives a crash of the app, the
    # last ones may be lost to a power cut (synced at each checkpoint, not at each commit).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),  # those in DATABASE_URL (?timeout=3) win
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Dashboards and the báo cáo answer a repeated request from the page cache (reports.page_cache),
# shared by the users of the same access, keyed by the data versions every write bumps. Files
# in DJANGO_PAGE_CACHE_DIR, shared by the server's workers: PAGE_CACHE_ENTRIES
# pages (compressed, from at most 1 MB each) for 10 minutes; gunicorn empties it when it starts
# or reloads (config/gunicorn.py), so that a deploy's templates show at once. Tests keep them in
# memory. With DJANGO_CACHE_URL, in Redis instead (CACHES below), shared by every server.
# Off under DEBUG: an edited template would not show until the next write.
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", not DEBUG)
PAGE_CACHE_DIR = os.environ.get("DJANGO_PAGE_CACHE_DIR") or str(BASE_DIR / "var" / "page-cache")
# DJANGO_CACHE_URL (redis://host:6379/0, rediss:// with TLS, unix:///path.sock?db=0): both
# caches in that Redis, shared by every application server pointed at it (a second server is
# this one setting, with the same DATABASE_URL and DJANGO_SECRET_KEY); a URL Redis cannot use
# stops the start, saying why (config/cache_url.py). Their keys start with
# DJANGO_CACHE_KEY_PREFIX ("phongtrao"), so that one Redis can serve other applications too.
CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "").strip()
if CACHE_URL:
    CACHES = redis_caches(CACHE_URL, os.environ.get("DJANGO_CACHE_KEY_PREFIX") or "phongtrao")
else:  # the embedded default: one server's files (memory for the test suite)
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": (
                "django.core.cache.backends.locmem.LocMemCache"
                if TESTING
                else "reports.page_store.PageFiles"  # bytes only, in a directory none but us writes
            ),
            "LOCATION": "pages" if TESTING else PAGE_CACHE_DIR,
            "TIMEOUT": 600,
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("DJANGO_PAGE_CACHE_ENTRIES", "64"))},
        },
    }

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Behind a reverse proxy (nginx, a TLS terminator), the number of proxies in front of the app
# that append the client's address to X-Forwarded-For; 0 (none): REMOTE_ADDR is the client,
# and the header, which anyone can send, is ignored (config.middleware.client_address).
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))

# Login throttling (django-axes, config.security): AXES_FAILURE_LIMIT wrong passwords for one
# user name from one address lock that pair — the real user, elsewhere, still gets in;
# AXES_ADDRESS_FAILURE_LIMIT from one address across user names lock the address. Both for
# AXES_COOLOFF_TIME; the old password of the password change form counts too.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "30"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]  # in this order
AXES_HANDLER = "config.security.LoginThrottleHandler"
AXES_CLIENT_IP_CALLABLE = "config.middleware.client_address"
AXES_COOLOFF_TIME = 0.25  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served by WhiteNoise, hashed and compressed by `collectstatic` (make run and make serve run
# it). Plain names, found in the app folders without collectstatic, with DEBUG and for the test
# suite (live_server serves them), or with DJANGO_PLAIN_STATIC=1.
PLAIN_STATIC = env_bool("DJANGO_PLAIN_STATIC", DEBUG or TESTING)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if PLAIN_STATIC
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads (Excel files) are small; refuse anything large before it reaches a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_UPLOAD_SIZE = 2 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
# A working day: a session ends when the browser closes, and in any case
# DJANGO_SESSION_HOURS (9) after login; a shared office PC does not stay logged in overnight.
SESSION_COOKIE_AGE = int(float(os.environ.get("DJANGO_SESSION_HOURS", "9")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Production is served over https unless DJANGO_SECURE_COOKIES=0 (a plain-http intranet, and
# `make run` on 127.0.0.1): secure cookies, http redirected to https (not the health check),
# and HSTS for DJANGO_HSTS_SECONDS (one hour by default; raise it once https is known to work).
# DEBUG and the test suite (whose client speaks plain http) default to plain http.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", SESSION_COOKIE_SECURE)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_HSTS_SECONDS", "3600" if SECURE_SSL_REDIRECT else "0")
)
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (DJANGO_PROXY_HTTPS=1).
if env_bool("DJANGO_PROXY_HTTPS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# `check --deploy` warnings left on purpose:
# - security.W005 (HSTS for subdomains): the app is usually one host of the organisation's
#   domain; forcing https on every other host of that domain is not this app's decision.
# - security.W021 (HSTS preload): preloading binds every subdomain for months and cannot be
#   taken back quickly; it belongs to whoever runs the domain, not to this app's settings.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap4.html"

# One JSON line per request, per write (who changed what) and per error, on stdout
# (config.logs); DJANGO_LOG_LEVEL for everything else (WARNING).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.logs.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "loggers": {
        "phongtrao": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
