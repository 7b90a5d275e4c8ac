"""How the báo cáo says things: the sentences of each movement, figures as words, the header.

Wording follows report 44A BC/TĐTN: each figure stated in a sentence with its measure word,
Vietnamese number formats, money in words ("trên 1 tỷ 540 triệu đồng"). Where a figure was
published for the same unit and years, the published qualifier ("trên", "khoảng") is kept when
the data agree, and both numbers are shown and flagged when they do not.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from movements.formatting import (
    format_date,
    format_date_words,
    format_money_words,
    format_number,
    format_percent,
    format_years,
)
from movements.models import Indicator, Movement, PublishedFigure, Unit
from reports.selectors import Number, Reconciliation

from .structure import Run

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


def years_label(start_year: int, end_year: int) -> str:
    """The years as a báo cáo names them: "năm 2012", "giai đoạn 2009 - 2013"."""
    words = "năm" if start_year == end_year else "giai đoạn"
    return f"{words} {format_years(start_year, end_year, dash=' - ')}"


# --- the header -------------------------------------------------------------------------------


def header_lines(unit: Unit, units_by_id: dict[int, Unit]) -> list[str]:
    """The issuing body's lines at the top left: "ĐOÀN TNCS HỒ CHÍ MINH", "BCH TỈNH …"."""
    if unit.parent_id is None:
        return ["ĐOÀN TNCS HỒ CHÍ MINH", f"BCH TỈNH {unit.short_name.upper()}"]
    parent = units_by_id.get(unit.parent_id) or unit.parent
    return [parent.name.upper(), f"BCH {unit.name.upper()}"]


def place(unit: Unit) -> str:
    """Where the unit's documents are signed."""
    return SEATS.get(unit.kind, unit.short_name)


def subtitle(movement: Movement, start_year: int, end_year: int) -> str:
    """The line under "BÁO CÁO": what the report is about, from the movement's full name."""
    name = movement.full_name.strip() or f"phong trào “{movement.name}”"
    return f"kết quả triển khai {name[:1].lower()}{name[1:]} {years_label(start_year, end_year)}"


# --- the signature and the recipients ---------------------------------------------------------

# A báo cáo of a Đoàn committee is signed on behalf of its standing committee (Hướng dẫn
# 29-HD/TWĐTN-VP); the secretary signs unless the unit says otherwise.
ON_BEHALF = "TM. BAN THƯỜNG VỤ"
SIGNER_TITLE = "BÍ THƯ"
ARCHIVE = "Lưu VP"


def default_recipients(unit: Unit, units_by_id: dict[int, Unit]) -> str:
    """Where a unit's báo cáo goes when it has not said: the level above, and the archive."""
    if unit.parent_id is None:
        first = ["Ban Thanh niên Công nhân - Đô thị Trung ương Đoàn", "Thường trực Tỉnh Đoàn"]
    else:
        parent = units_by_id.get(unit.parent_id) or unit.parent
        first = [f"Ban Thường vụ {parent.name}"]
    return "\n".join([*first, ARCHIVE])


def lines_of(text: str) -> list[str]:
    """The non-empty lines of a text, trimmed."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def recipient_lines(text: str) -> list[str]:
    """The "Nơi nhận" list as printed: "- X;" a line, ending with "- Lưu VP." (added when the
    list lacks it)."""
    names = [line.lstrip("-–•+* ").rstrip(" ;.,") for line in lines_of(text)]
    names = [n for n in names if n]
    archive = [n for n in names if n.casefold().startswith("lưu")]
    names = [n for n in names if n not in archive] + (archive[-1:] or [ARCHIVE])
    return [f"- {n};" for n in names[:-1]] + [f"- {names[-1]}."]


def long_date(day: dt.date | None, year: int) -> str:
    """The date of issue as 44A writes it ("ngày 05 tháng 8 năm 2009"); blanks in `year`
    while it is not set ("ngày …… tháng …… năm 2026"), to be filled in when it is issued."""
    return format_date_words(day, year=year)


# The mark of a draft (Nghị định 30/2020/NĐ-CP: under the number and symbol, in a box, in
# capitals, bold): printed while the number, date, signer or recipients are missing.
DRAFT_MARK = "DỰ THẢO"


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


def sentences(
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


# --- figures in the annex's tables ------------------------------------------------------------


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
