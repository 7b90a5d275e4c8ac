"""The one way the reports app refuses a request: helpers raise `Refusal` (no unit the user may
see, no access at all, a bad parameter), and `refusals_shown`, around every reports view, turns
it into the page that says why. Nothing here carries a response: the page is made in one place.
"""

from __future__ import annotations

from functools import wraps

from django.shortcuts import render


class Refusal(Exception):
    """A request refused: `status` (403, 404, 400), the page's `title` and the `message` for
    the user. Shown on the dashboards' message page."""

    template = "reports/message.html"

    def __init__(self, status: int, message: str, *, title: str = ""):
        super().__init__(message)
        self.status = status
        self.message = message
        self.title = title


class DocumentRefusal(Refusal):
    """A báo cáo that cannot be opened or edited: shown on the document's error page, whose
    title says so."""

    template = "reports/document_error.html"


def refusals_shown(view):
    """`view`, with a `Refusal` raised inside it answered by its page and status."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Refusal as refusal:
            context = {"title": refusal.title, "message": refusal.message, "status": refusal.status}
            return render(request, refusal.template, context, status=refusal.status)

    return wrapper
