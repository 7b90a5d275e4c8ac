"""The line that names a dashboard's chosen filters while they are folded
(templates/reports/_filters.html)."""

from __future__ import annotations

from django import template
from django.forms import BooleanField, BoundField, MultipleChoiceField
from django.utils.translation import gettext as _

register = template.Library()

# Typed text that only adds choices to a select; the years are named together, as a range.
NOT_NAMED = {"q", "start", "end"}
# A choice of several units is named unit by unit up to this many, else counted.
NAMED_UNITS = 3


@register.simple_tag
def filter_summary(form, unit_filter=None) -> list[str]:
    """What the filters of `form` (and of `unit_filter`, a FilterSet, when given) show as
    chosen, in their order: each select's chosen option as it reads (its first option when
    none is chosen, as the browser shows it), the years as one range ("2009–2013"), then each
    switch that is on, by its label. The movement is left out while there is only one; on the
    completeness page (a form with `MANY`) the years only for several periods and the state
    only for one. A value not among the choices (a bad parameter) is left out."""
    fields = [form[name] for name in form.fields]
    if unit_filter:
        fields += [unit_filter.form[name] for name in unit_filter.form.fields]
    many = getattr(form, "MANY", None)
    period = form["period"].value() if many is not None else None
    skipped = NOT_NAMED | ({"state"} if many is not None and period == many else set())
    names = []
    # The switches last, as the form shows them.
    fields.sort(key=lambda field: isinstance(field.field, BooleanField))
    for field in fields:
        if field.name == "start" and many is None:
            names.append(_years(form))
        elif field.name == "period" and many is not None:
            # "Several periods": the years say which.
            names.append(_years(form) if period == many else _chosen(field))
        elif field.name not in skipped:
            names.append(_chosen(field))
    return [name for name in names if name]


def _years(form) -> str:
    start, end = form["start"].value(), form["end"].value()
    if not start or not end:
        return ""
    return str(start) if str(start) == str(end) else f"{start}–{end}"


def _chosen(field: BoundField) -> str:
    """The chosen option of one field as it reads, or "" (see filter_summary)."""
    value = field.value()
    if isinstance(field.field, BooleanField):
        return str(field.label) if value else ""
    choices = _flat(getattr(field.field, "choices", None))
    if choices is None:
        return ""
    if isinstance(field.field, MultipleChoiceField):
        chosen = [choices[v] for v in value or () if v in choices]
        if len(chosen) > NAMED_UNITS:
            return _("%(count)s đơn vị") % {"count": len(chosen)}
        return ", ".join(chosen)
    if field.name == "movement" and len(choices) < 2:
        return ""
    if value in (None, ""):
        return next(iter(choices.values()), "")
    return choices.get(str(value), "")


def _flat(choices) -> dict[str, str] | None:
    """{value: label} of a field's choices, the option groups opened, the depth dashes of a
    unit's label taken off."""
    if choices is None:
        return None
    flat = {}
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat |= {str(v): str(lab) for v, lab in label}
        else:
            flat[str(value)] = str(label)
    return {value: label.lstrip("— ") for value, label in flat.items()}
