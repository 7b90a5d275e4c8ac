"""Where the page cache (reports.page_cache) keeps its pages as served: files that the server's
workers share, which can neither run code nor stop the server.

`PageFiles`, the backend of settings.CACHES["pages"], is Django's FileBasedCache with its
pickles taken out: a file holds its expiry time and the bytes it was given, and nothing read
from the directory is ever unpickled (FileBasedCache unpickles whatever a file holds, so a file
planted there would run as the server). It also refuses a directory that is not the server
user's own or that others may write: it then raises on every use, which the page cache logs
before rendering the page as without it. The page cache signs what it keeps (an HMAC made with
SECRET_KEY) and checks it before use, so that even a file changed behind the directory's check
is never served. Anything in the directory that is not a file (a stray directory named like a
page) is passed over when the cache is emptied or culled.

`PageRedis`, the backend of the "pages" alias when DJANGO_CACHE_URL is set (settings), is
Django's RedisCache with the same rule: a value is stored as the bytes it is, read back as the
bytes Redis holds, and never unpickled; anything else is refused. Every application server
pointed at that Redis shares its pages.

`generation` (part of every page's key) is the version of the code that renders the pages: a
hash of the project's Python files, templates, compiled catalogues and static manifest, and of
the installed versions of its dependencies (`code_version`). Servers running the same code
share their pages; a page rendered by other code (a deploy, an edited template) is never
answered. gunicorn's master computes it when it starts and on every reload (`renew`) and
hands it to the workers it forks; any other process computes it once, when first asked.
`renew` also empties the files of this server (`PageFiles`), which no other server reads, but
leaves a cache that other servers share (`PageRedis`): the new code's pages have other keys,
and the old ones expire.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
import stat
import struct
import time
import tomllib
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.exceptions import ImproperlyConfigured

# Set by `renew` in gunicorn's master, inherited by the workers it forks afterwards.
GENERATION = "PHONGTRAO_PAGE_GENERATION"
ROOT = Path(__file__).resolve().parent.parent
# What renders a page, under ROOT: (folder, pattern of the files in it and below).
CODE = (
    ("config", "*.py"),
    ("movements", "*.py"),
    ("reports", "*.py"),
    ("templates", "*"),
    ("locale", "*.mo"),
)
_EXPIRY = struct.Struct(">d")  # seconds since the epoch; infinity for no expiry


def generation() -> str:
    """The version of the code the server's workers run (`code_version`): set by gunicorn's
    master when it started or last reloaded, else this process's own, computed once."""
    return os.environ.get(GENERATION) or _process_version()


@functools.cache
def _process_version() -> str:
    return code_version()


def code_version(root: Path = ROOT) -> str:
    """A hash of what renders the pages of the project at `root`: the files of CODE (their
    paths under `root` and their bytes), the static manifest when collectstatic made one, and
    the installed version of each dependency of pyproject.toml. Equal on every server that
    runs the same code; 7–15 ms for the 180 files, measured."""
    digest = hashlib.sha256()
    files = [path for folder, pattern in CODE for path in (root / folder).rglob(pattern)]
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    for path in sorted(p for p in files if p.is_file()):
        digest.update(f"{path.relative_to(root)}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    if manifest.is_file():
        digest.update(_static_names(manifest))
    for name in _dependencies(root):
        digest.update(f"{name}=={_installed(name)}\0".encode())
    return digest.hexdigest()[:32]


def _static_names(manifest: Path) -> bytes:
    """The hashed names of the static files, in order (collectstatic writes them in the order
    it found them on disk, which two servers need not share); a damaged manifest as it is."""
    content = manifest.read_bytes()
    try:
        return json.dumps(sorted(json.loads(content)["paths"].items())).encode()
    except (ValueError, KeyError, TypeError, AttributeError):
        return content


def _dependencies(root: Path) -> list[str]:
    """The names of the project's dependencies in pyproject.toml (extras and versions left)."""
    try:
        with open(root / "pyproject.toml", "rb") as file:
            listed = tomllib.load(file)["project"]["dependencies"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return []
    return [re.split(r"[\s\[<>=!~;]", entry, maxsplit=1)[0] for entry in listed]


def _installed(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def renew(alias: str = "pages") -> None:
    """The code's version for the workers started from now on, then the cache `alias` emptied
    unless other servers share it; raises what the cache raises (an unsafe directory), after
    the version is set."""
    os.environ[GENERATION] = code_version()
    cache = caches[alias]
    if not getattr(cache, "shared_between_servers", False):
        cache.clear()


class UnsafeDirectory(ImproperlyConfigured):
    pass


class PageFiles(FileBasedCache):
    """FileBasedCache for values that are bytes, stored as they are after an 8-byte expiry,
    never pickled; in a directory owned by the server's user and writable by it only."""

    cache_suffix = ".page"

    def _checked(self) -> None:
        """Raise UnsafeDirectory unless the directory belongs to this process's user and no
        one else may write in it (FileNotFoundError when it is gone)."""
        status = os.stat(self._dir)
        if status.st_uid != os.geteuid():
            raise UnsafeDirectory(f"{self._dir} belongs to another user: page cache not used")
        if status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise UnsafeDirectory(
                f"{self._dir} is writable by its group or others: page cache not used"
            )

    def get(self, key, default=None, version=None):
        try:
            self._checked()
            with open(self._key_to_file(key, version), "rb") as file:
                if not self._is_expired(file):
                    return file.read()
        except FileNotFoundError:
            pass
        return default

    def has_key(self, key, version=None):
        return self.get(key, version=version) is not None

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if not isinstance(value, bytes):
            raise TypeError("PageFiles keeps bytes only")
        self._createdir()
        self._checked()
        super().set(key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        value = self.get(key, version=version)
        if value is None:
            return False
        self.set(key, value, timeout, version)
        return True

    def clear(self):
        try:
            self._checked()
        except FileNotFoundError:
            return
        super().clear()

    def _write_content(self, file, timeout, value):
        expiry = self.get_backend_timeout(timeout)
        file.write(_EXPIRY.pack(math.inf if expiry is None else expiry))
        file.write(value)

    def _is_expired(self, file) -> bool:
        header = file.read(_EXPIRY.size)
        expiry = _EXPIRY.unpack(header)[0] if len(header) == _EXPIRY.size else 0
        if not expiry >= time.time():  # a NaN read from a damaged file is expired too
            file.close()
            self._delete(file.name)
            return True
        return False

    def _delete(self, fname):
        """Remove the page file `fname`; anything else under its name (a directory, a file
        that vanished meanwhile) is left and answered False, never raised."""
        try:
            if not stat.S_ISREG(os.lstat(fname).st_mode) or not fname.startswith(self._dir):
                return False
            os.remove(fname)
        except OSError:
            return False
        return True


class BytesSerializer:
    """What PageRedis stores: the bytes it is given as they are (never a pickle), and what
    Redis holds as bytes, never unpickled."""

    def dumps(self, value) -> bytes:
        if not isinstance(value, bytes):
            raise TypeError("PageRedis keeps bytes only")
        return value

    def loads(self, data: bytes) -> bytes:
        return data


class _PageRedisClient(RedisCacheClient):
    def __init__(self, servers, **options):
        options.pop("serializer", None)  # bytes only, whatever OPTIONS say
        super().__init__(servers, serializer=BytesSerializer, **options)


class PageRedis(RedisCache):
    """Django's RedisCache for values that are bytes, stored and read as they are, never
    pickled; shared by every server pointed at the same Redis (so `renew` leaves it)."""

    shared_between_servers = True

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _PageRedisClient

    def incr(self, key, delta=1, version=None):
        raise TypeError("PageRedis keeps bytes only")

    def clear(self) -> bool:
        """Deletes the keys under this cache's KEY_PREFIX only (a SCAN, not FLUSHDB)."""
        client = self._cache.get_client(None, write=True)
        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix) + ":*"
        keys = list(client.scan_iter(match=pattern, count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
        return True
