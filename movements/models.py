"""The movement's data: units, indicators, periods, reports and their values.

A value belongs to the unit that did the work, never to its parents: a unit's figure is the sum
over its subtree, found through `Unit.path` (the ids from the root, "/1/5/").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import nonmember

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Count, F, Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .access import subtrees
from .formatting import format_years
from .sanitise import validate_line, validate_text


def existed_during_q(start, end, prefix: str = "") -> Q:
    """The condition that a unit existed on some day from `start` to `end` (dates, or
    expressions such as F("period__start_date")): created by `end`, not dissolved before
    `start`. `prefix` leads to the unit from the query's model ("unit__" on a Report query).
    `Unit.existed_during` is the same rule on a loaded unit."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": end})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": start})
    )


class UnitQuerySet(models.QuerySet):
    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        """The unit and every unit below it."""
        return self.filter(path__startswith=unit.path)

    def existed_during(self, start, end) -> UnitQuerySet:
        """Units that existed on some day from `start` to `end` (`existed_during_q`)."""
        return self.filter(existed_during_q(start, end))

    def existing_on(self, day: dt.date) -> UnitQuerySet:
        """Units that existed on `day` (created on or before it, not yet dissolved)."""
        return self.existed_during(day, day)

    def _membership_subtrees(self, user, roles) -> UnitQuerySet:
        if not user.is_authenticated or not user.is_active:
            return self.none()
        paths = list(
            Membership.objects.filter(user=user, role__in=roles).values_list(
                "unit__path", flat=True
            )
        )
        if not paths:
            return self.none()
        return self.filter(subtrees(paths))

    def visible_to(self, user) -> UnitQuerySet:
        """Units whose figures and reports `user` may read.

        Superusers read everything; anyone else reads the subtrees of their memberships,
        whatever the role.
        """
        if user.is_authenticated and user.is_active and user.is_superuser:
            return self.all()
        return self._membership_subtrees(user, Membership.Role.values)

    def editable_by(self, user) -> UnitQuerySet:
        """Units whose reports `user` may enter: exactly the units they are secretary of."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(
            memberships__user=user, memberships__role=Membership.Role.SECRETARY
        ).distinct()

    def in_official_order(self) -> UnitQuerySet:
        """The units in the order of the province's reports (Unit.OFFICIAL_ORDER)."""
        return self.order_by(*Unit.official_ordering())

    def reviewable_by(self, user) -> UnitQuerySet:
        """Units whose reports `user` may approve, return or reopen: reviewer subtrees."""
        if user.is_authenticated and user.is_active and user.is_superuser:
            return self.all()
        return self._membership_subtrees(user, [Membership.Role.REVIEWER])


def accounts_managed_by(user) -> models.QuerySet:
    """Accounts whose names, active flag, password and memberships `user` may change in the
    admin: every account for a superuser; for other staff, accounts that are neither superuser
    nor staff and whose memberships all lie in units the staff member reviews (accounts with
    no membership yet included: they are being set up). Never the staff member's own account.
    """
    from django.contrib.auth import get_user_model

    accounts = get_user_model().objects
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return accounts.none()
    if user.is_superuser:
        return accounts.all()
    reviewed = Unit.objects.reviewable_by(user)
    if not reviewed.exists():
        return accounts.none()
    outside = Membership.objects.exclude(unit__in=reviewed).values("user_id")
    return accounts.filter(is_superuser=False, is_staff=False).exclude(pk__in=outside)


class Unit(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("Tỉnh Đoàn")
        CITY = "city", _("Thành Đoàn")
        TOWN = "town", _("Thị Đoàn")
        DISTRICT = "district", _("Huyện Đoàn")
        BRANCH = "branch", _("Đoàn trực thuộc")
        GRASSROOTS = "grassroots", _("Cơ sở Đoàn")

    # The district-level kinds: huyện, thị, thành Đoàn (the peer group PeerGroup.DISTRICT).
    DISTRICT_LEVEL = (Kind.CITY, Kind.TOWN, Kind.DISTRICT)

    code = models.SlugField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=200, validators=[validate_line])
    short_name = models.CharField(_("tên ngắn"), max_length=100, validators=[validate_line])
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    gso_code = models.CharField(
        _("mã đơn vị hành chính (TCTK)"), max_length=10, blank=True, validators=[validate_line]
    )
    valid_from = models.DateField(_("thành lập từ"), null=True, blank=True)
    valid_to = models.DateField(_("hoạt động đến"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    # The unit's usual signature and recipients, remembered from its last báo cáo.
    signer_title = models.CharField(
        _("chức vụ người ký"),
        max_length=80,
        blank=True,
        validators=[validate_line],
        help_text=_("Ví dụ: PHÓ BÍ THƯ."),
    )
    signer_name = models.CharField(
        _("họ tên người ký"), max_length=80, blank=True, validators=[validate_line]
    )
    recipients = models.TextField(
        _("nơi nhận"),
        blank=True,
        validators=[validate_text],
        help_text=_("Mỗi dòng một nơi nhận; dòng cuối là “Lưu VP”."),
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # The one order of units in tables, selects, charts, exports and the admin: the province,
    # the district-level units by official (GSO) code, the branches, then grassroots units
    # (grouped under their parent by path); within a group by sort order, then path.
    OFFICIAL_GROUPS = {
        Kind.PROVINCE: 0,
        Kind.CITY: 1,
        Kind.TOWN: 1,
        Kind.DISTRICT: 1,
        Kind.BRANCH: 2,
        Kind.GRASSROOTS: 3,
    }

    @property
    def official_key(self) -> tuple:
        """The sort key of the official order, for units already loaded:
        sorted(units, key=lambda u: u.official_key)."""
        group = self.OFFICIAL_GROUPS.get(self.kind, len(self.OFFICIAL_GROUPS))
        code = self.gso_code if group == 1 else ""
        path = self.path if group == 3 else ""
        return (group, code == "", code, path, self.sort_order, self.path)

    @classmethod
    def official_ordering(cls) -> list:
        """The official order as order_by() terms (the same as official_key)."""
        group = models.Case(
            *[models.When(kind=kind, then=rank) for kind, rank in cls.OFFICIAL_GROUPS.items()],
            default=len(cls.OFFICIAL_GROUPS),
            output_field=models.IntegerField(),
        )
        district = Q(kind__in=cls.DISTRICT_LEVEL)
        code = models.Case(models.When(district, then="gso_code"), default=models.Value(""))
        no_code = models.Case(
            models.When(district & ~Q(gso_code=""), then=models.Value(False)),
            default=models.Value(True),
            output_field=models.BooleanField(),
        )
        grassroots = models.Case(
            models.When(kind=cls.Kind.GRASSROOTS, then="path"), default=models.Value("")
        )
        return [group, no_code, code, grassroots, "sort_order", "path"]

    @property
    def peer_group(self) -> PeerGroup | None:
        """The group the unit is compared with (`PeerGroup`); None for the province."""
        return PeerGroup.of_kind(self.kind)

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("Đơn vị không thể nằm dưới chính nó.")})
            ancestor = ancestor.parent

    def existed_on(self, day: dt.date) -> bool:
        return self.existed_during(day, day)

    def existed_during(self, start: dt.date, end: dt.date) -> bool:
        """Whether the unit existed on some day from `start` to `end`: `existed_during_q` on a
        loaded unit, without a query."""
        return (self.valid_from is None or self.valid_from <= end) and (
            self.valid_to is None or self.valid_to >= start
        )

    def reports_in(self, period: Period) -> bool:
        """Whether the unit files a report for `period`: it existed during the period, even for
        part of it (Giang Thành, founded 29/6/2009, reports for 2009 the work of its months),
        and is not a root unit, whose figures are the sum of its units'."""
        return self.parent_id is not None and self.existed_during(
            period.start_date, period.end_date
        )

    def path_in_tree(self) -> str:
        """The path the unit's place gives it: its parent's path, then its own id."""
        return f"{self.parent.path if self.parent else '/'}{self.pk}/"

    @transaction.atomic
    def save(self, *args, **kwargs):
        # One transaction with the work of the save's receivers (services.receivers): they
        # lock the unit and keep the stored totals and report counts in step.
        old_path = self.path
        super().save(*args, **kwargs)
        new_path = self.path_in_tree()
        if new_path != old_path:
            Unit.objects.filter(pk=self.pk).update(path=new_path)
            self.path = new_path
            if old_path:
                # Moving a unit moves its subtree: rewrite the descendants' paths.
                for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    Unit.objects.filter(pk=child.pk).update(
                        path=new_path + child.path[len(old_path) :]
                    )


class PeerGroup(models.TextChoices):
    """The groups of units compared like with like, and drawn in one colour each: the
    district-level units (huyện, thị, thành Đoàn), the directly affiliated branches (Đoàn trực
    thuộc), the grassroots units. The province is in none. In this order in every list."""

    DISTRICT = "district", _("Huyện, thị, thành Đoàn")
    BRANCH = "branch", pgettext_lazy("peer group", "Đoàn trực thuộc")
    GRASSROOTS = "grassroots", _("Cơ sở Đoàn")

    @property
    def kinds(self) -> tuple[str, ...]:
        """The unit kinds in the group."""
        return _PEER_KINDS[self.value]

    @classmethod
    def of_kind(cls, kind: str) -> PeerGroup | None:
        """The group of units of `kind`; None for the province."""
        return next((group for group in cls if kind in group.kinds), None)

    @classmethod
    def position(cls, group: str | None) -> int:
        """Where `group` comes in the groups' order (unknown groups last): a sort key."""
        return cls.values.index(group) if group in cls.values else len(cls.values)

    def units_q(self, prefix: str = "") -> Q:
        """The condition that a unit is in the group (`prefix` leads to the unit)."""
        return Q(**{f"{prefix}kind__in": self.kinds})

    @classmethod
    def of_kind_sql(cls, kind_field: str = "kind") -> models.Case:
        """`Unit.peer_group` in SQL, from the unit's kind field `kind_field` (NULL for the
        province)."""
        return models.Case(
            *(
                models.When(**{f"{kind_field}__in": g.kinds}, then=models.Value(g.value))
                for g in cls
            ),
            default=None,
            output_field=models.CharField(),
        )


_PEER_KINDS = {
    PeerGroup.DISTRICT.value: tuple(Unit.DISTRICT_LEVEL),
    PeerGroup.BRANCH.value: (Unit.Kind.BRANCH,),
    PeerGroup.GRASSROOTS.value: (Unit.Kind.GRASSROOTS,),
}


class Membership(models.Model):
    class Role(models.TextChoices):
        SECRETARY = "secretary", _("Bí thư / văn phòng (nhập số liệu)")
        REVIEWER = "reviewer", _("Duyệt báo cáo")
        VIEWER = "viewer", _("Chỉ xem")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit.short_name}"


class Period(models.Model):
    class Kind(models.TextChoices):
        YEAR = "year", _("Năm")
        HALF = "half", _("6 tháng")
        QUARTER = "quarter", _("Quý")

    kind = models.CharField(_("loại kỳ"), max_length=8, choices=Kind.choices, default=Kind.YEAR)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveSmallIntegerField(
        _("số thứ tự trong năm"), default=0, help_text=_("0 cho kỳ năm; 1–2 cho 6 tháng; 1–4 quý.")
    )
    start_date = models.DateField(_("từ ngày"), editable=False)
    end_date = models.DateField(_("đến ngày"), editable=False)
    deadline = models.DateField(_("hạn nộp"), null=True, blank=True)
    open_for_entry = models.BooleanField(_("đang mở nhập liệu"), default=False)

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["year", "kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "number"], name="period_unique"),
            models.CheckConstraint(
                condition=(Q(kind="year") & Q(number=0))
                | (Q(kind="half") & Q(number__gte=1) & Q(number__lte=2))
                | (Q(kind="quarter") & Q(number__gte=1) & Q(number__lte=4)),
                name="period_number_fits_kind",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990) & Q(year__lte=2100), name="period_year_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def code(self) -> str:
        """'2012', '2012-H1' or '2012-Q3': the form used in URLs and files."""
        if self.kind == self.Kind.HALF:
            return f"{self.year}-H{self.number}"
        if self.kind == self.Kind.QUARTER:
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    @property
    def label(self) -> str:
        if self.kind == self.Kind.HALF:
            return (
                _("6 tháng đầu %(year)s") if self.number == 1 else _("6 tháng cuối %(year)s")
            ) % {"year": self.year}
        if self.kind == self.Kind.QUARTER:
            return _("Quý %(n)s/%(year)s") % {"n": self.number, "year": self.year}
        return str(self.year)

    @staticmethod
    def bounds(kind: str, year: int, number: int) -> tuple[dt.date, dt.date]:
        months = {"year": 12, "half": 6, "quarter": 3}[kind]
        # A number that does not fit the kind is clamped here; the check constraint refuses it.
        first_month = 1 + (min(max(number, 1), 12 // months) - 1) * months
        start = dt.date(year, first_month, 1)
        last_month = first_month + months - 1
        end = (
            dt.date(year, 12, 31)
            if last_month == 12
            else dt.date(year, last_month + 1, 1) - dt.timedelta(days=1)
        )
        return start, end

    @classmethod
    def parse_code(cls, code: str) -> tuple[str, int, int] | None:
        """('year'|'half'|'quarter', year, number) for a period code, or None if malformed."""
        text = (code or "").strip().upper()
        year_part, _sep, rest = text.partition("-")
        # ASCII digits only: "¹²³⁴".isdigit() is true but int() refuses it.
        if not (year_part.isascii() and year_part.isdigit()) or len(year_part) != 4:
            return None
        year = int(year_part)
        if not rest:
            return cls.Kind.YEAR, year, 0
        if len(rest) == 2 and rest[0] == "H" and rest[1] in "12":
            return cls.Kind.HALF, year, int(rest[1])
        if len(rest) == 2 and rest[0] == "Q" and rest[1] in "1234":
            return cls.Kind.QUARTER, year, int(rest[1])
        return None

    @transaction.atomic
    def save(self, *args, **kwargs):
        # One transaction with the work of the save's receivers (services.receivers): they
        # lock the period and keep the report counts in step with its dates and deadline.
        self.start_date, self.end_date = self.bounds(self.kind, self.year, self.number)
        super().save(*args, **kwargs)


DEFAULT_MOVEMENT = "3tn"  # the movement a page shows when none is chosen


class MovementQuerySet(models.QuerySet):
    def default(self) -> Movement | None:
        """The movement shown when none is chosen: DEFAULT_MOVEMENT, else the first by code."""
        return self.filter(code=DEFAULT_MOVEMENT).first() or self.order_by("code").first()

    def chosen(self, code: str | None) -> Movement | None:
        """The movement with `code` when there is one, else the default movement."""
        return (self.filter(code=code).first() if code else None) or self.default()


class Movement(models.Model):
    code = models.SlugField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên phong trào"), max_length=200, validators=[validate_line])
    full_name = models.CharField(
        _("tên đầy đủ"),
        max_length=300,
        blank=True,
        validators=[validate_line],
        help_text=_(
            "Như trong tiêu đề báo cáo, ví dụ: phong trào “3 trách nhiệm” trong cán bộ, công chức."
        ),
    )
    description = models.TextField(_("mô tả"), blank=True, validators=[validate_text])
    start_year = models.PositiveSmallIntegerField(_("giai đoạn từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))
    period_kind = models.CharField(
        _("kỳ nhập liệu"), max_length=8, choices=Period.Kind.choices, default=Period.Kind.YEAR
    )
    legal_basis = models.TextField(
        _("căn cứ của báo cáo"),
        blank=True,
        validators=[validate_text],
        help_text=_(
            "Các văn bản mà báo cáo thực hiện (“Thực hiện Công văn số …”), mỗi dòng một đoạn."
        ),
    )

    class Meta:
        verbose_name = _("phong trào")
        verbose_name_plural = _("phong trào")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="movement_stage_order"
            ),
        ]

    objects = MovementQuerySet.as_manager()

    def __str__(self) -> str:
        return self.name

    @property
    def stage_label(self) -> str:
        return format_years(self.start_year, self.end_year)


class Stage(models.Model):
    """A stage of a movement (2009–2013, then 2014–2018, …). The movement's start_year and
    end_year are its first stage, the view a page shows by default; pages accept any year that
    has periods, within a stage or not."""

    movement = models.ForeignKey(
        Movement, verbose_name=_("phong trào"), on_delete=models.CASCADE, related_name="stages"
    )
    name = models.CharField(_("tên giai đoạn"), max_length=100, validators=[validate_line])
    first_year = models.PositiveSmallIntegerField(_("từ năm"))
    last_year = models.PositiveSmallIntegerField(_("đến năm"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("giai đoạn")
        verbose_name_plural = _("giai đoạn")
        ordering = ["movement", "order", "first_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")), name="stage_years_order"
            ),
            models.UniqueConstraint(fields=["movement", "first_year"], name="stage_unique_start"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return format_years(self.first_year, self.last_year)


class IndicatorGroup(models.Model):
    movement = models.ForeignKey(
        Movement, verbose_name=_("phong trào"), on_delete=models.CASCADE, related_name="groups"
    )
    code = models.SlugField(_("mã"), max_length=64)
    name = models.CharField(_("tên phần"), max_length=200, validators=[validate_line])
    numbering = models.CharField(
        _("số mục trong báo cáo"), max_length=10, blank=True, validators=[validate_line]
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("nhóm chỉ tiêu")
        verbose_name_plural = _("nhóm chỉ tiêu")
        ordering = ["movement", "order"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "code"], name="group_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorQuerySet(models.QuerySet):
    def stored(self) -> IndicatorQuerySet:
        """Indicators that have values of their own (counts and money, not ratios)."""
        return self.exclude(kind=Indicator.Kind.RATIO)


class Indicator(models.Model):
    class Kind(models.TextChoices):
        COUNT = "count", _("Số lượng")
        MONEY = "money", _("Tiền (đồng)")
        RATIO = "ratio", _("Tỷ lệ (tính từ hai chỉ tiêu)")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Cộng dồn qua các kỳ")
        LAST = "last", _("Lấy số cuối kỳ")

    movement = models.ForeignKey(
        Movement, verbose_name=_("phong trào"), on_delete=models.CASCADE, related_name="indicators"
    )
    group = models.ForeignKey(
        IndicatorGroup,
        verbose_name=_("nhóm"),
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    code = models.SlugField(_("mã"), max_length=64)
    name = models.CharField(_("tên chỉ tiêu"), max_length=300, validators=[validate_line])
    short_name = models.CharField(
        _("tên ngắn"), max_length=120, blank=True, validators=[validate_line]
    )
    measure = models.CharField(_("đơn vị tính"), max_length=40, validators=[validate_line])
    kind = models.CharField(_("loại"), max_length=8, choices=Kind.choices, default=Kind.COUNT)
    aggregation = models.CharField(
        _("cộng theo thời gian"),
        max_length=8,
        choices=Aggregation.choices,
        default=Aggregation.SUM,
    )
    numerator = models.ForeignKey(
        "self",
        verbose_name=_("tử số"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    denominator = models.ForeignKey(
        "self",
        verbose_name=_("mẫu số"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    part_of = models.ForeignKey(
        "self",
        verbose_name=_("là một phần của"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        help_text=_("Giá trị không được lớn hơn chỉ tiêu này (ví dụ: số đăng ký ≤ tổng số)."),
    )
    min_value = models.BigIntegerField(_("giá trị hợp lý tối thiểu"), null=True, blank=True)
    max_value = models.BigIntegerField(_("giá trị hợp lý tối đa"), null=True, blank=True)
    # Plausibility against the unit's past: warnings the user confirms with the same tick as
    # the bounds above (rules.plausibility_check).
    change_ratio = models.DecimalField(
        _("hệ số thay đổi bất thường so với kỳ trước"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal("3"),
        validators=[MinValueValidator(Decimal("1"))],
        help_text=_(
            "Cảnh báo khi số liệu lớn hơn (hoặc nhỏ hơn) số kỳ trước quá số lần này. Để trống "
            "để không kiểm tra. Chỉ tiêu lấy số cuối kỳ dùng tỷ lệ thay đổi bên dưới."
        ),
    )
    stock_change_share = models.DecimalField(
        _("tỷ lệ thay đổi bất thường của số cuối kỳ"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal("0.3"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "Với chỉ tiêu lấy số cuối kỳ (như số đoàn viên): cảnh báo khi số liệu tăng hoặc "
            "giảm quá phần này so với kỳ trước (0,3 = 30%). Để trống để không kiểm tra."
        ),
    )
    change_min = models.PositiveBigIntegerField(
        _("mức thay đổi nhỏ nhất đáng cảnh báo"),
        default=20,
        help_text=_("Thay đổi nhỏ hơn mức này so với kỳ trước không bị cảnh báo."),
    )
    members = models.ForeignKey(
        "self",
        verbose_name=_("so với số người của chỉ tiêu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Cảnh báo khi số liệu lớn hơn số của chỉ tiêu này (thường là số đoàn viên) nhân "
            "với hệ số bên dưới."
        ),
    )
    members_factor = models.DecimalField(
        _("hệ số so với số người"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_headline = models.BooleanField(_("chỉ tiêu chính của phần"), default=False)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["group__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "code"], name="indicator_code_unique"),
            models.CheckConstraint(
                condition=(
                    Q(kind="ratio") & Q(numerator__isnull=False) & Q(denominator__isnull=False)
                )
                | (~Q(kind="ratio") & Q(numerator__isnull=True) & Q(denominator__isnull=True)),
                name="indicator_ratio_has_parts",
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
                name="indicator_bounds_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def clean(self):
        if self.group_id and self.movement_id and self.group.movement_id != self.movement_id:
            raise ValidationError({"group": _("Nhóm phải thuộc cùng phong trào.")})
        if self.kind == self.Kind.RATIO and not (self.numerator_id and self.denominator_id):
            raise ValidationError(_("Chỉ tiêu tỷ lệ cần có tử số và mẫu số."))
        if self.kind != self.Kind.RATIO and (self.numerator_id or self.denominator_id):
            raise ValidationError(_("Chỉ chỉ tiêu tỷ lệ mới có tử số và mẫu số."))


class ReportQuerySet(models.QuerySet):
    def approved(self) -> ReportQuerySet:
        return self.filter(status=Report.Status.APPROVED)

    def counted(self, include_submitted: bool = False) -> ReportQuerySet:
        """Reports whose figures dashboards count (`Report.Status.counted`): approved, plus
        submitted when asked."""
        return self.filter(status__in=Report.Status.counted(include_submitted))

    def visible_to(self, user) -> ReportQuerySet:
        return self.filter(unit__in=Unit.objects.visible_to(user))

    def editable_by(self, user) -> ReportQuerySet:
        return self.filter(unit__in=Unit.objects.editable_by(user))

    def reviewable_by(self, user) -> ReportQuerySet:
        return self.filter(unit__in=Unit.objects.reviewable_by(user))

    def editable(self) -> ReportQuerySet:
        """Reports whose unit may still change the figures: drafts and returned reports."""
        return self.filter(status__in=Report.Status.EDITABLE)

    def awaiting_review(self) -> ReportQuerySet:
        """Submitted reports, which a reviewer approves or returns."""
        return self.filter(status__in=Report.Status.REVIEWABLE)


def of_existing_units() -> Q:
    """On a Report query: the report's unit existed on some day of its period
    (`existed_during_q`). Reports that completeness counts."""
    return existed_during_q(F("period__start_date"), F("period__end_date"), prefix="unit__")


def submission_counts() -> dict[str, Count]:
    """On a Report aggregate: how many were submitted by their period's deadline (`on_time`)
    and how many after it (`late`), in local days; without a deadline, neither."""
    submitted = Q(submitted_at__isnull=False, period__deadline__isnull=False)
    return {
        "on_time": Count("pk", filter=submitted & Q(submitted_at__date__lte=F("period__deadline"))),
        "late": Count("pk", filter=submitted & Q(submitted_at__date__gt=F("period__deadline"))),
    }


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        SUBMITTED = "submitted", _("Đã gửi, chờ duyệt")
        APPROVED = "approved", _("Đã duyệt")
        RETURNED = "returned", _("Trả lại để sửa")

        # The workflow: the unit changes its figures in a draft or a returned report, submits
        # it, and a reviewer approves it (locked; provincial staff may reopen it) or returns it.
        EDITABLE = nonmember(frozenset({"draft", "returned"}))
        REVIEWABLE = nonmember(frozenset({"submitted"}))
        LOCKED = nonmember(frozenset({"approved"}))
        # Whose figures the dashboards count: approved reports, and submitted ones too when the
        # reader asks (the "include submitted" switch). The stored totals hold both.
        COUNTED = nonmember(("approved",))
        COUNTED_ON_REQUEST = nonmember(("submitted",))

        @classmethod
        def counted(cls, include_submitted: bool = False) -> tuple[str, ...]:
            """The statuses whose figures count: approved, plus submitted when asked."""
            return cls.COUNTED + (cls.COUNTED_ON_REQUEST if include_submitted else ())

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="reports"
    )
    period = models.ForeignKey(
        Period, verbose_name=_("kỳ"), on_delete=models.PROTECT, related_name="reports"
    )
    movement = models.ForeignKey(
        Movement, verbose_name=_("phong trào"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    highlights = models.TextField(_("kết quả nổi bật"), blank=True, validators=[validate_text])
    shortcomings = models.TextField(_("hạn chế, tồn tại"), blank=True, validators=[validate_text])
    return_reason = models.TextField(
        _("lý do trả lại / mở lại"), blank=True, validators=[validate_text]
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("trả lại lúc"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lại"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    is_demo = models.BooleanField(_("dữ liệu minh hoạ"), default=False)

    history = HistoricalRecords()
    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("báo cáo đơn vị")
        verbose_name_plural = _("báo cáo đơn vị")
        ordering = ["period__year", "period__kind", "period__number", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "movement"], name="report_unique_per_unit_period"
            ),
        ]
        indexes = [
            models.Index(fields=["movement", "period", "status"], name="report_mv_period_status"),
            models.Index(fields=["status"], name="report_status"),
            # Every page asks whether demo reports exist: found in the index, not by reading
            # every report when there are none.
            models.Index(fields=["is_demo"], name="report_demo", condition=Q(is_demo=True)),
        ]

    def __str__(self) -> str:
        return f"{self.unit.short_name} — {self.period.label}"

    @property
    def is_locked(self) -> bool:
        """Approved: nothing changes until provincial staff reopen it."""
        return self.status in self.Status.LOCKED

    @property
    def is_reviewable(self) -> bool:
        """Submitted: waiting for a reviewer to approve or return it."""
        return self.status in self.Status.REVIEWABLE

    @property
    def is_returned(self) -> bool:
        return self.status == self.Status.RETURNED

    @property
    def is_editable(self) -> bool:
        """Whether the unit may change the figures now: a draft or a returned report, and a
        report not yet started (not saved) in a period open for entry, for a unit that reports
        in it. Who may change them is `selectors.report_access`."""
        return not self.edit_refusal()

    def edit_refusal(self, statuses: frozenset[str] = Status.EDITABLE) -> str:
        """Why the figures cannot change now, as told to the user; "" when they can.

        `statuses` are those that take new figures: draft and returned; a provincial workbook
        also writes submitted reports.
        """
        if self.pk is None:
            if not self.period.open_for_entry:
                return gettext("Kỳ %(period)s chưa mở (hoặc đã đóng) nhập liệu.") % {
                    "period": self.period.label
                }
            if not self.unit.reports_in(self.period):
                return gettext("%(unit)s không báo cáo trong kỳ %(period)s.") % {
                    "unit": self.unit.name,
                    "period": self.period.label,
                }
            return ""
        if self.status in statuses:
            return ""
        if self.is_locked:
            return gettext("Báo cáo của %(unit)s đã được duyệt và khoá, không sửa được.") % {
                "unit": self.unit.name
            }
        return gettext(
            "Báo cáo của %(unit)s đã gửi, đang chờ duyệt nên không sửa được; chỉ sửa được khi "
            "được trả lại."
        ) % {"unit": self.unit.name}


class ChangeReason(models.TextChoices):
    """Why a report or a value changed, as the services store it in the history: in Vietnamese,
    whatever the user's language; the label shows it in the reader's language. A return and a
    reopening are stored followed by the reviewer's own words (`with_text`)."""

    STARTED = "Bắt đầu nhập", pgettext_lazy("change reason", "Bắt đầu nhập")
    STARTED_FROM_FILE = (
        "Bắt đầu nhập (tệp Excel)",
        pgettext_lazy("change reason", "Bắt đầu nhập (tệp Excel)"),
    )
    VALUES_SAVED = "Lưu số liệu", pgettext_lazy("change reason", "Lưu số liệu")
    DRAFT_SAVED = "Lưu nháp", pgettext_lazy("change reason", "Lưu nháp")
    SUBMITTED = "Gửi duyệt", pgettext_lazy("change reason", "Gửi duyệt")
    APPROVED = "Duyệt", pgettext_lazy("change reason", "Duyệt")
    APPROVED_TOGETHER = (
        "Duyệt (cùng lúc nhiều báo cáo)",
        pgettext_lazy("change reason", "Duyệt (cùng lúc nhiều báo cáo)"),
    )
    IMPORTED = "Nhập từ tệp Excel", pgettext_lazy("change reason", "Nhập từ tệp Excel")
    DEMO = "Dữ liệu minh hoạ", pgettext_lazy("change reason", "Dữ liệu minh hoạ")
    RETURNED = "Trả lại: ", pgettext_lazy("change reason", "Trả lại: %(reason)s")
    REOPENED = "Mở lại: ", pgettext_lazy("change reason", "Mở lại: %(reason)s")

    @property
    def takes_text(self) -> bool:
        """Whether the reason is stored followed by the reviewer's words (return, reopening)."""
        return self in (ChangeReason.RETURNED, ChangeReason.REOPENED)

    def with_text(self, text: str) -> str:
        """The stored reason of a return or a reopening: its prefix, then the reviewer's words."""
        return f"{self.value}{text}"

    @classmethod
    def shown(cls, stored: str | None) -> str:
        """A stored reason in the active language; the reviewer's own words stay as typed, and a
        reason this class does not know (older rows, the admin) is shown as stored."""
        if not stored:
            return ""
        for reason in cls:
            if reason.takes_text and stored.startswith(reason.value):
                return str(reason.label) % {"reason": stored[len(reason.value) :]}
            if stored == reason.value:
                return str(reason.label)
        return stored


class Value(models.Model):
    report = models.ForeignKey(
        Report, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.PROTECT, related_name="values"
    )
    value = models.BigIntegerField(_("số liệu"))
    comment = models.CharField(_("ghi chú"), max_length=500, blank=True, validators=[validate_line])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("số liệu")
        verbose_name_plural = _("số liệu")
        ordering = ["indicator__group__order", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="value_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="value_not_negative"),
        ]
        indexes = [
            models.Index(fields=["indicator", "report"], name="value_indicator_report"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.label}: {self.value}"


class PublishedFigure(models.Model):
    """A total as an official document published it, to reconcile unit data against."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("chỉ tiêu"),
        on_delete=models.PROTECT,
        related_name="published_figures",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị (phạm vi)"),
        on_delete=models.PROTECT,
        related_name="published_figures",
    )
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))
    value = models.BigIntegerField(
        _("số công bố"), help_text=_("Với chỉ tiêu tỷ lệ: phần trăm (100 nghĩa là 100%).")
    )
    qualifier = models.CharField(
        _("cách nói"),
        max_length=20,
        blank=True,
        help_text=_("Ví dụ: “trên”, “khoảng”."),
        validators=[validate_line],
    )
    document = models.CharField(_("văn bản"), max_length=100, validators=[validate_line])
    document_date = models.DateField(_("ngày văn bản"))
    quote = models.TextField(_("câu trích"), validators=[validate_text])
    order = models.PositiveSmallIntegerField(_("thứ tự trong văn bản"), default=0)

    class Meta:
        verbose_name = _("số liệu đã công bố")
        verbose_name_plural = _("số liệu đã công bố")
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "start_year", "end_year", "document"],
                name="published_figure_unique",
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="published_years_order"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="published_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.label} ({self.unit.short_name}): {self.value}"


class Rollup(models.Model):
    """A stored total: the sum of the values of `indicator` in the reports of `status` for
    `period` over `unit`'s subtree (the unit itself included), and how many values it holds.

    Kept in step by `services.rollups` in the same transaction as every write that changes a
    counted value (approved or submitted reports) or the tree; dashboards read it instead of
    scanning the subtree. A row exists exactly where `entries` > 0. `rebuild_rollups --check`
    compares it with the values.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Report.Status.choices)
    total = models.BigIntegerField()
    entries = models.IntegerField()  # plain: a delta row may carry a negative count

    class Meta:
        verbose_name = _("tổng đã cộng sẵn")
        verbose_name_plural = _("tổng đã cộng sẵn")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "indicator", "status"], name="rollup_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["period", "unit"], name="rollup_period_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.period_id}/{self.indicator_id}/{self.status}: {self.total}"


class ReportTally(models.Model):
    """A stored count: how many reports of `movement` for `period` are in `status` over
    `unit`'s subtree (the unit itself included), counting the reports of units that existed
    during the period (`of_existing_units`); of them, how many were submitted by the deadline
    and how many after it (`submission_counts`).

    Kept in step by `services.rollups` with the rollups (every write to reports, a unit moved
    or its dates changed, a period's deadline changed); the completeness pages read it instead
    of counting the subtree's reports. A row exists exactly where `reports` > 0.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Report.Status.choices)
    reports = models.IntegerField()  # plain: a delta row may carry a negative count
    on_time = models.IntegerField()
    late = models.IntegerField()

    class Meta:
        verbose_name = _("số báo cáo đã đếm sẵn")
        verbose_name_plural = _("số báo cáo đã đếm sẵn")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "movement", "status"], name="tally_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["period", "unit"], name="tally_period_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.period_id}/{self.movement_id}/{self.status}: {self.reports}"
