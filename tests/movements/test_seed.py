import re

import pytest
from django.core.management import call_command

from movements.models import Indicator, PublishedFigure, Report, Unit, Value
from movements.services import ServiceError
from movements.services.demo import demo_load, split_exactly
from movements.services.seed import seed_load
from reports.selectors import Subject, indicator_totals, published_reconciliation
from tests.conftest import SOURCE
from tests.factories import totals_kept

pytestmark = pytest.mark.django_db

DISTRICTS = [
    "rach-gia",
    "ha-tien",
    "kien-luong",
    "hon-dat",
    "tan-hiep",
    "chau-thanh",
    "giong-rieng",
    "go-quao",
    "an-bien",
    "an-minh",
    "vinh-thuan",
    "phu-quoc",
    "kien-hai",
    "u-minh-thuong",
    "giang-thanh",
]
BRANCHES = [
    "cong-an",
    "quan-su",
    "bien-phong",
    "khoi-co-quan",
    "khoi-doanh-nghiep",
    "cd-su-pham",
    "cd-cong-dong",
    "cd-y-te",
    "cd-nghe",
]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _counts():
    from movements.models import Movement, Period

    models = [
        Unit,
        Movement,
        Period,
        Indicator,
        PublishedFigure,
        Report,
        Value,
        Report.history.model,
        Value.history.model,
    ]
    return {m.__name__: m.objects.count() for m in models}


def test_seed_loads_the_province_its_districts_and_branches(seed):
    province = Unit.objects.get(code="kien-giang")
    children = province.children.all()
    assert sorted(u.code for u in children if u.peer_group == "district") == sorted(DISTRICTS)
    assert sorted(u.code for u in children if u.kind == "branch") == sorted(BRANCHES)
    gso = sorted(int(u.gso_code) for u in children if u.gso_code)
    assert gso == [c for c in range(899, 915) if c != 901]
    assert Unit.objects.get(code="ha-tien").kind == Unit.Kind.TOWN
    assert Unit.objects.get(code="phu-quoc").kind == Unit.Kind.DISTRICT
    assert Unit.objects.get(code="rach-gia").kind == Unit.Kind.CITY
    assert str(Unit.objects.get(code="giang-thanh").valid_from) == "2009-06-29"


def test_seed_loads_the_movement_with_groups_in_report_order(seed):
    assert (seed.start_year, seed.end_year) == (2009, 2013)
    assert [g.name for g in seed.groups.order_by("order")] == [
        "Công tác triển khai",
        "Trách nhiệm với công việc",
        "Trách nhiệm với nhân dân",
        "Trách nhiệm với bản thân",
    ]
    assert list(seed.indicators.filter(code="doan-vien").values_list("aggregation", flat=True)) == [
        "last"
    ]


@pytest.mark.needs_source
def test_seed_gives_the_movement_its_full_name_and_the_legal_basis_report_44a_opens_with(seed):
    text = " ".join(SOURCE.read_text(encoding="utf-8").split())
    lines = seed.legal_basis.splitlines()
    assert [line[:33] for line in lines] == [
        "Thực hiện Công văn số 691-CV/TWĐT",
        "Thực hiện Kế hoạch số 90-KH/ĐTN n",
    ]
    assert all(line in text for line in lines)
    assert seed.full_name == "phong trào “3 trách nhiệm” trong cán bộ, công chức"
    assert "triển khai phong trào “3 trách nhiệm” trong cán bộ, công chức" in text


@pytest.mark.needs_source
def test_every_published_figure_quotes_a_sentence_of_the_seed_that_states_it(seed):
    text = _squash(SOURCE.read_text(encoding="utf-8"))
    figures = list(PublishedFigure.objects.select_related("indicator"))
    assert len(figures) == 36
    for figure in figures:
        quote = _squash(figure.quote)
        assert quote in text, figure
        if figure.value in (0, 100):
            continue  # "không có", "100%": stated in words or as a percentage
        if figure.indicator.kind == Indicator.Kind.MONEY:
            millions = figure.value // 1_000_000
            stated = (
                f"{millions // 1000} tỷ {millions % 1000} triệu"
                if millions >= 1000
                else (f"{millions} triệu")
            )
        else:
            stated = f"{figure.value:,}".replace(",", ".")
        pattern = rf"(?<![\d.])0?{re.escape(stated)}(?![\d])"  # "01 Lò đốt rác"
        assert re.search(pattern, quote), (figure, stated)


def test_published_figures_are_attributed_to_police_and_rach_gia_where_the_seed_says_so(seed):
    by_unit = {}
    for figure in PublishedFigure.objects.select_related("unit", "indicator"):
        by_unit.setdefault(figure.unit.code, set()).add(figure.indicator.code)
    assert set(by_unit) == {"kien-giang", "cong-an", "rach-gia"}
    assert by_unit["rach-gia"] == {"cuoc-tuyen-truyen-dao-duc", "luot-tuyen-truyen-dao-duc"}
    assert {"tri-gia-nha", "don-vi-mau", "luot-kham-benh"} <= by_unit["cong-an"]
    assert {"hoi-nghi-trien-khai", "luot-du-trien-khai"} <= by_unit["kien-giang"]


def test_load_seed_twice_changes_nothing(db):
    call_command("load_seed", verbosity=0)
    before = _counts()
    call_command("load_seed", verbosity=0)
    assert _counts() == before


def test_load_demo_twice_changes_nothing_and_duplicates_nothing(seed):
    call_command("load_demo", verbosity=0)
    before = _counts()
    call_command("load_seed", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert _counts() == before
    stage = Report.objects.filter(period__year__range=(2009, 2013))
    assert stage.count() == 24 * 5  # Giang Thành, founded 29/6/2009, reports for 2009 too


def _demo_written() -> tuple[list, list]:
    """The demo's values and its reports' dates, by unit and year."""
    values = Value.objects.values_list(
        "report__unit__code", "report__period__year", "indicator__code", "value"
    )
    dates = Report.objects.values_list(
        "unit__code", "period__year", "created_at", "updated_at", "submitted_at", "approved_at"
    )
    return sorted(values), sorted(dates)


def test_demo_data_is_deterministic(demo):
    """The same figures and the same dates (around each deadline, not the clock's) on every
    load."""
    first = _demo_written()
    with totals_kept(Report.objects.all()):
        Value.objects.all().delete()
        Report.objects.all().delete()
    demo_load()
    assert _demo_written() == first


def test_demo_aggregate_equals_every_published_figure(demo):
    rows = published_reconciliation(movement=demo)
    assert len(rows) == 36
    mismatches = [(r.figure, r.computed) for r in rows if not r.matches]
    assert mismatches == []


def test_demo_attributed_figures_land_only_on_their_unit(demo):
    for figure in PublishedFigure.objects.exclude(unit__code="kien-giang").select_related(
        "unit", "indicator"
    ):
        if figure.indicator.kind == Indicator.Kind.RATIO:
            continue
        others = Value.objects.filter(indicator=figure.indicator).exclude(report__unit=figure.unit)
        assert not others.exists(), figure


def test_demo_has_giang_thanh_from_its_founding_year(demo):
    # Founded on 29/6/2009: it reports for 2009 (its months of that year), not before.
    years = set(
        Report.objects.filter(unit__code="giang-thanh").values_list("period__year", flat=True)
    )
    assert years == {2009, 2010, 2011, 2012, 2013}


def test_demo_reports_are_marked_as_demo_and_approved(demo):
    assert not Report.objects.filter(is_demo=False).exists()
    assert set(Report.objects.values_list("status", flat=True)) == {"approved"}


def test_demo_has_a_plausible_spread(demo):
    rach_gia, kien_hai = Unit.objects.get(code="rach-gia"), Unit.objects.get(code="kien-hai")
    indicators = list(Indicator.objects.filter(code__in=["dem-van-nghe-tdtt", "doan-vien"]))
    stage = Subject.of(movement=demo, unit=rach_gia, start_year=2009, end_year=2013)
    big = indicator_totals(subject=stage, indicators=indicators)
    small = indicator_totals(subject=stage.with_unit(kien_hai), indicators=indicators)
    assert big[("dem-van-nghe-tdtt", None, None)] > small[("dem-van-nghe-tdtt", None, None)]
    assert big[("doan-vien", None, None)] > small[("doan-vien", None, None)]
    province = Unit.objects.get(code="kien-giang")
    by_year = indicator_totals(
        subject=stage.with_unit(province), by_year=True, indicators=indicators
    )
    assert by_year[("dem-van-nghe-tdtt", None, 2009)] < by_year[("dem-van-nghe-tdtt", None, 2012)]


def test_load_demo_without_the_seed_is_a_clear_error(without_seed):
    with pytest.raises(ServiceError, match="load_seed"):
        demo_load()


def test_load_demo_never_overwrites_a_units_real_report(seed):
    from tests.factories import make_report

    real = make_report(
        Unit.objects.get(code="an-minh"),
        2011,
        seed,
        status="draft",
        values={"hoi-nghi-trien-khai": 999},
    )
    seed_load()
    demo_load()
    real.refresh_from_db()
    assert not real.is_demo
    assert real.values.get().value == 999


@pytest.mark.parametrize(
    ("total", "weights"),
    [
        (243, [1.0, 2.5, 3.3]),
        (1, [1, 1, 1, 1, 1]),
        (0, [1, 2]),
        (1_540_000_000, [0.3] * 7),
        (7, [0, 0, 0]),
    ],
)
def test_split_exactly_adds_up_to_the_total(total, weights):
    parts = split_exactly(total, weights)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
