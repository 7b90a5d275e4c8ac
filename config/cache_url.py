"""settings.CACHES from DJANGO_CACHE_URL: both caches in Redis (Django's RedisCache), the page
cache as bytes only (reports.page_store.PageRedis). Several servers may be given, separated by
commas: Django writes to the first and reads from the others (its replicas)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

SCHEMES = ("redis", "rediss", "unix")
EXAMPLE = "redis://127.0.0.1:6379/0"
# Seconds to connect and to get an answer: a Redis that is down or hangs costs a request that
# much, then the page is rendered without the cache (reports.page_cache logs it), instead of
# the request waiting for gunicorn's timeout.
PATIENCE = {"socket_connect_timeout": 1, "socket_timeout": 1}


def redis_caches(url: str, prefix: str) -> dict:
    """settings.CACHES in the Redis at `url`, their keys under `prefix`; ImproperlyConfigured,
    saying what is wrong, for a URL that Django's RedisCache cannot use."""
    for server in re.split("[;,]", url):
        checked(server.strip())
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"{prefix}:default",
            "OPTIONS": dict(PATIENCE),
        },
        "pages": {
            "BACKEND": "reports.page_store.PageRedis",  # bytes only, never unpickled
            "LOCATION": url,
            "KEY_PREFIX": f"{prefix}:pages",
            "TIMEOUT": 600,
            "OPTIONS": dict(PATIENCE),
        },
    }


def checked(server: str) -> None:
    parts = urlsplit(server)
    if parts.scheme not in SCHEMES or not (parts.netloc or parts.path):
        shown = re.sub(r"//([^:@/]*):[^@/]*@", r"//\1:***@", server)  # never its password
        raise ImproperlyConfigured(
            "DJANGO_CACHE_URL phải là địa chỉ của một máy chủ Redis, bắt đầu bằng redis://, "
            f"rediss:// hoặc unix:// (ví dụ {EXAMPLE}), không phải {shown!r}"
        )
    try:
        parts.port  # noqa: B018 — raises for a port that is not a number
    except ValueError:
        raise ImproperlyConfigured(
            f"DJANGO_CACHE_URL: cổng (port) phải là một số, ví dụ {EXAMPLE}"
        ) from None
    database = parts.path.strip("/")
    if parts.scheme != "unix" and database and not database.isdigit():
        raise ImproperlyConfigured(
            f"DJANGO_CACHE_URL: số cơ sở dữ liệu Redis sau dấu / phải là một số, ví dụ {EXAMPLE}"
        )
