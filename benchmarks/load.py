"""A bounded load test of a running server on this machine: simulated users browse the
dashboards while unit secretaries save and submit their reports through the real forms (log
in, GET the form, POST it back with its CSRF token and changed figures).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/phongtrao_load \\
        .venv/bin/python benchmarks/load.py [--url http://127.0.0.1:8000] [--users 50]
        [--duration 60] [--max-requests 100000]

The server must run on the same database (e.g. `make serve` with the same DATABASE_URL and
DJANGO_SECURE_COOKIES=0, after load_seed and load_demo). Before the run the script opens
periods from 2014 on and gives each reporting unit a secretary account (create_account);
after it, it reads every figure it saved back from the database.

Bounded: loopback addresses only (any other host is refused), at most MAX_USERS users,
MAX_DURATION seconds and --max-requests requests; it stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_USERS = 200
MAX_DURATION = 600
PASSWORD = "Mk-9472-kiem-tra-suc-chiu"
FIRST_YEAR = 2014
YEARS = 20  # periods opened for entry: each submission moves a secretary to the next year

_INPUT = re.compile(r"<input\b[^>]*>", re.S)
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


@dataclass
class Results:
    """What every simulated user did, shared by the threads (under `lock`)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    timings: list[tuple[str, float]] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    refused_saves: int = 0
    # (unit code, year) -> {indicator code: value} as last saved successfully
    saved: dict[tuple[str, int], dict[str, int | None]] = field(default_factory=dict)
    requests: int = 0

    def record(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.timings.append((kind, seconds))
            self.statuses[status] += 1
            self.requests += 1


class Stop(Exception):
    """The time or the request budget is spent."""


class Browser:
    """One user's cookies and requests, over plain http.client (no keep-alive: gunicorn's
    sync workers close every connection)."""

    def __init__(self, host: str, port: int, results: Results, budget):
        self.host, self.port = host, port
        self.results = results
        self.budget = budget
        self.cookies: dict[str, str] = {}

    def request(self, kind: str, method: str, path: str, data: dict | None = None):
        self.budget()
        body = urlencode(data, doseq=True) if data is not None else None
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "phongtrao-load"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except OSError as error:
            self.results.record(kind, 0, time.perf_counter() - started)
            with self.results.lock:
                self.results.errors.append(f"{method} {path}: {error}")
            raise
        finally:
            connection.close()
        self.results.record(kind, response.status, time.perf_counter() - started)
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.status >= 500 or response.status in (400, 403, 404, 429):
            with self.results.lock:
                self.results.errors.append(f"{method} {path}: {response.status}")
        return response.status, response.headers, content.decode("utf-8", "replace")

    def log_in(self, username: str) -> None:
        _status, _headers, page = self.request("login", "GET", "/accounts/login/")
        token = form_inputs(page)["csrfmiddlewaretoken"]
        status, _headers, _page = self.request(
            "login",
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        )
        if status != 302:
            raise RuntimeError(f"{username} could not log in ({status})")


def form_inputs(page: str) -> dict[str, str]:
    """name -> value of the enabled <input>s of a page."""
    inputs = {}
    for tag in _INPUT.findall(page):
        attrs = dict(_ATTR.findall(tag))
        if "name" in attrs and " disabled" not in tag and attrs.get("type") != "checkbox":
            inputs[attrs["name"]] = attrs.get("value", "")
    return inputs


def number(text: str) -> int | None:
    digits = text.replace(".", "").strip()
    return int(digits) if digits else None


def dashboard_user(browser: Browser, paths: list[str]) -> None:
    while True:
        browser.request("dashboard", "GET", random.choice(paths))


def secretary(browser: Browser, unit: str, free: dict[str, tuple[int, int]]) -> None:
    """Saves its unit's report of FIRST_YEAR a few times, submits it, goes on to the next
    year; every successful save is recorded as the figures now stored."""
    results = browser.results
    for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
        path = f"/entry/{unit}/{year}/"
        while True:
            status, _headers, page = browser.request("form", "GET", path)
            inputs = form_inputs(page)
            if status != 200 or "version" not in inputs:
                break  # submitted: no longer editable, next year
            data = {k: v for k, v in inputs.items() if k.startswith("v-") or k == "version"}
            data["csrfmiddlewaretoken"] = inputs["csrfmiddlewaretoken"]
            for code in random.sample(sorted(free), k=min(4, len(free))):
                low, high = free[code]
                data[f"v-{code}"] = str(random.randint(low, high))
            submit = random.random() < 0.25
            data["action"] = "submit" if submit else "save"
            data["confirm_unusual"] = "on"
            status, headers, answer = browser.request(
                "submit" if submit else "save", "POST", path, data
            )
            if submit and status == 200 and 'name="blank-' in answer:
                # Asked about the blank figures: every section has nothing more to report.
                data |= {name: "empty" for name in form_inputs(answer) if name[:6] == "blank-"}
                status, headers, _page = browser.request("submit", "POST", path, data)
            if status == 302:
                with results.lock:
                    results.saved[(unit, year)] = {
                        key[2:]: number(value) for key, value in data.items() if key[:2] == "v-"
                    }
            else:
                with results.lock:
                    results.refused_saves += 1
            if submit and status == 302:
                break


def prepare(users: int):
    """Accounts and open periods in the server's database: (secretaries, viewer, free
    indicators, dashboard paths)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from movements.models import Indicator, Membership, Period, Unit

    for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
        period, _created = Period.objects.get_or_create(kind="year", year=year, number=0)
        if not period.open_for_entry:
            period.open_for_entry = True
            period.save()
    os.environ["ACCOUNT_PASSWORD"] = PASSWORD
    units = [u for u in Unit.objects.exclude(parent=None).order_by("path") if u.valid_to is None]
    wanted = min(len(units), users // 2)
    secretaries = []
    for unit in units[:wanted]:
        username = f"taithu-{unit.code}"
        if not Membership.objects.filter(user__username=username, unit=unit).exists():
            call_command("create_account", username, "--unit", unit.code, "--role", "secretary")
        secretaries.append((username, unit.code))
    root = Unit.objects.get(parent=None)
    if not Membership.objects.filter(user__username="taithu-xem").exists():
        call_command("create_account", "taithu-xem", "--unit", root.code, "--role", "viewer")
    indicators = list(Indicator.objects.stored())
    wholes = {i.part_of_id for i in indicators if i.part_of_id}
    free = {}
    for indicator in indicators:
        if indicator.part_of_id or indicator.pk in wholes:
            continue
        low = max(indicator.min_value or 0, 0)
        high = min(indicator.max_value or low + 500, low + 500)
        free[indicator.code] = (low, high)
    codes = [i.code for i in indicators[:12]]
    paths = [
        "/",
        "/compare/",
        *[f"/compare/?indicator={code}" for code in codes],
        *[f"/units/{code}/" for _user, code in secretaries[:8]],
        "/completeness/",
    ]
    return secretaries, "taithu-xem", free, paths


def stored_values(saved: dict) -> dict[tuple[str, int], dict[str, int | None]]:
    from movements.models import Value

    years = {year for _unit, year in saved}
    units = {unit for unit, _year in saved}
    stored: dict[tuple[str, int], dict[str, int | None]] = {key: {} for key in saved}
    rows = Value.objects.filter(
        report__unit__code__in=units, report__period__year__in=years, report__period__kind="year"
    ).values_list("report__unit__code", "report__period__year", "indicator__code", "value")
    for unit, year, code, value in rows:
        if (unit, year) in stored:
            stored[(unit, year)][code] = value
    return stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=100_000)
    args = parser.parse_args()
    target = urlsplit(args.url)
    if target.scheme != "http" or target.hostname not in LOOPBACK:
        parser.error(f"only http on this machine ({', '.join(sorted(LOOPBACK))}), not {args.url}")
    if not 1 <= args.users <= MAX_USERS or not 0 < args.duration <= MAX_DURATION:
        parser.error(f"--users 1–{MAX_USERS}, --duration up to {MAX_DURATION} s")
    host, port = target.hostname, target.port or 80

    secretaries, viewer, free, paths = prepare(args.users)
    results = Results()
    stop = threading.Event()
    deadline = [float("inf")]

    def budget():
        if stop.is_set() or time.monotonic() > deadline[0]:
            raise Stop
        if results.requests >= args.max_requests:
            stop.set()
            raise Stop

    jobs = [(secretary, username, unit) for username, unit in secretaries]
    jobs += [(dashboard_user, viewer, None)] * (args.users - len(jobs))
    browsers = [Browser(host, port, results, budget) for _job in jobs]

    # Log everyone in first (password hashing is slow on purpose; users log in once a day).
    started = time.monotonic()
    for browser, (_work, username, _unit) in zip(browsers, jobs, strict=True):
        browser.log_in(username)
    logins = time.monotonic() - started
    results.timings.clear()
    results.statuses.clear()
    results.requests = 0

    def run(browser, work, username, unit):
        try:
            if unit is None:
                work(browser, paths)
            else:
                work(browser, unit, free)
        except Stop:
            pass
        except Exception as error:  # noqa: BLE001 — counted, the others go on
            with results.lock:
                results.errors.append(f"{username}: {error!r}")

    threads = [
        threading.Thread(target=run, args=(browser, work, username, unit), daemon=True)
        for browser, (work, username, unit) in zip(browsers, jobs, strict=True)
    ]
    started = time.monotonic()
    deadline[0] = started + args.duration
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline[0] + 90 - time.monotonic()))
    stop.set()
    elapsed = time.monotonic() - started

    seconds = sorted(s for _kind, s in results.timings)
    cuts = statistics.quantiles(seconds, n=100) if len(seconds) > 1 else [0.0] * 99
    by_kind = Counter(kind for kind, _s in results.timings)
    print(
        f"server {args.url}, {args.users} users ({len(secretaries)} secretaries), "
        f"{args.duration:.0f} s; {len(browsers)} logins before the run in {logins:.1f} s"
    )
    print(
        f"requests {len(seconds)} in {elapsed:.1f} s: {len(seconds) / elapsed:.1f} requests/s "
        f"({', '.join(f'{k} {n}' for k, n in sorted(by_kind.items()))})"
    )
    print(
        f"latency p50 {cuts[49] * 1000:.0f} ms, p95 {cuts[94] * 1000:.0f} ms, "
        f"p99 {cuts[98] * 1000:.0f} ms, max {seconds[-1] * 1000:.0f} ms"
    )
    print(
        f"statuses {dict(sorted(results.statuses.items()))}; errors {len(results.errors)}; "
        f"saves refused {results.refused_saves}"
    )
    for error in results.errors[:10]:
        print("  error:", error)

    stored = stored_values(results.saved)
    expected = {
        key: {c: v for c, v in values.items() if v is not None}
        for key, values in results.saved.items()
    }
    lost = [key for key in expected if expected[key] != stored[key]]
    figures = sum(len(v) for v in expected.values())
    print(
        f"saved reports checked {len(expected)} ({figures} figures): "
        f"{len(lost)} differ from what was saved last"
    )
    for key in lost[:5]:
        print("  lost:", key, expected[key], stored[key])
    if results.errors or lost:
        sys.exit(1)


if __name__ == "__main__":
    main()
