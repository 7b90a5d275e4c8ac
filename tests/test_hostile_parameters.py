"""Hostile and odd parameters on every page of the URLconf answered to GET: in each part of the
path, in each query parameter the page reads, and odd combinations of the dashboards'
parameters. Never a server error, never a script put back into the page, and the secretary of
Công an or a user without membership never sees a figure or note of Rạch Giá's reports. Also NUL
characters anywhere in a URL, and the admin's ids and dates."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.audit import SIGNED_IN, client_for, leaks
from tests.factories import make_user
from tests.routes import Route, routes

pytestmark = pytest.mark.django_db

NUL, LONG, SQL = "\x00", "x" * 3000, "' OR 1=1 --"
UNITS = ["cong-an", "kien-giang", "khong-co", "Rạch Giá", NUL, LONG, SQL]
# Hostile values for each path parameter, by name: other units, unknown and malformed codes. A
# URL with a parameter not named here fails test_no_page_fails_whatever_the_path.
HOSTILE_PATH = {
    "unit": UNITS,
    "code": UNITS,
    "period": ["2013-2009", "2012-H9", "2012-Q0", "9999", "-2012", "¹²³⁴", "２０１２", "2012-H1"]
    + ["9" * 40, "abc", NUL],
    "movement": ["4tn", NUL, LONG, SQL],
    "years": ["2013-2009", "2009", "abc-def", "¹²³⁴-２０１３", "0000-9999", "9" * 40, NUL],
}
# The query parameters each page reads, by URL name (the tables' sort parameters are tried in
# ODD). A page not named here is tried with every parameter named here.
QUERY = {
    "login": ["next"],
    "password_change": [],
    "password_change_done": [],
    "set_language": ["next"],
    "healthz": [],
    "movements:entry": [],
    "movements:report": ["movement"],
    "movements:history": ["movement"],
    "movements:xlsx": ["movement"],
    "movements:review": [],
    "movements:checks": ["period", "loai", "trang"],
    "movements:province-xlsx": ["movement"],
    "reports:overview": ["movement", "unit", "q", "start", "end", "export"],
    "reports:compare": ["indicator", "units", "peers", "parent", "q", "per", "start", "export"],
    "reports:unit": ["movement", "end", "export"],
    "reports:completeness": ["start", "end", "period", "state", "parent", "trang", "export"],
    "reports:document-index": ["unit", "q", "from", "to"],
    "reports:document": [],
    "reports:document-docx": [],
    "reports:document-edit": [],
}
# Each of them is tried with each of these, on the page of a unit Công an's secretary may open.
HOSTILE_QUERY = ["khong-co", "rach-gia", "2013-2009", "9" * 40, NUL, SQL, "¹²³⁴", "-2012"]
OWN = {"unit": "cong-an", "code": "kien-giang"}
# Odd combinations of the dashboards' parameters, tried on every page that reads one of them
# (DASHBOARD).
ODD = [
    {"xh-sort": "khong-co"},
    {"xh-sort": "-y2010"},
    {"tt-sort": "unit"},
    {"submitted": "xyz"},
    {"start": "2009-H1"},
    {"start": "", "end": ""},
    {"start": "2010", "end": "2010"},
    {"indicator": ""},
    {"indicator": "ty-le-dang-ky-vung-manh", "per": "100dv"},
    {"indicator": "tien-quy-xa-hoi", "per": "100dv"},
    {"units": ["rach-gia", "rach-gia"]},
    {"parent": "rach-gia", "peers": "branch"},
    {"period": "2014", "state": "chua-nop", "export": "tien-do", "format": "xlsx"},
    {"period": "nhieu-ky", "state": "approved"},
    {"period": "2014", "start": "2010"},
    {"parent": "kien-giang", "units": "rach-gia", "indicator": "ty-le-dang-ky-vung-manh"},
    {"unit": "rach-gia"},
    {"movement": ""},
    {"export": "", "format": ""},
    {"format": "xlsx"},
    {"export": "xep-hang", "format": "csv", "csv": "xyz"},
    {"export": "tinh-hinh-nop", "format": "csv", "csv": ["quoc-te", "viet-nam"]},
    {"export": "chi-tieu", "format": "xlsx", "csv": "quoc-te"},
    {"csv": "x" * 3000},
    {"start": "9" * 40},
    {"unit": "<script>"},
    {"q": "<script>"},
    {"q": "x" * 3000},
    {"q": "rach", "unit": "rach-gia"},
    {"parent": "rach-gia", "trang": "2"},
    {"parent": "khong-co", "period": "2014"},
    {"trang": "-1"},
    {"trang": "9" * 40, "period": "2014", "state": "chua-nop"},
]
# The dashboards' parameters.
DASHBOARD = {
    "unit",
    "units",
    "parent",
    "start",
    "end",
    "period",
    "state",
    "indicator",
    "per",
    "export",
    "q",
    "trang",
}
# Pages that answer a chosen parameter by sending on to the page chosen.
REDIRECT_ON_CHOICE = {"reports:document-index"}


def get_pages(client: Client) -> list[Route]:
    return [route for route in routes() if "GET" in route.methods(client)]


def crawl(client, requests, cast, watch: bool):
    """GET each (path, params): never a server error (the test client would also re-raise
    it); with `watch`, nothing that only Rạch Giá's reports hold."""
    for path, params in requests:
        response = client.get(path, params)
        assert response.status_code < 500, (path, params)
        if watch:
            assert not leaks(response, cast), (path, params, leaks(response, cast))


@pytest.mark.parametrize("role", SIGNED_IN)
def test_no_page_fails_whatever_the_path(world, role):
    """Every page with each hostile value in each part of its path. The secretary of Công an
    and a user without membership never see a figure or note of Rạch Giá's reports."""
    client = client_for(world, role)
    requests = []
    for route in get_pages(client_for(world, "reviewer")):
        requests.append((route.path(), {}))
        for param in route.params:
            assert param in HOSTILE_PATH, f"{route.route}: add hostile values for <{param}>"
            requests += [(route.path(**{param: value}), {}) for value in HOSTILE_PATH[param]]
    crawl(client, requests, world, watch=role in ("secretary_b", "outsider"))


def names_read(route: Route) -> list[str]:
    if route.name in QUERY:
        return QUERY[route.name]
    return sorted({name for names in QUERY.values() for name in names})


@pytest.mark.parametrize("role", ["secretary_b", "reviewer"])
def test_no_page_fails_whatever_the_query(world, role):
    """Each query parameter a page reads, with each hostile value, and all of them repeated."""
    requests = []
    for route in get_pages(client_for(world, "reviewer")):
        path = route.path(**{p: OWN[p] for p in route.params if p in OWN})
        names = names_read(route)
        requests += [(path, {name: v}) for name in names for v in HOSTILE_QUERY]
        if names:
            requests.append((path, {name: ["rach-gia", "cong-an"] for name in names}))
    crawl(client_for(world, role), requests, world, watch=role == "secretary_b")


def test_the_query_table_names_only_pages_that_exist(world):
    assert set(QUERY) <= {route.name for route in get_pages(client_for(world, "reviewer"))}


def test_odd_parameters_never_cause_a_server_error(world):
    """A page that answers 200 answers odd parameters with the page or a clear 400 (a choice
    page may send on to the page chosen); any other page as it answers without them, or 400.
    Never a script of the parameters put into the page."""
    client = client_for(world, "reviewer")
    for route in get_pages(client):
        if not DASHBOARD & set(names_read(route)):
            continue
        plain = client.get(route.path()).status_code
        allowed = {200, 400} if plain == 200 else {plain, 400}
        if route.name in REDIRECT_ON_CHOICE:
            allowed.add(302)
        for params in ODD:
            response = client.get(route.path(), params)
            assert response.status_code in allowed, (route.name, params)
            assert b"<script>" not in response.content.replace(b"<script src=", b"")


def test_nul_characters_in_a_url_get_the_400_page(world):
    """PostgreSQL refuses NUL in a query; a URL or cookie carrying one is refused first."""
    client = client_for(world, "reviewer")
    for path in (
        "/entry/cong-an/2014/?movement=%00",
        "/reports/3tn/kien%00giang/2009-2013/",
        "/?unit=kien-giang&x%00=1",
        "/admin/movements/report/?status__exact=%00",
        "/admin/autocomplete/?term=%00&app_label=movements&model_name=report&field_name=unit",
    ):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "Yêu cầu không hợp lệ" in response.content.decode(), path
    forged = Client()
    forged.cookies["sessionid"] = "\x00" * 32  # a forged session id
    response = forged.get("/accounts/login/")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


def test_admin_answers_bad_ids_and_dates_without_a_server_error(world):
    client = Client()
    client.force_login(make_user("quan_tri", is_superuser=True, is_staff=True))
    for model in ("movements/report", "movements/value", "reports/generatedreport"):
        for object_id in ("abc", "¹²³⁴", "2013-2009", "9" * 40):
            response = client.get(f"/admin/{model}/{object_id}/history/")
            assert response.status_code == 404, (model, object_id)
    response = client.get("/admin/movements/report/", {"submitted_at__year": "9" * 12})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")
