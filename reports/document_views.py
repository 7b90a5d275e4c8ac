"""The generated báo cáo: print page, Word download, and staff's edit of section III.

Every view checks access the same way (`_target`): login, the movement, a unit the user may
see (`Unit.objects.visible_to`), a year range within the movement's stage. Anything wrong gives
a page that says what in Vietnamese (404 for what the user may not see, 400 for bad input).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from movements.models import Movement, Unit
from movements.selectors import movement_years

from .documents import ReportDocument, build_report_document, document_filename, render_docx
from .forms import DocumentEditForm, YearRangeForm
from .page_cache import cached_by_snapshot
from .selectors import Subject, dashboard_scope, unit_choices
from .services import DocumentEditConflict, document_edit_save, document_regenerate

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DocumentError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Target:
    movement: Movement
    unit: Unit
    start_year: int
    end_year: int

    @property
    def args(self) -> list:
        return [self.movement.code, self.unit.code, f"{self.start_year}-{self.end_year}"]

    @property
    def subject(self) -> Subject:
        """What this báo cáo is about, as the builder and the selectors take it (approved
        reports only)."""
        return Subject.of(
            movement=self.movement,
            unit=self.unit,
            start_year=self.start_year,
            end_year=self.end_year,
        )

    @property
    def names(self) -> dict:
        """This báo cáo as the services name it (keyword arguments)."""
        return {
            "movement": self.movement,
            "unit": self.unit,
            "start_year": self.start_year,
            "end_year": self.end_year,
        }

    def build(self) -> ReportDocument:
        return build_report_document(subject=self.subject)

    @property
    def urls(self) -> dict[str, str]:
        return {
            "page": reverse("reports:document", args=self.args),
            "docx": reverse("reports:document-docx", args=self.args),
            "edit": reverse("reports:document-edit", args=self.args),
            "index": reverse("reports:document-index", args=[self.movement.code]),
        }


def _target(request, movement_code: str, unit_code: str, years: str) -> Target:
    movement = Movement.objects.filter(code=movement_code).first()
    if movement is None:
        raise DocumentError(404, _("Không có phong trào “%(code)s”.") % {"code": movement_code})
    unit = (
        Unit.objects.visible_to(request.user)
        .select_related("parent")
        .filter(code=unit_code)
        .first()
    )
    if unit is None:
        raise DocumentError(
            404,
            _("Không tìm thấy đơn vị “%(code)s”, hoặc bạn không có quyền xem đơn vị này.")
            % {"code": unit_code},
        )
    years_form = YearRangeForm(years, movement=movement)
    if not years_form.is_valid():
        raise DocumentError(400, years_form.errors["years"][0])
    start, end = years_form.cleaned_data["years"]
    return Target(movement, unit, start, end)


def _error(request, error: DocumentError):
    return render(
        request,
        "reports/document_error.html",
        {"message": error.message, "status": error.status},
        status=error.status,
    )


def _can_edit(user, unit: Unit) -> bool:
    return Unit.objects.reviewable_by(user).filter(pk=unit.pk).exists()


@login_required
@require_GET
@cached_by_snapshot
def document(request, movement: str, unit: str, years: str):
    """The báo cáo as a page to read and print."""
    try:
        target = _target(request, movement, unit, years)
    except DocumentError as error:
        return _error(request, error)
    report = target.build()
    return render(
        request,
        "reports/document_detail.html",
        {
            "document": report,
            "target": target,
            "urls": target.urls,
            "can_edit": _can_edit(request.user, target.unit),
        },
    )


@login_required
@require_GET
@cached_by_snapshot
def document_docx(request, movement: str, unit: str, years: str):
    """The same báo cáo as a Word file."""
    try:
        target = _target(request, movement, unit, years)
    except DocumentError as error:
        return _error(request, error)
    report = target.build()
    response = HttpResponse(render_docx(report), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{document_filename(report, "docx")}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request, movement: str, unit: str, years: str):
    """Staff (reviewers of the unit, superusers) edit the number line, date, legal basis,
    section III, signer and recipients; "Tạo lại" brings section III back to the text generated
    from the units' notes. Both carry the version the form was loaded from: a write from an
    older version is refused (409) with what changed in between."""
    try:
        target = _target(request, movement, unit, years)
    except DocumentError as error:
        return _error(request, error)
    if not _can_edit(request.user, target.unit):
        return _error(
            request,
            DocumentError(
                403, _("Chỉ cán bộ duyệt báo cáo của đơn vị này mới được sửa báo cáo tổng hợp.")
            ),
        )
    report = target.build()
    page = reverse("reports:document", args=target.args)
    initial = {**asdict(report.particulars), "version": report.version}
    initial |= {
        "number": report.stored.number if report.stored else "",
        "issued_on": report.stored.issued_on if report.stored else None,
        "assessment": report.assessment_text,
    }
    form = DocumentEditForm(request.POST if request.method == "POST" else None, initial=initial)
    conflict = None
    if request.method == "POST":
        regenerate = request.POST.get("action") == "regenerate"
        # "Tạo lại" needs only the version; the other fields are checked for a save.
        ready = form.is_valid() or (regenerate and "version" not in form.errors)
        try:
            if ready and regenerate:
                version = form.cleaned_data["version"]
                document_regenerate(**target.names, user=request.user, version=version)
                messages.success(request, _("Đã tạo lại phần III từ ghi chú của các đơn vị."))
                return redirect(page)
            if ready:
                document_edit_save(**target.names, user=request.user, **form.cleaned_data)
                messages.success(request, _("Đã lưu báo cáo tổng hợp."))
                return redirect(page)
        except DocumentEditConflict as error:
            conflict = error
    if conflict is not None:
        # The user's text stays on the screen, now on the version they have been shown.
        report = target.build()
        data = request.POST.copy()
        data["version"] = str(report.version)
        form = DocumentEditForm(data, initial=initial)
        form.is_valid()
    status = 409 if conflict else 400 if request.method == "POST" else 200
    return render(
        request,
        "reports/document_edit.html",
        {
            "document": report,
            "target": target,
            "urls": target.urls,
            "form": form,
            "conflict": conflict,
        },
        status=status,
    )


@login_required
@require_GET
def document_index(request, movement: str):
    """Choose a unit and years; sends the user to that báo cáo."""
    target_movement = Movement.objects.filter(code=movement).first()
    if target_movement is None:
        return _error(
            request, DocumentError(404, _("Không có phong trào “%(code)s”.") % {"code": movement})
        )
    # The user's units and those just under them, and the units matching the search `q`:
    # never every unit (a national tree holds thousands).
    scope = dashboard_scope(user=request.user)
    units = [
        u
        for u in unit_choices(scope=scope, unit=scope.home, query=request.GET.get("q") or "")
        if scope.can_see(u)
    ]
    if request.GET.get("unit"):
        years = f"{request.GET.get('from', '')}-{request.GET.get('to', '')}"
        try:
            url = reverse("reports:document", args=[movement, request.GET["unit"].strip(), years])
        except NoReverseMatch:
            return _error(
                request,
                DocumentError(400, _("Đơn vị hoặc khoảng năm đã chọn không hợp lệ.")),
            )
        return redirect(url)
    return render(
        request,
        "reports/document_index.html",
        {
            "movement": target_movement,
            "units": units,
            "query": request.GET.get("q") or "",
            "years": movement_years(movement=target_movement),
        },
    )
