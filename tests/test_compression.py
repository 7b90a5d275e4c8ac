"""Light pages: HTML compressed for clients that accept it, hashed static files compressed at
collectstatic and cached for a year, so a repeat visit fetches little more than the page."""

import gzip

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

pytestmark = pytest.mark.django_db


def test_pages_are_gzip_compressed_when_the_client_accepts_it(cast, seed):
    client = Client(headers={"accept-encoding": "gzip, deflate, br"})
    client.force_login(cast.reviewer)
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    page = gzip.decompress(response.content).decode("utf-8")
    assert "<html" in page
    assert int(response["Content-Length"]) == len(response.content) < len(page.encode()) / 3


def test_pages_are_sent_plain_to_a_client_that_does_not_accept_gzip(cast, seed):
    client = Client()
    client.force_login(cast.reviewer)
    response = client.get("/")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert "<html" in response.content.decode("utf-8")


@pytest.fixture
def collected(settings, tmp_path):
    """Static files as production serves them: collected, hashed and compressed."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def test_hashed_static_files_are_cached_for_a_year_and_sent_compressed(collected):
    for name in ["css/app.css", "js/charts.js", "vendor/plotly/plotly-cartesian.min.js"]:
        url = static(name)
        assert url != f"/static/{name}"  # hashed
        response = Client(headers={"accept-encoding": "gzip, br"}).get(url)
        assert response.status_code == 200
        assert response["Content-Encoding"] == "br"
        cache = response["Cache-Control"]
        assert "immutable" in cache and "public" in cache
        assert int(cache.split("max-age=")[1].split(",")[0]) >= 365 * 24 * 3600
        gzipped = Client(headers={"accept-encoding": "gzip"}).get(url)
        assert gzipped["Content-Encoding"] == "gzip"
        assert len(b"".join(gzipped.streaming_content)) < (collected / name).stat().st_size

    plain = Client().get("/static/css/app.css")  # an unhashed name is not cached for long
    assert plain.status_code == 200
    assert "immutable" not in plain.get("Cache-Control", "")
