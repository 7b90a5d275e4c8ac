"""Backup and restore of the whole database, exactly (every row, every timestamp to the
microsecond, sequences included), with the database's own tools: pg_dump's custom format and
pg_restore for PostgreSQL, the online backup API for SQLite. Used by the `backup` and
`restore` commands."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

from config.private_files import private_directory, private_file

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in Vietnamese."""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"Không tìm thấy lệnh {name}: hãy cài công cụ PostgreSQL cùng phiên bản với máy "
            "chủ (Debian/Ubuntu: apt-get install postgresql-client) rồi chạy lại."
        )
    return path


def _pg_arguments() -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump / pg_restore, and their environment (the password)."""
    settings = connection.settings_dict
    arguments = [f"--dbname={settings['NAME']}"]
    if settings.get("HOST"):
        arguments.append(f"--host={settings['HOST']}")
    if settings.get("PORT"):
        arguments.append(f"--port={settings['PORT']}")
    if settings.get("USER"):
        arguments.append(f"--username={settings['USER']}")
    environment = dict(os.environ)
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings["PASSWORD"])
    return arguments, environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} không thành công: {result.stderr.strip()[-2000:]}"
        )


def database_backup(path: Path) -> str:
    """Write the whole database to `path`, readable by its owner only (password hashes,
    sessions); returns what was written, for the command."""
    private_directory(path.parent)
    # Made owner-only (emptied if it was there) before pg_dump or SQLite write into it: they
    # keep a file's mode, and would create a missing one with the umask's.
    os.close(private_file(path, replace=True))
    if connection.vendor == "postgresql":
        arguments, environment = _pg_arguments()
        _run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={path}", *arguments],
            environment,
        )
        return f"PostgreSQL {connection.settings_dict['NAME']} (pg_dump, định dạng custom)"
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return f"SQLite {connection.settings_dict['NAME']} (sao lưu trực tuyến)"
    raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")


def database_restore(path: Path) -> str:
    """Replace the whole database by the backup at `path`; returns what was restored."""
    if not path.is_file():
        raise BackupError(f"Không có tệp sao lưu {path}.")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if connection.vendor == "postgresql":
        if not head.startswith(PG_MAGIC):
            raise BackupError(
                f"{path} không phải bản sao lưu PostgreSQL (pg_dump -Fc) của lệnh backup."
            )
        arguments, environment = _pg_arguments()
        connection.close()
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *arguments,
                str(path),
            ],
            environment,
        )
        return f"PostgreSQL {connection.settings_dict['NAME']}"
    if connection.vendor == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupError(f"{path} không phải bản sao lưu SQLite của lệnh backup.")
        source = sqlite3.connect(path)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
        return f"SQLite {connection.settings_dict['NAME']}"
    raise BackupError(f"Chưa hỗ trợ khôi phục cơ sở dữ liệu {connection.vendor}.")
