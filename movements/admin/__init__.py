"""The Django admin for provincial staff: every page scoped to the provinces the user reviews
(`ProvinceScope`); the tree changes' pages in `tree`."""

from django.contrib import admin
from django.contrib.admin.filters import FieldListFilter, RelatedFieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from ..models import (
    Indicator,
    IndicatorBound,
    IndicatorGroup,
    Membership,
    Movement,
    PeerGroup,
    Period,
    PublishedFigure,
    Report,
    ReportFlag,
    Stage,
    Unit,
    Value,
    accounts_managed_by,
    shared_rows_managed_by,
)
from ..services.flags import report_flags_store
from ..services.rollups import RollupChange

admin.site.site_header = _("Phong trào — quản trị Tỉnh Đoàn")
admin.site.site_title = pgettext_lazy("app name", "Phong trào")
admin.site.index_title = _("Quản trị số liệu phong trào")


class ScopedChoices:
    """For staff who are not superusers, the choices of a foreign key (and the rows a form
    accepts for it) are the rows the related model's admin lists for them: units and reports of
    their provinces, the accounts they manage. Autocomplete asks the same admin."""

    def get_field_queryset(self, db, db_field, request):
        related = self.admin_site._registry.get(db_field.remote_field.model)
        if request.user.is_superuser or related is None:
            return super().get_field_queryset(db, db_field, request)
        return related.get_queryset(request).using(db)


class ScopedRelatedFilter(RelatedFieldListFilter):
    """A list filter on a relation offers, to staff who are not superusers, only the rows the
    related model's admin lists for them: no other province's unit in a sidebar."""

    def field_choices(self, field, request, model_admin):
        related = model_admin.admin_site._registry.get(field.related_model)
        if request.user.is_superuser or related is None:
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        rows = related.get_queryset(request).values("pk")
        return field.get_choices(
            include_blank=False, limit_choices_to={"pk__in": rows}, ordering=ordering
        )


# Every admin's filters on relations, those of Django's and other apps' admins too.
FieldListFilter.register(lambda f: f.remote_field, ScopedRelatedFilter, take_priority=True)


class ScopedRows(ScopedChoices):
    """A row is a staff member's to view, change or delete only if their own list holds it
    (`get_queryset`): another's row answers as a missing one (the change and delete pages) or
    403 (history, permission checks)."""

    def _holds(self, request, obj) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        # Asked several times a page (view, change, delete): once per row and request.
        held = request.__dict__.setdefault("_admin_rows_held", {})
        key = (self.model._meta.label, obj.pk)
        if key not in held:
            held[key] = self.get_queryset(request).filter(pk=obj.pk).exists()
        return held[key]

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._holds(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._holds(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._holds(request, obj)


class ProvinceScope(ScopedRows):
    """Staff who are not superusers manage the rows of the units they review
    (`Unit.objects.reviewable_by`: the subtrees of their provinces), reached from the model by
    `unit_field` ("" for units themselves). Rows with no unit (`unit_field = None`) are shared
    by every province: read by all staff, changed only by those who manage every province
    (`shared_rows_managed_by`)."""

    unit_field: str | None = None

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser or self.unit_field is None:
            return rows
        lookup = f"{self.unit_field}__in" if self.unit_field else "pk__in"
        return rows.filter(**{lookup: Unit.objects.reviewable_by(request.user)})

    def _may_write(self, request) -> bool:
        if self.unit_field is not None:
            return True
        if not hasattr(request, "_shared_rows_managed"):  # asked many times a page
            request._shared_rows_managed = shared_rows_managed_by(request.user)
        return request._shared_rows_managed

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self._may_write(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_write(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_write(request)


class HistoryAdmin(ProvinceScope, SimpleHistoryAdmin):
    """SimpleHistoryAdmin, scoped to the staff member's provinces, whose history page answers
    404, not a server error, for an id that is not one (simple_history looks the id up without
    checking it), and whose page of one past version (which can revert it) shows only a row
    the staff member may view and reverts it only for one who may change it."""

    def history_view(self, request, object_id, extra_context=None):
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError as error:
            raise Http404 from error
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not request.user.is_superuser:
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                raise Http404
            if request.method == "POST" and not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class RollupKeptAdmin(HistoryAdmin):
    """Admin saves and deletions of reports and values keep the stored totals (`Rollup`) in
    step, in the same transaction: the counted values of the reports concerned (locked) are
    read before each write and the difference is added after it. `_report_ids` names them.
    The flags of those that are then submitted or approved are stored again
    (`services.flags`)."""

    def _report_ids(self, objects) -> set[int]:
        raise NotImplementedError

    def _change(self, objects) -> RollupChange:
        ids = self._report_ids(objects)
        list(
            Report.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .order_by()
            .values_list("pk")
        )
        return RollupChange(Report.objects.filter(pk__in=ids))

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            rollups = self._change([obj])
            super().save_model(request, obj, form, change)
            reports = Report.objects.filter(pk__in=self._report_ids([obj]))
            rollups.apply(reports)
            report_flags_store(reports)

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            rollups = self._change([form.instance])
            super().save_related(request, form, formsets, change)
            rollups.apply()
            report_flags_store(rollups.reports)

    def delete_model(self, request, obj):
        with transaction.atomic():
            rollups = self._change([obj])
            super().delete_model(request, obj)
            rollups.apply()
            report_flags_store(rollups.reports)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            rollups = self._change(queryset)
            super().delete_queryset(request, queryset)
            rollups.apply()
            report_flags_store(rollups.reports)


class DateHierarchyChangeList(ChangeList):
    """A year of the date hierarchy too large for a date (?submitted_at__year=9999999999) is an
    incorrect parameter (the admin says so), not a server error."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class MembershipScope:
    """For staff who are not superusers, memberships are those of the accounts they manage
    (accounts_managed_by): they can neither see nor give a role to themselves, another staff
    member or a superuser. (The units, and the accounts offered, are their admins' rows.)"""

    def get_queryset(self, request):
        memberships = super().get_queryset(request)
        if request.user.is_superuser:
            return memberships
        return memberships.filter(user__in=accounts_managed_by(request.user))


class MembershipInline(MembershipScope, ScopedChoices, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class AccountMembershipInline(MembershipScope, ScopedChoices, admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Unit)
class UnitAdmin(ProvinceScope, admin.ModelAdmin):
    unit_field = ""
    list_display = ["tree_name", "code", "kind", "gso_code", "valid_from", "valid_to"]
    list_filter = ["kind"]
    # The official order, here and in every list filter and autocomplete that lists units.
    ordering = Unit.official_ordering()
    search_fields = ["name", "short_name", "code", "gso_code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path"]
    inlines = [MembershipInline]

    @admin.display(description=_("đơn vị"), ordering="path")
    def tree_name(self, obj):
        return ("— " * obj.depth) + obj.name

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        parent = form.base_fields.get("parent")
        if parent is None or request.user.is_superuser:
            return form
        # Staff put a unit under one of their units, or leave it where it is: no unit moves
        # into or out of another province, and no new province begins (a root stays one).
        parent.required = obj is None or obj.parent_id is not None
        if obj is not None and obj.parent_id is not None:
            parent.queryset = Unit.objects.filter(
                Q(pk__in=parent.queryset.values("pk")) | Q(pk=obj.parent_id)
            ).order_by(*self.ordering)
        return form


@admin.register(Membership)
class MembershipAdmin(MembershipScope, ProvinceScope, admin.ModelAdmin):
    unit_field = "unit"
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]


class IndicatorGroupInline(ScopedChoices, admin.TabularInline):
    model = IndicatorGroup
    extra = 0


class StageInline(ScopedChoices, admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["name", "first_year", "last_year", "order", "legal_basis"]


@admin.register(Movement)
class MovementAdmin(ProvinceScope, admin.ModelAdmin):
    list_display = ["code", "name", "start_year", "end_year", "period_kind"]
    search_fields = ["code", "name"]
    inlines = [StageInline, IndicatorGroupInline]


@admin.register(IndicatorGroup)
class IndicatorGroupAdmin(ProvinceScope, admin.ModelAdmin):
    list_display = ["name", "numbering", "movement", "order"]
    list_filter = ["movement"]
    search_fields = ["name", "code"]
    list_select_related = ["movement"]


class IndicatorBoundInline(admin.TabularInline):
    """An indicator's sanity bounds by peer group (district-level units, branches, grassroots
    units), edited on the indicator's page by whoever may change the indicator: like it, they
    hold for every province."""

    model = IndicatorBound
    extra = 0
    max_num = len(PeerGroup.choices)
    fields = ["peer_group", "min_value", "max_value"]

    def _may_write(self, request) -> bool:
        return self.admin_site._registry[Indicator]._may_write(request)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may_write(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_write(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_write(request)


@admin.register(Indicator)
class IndicatorAdmin(ProvinceScope, admin.ModelAdmin):
    list_display = ["name", "code", "group", "measure", "kind", "aggregation", "is_headline"]
    list_filter = ["movement", "group", "kind", "aggregation", "is_headline"]
    search_fields = ["name", "short_name", "code"]
    list_select_related = ["group", "movement"]
    autocomplete_fields = ["numerator", "denominator", "part_of", "members", "requires"]
    inlines = [IndicatorBoundInline]


@admin.register(Period)
class PeriodAdmin(ProvinceScope, admin.ModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "year",
        "start_date",
        "end_date",
        "deadline",
        "open_for_entry",
    ]
    list_filter = ["kind", "year", "open_for_entry"]
    search_fields = ["year"]
    list_editable = ["deadline", "open_for_entry"]


class ValueInline(ScopedChoices, admin.TabularInline):
    model = Value
    extra = 0
    fields = ["indicator", "value", "comment"]
    autocomplete_fields = ["indicator"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator", "indicator__group")


@admin.register(Report)
class ReportAdmin(RollupKeptAdmin):
    unit_field = "unit"
    list_display = [
        "unit",
        "period",
        "movement",
        "status",
        "submitted_at",
        "approved_at",
        "is_demo",
    ]
    list_filter = ["status", "movement", "period", "unit__kind", "unit", "is_demo"]
    search_fields = ["unit__name", "unit__short_name", "unit__code"]
    list_select_related = ["unit", "period", "movement"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["created_at", "updated_at", "version"]
    date_hierarchy = "submitted_at"
    inlines = [ValueInline]

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        # Who sent, approved or returned a report is the workflow's record: not for staff to
        # rewrite (nor are all those accounts theirs to choose).
        return [*fields, "submitted_by", "approved_by", "returned_by"]

    def _report_ids(self, objects) -> set[int]:
        return {r.pk for r in objects if r.pk is not None}


@admin.register(Value)
class ValueAdmin(RollupKeptAdmin):
    unit_field = "report__unit"
    list_display = ["indicator", "report", "value", "comment"]
    list_filter = ["indicator__group", "report__period", "report__status", "report__unit"]
    search_fields = ["indicator__name", "indicator__code", "report__unit__name"]
    list_select_related = ["indicator", "report__unit", "report__period"]
    autocomplete_fields = ["report", "indicator"]

    def _report_ids(self, objects) -> set[int]:
        """The reports of the values as stored (before a change of report) and as given."""
        stored = {v.pk for v in objects if v.pk is not None}
        ids = set(Value.objects.filter(pk__in=stored).values_list("report_id", flat=True))
        return ids | {v.report_id for v in objects if v.report_id is not None}


@admin.register(PublishedFigure)
class PublishedFigureAdmin(ProvinceScope, admin.ModelAdmin):
    unit_field = "unit"
    list_display = ["indicator", "unit", "value", "qualifier", "start_year", "end_year", "document"]
    list_filter = ["document", "unit", "indicator__group"]
    search_fields = ["indicator__name", "quote", "document"]
    list_select_related = ["indicator", "unit"]
    autocomplete_fields = ["indicator", "unit"]


class ProvinceFilter(admin.SimpleListFilter):
    """The province (root unit) a row's unit lies in: the provinces whose units the staff
    member reviews, none other offered or accepted."""

    title = _("tỉnh")
    parameter_name = "tinh"
    unit_path = "report__unit__path"

    def lookups(self, request, model_admin):
        roots = Unit.objects.filter(parent__isnull=True).order_by(*Unit.official_ordering())
        if request.user.is_superuser:
            return [(root.code, root.short_name) for root in roots]
        paths = list(Unit.objects.reviewable_by(request.user).values_list("path", flat=True))
        return [
            (root.code, root.short_name)
            for root in roots
            if any(path.startswith(root.path) for path in paths)
        ]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() not in {code for code, _name in self.lookup_choices}:
            return queryset.none()
        root = Unit.objects.get(code=self.value(), parent__isnull=True)
        return queryset.filter(**{f"{self.unit_path}__startswith": root.path})


@admin.register(ReportFlag)
class ReportFlagAdmin(ProvinceScope, admin.ModelAdmin):
    """What the rules found in the reports when they were submitted, to read: the rules store
    the flags (services.flags) and reviewers mark them on the review pages, not here."""

    unit_field = "report__unit"
    list_display = ["report", "kind", "subject", "found", "follow_up"]
    list_filter = ["report__status", ProvinceFilter, "kind", "follow_up", "report__period"]
    search_fields = ["report__unit__name", "report__unit__short_name", "indicator__name"]
    list_select_related = ["report__unit", "report__period", "group", "indicator"]
    date_hierarchy = "created_at"

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList

    @admin.display(description=_("phần / chỉ tiêu"))
    def subject(self, obj):
        return obj.indicator.label if obj.indicator_id else obj.group.name

    @admin.display(description=_("nội dung"))
    def found(self, obj):
        # The list stays a list: the whole text is on the flag's own page.
        return Truncator(" ".join(obj.shown)).chars(90)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(get_user_model())
admin.site.unregister(Group)


@admin.register(get_user_model())
class AccountAdmin(ScopedRows, UserAdmin):
    """Django's account admin for superusers. Other staff (the provincial office) see only the
    accounts they manage (accounts_managed_by: never a superuser, another staff member or
    their own) and change only names, e-mail, the active flag, the password and memberships:
    the superuser and staff flags, groups and permissions are not even in their forms."""

    inlines = [AccountMembershipInline]
    STAFF_FIELDSETS = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("first_name", "last_name", "email")}),
        (_("Trạng thái"), {"fields": ("is_active", "last_login", "date_joined")}),
    )

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # memberships once the account exists

    def get_queryset(self, request):
        accounts = super().get_queryset(request)
        if request.user.is_superuser:
            return accounts
        return accounts.filter(pk__in=accounts_managed_by(request.user))

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.STAFF_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("last_login", "date_joined")

    def get_list_filter(self, request):
        if request.user.is_superuser:
            return super().get_list_filter(request)
        return ("is_active",)


@admin.register(Group)
class StaffGroupAdmin(GroupAdmin):
    """Groups carry permissions: only superusers add, change or delete them."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


# The tree changes' admin registers itself; it builds on the scopes above.
from . import tree  # noqa: E402, F401
