"""Entry and review pages. Each view checks access (`selectors.report_access` for a report),
parses input with a form, calls one service or selector, and renders.

Refusals raise: `Http404` for what the user may not see (or that does not exist), and
`PermissionDenied` with the reason for what they see but may not do; the error pages
(templates/403.html, 404.html) show the reason.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import excel, selectors
from .forms import (
    ApproveSelectedForm,
    ChecksForm,
    FollowUpForm,
    ReasonForm,
    ReportForm,
    UploadForm,
    VersionForm,
    field_name,
    loaded_token,
    merged_data,
)
from .models import FOLLOW_UP_NOTE_MAX, Movement, Period, Unit
from .paging import PAGE_PARAMETER, pager
from .selectors import ReportAccess
from .services import (
    BlanksUnconfirmed,
    EditConflict,
    ServiceError,
    ValuesInvalid,
    imports,
    workflow,
)
from .services.flags import flag_follow_up


def _period_and_movement(request, code: str) -> tuple[Period, Movement]:
    """The period a URL names and the movement entered in it (`?movement=` when several)."""
    period = selectors.period_from_code(code=code)
    if period is None:
        raise Http404(_("Không có kỳ báo cáo này."))
    movement = selectors.movement_for_period(period=period, code=request.GET.get("movement"))
    if movement is None:
        raise Http404(_("Không có phong trào nhập theo kỳ này."))
    return period, movement


def _access(request, unit_code: str, period_code: str) -> ReportAccess:
    """The report a URL names, with what the signed-in user may do with it; 404 when the
    unit, the period or the movement does not exist, or the unit is not the user's to see."""
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        raise Http404(_("Không có đơn vị này, hoặc bạn không được xem đơn vị này."))
    period, movement = _period_and_movement(request, period_code)
    access = selectors.report_access(user=request.user, unit=unit, period=period, movement=movement)
    if not access.can_view:
        raise Http404(_("Không có đơn vị này, hoặc bạn không được xem đơn vị này."))
    return access


def _url(access: ReportAccess, name: str = "report") -> str:
    return reverse(f"movements:{name}", args=[access.unit.code, access.period.code])


@login_required
@require_GET
def entry_list(request):
    rows = selectors.entry_rows(user=request.user)
    is_reviewer = selectors.user_is_reviewer(user=request.user)
    return render(request, "movements/entry_list.html", {"rows": rows, "is_reviewer": is_reviewer})


def _report_form(access: ReportAccess, data=None) -> ReportForm:
    indicators = selectors.entry_indicators(movement=access.movement)
    previous = selectors.previous_values(
        unit=access.unit, period=access.period, movement=access.movement
    )
    initial = None
    if data is None:
        state = selectors.report_state(report=access.report)
        initial = {field_name(i): state.values.get(i.code) for i in indicators}
        initial["version"] = access.version
        initial["highlights"] = state.highlights
        initial["shortcomings"] = state.shortcomings
        initial["loaded"] = loaded_token(state, access.version)
    return ReportForm(
        data, initial=initial, indicators=indicators, previous=previous, unit=access.unit
    )


def _render_report(request, access: ReportAccess, form: ReportForm | None = None, **extra):
    if form is None and access.can_edit:
        form = _report_form(access)
    sections = []
    if form is None:
        values = selectors.report_values(report=access.report)
        previous = selectors.previous_values(
            unit=access.unit, period=access.period, movement=access.movement
        )
        indicators = selectors.entry_indicators(movement=access.movement)
        sections = [
            (group, [(i, values.get(i.code), previous.get(i.code)) for i in items])
            for group, items in selectors.indicators_by_group(indicators)
        ]
    context = {
        "access": access,
        "report": access.report,
        "form": form,
        "readonly_sections": sections,
        "history": selectors.report_history(report=access.report) if access.report else [],
        "changed_by_other": selectors.figures_changed_by_other(
            report=access.report, user=request.user
        )
        if access.is_secretary
        else None,
        "upload_form": UploadForm(),
        "flags": _flags_shown(access),
        **extra,
    }
    return render(request, "movements/report_form.html", context)


def _flags_shown(access: ReportAccess) -> selectors.ReportFlags | None:
    """The report's stored flags for its reviewers (to mark for follow-up), the figures
    marked for follow-up for its secretary, nothing for anyone else."""
    if access.report is None:
        return None
    if access.is_reviewer:
        return selectors.report_flags(report=access.report)
    if access.is_secretary:
        return selectors.report_flags(report=access.report, follow_ups_only=True)
    return None


def _conflict_page(request, access: ReportAccess, conflict: EditConflict):
    """The report as it is now, and the user's input merged on the version they now see."""
    access = selectors.report_access(
        user=request.user, unit=access.unit, period=access.period, movement=access.movement
    )
    data = merged_data(request.POST, conflict.merged, conflict.report.version, conflict.stored)
    form = _report_form(access, data)
    form.is_valid()
    form.check_rules()
    form.mark_clashes(conflict.clashes)
    last = selectors.last_change(report=access.report) if access.report else None
    return _render_report(request, access, form, conflict=conflict, last=last)


@login_required
@require_http_methods(["GET", "POST"])
def report_page(request, unit: str, period: str):
    access = _access(request, unit, period)
    if request.method == "GET":
        return _render_report(request, access)
    if not access.is_secretary:
        raise PermissionDenied(access.why_not_editable)
    if not access.can_edit:
        messages.error(request, access.why_not_editable)
        return redirect(_url(access))
    form = _report_form(access, request.POST)
    if not form.is_valid():
        form.check_rules()
        return _render_report(request, access, form)
    submit = request.POST.get("action") == "submit"
    try:
        # The version first, then the rules and their questions: a stale form is merged.
        workflow.report_save(
            user=request.user,
            unit=access.unit,
            period=access.period,
            movement=access.movement,
            values=form.values(),
            highlights=form.cleaned_data["highlights"],
            shortcomings=form.cleaned_data["shortcomings"],
            version=form.cleaned_data["version"],
            confirm_unusual=form.cleaned_data["confirm_unusual"],
            submit=submit,
            loaded=form.cleaned_data["loaded"],
            blanks_confirmed=form.blanks_confirmed(),
        )
    except EditConflict as conflict:
        return _conflict_page(request, access, conflict)
    except ValuesInvalid as invalid:
        form.show_problems(invalid.errors, invalid.warnings)
        return _render_report(request, access, form)
    except BlanksUnconfirmed as blanks:
        form.ask_blanks(blanks.sections)
        return _render_report(request, access, form, blanks=blanks)
    except ServiceError as error:
        messages.error(request, str(error))
        return _render_report(request, access, form)
    if submit:
        messages.success(request, _("Đã gửi báo cáo. Tỉnh Đoàn sẽ xem và duyệt."))
    else:
        messages.success(request, _("Đã lưu nháp."))
    return redirect(_url(access))


def _reviewed(request, unit: str, period: str) -> ReportAccess:
    access = _access(request, unit, period)
    if not access.can_review:
        raise PermissionDenied(_("Bạn không có quyền duyệt báo cáo này."))
    return access


@login_required
@require_POST
def report_approve(request, unit: str, period: str):
    access = _reviewed(request, unit, period)
    version = VersionForm(request.POST).checked_version()
    try:
        workflow.report_approve(user=request.user, report=access.report, version=version)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã duyệt báo cáo %(r)s.") % {"r": access.report})
    return redirect(_url(access))


def _with_reason(request, access: ReportAccess, service, done: str):
    """Return or reopen the report with the reviewer's reason."""
    form = ReasonForm(request.POST)
    if not form.is_valid() and "reason" in form.errors:
        messages.error(request, _("Cần ghi lý do để đơn vị biết phải sửa gì."))
        return redirect(_url(access))
    try:
        service(
            user=request.user,
            report=access.report,
            reason=form.cleaned_data["reason"],
            version=form.checked_version(),
        )
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done % {"r": access.report})
    return redirect(_url(access))


@login_required
@require_POST
def report_return(request, unit: str, period: str):
    access = _reviewed(request, unit, period)
    done = _("Đã trả lại báo cáo %(r)s cho đơn vị.")
    return _with_reason(request, access, workflow.report_return, done)


@login_required
@require_POST
def report_reopen(request, unit: str, period: str):
    access = _access(request, unit, period)
    if not access.can_reopen:
        raise PermissionDenied(_("Chỉ cán bộ duyệt của Tỉnh Đoàn mới mở lại được báo cáo."))
    done = _("Đã mở lại báo cáo %(r)s; đơn vị có thể sửa.")
    return _with_reason(request, access, workflow.report_reopen, done)


@login_required
@require_GET
def report_history(request, unit: str, period: str):
    access = _access(request, unit, period)
    if access.report is None:
        raise Http404(_("Báo cáo chưa được bắt đầu."))
    history = selectors.report_history(report=access.report)
    return render(request, "movements/report_history.html", {"access": access, "history": history})


# --- review -----------------------------------------------------------------------------------


def _require_reviewer(request) -> None:
    if not selectors.user_is_reviewer(user=request.user):
        raise PermissionDenied(_("Trang này dành cho cán bộ duyệt báo cáo."))


REVIEW_PAGE_SIZE = 50  # reports on one page of the review queue: never every submitted report


@login_required
@require_http_methods(["GET", "POST"])
def review(request):
    _require_reviewer(request)
    if request.method == "POST":
        form = ApproveSelectedForm(request.POST)
        if not form.is_valid():
            messages.error(request, form.errors["report"][0])
            return redirect("movements:review")
        approved, skipped = workflow.reports_approve(
            user=request.user, versions=form.cleaned_data["report"]
        )
        if approved:
            messages.success(request, _("Đã duyệt %(n)s báo cáo.") % {"n": len(approved)})
        for message in skipped:
            messages.warning(request, message)
        return redirect("movements:review")
    page = Paginator(selectors.review_queue(user=request.user), REVIEW_PAGE_SIZE).get_page(
        request.GET.get(PAGE_PARAMETER)
    )
    queue = list(page.object_list)
    flags = selectors.review_flags(reports=queue)
    rows = [(report, flags.get(report.pk)) for report in queue]
    open_periods = selectors.open_periods()
    return render(
        request,
        "movements/review_list.html",
        {
            "queue": rows,
            "waiting": page.paginator.count,
            "pager": pager(request, page),
            "open_periods": open_periods,
            "upload_form": UploadForm(),
        },
    )


CHECKS_PAGE_SIZE = 100  # flags on one page of the validation page


@login_required
@require_GET
def checks(request):
    """The validation page: every flag of the chosen period's submitted and approved reports
    of the units the reviewer reviews."""
    _require_reviewer(request)
    periods = selectors.validation_periods()
    default = next(iter(selectors.open_periods()), None) or next(iter(periods), None)
    if default is not None and default not in periods:
        periods = [default, *periods]
    form = ChecksForm(request.GET, periods=periods, default=default)
    period, kind = form.chosen()
    context = {"form": form, "period": period, "kind": kind, "pager": None}
    if period is not None:
        flags = selectors.validation_flags(user=request.user, period=period, kind=kind)
        page = Paginator(flags, CHECKS_PAGE_SIZE).get_page(request.GET.get(PAGE_PARAMETER))
        context.update(flags=page.object_list, total=page.paginator.count)
        context["pager"] = pager(request, page)
    status = 400 if form.errors else 200
    return render(request, "movements/checks.html", context, status=status)


@login_required
@require_POST
def follow_up(request, unit: str, period: str):
    """A reviewer marks (or clears) a flag of the report for its unit to look at again."""
    access = _reviewed(request, unit, period)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Chưa đánh dấu: yêu cầu không hợp lệ (ghi chú nhiều nhất %(limit)s ký tự).")
            % {"limit": FOLLOW_UP_NOTE_MAX},
        )
        return redirect(_url(access))
    marking = form.cleaned_data["action"] == "mark"
    try:
        flag = flag_follow_up(
            user=request.user,
            report=access.report,
            flag_id=form.cleaned_data["flag"],
            follow_up=marking,
            note=form.cleaned_data["note"],
        )
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(_url(access))
    done = _("Đã đánh dấu cần xem lại: %(what)s.") if marking else _("Đã bỏ đánh dấu: %(what)s.")
    messages.success(request, done % {"what": flag})
    if form.cleaned_data["back"] == "checks":
        return redirect(f"{reverse('movements:checks')}?period={access.period.code}")
    return redirect(_url(access))


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
    access = _access(request, unit, period)
    rows = selectors.workbook_rows(
        movement=access.movement, period=access.period, units=[access.unit]
    )
    content = excel.build_workbook(
        access.movement, access.period, rows, access.unit, {access.unit.code: access.version}
    )
    return _xlsx_response(content, excel.filename(access.movement, access.period, access.unit))


def _remembered(request, scope: str, data, plan) -> str:
    """Keep the previewed file's rows and versions in the session for its confirmation, under
    a new token (returned), so that the confirmation applies exactly what was shown."""
    token = secrets.token_urlsafe(16)
    request.session[SESSION_KEY] = {
        "token": token,
        "scope": scope,
        "rows": [[r.row, r.unit_code, r.indicator_code, r.value] for r in data.rows],
        "versions": plan.versions,
        "file_versions": data.versions,
        "downloaded_at": data.downloaded_at.isoformat() if data.downloaded_at else None,
    }
    return token


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
        plan = imports.import_plan(
            user=request.user,
            movement=movement,
            period=period,
            rows=data.rows,
            unit=unit,
            file_versions=data.versions,
            downloaded_at=data.downloaded_at,
        )
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(back)
    problems = sorted(data.problems + plan.problems, key=lambda p: p[0] or 0)
    request.session.pop(SESSION_KEY, None)
    token = _remembered(request, scope, data, plan) if not problems and plan.changes else ""
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
        plan = imports.import_apply(
            user=request.user,
            movement=movement,
            period=period,
            rows=rows,
            versions=stored["versions"],
            unit=unit,
            confirm_unusual=bool(request.POST.get("confirm_unusual")),
            confirm_blanks=bool(request.POST.get("confirm_blanks")),
            file_versions=stored.get("file_versions"),
            downloaded_at=(
                dt.datetime.fromisoformat(stored["downloaded_at"])
                if stored.get("downloaded_at")
                else None
            ),
        )
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(back)
    finally:
        request.session.pop(SESSION_KEY, None)
    messages.success(
        request, _("Đã cập nhật %(n)s số liệu từ tệp Excel.") % {"n": len(plan.changes)}
    )
    if unit is not None:
        messages.warning(
            request,
            _(
                "Báo cáo chưa được gửi. Bước tiếp theo: kiểm tra số liệu bên dưới rồi bấm "
                "“Gửi báo cáo” để Tỉnh Đoàn duyệt."
            ),
        )
    return redirect(back)


def _importing_secretary(request, unit: str, period: str) -> ReportAccess:
    """The report a unit's file is sent to; only the unit's secretary sends one."""
    access = _access(request, unit, period)
    if not access.is_secretary:
        raise PermissionDenied(access.why_not_editable)
    return access


def _unit_import_target(access: ReportAccess) -> dict:
    """What the preview and the confirmation of one unit's file are about."""
    return {
        "movement": access.movement,
        "period": access.period,
        "unit": access.unit,
        "scope": f"unit:{access.unit.code}:{access.period.code}:{access.movement.code}",
        "back": _url(access),
    }


@login_required
@require_POST
def report_xlsx_upload(request, unit: str, period: str):
    access = _importing_secretary(request, unit, period)
    return _preview(
        request, **_unit_import_target(access), confirm_url=_url(access, "xlsx-confirm")
    )


@login_required
@require_POST
def report_xlsx_confirm(request, unit: str, period: str):
    access = _importing_secretary(request, unit, period)
    return _confirm(request, **_unit_import_target(access))


def _province_period(request, code: str) -> tuple[Period, Movement]:
    """The period and movement of a provincial workbook, for reviewers only."""
    _require_reviewer(request)
    return _period_and_movement(request, code)


@login_required
@require_GET
def province_xlsx(request, period: str):
    period_obj, movement = _province_period(request, period)
    units = selectors.reporting_units(user=request.user, period=period_obj)
    rows = selectors.workbook_rows(movement=movement, period=period_obj, units=units)
    versions = selectors.report_versions(movement=movement, period=period_obj, units=units)
    content = excel.build_workbook(movement, period_obj, rows, None, versions)
    return _xlsx_response(content, excel.filename(movement, period_obj, None))


def _province_import_target(period: Period, movement: Movement) -> dict:
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
    period_obj, movement = _province_period(request, period)
    return _preview(
        request,
        **_province_import_target(period_obj, movement),
        confirm_url=reverse("movements:province-xlsx-confirm", args=[period_obj.code]),
    )


@login_required
@require_POST
def province_xlsx_confirm(request, period: str):
    period_obj, movement = _province_period(request, period)
    return _confirm(request, **_province_import_target(period_obj, movement))
