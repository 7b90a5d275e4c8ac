"""Units × years (or × indicators) as colours."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from movements.sanitise import chart_text

from .base import CELL_LABEL_COLUMNS, MONEY_SCALE, Series, base_layout, figure_text
from .provisional import Provisional, provisional_words


def heatmap(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Series],
    *,
    kinds: Sequence[str] | None = None,
    measures: Sequence[str] | None = None,
    normalise: bool = False,
    provisional: Provisional | None = None,
) -> dict:
    """A rows × columns heatmap (units × years, or units × indicators).

    With `provisional` ({year: "6/24"}, columns being years), a provisional year's column is
    labelled "2014 (tạm tính)" and its cells' hover text says how many units are counted.

    With `normalise`, each column is scaled to its largest value (0–100), so that columns in
    different measures share one colour scale; the hover text always shows the real figure.
    Empty cells (nobody reported, the unit did not exist yet) stay blank and say so.

    No colour bar: plotly.js draws it with an empty style="" attribute, which the strict CSP
    reports as an error. Darker means larger; with few columns each cell shows its figure.
    """
    n = len(columns)
    kinds = list(kinds or ["count"] * n)
    measures = list(measures or [""] * n)
    column_max = []
    for j in range(n):
        present = [float(r.values[j]) for r in rows if r.values[j] is not None]
        column_max.append(max(present) if present else 0.0)
    provisional = {str(year): count for year, count in (provisional or {}).items()}
    marked = [str(c) in provisional for c in columns]
    notes = [
        " — " + provisional_words(str(c), provisional[str(c)]) if mark else ""
        for c, mark in zip(columns, marked, strict=True)
    ]
    z, text, labels = [], [], []
    for r in rows:
        z_row, text_row, label_row = [], [], []
        for j, value in enumerate(r.values):
            if value is None:
                z_row.append(None)
                text_row.append(_("không có số liệu"))
                label_row.append("")
                continue
            number = float(value)
            if normalise:
                number = 100 * number / column_max[j] if column_max[j] else 0.0
            elif kinds[j] == "money":
                number = number / MONEY_SCALE
            z_row.append(number)
            text_row.append(figure_text(value, kinds[j], measures[j]) + notes[j])
            label_row.append(figure_text(value, kinds[j], ""))
        z.append(z_row)
        text.append(text_row)
        labels.append(label_row)
    data = [
        {
            "type": "heatmap",
            "x": [
                chart_text(_("%(year)s (tạm tính)") % {"year": c} if mark else str(c))
                for c, mark in zip(columns, marked, strict=True)
            ],
            "y": [chart_text(r.name) for r in rows],
            "z": z,
            "customdata": text,
            "hovertemplate": "%{y} — %{x}: %{customdata}<extra></extra>",
            "colorscale": [[0, "#eef4fb"], [1, "#0b3d91"]],
            "showscale": False,
            "hoverongaps": True,
            "xgap": 1,
            "ygap": 1,
        }
    ]
    if n <= CELL_LABEL_COLUMNS:
        data[0]["text"] = labels
        data[0]["texttemplate"] = "%{text}"
        data[0]["textfont"] = {"size": 11}
    layout = base_layout(title, "", height=max(320, 90 + 24 * len(rows)))
    layout["yaxis"] = {"type": "category", "autorange": "reversed", "automargin": True}
    layout["margin"]["l"] = 140
    return {"data": data, "layout": layout}
