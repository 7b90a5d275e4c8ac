from .models import Report


def demo_notice(request):
    """`demo_data`: whether the database holds demo reports, so every page can say so."""

    def has_demo() -> bool:
        return Report.objects.filter(is_demo=True).exists()

    # Lazy: evaluated (one query) only by pages that render the notice.
    return {"demo_data": _Lazy(has_demo)}


class _Lazy:
    def __init__(self, fn):
        self.fn = fn
        self.value = None

    def __bool__(self) -> bool:
        if self.value is None:
            self.value = self.fn()
        return self.value
