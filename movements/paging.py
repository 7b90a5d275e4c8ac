"""Long lists shown a page at a time (`?trang=`): the review queue, the units of the
completeness pages."""

from __future__ import annotations

from django.core.paginator import Page

PAGE_PARAMETER = "trang"


def pager(request, page: Page) -> dict | None:
    """Links to the previous and next pages of a long list (None on a single page), keeping
    the request's other parameters; for templates/_pager.html."""
    if page.paginator.num_pages <= 1:
        return None

    def link(number: int) -> str:
        params = request.GET.copy()
        params[PAGE_PARAMETER] = str(number)
        return "?" + params.urlencode()

    return {
        "page": page,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "next": link(page.next_page_number()) if page.has_next() else None,
    }
