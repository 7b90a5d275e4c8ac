"""The generated báo cáo: the official-style report of a unit's subtree for a range of years.

`build_report_document` (builder) reads the data once and builds the whole report as plain
structure (structure: header, sections of paragraphs made of runs, annex tables), in the words
of report 44A (wording). The print page and the Word file (docx) only lay that structure out:
no wording, figure or comparison is computed twice. Staff's edits are writes, in
`reports.services`.
"""

from .builder import build_report_document, comparison_years
from .docx import document_filename, render_docx
from .structure import ReportDocument

__all__ = [
    "ReportDocument",
    "build_report_document",
    "comparison_years",
    "document_filename",
    "render_docx",
]
