"""The generated báo cáo: print page, Word download, and staff's edit of section III.

Every view checks access the same way (`_target`): login, the movement, a unit the user may
see (`Unit.objects.visible_to`), a year range within the movement's stage; the edit also asks
whether the user may edit the unit's báo cáo (`document_edit_check`). Anything wrong raises a
`DocumentRefusal`, which `document_view` shows on a page that says what in Vietnamese (404 for
what the user may not see, 403 for what they may not do, 400 for bad input).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from movements.models import Movement, Unit
from movements.selectors import movement_years, unit_reviewed_by

from .documents import ReportDocument, build_report_document, document_filename, render_docx
from .documents.builder import ISSUE_FIELDS
from .forms import DocumentEditForm, DocumentIssueForm, YearRangeForm
from .page_cache import Depends, cached_page
from .refusals import DocumentRefusal, refusals_shown
from .selectors import Subject, dashboard_scope, unit_choices, with_succession_flag
from .services import (
    DocumentEditConflict,
    DocumentEditRefused,
    document_edit_check,
    document_edit_save,
    document_regenerate,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


_OF_ITS_UNIT = Depends(codes=lambda request, unit, **kwargs: [unit])


def document_view(*methods: str, cached: bool = True):
    """A báo cáo page: login required, `methods` only (GET by default), GETs kept in the page
    cache when `cached` (keyed by the versions of the unit the URL names); a
    `DocumentRefusal` raised inside gives its page."""

    def decorate(view):
        inner = refusals_shown(view)
        if cached:
            inner = cached_page(_OF_ITS_UNIT)(inner)
        return login_required(require_http_methods(list(methods or ["GET"]))(inner))

    return decorate


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

    def build(self) -> ReportDocument:
        return build_report_document(subject=self.subject)

    @property
    def urls(self) -> dict[str, str]:
        return {
            "page": reverse("reports:document", args=self.args),
            "docx": reverse("reports:document-docx", args=self.args),
            "edit": reverse("reports:document-edit", args=self.args),
            "issue": reverse("reports:document-edit", args=self.args) + "?step=issue",
            "index": reverse("reports:document-index", args=[self.movement.code]),
        }


def _movement_or_404(code: str) -> Movement:
    movement = Movement.objects.filter(code=code).first()
    if movement is None:
        raise DocumentRefusal(404, _("Không có phong trào “%(code)s”.") % {"code": code})
    return movement


def _target(request, movement_code: str, unit_code: str, years: str) -> Target:
    """The báo cáo the URL names, if the user may read it; refused otherwise."""
    movement = _movement_or_404(movement_code)
    unit = (
        with_succession_flag(Unit.objects.visible_to(request.user))
        .select_related("parent")
        .filter(code=unit_code)
        .first()
    )
    if unit is None:
        raise DocumentRefusal(
            404,
            _("Không tìm thấy đơn vị “%(code)s”, hoặc bạn không có quyền xem đơn vị này.")
            % {"code": unit_code},
        )
    years_form = YearRangeForm(years, movement=movement)
    if not years_form.is_valid():
        raise DocumentRefusal(400, years_form.errors["years"][0])
    start, end = years_form.cleaned_data["years"]
    return Target(movement, unit, start, end)


def _editable_target(request, movement_code: str, unit_code: str, years: str) -> Target:
    """The báo cáo the URL names, if the user may edit it; refused otherwise."""
    target = _target(request, movement_code, unit_code, years)
    try:
        document_edit_check(user=request.user, unit=target.unit)
    except DocumentEditRefused as error:
        raise DocumentRefusal(403, str(error)) from None
    return target


@document_view()
def document(request, movement: str, unit: str, years: str):
    """The báo cáo as a page to read and print; above it, the ready-to-issue step: what is
    still missing before it is sent (number, date, signer, recipients), with the fields to fill
    them in place for those who may edit it (posted to `document_edit`)."""
    target = _target(request, movement, unit, years)
    report = target.build()
    can_edit = unit_reviewed_by(user=request.user, unit=target.unit)
    labels = DocumentEditForm.base_fields
    context = {
        "document": report,
        "target": target,
        "urls": target.urls,
        "can_edit": can_edit,
        "issue_items": [(labels[name].label, name in report.missing) for name in ISSUE_FIELDS],
        "issue_form": DocumentIssueForm(initial=_edit_initial(report))
        if can_edit and report.is_draft
        else None,
    }
    return render(request, "reports/document_detail.html", context)


@document_view()
def document_docx(request, movement: str, unit: str, years: str):
    """The same báo cáo as a Word file."""
    report = _target(request, movement, unit, years).build()
    response = HttpResponse(render_docx(report), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{document_filename(report, "docx")}"'
    return response


@document_view("GET", "POST", cached=False)
def document_edit(request, movement: str, unit: str, years: str):
    """Staff (reviewers of the unit, superusers) edit the number line, date, legal basis,
    section III, signer and recipients; "Tạo lại" brings section III back to the text generated
    from the units' notes. Both carry the version the form was loaded from: a write from an
    older version is refused (409) with what changed in between."""
    target = _editable_target(request, movement, unit, years)
    report = target.build()
    initial = _edit_initial(report)
    # ?step=issue: the ready-to-issue step (number, date, signer, recipients only).
    issue_step = request.GET.get("step") == "issue"
    form_class = DocumentIssueForm if issue_step else DocumentEditForm
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    conflict = None
    if request.method == "POST":
        try:
            if _write(request, target, form):
                return redirect(reverse("reports:document", args=target.args))
        except DocumentEditRefused as error:
            raise DocumentRefusal(403, str(error)) from None
        except DocumentEditConflict as error:
            # The user's text stays on the screen, now on the version they have been shown.
            conflict, report = error, target.build()
            form = _on_version(form_class, request.POST, report.version, initial)
            form.is_valid()
    context = {"document": report, "target": target, "urls": target.urls, "form": form}
    context["issue_step"] = issue_step
    status = 409 if conflict else 400 if request.method == "POST" else 200
    return render(
        request, "reports/document_edit.html", context | {"conflict": conflict}, status=status
    )


def _on_version(form_class, data, version: int, initial: dict) -> DocumentEditForm:
    """The form with the user's `data`, on `version`: what they write is kept, and saved over
    the version they have now been shown."""
    data = data.copy()
    data["version"] = str(version)
    return form_class(data, initial=initial)


def _edit_initial(report: ReportDocument) -> dict:
    """The edit form's initial values: the báo cáo as it is now, and its version."""
    initial = {**asdict(report.particulars), "version": report.version}
    return initial | {
        "number": report.stored.number if report.stored else "",
        "issued_on": report.stored.issued_on if report.stored else None,
        "assessment": report.assessment_text,
    }


def _write(request, target: Target, form: DocumentEditForm) -> bool:
    """Saves the edit, or regenerates section III when the user asked for it; True when done
    (with its message), False when the form is not ready (its messages on the page)."""
    regenerate = request.POST.get("action") == "regenerate"
    # "Tạo lại" needs only the version; the other fields are checked for a save.
    if not (form.is_valid() or (regenerate and "version" not in form.errors)):
        return False
    if regenerate:
        version = form.cleaned_data["version"]
        document_regenerate(subject=target.subject, user=request.user, version=version)
        messages.success(request, _("Đã tạo lại phần III từ ghi chú của các đơn vị."))
    else:
        document_edit_save(subject=target.subject, user=request.user, **form.cleaned_data)
        messages.success(request, _("Đã lưu báo cáo tổng hợp."))
    return True


@document_view(cached=False)
def document_index(request, movement: str):
    """Choose a unit and years; sends the user to that báo cáo."""
    target_movement = _movement_or_404(movement)
    if request.GET.get("unit"):
        years = f"{request.GET.get('from', '')}-{request.GET.get('to', '')}"
        try:
            url = reverse("reports:document", args=[movement, request.GET["unit"].strip(), years])
        except NoReverseMatch:
            raise DocumentRefusal(400, _("Đơn vị hoặc khoảng năm đã chọn không hợp lệ.")) from None
        return redirect(url)
    # The user's units and those just under them, and the units matching the search `q`:
    # never every unit (a national tree holds thousands).
    scope = dashboard_scope(user=request.user)
    query = request.GET.get("q") or ""
    units = [u for u in unit_choices(scope=scope, unit=scope.home, query=query) if scope.can_see(u)]
    context = {
        "movement": target_movement,
        "units": units,
        "query": query,
        "years": movement_years(movement=target_movement),
    }
    return render(request, "reports/document_index.html", context)
