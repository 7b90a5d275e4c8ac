"""The whole admin as the Kiên Giang reviewer, beside a second province: An Giang (its root
unit, one district Long Xuyên, their reviewer and secretary, a report with values, a published
figure, a báo cáo) and an account with no membership. Every registered model is walked from
`admin.site._registry`, so a new admin is covered without editing this file (and fails here
until ROWS_OF_ANOTHER_PROVINCE or SHARED says how its rows belong to a province): no list, page,
choice, search, action or history shows or changes a row of the other province, and the
account takeover through a district's `parent` fails at every step."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet
from django.test import Client
from django.urls import NoReverseMatch, reverse

from movements.admin import HistoryAdmin
from movements.models import (
    Indicator,
    IndicatorGroup,
    Membership,
    Movement,
    Period,
    PublishedFigure,
    Report,
    ReportFlag,
    TreeChange,
    Unit,
    Value,
)
from movements.services.accounts import staff_group_ensure
from movements.services.tree import ChangeSpec, tree_change_apply
from reports.models import GeneratedReport
from tests.factories import PASSWORD, make_report, make_user

pytestmark = pytest.mark.django_db

User = get_user_model()
MODELS = list(admin.site._registry)
NEW_PASSWORD = "mat-khau-cua-nguoi-khac-2014"
# What only An Giang's rows say: none may appear on a page the Kiên Giang reviewer opens.
MARKERS = ["An Giang", "Long Xuyên", "duyet_angiang", "bithu_longxuyen", "chua_phan_quyen", "88 BC"]


def _an_giang_units() -> QuerySet:
    return Unit.objects.filter(path__startswith=Unit.objects.get(code="an-giang").path)


def _accounts_not_theirs() -> QuerySet:
    return User.objects.filter(
        Q(memberships__unit__in=_an_giang_units()) | Q(memberships__isnull=True)
    ).distinct()


# The rows of each model the Kiên Giang reviewer must neither see nor change: those of An Giang's
# units, and accounts with no membership (managed by superusers only).
ROWS_OF_ANOTHER_PROVINCE = {
    Unit: lambda: _an_giang_units(),
    Report: lambda: Report.objects.filter(unit__in=_an_giang_units()),
    Value: lambda: Value.objects.filter(report__unit__in=_an_giang_units()),
    ReportFlag: lambda: ReportFlag.objects.filter(report__unit__in=_an_giang_units()),
    PublishedFigure: lambda: PublishedFigure.objects.filter(unit__in=_an_giang_units()),
    GeneratedReport: lambda: GeneratedReport.objects.filter(unit__in=_an_giang_units()),
    Membership: lambda: Membership.objects.filter(
        Q(unit__in=_an_giang_units()) | Q(user__in=_accounts_not_theirs())
    ),
    User: _accounts_not_theirs,
    TreeChange: lambda: TreeChange.objects.filter(parts__unit__in=_an_giang_units()),
}
# Rows every province shares: the staff of one province may read them, only a superuser (or
# staff who review every province) may change them.
SHARED = {Movement: "3tn", IndicatorGroup: None, Indicator: None, Period: None, Group: None}


def rows_of_another_province(model) -> QuerySet:
    return ROWS_OF_ANOTHER_PROVINCE.get(model, lambda: model.objects.none())()


def snapshot() -> dict:
    """Every field of every row of An Giang's, and of the shared rows."""
    rows = {model: rows() for model, rows in ROWS_OF_ANOTHER_PROVINCE.items()}
    rows |= {model: model.objects.all() for model in SHARED}
    return {model: sorted(map(repr, qs.order_by("pk").values_list())) for model, qs in rows.items()}


@pytest.fixture
def provinces(cast, seed) -> SimpleNamespace:
    """The cast, its reviewer in the staff group as create_account makes provincial staff, and
    An Giang beside Kiên Giang; `kg` is the Kiên Giang reviewer's client, `su` a superuser's."""
    cast.reviewer.groups.add(staff_group_ensure())
    root = Unit.objects.create(
        code="an-giang", name="Tỉnh Đoàn An Giang", short_name="An Giang", kind="province"
    )
    district = Unit.objects.create(
        code="long-xuyen",
        name="Thành Đoàn Long Xuyên",
        short_name="Long Xuyên",
        kind="city",
        parent=root,
    )
    reviewer = make_user("duyet_angiang", root, Membership.Role.REVIEWER, is_staff=True)
    reviewer.groups.add(staff_group_ensure())
    secretary = make_user("bithu_longxuyen", district, Membership.Role.SECRETARY)
    make_user("chua_phan_quyen")  # an account with no membership yet
    report = make_report(district, 2013, seed, values={"cau": 7, "hoi-nghi-trien-khai": 3})
    report.values.first().save()  # a value with a history
    assert report.flags.exists()  # its blank sections, stored as it was approved
    indicator = Indicator.objects.get(movement=seed, code="cau")
    PublishedFigure.objects.create(
        indicator=indicator,
        unit=root,
        start_year=2009,
        end_year=2013,
        value=12,
        document="88 BC/TĐTN",
        document_date="2013-06-25",
        quote="Long Xuyên tổ chức 12 cuộc.",
    )
    GeneratedReport.objects.create(
        movement=seed, unit=root, start_year=2009, end_year=2013, number="88 BC/TĐTN"
    )
    tree_change_apply(  # a change of An Giang's tree, by its own staff
        user=reviewer,
        spec=ChangeSpec(
            kind="rename",
            date=dt.date(2020, 1, 1),
            document_number="88 QĐ/TĐTN",
            sources=("long-xuyen",),
            new_name="Thành Đoàn Long Xuyên (An Giang)",
        ),
    )
    cast.an_giang, cast.long_xuyen, cast.secretary_lx = root, district, secretary
    cast.kg = Client()
    cast.kg.force_login(cast.reviewer)
    cast.su = Client()
    cast.su.force_login(make_user("quantri", is_staff=True, is_superuser=True))
    return cast


def url(model, page: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def can_view(user, model) -> bool:
    return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")


def assert_hidden(response) -> None:
    """The page neither shows the row nor says it exists: a 403, a 404, or the admin's "does not
    exist" redirect to its index (also what a missing id gets)."""
    assert response.status_code in (302, 403, 404), response.status_code
    if response.status_code == 302:
        assert response["Location"] == reverse("admin:index")
    assert_no_marker(response)


def assert_no_marker(response) -> None:
    content = response.content.decode()
    shown = [marker for marker in MARKERS if marker in content]
    assert not shown, shown


def posted_back(response) -> dict:
    """The change page's form and inline forms as posted back, with every text changed, the
    status set to approved and every number to 999999: what an attacker would send."""
    data = {}
    forms_ = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms_ += [inline.formset.management_form, *inline.formset.forms]
    for form in forms_:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or field.disabled:
                continue
            if isinstance(field, forms.IntegerField) and name not in {"version", "id"}:
                value = 999999 if "TOTAL" not in key and "INITIAL" not in key else value
            elif name == "status":
                value = Report.Status.APPROVED
            elif type(field) is forms.CharField and value and form.prefix is None:
                value = f"{value}x"
            if isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            else:
                data[key] = str(value)
    return data


def logs_in(username: str, password: str) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def test_every_registered_model_says_how_its_rows_belong_to_a_province(provinces):
    for model in MODELS:
        if can_view(provinces.reviewer, model):
            assert model in ROWS_OF_ANOTHER_PROVINCE or model in SHARED, (
                f"{model._meta.label}: add it to ROWS_OF_ANOTHER_PROVINCE or SHARED"
            )
    assert all(rows_of_another_province(m).exists() for m in ROWS_OF_ANOTHER_PROVINCE)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_a_changelist_lists_no_row_of_another_province(provinces, model):
    response = provinces.kg.get(url(model, "changelist"))
    if not can_view(provinces.reviewer, model):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert_no_marker(response)
    listed = response.context["cl"].queryset
    assert not listed.filter(pk__in=rows_of_another_province(model)).exists()
    for term in ("An Giang", "Long Xuyên", "angiang", "longxuyen", "chua_phan", "88"):
        response = provinces.kg.get(url(model, "changelist"), {"q": term})
        found = response.context["cl"].queryset
        assert not found.filter(pk__in=rows_of_another_province(model)).exists(), term


@pytest.mark.parametrize("model", list(ROWS_OF_ANOTHER_PROVINCE), ids=lambda m: m._meta.label)
def test_pages_of_another_provinces_rows_neither_show_nor_change_them(provinces, model):
    before = snapshot()
    model_admin = admin.site._registry[model]
    for row in rows_of_another_province(model):
        page = provinces.su.get(url(model, "change", row.pk))
        attack = posted_back(page)
        for name in ("change", "delete", "history"):
            assert_hidden(provinces.kg.get(url(model, name, row.pk)))
        assert_hidden(provinces.kg.post(url(model, "change", row.pk), attack))
        assert_hidden(provinces.kg.post(url(model, "delete", row.pk), {"post": "yes"}))
        if isinstance(model_admin, HistoryAdmin):
            for version in model.history.filter(id=row.pk):
                path = url(model, "simple_history", row.pk, version.history_id)
                assert_hidden(provinces.kg.get(path))
                assert_hidden(provinces.kg.post(path, attack))
        try:
            password = url(model, "password_change", row.pk)
        except NoReverseMatch:
            continue
        assert_hidden(provinces.kg.get(password))
        data = {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        assert_hidden(provinces.kg.post(password, data))
    assert snapshot() == before


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_bulk_actions_with_another_provinces_ids_change_nothing(provinces, model):
    ids = [str(pk) for pk in rows_of_another_province(model).values_list("pk", flat=True)]
    if not ids:
        ids = [str(pk) for pk in model.objects.values_list("pk", flat=True)[:3]]
    model_admin = admin.site._registry[model]
    before = snapshot()
    for action in ["delete_selected", *model_admin.actions]:
        name = action if isinstance(action, str) else action.__name__
        data = {"action": name, "_selected_action": ids, "post": "yes", "index": "0"}
        response = provinces.kg.post(url(model, "changelist"), data)
        assert response.status_code in (200, 302, 403)
        assert_no_marker(response)
    assert snapshot() == before
    assert model.objects.filter(pk__in=ids).count() == len(ids)


AUTOCOMPLETE = [
    (model, field)
    for model, model_admin in admin.site._registry.items()
    for field in model_admin.autocomplete_fields
]


@pytest.mark.parametrize(
    ("model", "field"), AUTOCOMPLETE, ids=[f"{m._meta.label}.{f}" for m, f in AUTOCOMPLETE]
)
def test_autocomplete_offers_no_row_of_another_province(provinces, model, field):
    remote = model._meta.get_field(field).remote_field.model
    hidden = {str(pk) for pk in rows_of_another_province(remote).values_list("pk", flat=True)}
    for term in ("", "An Giang", "Long Xuyên", "angiang", "longxuyen", "chua_phan", "Giang"):
        query = {"app_label": model._meta.app_label, "model_name": model._meta.model_name}
        response = provinces.kg.get(
            reverse("admin:autocomplete"), {**query, "field_name": field, "term": term}
        )
        if response.status_code == 403:
            continue
        assert response.status_code == 200
        assert not {r["id"] for r in response.json()["results"]} & hidden, (field, term)
        assert_no_marker(response)


def _choice_fields(response):
    forms_ = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms_ += [*inline.formset.forms, inline.formset.empty_form]
    for form in forms_:
        for name, field in form.fields.items():
            # Not an inline's hidden id: Django looks it up in the inline's own rows.
            if isinstance(field, forms.ModelChoiceField) and not field.widget.is_hidden:
                yield name, field


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_form_choices_offer_no_row_of_another_province(provinces, model):
    """The add page, and the change page of the reviewer's first row (Kiên Giang's)."""
    pages = [url(model, "add")]
    listing = provinces.kg.get(url(model, "changelist"))
    if listing.status_code == 200 and listing.context["cl"].queryset.exists():
        pages.append(url(model, "change", listing.context["cl"].queryset.first().pk))
    for page in pages:
        response = provinces.kg.get(page)
        if response.status_code != 200:
            continue
        assert_no_marker(response)
        for name, field in _choice_fields(response):
            hidden = rows_of_another_province(field.queryset.model)
            assert not field.queryset.filter(pk__in=hidden).exists(), (page, name)


def test_the_admins_index_pages_name_nothing_of_another_province(provinces):
    assert_no_marker(provinces.kg.get(reverse("admin:index")))
    for app in ("movements", "auth", "reports"):
        assert_no_marker(provinces.kg.get(reverse("admin:app_list", args=[app])))


def test_the_reviewer_still_manages_their_own_province(provinces, units, seed):
    listing = provinces.kg.get(url(Unit, "changelist"))
    assert units.rach_gia in listing.context["cl"].queryset
    report = make_report(units.rach_gia, 2013, seed, values={"cau": 4})
    assert provinces.kg.get(url(Report, "change", report.pk)).status_code == 200
    assert provinces.kg.get(url(Report, "history", report.pk)).status_code == 200
    version = report.history.first().history_id
    past = provinces.kg.get(url(Report, "simple_history", report.pk, version))
    assert past.status_code == 200
    page = provinces.kg.get(url(Unit, "change", units.ha_tien.pk))
    data = posted_back(page) | {"name": "Thành Đoàn Hà Tiên", "code": "ha-tien"}
    data["short_name"] = "Hà Tiên"
    response = provinces.kg.post(url(Unit, "change", units.ha_tien.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    units.ha_tien.refresh_from_db()
    assert units.ha_tien.name == "Thành Đoàn Hà Tiên"
    assert units.ha_tien.parent == provinces.province


def test_the_takeover_in_four_requests_fails(provinces, units):
    """Move Long Xuyên under Kiên Giang, set its secretary's password, move it back, log in."""
    kg, su, district = provinces.kg, provinces.su, provinces.long_xuyen
    change = url(Unit, "change", district.pk)
    moved = posted_back(su.get(change)) | {"name": district.name, "code": district.code}
    moved |= {"short_name": district.short_name, "parent": provinces.province.pk}
    assert_hidden(kg.post(change, moved))
    password = url(User, "password_change", provinces.secretary_lx.pk)
    data = {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert_hidden(kg.post(password, data))
    assert_hidden(kg.post(change, moved | {"parent": provinces.an_giang.pk}))
    assert not logs_in("bithu_longxuyen", NEW_PASSWORD)
    district.refresh_from_db()
    assert district.parent == provinces.an_giang
    # Nor by a membership in Kiên Giang given to An Giang's secretary.
    before = Membership.objects.count()
    response = kg.post(
        url(Membership, "add"),
        {"user": provinces.secretary_lx.pk, "unit": units.rach_gia.pk, "role": "secretary"},
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert Membership.objects.count() == before
    assert logs_in("bithu_longxuyen", PASSWORD)


@pytest.mark.parametrize("parent", ["an_giang", "long_xuyen", None])
def test_a_unit_is_neither_moved_nor_added_outside_the_reviewers_units(provinces, units, parent):
    target = getattr(provinces, parent).pk if parent else ""
    change = url(Unit, "change", units.rach_gia.pk)
    data = posted_back(provinces.kg.get(change)) | {"parent": target, "name": "Rạch Giá"}
    data |= {"code": "rach-gia", "short_name": "Rạch Giá"}
    response = provinces.kg.post(change, data)
    assert response.status_code == 200 and response.context["adminform"].form.errors
    units.rach_gia.refresh_from_db()
    assert units.rach_gia.parent == provinces.province
    count = Unit.objects.count()
    added = {"code": "moi", "name": "Đoàn mới", "short_name": "Mới", "kind": "branch"}
    added |= {"parent": target, "sort_order": "0"}
    added |= {"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}
    response = provinces.kg.post(url(Unit, "add"), added)
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert Unit.objects.count() == count


def test_an_account_with_no_membership_is_not_the_staffs_but_the_superusers(provinces):
    loner = User.objects.get(username="chua_phan_quyen")
    listing = provinces.kg.get(url(User, "changelist"))
    assert loner not in listing.context["cl"].queryset
    assert_hidden(provinces.kg.get(url(User, "change", loner.pk)))
    listing = provinces.su.get(url(User, "changelist"))
    assert loner in listing.context["cl"].queryset


def test_staff_set_up_the_account_they_add_and_give_it_a_membership(provinces, units):
    data = {"username": "bithu_moi", "usable_password": "true"}
    data |= {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = provinces.kg.post(url(User, "add"), data)
    created = User.objects.get(username="bithu_moi")
    assert response.status_code == 302
    assert response["Location"] == url(User, "change", created.pk)
    assert provinces.kg.get(response["Location"]).status_code == 200
    response = provinces.kg.post(
        url(Membership, "add"), {"user": created.pk, "unit": units.rach_gia.pk, "role": "viewer"}
    )
    assert response.status_code == 302
    # The account another province's staff added is not Kiên Giang's to set up.
    an_giang = Client()
    an_giang.force_login(User.objects.get(username="duyet_angiang"))
    assert an_giang.post(url(User, "add"), data | {"username": "bithu_ag"}).status_code == 302
    theirs = User.objects.get(username="bithu_ag")
    assert_hidden(provinces.kg.get(url(User, "change", theirs.pk)))


@pytest.mark.parametrize("model", list(SHARED), ids=lambda m: m._meta.label)
def test_shared_rows_are_read_not_changed_by_one_provinces_staff(provinces, model):
    row = model.objects.order_by("pk").first()
    assert provinces.kg.get(url(model, "changelist")).status_code == 200
    assert provinces.kg.get(url(model, "change", row.pk)).status_code == 200
    before = snapshot()
    attack = posted_back(provinces.su.get(url(model, "change", row.pk)))
    assert provinces.kg.post(url(model, "change", row.pk), attack).status_code == 403
    assert provinces.kg.post(url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert provinces.kg.get(url(model, "add")).status_code == 403
    assert snapshot() == before


def test_the_staff_of_the_only_province_still_open_a_period(cast, seed):
    """With one province, its reviewer manages what it shares with no other."""
    cast.reviewer.groups.add(staff_group_ensure())
    client = Client()
    client.force_login(cast.reviewer)
    period = Period.objects.get(kind="year", year=2013)
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": period.pk}
    data |= {"form-0-open_for_entry": "on", "form-0-deadline": "2014-01-15", "_save": "Lưu"}
    response = client.post(url(Period, "changelist"), data)
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.open_for_entry
