"""Structured logs: one JSON line per request, per write a request made (who changed what)
and per error."""

import pytest
from django.test import Client
from django.urls import reverse

from movements.models import Report, Unit
from tests.factories import make_report, make_user, year

pytestmark = pytest.mark.django_db


def test_each_request_is_one_line_with_who_what_and_how_long(client, cast, log_lines):
    client.force_login(cast.reviewer)
    client.get(reverse("reports:compare"), REMOTE_ADDR="203.0.113.5")
    client.logout()
    client.get("/khong-co/")
    requests = [line for line in log_lines() if line["event"] == "request"]
    assert requests[0] | {"duration_ms": 0, "time": ""} == {
        "time": "",
        "level": "INFO",
        "logger": "phongtrao.request",
        "event": "request",
        "method": "GET",
        "path": "/compare/",
        "status": 200,
        "duration_ms": 0,
        "user": cast.reviewer.pk,
        "address": "203.0.113.5",
    }
    assert requests[0]["duration_ms"] > 0
    assert requests[-1]["status"] == 404 and requests[-1]["user"] is None


def test_a_save_logs_who_changed_which_values(client, cast, seed, log_lines):
    period = year(2014)
    period.open_for_entry = True
    period.save()
    report = make_report(cast.unit_a, period, seed, status=Report.Status.DRAFT)
    client.force_login(cast.secretary_a)
    response = client.post(
        reverse("movements:report", args=["rach-gia", "2014"]),
        {"version": report.version, "action": "save", "v-cau": "7", "v-mo-cau": "2"},
    )
    assert response.status_code == 302
    writes = [line for line in log_lines() if line["event"] == "write"]
    values = {
        w["values"]["indicator_id"]: w["values"]["value"]
        for w in writes
        if w["model"] == "movements.value"
    }
    assert sorted(values.values()) == [2, 7]
    assert all(
        w["user"] == cast.secretary_a.pk and w["change"] == "+"
        for w in writes
        if w["model"] == "movements.value"
    )
    assert any(w["model"] == "movements.report" and w["change"] == "~" for w in writes)
    assert all(w["path"] == "/entry/rach-gia/2014/" for w in writes)


def test_an_admin_change_is_logged_with_its_author(client, units, log_lines):
    admin = make_user("admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    unit = units.ha_tien
    url = reverse("admin:movements_unit_change", args=[unit.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: form[name].value() or ""
        for name in ["code", "short_name", "kind", "parent", "gso_code", "sort_order"]
    }
    data |= {
        "name": "Thành Đoàn Hà Tiên",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    assert client.post(url, data).status_code == 302
    assert Unit.objects.get(pk=unit.pk).name == "Thành Đoàn Hà Tiên"
    writes = [line for line in log_lines() if line["event"] == "write"]
    # The unit's history row (units keep their names and places over time), then the admin's
    # log entry.
    assert [(w["model"], w["change"], w["user"], w["values"]["id"]) for w in writes] == [
        ("movements.unit", "~", admin.pk, unit.pk),
        ("movements.unit", "~", admin.pk, str(unit.pk)),
    ]


def test_reading_pages_logs_no_writes(client, cast, log_lines):
    client.force_login(cast.reviewer)
    client.get(reverse("reports:overview"))
    client.post(reverse("login"), {"username": "tinhdoan", "password": cast.password})
    assert not [line for line in log_lines() if line["event"] == "write"]


@pytest.mark.urls("tests.failing_urls")
def test_an_error_is_one_line_with_its_traceback(db, log_lines):
    Client(raise_request_exception=False).get("/test-failure/")
    lines = log_lines()
    errors = [line for line in lines if line["level"] == "ERROR"]
    assert len(errors) == 1
    assert "RuntimeError: a failure in a view" in errors[0]["error"]
    assert errors[0]["logger"] == "django.request"
    assert [line["status"] for line in lines if line["event"] == "request"] == [500]
