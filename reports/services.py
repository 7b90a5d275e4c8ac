"""The writes of the reports app: staff's edits of a generated báo cáo (number, date, section III).

Each runs in one transaction and locks the stored edit, so two reviewers saving at once leave
one whole edit, never a mix.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from movements.models import Movement, Unit

from .documents import build_report_document
from .models import GeneratedReport


@transaction.atomic
def document_edit_save(
    *,
    movement: Movement,
    unit: Unit,
    start_year: int,
    end_year: int,
    user: AbstractBaseUser,
    number: str,
    issued_on: dt.date | None,
    assessment: str,
) -> GeneratedReport:
    """Keep staff's number line, date and section III text for this báo cáo; returns the stored
    edit. Text equal to the generated one is not kept as an edit, so the section follows the
    data."""
    document = build_report_document(
        movement=movement, unit=unit, start_year=start_year, end_year=end_year
    )
    generated = document.generated_assessment
    text = "\n".join(line.rstrip() for line in assessment.strip().splitlines())
    if text == generated.strip():
        text = ""
    fields = {
        "number": number.strip(),
        "issued_on": issued_on,
        "assessment": text,
        "generated_assessment": generated if text else "",
        "edited_by": user,
        "edited_at": timezone.now(),
    }
    stored, created = GeneratedReport.objects.select_for_update().get_or_create(
        movement=movement, unit=unit, start_year=start_year, end_year=end_year, defaults=fields
    )
    if not created:
        for name, value in fields.items():
            setattr(stored, name, value)
        stored.save()
    return stored


@transaction.atomic
def document_regenerate(
    *, movement: Movement, unit: Unit, start_year: int, end_year: int, user: AbstractBaseUser
) -> GeneratedReport | None:
    """Drop the edited section III so that it is generated from the notes again (the edit
    stays in the history); returns the stored edit, or None when there was none."""
    stored = (
        GeneratedReport.objects.select_for_update()
        .filter(movement=movement, unit=unit, start_year=start_year, end_year=end_year)
        .first()
    )
    if stored is None:
        return None
    stored.assessment = ""
    stored.generated_assessment = ""
    stored.edited_by = user
    stored.edited_at = timezone.now()
    stored.save()
    return stored
