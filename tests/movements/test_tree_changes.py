"""Tree changes as recorded events (services.tree): seeded random sequences of changes of every
kind and report entries, after each step the stored totals equal a rebuild and every unit's
validity and parent equal what the events say (computed here, independently of the service);
then each kind's rules and refusals one by one."""

import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import F

from movements.models import (
    ChangeReason,
    Indicator,
    Membership,
    Report,
    Succession,
    TreeChange,
    TreeChangeUnit,
    Unit,
)
from movements.selectors.tree import predecessors_of, unit_names
from movements.services.rollups import rollup_check
from movements.services.tree import (
    ChangeSpec,
    NewUnit,
    Share,
    TreeChangeInvalid,
    tree_change_apply,
    tree_changes_apply,
)
from movements.services.workflow import report_approve, report_save
from tests.factories import every_section, make_report, make_user, year

pytestmark = pytest.mark.django_db

Kind = TreeChange.Kind
SEEDS = [11, 12, 13, 14]
STEPS = 45
DATES = [dt.date(2011, 1, 1), dt.date(2012, 7, 1), dt.date(2014, 1, 1), dt.date(2015, 1, 1)]
YEARS = range(2010, 2017)
DOC = {"document_number": "60-NQ/TW", "document_date": dt.date(2025, 4, 12)}


def day_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=1)


class Expected:
    """Each unit's (parent code, valid from, valid to) as the events say, kept by this test's
    own reading of each kind (not the service's)."""

    def __init__(self):
        self.units = {
            u.code: (u.parent.code if u.parent else None, u.valid_from, u.valid_to)
            for u in Unit.objects.select_related("parent")
        }

    def alive_children(self, code: str, day: dt.date) -> list[str]:
        return [
            c for c, (p, _, end) in self.units.items() if p == code and (end is None or end >= day)
        ]

    def set(self, code, parent=..., start=..., end=...):
        old = self.units.get(code, (None, None, None))
        self.units[code] = (
            old[0] if parent is ... else parent,
            old[1] if start is ... else start,
            old[2] if end is ... else end,
        )

    def take_children(self, source: str, taker: str, spec: ChangeSpec) -> None:
        if spec.move_children:
            for child in self.alive_children(source, spec.date):
                self.set(child, parent=taker)

    def applied(self, spec: ChangeSpec, change: TreeChange) -> None:
        targets = [p.unit.code for p in change.parts.filter(role=TreeChangeUnit.Role.TARGET)]
        before = day_before(spec.date)
        if spec.kind == Kind.CREATE:
            self.set(targets[0], parent=spec.new_unit.parent, start=spec.date, end=None)
        elif spec.kind == Kind.CLOSE:
            self.set(spec.sources[0], end=before)
        elif spec.kind == Kind.MOVE:
            (source,) = spec.sources
            start = self.units[source][1]
            if start is not None and start >= spec.date:
                self.set(source, parent=spec.new_parent)
            else:
                self.set(
                    targets[0], parent=spec.new_parent, start=spec.date, end=self.units[source][2]
                )
                self.take_children(source, targets[0], spec)
                self.set(source, end=before)
        elif spec.kind == Kind.MERGE:
            if targets[0] not in self.units:
                parent = spec.new_unit.parent or self.units[spec.sources[0]][0]
                self.set(targets[0], parent=parent, start=spec.date, end=None)
            for source in spec.sources:
                self.take_children(source, targets[0], spec)
                self.set(source, end=before)
        elif spec.kind == Kind.SPLIT:
            self.take_children(spec.sources[0], targets[0], spec)
            self.set(spec.sources[0], end=before)

    def assert_matches(self, step: str) -> None:
        actual = {
            u.code: (u.parent.code if u.parent else None, u.valid_from, u.valid_to)
            for u in Unit.objects.select_related("parent")
        }
        assert actual == self.units, step
        for unit in Unit.objects.select_related("parent"):
            assert unit.path == unit.path_in_tree(), (step, unit.code)


class World:
    def __init__(self, rng, movement, reviewer):
        self.rng, self.movement, self.reviewer = rng, movement, reviewer
        self.expected = Expected()
        self.codes = list(
            Indicator.objects.filter(movement=movement, kind=Indicator.Kind.COUNT)
            .order_by("pk")
            .values_list("code", flat=True)[:4]
        )
        self.created = 0
        self.prefix = rng.randint(0, 10**6)
        self.done = dict.fromkeys([*Kind.values, "report", "refused"], 0)

    def alive(self, day: dt.date, *, across: bool = False) -> list[Unit]:
        units = [u for u in Unit.objects.exclude(parent=None).order_by("pk") if u.existed_on(day)]
        if across:
            units = [u for u in units if u.existed_on(day_before(day))]
        return units

    def new_code(self) -> str:
        self.created += 1
        return f"moi-{self.prefix}-{self.created}"

    def spec(self) -> ChangeSpec:
        rng = self.rng
        kind = rng.choice(Kind.values)
        day = rng.choice(DATES)
        alive = self.alive(day, across=True) or self.alive(day)
        pick = rng.choice(alive)
        parents = Unit.objects.filter(pk__in=[u.pk for u in self.alive(day)]) | Unit.objects.filter(
            parent=None
        )
        parent = rng.choice(list(parents.order_by("pk")))
        common = {"kind": kind, "date": day, "move_children": rng.random() < 0.7, **DOC}
        if kind == Kind.CREATE:
            code = self.new_code()
            return ChangeSpec(
                **common,
                new_unit=NewUnit(code=code, name=f"Cơ sở Đoàn {code}", parent=parent.code),
            )
        if kind == Kind.RENAME:
            return ChangeSpec(**common, sources=(pick.code,), new_name=f"{pick.name} (mới)")
        if kind == Kind.MOVE:
            return ChangeSpec(**common, sources=(pick.code,), new_parent=parent.code)
        if kind == Kind.MERGE:
            sources = rng.sample(alive, min(len(alive), rng.randint(2, 3)))
            if rng.random() < 0.5:
                code = self.new_code()
                return ChangeSpec(
                    **common,
                    sources=tuple(u.code for u in sources),
                    new_unit=NewUnit(code=code, name=f"Đoàn hợp nhất {code}"),
                )
            return ChangeSpec(
                **common, sources=tuple(u.code for u in sources), targets=(pick.code,)
            )
        if kind == Kind.SPLIT:
            targets = rng.sample(self.alive(day), 2)
            return ChangeSpec(
                **common,
                sources=(pick.code,),
                targets=tuple(u.code for u in targets),
                shares=(Share(percent=Decimal(40)), Share(percent=Decimal(60), members=120)),
            )
        return ChangeSpec(**common, sources=(pick.code,))

    def change(self) -> None:
        spec = self.spec()
        try:
            change = tree_change_apply(user=self.reviewer, spec=spec)
        except TreeChangeInvalid:
            self.done["refused"] += 1
            return
        self.done[spec.kind] += 1
        self.expected.applied(spec, change)

    def report(self) -> None:
        period = year(self.rng.choice(YEARS))
        units = [
            u
            for u in Unit.objects.exclude(parent=None).order_by("pk")
            if u.reports_in(period) and not Report.objects.filter(unit=u, period=period).exists()
        ]
        if not units:
            return
        unit = self.rng.choice(units)
        values = {c: self.rng.randint(0, 50) for c in self.rng.sample(self.codes, 2)}
        if period.year == 2014:
            # Through the services: a secretary saves and submits, the province approves.
            secretary = make_user(
                f"bt-{self.prefix}-{unit.pk}-{self.done['report']}", unit, "secretary"
            )
            report = report_save(
                user=secretary,
                unit=unit,
                period=period,
                movement=self.movement,
                values=values,
                confirm_unusual=True,
                submit=True,
                blanks_confirmed=every_section(self.movement),
            )
            if self.rng.random() < 0.5:
                report_approve(user=self.reviewer, report=report)
        else:
            status = self.rng.choice(list(Report.Status.values))
            make_report(unit, period, self.movement, status=status, values=values)
        self.done["report"] += 1


@pytest.mark.parametrize("seed_number", SEEDS)
def test_random_tree_changes_keep_the_totals_exact_and_the_tree_as_the_events_say(
    seed_number, seed, cast, open_period
):
    rng = random.Random(seed_number)
    world = World(rng, seed, cast.reviewer)
    for number in range(STEPS):
        step = "report" if rng.random() < 0.45 else "change"
        getattr(world, step)()
        world.expected.assert_matches(f"step {number}: {step}")
        check = rollup_check()
        assert check.ok, (number, step, check)
        # No report is left with a unit closed before its period began (re-filed or refused).
        orphans = Report.objects.filter(unit__valid_to__lt=F("period__start_date"))
        assert not orphans.exists(), (number, step, list(orphans))
    assert Succession.objects.exists(), world.done
    assert world.done["report"] > 5, world.done
    assert sum(world.done[k] for k in Kind.values) > 8, world.done


def test_every_kind_is_applied_by_some_seed(seed, cast, open_period):
    """The random histories above do reach every kind (not only refusals) and re-file reports."""
    done = dict.fromkeys(Kind.values, 0)
    for seed_number in SEEDS:
        world = World(random.Random(seed_number), seed, cast.reviewer)
        rng = world.rng
        for _ in range(STEPS):
            world.report() if rng.random() < 0.45 else world.change()
        for kind in Kind.values:
            done[kind] += world.done[kind]
    assert all(done.values()), done
    # Some change was back-dated over reports, which went to the successor or target.
    assert Report.history.filter(history_change_reason=ChangeReason.REFILED).exists()


# --- each kind, one by one ------------------------------------------------------------------


def _spec(kind, day=dt.date(2014, 1, 1), **fields) -> ChangeSpec:
    return ChangeSpec(kind=kind, date=day, **DOC, **fields)


def _value_sum(unit: Unit, period) -> int:
    from movements.models import Rollup

    return sum(
        Rollup.objects.filter(unit=unit, period=period, status="approved").values_list(
            "total", flat=True
        )
    )


def test_a_back_dated_move_refiles_the_reports_after_it_to_a_successor(seed, units, cast):
    code = Indicator.objects.filter(movement=seed, kind="count").order_by("pk")[0].code
    branch = Unit.objects.create(
        code="xa-a", name="Đoàn xã A", short_name="Xã A", kind="grassroots", parent=units.rach_gia
    )
    Membership.objects.create(user=cast.secretary_a, unit=branch, role="secretary")
    for number in (2013, 2014, 2015):
        make_report(branch, number, seed, values={code: number - 2000})
    change = tree_change_apply(
        user=cast.reviewer,
        spec=_spec(Kind.MOVE, sources=("xa-a",), new_parent="ha-tien", move_children=True),
    )
    branch.refresh_from_db()
    successor = Succession.objects.get(change=change).successor
    assert branch.valid_to == dt.date(2013, 12, 31) and branch.parent == units.rach_gia
    assert (successor.parent, successor.valid_from, successor.name) == (
        units.ha_tien,
        dt.date(2014, 1, 1),
        "Đoàn xã A",
    )
    assert successor.code == "xa-a-20140101"
    assert set(Report.objects.filter(unit=branch).values_list("period__year", flat=True)) == {2013}
    assert set(Report.objects.filter(unit=successor).values_list("period__year", flat=True)) == {
        2014,
        2015,
    }
    # The figures of 2013 stay under Rạch Giá; those after the move are under Hà Tiên.
    assert (
        _value_sum(units.rach_gia, year(2013)) == 13 and _value_sum(units.ha_tien, year(2013)) == 0
    )
    assert (
        _value_sum(units.ha_tien, year(2015)) == 15 and _value_sum(units.rach_gia, year(2015)) == 0
    )
    assert Membership.objects.filter(user=cast.secretary_a, unit=successor).exists()
    assert Succession.objects.get(change=change).share_percent == 100
    assert rollup_check().ok
    out = io.StringIO()
    call_command("rebuild_rollups", "--check", stdout=out)
    assert out.getvalue().startswith("Khớp: "), out.getvalue()


def test_a_unit_created_after_the_date_of_its_move_moves_in_place(seed, units, cast):
    tree_change_apply(
        user=cast.reviewer,
        spec=_spec(Kind.CREATE, new_unit=NewUnit(code="moi", name="Đoàn mới", parent="rach-gia")),
    )
    change = tree_change_apply(
        user=cast.reviewer, spec=_spec(Kind.MOVE, sources=("moi",), new_parent="ha-tien")
    )
    unit = Unit.objects.get(code="moi")
    assert (unit.parent, unit.valid_from, unit.valid_to) == (
        units.ha_tien,
        dt.date(2014, 1, 1),
        None,
    )
    assert not change.successions.exists()


def test_a_merge_closes_the_sources_and_moves_their_children_to_a_new_target(seed, units, cast):
    code = Indicator.objects.filter(movement=seed, kind="count").order_by("pk")[0].code
    child = Unit.objects.create(
        code="xa-b", name="Đoàn xã B", short_name="Xã B", kind="grassroots", parent=units.hon_dat
    )
    make_report(units.hon_dat, 2016, seed, values={code: 4})
    change = tree_change_apply(
        user=cast.reviewer,
        spec=_spec(
            Kind.MERGE,
            day=dt.date(2015, 7, 1),
            sources=("hon-dat", "kien-luong"),
            new_unit=NewUnit(
                code="hon-dat-kien-luong", name="Đoàn Hòn Đất – Kiên Lương", kind="district"
            ),
            move_children=True,
        ),
    )
    target = Unit.objects.get(code="hon-dat-kien-luong")
    assert (target.parent, target.valid_from) == (units.kien_giang, dt.date(2015, 7, 1))
    for unit in (units.hon_dat, units.kien_luong):
        unit.refresh_from_db()
        assert unit.valid_to == dt.date(2015, 6, 30)
    child.refresh_from_db()
    assert child.parent == target and child.path.startswith(target.path)
    # The report of 2016 (after the merge) is re-filed to the target.
    assert Report.objects.get(period=year(2016)).unit == target
    assert sorted(change.successions.values_list("predecessor__code", flat=True)) == [
        "hon-dat",
        "kien-luong",
    ]
    assert rollup_check().ok


def test_a_split_records_each_targets_stated_share(seed, units, cast):
    for code in ("tach-1", "tach-2"):
        tree_change_apply(
            user=cast.reviewer,
            spec=_spec(Kind.CREATE, new_unit=NewUnit(code=code, name=code, parent="kien-giang")),
        )
    change = tree_change_apply(
        user=cast.reviewer,
        spec=_spec(
            Kind.SPLIT,
            sources=("an-minh",),
            targets=("tach-1", "tach-2"),
            shares=(Share(percent=Decimal("37.5"), members=300), Share(percent=Decimal("62.5"))),
        ),
    )
    rows = list(
        change.successions.order_by("successor__code").values_list(
            "successor__code", "share_percent", "share_members"
        )
    )
    assert rows == [("tach-1", Decimal("37.5"), 300), ("tach-2", Decimal("62.5"), None)]
    units.an_minh.refresh_from_db()
    assert units.an_minh.valid_to == dt.date(2013, 12, 31)


def test_a_rename_keeps_the_dated_names(seed, units, cast):
    tree_change_apply(
        user=cast.reviewer,
        spec=_spec(
            Kind.RENAME,
            sources=("ha-tien",),
            new_name="Thành Đoàn Hà Tiên",
            day=dt.date(2018, 9, 1),
        ),
    )
    units.ha_tien.refresh_from_db()
    assert units.ha_tien.name == "Thành Đoàn Hà Tiên"
    last = units.ha_tien.history.first()
    assert last.history_change_reason == "rename: 60-NQ/TW"
    assert last.prev_record.name == "Thị Đoàn Hà Tiên"
    assert unit_names(units.ha_tien) == [
        (None, "Thị Đoàn Hà Tiên"),
        (dt.date(2018, 9, 1), "Thành Đoàn Hà Tiên"),
    ]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            _spec(Kind.MERGE, sources=("hon-dat",), targets=("kien-luong",)),
            "Hợp nhất: cần ít nhất hai đơn vị nguồn.",
        ),
        (
            _spec(Kind.CLOSE, sources=("giang-thanh",), day=dt.date(2009, 6, 29)),
            "không hoạt động cả ngày 28/6/2009 và ngày 29/6/2009",
        ),
        (
            _spec(Kind.MOVE, sources=("kien-giang",), new_parent="rach-gia"),
            "một đơn vị không thể nằm dưới chính nó",
        ),
        (
            _spec(
                Kind.SPLIT,
                sources=("an-minh",),
                targets=("ha-tien", "rach-gia"),
                shares=(Share(percent=Decimal(40)), Share(percent=Decimal(50))),
            ),
            "Tổng tỷ lệ các đơn vị tách ra phải bằng 100 % (đang là 90 %).",
        ),
        (_spec(Kind.CLOSE, sources=("khong-co",)), "Không có đơn vị mã “khong-co”."),
        (_spec(Kind.RENAME, sources=("ha-tien",)), "Đổi tên: thiếu tên mới."),
        (
            ChangeSpec(
                kind=Kind.CLOSE, date=dt.date(2014, 1, 1), document_number=" ", sources=("ha-tien",)
            ),
            "Thiếu số, ký hiệu văn bản quyết định thay đổi.",
        ),
    ],
)
def test_a_change_against_the_rules_is_refused_in_vietnamese_and_changes_nothing(
    seed, cast, spec, message
):
    before = list(Unit.objects.values_list("code", "parent_id", "valid_from", "valid_to", "name"))
    with pytest.raises(TreeChangeInvalid) as refused:
        tree_change_apply(user=cast.reviewer, spec=spec)
    assert any(message in error for error in refused.value.errors), refused.value.errors
    assert before == list(
        Unit.objects.values_list("code", "parent_id", "valid_from", "valid_to", "name")
    )
    assert not TreeChange.objects.exists()


def test_closing_a_unit_with_reports_after_the_date_is_refused(seed, units, cast):
    make_report(units.an_bien, 2015, seed, values={})
    with pytest.raises(TreeChangeInvalid, match="đã có báo cáo kỳ 2015"):
        tree_change_apply(user=cast.reviewer, spec=_spec(Kind.CLOSE, sources=("an-bien",)))


def test_staff_of_another_province_cannot_change_this_tree(seed, units):
    other = Unit.objects.create(
        code="tinh-khac", name="Tỉnh Đoàn khác", short_name="Khác", kind="province"
    )
    staff = make_user("khac", other, "reviewer", is_staff=True)
    with pytest.raises(TreeChangeInvalid, match="không thuộc tỉnh bạn quản lý"):
        tree_change_apply(user=staff, spec=_spec(Kind.CLOSE, sources=("ha-tien",)))


def test_a_file_of_changes_is_applied_all_or_nothing(seed, units, cast):
    good = _spec(Kind.CREATE, new_unit=NewUnit(code="moi-1", name="Mới 1", parent="kien-giang"))
    uses_it = _spec(Kind.MOVE, sources=("moi-1",), new_parent="rach-gia")
    bad = _spec(Kind.MERGE, sources=("hon-dat",))
    preview = tree_changes_apply(user=cast.reviewer, rows=[(2, good), (3, uses_it)], dry_run=True)
    assert preview.described == {
        2: "Thành lập Mới 1 từ 1/1/2014",
        3: "Chuyển Mới 1 sang Thành Đoàn Rạch Giá từ 1/1/2014 (kế tục: Mới 1)",
    }
    assert not Unit.objects.filter(code="moi-1").exists()
    with pytest.raises(TreeChangeInvalid) as refused:
        tree_changes_apply(user=cast.reviewer, rows=[(2, good), (3, uses_it), (4, bad)])
    assert list(refused.value.errors) == [4]
    assert not Unit.objects.filter(code="moi-1").exists() and not TreeChange.objects.exists()
    plan = tree_changes_apply(user=cast.reviewer, rows=[(2, good), (3, uses_it)])
    assert not plan.errors
    assert Unit.objects.get(code="moi-1").parent == units.rach_gia
    assert TreeChange.objects.count() == 2


def _create(cast, code, day=dt.date(2014, 1, 1)):
    tree_change_apply(
        user=cast.reviewer,
        spec=_spec(
            Kind.CREATE, day=day, new_unit=NewUnit(code=code, name=code, parent="kien-giang")
        ),
    )


def _shares(unit_code: str) -> dict[str, Decimal | None]:
    return {p.unit.code: p.share for p in predecessors_of(Unit.objects.get(code=unit_code))}


def test_a_successor_sums_its_predecessors_through_chains_of_changes(
    seed, cast, django_assert_num_queries
):
    _create(cast, "phuong-rach-gia", dt.date(2025, 7, 1))
    tree_change_apply(
        user=cast.reviewer,
        spec=_spec(Kind.MERGE, day=dt.date(2025, 7, 1), sources=("rach-gia", "chau-thanh"),
                   targets=("phuong-rach-gia",)),
    )  # fmt: skip
    tree_change_apply(
        user=cast.reviewer,
        spec=_spec(Kind.SPLIT, day=dt.date(2025, 7, 1), sources=("an-minh",),
                   targets=("phuong-rach-gia", "ha-tien"),
                   shares=(Share(percent=Decimal(30)), Share(percent=Decimal(70)))),
    )  # fmt: skip
    assert _shares("phuong-rach-gia") == {"rach-gia": 1, "chau-thanh": 1, "an-minh": Decimal("0.3")}
    # A later move (successor) keeps the chain.
    change = tree_change_apply(
        user=cast.reviewer,
        spec=_spec(Kind.MOVE, day=dt.date(2026, 1, 1), sources=("phuong-rach-gia",),
                   new_parent="ha-tien"),
    )  # fmt: skip
    successor = change.successions.get().successor
    assert _shares(successor.code) == {
        "phuong-rach-gia": 1, "rach-gia": 1, "chau-thanh": 1, "an-minh": Decimal("0.3"),
    }  # fmt: skip
    with django_assert_num_queries(1):
        nearest = predecessors_of(successor)[0]
    assert nearest.unit.code == "phuong-rach-gia" and len(nearest.changes) == 1


def test_a_split_then_merged_again_gives_the_whole_back(seed, cast):
    _create(cast, "b")
    _create(cast, "c")
    _create(cast, "f")
    _create(cast, "g")
    tree_change_apply(
        user=cast.reviewer,
        spec=_spec(Kind.SPLIT, sources=("an-bien",), targets=("b", "c"),
                   shares=(Share(percent=Decimal(40)), Share(percent=Decimal(60)))),
    )  # fmt: skip
    tree_change_apply(
        user=cast.reviewer,
        spec=_spec(Kind.MERGE, day=dt.date(2015, 1, 1), sources=("b", "c"),
                   new_unit=NewUnit(code="d", name="d", parent="kien-giang")),
    )  # fmt: skip
    assert _shares("d") == {"b": 1, "c": 1, "an-bien": 1}
    # Shares stated in members only: each part's members over the members of all parts.
    tree_change_apply(
        user=cast.reviewer,
        spec=_spec(Kind.SPLIT, sources=("an-minh",), targets=("f", "g"),
                   shares=(Share(members=300), Share(members=100))),
    )  # fmt: skip
    assert _shares("f") == {"an-minh": Decimal("0.75")}
    assert _shares("rach-gia") == {}
