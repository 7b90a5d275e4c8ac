"""Every write to the movement's data goes through the modules of this package, one per job:
`workflow` (save, submit, approve, return, reopen), `imports` (Excel files: plan and apply),
`accounts`, `seed` (the units, the movement and report 44A) and `demo` (demo data).

Services run in one transaction, validate before they save, and raise `ServiceError` (defined
here, with its kinds) with a message (Vietnamese, or English when the user chose it) that views
and commands show as they are.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Report
from ..selectors import ReportState


class ServiceError(Exception):
    """A write that was refused; `str(error)` is the message for the user."""


class ValuesInvalid(ServiceError):
    """Values that break a rule; `errors` maps indicator code -> messages, `warnings` the
    unusual values (confirmed or not: a refusal for errors lists them too)."""

    def __init__(self, errors: dict[str, list[str]], warnings: dict[str, list[str]] | None = None):
        self.errors = errors
        self.warnings = warnings or {}
        first = next(iter(errors.values()), None) or next(iter(self.warnings.values()), [""])
        super().__init__(first[0] if first else _("Số liệu chưa hợp lệ."))


class EditConflict(ServiceError):
    """The report changed since the user loaded it; `changes` lists what changed in between.

    `merged` is the user's edit merged with the stored report (fields by indicator code, and
    "highlights", "shortcomings"): the stored value where the user changed nothing, the user's
    where only they changed it. `clashes` maps each field both changed to (mine, stored).
    `stored` is the report's state that `report.version` holds (the form's next base).
    """

    def __init__(
        self,
        report: Report,
        changes: list,
        merged: dict | None = None,
        clashes: dict[str, tuple] | None = None,
        stored: ReportState | None = None,
    ):
        self.report = report
        self.changes = changes
        self.merged = merged or {}
        self.clashes = clashes or {}
        self.stored = stored or ReportState({})
        super().__init__(
            _(
                "Báo cáo vừa được người khác sửa trong lúc bạn đang nhập. Chưa có gì được lưu. "
                "Các ô bạn không sửa nay mang số liệu mới nhất, các ô bạn sửa vẫn giữ số của "
                "bạn, ô cả hai cùng sửa được đánh dấu; hãy xem lại rồi lưu."
            )
        )


class BlanksUnconfirmed(ServiceError):
    """A submission with blank figures (not reported, unlike 0) in sections the secretary has
    not confirmed: `sections` lists [(section, its blank indicators)] in report order
    (`rules.blank_sections`), those still to confirm. Nothing was written."""

    def __init__(self, sections: list):
        self.sections = sections
        super().__init__(
            _(
                "Chưa gửi: một số ô đang để trống. Với mỗi mục dưới đây, hãy xác nhận mục đó "
                "không có số liệu để báo cáo (ô trống giữ nguyên là “trống”, khác với số 0), "
                "hoặc ghi 0 cho các ô trống, rồi bấm “Gửi báo cáo” lại."
            )
        )
