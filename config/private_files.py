"""Files that hold secrets — the secret key, the SQLite database and its backups (password
hashes, sessions) — readable and writable by their owner only (0600, their directory 0700),
whatever the umask of whoever runs the app."""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


def private_directory(path: Path) -> None:
    """Make the directory `path` (and its parents) if missing, itself owner-only. One that
    exists keeps its mode: whoever made it chose."""
    path.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)


def private_file(path: Path, *, replace: bool) -> int:
    """Open `path` for writing, created owner-only if missing; returns the descriptor. With
    `replace`, a file that was there is emptied and made owner-only as well (a new backup over
    an old one); without, it is left as it is (a database file that exists already)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if replace else 0)
    descriptor = os.open(path, flags, FILE_MODE)
    if replace:
        os.fchmod(descriptor, FILE_MODE)
    return descriptor
