"""The admin of tree changes (services.tree): entered in a form or loaded from a file, the tree
as of a date, the units of a province from the official catalogue."""

import io
import secrets

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from .. import tree_file
from ..formatting import format_date
from ..models import (
    Succession,
    TreeChange,
    TreeChangeUnit,
    Unit,
)
from ..selectors.tree import tree_on
from ..services import ServiceError, catalogue, tree
from . import DateHierarchyChangeList


class TreeChangeForm(forms.ModelForm):
    """A change as provincial staff enter it; `clean` tries it (nothing kept) so that every
    reason to refuse it shows on the form, in Vietnamese."""

    sources = forms.ModelMultipleChoiceField(
        Unit.objects.none(),
        label=_("Đơn vị nguồn"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Giải thể, đổi tên, chuyển, chia tách: một đơn vị; hợp nhất: từ hai đơn vị (giữ "
            "phím Ctrl để chọn nhiều)."
        ),
    )
    targets = forms.ModelMultipleChoiceField(
        Unit.objects.none(),
        label=_("Đơn vị đích"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Hợp nhất vào một đơn vị có sẵn, hoặc để trống và điền mã, tên đơn vị mới; chia "
            "tách: các đơn vị tách ra (thành lập trước)."
        ),
    )
    shares = forms.CharField(
        label=_("Tỷ lệ"),
        required=False,
        max_length=200,
        help_text=_(
            "Chia tách: mỗi đơn vị tách ra một tỷ lệ, theo thứ tự: “40%; 60%” hoặc số đoàn "
            "viên “1200; 800”."
        ),
    )
    new_code = forms.SlugField(label=_("Mã đơn vị mới"), required=False, max_length=64)
    new_kind = forms.ChoiceField(
        label=_("Loại đơn vị mới"), choices=Unit.Kind.choices, initial=Unit.Kind.GRASSROOTS
    )
    new_gso_code = forms.CharField(label=_("Mã TCTK của đơn vị mới"), required=False, max_length=10)
    # Declared, so that the admin does not offer to add or edit a unit from here.
    new_parent = forms.ModelChoiceField(
        Unit.objects.none(), label=_("Đơn vị cấp trên mới"), required=False
    )

    class Meta:
        model = TreeChange
        fields = [
            "kind",
            "effective_date",
            "document_number",
            "document_date",
            "document_body",
            "sources",
            "targets",
            "shares",
            "new_code",
            "new_name",
            "new_short_name",
            "new_kind",
            "new_gso_code",
            "new_parent",
            "move_children",
            "notes",
        ]
        help_texts = {
            "new_parent": _(
                "Thành lập, hợp nhất vào đơn vị mới: cấp trên của nó; chuyển: cấp trên mới."
            ),
            "new_name": _("Đổi tên: tên mới; thành lập, hợp nhất vào đơn vị mới: tên đơn vị mới."),
            "document_number": _("Ví dụ: 60-NQ/TW."),
        }

    user = None  # set by TreeChangeAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = (
            Unit.objects.reviewable_by(self.user)
            if not self.user.is_superuser
            else Unit.objects.all()
        )
        units = units.order_by("path")
        for name in ("sources", "targets", "new_parent"):
            if name in self.fields:  # not on the page of a recorded change (read only)
                self.fields[name].queryset = units

    def spec(self) -> tree.ChangeSpec:
        data = self.cleaned_data
        kind = data.get("kind")
        parent = data.get("new_parent")
        new_unit = None
        if data.get("new_code"):
            new_unit = tree.NewUnit(
                code=data["new_code"],
                name=data.get("new_name", ""),
                short_name=data.get("new_short_name", ""),
                kind=data.get("new_kind") or Unit.Kind.GRASSROOTS,
                gso_code=data.get("new_gso_code", ""),
                parent=parent.code if parent else "",
            )
        return tree.ChangeSpec(
            kind=kind,
            date=data["effective_date"],
            document_number=data.get("document_number", ""),
            document_date=data.get("document_date"),
            document_body=data.get("document_body", ""),
            sources=tuple(u.code for u in data.get("sources") or ()),
            targets=tuple(u.code for u in data.get("targets") or ()),
            shares=self.shares,
            new_unit=new_unit,
            new_parent=parent.code if parent and kind == TreeChange.Kind.MOVE else "",
            new_name=data.get("new_name", "") if kind == TreeChange.Kind.RENAME else "",
            new_short_name=data.get("new_short_name", "") if kind == TreeChange.Kind.RENAME else "",
            move_children=bool(data.get("move_children")),
            notes=data.get("notes", ""),
        )

    def clean(self):
        data = super().clean()
        try:
            self.shares = tree_file.parse_shares(data.get("shares", ""))
        except ValueError as error:
            self.add_error("shares", str(error))
        if self.errors or not data.get("effective_date"):
            return data
        plan = tree.tree_changes_apply(user=self.user, rows=[(1, self.spec())], dry_run=True)
        for reason in plan.errors.get(1, []):
            self.add_error(None, reason)
        return data


class TreeChangePartInline(admin.TabularInline):
    model = TreeChangeUnit
    fields = ["role", "unit", "share_percent", "share_members"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SuccessionInline(TreeChangePartInline):
    model = Succession
    fields = ["predecessor", "successor", "effective_date", "share_percent", "share_members"]
    readonly_fields = fields


class TreeFileForm(forms.Form):
    file = forms.FileField(label=_("tệp .csv hoặc .xlsx"))


class TreeDateForm(forms.Form):
    ngay = forms.CharField(label=_("ngày"), max_length=40)

    def clean_ngay(self):
        try:
            return tree_file.parse_date(self.cleaned_data["ngay"])
        except ValueError as error:
            raise ValidationError(str(error)) from None


class CatalogueForm(forms.Form):
    province = forms.ChoiceField(label=_("tỉnh, thành phố (sau 1/7/2025)"))
    parent = forms.ModelChoiceField(Unit.objects.none(), label=_("đơn vị cấp trên"))
    effective_date = forms.DateField(label=_("ngày hiệu lực"), initial="1/7/2025")
    document_number = forms.CharField(label=_("số, ký hiệu văn bản"), max_length=60)
    document_date = forms.DateField(label=_("ngày văn bản"), required=False)
    document_body = forms.CharField(label=_("cơ quan ban hành"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = catalogue.catalogue_provinces()
        units = Unit.objects.all() if user.is_superuser else Unit.objects.reviewable_by(user)
        self.fields["parent"].queryset = units.order_by("path")


TREE_SESSION_KEY = "tree_file"


@admin.register(TreeChange)
class TreeChangeAdmin(admin.ModelAdmin):
    """Recorded changes of the tree: added (applied at once, through services.tree) or loaded
    from a file, never edited or deleted (the units' validity and parent follow from them).
    Staff who are not superusers see the changes of their provinces' units."""

    form = TreeChangeForm
    list_display = ["effective_date", "kind", "described", "document_number", "created_by"]
    list_filter = ["kind"]
    search_fields = ["document_number", "parts__unit__name", "notes"]
    date_hierarchy = "effective_date"
    inlines = [TreeChangePartInline, SuccessionInline]
    change_list_template = "admin/movements/treechange/change_list.html"

    def get_queryset(self, request):
        rows = (
            super()
            .get_queryset(request)
            .select_related("created_by", "new_parent")
            .prefetch_related("parts__unit")
        )
        if request.user.is_superuser:
            return rows
        mine = TreeChangeUnit.objects.filter(unit__in=Unit.objects.reviewable_by(request.user))
        return rows.filter(pk__in=mine.values("change_id"))

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList

    @admin.display(description=_("thay đổi"))
    def described(self, obj):
        return tree.describe(obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_fields(self, request, obj=None):
        if obj is not None:
            return ["kind", "effective_date", "document_number", "document_date",
                    "document_body", "move_children", "old_name", "new_name", "new_parent",
                    "notes", "created_by", "created_at"]  # fmt: skip
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_form(self, request, form, change):
        # Applied here, in the admin's transaction: the change recorded is the form's object.
        return tree.tree_change_apply(user=request.user, spec=form.spec())

    def save_model(self, request, obj, form, change):
        pass  # saved by save_form

    def save_related(self, request, form, formsets, change):
        pass

    # --- extra pages -----------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="movements_treechange_import"),
            path("import/confirm/", wrap(self.confirm_view), name="movements_treechange_confirm"),
            path(
                "import/template/", wrap(self.template_view), name="movements_treechange_template"
            ),
            path("tree/", wrap(self.tree_view), name="movements_treechange_tree"),
            path("catalogue/", wrap(self.catalogue_view), name="movements_treechange_catalogue"),
            *super().get_urls(),
        ]

    def _page(self, request, template, title, status=200, **context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **context,
        }
        return TemplateResponse(request, template, context, status=status)

    def _may_add(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied

    def import_view(self, request):
        self._may_add(request)
        if request.method != "POST":
            return self._page(
                request,
                "admin/movements/treechange/import.html",
                _("Nhập thay đổi cây đơn vị từ tệp"),
                form=TreeFileForm(),
                headers=tree_file.HEADERS,
            )
        form = TreeFileForm(request.POST, request.FILES)
        request.session.pop(TREE_SESSION_KEY, None)
        problem = None  # the form's own errors show beside its field
        if form.is_valid():
            try:
                data = tree_file.read_tree_file(form.cleaned_data["file"])
            except ServiceError as error:
                problem = str(error)
        if problem or form.errors:
            return self._page(
                request,
                "admin/movements/treechange/import.html",
                _("Nhập thay đổi cây đơn vị từ tệp"),
                status=400,
                form=form,
                problem=problem,
                headers=tree_file.HEADERS,
            )
        plan = tree.tree_changes_apply(user=request.user, rows=data.rows, dry_run=True)
        problems = sorted({**plan.errors, **data.problems}.items())
        token = ""
        if not problems:
            token = secrets.token_urlsafe(16)
            request.session[TREE_SESSION_KEY] = {"token": token, "cells": data.cells}
        return self._page(
            request,
            "admin/movements/treechange/preview.html",
            _("Xem trước thay đổi cây đơn vị"),
            filename=form.cleaned_data["file"].name,
            described=sorted(plan.described.items()),
            problems=problems,
            token=token,
        )

    def confirm_view(self, request):
        self._may_add(request)
        if request.method != "POST":
            return redirect("admin:movements_treechange_import")
        stored = request.session.pop(TREE_SESSION_KEY, None) or {}
        if not stored or stored.get("token") != request.POST.get("token"):
            self.message_user(
                request, _("Không tìm thấy tệp đã xem trước; hãy tải tệp lên lại."), messages.ERROR
            )
            return redirect("admin:movements_treechange_import")
        try:
            data = tree_file.parse_cells(stored["cells"])
            if data.problems:
                raise tree.TreeChangeInvalid(data.problems)
            plan = tree.tree_changes_apply(user=request.user, rows=data.rows)
        except ServiceError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect("admin:movements_treechange_import")
        self.message_user(
            request,
            _("Đã áp dụng %(n)s thay đổi cây đơn vị từ tệp.") % {"n": len(plan.described)},
            messages.SUCCESS,
        )
        return redirect("admin:movements_treechange_changelist")

    def template_view(self, request):
        self._may_add(request)
        book = Workbook()
        sheet = book.active
        sheet.title = str(_("Thay đổi"))
        for row in tree_file.template_rows():
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="thay-doi-cay-don-vi.xlsx"'
        return response

    def tree_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = TreeDateForm(request.GET or {"ngay": format_date(timezone.localdate())})
        if not form.is_valid():
            return self._page(
                request,
                "admin/movements/treechange/tree.html",
                _("Cây đơn vị theo ngày"),
                status=400,
                form=form,
                units=[],
            )
        day = form.cleaned_data["ngay"]
        units = (
            Unit.objects.all()
            if request.user.is_superuser
            else Unit.objects.visible_to(request.user)
        )
        return self._page(
            request,
            "admin/movements/treechange/tree.html",
            _("Cây đơn vị ngày %(day)s") % {"day": format_date(day)},
            form=form,
            day=day,
            units=tree_on(day, units),
        )

    def catalogue_view(self, request):
        self._may_add(request)
        form = CatalogueForm(request.POST or None, user=request.user)
        described, problems = [], []
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            rows = catalogue.catalogue_specs(
                province_code=data["province"],
                parent=data["parent"],
                date=data["effective_date"],
                document_number=data["document_number"],
                document_date=data["document_date"],
                document_body=data["document_body"],
            )
            if not rows:
                problems = [
                    (
                        None,
                        [
                            _(
                                "Mọi xã, phường, đặc khu của tỉnh này đã là đơn vị dưới "
                                "đơn vị cấp trên đã chọn."
                            )
                        ],
                    )
                ]
            elif request.POST.get("apply"):
                try:
                    plan = tree.tree_changes_apply(user=request.user, rows=rows)
                except tree.TreeChangeInvalid as error:
                    problems = sorted(error.errors.items())
                else:
                    self.message_user(
                        request,
                        _("Đã thành lập %(n)s đơn vị theo danh mục hành chính.")
                        % {"n": len(plan.described)},
                        messages.SUCCESS,
                    )
                    return redirect("admin:movements_treechange_changelist")
            else:
                plan = tree.tree_changes_apply(user=request.user, rows=rows, dry_run=True)
                described = sorted(plan.described.items())
                problems = sorted(plan.errors.items())
        return self._page(
            request,
            "admin/movements/treechange/catalogue.html",
            _("Thành lập đơn vị theo danh mục hành chính"),
            status=400 if request.method == "POST" and (form.errors or problems) else 200,
            form=form,
            described=described,
            problems=problems,
        )
