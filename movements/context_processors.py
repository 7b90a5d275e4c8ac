from django.utils.functional import SimpleLazyObject

from .selectors import Menu, has_demo_data, menu_for, progress_period_for


def demo_notice(request):
    """`demo_data`: whether the database holds demo reports, so every page can say so."""

    # Lazy: evaluated (one query) only by pages that render the notice.
    return {"demo_data": _Lazy(has_demo_data)}


def progress_link(request):
    """`progress_period`: the period open for entry when the user reads the province's
    progress (the header's "not reported yet" link); evaluated (one query) only where the
    header is rendered."""
    user = getattr(request, "user", None)  # none on a page rendered before authentication
    if user is None:
        return {"progress_period": None}
    return {"progress_period": SimpleLazyObject(lambda: progress_period_for(user))}


class _Lazy:
    def __init__(self, fn):
        self.fn = fn
        self.value = None

    def __bool__(self) -> bool:
        if self.value is None:
            self.value = self.fn()
        return self.value


def menu(request):
    """`menu`: which pages of the header the user may use (selectors.menu_for); evaluated
    (one query) only where the header is rendered."""
    user = getattr(request, "user", None)
    if user is None:
        return {"menu": Menu()}
    return {"menu": SimpleLazyObject(lambda: menu_for(user=user))}
