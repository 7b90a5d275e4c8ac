"""The judge of the deadline-day goals: a bounded load test of a running server on this
machine with the mix users really make. About 20 % of the users' actions are writes (unit
secretaries save and submit their own unit's report through the real entry form: GET it, POST
it back with its CSRF token and changed figures) and 80 % dashboard views of the scopes the
users really have:

- province reviewers: the province's overview, /compare/ (a few indicators), completeness,
  the báo cáo of the stage and /review/;
- secretaries: their unit's overview (/?unit=…), their unit page and their entry list;
- a central viewer, where the tree has a root above the provinces: the central overview,
  /compare/ and completeness.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/phongtrao_load \\
        .venv/bin/python benchmarks/load.py [--url http://127.0.0.1:8000] [--users 50]
        [--duration 60] [--max-requests 100000] [--writes 0.2]

The server must run on the same database (e.g. `make serve` with the same DATABASE_URL and
DJANGO_SECURE_COOKIES=0, after load_seed and load_demo). Before the run the script opens
periods from 2014 on and gives each reporting unit a secretary account and the root a reviewer
(create_account); after it, it reads every figure it saved back from the database.

It prints requests/s, p50/p95/p99 per page kind, errors, saves refused and lost (read back),
the page cache's answers (the `X-Page-Cache: hit|miss|off` header, "n/a" where a response
has none) and the machine's load average before and after the run.

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
YEARS = 20  # years opened for entry: each submission moves a secretary to the next period
NUMBERS = {"year": [0], "half": [1, 2], "quarter": [1, 2, 3, 4]}  # a year's periods by kind

_INPUT = re.compile(r"<input\b[^>]*>", re.S)
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


@dataclass
class Results:
    """What every simulated user did, shared by the threads (under `lock`)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    timings: list[tuple[str, float]] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    # (page kind, X-Page-Cache header or "n/a") -> responses
    cache: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    refused_saves: int = 0
    # (unit code, period code) -> {indicator code: value} as last saved successfully
    saved: dict[tuple[str, str], dict[str, int | None]] = field(default_factory=dict)
    requests: int = 0
    actions: Counter = field(default_factory=Counter)  # "write" / "view" -> actions begun

    def record(self, kind: str, status: int, seconds: float, cache: str = "n/a") -> None:
        with self.lock:
            self.timings.append((kind, seconds))
            self.statuses[status] += 1
            self.cache[(kind, cache)] += 1
            self.requests += 1

    def next_action(self, share: float) -> str:
        """ "write" while writes are below `share` of the actions begun so far, else "view":
        the mix holds whatever the pages' latencies."""
        with self.lock:
            total = sum(self.actions.values())
            action = "write" if self.actions["write"] < share * (total + 1) else "view"
            self.actions[action] += 1
            return action

    def clear(self) -> None:
        with self.lock:
            self.timings.clear()
            self.statuses.clear()
            self.cache.clear()
            self.actions.clear()
            self.requests = 0


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
        cache = response.headers.get("X-Page-Cache", "n/a")
        self.results.record(kind, response.status, time.perf_counter() - started, cache)
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


@dataclass
class User:
    """One simulated user: whom it logs in as, the pages of its scope (kind -> paths), and for
    a secretary the unit whose report it saves."""

    username: str
    pages: dict[str, list[str]]
    unit: str | None = None


def user_run(browser: Browser, user: User, work: Work, share: float):
    """Views pages of the user's scope; a secretary writes whenever the writes are below
    `share` of all the users' actions (and views once every open period is submitted)."""
    writes = secretary_writes(browser, user.unit, work) if user.unit else None
    while True:
        if writes is not None and browser.results.next_action(share) == "write":
            if next(writes, "done") == "done":
                writes = None
            continue
        if writes is None:
            browser.results.next_action(0.0)
        kind = random.choice(sorted(user.pages))  # each kind of page as often
        browser.request(kind, "GET", random.choice(user.pages[kind]))


def secretary_writes(browser: Browser, unit: str, work: Work):
    """One write per step: saves its unit's report of the first open period (a quarter of the
    saves submit it), then the next period's; every successful save is recorded as the
    figures now stored. A report already submitted is skipped (its form has no version)."""
    results, free = browser.results, work.free
    for period in work.periods:
        path = f"/entry/{unit}/{period}/"
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
            status, _headers, answer = browser.request(
                "submit" if submit else "save", "POST", path, data
            )
            if submit and status == 200 and 'name="blank-' in answer:
                # Asked about the blank figures: every section has nothing more to report.
                data |= {name: "empty" for name in form_inputs(answer) if name[:6] == "blank-"}
                status, _headers, _page = browser.request("submit", "POST", path, data)
            if status == 302:
                with results.lock:
                    results.saved[(unit, period)] = {
                        key[2:]: number(value) for key, value in data.items() if key[:2] == "v-"
                    }
            else:
                with results.lock:
                    results.refused_saves += 1
            yield
            if submit and status == 302:
                break


def ensure_account(username: str, unit_code: str, role: str) -> None:
    from django.core.management import call_command

    from movements.models import Membership

    if not Membership.objects.filter(user__username=username, unit__code=unit_code).exists():
        call_command("create_account", username, "--unit", unit_code, "--role", role)


@dataclass(frozen=True)
class Work:
    """What the secretaries write: the open periods (codes, in order: "2014", "2014-Q1") with
    their ids, and the indicators a save may change with their bounds."""

    periods: dict[str, int]
    free: dict[str, tuple[int, int]]


def prepare(users: int) -> tuple[list[User], Work]:
    """Accounts and open periods of the movement's entry kind in the server's database: the
    simulated users (secretaries first, then reviewers and a central viewer) and their work."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from movements.models import Indicator, Movement, Period, Stage, Unit

    movement = Movement.objects.default()
    periods = {}
    for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
        for n in NUMBERS[movement.period_kind]:
            period, _created = Period.objects.get_or_create(
                kind=movement.period_kind, year=year, number=n
            )
            if not period.open_for_entry:
                period.open_for_entry = True
                period.save()
            periods[period.code] = period.pk
    os.environ["ACCOUNT_PASSWORD"] = PASSWORD
    root = Unit.objects.get(parent=None)
    # A root with provinces under it is central (bench_pages' trees); the demo's root is the
    # province. Kiên Giang first: the seed's province, whose units the demo fills.
    provinces = sorted(
        Unit.objects.filter(parent=root, kind=Unit.Kind.PROVINCE),
        key=lambda u: (u.code != "kien-giang", u.path),
    ) or [root]
    stage = Stage.objects.filter(movement=movement).order_by("first_year").first()
    indicators = list(Indicator.objects.stored())
    codes = [i.code for i in indicators[:6]]
    compare = ["/compare/", *(f"/compare/?indicator={code}" for code in codes)]

    people: list[User] = []
    reporting = [
        u
        for u in Unit.objects.filter(path__startswith=provinces[0].path)
        .exclude(pk=provinces[0].pk)
        .order_by("path")
        if u.valid_to is None
    ]
    for unit in reporting[: min(len(reporting), users // 2)]:
        username = f"taithu-{unit.code}"
        ensure_account(username, unit.code, "secretary")
        pages = {
            "unit-overview": [f"/?unit={unit.code}"],
            "unit": [f"/units/{unit.code}/"],
            "entry": ["/entry/"],
        }
        people.append(User(username, pages, unit.code))
    reviewers = []
    for province in provinces[:4]:
        username = f"taithu-duyet-{province.code}"
        ensure_account(username, province.code, "reviewer")
        # A reviewer's pages open on its own province by default.
        report = f"/reports/{movement.code}/{province.code}/{stage.first_year}-{stage.last_year}/"
        pages = {
            "overview": ["/"],
            "compare": compare,
            "completeness": ["/completeness/"],
            "report": [report],
            "review": ["/review/"],
        }
        reviewers.append(User(username, pages))
    if root not in provinces:
        ensure_account("taithu-xem", root.code, "viewer")
        central = {
            "central": ["/"],
            "central-compare": compare,
            "central-completeness": ["/completeness/"],
        }
        reviewers.append(User("taithu-xem", central))
    people += [reviewers[i % len(reviewers)] for i in range(users - len(people))]
    free = {}
    wholes = {i.part_of_id for i in indicators if i.part_of_id}
    for indicator in indicators:
        if indicator.part_of_id or indicator.pk in wholes:
            continue
        low = max(indicator.min_value or 0, 0)
        high = min(indicator.max_value or low + 500, low + 500)
        free[indicator.code] = (low, high)
    return people, Work(periods=periods, free=free)


def stored_values(saved: dict, periods: dict[str, int]) -> dict[tuple[str, str], dict]:
    """What the database holds of the saved reports: (unit, period code) -> {code: value}."""
    from movements.models import Movement, Value

    codes = {pk: code for code, pk in periods.items()}
    units = {unit for unit, _period in saved}
    stored: dict[tuple[str, str], dict[str, int | None]] = {key: {} for key in saved}
    rows = Value.objects.filter(
        report__unit__code__in=units,
        report__period_id__in=[periods[p] for _unit, p in saved],
        report__movement=Movement.objects.default(),
    ).values_list("report__unit__code", "report__period_id", "indicator__code", "value")
    for unit, period_id, code, value in rows:
        if (unit, codes[period_id]) in stored:
            stored[(unit, codes[period_id])][code] = value
    return stored


WRITES = {"form", "save", "submit"}


def percentiles(seconds: list[float]) -> str:
    seconds = sorted(seconds)
    if len(seconds) > 1:
        cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    else:
        cuts = seconds * 99
    return " ".join(f"{cuts[p - 1] * 1000:>6.0f}" for p in (50, 95, 99)) + (
        f" {seconds[-1] * 1000:>6.0f}"
    )


def cache_words(counts: Counter) -> str:
    """hit/miss/off counts and the hit rate over hits and misses; "n/a" without the header."""
    answered = counts["hit"] + counts["miss"]
    if not answered and not counts["off"]:
        return "n/a"
    rate = f"{100 * counts['hit'] / answered:.0f} % hit" if answered else "-"
    return f"{rate} ({counts['hit']} hit, {counts['miss']} miss, {counts['off']} off)"


def print_timings(results: Results, elapsed: float) -> None:
    """Throughput, the mix, and p50/p95/p99/max and the page cache's answers per page kind."""
    by_kind: dict[str, list[float]] = {}
    for kind, seconds in results.timings:
        by_kind.setdefault(kind, []).append(seconds)
    total = len(results.timings)
    writes = sum(len(v) for k, v in by_kind.items() if k in WRITES)
    actions = results.actions
    print(
        f"requests {total} in {elapsed:.1f} s: {total / elapsed:.1f} requests/s; "
        f"actions {actions['write']} writes, {actions['view']} views "
        f"({100 * actions['write'] / max(1, sum(actions.values())):.0f} % writes; "
        f"{writes} of the requests are the entry form's GET and POST)"
    )
    print(f"{'page kind':<22} {'n':>5}   p50    p95    p99    max (ms)  page cache")
    views: Counter = Counter()
    for kind in sorted(by_kind):
        counts = Counter({c: n for (k, c), n in results.cache.items() if k == kind})
        if kind not in WRITES:
            views += counts
        print(
            f"{kind:<22} {len(by_kind[kind]):>5} {percentiles(by_kind[kind])}  "
            f"{cache_words(counts)}"
        )
    every = [s for _kind, s in results.timings]
    if every:
        print(f"{'all':<22} {total:>5} {percentiles(every)}  views: {cache_words(views)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--writes", type=float, default=0.2, help="share of writes (0–1)")
    args = parser.parse_args()
    target = urlsplit(args.url)
    if target.scheme != "http" or target.hostname not in LOOPBACK:
        parser.error(f"only http on this machine ({', '.join(sorted(LOOPBACK))}), not {args.url}")
    if not 1 <= args.users <= MAX_USERS or not 0 < args.duration <= MAX_DURATION:
        parser.error(f"--users 1–{MAX_USERS}, --duration up to {MAX_DURATION} s")
    if not 0 <= args.writes <= 1:
        parser.error("--writes 0–1")
    host, port = target.hostname, target.port or 80

    users, work = prepare(args.users)
    results = Results()
    stop = threading.Event()
    deadline = [float("inf")]

    def budget():
        if stop.is_set() or time.monotonic() > deadline[0]:
            raise Stop
        if results.requests >= args.max_requests:
            stop.set()
            raise Stop

    browsers = [Browser(host, port, results, budget) for _user in users]

    # Log everyone in first (password hashing is slow on purpose; users log in once a day).
    started = time.monotonic()
    for browser, user in zip(browsers, users, strict=True):
        browser.log_in(user.username)
    logins = time.monotonic() - started
    results.clear()

    def run(browser, user):
        try:
            user_run(browser, user, work, args.writes)
        except Stop:
            pass
        except Exception as error:  # noqa: BLE001 — counted, the others go on
            with results.lock:
                results.errors.append(f"{user.username}: {error!r}")

    threads = [
        threading.Thread(target=run, args=(browser, user), daemon=True)
        for browser, user in zip(browsers, users, strict=True)
    ]
    load_before = os.getloadavg()
    started = time.monotonic()
    deadline[0] = started + args.duration
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline[0] + 90 - time.monotonic()))
    stop.set()
    elapsed = time.monotonic() - started
    load_after = os.getloadavg()

    secretaries = sum(1 for user in users if user.unit)
    print(
        f"server {args.url}, {args.users} users ({secretaries} secretaries), "
        f"{args.duration:.0f} s; {len(browsers)} logins before the run in {logins:.1f} s"
    )
    print(
        "load average (1, 5, 15 min) before "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after "
        + ", ".join(f"{x:.2f}" for x in load_after)
    )
    print_timings(results, elapsed)
    print(
        f"statuses {dict(sorted(results.statuses.items()))}; errors {len(results.errors)}; "
        f"saves refused {results.refused_saves}"
    )
    for error in results.errors[:10]:
        print("  error:", error)

    stored = stored_values(results.saved, work.periods)
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
