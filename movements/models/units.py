"""The units and their tree, the peer groups they are compared in, and who belongs to which unit
(memberships, and the accounts a staff member manages)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..access import readable_units, subtrees
from ..sanitise import validate_line, validate_text

if TYPE_CHECKING:
    from .movement import Period


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
        whatever the role, and of the units those succeed (`access.readable_units`).
        """
        if user.is_authenticated and user.is_active and user.is_superuser:
            return self.all()
        units, earlier = readable_units(user)
        if not units:
            return self.none()
        return self.filter(subtrees(u.path for u in [*units, *earlier]))

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
    nor staff, with memberships that all lie in units the staff member reviews. An account with
    no membership belongs to no province: only to superusers, and to the staff member who
    added it in the admin (the admin's log says who), to set it up. Never the staff member's
    own account.
    """
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    User = get_user_model()
    accounts = User.objects
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return accounts.none()
    if user.is_superuser:
        return accounts.all()
    reviewed = Unit.objects.reviewable_by(user)
    if not reviewed.exists():
        return accounts.none()
    inside = Membership.objects.filter(unit__in=reviewed).values("user_id")
    outside = Membership.objects.exclude(unit__in=reviewed).values("user_id")
    added = LogEntry.objects.filter(
        user=user, action_flag=ADDITION, content_type=ContentType.objects.get_for_model(User)
    ).values_list("object_id", flat=True)
    being_set_up = Q(pk__in=[int(pk) for pk in added if pk.isdigit()]) & ~Q(
        pk__in=Membership.objects.values("user_id")
    )
    return accounts.filter(
        Q(pk__in=inside) | being_set_up, is_superuser=False, is_staff=False
    ).exclude(pk__in=outside)


def shared_rows_managed_by(user) -> bool:
    """Whether `user` may add, change or delete what every province shares (movements and their
    stages, indicator groups, indicators, periods): a superuser, or staff who review every root
    unit (the province of an installation with one). Other staff only read them: a period
    opened or an indicator changed by one province would be opened or changed for all."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    roots = Unit.objects.filter(parent__isnull=True)
    return roots.exists() and not roots.exclude(pk__in=Unit.objects.reviewable_by(user)).exists()


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
    def official_ordering(cls, prefix: str = "") -> list:
        """The official order as order_by() terms (the same as official_key); `prefix` for
        another model's query ordered by its unit ("report__unit__")."""
        kind, gso_code, path = f"{prefix}kind", f"{prefix}gso_code", f"{prefix}path"
        group = models.Case(
            *[
                models.When(**{kind: value}, then=rank)
                for value, rank in cls.OFFICIAL_GROUPS.items()
            ],
            default=len(cls.OFFICIAL_GROUPS),
            output_field=models.IntegerField(),
        )
        district = Q(**{f"{kind}__in": cls.DISTRICT_LEVEL})
        code = models.Case(models.When(district, then=gso_code), default=models.Value(""))
        no_code = models.Case(
            models.When(district & ~Q(**{gso_code: ""}), then=models.Value(False)),
            default=models.Value(True),
            output_field=models.BooleanField(),
        )
        grassroots = models.Case(
            models.When(**{kind: cls.Kind.GRASSROOTS}, then=path), default=models.Value("")
        )
        return [group, no_code, code, grassroots, f"{prefix}sort_order", path]

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
        and is not a root unit, whose figures are the sum of its units'. So a unit closed on
        30/6/2025 reports its half year in the year 2025 and is due for nothing after, and the
        unit succeeding it on 1/7/2025 reports its own half of 2025 and every year after; with
        half-year periods, 2025-H1 and 2025-H2 respectively."""
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
