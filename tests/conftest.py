"""The standing cast: the real unit tree of the seed, a secretary of Rạch Giá (unit A), one of
the police youth union (unit B), a provincial reviewer and a viewer; the period open for entry
(`open_period`) and `report_url` for the URLs of a report; the reports of that period and the
marked demo data the outside-in checks watch (`reports_2014`, `world`).

The seed is loaded once for the session, into the test database after its migrations: a test
sees it without loading it (`seed` returns it) and rolls back what it writes; `without_seed`
starts from tables without it. After every database test the stored totals and report tallies
are compared with the values and reports (`_stored_totals_guarded`): a test that writes past
them fails, unless marked `totals_unchecked`.

Tests marked `needs_source` read the source document beside the repository
(`../shared/seed/…`), which a fresh clone does not have: without it they are deselected with one
printed line, unless REQUIRE_SOURCE=1 (as in CI), where they then fail. Tests marked
`postgresql` race real transactions against each other, which only a server database can run
(SQLite allows one writer at a time), or check the page cache, which is keyed by PostgreSQL
snapshots: on SQLite they are deselected with one printed line; CI runs the suite on
PostgreSQL too. Tests marked `libreoffice` convert the Word file with LibreOffice Writer
(`soffice --headless --convert-to pdf`), those marked `libreoffice("calc")` open the CSV exports
with LibreOffice Calc: where the module is not installed they are deselected with one printed
line, unless REQUIRE_LIBREOFFICE=1 (as in CI), where they then fail. Tests of the shared cache
(those using the `shared_redis` fixture) need the machine's Redis: where it does not answer they
are deselected with one printed line, unless REQUIRE_REDIS=1 (as in CI), where they then fail."""

import io
import json
import logging
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, connections
from django.urls import reverse

from config.logs import JsonFormatter
from movements.formatting import format_number
from movements.models import Membership, Movement, Period, Report, Unit, Value
from movements.services.seed import seed_load
from reports.selectors import Subject, indicator_totals
from tests.audit import MARK, MARKED, NOTE
from tests.factories import PASSWORD, demo_loaded, make_report, make_user, totals_kept, year
from tests.shared_redis import URL as REDIS_URL
from tests.shared_redis import redis_answers
from tests.stored_totals import stored_totals_guarded

# Report 44A BC/TĐTN as a text file: the source the seed was written from.
SOURCE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_cfcc1dbad45656df.txt"
_SOURCE_DESELECTED = pytest.StashKey[int]()
_POSTGRESQL_DESELECTED = pytest.StashKey[int]()
_LIBREOFFICE_DESELECTED = pytest.StashKey[int]()
_REDIS_DESELECTED = pytest.StashKey[int]()


# The library of each LibreOffice module a test may need.
_LIBREOFFICE_MODULES = {"writer": "libswlo.so", "calc": "libsclo.so"}


def libreoffice_with(module: str) -> str | None:
    """The `soffice` that has `module` ("writer" opens a .docx, "calc" a .csv), else None."""
    soffice = shutil.which("soffice")
    library = _LIBREOFFICE_MODULES[module]
    if soffice and (Path(os.path.realpath(soffice)).parent / library).exists():
        return soffice
    return None


def libreoffice_writer() -> str | None:
    """The `soffice` that can open a .docx (LibreOffice with its Writer module), else None."""
    return libreoffice_with("writer")


def _libreoffice_missing(item) -> bool:
    """`item` is marked `libreoffice` (Writer) or `libreoffice("calc")`, and that module is
    not installed."""
    marker = item.get_closest_marker("libreoffice")
    return marker is not None and not libreoffice_with(*(marker.args or ("writer",)))


# live_server runs beside Playwright's event loop; plain static files (no manifest) for it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _deselect(config, items, marker: str) -> int:
    chosen = [item for item in items if item.get_closest_marker(marker)]
    if chosen:
        config.hook.pytest_deselected(items=chosen)
        items[:] = [item for item in items if not item.get_closest_marker(marker)]
    return len(chosen)


def pytest_collection_modifyitems(config, items):
    if not (SOURCE.exists() or os.environ.get("REQUIRE_SOURCE") == "1"):
        config.stash[_SOURCE_DESELECTED] = _deselect(config, items, "needs_source")
    if connections["default"].vendor != "postgresql":
        config.stash[_POSTGRESQL_DESELECTED] = _deselect(config, items, "postgresql")
    if os.environ.get("REQUIRE_LIBREOFFICE") != "1":
        missing = [item for item in items if _libreoffice_missing(item)]
        if missing:
            config.hook.pytest_deselected(items=missing)
            gone = set(missing)
            items[:] = [item for item in items if item not in gone]
        config.stash[_LIBREOFFICE_DESELECTED] = len(missing)
    if os.environ.get("REQUIRE_REDIS") != "1":
        needing = [item for item in items if "shared_redis" in getattr(item, "fixturenames", ())]
        if needing and not redis_answers():
            config.hook.pytest_deselected(items=needing)
            gone = set(needing)
            items[:] = [item for item in items if item not in gone]
            config.stash[_REDIS_DESELECTED] = len(needing)


def pytest_report_collectionfinish(config):
    lines = []
    count = config.stash.get(_SOURCE_DESELECTED, 0)
    if count:
        lines.append(
            f"!! {SOURCE} not found: {count} test(s) reading the source document deselected"
            " (REQUIRE_SOURCE=1 runs them)"
        )
    count = config.stash.get(_POSTGRESQL_DESELECTED, 0)
    if count:
        lines.append(
            f"!! not on PostgreSQL: {count} test(s) of races and of the page cache deselected"
            " (DATABASE_URL=postgres://… runs them)"
        )
    count = config.stash.get(_LIBREOFFICE_DESELECTED, 0)
    if count:
        lines.append(
            f"!! LibreOffice Writer or Calc (soffice) not found: {count} test(s) converting the"
            " Word file or opening the CSV deselected (apt-get install -y"
            " libreoffice-writer-nogui libreoffice-calc-nogui; REQUIRE_LIBREOFFICE=1 runs them)"
        )
    count = config.stash.get(_REDIS_DESELECTED, 0)
    if count:
        lines.append(
            f"!! Redis does not answer at {REDIS_URL}: {count} test(s) of the shared cache"
            " deselected (apt-get install -y redis-server; REQUIRE_REDIS=1 runs them)"
        )
    return lines


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many accounts; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as the migrations leave it, with the seed loaded once for the session:
    every test sees the seed's units, movement, indicators and published figures, and rolls
    back what it writes over them. A transactional test (`transaction=True`, `live_server`)
    empties every table when it ends instead; `seed` then loads it again."""
    with django_db_blocker.unblock():
        seed_load()


def _uses_database(item: pytest.Item) -> bool:
    return bool(
        item.get_closest_marker("django_db")
        or {"db", "transactional_db", "live_server"} & set(item.fixturenames)
    )


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or {"transactional_db", "live_server"} & set(item.fixturenames)
    )


@pytest.fixture(autouse=True)
def _stored_totals_guarded(request):
    """A database test that leaves the stored totals or report tallies unequal to the values
    and reports fails, naming the rows (tests/stored_totals.py): a writer that forgets
    `rollup_kept` cannot pass the suite. Checked after the test and its fixtures wrote, before
    its transaction is rolled back or its tables emptied; only when it wrote to what they
    count, or was transactional. Tests that make them wrong on purpose are marked
    `totals_unchecked`."""
    item = request.node
    if item.get_closest_marker("totals_unchecked") or not _uses_database(item):
        yield
        return
    # The database first, so that it is rolled back (or emptied) after the check.
    request.getfixturevalue("db")
    with stored_totals_guarded(always=_transactional(item)):
        yield


@pytest.fixture
def seed(db) -> Movement:
    """The seed: units, movement 3tn, indicators, published figures. Loaded once for the
    session (`django_db_setup`), and again here after a transactional test emptied the
    tables."""
    movement = Movement.objects.filter(code="3tn").first()
    if movement is None:
        seed_load()
        movement = Movement.objects.get(code="3tn")
    return movement


@pytest.fixture
def without_seed(db) -> None:
    """The database without the session's seed: every table of `movements` emptied, in the
    test's transaction (so back after it)."""
    tables = [
        model._meta.db_table
        for model in apps.get_app_config("movements").get_models(include_auto_created=True)
    ]
    with connection.cursor() as cursor:
        for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
            cursor.execute(sql)


@pytest.fixture
def demo(seed) -> Movement:
    """The seed and the demo data loaded (`demo_loaded`: copied back after the first time)."""
    demo_loaded()
    return seed


@pytest.fixture
def units(seed) -> SimpleNamespace:
    """The units by code with dashes as underscores: units.rach_gia, units.cong_an, …"""
    return SimpleNamespace(**{u.code.replace("-", "_"): u for u in Unit.objects.all()})


@pytest.fixture
def cast(units) -> SimpleNamespace:
    """Users: secretary_a (rach-gia), secretary_b (cong-an), reviewer (provincial staff,
    reviewer of kien-giang, is_staff), viewer (of kien-giang), outsider (no membership)."""
    role = Membership.Role
    return SimpleNamespace(
        password=PASSWORD,
        unit_a=units.rach_gia,
        unit_b=units.cong_an,
        province=units.kien_giang,
        secretary_a=make_user("bithu_rachgia", units.rach_gia, role.SECRETARY),
        secretary_b=make_user("bithu_congan", units.cong_an, role.SECRETARY),
        reviewer=make_user("tinhdoan", units.kien_giang, role.REVIEWER, is_staff=True),
        viewer=make_user("lanhdao", units.kien_giang, role.VIEWER),
        outsider=make_user("nguoingoai"),
    )


@pytest.fixture
def open_period(seed) -> Period:
    """The year 2014 (the first after the seed's stage), open for entry."""
    period = year(2014)
    period.open_for_entry = True
    period.save()
    return period


@pytest.fixture
def reports_2014(cast, open_period, seed) -> SimpleNamespace:
    """Rạch Giá's report of the open period, submitted with MARK + 1 and NOTE (cast.report), and
    Công an's draft; returns the cast."""
    report = make_report(
        cast.unit_a, open_period, seed, status=Report.Status.SUBMITTED, values={MARKED: MARK + 1}
    )
    report.highlights = NOTE
    report.save()
    make_report(cast.unit_b, open_period, seed, status=Report.Status.DRAFT, values={MARKED: 3})
    cast.report = report
    return cast


@pytest.fixture
def world(demo, reports_2014) -> SimpleNamespace:
    """The demo data, with figures and notes that only Rạch Giá's reports hold: its approved
    2013 report and its submitted report of the open period (`reports_2014`). Returns the cast,
    with cast.secrets: those figures and notes as a page or file would show them."""
    cast = reports_2014
    rach_gia_2013 = Report.objects.get(unit=cast.unit_a, period=year(2013), movement=demo)
    with totals_kept(Report.objects.filter(pk=rach_gia_2013.pk)):
        Value.objects.filter(report=rach_gia_2013, indicator__code=MARKED).update(value=MARK)
    rach_gia_2013.highlights = NOTE
    rach_gia_2013.save()
    total = indicator_totals(
        subject=Subject.of(movement=demo, unit=cast.unit_a, start_year=2009, end_year=2013)
    )[(MARKED, None, None)]
    cast.secrets = [NOTE]
    for number in (MARK, MARK + 1, total):
        cast.secrets += [format_number(number), str(number)]
    return cast


def report_url(name: str = "report", *, unit: str = "rach-gia", period: str = "2014") -> str:
    """A URL of one unit's report (Rạch Giá's of the open period by default):
    report_url(), report_url("approve"), report_url("xlsx", unit="cong-an", period="2013")."""
    return reverse(f"movements:{name}", kwargs={"unit": unit, "period": period})


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright drives Debian's Chromium; it cannot download its own browsers here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture
def log_lines():
    """The JSON lines logged by the app and by django.request during the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger("phongtrao"), logging.getLogger("django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)
