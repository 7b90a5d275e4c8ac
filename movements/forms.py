"""Forms of the entry and review pages: numbers typed the Vietnamese way, checked by the
service rules; the validation page's choices and a reviewer's follow-up mark."""

from __future__ import annotations

from dataclasses import asdict

from django import forms
from django.core import signing
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .formatting import format_number, format_shown
from .models import FOLLOW_UP_NOTE_MAX, Indicator, IndicatorGroup, Unit
from .rules import NUMBER_MAX, NUMBER_TEXT_MAX, NumberError, ceiling, parse_number, values_check
from .selectors import ReportState, indicators_by_group


class VietnameseNumberField(forms.Field):
    """A whole number typed as '8.964', at most `limit` (the indicator's ceiling); cleaned to
    int or None, shown back as '8.964'."""

    widget = forms.TextInput

    def __init__(self, *args, limit: int = NUMBER_MAX, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.limit = limit
        self.widget.attrs.update(
            {
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "num",
                "maxlength": str(NUMBER_TEXT_MAX),
            }
        )

    def prepare_value(self, value):
        if isinstance(value, int):
            return format_number(value)
        return value

    def to_python(self, value):
        # A longer text is refused by parse_number, not cut to a number the user never typed.
        text = str(value) if value not in (None, "") else None
        try:
            return parse_number(text, limit=self.limit)
        except NumberError as error:
            raise forms.ValidationError(str(error), code="number") from error


def field_name(indicator: Indicator) -> str:
    return f"v-{indicator.code}"


NOTE_FIELDS = ("highlights", "shortcomings")


LOADED_SALT = "movements.forms.loaded"


def loaded_token(state: ReportState, version: int) -> str:
    """The report's state a form is loaded with, and its version, signed (the form's hidden
    "loaded"): the base of the three-way merge when the report has changed by the save,
    whatever wrote its figures, with or without history."""
    return signing.dumps({"version": version, **asdict(state)}, salt=LOADED_SALT, compress=True)


class LoadedField(forms.CharField):
    """The signed state a form was loaded with (`loaded_token`), as {"version": …, state}; None
    when missing or not signed here (the save then takes the base from the history)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> dict | None:
        try:
            return signing.loads(str(value or ""), salt=LOADED_SALT)
        except signing.BadSignature:
            return None


def merged_data(data: QueryDict, merged: dict, version: int, stored: ReportState) -> QueryDict:
    """A refused form's data with the three-way merge in place of the user's fields (see
    services.EditConflict), on the version that is stored now and its state (`stored`)."""
    data = data.copy()
    data["version"] = str(version)
    data["loaded"] = loaded_token(stored, version)
    for code, value in merged.items():
        if code in NOTE_FIELDS:
            data[code] = value or ""
        else:
            data[f"v-{code}"] = format_number(value) if value is not None else ""
    return data


BLANK_PREFIX = "blank-"
BLANK_KEPT = "empty"  # the section has nothing to report: its blank figures stay blank
BLANK_ZEROS = "zero"  # write 0 in the section's blank figures


def blank_name(group: IndicatorGroup) -> str:
    """The field of the question about a section's blank figures, when submitting."""
    return f"{BLANK_PREFIX}{group.code}"


def _section(group: IndicatorGroup) -> str:
    return f"{group.numbering}. {group.name}" if group.numbering else group.name


def _zeros_filled(data, groups: list[tuple[IndicatorGroup, list[Indicator]]]):
    """The form's data with "0" in every empty figure of the sections whose question asks
    for zeros (BLANK_ZEROS): filled here, on the server, so that the page shows them and
    the save stores them. Other sections, and figures already typed, are left alone."""
    if data is None:
        return None
    chosen = [items for group, items in groups if data.get(blank_name(group)) == BLANK_ZEROS]
    if not chosen:
        return data
    data = data.copy()
    for items in chosen:
        for indicator in items:
            if not str(data.get(field_name(indicator)) or "").strip():
                data[field_name(indicator)] = "0"
    return data


class ReportForm(forms.Form):
    """One report: a number field per entered indicator, the narrative notes, the version and
    the state it was loaded with, and the confirmation of unusual values.

    Valid when every number can be read; the rules (`check_rules`) are the service's to
    apply, after it has checked that the report has not changed since the form was loaded."""

    highlights = forms.CharField(
        label=_("Kết quả nổi bật"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    shortcomings = forms.CharField(
        label=_("Hạn chế, tồn tại"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    confirm_unusual = forms.BooleanField(
        label=_("Tôi đã kiểm tra: các số liệu cao (thấp) bất thường ở trên là đúng."),
        required=False,
    )
    loaded = LoadedField()

    def __init__(
        self,
        data=None,
        *args,
        indicators: list[Indicator],
        previous: dict | None = None,
        unit: Unit | None = None,
        **kw,
    ):
        groups = indicators_by_group(indicators)
        super().__init__(_zeros_filled(data, groups), *args, **kw)
        self.indicators = indicators
        self.unit = unit
        self.previous = previous or {}
        self.unusual = False
        self.blank_questions: list[tuple[IndicatorGroup, list]] = []
        for indicator in indicators:
            self.fields[field_name(indicator)] = VietnameseNumberField(
                label=indicator.name, help_text=indicator.measure, limit=ceiling(indicator)
            )
        for group, _items in groups:
            self.fields[blank_name(group)] = forms.ChoiceField(
                label=_("Mục %(section)s có ô để trống") % {"section": _section(group)},
                choices=[
                    (
                        BLANK_KEPT,
                        _("Mục %(section)s không có số liệu để báo cáo (để trống)")
                        % {"section": _section(group)},
                    ),
                    (BLANK_ZEROS, _("Ghi 0 cho các ô trống của mục này")),
                ],
                required=False,
                widget=forms.RadioSelect,
            )

    def values(self) -> dict[str, int | None]:
        return {i.code: self.cleaned_data.get(field_name(i)) for i in self.indicators}

    def blanks_confirmed(self) -> list[str]:
        """The codes of the sections whose blank figures the secretary confirmed as "nothing
        to report" (the service's `blanks_confirmed`)."""
        return [
            name.removeprefix(BLANK_PREFIX)
            for name in self.fields
            if name.startswith(BLANK_PREFIX) and self.cleaned_data.get(name) == BLANK_KEPT
        ]

    def ask_blanks(self, sections: list[tuple[IndicatorGroup, list[Indicator]]]) -> None:
        """Ask about the sections a submission left blank (services.BlanksUnconfirmed):
        [(section, [(blank indicator, its field)], its question)] for the template."""
        self.blank_questions = [
            (group, [(i, self[field_name(i)]) for i in blank], self[blank_name(group)])
            for group, blank in sections
        ]

    def clean_loaded(self) -> ReportState | None:
        """The state the form was loaded with, when it is the one of the form's version."""
        payload = self.cleaned_data.get("loaded")
        if not isinstance(payload, dict):
            return None
        if payload.pop("version", None) != self.cleaned_data.get("version"):
            return None
        try:
            return ReportState(**payload)
        except TypeError:  # signed here in another shape
            return None

    def check_rules(self) -> None:
        """Mark the rules' errors, and the unusual values unless confirmed, on the figures
        that could be read (a page that shows every problem at once)."""
        typed = {
            i.code: self.cleaned_data.get(field_name(i))
            for i in self.indicators
            if field_name(i) not in self.errors
        }
        self.show_problems(*values_check(self.indicators, typed, self.previous, unit=self.unit))

    def show_problems(self, errors: dict[str, list], warnings: dict[str, list]) -> None:
        """Mark rule errors and unusual values (`values_check`'s, or a refused save's) on
        their fields; the unusual ones ask for the confirmation unless it was given."""
        for code, messages in errors.items():
            for message in messages:
                self.add_error(f"v-{code}", message)
        if warnings:
            self.unusual = True
            if not self.cleaned_data.get("confirm_unusual"):
                for code, messages in warnings.items():
                    for message in messages:
                        self.add_error(f"v-{code}", message)

    def mark_clashes(self, clashes: dict[str, tuple]) -> None:
        """Mark each field that both the user and the last save changed, with both values."""
        for code, (mine, stored) in clashes.items():
            name = code if code in NOTE_FIELDS else f"v-{code}"
            if name not in self.fields:
                continue
            self.add_error(
                name,
                _(
                    "Bạn và người lưu trước cùng sửa mục này: bạn nhập “%(mine)s”, bản đã lưu là "
                    "“%(stored)s”. Ô đang giữ số liệu của bạn; hãy chọn số đúng rồi lưu lại."
                )
                % {"mine": format_shown(mine), "stored": format_shown(stored)},
            )

    def sections(self) -> list[tuple[IndicatorGroup, list[tuple]]]:
        """[(group, [(indicator, bound field, previous value)])] in report order."""
        return [
            (group, [(i, self[field_name(i)], self.previous.get(i.code)) for i in indicators])
            for group, indicators in indicators_by_group(self.indicators)
        ]

    def error_summary(self) -> list[tuple[str, str, str]]:
        """[(field id, label, message)] for the list of errors at the top of the form."""
        out = []
        for name, messages in self.errors.items():
            if name == "__all__":
                out.extend(("", "", m) for m in messages)
                continue
            bound = self[name]
            out.extend((bound.id_for_label, bound.label, m) for m in messages)
        return out


class VersionForm(forms.Form):
    """A reviewer's action (approve): the report version the page showed. A missing or
    malformed version is not checked: `checked_version()` gives None."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def checked_version(self) -> int | None:
        self.is_valid()
        return self.cleaned_data.get("version")


class ReasonForm(VersionForm):
    """Return or reopen a report: the reason the unit will read, and the version."""

    reason = forms.CharField(
        label=_("Lý do"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Cần ghi lý do để đơn vị biết phải sửa gì.")},
    )


class ReportVersionsField(forms.Field):
    """The ticked reports as {id: version}: each box sends "id:version", the version the page
    showed, so that approving checks the report is still what the reviewer saw. Anything else
    (a bare id, letters, huge numbers) is left out."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> dict[int, int]:
        chosen = {}
        for item in value or []:
            if not isinstance(item, str):
                continue
            pk, _sep, version = item.partition(":")
            # ASCII digits only: "²".isdigit() is true but int() refuses it.
            if all(p.isascii() and p.isdigit() and len(p) < 19 for p in (pk, version)):
                chosen[int(pk)] = int(version)
        return chosen


class ApproveSelectedForm(forms.Form):
    """The review page's bulk approval: the ticked reports with the versions shown."""

    report = ReportVersionsField(
        error_messages={"required": _("Chưa chọn báo cáo nào để duyệt.")},
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        error_messages={
            "required": _("Hãy chọn một tệp Excel (.xlsx) để tải lên."),
            "empty": _("Tệp tải lên rỗng."),
        },
    )


CHECK_CHOICES = [
    ("", _("Mọi cảnh báo")),
    ("unusual", _("Số liệu bất thường")),
    ("blank", _("Phần để trống")),
    ("follow-up", _("Đã đánh dấu cần xem lại")),
]


class ChecksForm(forms.Form):
    """The validation page's choice: a period (its code) and which flags to list. An unknown
    period or kind is an error the page shows, with nothing listed."""

    period = forms.ChoiceField(
        label=_("Kỳ"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "Không có kỳ “%(value)s” trong các kỳ có báo cáo đã gửi; hãy chọn một kỳ trong "
                "danh sách."
            )
        },
    )
    loai = forms.ChoiceField(
        label=_("Hiện"),
        required=False,
        choices=CHECK_CHOICES,
        error_messages={
            "invalid_choice": _("Không có loại cảnh báo “%(value)s”; hãy chọn trong danh sách.")
        },
    )

    def __init__(self, data, *, periods: list, default=None):
        super().__init__(data)
        self.periods = {p.code: p for p in periods}
        self.fields["period"].choices = [(p.code, p.label) for p in periods]
        self.default = default
        if default is not None:
            self.fields["period"].initial = default.code

    def chosen(self):
        """(period, kind) chosen, the period by default the one given; (None, "") when the
        parameters are not valid."""
        if not self.is_valid():
            return None, ""
        code = self.cleaned_data["period"]
        return self.periods.get(code, self.default), self.cleaned_data["loai"]


class FollowUpForm(forms.Form):
    """A reviewer's follow-up mark on a flag of a report: the flag, mark or clear, a short
    note for the unit, and the page to go back to."""

    flag = forms.IntegerField(min_value=1, max_value=2**62)
    action = forms.ChoiceField(choices=[("mark", "mark"), ("clear", "clear")])
    note = forms.CharField(required=False, max_length=FOLLOW_UP_NOTE_MAX)
    back = forms.ChoiceField(required=False, choices=[("", ""), ("checks", "checks")])
