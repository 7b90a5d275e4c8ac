"""The tree changes as asked (`ChangeSpec`, with its `Share`s and `NewUnit`) and the checks
made of one before anything is written (`_Change`: the units it names, locked, and every reason
to refuse, in Vietnamese). `services.tree` applies what passes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from ..formatting import format_date, format_number
from ..models import ChangeReason, Report, TreeChange, Unit
from . import ServiceError
from .rollups import rollup_kept

Kind = TreeChange.Kind
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Share:
    """A target's stated share of a split source: a percent, a number of members, or both."""

    percent: Decimal | None = None
    members: int | None = None


@dataclass(frozen=True)
class NewUnit:
    """A unit a change creates (create; a merge into a new unit). `parent`: a unit code."""

    code: str
    name: str
    short_name: str = ""
    kind: str = Unit.Kind.GRASSROOTS
    gso_code: str = ""
    parent: str = ""


@dataclass(frozen=True)
class ChangeSpec:
    """One change as the admin form or a file row states it, units by code (a file's row can
    name a unit an earlier row creates)."""

    kind: str
    date: dt.date
    document_number: str
    document_date: dt.date | None = None
    document_body: str = ""
    sources: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    shares: tuple[Share, ...] = ()
    new_unit: NewUnit | None = None
    new_parent: str = ""
    new_name: str = ""
    new_short_name: str = ""
    move_children: bool = False
    notes: str = ""


class TreeChangeInvalid(ServiceError):
    """A change refused; `errors` lists every reason (a file's: {row: [reasons]})."""

    def __init__(self, errors: list[str] | dict[int, list[str]]):
        self.errors = errors
        if isinstance(errors, dict):
            row, reasons = next(iter(sorted(errors.items())))
            first = _("Dòng %(row)s: %(reason)s") % {"row": row, "reason": reasons[0]}
        else:
            first = errors[0]
        super().__init__(first)


@dataclass
class TreePlan:
    """What a file's rows do (`described`, by row) or why not (`errors`, by row)."""

    described: dict[int, str] = field(default_factory=dict)
    errors: dict[int, list[str]] = field(default_factory=dict)


def _validity(unit: Unit) -> str:
    return _("hiệu lực %(start)s – %(end)s") % {
        "start": format_date(unit.valid_from) if unit.valid_from else "…",
        "end": format_date(unit.valid_to) if unit.valid_to else "…",
    }


class _Change:
    """One change being checked then applied: the units it names, locked, and its reasons to
    refuse, gathered before anything is written."""

    def __init__(self, user, spec: ChangeSpec):
        self.user, self.spec = user, spec
        self.errors: list[str] = []
        self.day_before = spec.date - dt.timedelta(days=1)
        # The units' history reason: the kind's code and the document, in no language.
        self.reason = f"{spec.kind}: {spec.document_number}"[:100]
        codes = {*spec.sources, *spec.targets, spec.new_parent}
        if spec.new_unit:
            codes.add(spec.new_unit.parent)
        codes.discard("")
        found = {u.code: u for u in Unit.objects.select_for_update().filter(code__in=codes)}
        self.allowed = None
        if not user.is_superuser:
            self.allowed = set(
                Unit.objects.reviewable_by(user)
                .filter(code__in=found)
                .values_list("code", flat=True)
            )
        self.units: dict[str, Unit] = {}
        for code in sorted(codes):
            if code not in found:
                self.errors.append(_("Không có đơn vị mã “%(code)s”.") % {"code": code})
            elif self.allowed is not None and code not in self.allowed:
                self.errors.append(
                    _("Đơn vị “%(unit)s” không thuộc tỉnh bạn quản lý.") % {"unit": found[code]}
                )
            else:
                self.units[code] = found[code]

    def unit(self, code: str) -> Unit | None:
        return self.units.get(code)

    def sources(self) -> list[Unit]:
        return [self.units[c] for c in self.spec.sources if c in self.units]

    def targets(self) -> list[Unit]:
        return [self.units[c] for c in self.spec.targets if c in self.units]

    def refuse(self, message: str, **names) -> None:
        self.errors.append(message % names if names else message)

    def raise_if_refused(self) -> None:
        if self.errors:
            raise TreeChangeInvalid(list(dict.fromkeys(self.errors)))

    # --- checks ---------------------------------------------------------------------------

    def count(self, what: tuple[str, ...], low: int, high: int | None, message: str) -> None:
        if len(what) < low or (high is not None and len(what) > high):
            self.refuse(message)
        if len(set(what)) != len(what):
            self.refuse(_("Một đơn vị được nêu hai lần."))

    def check_across(self, unit: Unit) -> None:
        """`unit` exists on the day before and on the effective date (it is closed on D − 1)."""
        if not (unit.existed_on(self.day_before) and unit.existed_on(self.spec.date)):
            self.refuse(
                _(
                    "Đơn vị “%(unit)s” không hoạt động cả ngày %(before)s và ngày %(date)s "
                    "(%(validity)s): không thể đóng hay chuyển từ ngày %(date)s."
                ),
                unit=unit,
                before=format_date(self.day_before),
                date=format_date(self.spec.date),
                validity=_validity(unit),
            )

    def check_on(self, unit: Unit, role: str) -> None:
        if not unit.existed_on(self.spec.date):
            self.refuse(
                _("%(role)s “%(unit)s” không hoạt động vào ngày %(date)s (%(validity)s)."),
                role=role,
                unit=unit,
                date=format_date(self.spec.date),
                validity=_validity(unit),
            )

    def check_outside(self, unit: Unit, sources: list[Unit]) -> None:
        """No cycle: `unit` (a parent or target) is not under (or one of) the sources."""
        for source in sources:
            if unit.path.startswith(source.path):
                self.refuse(
                    _("“%(unit)s” nằm trong “%(source)s”: một đơn vị không thể nằm dưới chính nó."),
                    unit=unit,
                    source=source,
                )

    def check_children(self, source: Unit, taker: bool) -> None:
        alive = source.children.filter(valid_to__isnull=True) | source.children.filter(
            valid_to__gte=self.spec.date
        )
        names = sorted({c.name for c in alive})
        if names and not (self.spec.move_children and taker):
            self.refuse(
                _(
                    "“%(unit)s” còn đơn vị trực thuộc hoạt động từ ngày %(date)s (%(names)s): "
                    "hãy chọn “chuyển đơn vị trực thuộc” hoặc thay đổi chúng trước."
                ),
                unit=source,
                date=format_date(self.spec.date),
                names=", ".join(names[:5]) + ("…" if len(names) > 5 else ""),
            )

    def reports_after(self, source: Unit):
        return Report.objects.filter(unit=source, period__start_date__gte=self.spec.date)

    def check_reports_kept(self, source: Unit, taker: Unit | None) -> None:
        """A source's reports of periods beginning on or after D go to `taker`, without
        meeting a report it has of the same period; without a taker there may be none."""
        after = list(self.reports_after(source).select_related("period"))
        if not after:
            return
        if taker is None:
            self.refuse(
                _(
                    "“%(unit)s” đã có báo cáo kỳ %(period)s, sau ngày %(date)s: chọn ngày khác "
                    "hoặc chuyển báo cáo trước."
                ),
                unit=source,
                period=after[0].period.label,
                date=format_date(self.spec.date),
            )
            return
        if taker.pk is None:
            return
        clash = Report.objects.filter(
            unit=taker,
            period__in=[r.period_id for r in after],
            movement__in=[r.movement_id for r in after],
        ).select_related("period")
        for report in clash:
            if any(
                r.period_id == report.period_id and r.movement_id == report.movement_id
                for r in after
            ):
                self.refuse(
                    _("Cả “%(unit)s” và “%(target)s” đã có báo cáo kỳ %(period)s."),
                    unit=source,
                    target=taker,
                    period=report.period.label,
                )

    def new_unit(self, parent: Unit | None) -> Unit | None:
        """The unit `spec.new_unit` describes, checked, not yet saved."""
        new = self.spec.new_unit
        if new is None:
            self.refuse(_("Thiếu mã và tên của đơn vị mới."))
            return None
        if parent is None and not self.user.is_superuser:
            self.refuse(_("Chọn đơn vị cấp trên của đơn vị mới."))
        unit = Unit(
            code=new.code,
            name=new.name,
            short_name=new.short_name or new.name,
            kind=new.kind,
            gso_code=new.gso_code,
            parent=parent,
            valid_from=self.spec.date,
        )
        try:
            unit.full_clean(exclude=["path", "parent"])
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                label = Unit._meta.get_field(field_name).verbose_name
                self.errors.extend(f"{label}: {m}" for m in messages)
        if parent is not None:
            self.check_on(parent, _("Đơn vị cấp trên"))
        return unit

    def check_shares(self, targets: list[Unit]) -> None:
        shares = self.spec.shares
        if not shares:
            return
        if len(shares) != len(targets):
            self.refuse(_("Cần một tỷ lệ cho mỗi đơn vị tách ra (%(n)s)."), n=len(targets))
            return
        percents = [s.percent for s in shares if s.percent is not None]
        if any(p < 0 or p > HUNDRED for p in percents):
            self.refuse(_("Tỷ lệ phải từ 0 đến 100 %."))
        elif len(percents) == len(shares) and sum(percents) != HUNDRED:
            self.refuse(
                _("Tổng tỷ lệ các đơn vị tách ra phải bằng 100 %% (đang là %(sum)s %%)."),
                sum=format_number(sum(percents), 2).rstrip("0").rstrip(","),
            )
        if any(s.members is not None and s.members < 0 for s in shares):
            self.refuse(_("Số đoàn viên không được âm."))

    # --- writes ---------------------------------------------------------------------------

    def save(self, unit: Unit) -> None:
        """Unit.save (the stored totals kept), its history row saying which change and
        document made it."""
        unit._change_reason = self.reason
        unit.save()

    def close(self, unit: Unit) -> None:
        unit.valid_to = self.day_before
        self.save(unit)

    def children_to(self, source: Unit, taker: Unit) -> None:
        if not self.spec.move_children:
            return
        for child in source.children.exclude(valid_to__lt=self.spec.date):
            child.refresh_from_db()
            child.parent = taker
            self.save(child)

    def refile(self, source: Unit, taker: Unit) -> int:
        """Re-file `source`'s reports of periods beginning on or after D to `taker`."""
        ids = list(
            self.reports_after(source)
            .select_for_update(of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        reports = Report.objects.filter(pk__in=ids)
        with rollup_kept(reports, units=[taker.pk]):
            rows = list(reports)
            for report in rows:
                report.unit = taker
            bulk_update_with_history(
                rows,
                Report,
                ["unit"],
                default_user=self.user,
                default_change_reason=ChangeReason.REFILED,
            )
        return len(ids)
