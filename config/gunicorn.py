"""gunicorn settings for `make serve` (and `make run`), read from the environment:

    GUNICORN_BIND          127.0.0.1:8000
    GUNICORN_WORKERS       2 × cores + 1 (5 on two cores)
    GUNICORN_THREADS       1 (sync workers)
    GUNICORN_TIMEOUT       30 s: a worker stuck longer is killed and replaced
    GUNICORN_MAX_REQUESTS  1000 requests, then the worker is recycled (± 10% jitter, so that
                           workers do not all restart together)

Request logs come from the app (config.logging, one JSON line per request on stdout); gunicorn
logs its own events (workers started, killed) on stderr. On start and on every reload
(`kill -HUP`), the version of the code on disk is computed for the workers forked from then on
(part of every page's key: servers running the same code share their pages, other code never
reads them), and the page cache's files of this server are emptied; a cache that other servers
share (Redis, DJANGO_CACHE_URL) is left as it is (`on_starting`, `on_reload`;
reports.page_store).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = timeout
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10
limit_request_line = 8190
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
wsgi_app = "config.wsgi:application"


def on_starting(server):
    """The code's version for the workers, and this server's page files emptied: the pages kept
    there were rendered by the code that ran before this start, which may differ."""
    _renew_page_cache(server)


def on_reload(server):
    """As on start: a reload (`kill -HUP`) forks new workers, which load the code and its
    templates again from disk; none of them may answer a page that other code rendered, and
    the version is computed anew for them."""
    _renew_page_cache(server)


def _renew_page_cache(server):
    # Whatever the cache holds or lacks, the server starts: a cache that cannot be emptied is
    # logged, and the version is set before (reports.page_store.renew).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        from reports.page_store import renew

        renew()
    except Exception:  # noqa: BLE001 — the server must start whatever the cache raises
        server.log.exception("page cache: not emptied")
