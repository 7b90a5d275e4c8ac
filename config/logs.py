"""Structured logs on stdout, one JSON object per line: every request (method, path, status,
duration, user, address), every write a request made (who changed what: the history rows and
admin log entries it created) and every error (with its traceback, as one line).

    {"time": "2014-06-25T09:12:03.412+07:00", "level": "INFO", "logger": "phongtrao.request",
     "event": "request", "method": "POST", "path": "/entry/rach-gia/2014/", "status": 302,
     "duration_ms": 48.2, "user": 7, "address": "203.0.113.5"}
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time

from django.apps import apps
from django.db import connection, models
from django.utils import timezone

from config.middleware import client_address

request_log = logging.getLogger("phongtrao.request")
write_log = logging.getLogger("phongtrao.write")

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
TEXT_LIMIT = 200
_INSERT = re.compile(r'\s*INSERT\s+INTO\s+"?([\w.]+)"?', re.IGNORECASE)


class JsonFormatter(logging.Formatter):
    """A record as one JSON line: time, level, logger, event (the message), the record's
    `fields`, and the traceback of an error."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": dt.datetime.fromtimestamp(record.created)
            .astimezone()
            .isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            payload["error"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


def _historical_models() -> list[type[models.Model]]:
    """The history tables of django-simple-history (each has `instance_type`)."""
    return [m for m in apps.get_models() if hasattr(m, "instance_type")]


def _tracked(row: models.Model) -> dict:
    """A history row's own fields (not its history_* ones), long texts left out."""
    values = {}
    for field in row.instance_type._meta.concrete_fields:
        if isinstance(field, models.TextField):
            continue
        value = getattr(row, field.attname, None)
        if isinstance(value, str) and len(value) > TEXT_LIMIT:
            value = value[:TEXT_LIMIT] + "…"
        values[field.attname] = value
    return values


class InsertedTables:
    """A database execute wrapper that notes the tables a request inserted into, so that only
    requests that wrote history look for it."""

    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        match = _INSERT.match(sql)
        if match:
            self.tables.add(match.group(1))
        return execute(sql, params, many, context)


def _changes(user_id: int, since: dt.datetime, tables: set[str]):
    """(model, change +/~/-, reason, values) of what `user_id` wrote in `tables` from `since`:
    history rows, then admin log entries."""
    from django.contrib.admin.models import LogEntry

    for historical in _historical_models():
        if historical._meta.db_table not in tables:
            continue
        rows = historical.objects.filter(history_user_id=user_id, history_date__gte=since)
        for row in rows.order_by("history_date", "history_id"):
            model = row.instance_type._meta.label_lower
            yield model, row.history_type, row.history_change_reason or "", _tracked(row)
    if LogEntry._meta.db_table not in tables:
        return
    entries = LogEntry.objects.filter(user_id=user_id, action_time__gte=since)
    for entry in entries.select_related("content_type").order_by("action_time", "pk"):
        kind = entry.content_type
        yield (
            f"{kind.app_label}.{kind.model}" if kind else "",
            {1: "+", 2: "~", 3: "-"}.get(entry.action_flag, "?"),
            "admin",
            {
                "id": entry.object_id,
                "object": entry.object_repr,
                "message": entry.get_change_message(),
            },
        )


def log_writes(user_id: int, since: dt.datetime, path: str, tables: set[str]) -> int:
    """Log what `user_id` changed from `since` in `tables`: each history row (model, change
    +/~/-, its fields, the reason) and each admin log entry. Returns the lines logged."""
    count = 0
    for model, change, reason, values in _changes(user_id, since, tables):
        fields = {"user": user_id, "path": path, "model": model, "change": change}
        write_log.info("write", extra={"fields": {**fields, "reason": reason, "values": values}})
        count += 1
    return count


class RequestLogMiddleware:
    """First in MIDDLEWARE: times the whole request and logs it, then the writes it made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        since = timezone.now()
        inserted = InsertedTables()
        if request.method in WRITE_METHODS:
            with connection.execute_wrapper(inserted):
                response = self.get_response(request)
        else:
            response = self.get_response(request)
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        request_log.info(
            "request",
            extra={
                "fields": {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user": user_id,
                    "address": client_address(request),
                }
            },
        )
        if user_id is not None and inserted.tables:
            log_writes(user_id, since, request.path, inserted.tables)
        return response
