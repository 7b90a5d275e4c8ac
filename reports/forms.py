"""The reports app's input, parsed and checked: the dashboards' query parameters, the years of a
generated báo cáo, and staff's edit of it. Unknown codes, years outside the stage and reversed
years become clear Vietnamese messages, never a server error."""

from __future__ import annotations

import re

from django import forms
from django.http import QueryDict
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from movements.models import DEFAULT_MOVEMENT, Indicator, Movement
from movements.selectors import indicators_by_group, movement_stages, movement_years

SECTION_PREFIX = "phan:"


def chosen_movement(movements: list[Movement], code: str | None) -> Movement | None:
    """Among `movements` (ordered by code), the one with `code`, else the default one
    (DEFAULT_MOVEMENT, else the first): `Movement.objects.chosen` on a list already read."""
    by_code = {m.code: m for m in movements}
    default = by_code.get(DEFAULT_MOVEMENT) or next(iter(movements), None)
    return by_code.get(code or "", default)


class Select(forms.Select):
    """Django's <select>, written in Python: Django renders each <option> through two
    templates, a few milliseconds for the movement, year and unit choices of every dashboard.
    The same elements, attributes and values (tests/reports/test_select.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attributes(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('<optgroup label="{}">', group))
            parts += [
                format_html(
                    '<option value="{}"{}>{}</option>',
                    str(option["value"]),
                    _attributes(option["attrs"]),
                    option["label"],
                )
                for option in options
            ]
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))


def _attributes(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html writes them: ` name="value"`, ` name` for True,
    nothing for False."""
    return mark_safe(
        "".join(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


class DashboardForm(forms.Form):
    """Movement, years, unit (optional) and the switch that counts submitted reports.

    Always bound: missing parameters take the defaults (the first movement, its whole stage,
    the province), so a bare URL shows the default view.
    """

    movement = forms.ChoiceField(
        widget=Select,
        label=_("Phong trào"),
        error_messages={"invalid_choice": _("Không có phong trào “%(value)s”.")},
    )
    unit = forms.ChoiceField(
        widget=Select,
        label=_("Đơn vị"),
        error_messages={
            "invalid_choice": _(
                "Không có đơn vị “%(value)s”, hoặc tài khoản của bạn không được xem đơn vị đó."
            )
        },
    )
    q = forms.CharField(
        label=_("Tìm đơn vị"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_(
            "Ô “Đơn vị” có đơn vị đang xem, các cấp trên và các đơn vị trực thuộc; gõ một phần "
            "tên hoặc mã rồi bấm “Xem” để thêm các đơn vị tìm thấy vào ô đó."
        ),
    )
    start = forms.TypedChoiceField(
        widget=Select,
        label=_("Từ năm"),
        coerce=int,
        error_messages={"invalid_choice": _("Năm “%(value)s” không hợp lệ.")},
    )
    end = forms.TypedChoiceField(
        widget=Select,
        label=_("Đến năm"),
        coerce=int,
        error_messages={"invalid_choice": _("Năm “%(value)s” không hợp lệ.")},
    )
    submitted = forms.BooleanField(
        label=_("Tính cả báo cáo đã gửi, chưa duyệt"),
        required=False,
        help_text=_("Mặc định chỉ tính các báo cáo đã được duyệt."),
    )
    raw = forms.BooleanField(
        label=_("Tổng thô"),
        required=False,
        help_text=_("Cộng mọi báo cáo được tính, không chỉ các đơn vị có số liệu ở cả hai năm."),
    )

    with_unit = True

    def __init__(
        self, params, *, movements: list[Movement], units=(), unit_default=None, defaults=None
    ):
        self.movements = {m.code: m for m in movements}
        default = chosen_movement(movements, None)
        chosen = chosen_movement(movements, params.get("movement"))
        defaults = dict(defaults or {})
        if default is not None:
            defaults |= {
                "movement": default.code,
                "start": str(chosen.start_year),
                "end": str(chosen.end_year),
            }
        if self.with_unit and unit_default is not None:
            defaults["unit"] = unit_default.code
        data = dict(defaults)
        for name in params:
            value = params.get(name)
            if value not in (None, ""):
                data[name] = value
        if "submitted" in params:
            data["submitted"] = params.get("submitted")
        if "raw" in params:
            data["raw"] = params.get("raw")
        super().__init__(data)
        self.units = {u.code: u for u in units}
        self.fields["movement"].choices = [(m.code, m.name) for m in movements]
        years = movement_years(movement=chosen) if chosen is not None else []
        for name in ("start", "end"):
            self.fields[name].choices = [(str(y), str(y)) for y in years]
        self.stage_links = []
        if chosen is not None:
            for stage, first, last in movement_stages(movement=chosen, years=years):
                link = QueryDict(mutable=True)
                link.update(params)
                for name, value in (("movement", chosen.code), ("start", first), ("end", last)):
                    link[name] = str(value)
                self.stage_links.append((stage, "?" + link.urlencode()))
        if self.with_unit:
            self.fields["unit"].choices = [(u.code, ("— " * u.depth) + u.name) for u in units]
        else:
            del self.fields["unit"]
            del self.fields["q"]

    def clean(self):
        data = super().clean()
        movement = self.movements.get(data.get("movement") or "")
        if movement is None:
            if not self.movements:
                raise forms.ValidationError(_("Chưa có phong trào nào. Hãy nạp dữ liệu gốc."))
            return data
        data["movement"] = movement
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and start > end:
            raise forms.ValidationError(
                _("Năm bắt đầu (%(start)s) phải trước hoặc bằng năm kết thúc (%(end)s).")
                % {"start": start, "end": end}
            )
        if self.with_unit and data.get("unit"):
            data["unit"] = self.units[data["unit"]]
        return data


class PeriodForm(DashboardForm):
    """DashboardForm without the unit (the unit comes from the URL or the user's scope)."""

    with_unit = False


class ProgressForm(PeriodForm):
    """Adds the completeness page's choice of one period (its progress: who has reported) or
    several (`MANY`: the years chosen), and which units to list by state.

    Without a period and without years, the period open for entry (`open_code`) is chosen.
    """

    MANY = "nhieu-ky"
    ALL = "tat-ca"
    NOT_REPORTED = "chua-nop"

    period = forms.ChoiceField(
        widget=Select,
        label=_("Kỳ báo cáo"),
        error_messages={"invalid_choice": _("Không có kỳ báo cáo “%(value)s”.")},
    )
    state = forms.ChoiceField(
        widget=Select,
        label=_("Hiển thị"),
        error_messages={"invalid_choice": _("Tình trạng “%(value)s” không hợp lệ.")},
    )

    def __init__(self, params, *, periods, open_code: str | None, state_labels, **kwargs):
        years_chosen = any(params.get(name) for name in ("start", "end"))
        default = open_code if open_code is not None and not years_chosen else self.MANY
        kwargs["defaults"] = {"period": default, "state": self.ALL}
        super().__init__(params, **kwargs)
        self.fields["period"].choices = [
            (self.MANY, _("Nhiều kỳ: các năm đã chọn")),
            *((p.code, p.label) for p in periods),
        ]
        self.fields["state"].choices = [
            (self.ALL, _("Mọi đơn vị")),
            (self.NOT_REPORTED, _("Đơn vị chưa nộp (chưa có báo cáo, nháp, bị trả lại)")),
            *state_labels.items(),
        ]

    def clean(self):
        data = super().clean()
        if data.get("period") == self.MANY:
            data["period"] = None
        return data


class CompareForm(PeriodForm):
    """Adds what to compare: one indicator or a whole section, absolute or per 100 members."""

    ABSOLUTE = "tong"
    PER_HUNDRED = "100dv"

    indicator = forms.ChoiceField(
        widget=Select,
        label=_("Chỉ tiêu"),
        error_messages={"invalid_choice": _("Không có chỉ tiêu “%(value)s” trong phong trào.")},
    )
    per = forms.ChoiceField(
        label=_("Cách tính"),
        choices=[
            (ABSOLUTE, _("Số tuyệt đối")),
            (PER_HUNDRED, _("Trên 100 đoàn viên")),
        ],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Cách tính “%(value)s” không hợp lệ.")},
    )

    def __init__(self, params, *, indicators: list[Indicator], **kwargs):
        default = next((i for i in indicators if i.is_headline), None)
        if default is None and indicators:
            default = indicators[0]
        kwargs["defaults"] = {"per": self.ABSOLUTE}
        if default is not None:
            kwargs["defaults"]["indicator"] = default.code
        super().__init__(params, **kwargs)
        self.indicators = {i.code: i for i in indicators}
        self.sections = {}
        choices = []
        for group, members in indicators_by_group(indicators):
            self.sections[group.code] = group
            label = f"{group.numbering}. {group.name}".strip(". ")
            whole = (SECTION_PREFIX + group.code, _("Cả phần") + f": {label}")
            choices.append((label, [whole, *((i.code, i.label) for i in members)]))
        self.fields["indicator"].choices = choices

    def clean(self):
        data = super().clean()
        choice = data.get("indicator") or ""
        data["section"] = None
        if choice.startswith(SECTION_PREFIX):
            data["section"] = self.sections[choice[len(SECTION_PREFIX) :]]
            data["indicator"] = None
        elif choice:
            data["indicator"] = self.indicators[choice]
        return data


# --- the generated báo cáo ----------------------------------------------------------------------

_YEARS = re.compile(r"^(\d{4})-(\d{4})$")


class YearRangeForm(forms.Form):
    """The years of a báo cáo as its URL writes them ('2009-2013', '2014-2014'): years that
    have periods (`movement_years`). Cleaned `years`: (start, end)."""

    # A plain field: the text is checked exactly as the URL gives it, untrimmed.
    years = forms.Field(required=False)

    def __init__(self, text: str, *, movement: Movement):
        super().__init__({"years": text})
        self.movement = movement

    def clean_years(self) -> tuple[int, int]:
        text, movement = self.cleaned_data["years"], self.movement
        match = _YEARS.match(text or "")
        if not match:
            raise forms.ValidationError(
                gettext(
                    "Khoảng năm “%(text)s” không hợp lệ. Hãy ghi theo dạng năm đầu-năm cuối, "
                    "ví dụ %(example)s."
                )
                % {"text": text, "example": f"{movement.start_year}-{movement.end_year}"}
            )
        start, end = int(match.group(1)), int(match.group(2))
        if start > end:
            raise forms.ValidationError(
                gettext("Năm đầu (%(start)s) lớn hơn năm cuối (%(end)s). Hãy ghi năm nhỏ trước.")
                % {"start": start, "end": end}
            )
        years = movement_years(movement=movement)
        if start not in years or end not in years:
            raise forms.ValidationError(
                gettext(
                    "Phong trào “%(name)s” có số liệu các năm %(first)s–%(last)s; khoảng "
                    "%(start)s–%(end)s nằm ngoài các năm đó."
                )
                % {
                    "name": movement.name,
                    "first": years[0],
                    "last": years[-1],
                    "start": start,
                    "end": end,
                }
            )
        return start, end


class DocumentEditForm(forms.Form):
    """Staff's edit of a báo cáo, in the document's order: the number line, the date of issue,
    the legal basis, section III, the signer and the recipients; `version` is the version of
    the edit the form was loaded from."""

    number = forms.CharField(
        label=_("Số văn bản"),
        max_length=40,
        required=False,
        help_text=_("Ví dụ: 44A BC/TĐTN. Để trống nếu chưa có số."),
    )
    issued_on = forms.DateField(
        label=_("Ngày ban hành"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("Dạng ngày/tháng/năm, ví dụ 25/6/2013. Để trống: ngày hôm nay."),
    )
    legal_basis = forms.CharField(
        label=_("Căn cứ"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 90}),
        help_text=_(
            "Các văn bản mà báo cáo thực hiện, mỗi dòng một đoạn. Để trống: căn cứ mặc định "
            "của phong trào."
        ),
    )
    assessment = forms.CharField(
        label=_("III/ Nhận xét đánh giá"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 90}),
        help_text=_("Mỗi dòng là một đoạn; dòng bắt đầu bằng “-” là một ý."),
    )
    signer_title = forms.CharField(
        label=_("Chức vụ người ký"),
        max_length=80,
        required=False,
        help_text=_("Ví dụ: BÍ THƯ, PHÓ BÍ THƯ. Được nhớ cho báo cáo sau của đơn vị."),
    )
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=80, required=False)
    recipients = forms.CharField(
        label=_("Nơi nhận"),
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_("Mỗi dòng một nơi nhận; “Lưu VP” được thêm ở cuối nếu chưa có."),
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
