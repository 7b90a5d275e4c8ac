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

`renew`, called by gunicorn when it starts and on every reload (`kill -HUP`), empties the
directory and starts a new generation (`generation`, part of every page's key): the workers
forked from then on never read a page kept by the workers before them, even one that an old
worker, finishing its last request, kept after the directory was emptied.
"""

from __future__ import annotations

import math
import os
import secrets
import stat
import struct
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.exceptions import ImproperlyConfigured

# Set by `renew` in gunicorn's master, inherited by the workers it forks afterwards.
GENERATION = "PHONGTRAO_PAGE_GENERATION"
# Without gunicorn (another server, a shell): this process's own, so never a page kept by
# other code.
_PROCESS_GENERATION = secrets.token_hex(16)
_EXPIRY = struct.Struct(">d")  # seconds since the epoch; infinity for no expiry


def generation() -> str:
    """The current generation of the server's workers (a random token made when gunicorn
    started or last reloaded)."""
    return os.environ.get(GENERATION) or _PROCESS_GENERATION


def renew(alias: str = "pages") -> None:
    """A new generation for the workers started from now on, then the cache `alias` emptied;
    raises what the cache raises (an unsafe directory), after the generation is renewed."""
    os.environ[GENERATION] = secrets.token_hex(16)
    caches[alias].clear()


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
