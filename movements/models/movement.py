"""What a movement asks: its periods, stages, indicator groups and indicators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..formatting import format_number, format_years
from ..sanitise import validate_line, validate_text
from .units import PeerGroup


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
    comparison_threshold = models.PositiveSmallIntegerField(
        _("ngưỡng so sánh (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Một năm chỉ được so sánh với năm khác khi ít nhất tỷ lệ này của các đơn vị phải báo "
            "cáo đã có báo cáo được tính; dưới ngưỡng, trang ghi “chưa đủ số liệu”."
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
            models.CheckConstraint(
                condition=Q(comparison_threshold__gte=1, comparison_threshold__lte=100),
                name="movement_threshold_percent",
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
    has periods, within a stage or not. A stage's `legal_basis` (the plans and letters its
    báo cáo answer) stands before the movement's, which is the fallback."""

    movement = models.ForeignKey(
        Movement, verbose_name=_("phong trào"), on_delete=models.CASCADE, related_name="stages"
    )
    name = models.CharField(_("tên giai đoạn"), max_length=100, validators=[validate_line])
    first_year = models.PositiveSmallIntegerField(_("từ năm"))
    last_year = models.PositiveSmallIntegerField(_("đến năm"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    legal_basis = models.TextField(
        _("căn cứ của báo cáo"),
        blank=True,
        validators=[validate_text],
        help_text=_(
            "Các văn bản mà báo cáo của giai đoạn thực hiện, mỗi dòng một đoạn. Để trống: căn cứ "
            "của phong trào."
        ),
    )

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
    # Sanity bounds of one report's figure, for every unit; IndicatorBound narrows them for a
    # peer group. Outside them the form, the Excel import and the review warn (rules.py).
    min_value = models.BigIntegerField(
        _("giá trị hợp lý tối thiểu"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Cảnh báo khi số liệu của một báo cáo nhỏ hơn số này. Với chỉ tiêu tiền: số tiền "
            "nhỏ nhất thường gặp, tính bằng đồng (0 đồng, tức là không có, không bị cảnh báo); "
            "một số quá nhỏ được hỏi lại “500 đồng hay 500 triệu đồng?”."
        ),
    )
    max_value = models.BigIntegerField(
        _("giá trị hợp lý tối đa"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Cảnh báo khi số liệu của một báo cáo lớn hơn số này."),
    )
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
    requires = models.ForeignKey(
        "self",
        verbose_name=_("chỉ có khi chỉ tiêu này lớn hơn 0"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Cảnh báo khi số liệu lớn hơn 0 mà chỉ tiêu này bằng 0 (ví dụ: trị giá lò đốt rác "
            "khi số lò đốt rác là 0)."
        ),
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
        if self.requires_id is not None:
            required = self.requires
            if (
                required.pk == self.pk
                or required.kind == self.Kind.RATIO
                or required.movement_id != self.movement_id
            ):
                raise ValidationError(
                    {
                        "requires": _(
                            "Hãy chọn một chỉ tiêu khác của cùng phong trào, được nhập số liệu "
                            "(không phải chỉ tiêu tỷ lệ)."
                        )
                    }
                )


class IndicatorBound(models.Model):
    """The sanity bounds of an indicator's figure in one report of a unit of a peer group
    (district-level units, directly affiliated branches, grassroots units): a blank side takes
    the indicator's own min_value or max_value. Read with the indicators
    (selectors.entry_indicators, as `peer_bounds`), checked by rules.values_check."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.CASCADE, related_name="bounds"
    )
    peer_group = models.CharField(_("nhóm đơn vị"), max_length=16, choices=PeerGroup.choices)
    min_value = models.BigIntegerField(
        _("tối thiểu"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    max_value = models.BigIntegerField(
        _("tối đa"), null=True, blank=True, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("giới hạn hợp lý theo nhóm đơn vị")
        verbose_name_plural = _("giới hạn hợp lý theo nhóm đơn vị")
        ordering = ["indicator", "peer_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "peer_group"], name="indicator_bound_unique"
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
                name="indicator_bound_order",
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True) | Q(min_value__gte=0),
                name="indicator_bound_min_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} — {self.get_peer_group_display()}"

    def clean(self):
        if self.min_value is None and self.max_value is None:
            raise ValidationError(_("Hãy nhập giá trị tối thiểu, tối đa hoặc cả hai."))
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.max_value < self.min_value
        ):
            raise ValidationError(
                {"max_value": _("Giá trị tối đa không được nhỏ hơn giá trị tối thiểu.")}
            )
        # A blank side takes the indicator's own bound: the range must still hold together.
        try:
            indicator = self.indicator
        except ObjectDoesNotExist:
            indicator = None
        low = (
            self.min_value if self.min_value is not None else getattr(indicator, "min_value", None)
        )
        high = (
            self.max_value if self.max_value is not None else getattr(indicator, "max_value", None)
        )
        if low is not None and high is not None and high < low:
            raise ValidationError(
                _(
                    "Khoảng hợp lý sẽ là từ %(low)s đến %(high)s (ô để trống lấy giới hạn chung "
                    "của chỉ tiêu): tối thiểu lớn hơn tối đa. Hãy sửa lại."
                )
                % {"low": format_number(low), "high": format_number(high)}
            )
