"""The standing cast: the real unit tree of the seed, a secretary of Rạch Giá (unit A), one of
the police youth union (unit B), a provincial reviewer and a viewer."""

import os
from types import SimpleNamespace

import pytest

from movements.models import Membership, Movement, Unit
from movements.services.demo import demo_load
from movements.services.seed import seed_load
from tests.factories import PASSWORD, make_user

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


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many accounts; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seed(db) -> Movement:
    """The seed loaded: units, movement 3tn, indicators, published figures."""
    seed_load()
    return Movement.objects.get(code="3tn")


@pytest.fixture
def demo(seed) -> Movement:
    """The seed and the demo data loaded."""
    demo_load()
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


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright drives Debian's Chromium; it cannot download its own browsers here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }
