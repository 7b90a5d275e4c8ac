"""`backup` and `restore` round-trip the whole database exactly — every row of every table,
history and timestamps to the microsecond included — on the database the suite runs on
(PostgreSQL through pg_dump/pg_restore, SQLite through its online backup API)."""

import stat

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

from movements.models import Report, Unit, Value
from tests.factories import make_report, make_user, year

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    return {
        model._meta.db_table: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
    }


@pytest.fixture
def edited(demo, cast, client):
    """The demo data, plus a secretary's saves (history with microsecond timestamps), an
    approval, and a renamed unit."""
    period = year(2014)
    period.open_for_entry = True
    period.save()
    report = make_report(cast.unit_a, period, demo, status=Report.Status.DRAFT, values={"cau": 1})
    client.force_login(cast.secretary_a)
    url = reverse("movements:report", args=["rach-gia", "2014"])
    for number in (2, 3):
        report.refresh_from_db()
        client.post(url, {"version": report.version, "action": "save", "v-cau": str(number)})
    client.force_login(cast.reviewer)
    submitted = Report.objects.filter(status=Report.Status.SUBMITTED).first()
    if submitted is not None:
        client.post(
            reverse("movements:approve", args=[submitted.unit.code, submitted.period.code]),
            {"version": submitted.version},
        )
    Unit.objects.filter(code="ha-tien").update(name="Thành Đoàn Hà Tiên")
    assert Value.history.filter(value=3).exists()
    return report


def test_backup_and_restore_round_trip_every_row_exactly(edited, tmp_path):
    before = snapshot()
    assert sum(len(rows) for rows in before.values()) > 4000
    assert any(h.history_date.microsecond for h in Value.history.all())
    path = tmp_path / "sao-luu" / "phongtrao.dump"

    call_command("backup", str(path))
    assert path.stat().st_size > 0

    Report.objects.all().delete()  # cascades to the values
    Value.history.all().delete()
    Unit.objects.filter(code="ha-tien").update(name="đổi sau khi sao lưu")
    make_user("nguoi-moi")
    assert snapshot() != before

    call_command("restore", str(path), interactive=False)
    assert snapshot() == before


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    path = tmp_path / "khong-phai.dump"
    path.write_bytes(b"PK\x03\x04 not a backup")
    with pytest.raises(CommandError, match="không phải bản sao lưu"):
        call_command("restore", str(path), interactive=False)
    with pytest.raises(CommandError, match="Không có tệp sao lưu"):
        call_command("restore", str(tmp_path / "khong-co.dump"), interactive=False)


def test_restore_asks_before_replacing_the_data(db, tmp_path, monkeypatch):
    path = tmp_path / "phongtrao.dump"
    call_command("backup", str(path))
    monkeypatch.setattr("builtins.input", lambda _prompt: "no")
    with pytest.raises(CommandError, match="Đã huỷ"):
        call_command("restore", str(path))


def test_a_backup_is_readable_by_its_owner_only(db, tmp_path):
    """It holds password hashes and sessions: 0600 whatever the umask, in a directory made
    0700, also when it replaces a file that was readable by others."""
    path = tmp_path / "sao-luu" / "phongtrao.dump"
    call_command("backup", str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    path.chmod(0o644)
    call_command("backup", str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith((b"PGDMP", b"SQLite format 3"))
