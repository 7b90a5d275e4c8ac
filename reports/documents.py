"""The generated báo cáo: the official-style report of a unit's subtree for a range of years.

`build_report_document` reads the data once and builds the whole report as plain structure
(header, sections of paragraphs made of runs, annex tables). The print page and the Word file
only lay that structure out (`document_context`, `render_docx`): no wording, figure or
comparison is computed twice.

Wording follows report 44A BC/TĐTN: each figure stated in a sentence with its measure word,
Vietnamese number formats, money in words ("trên 1 tỷ 540 triệu đồng"). Where a figure was
published for the same unit and years, the published qualifier ("trên", "khoảng") is kept when
the data agree, and both numbers are shown and flagged when they do not.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from movements.formatting import (
    format_date,
    format_money_words,
    format_number,
    format_percent,
)
from movements.models import Indicator, Movement, PublishedFigure, Unit
from reports.models import GeneratedReport
from reports.selectors import (
    Reconciliation,
    change_between,
    indicator_totals,
    movement_indicators,
    report_coverage,
    report_published_figures,
)

Number = int | Decimal | None

# --- wording ----------------------------------------------------------------------------------

# Sentences by movement and indicator group. "{code}" is a figure with its measure word;
# "[…]" is said only when every figure inside it has data. A pair gives the wording used when
# every figure of the sentence is zero. Indicators no sentence mentions are stated plainly
# ("<name>: <figure>."), so a new indicator is never left out.
SENTENCES: dict[str, dict[str, list[str | tuple[str, str]]]] = {
    "3tn": {
        "trien-khai": [
            "Số đoàn viên thanh niên đến cuối kỳ báo cáo: {doan-vien}.",
            "Mở hội nghị triển khai, quán triệt đến các chi đoàn, ĐVTN thông qua các buổi sinh "
            "hoạt chi đoàn, họp báo công tác Đoàn, các buổi tọa đàm được {hoi-nghi-trien-khai} "
            "có {luot-du-trien-khai} cán bộ, ĐVTN tham dự.",
        ],
        "cong-viec": [
            "Việc đăng ký xây dựng cơ quan, đơn vị vững mạnh đạt {ty-le-dang-ky-vung-manh} tổ "
            "chức Đoàn trong các cơ quan[ ({to-chuc-dang-ky-vung-manh} đăng ký trên tổng số "
            "{to-chuc-doan-co-quan})].",
            (
                "Có {vi-pham-quy-dinh} cán bộ, ĐVTN vi phạm quy định về những điều cán bộ, công "
                "chức không được làm.",
                "Không có cán bộ, ĐVTN vi phạm quy định về những điều cán bộ, công chức không "
                "được làm ({vi-pham-quy-dinh}).",
            ),
            (
                "Xảy ra {ngo-doc-thuc-pham} ngộ độc thực phẩm tại đơn vị.",
                "Không để xảy ra tình trạng ngộ độc thực phẩm ({ngo-doc-thuc-pham}).",
            ),
            "Tổ chức được {dem-van-nghe-tdtt} văn nghệ, thể dục thể thao và các trò chơi dân "
            "gian với {luot-tham-gia-van-nghe} ĐVTN, các em học sinh và bà con nhân dân tham gia "
            "cổ vũ.",
            "Phối hợp tổ chức các lớp tin học, ngoại ngữ cho {dvtn-hoc-tin-hoc-ngoai-ngu} tham "
            "gia học tập, củng cố kiện toàn {chi-doan-cung-co} hoạt động kém hiệu quả.",
        ],
        "nhan-dan": [
            "Tổ chức được {hoi-thao-toa-dam} hội thảo, tọa đàm, các hoạt động giao lưu, học tập "
            "kinh nghiệm, tổ chức {hoat-dong-ky-nang} nâng cao kỹ năng xã hội, kỹ năng ứng xử, "
            "thuyết trình.",
            "ĐVTN trích {ngay-luong-ung-ho} gây quỹ đền ơn đáp nghĩa, phụng dưỡng Bà Mẹ Việt Nam "
            "anh hùng, quỹ bảo trợ trẻ em nghèo, khuyết tật, với tổng số tiền {tien-quy-xa-hoi}.",
            "Tổ chức {dot-hanh-quan} có {nguoi-hanh-quan} hành quân dã ngoại, du khảo về nguồn "
            "làm công tác xã hội.",
            "Đắp {cong-ngan-man} ngăn mặn, {mo-cau}; sửa chữa và làm được {cau}; làm mới "
            "{san-bong-chuyen} bóng chuyền.",
            "Vận động và trao tặng {phan-qua} trị giá {tri-gia-phan-qua}.",
            "Sửa chữa và bắc mới được {nha-dai-doan-ket} nhà đại đoàn kết, nhà nhân ái cho gia "
            "đình thương binh, liệt sỹ, gia đình chính sách, hộ nghèo trị giá {tri-gia-nha}.",
            "Xây dựng mới {lo-dot-rac} đốt rác trị giá {tri-gia-lo-dot-rac}.",
            "Khám, phát thuốc miễn phí cho {luot-kham-benh}, trị giá {tri-gia-kham-benh}.",
            "Vận động, phối hợp tổ chức hiến máu tình nguyện được {don-vi-mau}.",
            "Tặng {qua-cbcs-kho-khan} cho cán bộ chiến sĩ có hoàn cảnh đặc biệt khó khăn và nhân "
            "dân nghèo tại các vùng sâu, vùng xa, trị giá {tri-gia-qua-cbcs}.",
            "Có {ty-le-co-so-dang-ky} cơ sở Đoàn đăng ký thực hiện phong trào"
            "[ ({co-so-dang-ky-phong-trao} trên tổng số {co-so-doan})].",
            "Có {cong-trinh-phan-viec} phần việc thanh niên đảm bảo sát nội dung thi đua.",
        ],
        "ban-than": [
            "Có {cbcc-chung-chi} có chứng chỉ ngoại ngữ, tin học, trong đó "
            "{ty-le-thanh-thao-may-tinh} biết sử dụng thành thạo máy vi tính"
            "[ ({cbcc-thanh-thao-may-tinh})].",
            "Tổ chức {cuoc-tuyen-truyen-dao-duc} tuyên truyền, tọa đàm, trao đổi nâng cao nhận "
            "thức chính trị, phẩm chất đạo đức, lương tâm nghề nghiệp cho "
            "{luot-tuyen-truyen-dao-duc} đoàn viên công chức trẻ.",
        ],
    }
}

RESULTS_TITLE = "Kết quả thực hiện"
ASSESSMENT_TITLE = "Nhận xét đánh giá"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
# Where a unit's documents are signed, when it is not the unit's own name (the provincial
# office sits in the provincial capital).
SEATS = {"province": "Rạch Giá", "branch": "Rạch Giá"}
NO_DATA = "chưa có số liệu"
TOP_UNITS = 3

_TOKEN = re.compile(r"\{([a-z0-9-]+)\}")
_OPTIONAL = re.compile(r"(\[[^\[\]]*\])")


# --- the structure ----------------------------------------------------------------------------


# Control characters that XML (so Word) refuses; a note pasted with one must not break the file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without the control characters XML cannot hold."""
    return _NOT_XML.sub("", text)


@dataclass
class Run:
    """A piece of a paragraph. kind: 'text', 'figure' (a stated figure of `indicator` for
    `unit`), 'diff' (the published figure it differs from, flagged) or 'unit' (a unit name)."""

    text: str
    kind: str = "text"
    indicator: str = ""
    unit: str = ""

    def __post_init__(self):
        self.text = xml_text(self.text)


@dataclass
class Paragraph:
    runs: list[Run]
    style: str = "body"  # body | bullet | note | lead

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def has_difference(self) -> bool:
        return any(r.kind == "diff" for r in self.runs)


@dataclass
class Section:
    key: str
    numbering: str  # "I/" at the first level, "1." below
    title: str
    level: int
    paragraphs: list[Paragraph] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    editable: bool = False

    @property
    def heading(self) -> str:
        return f"{self.numbering} {self.title}"


@dataclass
class TableRow:
    cells: list[str]
    kind: str = "data"  # data | group | total


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[TableRow]
    text_columns: int = 1  # the first columns hold text; the others are right-aligned figures


@dataclass
class ReportDocument:
    movement: Movement
    unit: Unit
    start_year: int
    end_year: int
    header_lines: list[str]
    place_date: str
    number_line: str
    title: str
    subtitle: str
    notice: str
    intro: list[Paragraph]
    sections: list[Section]
    annex: list[Table]
    differences: list[Paragraph]
    generated_assessment: str
    stored: GeneratedReport | None
    is_demo: bool

    @property
    def years_label(self) -> str:
        return years_label(self.start_year, self.end_year)

    @property
    def assessment_is_edited(self) -> bool:
        return self.stored is not None and self.stored.is_edited

    @property
    def assessment_is_stale(self) -> bool:
        """The notes behind an edited section III changed after it was edited."""
        return (
            self.assessment_is_edited
            and self.stored.generated_assessment.strip() != self.generated_assessment.strip()
        )

    @property
    def assessment_text(self) -> str:
        """Section III as staff edit it: the edited text if any, else the generated one."""
        if self.assessment_is_edited:
            return self.stored.assessment
        return self.generated_assessment

    def all_sections(self) -> list[Section]:
        out = []
        for section in self.sections:
            out.append(section)
            out.extend(section.subsections)
        return out


def years_label(start_year: int, end_year: int) -> str:
    if start_year == end_year:
        return f"năm {start_year}"
    return f"giai đoạn {start_year} - {end_year}"


# --- figures as words -------------------------------------------------------------------------


def figure_text(indicator: Indicator, value: Number) -> str:
    """A figure as a sentence states it: '8.964 lượt', '1 tỷ 540 triệu đồng', '100%'."""
    if value is None:
        return NO_DATA
    if indicator.kind == Indicator.Kind.RATIO:
        return format_percent(value)
    if indicator.kind == Indicator.Kind.MONEY:
        return format_money_words(value)
    return f"{format_number(value)} {indicator.measure}".strip()


def published_text(figure: PublishedFigure) -> str:
    """The published figure with its qualifier: 'trên 8.964 lượt'."""
    return f"{figure.qualifier} {figure_text(figure.indicator, figure.value)}".strip()


def difference_text(indicator: Indicator, difference: Number) -> str:
    if indicator.kind == Indicator.Kind.RATIO:
        return f"{format_number(abs(difference), 1)} điểm phần trăm"
    return figure_text(indicator, abs(difference))


@dataclass
class Stated:
    """One figure to state: the data's value, and the published figure for the same unit and
    years if there is one."""

    indicator: Indicator
    value: Number
    published: PublishedFigure | None = None

    @property
    def has_data(self) -> bool:
        return self.value is not None or self.published is not None

    @property
    def reconciliation(self) -> Reconciliation | None:
        if self.published is None:
            return None
        return Reconciliation(figure=self.published, computed=self.value)

    def runs(self, unit: Unit) -> list[Run]:
        code = self.indicator.code
        check = self.reconciliation
        if check is not None and check.matches:
            return [Run(published_text(self.published), "figure", code, unit.code)]
        runs = [Run(figure_text(self.indicator, self.value), "figure", code, unit.code)]
        if check is not None:
            figure = self.published
            source = f"báo cáo số {figure.document} ngày {format_date(figure.document_date)}"
            if check.difference is None:
                gap = "chưa có số liệu được duyệt của đơn vị"
            else:
                more = "nhiều hơn" if check.difference > 0 else "ít hơn"
                gap = f"số liệu đơn vị {more} {difference_text(self.indicator, check.difference)}"
            runs.append(
                Run(
                    f" [khác số đã công bố: {published_text(figure)} theo {source}; {gap}]",
                    "diff",
                    code,
                    unit.code,
                )
            )
        return runs


def _template_codes(template: str) -> tuple[list[str], list[str]]:
    """(codes said always, codes inside optional brackets)."""
    required, optional = [], []
    for segment in _OPTIONAL.split(template):
        target = optional if segment.startswith("[") else required
        target.extend(_TOKEN.findall(segment))
    return required, optional


def _sentence_runs(template: str, stated: dict[str, Stated], unit: Unit) -> list[Run]:
    runs: list[Run] = []
    for segment in _OPTIONAL.split(template):
        if segment.startswith("["):
            segment = segment[1:-1]
            codes = _TOKEN.findall(segment)
            if not all(c in stated and stated[c].value is not None for c in codes):
                continue
        for index, piece in enumerate(_TOKEN.split(segment)):
            if index % 2 == 0:
                if piece:
                    runs.append(Run(piece))
            elif piece in stated:
                runs.extend(stated[piece].runs(unit))
            else:
                runs.append(Run(NO_DATA, "figure", piece, unit.code))
    return runs


def _sentences(
    movement: Movement,
    group_code: str,
    indicators: list[Indicator],
    stated: dict[str, Stated],
    unit: Unit,
    skip: set[str] = frozenset(),
) -> list[Run]:
    """The runs stating every figure in `stated` of one indicator group, sentence after
    sentence. A sentence whose figures are all in `skip` (stated elsewhere) is left out."""
    runs: list[Run] = []
    mentioned: set[str] = set()
    for entry in SENTENCES.get(movement.code, {}).get(group_code, []):
        template, zero_template = entry if isinstance(entry, tuple) else (entry, None)
        required, optional = _template_codes(template)
        mentioned.update(required + optional)
        present = [c for c in required if c in stated and stated[c].has_data]
        if not present or all(c in skip for c in present):
            continue
        if zero_template and all(
            c in stated and stated[c].value == 0 and not _differs(stated[c]) for c in required
        ):
            template = zero_template
        if runs:
            runs.append(Run(" "))
        runs.extend(_sentence_runs(template, stated, unit))
    for indicator in indicators:
        item = stated.get(indicator.code)
        if indicator.code in mentioned or item is None or not item.has_data:
            continue
        if indicator.code in skip:
            continue
        if runs:
            runs.append(Run(" "))
        runs.append(Run(f"{indicator.name}: "))
        runs.extend(item.runs(unit))
        runs.append(Run("."))
    return runs


def _differs(item: Stated) -> bool:
    check = item.reconciliation
    return check is not None and not check.matches


# --- comparisons ------------------------------------------------------------------------------


def comparison_years(movement: Movement, start_year: int, end_year: int):
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
) -> list[Paragraph]:
    """For each main indicator of a section: its change against the previous year or stage,
    and the leading units."""
    span = comparison_years(movement, start_year, end_year)
    out = []
    for indicator in indicators:
        if not indicator.is_headline or indicator.kind == Indicator.Kind.RATIO:
            continue
        parts: list[str] = []
        if span is not None and indicator.aggregation == Indicator.Aggregation.SUM:
            current_years, previous_years = span
            current = _sum_years(by_year, indicator.code, current_years)
            previous = _sum_years(by_year, indicator.code, previous_years)
            if current is not None and previous is not None:
                now, before = years_label(*current_years), years_label(*previous_years)
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
            key=lambda pair: (-pair[0], pair[1].sort_order, pair[1].path),
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


def generated_assessment(coverage) -> str:
    """Section III from the units' notes, one paragraph a line, each note attributed to the
    units that wrote it."""
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
        return f"- {text} (tất cả {reporting} đơn vị có báo cáo)."
    ordered = sorted(units, key=lambda u: (u.sort_order, u.path))
    names = [u.name if len(units) <= 3 else u.short_name for u in ordered]
    return f"- {text} ({', '.join(names)})."


def assessment_paragraphs(text: str) -> list[Paragraph]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            out.append(Paragraph([Run(line)], style="bullet" if line.startswith("-") else "body"))
    return out


def _coverage_paragraph(coverage, start_year: int, end_year: int) -> Paragraph:
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


# --- annex ------------------------------------------------------------------------------------


def cell_text(indicator: Indicator, value: Number) -> str:
    """A figure in a table cell: counts as 8.964, money in millions, ratios as 97,5%."""
    if value is None:
        return "–"
    if indicator.kind == Indicator.Kind.RATIO:
        return format_percent(value)
    if indicator.kind == Indicator.Kind.MONEY:
        millions = Decimal(value) / 1_000_000
        return format_number(millions, 0 if millions == millions.to_integral_value() else 1)
    return format_number(value)


def cell_measure(indicator: Indicator) -> str:
    return "triệu đồng" if indicator.kind == Indicator.Kind.MONEY else indicator.measure


def _annex_by_year(
    indicators: list[Indicator], groups: list, totals: dict, by_year: dict, years: list[int]
) -> Table:
    columns = ["Chỉ tiêu", "Đơn vị tính", *[str(y) for y in years]]
    if len(years) > 1:
        columns.append("Cả kỳ")
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


# --- building ---------------------------------------------------------------------------------


def _header_lines(unit: Unit, units_by_id: dict[int, Unit]) -> list[str]:
    if unit.parent_id is None:
        return ["ĐOÀN TNCS HỒ CHÍ MINH", f"BCH TỈNH {unit.short_name.upper()}"]
    parent = units_by_id.get(unit.parent_id) or unit.parent
    return [parent.name.upper(), f"BCH {unit.name.upper()}"]


def _place(unit: Unit) -> str:
    return SEATS.get(unit.kind, unit.short_name)


def _long_date(day: dt.date) -> str:
    return f"ngày {day.day} tháng {day.month} năm {day.year}"


def _groups(indicators: list[Indicator]) -> list[tuple[object, list[Indicator]]]:
    groups: dict[int, tuple[object, list[Indicator]]] = {}
    for indicator in indicators:
        groups.setdefault(indicator.group_id, (indicator.group, []))[1].append(indicator)
    return list(groups.values())


def build_report_document(
    movement: Movement,
    unit: Unit,
    start_year: int,
    end_year: int,
    *,
    today: dt.date | None = None,
) -> ReportDocument:
    """The báo cáo of `unit`'s subtree for start_year..end_year (approved reports), built from
    a fixed number of queries whatever the number of units, years or indicators."""
    indicators = movement_indicators(movement)
    groups = _groups(indicators)
    coverage = report_coverage(movement, unit, start_year, end_year)
    units_by_id = {u.pk: u for u in coverage.units}
    children = sorted(
        (u for u in coverage.units if u.parent_id == unit.pk), key=lambda u: (u.sort_order, u.path)
    )
    headline = [i for i in indicators if i.is_headline and i.kind != Indicator.Kind.RATIO]

    totals = indicator_totals(movement, unit, start_year, end_year, indicators=indicators)
    span = comparison_years(movement, start_year, end_year)
    first_year = min(start_year, span[1][0]) if span else start_year
    by_year = indicator_totals(
        movement, unit, first_year, end_year, by_year=True, indicators=indicators
    )
    by_unit = (
        indicator_totals(
            movement,
            unit,
            start_year,
            end_year,
            by_unit=True,
            indicators=headline,
            children=children,
        )
        if children and headline
        else {}
    )

    # Published figures for the same years: the unit's own ones go into its sentences, those of
    # units below it into paragraphs attributed to those units.
    published = report_published_figures(movement, unit, start_year, end_year)
    own = {f.indicator.code: f for f in published if f.unit_id == unit.pk}
    scoped: dict[int, list[PublishedFigure]] = defaultdict(list)
    for figure in published:
        if figure.unit_id != unit.pk:
            scoped[figure.unit_id].append(figure)
    scope_units = [units_by_id.get(uid) or scoped[uid][0].unit for uid in scoped]
    scope_totals = (
        indicator_totals(
            movement,
            unit,
            start_year,
            end_year,
            by_unit=True,
            indicators=indicators,
            children=scope_units,
        )
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
                movement, group_indicators, by_year, by_unit, children, start_year, end_year
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
        header_lines=_header_lines(unit, units_by_id),
        place_date="",
        number_line="",
        title="BÁO CÁO",
        subtitle=(
            f"kết quả triển khai phong trào “{movement.name}” {years_label(start_year, end_year)}"
        ),
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
    )
    day = (stored.issued_on if stored and stored.issued_on else None) or today
    day = day or timezone.localdate()
    document.place_date = f"{_place(unit)}, {_long_date(day)}"
    default_number = "……… BC/TĐTN" if unit.parent_id is None else "……… BC/ĐTN"
    number = xml_text(stored.number) if stored and stored.number else default_number
    document.number_line = f"Số: {number}"
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
    ]
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
    annex_year = _annex_by_year(indicators, groups, totals, by_year, years)
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
        runs = _sentences(movement, group.code, members, stated, unit, skip=attributed)
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
            sentence = _sentences(movement, group.code, members, scope_stated, scope_unit)
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


# --- edits (the only writes) ------------------------------------------------------------------


@transaction.atomic
def document_edit_save(
    movement: Movement,
    unit: Unit,
    start_year: int,
    end_year: int,
    *,
    user,
    number: str,
    issued_on: dt.date | None,
    assessment: str,
) -> GeneratedReport:
    """Keep staff's number line, date and section III text for this báo cáo. Text equal to
    the generated one is not kept as an edit, so the section follows the data."""
    document = build_report_document(movement, unit, start_year, end_year)
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
    movement: Movement, unit: Unit, start_year: int, end_year: int, *, user
) -> GeneratedReport | None:
    """Drop the edited section III so that it is generated from the notes again (the edit
    stays in the history)."""
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


# --- Word -------------------------------------------------------------------------------------


def document_filename(document: ReportDocument, extension: str) -> str:
    return (
        f"bao-cao-{document.movement.code}-{document.unit.code}-"
        f"{document.start_year}-{document.end_year}.{extension}"
    )


def render_docx(document: ReportDocument) -> bytes:
    """The báo cáo as a Word file: A4, Times New Roman, headings as Word headings, the annex
    as Word tables."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    word = Document()
    page = word.sections[0]
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.top_margin, page.bottom_margin = Cm(2), Cm(2)
    page.left_margin, page.right_margin = Cm(3), Cm(1.5)

    def set_font(style, size, bold=None):
        style.font.name = "Times New Roman"
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0, 0, 0)
        if bold is not None:
            style.font.bold = bold
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), "Times New Roman")
        # Theme fonts (Calibri in the default template) would win over the names above.
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)

    set_font(word.styles["Normal"], 14)
    for name in ("Heading 1", "Heading 2"):
        set_font(word.styles[name], 14, bold=True)
        word.styles[name].font.italic = False
        word.styles[name].paragraph_format.space_before = Pt(6)
        word.styles[name].paragraph_format.space_after = Pt(6)

    def add_runs(paragraph, runs):
        for item in runs:
            run = paragraph.add_run(item.text)
            if item.kind == "diff":
                run.italic = True
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def add_body(paragraph_item, container=None):
        target = container or word
        paragraph = target.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.first_line_indent = Cm(1)
        fmt.space_after = Pt(6)
        if paragraph_item.style == "note":
            paragraph.add_run(paragraph_item.text).italic = True
        else:
            add_runs(paragraph, paragraph_item.runs)
        return paragraph

    # Header: issuing body and number on the left, place and date on the right.
    header = word.add_table(rows=1, cols=2)
    header.autofit = True
    left, right = header.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(9)
    lines = [*document.header_lines, "***", document.number_line]
    left.paragraphs[0].text = ""
    for index, line in enumerate(lines):
        paragraph = left.paragraphs[0] if index == 0 else left.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(line)
        run.font.size = Pt(13)
        run.bold = index < len(document.header_lines)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    right.add_paragraph()
    date_paragraph = right.add_paragraph()
    date_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    date_run = date_paragraph.add_run(document.place_date)
    date_run.italic = True
    date_run.font.size = Pt(13)

    if document.notice:
        notice = word.add_paragraph()
        run = notice.add_run(document.notice)
        run.bold = True
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    title = word.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(12)
    title.add_run(document.title).bold = True
    subtitle = word.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.add_run(document.subtitle).bold = True
    rule = word.add_paragraph("---------")
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER

    for item in document.intro:
        add_body(item)
    for section in document.sections:
        word.add_heading(section.heading, level=1)
        for item in section.paragraphs:
            add_body(item)
        for sub in section.subsections:
            word.add_heading(sub.heading, level=2)
            for item in sub.paragraphs:
                add_body(item)

    if document.differences:
        word.add_heading("Đối chiếu với số liệu đã công bố", level=2)
        for item in document.differences:
            add_body(item)

    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    word.add_heading("PHỤ LỤC", level=1)
    for table_item in document.annex:
        word.add_heading(table_item.title, level=2)
        table = word.add_table(rows=1, cols=len(table_item.columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, table_item.columns, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            run.bold = True
            run.font.size = Pt(11)
        for row in table_item.rows:
            cells = table.add_row().cells
            if row.kind == "group":
                merged = cells[0].merge(cells[-1])
                merged.text = ""
                run = merged.paragraphs[0].add_run(row.cells[0])
                run.bold = True
                run.font.size = Pt(11)
                continue
            for index, (cell, text) in enumerate(zip(cells, row.cells, strict=True)):
                cell.text = ""
                paragraph = cell.paragraphs[0]
                if index >= table_item.text_columns:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                run = paragraph.add_run(text)
                run.font.size = Pt(11)
                run.bold = row.kind == "total"

    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
