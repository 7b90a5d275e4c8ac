from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Indicator,
    IndicatorGroup,
    Membership,
    Movement,
    Period,
    PublishedFigure,
    Report,
    Stage,
    Unit,
    Value,
    accounts_managed_by,
)
from .services.rollups import RollupChange

admin.site.site_header = _("Phong trào — quản trị Tỉnh Đoàn")
admin.site.site_title = pgettext_lazy("app name", "Phong trào")
admin.site.index_title = _("Quản trị số liệu phong trào")


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history page answers 404, not a server error, for an id that
    is not one (simple_history looks the id up without checking it)."""

    def history_view(self, request, object_id, extra_context=None):
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError as error:
            raise Http404 from error
        return super().history_view(request, object_id, extra_context)


class RollupKeptAdmin(HistoryAdmin):
    """Admin saves and deletions of reports and values keep the stored totals (`Rollup`) in
    step, in the same transaction: the counted values of the reports concerned (locked) are
    read before each write and the difference is added after it. `_report_ids` names them."""

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
            rollups.apply(Report.objects.filter(pk__in=self._report_ids([obj])))

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            rollups = self._change([form.instance])
            super().save_related(request, form, formsets, change)
            rollups.apply()

    def delete_model(self, request, obj):
        with transaction.atomic():
            rollups = self._change([obj])
            super().delete_model(request, obj)
            rollups.apply()

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            rollups = self._change(queryset)
            super().delete_queryset(request, queryset)
            rollups.apply()


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
    (accounts_managed_by) in the units they review: they can neither see nor give a role to
    themselves, another staff member or a superuser, nor a role outside their units."""

    def get_queryset(self, request):
        memberships = super().get_queryset(request)
        if request.user.is_superuser:
            return memberships
        return memberships.filter(
            user__in=accounts_managed_by(request.user),
            unit__in=Unit.objects.reviewable_by(request.user),
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            if db_field.name == "user":
                kwargs["queryset"] = accounts_managed_by(request.user)
            elif db_field.name == "unit":
                kwargs["queryset"] = Unit.objects.reviewable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MembershipInline(MembershipScope, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class AccountMembershipInline(MembershipScope, admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
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


@admin.register(Membership)
class MembershipAdmin(MembershipScope, admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]


class IndicatorGroupInline(admin.TabularInline):
    model = IndicatorGroup
    extra = 0


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["name", "first_year", "last_year", "order"]


@admin.register(Movement)
class MovementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "start_year", "end_year", "period_kind"]
    search_fields = ["code", "name"]
    inlines = [StageInline, IndicatorGroupInline]


@admin.register(IndicatorGroup)
class IndicatorGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "numbering", "movement", "order"]
    list_filter = ["movement"]
    search_fields = ["name", "code"]
    list_select_related = ["movement"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "group", "measure", "kind", "aggregation", "is_headline"]
    list_filter = ["movement", "group", "kind", "aggregation", "is_headline"]
    search_fields = ["name", "short_name", "code"]
    list_select_related = ["group", "movement"]
    autocomplete_fields = ["numerator", "denominator", "part_of"]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
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


class ValueInline(admin.TabularInline):
    model = Value
    extra = 0
    fields = ["indicator", "value", "comment"]
    autocomplete_fields = ["indicator"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator", "indicator__group")


@admin.register(Report)
class ReportAdmin(RollupKeptAdmin):
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

    def _report_ids(self, objects) -> set[int]:
        return {r.pk for r in objects if r.pk is not None}


@admin.register(Value)
class ValueAdmin(RollupKeptAdmin):
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
class PublishedFigureAdmin(admin.ModelAdmin):
    list_display = ["indicator", "unit", "value", "qualifier", "start_year", "end_year", "document"]
    list_filter = ["document", "unit", "indicator__group"]
    search_fields = ["indicator__name", "quote", "document"]
    list_select_related = ["indicator", "unit"]
    autocomplete_fields = ["indicator", "unit"]


admin.site.unregister(get_user_model())
admin.site.unregister(Group)


@admin.register(get_user_model())
class AccountAdmin(UserAdmin):
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
