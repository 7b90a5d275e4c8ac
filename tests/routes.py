"""Every URL of the URLconf, for the checks that must reach every page: anonymous users sent to
login (test_login_required.py), CSRF (test_csrf.py), hostile parameters
(test_hostile_parameters.py) and the access matrix (test_access_matrix.py). A new URL is checked
by them without editing them.

Path parameters are filled from SAMPLES by name; a URL with a parameter SAMPLES does not know
fails those checks (it is never silently left out). Whole prefixes are left out only through
EXCLUDED, each with its reason."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

EXCLUDED = {
    "admin/": "Django's admin: its own login and staff check (tests/movements/test_admin.py)",
    "static/": "static files: served by whitenoise, not by a view",
}
# A value for each path parameter, by name: Rạch Giá's report of the open period 2014, the
# movement 3tn and its stage 2009–2013.
SAMPLES = {
    "unit": "rach-gia",
    "code": "rach-gia",
    "period": "2014",
    "movement": "3tn",
    "years": "2009-2013",
}
# URL names open to anonymous users; every other URL sends them to the login page.
PUBLIC = {
    "login",
    "logout",
    "set_language",
    "healthz",
}
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Route:
    name: str  # "movements:report"
    route: str  # "entry/<slug:unit>/<str:period>/"
    params: tuple[str, ...]  # ("unit", "period")

    def __str__(self) -> str:
        return self.name

    @property
    def public(self) -> bool:
        return self.name in PUBLIC

    def path(self, **values: str) -> str:
        """The path with SAMPLES, or the values given, for its parameters. The values are put in
        as they are (not reversed), so that hostile ones reach the server."""
        unknown = sorted(set(self.params) - set(SAMPLES) - set(values))
        if unknown:
            pytest.fail(f"{self.route}: no sample value for {unknown}; add it to tests/routes.py")
        values = {**SAMPLES, **values}
        return "/" + PARAMETER.sub(lambda match: values[match[1]], self.route)

    def methods(self, client: Client) -> set[str]:
        """GET and/or POST, as the view answers: Django's require_http_methods and class-based
        views name the allowed methods in the Allow header of their answer to OPTIONS; a view
        that names none is taken to accept both. Ask as a signed-in user (login_required
        answers anonymous users first)."""
        allow = client.options(self.path()).get("Allow")
        if allow is None:
            return {"GET", "POST"}
        return {method.strip() for method in allow.split(",")} & {"GET", "POST"}


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if any(route.startswith(excluded) for excluded in EXCLUDED):
            continue
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _walk(pattern.url_patterns, route, inner)
        else:
            assert isinstance(pattern, URLPattern) and pattern.name, f"{route}: give it a name"
            assert "(" not in route, f"{route}: a regular expression; use path()"
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield Route(name, route, tuple(PARAMETER.findall(route)))


def routes() -> list[Route]:
    """Every URL pattern outside EXCLUDED, in URLconf order."""
    found = list(_walk(get_resolver().url_patterns))
    assert found, "no URL found in the URLconf"
    return found


def signed_in() -> list[Route]:
    """The URLs that need a signed-in user."""
    return [route for route in routes() if not route.public]
