"""The dashboards' tables, one function per table: rows in, a `Table` out, whose page
shows what its export contains."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from movements.formatting import format_years

from ..charts import GROUP_LABELS, Provisional, axis_title
from ..coverage_text import compared_words, short_words, unrated_words
from .body import NUM, Column, Table, data_table
from .columns import (
    AverageColumn,
    CellColumn,
    DateColumn,
    DemoColumn,
    DrillUnitColumn,
    FigureColumn,
    KindColumn,
    KindSignedColumn,
    LateColumn,
    Link,
    MatchColumn,
    PercentColumn,
    PerHundredColumn,
    ProgressStateColumn,
    PublishedColumn,
    RateColumn,
    ReportColumn,
    SignedColumn,
    SignedPercentColumn,
    SignedPerHundredColumn,
    StatusColumn,
    UnitColumn,
)


def _measure_header(label, kind: str, measure: str) -> str:
    unit = axis_title(kind, measure)
    return f"{label} ({unit})" if unit else str(label)


UnitUrl = Callable[[object, int, int], str]


def year_header(year: int, provisional: Provisional | None) -> str:
    """A year column's header: '2014', or '2014 (tạm tính, 6/24)' when not every unit due is
    counted (`provisional`: {year: "6/24"})."""
    if year in (provisional or {}):
        return _("%(year)s (tạm tính, %(count)s)") % {"year": year, "count": provisional[year]}
    return str(year)


def stage_header(years: list[int], provisional: Provisional | None, label=None) -> str:
    """The stage column's header ('Cả giai đoạn'), '… — tạm tính' when one of its years is."""
    label = label or _("Cả giai đoạn")
    if any(y in (provisional or {}) for y in years):
        return _("%(label)s — tạm tính") % {"label": label}
    return str(label)


def ranking_table(
    rows: list[dict],
    years: list[int],
    *,
    kind: str,
    per_hundred: bool,
    unit_url: UnitUrl | None = None,
    provisional: Provisional | None = None,
    raw: bool = False,
) -> Table:
    """Rank, unit, each year, stage, per 100 members, change first → last year, a note; the
    `provisional` years ({year: "6/24"}) and the stage over them headed as provisional.

    `rows`: dicts with unit, rank, y<year>, total, per_hundred, change, change_percent, and
    what says what the change and the rate span (`change_units`, `change_short`,
    `rate_short`: the note says it; `raw`: the change is of the plain sums). In
    per-100 mode the years, the stage and the change are per 100 members (and the separate
    per-100 column goes). A ratio has no per-100 column, and its change is in percentage points
    with no percent change. `unit_url(unit, start, end)`: each year's and the stage's figure
    links to the unit's page for those years (its figures and its reports).
    """
    is_ratio = kind == "ratio"
    year_link, stage_link = _unit_links(unit_url, years)
    columns = [
        ("rank", Column(verbose_name=_("Hạng"), attrs=NUM)),
        ("unit", UnitColumn(verbose_name=_("Đơn vị"), order_by=("unit_name",))),
    ]
    for year in years:
        header = year_header(year, provisional)
        column = (
            PerHundredColumn(verbose_name=header, kind=kind, link=year_link(year))
            if per_hundred
            else FigureColumn(verbose_name=header, kind=kind, link=year_link(year))
        )
        columns.append((f"y{year}", column))
    if per_hundred:
        columns += [
            (
                "total",
                PerHundredColumn(
                    verbose_name=stage_header(
                        years, provisional, _("Cả giai đoạn (trên 100 đoàn viên)")
                    ),
                    kind=kind,
                    link=stage_link,
                ),
            ),
            ("change", SignedPerHundredColumn(verbose_name=_change_header(raw), kind=kind)),
        ]
    else:
        columns.append(
            (
                "total",
                FigureColumn(
                    verbose_name=stage_header(years, provisional), kind=kind, link=stage_link
                ),
            )
        )
        if not is_ratio:
            columns.append(
                ("per_hundred", PerHundredColumn(verbose_name=_("Trên 100 đoàn viên"), kind=kind))
            )
        columns.append(
            (
                "change",
                SignedColumn(
                    verbose_name=_change_header(raw, points=is_ratio),
                    kind=kind,
                ),
            )
        )
    if not is_ratio:
        columns.append(("change_percent", SignedPercentColumn(verbose_name=_("Thay đổi (%)"))))
    columns.append(("note", Column(verbose_name=_("Ghi chú"), orderable=False)))
    first, last = (years[0], years[-1]) if years else (None, None)
    rows = [r | {"note": _ranking_note(r, first, last, per_hundred)} for r in rows]
    return data_table("RankingTable", columns, orderable=True)(rows, prefix="xh-")


def _change_header(raw: bool, *, points: bool = False) -> str:
    if raw:
        header = _("Thay đổi năm đầu → năm cuối (tổng thô)")
    else:
        header = _("Thay đổi năm đầu → năm cuối (cùng đơn vị)")
    return f"{header} ({_('điểm %')})" if points else str(header)


def _ranking_note(row: dict, first, last, per_hundred: bool) -> str:
    """What a unit's change and rate span, where it is not plain: too few units counted, a
    change over several units, no member count at the end year."""
    notes = []
    if row.get("change_short") is not None:
        notes.append(short_words(row["change_short"]))
    elif (row.get("change_units") or 0) > 1:
        notes.append(compared_words(row["change_units"], first, last))
    if row.get("rate_short") is not None:
        notes.append(
            _("không tính trên 100 đoàn viên: %(why)s") % {"why": unrated_words(row["rate_short"])}
        )
    return "; ".join(str(n) for n in notes)


def _unit_links(unit_url: UnitUrl | None, years: list[int]):
    """(year → link of a row's figure of that year, link of its stage figure)."""
    if unit_url is None:
        return (lambda year: None), None

    def year_link(year):
        return lambda record: unit_url(record["unit"], year, year)

    return year_link, lambda record: unit_url(record["unit"], years[0], years[-1])


def section_table(
    rows: list[dict],
    indicators: list,
    *,
    per_hundred: bool,
    years: list[int] | None = None,
    unit_url: UnitUrl | None = None,
) -> Table:
    """Units × the indicators of one section, over the stage `years` (or per 100 members);
    with `unit_url`, each figure links to the unit's page for the stage."""
    _year_link, stage_link = _unit_links(unit_url, years or [])
    columns = [("unit", UnitColumn(verbose_name=_("Đơn vị"), order_by=("unit_name",)))]
    for indicator in indicators:
        if per_hundred and indicator.kind != "ratio":
            column = PerHundredColumn(
                verbose_name=indicator.label, kind=indicator.kind, link=stage_link
            )
        else:
            column = FigureColumn(
                verbose_name=_measure_header(indicator.label, indicator.kind, indicator.measure),
                kind=indicator.kind,
                link=stage_link,
            )
        columns.append((f"i_{indicator.code}", column))
    return data_table("SectionTable", columns, orderable=True)(rows, prefix="phan-")


def indicator_years_table(
    rows,
    years: list[int],
    *,
    prefix: str,
    compare_url: Callable[[object, int, int], str] | None = None,
    provisional: Provisional | None = None,
) -> Table:
    """Indicators (rows of `IndicatorYears`) by year, the stage total and the change. With
    `compare_url(indicator, start, end)`, each figure links to the comparison of the units
    behind it for those years (and from there to each unit and its reports). The
    `provisional` years ({year: "6/24"}) and the stage over them are headed as provisional."""

    def link(start, end):
        if compare_url is None:
            return None
        return lambda record: compare_url(record.indicator, start, end)

    columns = [
        ("indicator", Column(verbose_name=_("Chỉ tiêu"), accessor="indicator__label")),
        ("measure", Column(verbose_name=_("Đơn vị tính"), accessor="indicator__measure")),
    ]
    for year in years:
        columns.append(
            (
                f"y{year}",
                KindColumn(
                    verbose_name=year_header(year, provisional),
                    accessor=f"years__{year}",
                    link=link(year, year),
                ),
            )
        )
    columns += [
        (
            "total",
            KindColumn(
                verbose_name=stage_header(years, provisional), link=link(years[0], years[-1])
            ),
        ),
        ("change", KindSignedColumn(verbose_name=_("Thay đổi năm đầu → năm cuối"))),
    ]
    return data_table("IndicatorYearsTable", columns, orderable=False)(rows, prefix=prefix)


def reconciliation_table(items) -> Table:
    """Published figures beside the unit data: equal, or the difference."""
    rows = [
        {
            "indicator": r.figure.indicator,
            "label": r.figure.indicator.label,
            "unit": r.figure.unit.short_name,
            "years": format_years(r.figure.start_year, r.figure.end_year),
            "published": r.figure.value,
            "qualifier": r.figure.qualifier,
            "computed": r.computed,
            "difference": r.difference,
            "matches": r.matches,
        }
        for r in items
    ]
    columns = [
        ("label", Column(verbose_name=_("Chỉ tiêu"))),
        ("unit", Column(verbose_name=_("Phạm vi"))),
        ("years", Column(verbose_name=_("Giai đoạn"))),
        ("published", PublishedColumn(verbose_name=_("Số đã công bố"))),
        ("computed", KindColumn(verbose_name=_("Cộng từ số liệu đơn vị"))),
        ("difference", KindSignedColumn(verbose_name=_("Chênh lệch"))),
        ("matches", MatchColumn(verbose_name=_("Đối chiếu"))),
    ]
    return data_table("ReconciliationTable", columns, orderable=False)(rows, prefix="dc-")


def profile_table(
    rows,
    years: list[int],
    *,
    with_peers: bool,
    report_urls: dict[int, str] | None = None,
    provisional: Provisional | None = None,
    province_provisional: Provisional | None = None,
) -> Table:
    """A unit's indicators by year and over the stage; with peers, its stage rate per 100
    members beside its peers' lowest, median and highest rate (an average of totals would
    mostly compare sizes); the province and the unit's share of it.
    `report_urls`: {year: the unit's report of that year}, where each year's figure links.
    `provisional` ({year: "6/24"}): the unit's years, and its stage over them, headed as
    provisional; `province_provisional`: the province's, heading the columns the province's
    units make (the peers' rates, the province's total and the unit's share)."""
    report_urls = report_urls or {}
    columns = [
        ("indicator", Column(verbose_name=_("Chỉ tiêu"), accessor="indicator__label")),
        ("measure", Column(verbose_name=_("Đơn vị tính"), accessor="indicator__measure")),
    ]
    for year in years:
        url = report_urls.get(year)
        columns.append(
            (
                f"y{year}",
                KindColumn(
                    verbose_name=year_header(year, provisional),
                    accessor=f"years__{year}",
                    link=(lambda record, url=url: url) if url else None,
                ),
            )
        )
    columns.append(("total", KindColumn(verbose_name=stage_header(years, provisional))))
    if with_peers:
        peer = {"td": {"class": "num peer"}, "th": {"class": "num peer"}}
        columns += [
            ("rate", RateColumn(verbose_name=_("Trên 100 đoàn viên (tỷ lệ: %)"))),
            *(
                (
                    name,
                    RateColumn(
                        verbose_name=stage_header(years, province_provisional, label), attrs=peer
                    ),
                )
                for name, label in (
                    ("rate_low", _("Cùng nhóm: thấp nhất")),
                    ("rate_median", _("Cùng nhóm: trung vị")),
                    ("rate_high", _("Cùng nhóm: cao nhất")),
                )
            ),
        ]
    columns += [
        (
            "province_total",
            KindColumn(verbose_name=stage_header(years, province_provisional, _("Toàn tỉnh"))),
        ),
        ("share", PercentColumn(verbose_name=_("Tỷ trọng trong toàn tỉnh"))),
    ]
    return data_table("ProfileTable", columns, orderable=False)(rows, prefix="dv-")


def unit_reports_table(reports) -> Table:
    columns = [
        ("period", ReportColumn(verbose_name=_("Kỳ"), accessor="period__label")),
        ("status", StatusColumn(verbose_name=_("Trạng thái"))),
        ("submitted_at", DateColumn(verbose_name=_("Ngày gửi"), default=None)),
        ("approved_at", DateColumn(verbose_name=_("Ngày duyệt"), default=None)),
        ("is_demo", DemoColumn(verbose_name=_("Nguồn"))),
    ]
    return data_table("UnitReportsTable", columns, orderable=False)(reports, prefix="bc-")


def completeness_table(matrix, *, drill_url: Callable[[object], str]) -> Table:
    """The units under the matrix's parent (one page) × periods (`selectors.Completeness`),
    each unit's cells counted over its subtree, and its share submitted on time."""
    rows = []
    for row in matrix.rows:
        record = {
            "unit": row.unit,
            "unit_name": row.unit.short_name,
            "drill": drill_url(row.unit) if row.has_children else None,
            "on_time": row.on_time_share,
        }
        for cell in row.cells:
            record[f"k{cell.period.code}"] = cell
        rows.append(record)
    columns = [("unit", DrillUnitColumn(verbose_name=_("Đơn vị")))]
    for period in matrix.periods:
        columns.append((f"k{period.code}", CellColumn(verbose_name=str(period.label))))
    columns.append(("on_time", PercentColumn(verbose_name=_("Tỷ lệ nộp đúng hạn"))))
    return data_table("CompletenessTable", columns, orderable=False)(rows, prefix="tt-")


GroupUrl = Callable[..., str]


def group_table(
    comparison,
    years: list[int],
    *,
    group_url: GroupUrl | None = None,
    provisional: Provisional | None = None,
    raw: bool = False,
) -> Table:
    """Groups of units (`selectors.group_comparison`) year by year, then over the stage: the
    units' reports counted of those due, units with figures, total (a ratio: the group's
    pooled ratio), average per unit, members, per 100 members over the units with a member
    count (and how many), and on the stage's row the change from the first to the last year
    over the units with the figure in both (`raw`: of the plain sums), with a note where too
    few units are counted. With `group_url(group, start, end, per_hundred)`, each figure links
    to the units of its group compared for its years (per 100 members for that column). The
    `provisional` years ({year: "6/24"}) and the stage over them are named as provisional."""
    kind = comparison.indicator.kind
    stage = format_years(years[0], years[-1]) if years else ""
    stage_label = stage_header(years, provisional, _("Cả giai đoạn %(stage)s") % {"stage": stage})
    rows = []
    for row in comparison.rows:
        periods = [(year_header(y, provisional), y, y, row.years[y]) for y in years]
        periods.append((stage_label, years[0], years[-1], row.stage))
        for period, start, end, figures in periods:
            coverage = figures.coverage
            rows.append(
                {
                    "group": str(GROUP_LABELS.get(row.group, row.group)),
                    "period": period,
                    "units": figures.units,
                    "counted": coverage.counted if coverage is not None else None,
                    "due": coverage.due if coverage is not None else None,
                    "reporting": figures.reporting,
                    "total": figures.total,
                    "average": figures.average,
                    "members": figures.members,
                    "per_hundred": figures.raw_per_hundred if raw else figures.per_hundred,
                    "rate_units": None if raw else figures.rate_units,
                    "link": (row.group, start, end),
                    **(_group_change(row, raw) if figures is row.stage else {}),
                }
            )

    def link(per_hundred: bool = False) -> Link | None:
        if group_url is None:
            return None
        return lambda record: group_url(*record["link"], per_hundred)

    columns = [
        ("group", Column(verbose_name=_("Nhóm đơn vị"))),
        ("period", Column(verbose_name=_("Năm"))),
        ("units", FigureColumn(verbose_name=_("Số đơn vị"))),
        ("reporting", FigureColumn(verbose_name=_("Số đơn vị có số liệu"), link=link())),
    ]
    if kind == "ratio":
        columns.append(
            ("total", FigureColumn(verbose_name=_("Tỷ lệ của nhóm"), kind=kind, link=link()))
        )
    else:
        columns += [
            ("total", FigureColumn(verbose_name=_("Tổng"), kind=kind, link=link())),
            (
                "average",
                AverageColumn(verbose_name=_("Bình quân một đơn vị"), kind=kind, link=link()),
            ),
            ("members", FigureColumn(verbose_name=_("Số đoàn viên"))),
            (
                "per_hundred",
                AverageColumn(verbose_name=_("Trên 100 đoàn viên"), kind=kind, link=link(True)),
            ),
        ]
        if not raw:
            columns.append(
                ("rate_units", FigureColumn(verbose_name=_("Số đơn vị tính trên 100 đoàn viên")))
            )
    columns += [
        ("counted", FigureColumn(verbose_name=_("Báo cáo đã tính"))),
        ("due", FigureColumn(verbose_name=_("Báo cáo phải nộp"))),
        ("change", SignedColumn(verbose_name=_change_header(raw), kind=kind)),
    ]
    if kind != "ratio":
        columns += [
            ("change_percent", SignedPercentColumn(verbose_name=_("Thay đổi (%)"))),
            (
                "rate_change",
                SignedPerHundredColumn(verbose_name=_("Thay đổi trên 100 đoàn viên"), kind=kind),
            ),
        ]
    if not raw:
        columns.append(("change_units", FigureColumn(verbose_name=_("Số đơn vị so sánh"))))
    columns.append(("note", Column(verbose_name=_("Ghi chú"))))
    return data_table("GroupTable", columns, orderable=False)(rows, prefix="nhom-")


def _group_change(row, raw: bool) -> dict:
    """The stage row's change from the first to the last year: of the plain sums (`raw`), or
    over the units with the figure in both years, with its note when too few are counted."""
    if raw:
        change, percent = row.raw_change
        return {"change": change, "change_percent": percent, "rate_change": row.raw_rate_change}
    if row.change is None:
        return {}
    rate_change = row.rate_change.change if row.rate_change is not None else None
    return {
        "change": row.change.change,
        "change_percent": row.change.change_percent,
        "rate_change": rate_change,
        "change_units": row.change.units,
        "note": short_words(row.change.short) if row.change.short is not None else "",
    }


def progress_table(rows, *, drill_url: Callable[[object], str]) -> Table:
    """Units due in one period (`selectors.ProgressRow`, one page of them, in report order):
    group, state, day submitted, deadline, late; a link down where units lie under one."""
    data = [
        {
            "row": r,
            "unit": r.unit,
            "drill": drill_url(r.unit) if r.has_children else None,
            "unit_name": r.unit.short_name,
            "group": str(GROUP_LABELS.get(r.unit.peer_group, r.unit.get_kind_display())),
            "state": r.state,
            "submitted_on": r.submitted_on,
            "deadline": r.period.deadline,
            "late": r.late,
        }
        for r in rows
    ]
    # On a phone each unit is a card, each cell on its own line named by its column
    # ("stack", static/css/app.css): no column out of reach to the right.
    columns = [
        ("unit", DrillUnitColumn(verbose_name=_("Đơn vị"), attrs={"td": {"class": "unit"}})),
        ("group", Column(verbose_name=_("Nhóm đơn vị"), attrs=_labelled(_("Nhóm đơn vị")))),
        (
            "state",
            ProgressStateColumn(verbose_name=_("Tình trạng"), attrs=_labelled(_("Tình trạng"))),
        ),
        (
            "submitted_on",
            DateColumn(verbose_name=_("Ngày gửi"), default=None, attrs=_labelled(_("Ngày gửi"))),
        ),
        (
            "deadline",
            DateColumn(verbose_name=_("Hạn nộp"), default=None, attrs=_labelled(_("Hạn nộp"))),
        ),
        (
            "late",
            LateColumn(
                verbose_name=_("Đúng hạn / trễ hạn"),
                default=None,
                attrs=_labelled(_("Đúng hạn / trễ hạn")),
            ),
        ),
    ]
    table = data_table("ProgressTable", columns, orderable=False)
    return table(data, prefix="td-", attrs={"class": "data-table stack"})


def _labelled(label) -> dict:
    """A column's cells named by `label` where a phone shows the row as a card."""
    return {"td": {"data-label": label}}
