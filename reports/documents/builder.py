"""Builds the báo cáo of a unit's subtree for a range of years from the data, read once.

Sections I and II state every figure (`wording`), compare the main ones with the previous
years and name the leading units; section III comes from the units' notes (or staff's edit);
the annex gives the figures by year and by unit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone, translation

from movements.formatting import format_number, format_percent
from movements.models import Indicator, Movement, PublishedFigure, Unit
from movements.selectors import indicators_by_group, stage_legal_basis
from reports.models import GeneratedReport
from reports.selectors import (
    Number,
    ReportCoverage,
    Subject,
    YearCoverage,
    change_between,
    indicator_totals,
    indicator_totals_by_year_and_stage,
    mapped_coverage,
    mapped_totals,
    movement_indicators,
    report_coverage,
    report_published_figures,
    succession_mapping,
    year_coverage,
)

from .structure import (
    Paragraph,
    Particulars,
    ReportDocument,
    Run,
    Section,
    Signature,
    Table,
    TableRow,
    xml_text,
)
from .wording import (
    ASSESSMENT_TITLE,
    DRAFT_MARK,
    ON_BEHALF,
    RESULTS_TITLE,
    ROMAN,
    SIGNER_TITLE,
    TOP_UNITS,
    Stated,
    cell_measure,
    cell_text,
    default_recipients,
    figure_text,
    header_lines,
    lines_of,
    long_date,
    place,
    recipient_lines,
    sentences,
    subtitle,
    years_label,
)

# --- comparisons ------------------------------------------------------------------------------


def comparison_years(
    movement: Movement, start_year: int, end_year: int
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(current years, previous years) to compare: the range against the range of the same
    length just before it when that lies within the stage, else the last year against the one
    before; None for the stage's first year alone."""
    length = end_year - start_year + 1
    if start_year - length >= movement.start_year:
        return (start_year, end_year), (start_year - length, start_year - 1)
    if length > 1:
        return (end_year, end_year), (end_year - 1, end_year - 1)
    return None


def _sum_years(by_year: dict, code: str, years: tuple[int, int]) -> Number:
    values = [by_year.get((code, None, y)) for y in range(years[0], years[1] + 1)]
    values = [v for v in values if v is not None]
    return sum(values) if values else None


def _comparison_paragraphs(
    movement: Movement,
    indicators: list[Indicator],
    by_year: dict,
    by_unit: dict,
    children: list[Unit],
    start_year: int,
    end_year: int,
    years_covered: dict[int, YearCoverage] | None = None,
) -> list[Paragraph]:
    """For each main indicator of a section: its change against the previous year or stage,
    and the leading units. With `years_covered` ({year: YearCoverage}), a year of either side
    with too few of its units due counted (under the movement's comparison threshold) is not
    compared: the sentence says how many units it holds instead; a side with a year not
    complete is named provisional."""
    span = comparison_years(movement, start_year, end_year)
    years_covered = years_covered or {}

    def short(years: tuple[int, int]) -> list[YearCoverage]:
        return [
            c
            for y in range(years[0], years[1] + 1)
            if (c := years_covered.get(y)) is not None
            and not c.enough(movement.comparison_threshold)
        ]

    def provisional(years: tuple[int, int]) -> str:
        gaps = [
            c
            for y in range(years[0], years[1] + 1)
            if (c := years_covered.get(y)) is not None and not c.complete
        ]
        if not gaps:
            return ""
        if years[0] == years[1]:
            return (
                f" (tạm tính, {format_number(gaps[0].counted)}/{format_number(gaps[0].due)} đơn vị)"
            )
        return f" (tạm tính, {_coverage_counts(gaps)})"

    out = []
    for indicator in indicators:
        if not indicator.is_headline or indicator.kind == Indicator.Kind.RATIO:
            continue
        parts: list[str] = []
        if span is not None and indicator.aggregation == Indicator.Aggregation.SUM:
            current_years, previous_years = span
            current = _sum_years(by_year, indicator.code, current_years)
            previous = _sum_years(by_year, indicator.code, previous_years)
            too_few = short(current_years) + short(previous_years)
            if current is not None and previous is not None and too_few:
                now = years_label(*current_years) + provisional(current_years)
                parts.append(
                    f"{now} đạt {figure_text(indicator, current)}; chưa đủ số liệu để so sánh "
                    f"với {years_label(*previous_years)} ({_coverage_counts(too_few)})"
                )
            elif current is not None and previous is not None:
                now = years_label(*current_years) + provisional(current_years)
                before = years_label(*previous_years) + provisional(previous_years)
                if current == previous:
                    change = f"bằng {before}"
                else:
                    word = "tăng" if current > previous else "giảm"
                    change = f"{word} {figure_text(indicator, abs(current - previous))}"
                    _difference, percent = change_between(previous, current)
                    if percent is not None:
                        change += f" ({format_percent(abs(percent))})"
                    change += f" so với {before}"
                parts.append(f"{now} đạt {figure_text(indicator, current)}, {change}")
        leaders = sorted(
            (
                (by_unit.get((indicator.code, child.code, None)), child)
                for child in children
                if by_unit.get((indicator.code, child.code, None))
            ),
            key=lambda pair: (-pair[0], pair[1].official_key),
        )[:TOP_UNITS]
        if len(leaders) > 1:
            names = ", ".join(f"{u.name} ({figure_text(indicator, v)})" for v, u in leaders)
            parts.append(f"dẫn đầu là {names}")
        if parts:
            text = "; ".join(parts)
            out.append(Paragraph([Run(f"- {indicator.label}: {text}.")], style="bullet"))
    return out


# --- section III and coverage -----------------------------------------------------------------


def _clean_note(text: str) -> str:
    return " ".join(text.split()).rstrip(" .;,")


def generated_assessment(coverage: ReportCoverage) -> str:
    """Section III from the units' notes, one paragraph a line. Each note is said once, with
    the units that wrote it; a note every reporting unit wrote (more than three) names none,
    since how many units reported is said once, in the opening paragraph."""
    by_text: dict[str, dict[str, list[Unit]]] = {"highlights": {}, "shortcomings": {}}
    for note in coverage.notes:
        for kind in by_text:
            text = _clean_note(getattr(note, kind))
            if not text:
                continue
            units = by_text[kind].setdefault(text, [])
            if note.unit not in units:
                units.append(note.unit)
    reporting = len(coverage.reporting_units)
    lines = []
    if by_text["highlights"]:
        lines.append(
            "Qua tổng hợp báo cáo của các đơn vị, phong trào đạt được những kết quả nổi bật:"
        )
        lines += [_attributed(t, u, reporting) for t, u in by_text["highlights"].items()]
    if by_text["shortcomings"]:
        lines.append("Bên cạnh đó, còn một số hạn chế, tồn tại:")
        lines += [_attributed(t, u, reporting) for t, u in by_text["shortcomings"].items()]
    if not lines:
        lines.append("Các đơn vị chưa ghi nhận xét, đánh giá trong báo cáo.")
    return "\n".join(lines)


def _attributed(text: str, units: list[Unit], reporting: int) -> str:
    if len(units) == reporting and reporting > 3:
        return f"- {text}."
    ordered = sorted(units, key=lambda u: u.official_key)
    names = [u.name if len(units) <= 3 else u.short_name for u in ordered]
    return f"- {text} ({', '.join(names)})."


def assessment_paragraphs(text: str) -> list[Paragraph]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            out.append(Paragraph([Run(line)], style="bullet" if line.startswith("-") else "body"))
    return out


def _coverage_paragraph(coverage: ReportCoverage, start_year: int, end_year: int) -> Paragraph:
    counted = coverage.report_count
    reporting = len(coverage.reporting_units)
    text = (
        f"Số liệu trong báo cáo được tổng hợp từ {format_number(counted)} báo cáo đã duyệt "
        f"của {format_number(reporting)} đơn vị, {years_label(start_year, end_year)}."
    )
    runs = [Run(text)]
    missing = coverage.missing
    if not missing:
        if coverage.expected:
            runs.append(Run(" Tất cả các đơn vị đã có báo cáo được duyệt."))
    else:
        runs.append(Run(" Đơn vị chưa có báo cáo được duyệt: "))
        for index, (unit, periods) in enumerate(missing):
            if index:
                runs.append(Run("; "))
            runs.append(Run(unit.name, "unit", unit=unit.code))
            labels = ", ".join(str(p.label) for p in periods)
            runs.append(Run(f" (năm {labels})" if periods[0].kind == "year" else f" ({labels})"))
        runs.append(Run("."))
    return Paragraph(runs)


def _coverage_counts(coverage: list[YearCoverage]) -> str:
    """'năm 2014: 1/24 đơn vị; năm 2013: 20/24 đơn vị'."""
    return "; ".join(
        f"năm {c.year}: {format_number(c.counted)}/{format_number(c.due)} đơn vị" for c in coverage
    )


def provisional_statement(coverage: dict[int, YearCoverage]) -> str:
    """What the báo cáo says near its top when a year of it is not complete: 'Báo cáo tạm
    tính: mới có 1/24 đơn vị được duyệt số liệu năm 2014.' Empty when every year is."""
    gaps = [c for c in coverage.values() if not c.complete]
    if not gaps:
        return ""
    said = "; ".join(
        f"mới có {format_number(c.counted)}/{format_number(c.due)} đơn vị được duyệt số liệu "
        f"năm {c.year}"
        if c.counted
        else f"chưa có đơn vị nào được duyệt số liệu năm {c.year} (0/{format_number(c.due)})"
        for c in gaps
    )
    return f"Báo cáo tạm tính: {said}."


def _years_covered_paragraph(coverage: dict[int, YearCoverage]) -> Paragraph:
    """How many of the units due each year have an approved report: 'Số đơn vị có báo cáo
    được duyệt trên số đơn vị phải báo cáo: năm 2013: 24/24; năm 2014: 1/24 (tạm tính).'"""
    years = "; ".join(
        f"năm {c.year}: {format_number(c.counted)}/{format_number(c.due)}"
        + ("" if c.complete else " (tạm tính)")
        for c in coverage.values()
    )
    return Paragraph(
        [Run(f"Số đơn vị có báo cáo được duyệt trên số đơn vị phải báo cáo: {years}.")]
    )


# --- annex ------------------------------------------------------------------------------------


def _annex_by_year(
    indicators: list[Indicator],
    groups: list,
    totals: dict,
    by_year: dict,
    years: list[int],
    coverage: dict[int, YearCoverage] | None = None,
) -> Table:
    gaps = {y: c for y, c in (coverage or {}).items() if not c.complete}
    columns = ["Chỉ tiêu", "Đơn vị tính"]
    columns += [
        f"{y} (tạm tính, {format_number(gaps[y].counted)}/{format_number(gaps[y].due)})"
        if y in gaps
        else str(y)
        for y in years
    ]
    if len(years) > 1:
        columns.append("Cả kỳ (tạm tính)" if any(y in gaps for y in years) else "Cả kỳ")
    rows = []
    for group, members in groups:
        rows.append(TableRow([f"{group.numbering}. {group.name}"], kind="group"))
        for indicator in members:
            cells = [indicator.name, cell_measure(indicator)]
            cells += [cell_text(indicator, by_year.get((indicator.code, None, y))) for y in years]
            if len(years) > 1:
                cells.append(cell_text(indicator, totals.get((indicator.code, None, None))))
            rows.append(TableRow(cells))
    return Table(title="", columns=columns, rows=rows, text_columns=2)


def _annex_by_unit(
    unit: Unit, headline: list[Indicator], children: list[Unit], by_unit: dict, totals: dict
) -> Table:
    columns = ["Đơn vị", *[f"{i.label} ({cell_measure(i)})" for i in headline]]
    rows = []
    for child in children:
        cells = [child.name]
        cells += [cell_text(i, by_unit.get((i.code, child.code, None))) for i in headline]
        rows.append(TableRow(cells))
    if any((i.code, unit.code, None) in by_unit for i in headline):
        cells = [f"{unit.name} (báo cáo trực tiếp)"]
        cells += [cell_text(i, by_unit.get((i.code, unit.code, None))) for i in headline]
        rows.append(TableRow(cells))
    cells = ["Tổng cộng"] + [cell_text(i, totals.get((i.code, None, None))) for i in headline]
    rows.append(TableRow(cells, kind="total"))
    return Table(title="", columns=columns, rows=rows, text_columns=1)


# --- particulars ------------------------------------------------------------------------------


def particulars(
    unit: Unit,
    stored: GeneratedReport | None,
    units_by_id: dict[int, Unit],
    *,
    legal_basis: str,
) -> Particulars:
    """The legal basis, signer and recipients of this báo cáo: as staff last saved them, else
    `legal_basis` (its stage's, else the movement's) and the unit's usual signer and
    recipients, else the defaults."""

    def first(*values: str) -> str:
        return next((v for v in values if v and v.strip()), "")

    kept = stored or GeneratedReport()
    return Particulars(
        legal_basis=first(kept.legal_basis, legal_basis),
        signer_title=first(kept.signer_title, unit.signer_title, SIGNER_TITLE),
        signer_name=first(kept.signer_name, unit.signer_name),
        recipients=first(kept.recipients, unit.recipients, default_recipients(unit, units_by_id)),
    )


# What a báo cáo needs before it is issued, as the edit form names the fields, in its order.
ISSUE_FIELDS = ("number", "issued_on", "signer_name", "recipients")


def issue_missing(stored: GeneratedReport | None, unit: Unit, signer_name: str) -> list[str]:
    """What the báo cáo lacks before it can be issued, as the edit form names it: its number,
    its date of issue, the signer's name, and its recipients while they are only the defaults
    (none chosen for this báo cáo nor remembered for the unit)."""
    kept = stored or GeneratedReport()
    missing = {
        "number": not kept.number.strip(),
        "issued_on": kept.issued_on is None,
        "signer_name": not signer_name.strip(),
        "recipients": not (kept.recipients.strip() or unit.recipients.strip()),
    }
    return [name for name in ISSUE_FIELDS if missing[name]]


# --- building ---------------------------------------------------------------------------------


def build_report_document(*, subject: Subject, today: dt.date | None = None) -> ReportDocument:
    """The báo cáo of the subject unit's subtree for its years (the reports whose status
    counts: approved ones for a báo cáo), built from a fixed number of queries whatever the
    number of units, years or indicators."""
    movement, unit = subject.movement, subject.unit
    start_year, end_year = subject.start_year, subject.end_year
    indicators = movement_indicators(movement=movement)
    groups = indicators_by_group(indicators)
    coverage = report_coverage(subject=subject)
    units_by_id = {u.pk: u for u in coverage.units}
    children = sorted(
        (u for u in coverage.units if u.parent_id == unit.pk), key=lambda u: u.official_key
    )
    headline = [i for i in indicators if i.is_headline and i.kind != Indicator.Kind.RATIO]

    span = comparison_years(movement, start_year, end_year)
    first_year = min(start_year, span[1][0]) if span else start_year
    # A successor: the years before its change summed over its predecessors, and said so.
    mapping = succession_mapping(unit)
    # Each year's units counted of units due, the years compared with included.
    if mapping is None:
        covered = year_coverage(subject=subject, years=list(range(first_year, end_year + 1)))
    else:
        covered = mapped_coverage(subject=subject.with_years(first_year, end_year), mapping=mapping)
    years_covered = {y: c for y, c in covered.items() if y >= start_year}
    if mapping is not None:
        totals = mapped_totals(subject=subject, indicators=indicators, mapping=mapping)[1]
        by_year = mapped_totals(
            subject=subject.with_years(first_year, end_year),
            indicators=indicators,
            mapping=mapping,
        )[0]
    elif first_year == start_year:  # the stage's totals and its years' from one query
        by_year, totals = indicator_totals_by_year_and_stage(subject=subject, indicators=indicators)
    else:
        totals = indicator_totals(subject=subject, indicators=indicators)
        by_year = indicator_totals(
            subject=subject.with_years(first_year, end_year), by_year=True, indicators=indicators
        )
    by_unit = (
        indicator_totals(subject=subject, by_unit=True, indicators=headline, children=children)
        if children and headline
        else {}
    )

    # Published figures for the same years: the unit's own ones go into its sentences, those of
    # units below it into paragraphs attributed to those units.
    published = report_published_figures(subject=subject)
    own = {f.indicator.code: f for f in published if f.unit_id == unit.pk}
    scoped: dict[int, list[PublishedFigure]] = defaultdict(list)
    for figure in published:
        if figure.unit_id != unit.pk:
            scoped[figure.unit_id].append(figure)
    scope_units = [units_by_id.get(uid) or scoped[uid][0].unit for uid in scoped]
    scope_totals = (
        indicator_totals(subject=subject, by_unit=True, indicators=indicators, children=scope_units)
        if scope_units
        else {}
    )

    stated = {
        i.code: Stated(i, totals.get((i.code, None, None)), own.get(i.code)) for i in indicators
    }
    # A figure that one unit below did entirely is said once, in that unit's paragraph.
    attributed = {
        f.indicator.code
        for figures in scoped.values()
        for f in figures
        if scope_totals.get((f.indicator.code, f.unit.code, None))
        == totals.get((f.indicator.code, None, None))
    }

    sections = _sections(
        movement, unit, groups, stated, attributed, scoped, scope_totals, units_by_id
    )
    for section in [s for top in sections for s in [top, *top.subsections]]:
        group_indicators = next((m for g, m in groups if g.code == section.key), None)
        if group_indicators is not None:
            section.paragraphs += _comparison_paragraphs(
                movement,
                group_indicators,
                by_year,
                by_unit,
                children,
                start_year,
                end_year,
                covered,
            )
            if not section.paragraphs:
                section.paragraphs.append(
                    Paragraph([Run("Chưa có số liệu được duyệt cho phần này.")], style="note")
                )

    stored = (
        GeneratedReport.objects.filter(
            movement=movement, unit=unit, start_year=start_year, end_year=end_year
        )
        .select_related("edited_by")
        .first()
    )
    assessment = generated_assessment(coverage)
    document = ReportDocument(
        movement=movement,
        unit=unit,
        start_year=start_year,
        end_year=end_year,
        years_label=years_label(start_year, end_year),
        header_lines=header_lines(unit, units_by_id),
        place_date="",
        number_line="",
        title="BÁO CÁO",
        subtitle=subtitle(movement, start_year, end_year),
        notice=(
            "DỮ LIỆU MINH HOẠ (demo): số liệu theo đơn vị và năm là số giả lập, chỉ tổng cộng "
            "khớp với báo cáo đã công bố."
            if coverage.is_demo
            else ""
        ),
        intro=[],
        sections=sections,
        annex=[],
        differences=[],
        generated_assessment=assessment,
        stored=stored,
        is_demo=coverage.is_demo,
        particulars=particulars(
            unit,
            stored,
            units_by_id,
            legal_basis=stage_legal_basis(movement=movement, year=end_year),
        ),
        coverage=years_covered,
        provisional=provisional_statement(years_covered),
    )
    document.missing = issue_missing(stored, unit, document.particulars.signer_name)
    document.draft_mark = DRAFT_MARK if document.missing else ""
    issued_on = stored.issued_on if stored else None
    year = (today or timezone.localdate()).year
    document.place_date = f"{place(unit)}, {long_date(issued_on, year)}"
    default_number = "……… BC/TĐTN" if unit.parent_id is None else "……… BC/ĐTN"
    number = xml_text(stored.number) if stored and stored.number else default_number
    document.number_line = f"Số: {number}"
    document.legal_basis = [
        Paragraph([Run(line)], style="basis") for line in lines_of(document.particulars.legal_basis)
    ]
    document.signature = Signature(
        ON_BEHALF,
        xml_text(document.particulars.signer_title.upper()),
        xml_text(document.particulars.signer_name),
    )
    document.recipients = recipient_lines(xml_text(document.particulars.recipients))
    document.intro = [
        Paragraph(
            [
                Run(
                    f"Nhằm đánh giá kết quả triển khai thực hiện phong trào “{movement.name}” "
                    f"{years_label(start_year, end_year)}, Ban Thường vụ {unit.name} báo cáo "
                    "kết quả thực hiện với nội dung sau:"
                )
            ]
        ),
        _coverage_paragraph(coverage, start_year, end_year),
        _years_covered_paragraph(years_covered),
    ]
    if mapping is not None:
        with translation.override("vi"):
            said = mapping.describe(first_year)
        if said:
            document.intro.append(Paragraph([Run(f"So sánh qua thay đổi tổ chức: {said}.")]))
    assessment_section = Section(
        key="nhan-xet",
        numbering=f"{ROMAN[min(len(sections), len(ROMAN) - 1)]}/",
        title=ASSESSMENT_TITLE.upper(),
        level=1,
        paragraphs=assessment_paragraphs(document.assessment_text),
        editable=True,
    )
    document.sections.append(assessment_section)

    years = list(range(start_year, end_year + 1))
    annex_year = _annex_by_year(indicators, groups, totals, by_year, years, years_covered)
    annex_year.title = f"Phụ lục 1. Số liệu các chỉ tiêu theo năm — {unit.name}"
    document.annex.append(annex_year)
    if children and headline:
        annex_unit = _annex_by_unit(unit, headline, children, by_unit, totals)
        annex_unit.title = (
            f"Phụ lục 2. Các chỉ tiêu chính theo đơn vị, {years_label(start_year, end_year)}"
        )
        document.annex.append(annex_unit)

    document.differences = [
        Paragraph(list(p.runs), style="bullet")
        for s in document.all_sections()
        for p in s.paragraphs
        if p.has_difference
    ]
    return document


def _sections(
    movement, unit, groups, stated, attributed, scoped, scope_totals, units_by_id
) -> list[Section]:
    top: dict[str, Section] = {}
    order: list[Section] = []
    for group, members in groups:
        numbering = group.numbering or ""
        head, _dot, sub = numbering.partition(".")
        runs = sentences(movement, group.code, members, stated, unit, skip=attributed)
        paragraphs = [Paragraph(runs)] if runs else []
        for unit_id, figures in scoped.items():
            own_figures = [f for f in figures if f.indicator.group_id == group.pk]
            if not own_figures:
                continue
            scope_unit = units_by_id.get(unit_id) or own_figures[0].unit
            scope_stated = {
                f.indicator.code: Stated(
                    f.indicator, scope_totals.get((f.indicator.code, scope_unit.code, None)), f
                )
                for f in own_figures
            }
            sentence = sentences(movement, group.code, members, scope_stated, scope_unit)
            paragraphs.append(
                Paragraph(
                    [Run(scope_unit.name, "unit", unit=scope_unit.code), Run(": "), *sentence]
                )
            )
        if sub:
            parent = top.get(head)
            if parent is None:
                parent = Section(
                    key=f"muc-{head.lower()}",
                    numbering=f"{head}/",
                    title=RESULTS_TITLE.upper(),
                    level=1,
                )
                top[head] = parent
                order.append(parent)
            parent.subsections.append(
                Section(
                    key=group.code,
                    numbering=f"{sub}.",
                    title=group.name,
                    level=2,
                    paragraphs=paragraphs,
                )
            )
        else:
            section = Section(
                key=group.code,
                numbering=f"{head or ROMAN[len(order)]}/",
                title=group.name.upper(),
                level=1,
                paragraphs=paragraphs,
            )
            top[head or group.code] = section
            order.append(section)
    return order
