"""The dashboards' <select> written in Python (`reports.forms.Select`) is Django's own: the same
elements, attributes, chosen option and escaping, with and without groups of options."""

import re

from django import forms

from reports.forms import Select

CHOICES = [
    ("kien-giang", "Tỉnh Đoàn Kiên Giang"),
    ("rach-gia", "— Thành Đoàn <Rạch Giá> & “xã”"),
    ("2013", 2013),
]
GROUPED = [
    ("Huyện, thị, thành Đoàn", [("rach-gia", "Rạch Giá"), ("ha-tien", "Hà Tiên")]),
    ("Đoàn trực thuộc", [("cong-an", "Công an")]),
    ("tat-ca", "Mọi đơn vị"),
]


def _html(widget, name, value, attrs) -> str:
    return re.sub(r">\s+<", "><", str(widget.render(name, value, attrs=attrs))).strip()


def test_a_select_writes_what_djangos_select_writes():
    for choices, value, attrs in [
        (CHOICES, "rach-gia", {"id": "id_unit", "required": True}),
        (CHOICES, 2013, {"id": "id_end", "disabled": False, "data-x": 'a"b'}),
        (GROUPED, "cong-an", {"id": "id_unit"}),
        (GROUPED, None, None),
        ([], "", {"id": "id_period"}),
    ]:
        ours = _html(Select(choices=choices), "unit", value, attrs)
        theirs = _html(forms.Select(choices=choices), "unit", value, attrs)
        assert ours == theirs, (choices, value, attrs)
    chosen = _html(Select(choices=CHOICES), "unit", "rach-gia", {"id": "id_unit"})
    assert '<option value="rach-gia" selected>' in chosen
    assert "&lt;Rạch Giá&gt; &amp; “xã”" in chosen
