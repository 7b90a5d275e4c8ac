"""Pages kept and shared by the users who may see the same, forgotten exactly where the data they
show changed: keyed by the data versions (`movements.services.versions`).

A dashboard or báo cáo is a function of the request (path and query), of what the user may see
and do, of the language and the day, of the code, and of the data of a few subtrees and of the
tree. Every write bumps, in its own transaction, the version of each unit above the reports it
touched ("unit:<id>": a unit's version covers its subtree) or the version of the tree (units,
periods, indicators, memberships…). So a view wrapped by `cached_page` declares which units its
page reads (`Depends`: by default the unit the request names, else the root units; the unit
page also its parent, whose other children are its peers; the overview also the units the user
enters for, whose reports its to-do lists), and the page is keyed by:
- the database (versions count within one database), the full path with its query string;
- the access signature: the user's memberships (unit, role), and whether they are active,
  staff and superuser — what every rule of access, the menu and the to-do are computed from
  (the units' paths are in the tree). Not the user: two reviewers of the province share one
  entry, a secretary and the province's reviewer never do;
- the language, the day (late reports, the open period, export headings follow it), whether
  demo data exists (the banner), the version of the code (`reports.page_store.generation`: a
  hash of the code, templates and catalogues, the same on every server running the same code,
  so that servers sharing one Redis share their pages and a page rendered by other templates or
  code is never answered);
- the version of the tree and of each unit the page depends on.
The versions are read first (the tree's before the memberships and units, the units' before the
page's data): on PostgreSQL in the REPEATABLE READ transaction the page is then
rendered in, so that the page shows exactly the data of those versions; on SQLite (where a
transaction would take the write lock) in autocommit, before the page's own reads, so that a
page is never older than the versions it is kept under (a write committed meanwhile shows in
the page and bumps the versions that later requests read).

What is personal is put back into the kept page on each answer: the user's name in the header
and the CSRF tokens of its forms (the menu, the progress link and the to-do follow from the
signature and the versions). The kept page is the body cut at those places (`_GAPS`): the
signature (HMAC, SECRET_KEY), then a JSON head (the headers, what each gap holds, the lengths
of the pieces), then the compressed pieces — bytes, never a pickle; a page that fails the check
is logged and rendered again.

Not kept: other methods than GET, responses other than 200, responses that set cookies,
requests with messages to show, bodies over `MAX_BYTES`, anything inside an outer transaction
(tests in `TestCase`: a page rendered where versions were bumped and may be rolled back would
be kept under versions another write commits later) and, by default, under DEBUG
(settings.PAGE_CACHE). Every answer of a wrapped view says `X-Page-Cache: hit`, `miss` or
`off`. Where the pages are kept: settings.CACHES["pages"] (`reports.page_store`).

A write that bypasses the services and the models' signals (a report or value saved outside
`movements.services.rollups`, a queryset's `update()` of units or periods, raw SQL) must bump
the versions itself (`versions_bump`, `tree_bump`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import re
import zlib
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import Q
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import conditional_escape

from movements.models import Membership, Unit
from movements.selectors import has_demo_data
from movements.services.versions import versions_of

from .page_store import generation

ALIAS = "pages"
HEADER = "X-Page-Cache"
logger = logging.getLogger("phongtrao.page_cache")
MAX_BYTES = 1024 * 1024  # before compression; national pages measured 15–183 KB
_SIGNATURE = 32  # bytes of an HMAC-SHA256

# The personal places of a page: the value of each CSRF token, the name in the header.
_GAPS = re.compile(
    r'name="csrfmiddlewaretoken" value="(?P<csrf>[^"]*)"'
    r'|<a class="username" href="[^"]*" title="[^"]*">(?P<name>[^<]*)</a>'
)


@dataclasses.dataclass(frozen=True)
class Depends:
    """The units whose data a page shows, from the request: `codes(request, **kwargs)` gives
    the units it names (none: the root units); `parent`: also each one's parent (a page that
    compares a unit with its peers); `own`: also the units the user enters figures for (a
    to-do of their reports)."""

    codes: Callable[..., Iterable[str]] = lambda request, **kwargs: ()
    parent: bool = False
    own: bool = False


def enabled() -> bool:
    return settings.PAGE_CACHE and not connection.in_atomic_block


def _signature_and_own(user) -> tuple[str, list[int]]:
    """The access signature of `user` and the units they are secretary of. One query."""
    memberships = sorted(
        Membership.objects.filter(user=user).values_list("unit_id", "role").distinct()
    )
    flags = (user.is_authenticated, user.is_active, user.is_staff, user.is_superuser)
    own = [unit for unit, role in memberships if role == Membership.Role.SECRETARY]
    return repr((flags, memberships)), own


def _dependencies(request, kwargs: dict, depends: Depends, own: list[int]) -> set[int]:
    """The ids of the units the page depends on (`depends`). One query."""
    codes = [code for code in depends.codes(request, **kwargs) if code]
    found = Unit.objects.filter(Q(code__in=codes) if codes else Q(parent__isnull=True))
    ids = set(own)
    for pk, parent in found.values_list("pk", "parent_id"):
        ids.add(pk)
        if depends.parent and parent is not None:
            ids.add(parent)
    return ids


def _key(request, kwargs: dict, depends: Depends) -> str:
    # The tree's version before the memberships and units it covers, the units' versions
    # before the page reads their data: what the key says is never newer than what was read.
    tree = versions_of(())
    signature, own = _signature_and_own(request.user)
    versions = versions_of(_dependencies(request, kwargs, depends, own)) | tree
    database = connection.settings_dict
    parts = (
        connection.vendor,
        str(database["HOST"]),
        str(database["PORT"]),
        str(database["NAME"]),
        request.get_full_path(),
        signature,
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        dt.date.today().isoformat(),
        str(has_demo_data()),
        generation(),
        json.dumps(versions, sort_keys=True),
    )
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _repeatable_read() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and len(response.content) <= MAX_BYTES
    )


def _signature(key: str, payload: bytes) -> bytes:
    return salted_hmac("reports.page_cache", key.encode() + payload, algorithm="sha256").digest()


def _pieces(response) -> tuple[list[bytes], list[str]] | None:
    """The body cut at its personal places: the pieces around them, and what each place
    holds ("csrf", "name"); None for a page whose header does not name the user once."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return [response.content], []
    body = response.content.decode()
    pieces, gaps, start = [], [], 0
    for match in _GAPS.finditer(body):
        gap = match.lastgroup
        pieces.append(body[start : match.start(gap)].encode())
        gaps.append(gap)
        start = match.end(gap)
    pieces.append(body[start:].encode())
    return (pieces, gaps) if gaps.count("name") == 1 else None


def _kept(key: str, response) -> bytes | None:
    """The response as kept under `key`: its signature, then the length of its head (JSON:
    the headers, the gaps, the pieces' lengths), the head and the compressed pieces; None
    when it cannot be kept."""
    cut = _pieces(response)
    if cut is None:
        return None
    pieces, gaps = cut
    head = json.dumps(
        {"headers": list(response.items()), "gaps": gaps, "lengths": [len(p) for p in pieces]}
    ).encode()
    # Compressed: HTML pages shrink 4 to 24 times (183 KB → 22 KB), 64 of them stay a few MB.
    payload = len(head).to_bytes(4, "big") + head + zlib.compress(b"".join(pieces), 1)
    return _signature(key, payload) + payload


def _personal(request, gap: str) -> bytes:
    """What the place `gap` holds for this request's user and browser."""
    if gap == "csrf":
        return get_token(request).encode()
    user = request.user
    return str(conditional_escape(user.get_full_name() or user.get_username())).encode()


def _answer(request, key: str, kept) -> HttpResponse | None:
    """The response kept under `key`, with this request's personal places; None (logged) when
    what the cache returned is not a page this server signed for that key."""
    payload = kept[_SIGNATURE:] if isinstance(kept, bytes) else b""
    if not (payload and constant_time_compare(kept[:_SIGNATURE], _signature(key, payload))):
        logger.warning("page cache: a kept page failed its check; rendered again")
        return None
    length = int.from_bytes(payload[:4], "big")
    head = json.loads(payload[4 : 4 + length])
    body = zlib.decompress(payload[4 + length :])
    parts, start = [], 0
    for size, gap in zip(head["lengths"], [*head["gaps"], None], strict=True):
        parts.append(body[start : start + size])
        start += size
        if gap is not None:
            parts.append(_personal(request, gap))
    response = HttpResponse(b"".join(parts))
    for name, value in head["headers"]:
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


def cached_page(depends: Depends):
    """`view` (GET, reads only, after login) answered from the page cache when a user with the
    same access asks for the same page over the same versions of the data it `depends` on;
    see the module's docstring for the key."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "GET" or not enabled() or len(messages.get_messages(request)):
                response = view(request, *args, **kwargs)
                response[HEADER] = "off"
                return response
            postgresql = connection.vendor == "postgresql"
            with transaction.atomic() if postgresql else contextlib.nullcontext():
                _repeatable_read()
                key = _key(request, kwargs, depends)
                kept = _cached("get", key)
                answer = _answer(request, key, kept) if kept is not None else None
                if answer is not None:
                    answer[HEADER] = "hit"
                    return answer
                response = view(request, *args, **kwargs)
                kept = _kept(key, response) if _storable(response) else None
                if kept is not None:
                    _cached("set", key, kept)
            response[HEADER] = "miss"
            return response

        return wrapper

    return decorate
