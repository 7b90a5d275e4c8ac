import pytest
from django.urls import reverse

from movements.models import (
    Indicator,
    IndicatorGroup,
    Membership,
    Movement,
    Period,
    PublishedFigure,
    Report,
    ReportFlag,
    Unit,
    Value,
)
from tests.audit import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db

MODELS = [
    Unit,
    Membership,
    Movement,
    IndicatorGroup,
    Indicator,
    Period,
    Report,
    Value,
    PublishedFigure,
]


def _url(model, page, *args):
    return reverse(f"admin:movements_{model._meta.model_name}_{page}", args=args)


@pytest.fixture
def staff_client(client, demo, cast):
    client.force_login(make_user("vanphong", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_pages_answer_staff(staff_client, model):
    assert staff_client.get(_url(model, "changelist")).status_code == 200
    assert staff_client.get(_url(model, "add")).status_code == 200
    obj = model.objects.order_by("pk").first()
    response = staff_client.get(_url(model, "change", obj.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_pages_redirect_anonymous_users_to_login(client, seed, model):
    response = client.get(_url(model, "changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_admin_sends_anyone_but_staff_to_its_login(cast):
    for role in ("anonymous", "secretary_a", "viewer", "outsider"):
        response = client_for(cast, role).get("/admin/movements/report/")
        assert response.status_code == 302, role
        assert response["Location"].startswith("/admin/login/"), role


def test_admin_is_refused_to_a_secretary(client, cast):
    client.force_login(cast.secretary_a)
    response = client.get(_url(Report, "changelist"))
    assert response.status_code == 302


def test_admin_speaks_vietnamese_and_searches_and_filters(staff_client):
    response = staff_client.get(_url(Report, "changelist"), {"q": "Rạch Giá", "status": "approved"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Chọn báo cáo đơn vị để thay đổi" in content
    results = list(response.context["cl"].result_list)
    assert len(results) == 5
    assert {r.unit.code for r in results} == {"rach-gia"}


def test_report_change_page_edits_values_inline_and_shows_history(staff_client):
    report = Report.objects.filter(unit__code="cong-an", period__year=2012).get()
    response = staff_client.get(_url(Report, "change", report.pk))
    content = response.content.decode()
    assert "values-0-value" in content
    history = staff_client.get(_url(Report, "history", report.pk))
    assert history.status_code == 200


def test_unit_list_reads_as_a_tree(staff_client):
    content = staff_client.get(_url(Unit, "changelist")).content.decode()
    assert "— Thành Đoàn Rạch Giá" in content


# Each whole list with the demo data (hundreds of rows): related rows are joined, so one query
# per row would show here.
ADMIN_LIST_QUERIES = {
    Value: 9,
    Report: 11,
    Indicator: 8,
    PublishedFigure: 9,
    Unit: 6,
    ReportFlag: 10,
}


@pytest.mark.parametrize(
    ("model", "expected"),
    ADMIN_LIST_QUERIES.items(),
    ids=[model.__name__ for model in ADMIN_LIST_QUERIES],
)
def test_admin_lists_do_not_query_per_row(staff_client, model, expected, django_assert_num_queries):
    with django_assert_num_queries(expected):
        response = staff_client.get(_url(model, "changelist"), {"all": ""})
    assert response.status_code == 200


def test_admin_says_when_it_shows_demo_data(staff_client):
    content = staff_client.get(_url(Report, "changelist")).content.decode()
    assert "Dữ liệu minh hoạ (demo)" in content


def test_admin_greets_staff_by_their_whole_name(client, seed):
    from movements.services.accounts import account_ensure

    user, _created = account_ensure(
        username="vp",
        unit_code="kien-giang",
        role=Membership.Role.REVIEWER,
        password="Rach-Gia-2014-an-toan",
        full_name="Văn phòng Tỉnh Đoàn (minh hoạ)",
        validate_password=False,
    )
    client.force_login(user)
    html = client.get(reverse("admin:index")).content.decode()
    assert "<strong>Văn phòng Tỉnh Đoàn (minh hoạ)</strong>." in html
    assert "<strong>Văn phòng Tỉnh Đoàn (minh</strong>" not in html


def test_admin_greets_an_account_without_a_name_by_its_username(client, seed):
    client.force_login(make_user("khongten", is_staff=True, is_superuser=True))
    assert "<strong>khongten</strong>." in client.get(reverse("admin:index")).content.decode()
