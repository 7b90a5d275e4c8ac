"""The báo cáo as plain structure: paragraphs made of runs, sections, annex tables.

The builder fills it; the print page and the Word file only lay it out. No wording here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from movements.models import Movement, Unit
from movements.sanitise import plain_text as xml_text  # XML (so Word) refuses control characters
from reports.models import GeneratedReport


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

    def __post_init__(self):
        self.cells = [xml_text(cell) for cell in self.cells]


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[TableRow]
    text_columns: int = 1  # the first columns hold text; the others are right-aligned figures

    def __post_init__(self):
        self.title = xml_text(self.title)
        self.columns = [xml_text(column) for column in self.columns]


@dataclass
class Particulars:
    """What staff set on a báo cáo besides section III, as the edit form shows it: the legal
    basis (one paragraph a line), the signer's title and name, the recipients (one a line)."""

    legal_basis: str
    signer_title: str
    signer_name: str
    recipients: str


@dataclass
class Signature:
    """The signature block: on behalf of whom ("TM. BAN THƯỜNG VỤ"), the signer's title and
    name."""

    on_behalf: str
    title: str
    name: str


@dataclass
class ReportDocument:
    movement: Movement
    unit: Unit
    start_year: int
    end_year: int
    years_label: str  # "giai đoạn 2009 - 2013", "năm 2012"
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
    particulars: Particulars
    legal_basis: list[Paragraph] = field(default_factory=list)
    signature: Signature | None = None
    recipients: list[str] = field(default_factory=list)  # "- Ban …;" lines, "- Lưu VP." last
    # Each year's units counted of units due ({year: selectors.YearCoverage}), and what the
    # báo cáo says near its top when a year is not complete (empty when every year is).
    coverage: dict = field(default_factory=dict)
    provisional: str = ""
    # What the báo cáo lacks before it can be issued, as the edit form names the fields
    # ("number", "issued_on", "signer_name", "recipients"); while any is missing it is a draft.
    missing: list[str] = field(default_factory=list)
    draft_mark: str = ""  # "DỰ THẢO" under the number line while a draft

    @property
    def is_draft(self) -> bool:
        """Not ready to issue: its number, date, signer or recipients are still missing."""
        return bool(self.missing)

    @property
    def version(self) -> int:
        """The version of staff's edits this document shows (0 before any edit)."""
        return self.stored.version if self.stored else 0

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
