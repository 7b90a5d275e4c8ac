"""Which units the comparison shows: districts, branches or both, or a hand-picked list."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from movements.models import PeerGroup, Unit

ALL_PEERS = "all"
# The groups a comparison may be narrowed to; "all" compares them together.
COMPARED_GROUPS = (PeerGroup.DISTRICT, PeerGroup.BRANCH)
PEER_CHOICES = [
    (ALL_PEERS, _("Huyện, thị, thành Đoàn và Đoàn trực thuộc")),
    (PeerGroup.DISTRICT.value, _("Chỉ huyện, thị, thành Đoàn")),
    (PeerGroup.BRANCH.value, _("Chỉ Đoàn trực thuộc")),
]


class CompareUnitFilter(django_filters.FilterSet):
    """Filters the units a user may compare: the visible units directly under `parent` (the
    districts and branches of the province, or e.g. the grassroots of one district), never
    wider."""

    parent = django_filters.ChoiceFilter(
        label=_("Các đơn vị trực thuộc"),
        empty_label=None,
        method="filter_parent",
        error_messages={
            "invalid_choice": _(
                "Không có đơn vị “%(value)s” có đơn vị trực thuộc mà tài khoản của bạn được xem."
            )
        },
    )
    peers = django_filters.ChoiceFilter(
        label=_("Nhóm đơn vị"),
        choices=PEER_CHOICES,
        empty_label=None,
        method="filter_peers",
        error_messages={"invalid_choice": _("Nhóm đơn vị “%(value)s” không hợp lệ.")},
    )
    q = django_filters.CharFilter(
        label=_("Tìm đơn vị có đơn vị trực thuộc"),
        method="filter_search",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Gõ một phần tên hoặc mã rồi bấm “Xem”: các đơn vị tìm thấy có trong ô trên."),
    )
    units = django_filters.MultipleChoiceFilter(
        label=_("Chỉ các đơn vị"),
        method="filter_units",
        widget=forms.SelectMultiple(attrs={"size": 6}),
        error_messages={
            "invalid_choice": _(
                "Không có đơn vị “%(value)s”, hoặc tài khoản của bạn không được xem đơn vị đó."
            )
        },
    )

    class Meta:
        model = Unit
        fields: list[str] = []

    def __init__(
        self,
        data=None,
        *,
        parent: Unit | None,
        units: list[Unit],
        parents: list[Unit] = (),
        **kwargs,
    ):
        """`parent`: the unit whose children are compared (the province by default; None when
        the one asked for is unknown or hidden, which the form then says); `units`: its
        visible children, the units compared by default; `parents`: the units offered instead
        (`selectors.unit_choices`: around `parent`, and those matching the search)."""
        self.parent = parent
        self.allowed = units
        if data is not None and parent is not None and not data.get("parent"):
            # The unit compared under is the one the select shows (not its first option).
            data = data.copy()
            data["parent"] = parent.code
        queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).in_official_order()
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["units"].extra["choices"] = [(u.code, u.short_name) for u in units]
        self.filters["parent"].extra["choices"] = [
            (u.code, ("— " * u.depth) + u.name) for u in parents
        ]
        if parent is not None:  # unbound (a bare URL): the select shows the unit compared under
            self.filters["parent"].extra["initial"] = parent.code

    def filter_parent(self, queryset, name, value):
        return queryset  # the choice of units is made in __init__

    def filter_search(self, queryset, name, value):
        return queryset  # the search adds choices of `parent`, made in the view

    def filter_peers(self, queryset, name, value):
        if value in COMPARED_GROUPS:
            return queryset.filter(PeerGroup(value).units_q())
        return queryset

    def filter_units(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(code__in=value))

    def chosen_units(self) -> list[Unit]:
        """The filtered units in comparison order (districts first, then branches)."""
        if not self.is_bound:
            return list(self.allowed)
        codes = set(self.qs.values_list("code", flat=True))
        return [u for u in self.allowed if u.code in codes]
