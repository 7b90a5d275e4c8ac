"""The writes of the reports app: staff's edits of a generated báo cáo (number, date, legal
basis, section III, signature and recipients).

Each checks that the user may edit the unit's báo cáo (its reviewers: `unit_reviewed_by`) and
refuses with `DocumentEditRefused` otherwise; each runs in one transaction and locks the stored
edit, so two reviewers saving at once leave
one whole edit, never a mix; and each carries the version the user's form was loaded from, so
that a save from an older version is refused with what changed in between.

Every save or deletion of a stored edit (here or in the admin) bumps the data versions of its
unit and those above (`document_changed`, connected by `ReportsConfig.ready`), in the same
transaction: the page cache forgets the báo cáo it kept.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from movements.formatting import format_shown
from movements.models import Unit
from movements.selectors import Change, unit_reviewed_by
from movements.services import ServiceError
from movements.services.rollups import unit_ids_on_path
from movements.services.versions import bumped_after_save, versions_bump

from .documents import build_report_document
from .documents.wording import lines_of
from .models import GeneratedReport
from .selectors import Subject

# What a staff edit sets, with the names the conflict message gives them.
EDITED_FIELDS = [
    ("number", gettext_lazy("Số văn bản")),
    ("issued_on", gettext_lazy("Ngày ban hành")),
    ("legal_basis", gettext_lazy("Căn cứ")),
    ("assessment", gettext_lazy("III/ Nhận xét đánh giá")),
    ("signer_title", gettext_lazy("Chức vụ người ký")),
    ("signer_name", gettext_lazy("Họ tên người ký")),
    ("recipients", gettext_lazy("Nơi nhận")),
]


def document_changed(sender, instance: GeneratedReport, **kwargs) -> None:
    """A stored edit was saved or deleted: bump its unit's version (and those above)."""
    path = Unit.objects.filter(pk=instance.unit_id).values_list("path", flat=True).first()
    bumped_after_save(versions_bump, unit_ids_on_path(path or ""))


class DocumentEditRefused(ServiceError):
    """The user may not edit this unit's báo cáo: only its reviewers may."""

    def __init__(self):
        super().__init__(
            _("Chỉ cán bộ duyệt báo cáo của đơn vị này mới được sửa báo cáo tổng hợp.")
        )


def document_edit_check(*, user: AbstractBaseUser, unit: Unit) -> None:
    """Returns when `user` may edit `unit`'s báo cáo; raises DocumentEditRefused otherwise."""
    if not unit_reviewed_by(user=user, unit=unit):
        raise DocumentEditRefused


class DocumentEditConflict(ServiceError):
    """The báo cáo was edited since the user loaded it; `changes` lists what changed in
    between, `stored` is the edit as it is now."""

    def __init__(self, stored: GeneratedReport, changes: list[Change]):
        self.stored = stored
        self.changes = changes
        super().__init__(
            _(
                "Báo cáo tổng hợp vừa được người khác sửa trong lúc bạn đang sửa. Nội dung của "
                "bạn chưa được lưu và vẫn còn trên màn hình; hãy xem các thay đổi bên dưới rồi "
                "lưu lại."
            )
        )


def _shown(value) -> str:
    """A changed field as the conflict list shows it: a date as every page writes it
    (`format_shown`: 25/6/2013), text on one line, cut at 160 characters."""
    if not isinstance(value, str):
        return format_shown(value) if value not in (None, "") else ""
    text = " / ".join(line.strip() for line in str(value or "").splitlines() if line.strip())
    return text if len(text) <= 160 else text[:159] + "…"


def document_changes_since(*, stored: GeneratedReport, version: int) -> list[Change]:
    """What staff changed in the stored edit since it was at `version` (0: before any edit):
    one Change per field, old (at that version) → new (now)."""
    then = (
        stored.history.filter(version=version).order_by("-history_date").first()
        if version
        else None
    )
    changes = []
    for name, title in EDITED_FIELDS:
        old = getattr(then, name) if then is not None else None
        new = getattr(stored, name)
        if (old or None) != (new or None):
            changes.append(
                Change(str(title), _shown(old) or _("(trống)"), _shown(new) or _("(trống)"))
            )
    return changes


def _edit_of(subject: Subject) -> dict:
    """The fields that name the stored edit of the báo cáo about `subject`."""
    return {
        "movement": subject.movement,
        "unit": subject.unit,
        "start_year": subject.start_year,
        "end_year": subject.end_year,
    }


def _locked(subject: Subject, version: int):
    """The stored edit, locked, after checking that the user saw its current version."""
    stored = GeneratedReport.objects.select_for_update().filter(**_edit_of(subject)).first()
    current = stored.version if stored else 0
    if current != version:
        if stored is None:
            stored = GeneratedReport(**_edit_of(subject))
            raise DocumentEditConflict(stored, [])
        raise DocumentEditConflict(stored, document_changes_since(stored=stored, version=version))
    return stored


@transaction.atomic
def document_edit_save(
    *,
    subject: Subject,
    user: AbstractBaseUser,
    version: int,
    number: str,
    issued_on: dt.date | None,
    assessment: str | None = None,
    legal_basis: str | None = None,
    signer_title: str = "",
    signer_name: str = "",
    recipients: str = "",
) -> GeneratedReport:
    """Keep staff's number line, date, legal basis, section III, signer and recipients for this
    báo cáo; returns the stored edit. `version` is the version the form was loaded from (0
    before any edit): an older one raises DocumentEditConflict and nothing is written, as does
    DocumentEditRefused for a user who may not edit the unit's báo cáo. Section
    III equal to the generated text is not kept as an edit, so it follows the data. The
    ready-to-issue step sends neither section III nor the legal basis (None): both stay as they
    are. The signer and recipients become the unit's usual ones, for its next báo cáo.
    `subject`: the báo cáo's movement, unit and years (approved reports)."""
    unit = subject.unit
    document_edit_check(user=user, unit=unit)
    stored = _locked(subject, version)
    fields = {
        "number": number.strip(),
        "issued_on": issued_on,
        "signer_title": signer_title.strip(),
        "signer_name": signer_name.strip(),
        "recipients": "\n".join(lines_of(recipients)),
        "edited_by": user,
        "edited_at": timezone.now(),
    }
    if assessment is not None:
        generated = build_report_document(subject=subject).generated_assessment
        text = "\n".join(line.rstrip() for line in assessment.strip().splitlines())
        if text == generated.strip():
            text = ""
        fields |= {"assessment": text, "generated_assessment": generated if text else ""}
    if legal_basis is not None:
        fields["legal_basis"] = "\n".join(lines_of(legal_basis))
    if stored is None:
        try:
            with transaction.atomic():
                stored = GeneratedReport.objects.create(**_edit_of(subject), version=1, **fields)
        except IntegrityError:
            # Someone saved the first edit a moment ago: theirs stands, as with versions.
            existing = GeneratedReport.objects.get(**_edit_of(subject))
            raise DocumentEditConflict(
                existing, document_changes_since(stored=existing, version=0)
            ) from None
    else:
        for name, value in fields.items():
            setattr(stored, name, value)
        stored.version += 1
        stored.save()
    Unit.objects.filter(pk=unit.pk).update(
        signer_title=fields["signer_title"],
        signer_name=fields["signer_name"],
        recipients=fields["recipients"],
    )
    return stored


@transaction.atomic
def document_regenerate(
    *,
    subject: Subject,
    user: AbstractBaseUser,
    version: int,
) -> GeneratedReport | None:
    """Drop the edited section III so that it is generated from the notes again (the edit
    stays in the history); returns the stored edit, or None when there was none. An older
    `version` than the stored one raises DocumentEditConflict (a user who may not edit the
    unit's báo cáo, DocumentEditRefused) and nothing is written."""
    document_edit_check(user=user, unit=subject.unit)
    stored = _locked(subject, version)
    if stored is None:
        return None
    stored.assessment = ""
    stored.generated_assessment = ""
    stored.edited_by = user
    stored.edited_at = timezone.now()
    stored.version += 1
    stored.save()
    return stored
