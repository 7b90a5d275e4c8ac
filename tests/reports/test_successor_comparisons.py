"""Comparisons across a change of the tree (`selectors.successors`): seeded random histories of
merges, splits (with shares, sometimes none) and moves through `services.tree`, with reports
before and after; every successor's years before its change equal the sum, computed here from
the values themselves, over the units it succeeds times their shares, on the selector, the
overview, the unit page and the báo cáo, each naming the mapping. A unit that succeeds none gets
exactly the figures it got before."""

import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from movements.models import Indicator, Report, TreeChange, Unit, Value
from movements.selectors.tree import predecessors_of
from movements.services.tree import ChangeSpec, NewUnit, Share, TreeChangeInvalid
from movements.services.tree import tree_change_apply as apply
from reports import selectors
from reports.documents.builder import build_report_document
from tests.factories import make_report, make_user

pytestmark = pytest.mark.django_db

Kind = TreeChange.Kind
SEEDS = [3, 5, 8]
YEARS = list(range(2010, 2017))
DATES = [dt.date(2012, 7, 1), dt.date(2014, 1, 1), dt.date(2015, 1, 1)]
DOC = {"document_number": "60-NQ/TW", "document_date": dt.date(2025, 4, 12)}
MAPPING_LINE = "So sánh qua thay đổi tổ chức:"


def _codes(movement) -> list[str]:
    return list(
        Indicator.objects.filter(movement=movement, kind=Indicator.Kind.COUNT)
        .order_by("pk")
        .values_list("code", flat=True)[:3]
    )


def _alive(day: dt.date) -> list[Unit]:
    return [
        u
        for u in Unit.objects.exclude(parent=None).order_by("pk")
        if u.existed_on(day) and u.existed_on(day - dt.timedelta(days=1))
    ]


def _random_change(rng, number: int) -> ChangeSpec | None:
    day = rng.choice(DATES)
    alive = _alive(day)
    if len(alive) < 3:
        return None
    common = {"date": day, "move_children": rng.random() < 0.6, **DOC}
    kind = rng.choice([Kind.MERGE, Kind.SPLIT, Kind.SPLIT, Kind.MOVE])
    if kind == Kind.MERGE:
        sources = tuple(u.code for u in rng.sample(alive, 2))
        code = f"hop-{number}"
        return ChangeSpec(
            kind=kind,
            sources=sources,
            new_unit=NewUnit(code=code, name=f"Hợp nhất {code}"),
            **common,
        )
    if kind == Kind.SPLIT:
        source, *targets = rng.sample(alive, 3)
        shares = rng.choice(
            [
                (Share(percent=Decimal("37.5")), Share(percent=Decimal("62.5"))),
                (Share(members=rng.randint(1, 90)), Share(members=rng.randint(1, 90))),
                (),  # no share stated: not compared
            ]
        )
        return ChangeSpec(
            kind=kind,
            sources=(source.code,),
            targets=tuple(t.code for t in targets),
            shares=shares,
            **common,
        )
    source, parent = rng.sample(alive, 2)
    return ChangeSpec(kind=kind, sources=(source.code,), new_parent=parent.code, **common)


def _random_reports(rng, movement, codes, count: int) -> None:
    for _ in range(count):
        year = rng.choice(YEARS)
        units = [
            u
            for u in Unit.objects.exclude(parent=None).order_by("pk")
            if u.existed_on(dt.date(year, 12, 31)) or u.existed_on(dt.date(year, 1, 1))
        ]
        unit = rng.choice(units)
        if Report.objects.filter(unit=unit, period__year=year, movement=movement).exists():
            continue
        status = rng.choice([Report.Status.APPROVED] * 3 + [Report.Status.SUBMITTED])
        values = {c: rng.randint(0, 40) for c in rng.sample(codes, 2)}
        make_report(unit, year, movement, status=status, values=values)


def _history(rng, movement, reviewer, codes) -> None:
    _random_reports(rng, movement, codes, 40)
    for number in range(18):
        spec = _random_change(rng, number)
        if spec is None:
            continue
        try:
            apply(user=reviewer, spec=spec)
        except TreeChangeInvalid:
            continue
        _random_reports(rng, movement, codes, 4)


def _worked(unit: Unit, movement, code: str, year: int) -> int | None:
    """What the units now in `unit`'s subtree did in `year`: the approved values, summed here
    from the values (not the stored totals); None where none reported."""
    values = Value.objects.filter(
        report__movement=movement,
        report__status=Report.Status.APPROVED,
        report__period__year=year,
        report__unit__path__startswith=unit.path,
        indicator__code=code,
    )
    if not values.exists():
        return None
    return values.aggregate(total=Sum("value"))["total"]


def _expected(unit: Unit, movement, codes) -> dict:
    """{(code, year): figure} by hand: the unit's own plus each predecessor's share of what it
    did up to the year its change took effect (a stock, members at the year's end: up to the
    year before); a predecessor without a share: no figure."""
    predecessors = predecessors_of(unit)
    stocks = set(
        Indicator.objects.filter(
            movement=movement, code__in=codes, aggregation=Indicator.Aggregation.LAST
        ).values_list("code", flat=True)
    )
    expected = {}
    for year in YEARS:
        for code in codes:
            parts = [_worked(unit, movement, code, year)]
            unshared = False
            for p in predecessors:
                if year > p.changes[0].day_before.year:
                    continue
                if code in stocks and year >= p.changes[0].effective_date.year:
                    unshared = unshared or p.share is None
                    continue  # members at the year's end: the successor's
                if p.share is None:
                    unshared = True
                    continue
                worked = _worked(p.unit, movement, code, year)
                parts.append(None if worked is None else worked * p.share)
            present = [x for x in parts if x is not None]
            expected[(code, year)] = None if unshared or not present else _shown(sum(present))
    return expected


def _shown(total: Fraction) -> int | Decimal:
    """The exact sum as a number the pages take: whole, or Decimal's 28 digits."""
    total = Fraction(total)
    if total.denominator == 1:
        return total.numerator
    return Decimal(total.numerator) / Decimal(total.denominator)


def _subject(movement, unit):
    return selectors.Subject.of(movement=movement, unit=unit, start_year=2010, end_year=2016)


def _page_params(movement):
    return {"movement": movement.code, "start": 2010, "end": 2016}


@pytest.mark.parametrize("seed_number", SEEDS)
def test_every_successor_is_compared_with_the_sum_over_its_mapped_predecessors(
    seed_number, seed, cast, client
):
    rng = random.Random(seed_number)
    codes = _codes(seed)
    _history(rng, seed, cast.reviewer, codes)
    successors = [u for u in Unit.objects.order_by("pk") if predecessors_of(u)]
    assert successors, "the history made no succession"
    client.force_login(cast.reviewer)
    indicators = selectors.movement_indicators(movement=seed)
    shares_seen, compared = set(), 0
    for unit in successors:
        expected = _expected(unit, seed, codes)
        mapping = selectors.succession_mapping(unit)
        shares_seen.update(p.share for p in mapping.predecessors)
        got = selectors.successor_years(subject=_subject(seed, unit), indicators=indicators)
        for (code, year), figure in expected.items():
            assert got.yearly.get((code, None, year)) == figure, (unit.code, code, year)
        said = mapping.describe(2010)
        for p in mapping.shared:
            assert p.unit.name in said
        for p in mapping.unshared:
            assert "không nêu tỷ lệ" in said and p.unit.name in said

        # The overview: its year table and cards.
        response = client.get(
            reverse("reports:overview"), {"unit": unit.code, **_page_params(seed)}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert MAPPING_LINE in page
        rows = {
            r.indicator.code: r
            for block in response.context["blocks"]
            for r in block["section"].rows
        }
        for (code, year), figure in expected.items():
            assert rows[code].years[year] == figure, ("overview", unit.code, code, year)

        # The unit page's table.
        response = client.get(reverse("reports:unit", args=[unit.code]), _page_params(seed))
        assert response.status_code == 200
        assert MAPPING_LINE in response.content.decode()
        profile = {r.indicator.code: r for r in response.context["profile"].data.data}
        for (code, year), figure in expected.items():
            assert profile[code].years[year] == figure, ("unit page", unit.code, code, year)
        # /compare/: its line among the units under its parent.
        if unit.parent_id is None:
            continue
        response = client.get(
            reverse("reports:compare"),
            {"parent": unit.parent.code, "indicator": codes[0], **_page_params(seed)},
        )
        assert response.status_code == 200
        lines = {r["unit"].code: r for r in response.context["table"].data.data}
        if unit.code in lines:
            compared += 1
            assert MAPPING_LINE in response.content.decode()
            # a figure mapped from the predecessors is a figure: the chart is drawn
            mapped = any(lines[unit.code][f"y{year}"] is not None for year in YEARS)
            assert response.context["has_values"] or not mapped
            for year in YEARS:
                assert lines[unit.code][f"y{year}"] == expected[(codes[0], year)], (
                    "compare",
                    unit.code,
                    year,
                )
    assert compared, "no successor was on /compare/"
    # The histories did reach a split with a stated share below the whole.
    assert any(s is not None and s < 1 for s in shares_seen), shares_seen


def test_a_merged_province_is_compared_with_both_provinces_and_the_bao_cao_says_so(
    seed, cast, units, client
):
    """“Tỉnh Đoàn An Giang (from 2025)”: Kiên Giang + An Giang for the years before."""
    code = _codes(seed)[0]
    an_giang = Unit.objects.create(
        code="an-giang-cu", name="Tỉnh Đoàn An Giang (cũ)", short_name="AG cũ", kind="province"
    )
    admin = make_user("quan-tri", is_staff=True, is_superuser=True)
    make_report(units.kien_giang, 2013, seed, values={code: 7})
    make_report(units.rach_gia, 2013, seed, values={code: 5})
    make_report(an_giang, 2013, seed, values={code: 11})
    change = apply(
        user=admin,
        spec=ChangeSpec(
            kind=Kind.MERGE,
            date=dt.date(2025, 7, 1),
            sources=("kien-giang", "an-giang-cu"),
            new_unit=NewUnit(code="an-giang", name="Tỉnh Đoàn An Giang", kind="province"),
            move_children=True,
            document_number="60-NQ/TW",
            document_date=dt.date(2025, 4, 12),
        ),
    )
    new = change.successions.first().successor
    make_report(units.rach_gia, 2025, seed, values={code: 3})
    make_report(new, 2026, seed, values={code: 4})
    subject = selectors.Subject.of(movement=seed, unit=new, start_year=2013, end_year=2026)
    got = selectors.successor_years(
        subject=subject, indicators=selectors.movement_indicators(movement=seed)
    )
    # 2013: Kiên Giang's own 7, Rạch Giá's 5 (now under the new province), An Giang's 11.
    assert got.yearly[(code, None, 2013)] == 23
    assert got.yearly[(code, None, 2025)] == 3 and got.yearly[(code, None, 2026)] == 4
    said = got.describe(2013)
    assert said.startswith("2013–2025: Tỉnh Đoàn Kiên Giang + Tỉnh Đoàn An Giang (cũ)")
    assert "60-NQ/TW, 12/4/2025" in said and "từ 1/7/2025" in said
    assert "(như số đoàn viên) năm 2025: của đơn vị kế tục" in said
    # The units due and counted in 2013: those of both provinces.
    before = [
        selectors.year_coverage(subject=subject.with_unit(u), years=[2013])[2013]
        for u in (units.kien_giang, an_giang, new)
    ]
    coverage = selectors.overview_figures(
        subject=subject, scope=selectors.dashboard_scope(user=admin)
    ).coverage[2013]
    assert (coverage.due, coverage.counted) == (
        sum(c.due for c in before),
        sum(c.counted for c in before),
    )
    assert coverage.counted >= 2  # Rạch Giá's report and An Giang's, at least
    assert got.mapping.describe(2026) == ""  # nothing of the predecessors' is in 2026
    document = build_report_document(subject=subject.with_years(2013, 2026))
    assert document.coverage[2013] == coverage
    intro = " ".join(run.text for p in document.intro for run in p.runs)
    assert f"{MAPPING_LINE} {said}." in intro


def test_a_split_share_is_exact_and_said(seed, cast, units):
    code = _codes(seed)[0]
    make_report(units.an_minh, 2013, seed, values={code: 3})
    for target in ("moi-a", "moi-b"):
        apply(
            user=cast.reviewer,
            spec=ChangeSpec(
                kind=Kind.CREATE,
                date=dt.date(2013, 1, 1),
                new_unit=NewUnit(code=target, name=target, parent="kien-giang"),
                **DOC,
            ),
        )
    apply(
        user=cast.reviewer,
        spec=ChangeSpec(
            kind=Kind.SPLIT,
            date=dt.date(2014, 1, 1),
            sources=("an-minh",),
            targets=("moi-a", "moi-b"),
            shares=(Share(members=1), Share(members=2)),
            **DOC,
        ),
    )
    unit = Unit.objects.get(code="moi-a")
    subject = selectors.Subject.of(movement=seed, unit=unit, start_year=2013, end_year=2014)
    got = selectors.successor_years(
        subject=subject, indicators=selectors.movement_indicators(movement=seed)
    )
    assert got.yearly[(code, None, 2013)] == 1  # 3 × 1/3, exactly
    assert isinstance(got.yearly[(code, None, 2013)], int)
    other = selectors.successor_years(
        subject=subject.with_unit(Unit.objects.get(code="moi-b")),
        indicators=selectors.movement_indicators(movement=seed),
    )
    assert other.yearly[(code, None, 2013)] == 2
    assert "theo tỷ lệ đã nêu" in got.describe(2013)


def test_a_unit_without_predecessors_gets_exactly_the_figures_it_got_before(
    seed, cast, units, client
):
    codes = _codes(seed)
    rng = random.Random(1)
    _random_reports(rng, seed, codes, 30)
    subject = _subject(seed, units.rach_gia)
    indicators = selectors.movement_indicators(movement=seed)
    before = selectors.indicator_totals(subject=subject, indicators=indicators, by_year=True)
    got = selectors.successor_years(subject=subject, indicators=indicators)
    assert got.mapping is None and got.yearly == before and got.describe(2010) == ""
    client.force_login(cast.reviewer)
    response = client.get(reverse("reports:overview"), {"unit": "rach-gia", **_page_params(seed)})
    assert MAPPING_LINE not in response.content.decode()
    overview = selectors.unit_overview(subject=subject, indicators=indicators)
    shown = {
        r.indicator.code: r for block in response.context["blocks"] for r in block["section"].rows
    }
    for section in overview:
        for row in section.rows:
            assert shown[row.indicator.code].years == row.years
            assert shown[row.indicator.code].total == row.total


def test_a_unit_that_succeeds_none_costs_no_query_more_when_others_do(seed, cast, units, client):
    """The pages' own unit query says whether a unit succeeds any: a page of a unit that
    succeeds none runs the same queries before and after a merge elsewhere in the tree."""
    client.force_login(cast.reviewer)
    years = {"movement": seed.code, "start": 2010, "end": 2013}
    pages = [
        (reverse("reports:overview"), {"unit": "rach-gia", **years}),
        (reverse("reports:unit", args=["rach-gia"]), years),
        # Units that succeed none (the units under Kiên Giang now include the merged one).
        (reverse("reports:compare"), {"units": ["rach-gia", "ha-tien"], **years}),
        (reverse("reports:document", args=[seed.code, "rach-gia", "2010-2013"]), {}),
    ]

    def counts() -> list[int]:
        found = []
        for url, params in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, params).status_code == 200
            found.append(len(queries))
            # No reading of the successions (`predecessors_of`): the unit's flag said none.
            assert not [q for q in queries if 'FROM "movements_succession" INNER' in q["sql"]]
        return found

    counts()  # warm: sessions, caches
    before = counts()
    apply(
        user=cast.reviewer,
        spec=ChangeSpec(
            kind=Kind.MERGE,
            date=dt.date(2014, 1, 1),
            sources=("an-bien", "an-minh"),
            new_unit=NewUnit(code="an-bien-minh", name="Đoàn An Biên – An Minh"),
            **DOC,
        ),
    )
    assert counts() == before
