"""Pages kept for their next identical request, exact because they are keyed by what the
database showed them.

A dashboard or báo cáo is a function of the data, the request (path and query), the user, the
language and the day. On PostgreSQL, a view wrapped by `cached_by_snapshot` reads the data in
one REPEATABLE READ transaction and keys its response by that transaction's snapshot
(`pg_current_snapshot()`): two transactions with the same snapshot see the same rows, and a
snapshot never comes back once any transaction that wrote has ended (committed or rolled back).
So no writer has to announce its change and no page is ever served from before one: the first
request after any write renders again, and repeats of it are answered from the cache.

What the key holds besides the snapshot:
- the database (a snapshot is only meaningful within one cluster and one database);
- the full path with its query string;
- the user's row as this request loaded it (every column: the rights is_active, is_staff,
  is_superuser, the password hash, the name the header shows) and their CSRF secret: the user
  is loaded before the snapshot is taken (`login_required`), so a user changed in between
  would otherwise be answered a page rendered for what they were; their memberships are read
  by the view, inside the snapshot. The CSRF tokens of the logout and language forms are valid
  for that secret only;
- the language and the day (late reports, the open period and export headings follow the day);
- the generation of the server's workers (reports.page_store.generation), renewed whenever
  gunicorn starts or reloads: a page rendered by other templates or code is never answered.

What is kept is bytes, never a pickle: the compressed body and the headers (JSON), after an
HMAC of them and the key made with SECRET_KEY, checked before use; a page that fails the
check is logged and rendered again.

Not kept: other methods than GET, responses other than 200, responses that set cookies,
requests with messages to show, bodies over `MAX_BYTES`, and anything inside an outer
transaction (tests in `TestCase`, where a snapshot would not show their own writes), on
SQLite (no snapshots; the embedded demo renders every time) and, by default, under DEBUG
(settings.PAGE_CACHE). The views wrapped only read. Where the pages are kept: settings.CACHES
"pages" (reports.page_store: files that the server's workers share, in a directory that only
the server may write; config/gunicorn.py empties them on start and on reload).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import zlib
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac

from .page_store import generation

ALIAS = "pages"
logger = logging.getLogger("phongtrao.page_cache")
MAX_BYTES = 1024 * 1024  # before compression; national pages measured 15–183 KB
_SIGNATURE = 32  # bytes of an HMAC-SHA256


def enabled() -> bool:
    return (
        settings.PAGE_CACHE and connection.vendor == "postgresql" and not connection.in_atomic_block
    )


def _key(request, snapshot: str) -> str | None:
    secret = request.META.get("CSRF_COOKIE")
    if not secret:  # the page will make the secret, and must carry tokens made from it
        return None
    database = connection.settings_dict
    parts = (
        database["HOST"],
        str(database["PORT"]),
        database["NAME"],
        snapshot,
        request.get_full_path(),
        _user_row(request.user),
        secret,
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        dt.date.today().isoformat(),
        generation(),
    )
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _user_row(user) -> str:
    """Every column of `user` as this request loaded them (an anonymous user: none)."""
    meta = getattr(user, "_meta", None)
    if meta is None:
        return ""
    return repr([getattr(user, field.attname) for field in meta.concrete_fields])


def _snapshot() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and len(response.content) <= MAX_BYTES
    )


def _signature(key: str, payload: bytes) -> bytes:
    return salted_hmac("reports.page_cache", key.encode() + payload, algorithm="sha256").digest()


def _kept(key: str, response) -> bytes:
    """The response as kept under `key`: its signature, then the length of its headers (JSON),
    the headers and the compressed body."""
    # Compressed: HTML pages shrink 4 to 24 times (183 KB → 22 KB), 64 of them stay a few MB.
    headers = json.dumps(list(response.items())).encode()
    payload = len(headers).to_bytes(4, "big") + headers + zlib.compress(response.content, 1)
    return _signature(key, payload) + payload


def _answer(key: str, kept) -> HttpResponse | None:
    """The response kept under `key`; None (logged) when what the cache returned is not a page
    this server signed for that key."""
    payload = kept[_SIGNATURE:] if isinstance(kept, bytes) else b""
    if not (payload and constant_time_compare(kept[:_SIGNATURE], _signature(key, payload))):
        logger.warning("page cache: a kept page failed its check; rendered again")
        return None
    length = int.from_bytes(payload[:4], "big")
    response = HttpResponse(zlib.decompress(payload[4 + length :]))
    for name, value in json.loads(payload[4 : 4 + length]):
        response[name] = value
    return response


def _cached(operation: str, *args):
    """The cache's `operation` ("get", "set"); a cache that fails (a full disk, a damaged
    file, a directory it cannot make) is logged and passed over: the page is rendered as
    without it."""
    try:
        return getattr(caches[ALIAS], operation)(*args)
    except Exception:  # noqa: BLE001 — whatever the backend raises, the page must not fail
        logger.exception("page cache: %s failed", operation)
        return None


def cached_by_snapshot(view):
    """`view` (GET, reads only) answered from the page cache when the same user asks for the
    same page over the same data; see the module's docstring for the key."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET" or not enabled() or len(messages.get_messages(request)):
            return view(request, *args, **kwargs)
        with transaction.atomic():
            key = _key(request, _snapshot())
            kept = _cached("get", key) if key else None
            answer = _answer(key, kept) if kept is not None else None
            if answer is not None:
                return answer
            response = view(request, *args, **kwargs)
            if key and _storable(response):
                _cached("set", key, _kept(key, response))
        return response

    return wrapper
