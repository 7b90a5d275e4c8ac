"""Entry and review pages. Each view checks access through the QuerySets of models.py, parses
input with a form, calls one service or selector, and renders."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import excel, selectors
from .forms import ReasonForm, ReportForm, UploadForm, field_name
from .models import Report, Unit
from .services import EditConflict, ServiceError, ValuesInvalid, imports, workflow


def _denied(request, message: str):
    return render(request, "movements/denied.html", {"message": message}, status=403)


class _Context:
    """The report a URL names, with what the signed-in user may do with it."""

    def __init__(self, request, unit_code: str, period_code: str):
        user = request.user
        self.unit = get_object_or_404(Unit.objects.visible_to(user), code=unit_code)
        self.period = selectors.period_from_code(period_code)
        if self.period is None:
            raise Http404(_("Không có kỳ báo cáo này."))
        self.movement = selectors.movement_for_period(self.period, request.GET.get("movement"))
        if self.movement is None:
            raise Http404(_("Không có phong trào nhập theo kỳ này."))
        self.report = (
            Report.objects.filter(unit=self.unit, period=self.period, movement=self.movement)
            .select_related("submitted_by", "approved_by", "returned_by")
            .first()
        )
        self.is_secretary = Unit.objects.editable_by(user).filter(pk=self.unit.pk).exists()
        self.is_reviewer = Unit.objects.reviewable_by(user).filter(pk=self.unit.pk).exists()
        self.can_reopen = self.is_reviewer and workflow.can_reopen(user)
        if self.report is None:
            self.can_edit = (
                self.is_secretary
                and self.period.open_for_entry
                and self.unit.reports_in(self.period)
            )
        else:
            self.can_edit = self.is_secretary and self.report.status in (
                Report.Status.DRAFT,
                Report.Status.RETURNED,
            )

    @property
    def why_not_editable(self) -> str:
        if self.report is not None:
            return _("Báo cáo đã gửi hoặc đã duyệt nên không sửa được.")
        if not self.unit.reports_in(self.period):
            return _("%(unit)s không báo cáo trong kỳ %(period)s.") % {
                "unit": self.unit.name,
                "period": self.period.label,
            }
        return _("Kỳ này chưa mở (hoặc đã đóng) nhập liệu.")

    @property
    def version(self) -> int:
        return self.report.version if self.report else 0

    def url(self, name: str = "report") -> str:
        return reverse(f"movements:{name}", args=[self.unit.code, self.period.code])


@login_required
@require_GET
def entry_list(request):
    rows = selectors.entry_rows(request.user)
    is_reviewer = Unit.objects.reviewable_by(request.user).exists()
    return render(request, "movements/entry_list.html", {"rows": rows, "is_reviewer": is_reviewer})


def _report_form(ctx: _Context, data=None) -> ReportForm:
    indicators = selectors.entry_indicators(ctx.movement)
    previous = selectors.previous_values(ctx.unit, ctx.period, ctx.movement)
    initial = None
    if data is None:
        values = selectors.report_values(ctx.report)
        initial = {field_name(i): values.get(i.code) for i in indicators}
        initial["version"] = ctx.version
        if ctx.report is not None:
            initial["highlights"] = ctx.report.highlights
            initial["shortcomings"] = ctx.report.shortcomings
    return ReportForm(data, initial=initial, indicators=indicators, previous=previous)


def _render_report(request, ctx: _Context, form: ReportForm | None = None, **extra):
    if form is None and ctx.can_edit:
        form = _report_form(ctx)
    rows = []
    if form is None:
        values = selectors.report_values(ctx.report)
        previous = selectors.previous_values(ctx.unit, ctx.period, ctx.movement)
        group = None
        for indicator in selectors.entry_indicators(ctx.movement):
            if indicator.group_id != group:
                group = indicator.group_id
                rows.append((indicator.group, []))
            rows[-1][1].append(
                (indicator, values.get(indicator.code), previous.get(indicator.code))
            )
    context = {
        "ctx": ctx,
        "report": ctx.report,
        "form": form,
        "readonly_sections": rows,
        "history": selectors.report_history(ctx.report) if ctx.report else [],
        "reason_form": ReasonForm(initial={"version": ctx.version}),
        "upload_form": UploadForm(),
        **extra,
    }
    return render(request, "movements/report_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_page(request, unit: str, period: str):
    ctx = _Context(request, unit, period)
    if request.method == "GET":
        return _render_report(request, ctx)
    if not ctx.is_secretary:
        return _denied(request, _("Chỉ bí thư (văn phòng) của đơn vị mới nhập số liệu."))
    if not ctx.can_edit:
        messages.error(request, ctx.why_not_editable)
        return redirect(ctx.url())
    form = _report_form(ctx, request.POST)
    if not form.is_valid():
        return _render_report(request, ctx, form, status_message=_("Chưa lưu: xem các lỗi."))
    submit = request.POST.get("action") == "submit"
    try:
        workflow.report_save(
            user=request.user,
            unit=ctx.unit,
            period=ctx.period,
            movement=ctx.movement,
            values=form.values(),
            highlights=form.cleaned_data["highlights"],
            shortcomings=form.cleaned_data["shortcomings"],
            version=form.cleaned_data["version"],
            confirm_unusual=form.cleaned_data["confirm_unusual"],
            submit=submit,
        )
    except EditConflict as conflict:
        data = request.POST.copy()
        data["version"] = str(conflict.report.version)
        ctx.report = Report.objects.filter(pk=conflict.report.pk).first()
        form = _report_form(ctx, data)
        form.is_valid()
        return _render_report(
            request, ctx, form, conflict=conflict, last=selectors.last_change(ctx.report)
        )
    except ValuesInvalid as invalid:
        for code, errors in {**invalid.errors, **invalid.warnings}.items():
            for message in errors:
                form.add_error(f"v-{code}", message)
        return _render_report(request, ctx, form)
    except ServiceError as error:
        messages.error(request, str(error))
        return _render_report(request, ctx, form)
    if submit:
        messages.success(request, _("Đã gửi báo cáo. Tỉnh Đoàn sẽ xem và duyệt."))
    else:
        messages.success(request, _("Đã lưu bản nháp."))
    return redirect(ctx.url())


def _reviewer_action(request, unit, period, action):
    ctx = _Context(request, unit, period)
    if not ctx.is_reviewer or ctx.report is None:
        return _denied(request, _("Bạn không có quyền duyệt báo cáo này."))
    version = request.POST.get("version")
    # ASCII digits only: "²".isdigit() is true but int() refuses it.
    version = (
        int(version)
        if version and version.isascii() and version.isdigit() and len(version) < 10
        else None
    )
    try:
        if action == "approve":
            workflow.report_approve(request.user, ctx.report, version)
            messages.success(request, _("Đã duyệt báo cáo %(r)s.") % {"r": ctx.report})
        else:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Cần ghi lý do để đơn vị biết phải sửa gì."))
                return redirect(ctx.url())
            service = workflow.report_return if action == "return" else workflow.report_reopen
            service(request.user, ctx.report, form.cleaned_data["reason"], version)
            done = (
                _("Đã trả lại báo cáo %(r)s cho đơn vị.")
                if action == "return"
                else _("Đã mở lại báo cáo %(r)s; đơn vị có thể sửa.")
            )
            messages.success(request, done % {"r": ctx.report})
    except ServiceError as error:
        messages.error(request, str(error))
    return redirect(ctx.url())


@login_required
@require_POST
def report_approve(request, unit: str, period: str):
    return _reviewer_action(request, unit, period, "approve")


@login_required
@require_POST
def report_return(request, unit: str, period: str):
    return _reviewer_action(request, unit, period, "return")


@login_required
@require_POST
def report_reopen(request, unit: str, period: str):
    ctx = _Context(request, unit, period)
    if not ctx.can_reopen:
        return _denied(request, _("Chỉ cán bộ duyệt của Tỉnh Đoàn mới mở lại được báo cáo."))
    return _reviewer_action(request, unit, period, "reopen")


@login_required
@require_GET
def report_history(request, unit: str, period: str):
    ctx = _Context(request, unit, period)
    if ctx.report is None:
        raise Http404(_("Báo cáo chưa được bắt đầu."))
    history = selectors.report_history(ctx.report)
    return render(request, "movements/report_history.html", {"ctx": ctx, "history": history})


# --- review -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review(request):
    if not Unit.objects.reviewable_by(request.user).exists():
        return _denied(request, _("Trang này dành cho cán bộ duyệt báo cáo."))
    if request.method == "POST":
        ids = [
            int(i)
            for i in request.POST.getlist("report")
            if i.isascii() and i.isdigit() and len(i) < 19
        ]
        if not ids:
            messages.error(request, _("Chưa chọn báo cáo nào để duyệt."))
        else:
            approved, skipped = workflow.reports_approve(request.user, ids)
            if approved:
                messages.success(request, _("Đã duyệt %(n)s báo cáo.") % {"n": len(approved)})
            for message in skipped:
                messages.warning(request, message)
        return redirect("movements:review")
    queue = list(selectors.review_queue(request.user))
    open_periods = selectors.open_periods()
    return render(
        request,
        "movements/review_list.html",
        {"queue": queue, "open_periods": open_periods, "upload_form": UploadForm()},
    )


# --- Excel ------------------------------------------------------------------------------------

SESSION_KEY = "xlsx_import"


def _xlsx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def report_xlsx(request, unit: str, period: str):
    ctx = _Context(request, unit, period)
    rows = selectors.workbook_rows(ctx.movement, ctx.period, [ctx.unit])
    content = excel.build_workbook(ctx.movement, ctx.period, rows, ctx.unit)
    return _xlsx_response(content, excel.filename(ctx.movement, ctx.period, ctx.unit))


def _preview(request, *, movement, period, unit, scope: str, back: str, confirm_url: str):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for message in form.errors.get("file", []):
            messages.error(request, message)
        return redirect(back)
    try:
        data = excel.read_workbook(
            form.cleaned_data["file"], movement=movement, period=period, unit=unit
        )
        plan = imports.import_plan(request.user, movement, period, data.rows, unit)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(back)
    problems = sorted(data.problems + plan.problems, key=lambda p: p[0] or 0)
    token = ""
    request.session.pop(SESSION_KEY, None)
    if not problems and plan.changes:
        token = secrets.token_urlsafe(16)
        request.session[SESSION_KEY] = {
            "token": token,
            "scope": scope,
            "rows": [[r.row, r.unit_code, r.indicator_code, r.value] for r in data.rows],
            "versions": plan.versions,
        }
    return render(
        request,
        "movements/import_preview.html",
        {
            "plan": plan,
            "problems": problems,
            "token": token,
            "back": back,
            "confirm_url": confirm_url,
            "unit": unit,
            "period": period,
            "movement": movement,
            "filename": form.cleaned_data["file"].name,
        },
    )


def _confirm(request, *, movement, period, unit, scope: str, back: str):
    stored = request.session.get(SESSION_KEY) or {}
    if not stored or stored.get("token") != request.POST.get("token") or stored["scope"] != scope:
        messages.error(request, _("Không tìm thấy tệp đã xem trước; hãy tải tệp lên lại."))
        return redirect(back)
    rows = [imports.ImportRow(*row) for row in stored["rows"]]
    try:
        plan = imports.import_apply(request.user, movement, period, rows, stored["versions"], unit)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(back)
    finally:
        request.session.pop(SESSION_KEY, None)
    messages.success(
        request, _("Đã cập nhật %(n)s số liệu từ tệp Excel.") % {"n": len(plan.changes)}
    )
    return redirect(back)


def _unit_import_target(ctx) -> dict:
    """What the preview and the confirmation of one unit's file are about."""
    return {
        "movement": ctx.movement,
        "period": ctx.period,
        "unit": ctx.unit,
        "scope": f"unit:{ctx.unit.code}:{ctx.period.code}:{ctx.movement.code}",
        "back": ctx.url(),
    }


def _unit_import_context(request, unit, period):
    ctx = _Context(request, unit, period)
    if not ctx.is_secretary:
        return ctx, _denied(request, _("Chỉ bí thư (văn phòng) của đơn vị mới nhập số liệu."))
    return ctx, None


@login_required
@require_POST
def report_xlsx_upload(request, unit: str, period: str):
    ctx, denied = _unit_import_context(request, unit, period)
    if denied:
        return denied
    return _preview(request, **_unit_import_target(ctx), confirm_url=ctx.url("xlsx-confirm"))


@login_required
@require_POST
def report_xlsx_confirm(request, unit: str, period: str):
    ctx, denied = _unit_import_context(request, unit, period)
    if denied:
        return denied
    return _confirm(request, **_unit_import_target(ctx))


def _province_context(request, period_code: str):
    if not Unit.objects.reviewable_by(request.user).exists():
        return None, None, _denied(request, _("Trang này dành cho cán bộ duyệt báo cáo."))
    period = selectors.period_from_code(period_code)
    if period is None:
        raise Http404(_("Không có kỳ báo cáo này."))
    movement = selectors.movement_for_period(period, request.GET.get("movement"))
    if movement is None:
        raise Http404(_("Không có phong trào nhập theo kỳ này."))
    return period, movement, None


@login_required
@require_GET
def province_xlsx(request, period: str):
    period, movement, denied = _province_context(request, period)
    if denied:
        return denied
    units = selectors.reporting_units(request.user, period)
    rows = selectors.workbook_rows(movement, period, units)
    content = excel.build_workbook(movement, period, rows, None)
    return _xlsx_response(content, excel.filename(movement, period, None))


def _province_import_target(period, movement) -> dict:
    """What the preview and the confirmation of a provincial workbook are about."""
    return {
        "movement": movement,
        "period": period,
        "unit": None,
        "scope": f"province:{period.code}:{movement.code}",
        "back": reverse("movements:review"),
    }


@login_required
@require_POST
def province_xlsx_upload(request, period: str):
    period_obj, movement, denied = _province_context(request, period)
    if denied:
        return denied
    return _preview(
        request,
        **_province_import_target(period_obj, movement),
        confirm_url=reverse("movements:province-xlsx-confirm", args=[period_obj.code]),
    )


@login_required
@require_POST
def province_xlsx_confirm(request, period: str):
    period_obj, movement, denied = _province_context(request, period)
    if denied:
        return denied
    return _confirm(request, **_province_import_target(period_obj, movement))
