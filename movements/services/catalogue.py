"""The official catalogue of provinces and wards after 1 July 2025 (the vietnam-provinces
package): the xã, phường and đặc khu of a province as the create changes (services.tree) that
make them units, with their official codes in `Unit.gso_code`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..models import Unit
from .tree import ChangeSpec, Kind, NewUnit


@dataclass(frozen=True)
class CatalogueUnit:
    """A xã, phường or đặc khu of the official catalogue, as the unit it would become."""

    gso_code: str
    name: str  # "Phường Rạch Giá"
    code: str  # the unit's slug: "phuong-rach-gia"

    @property
    def unit_name(self) -> str:
        """The Đoàn of the place: “Đoàn phường Rạch Giá”."""
        return _("Đoàn %(place)s") % {"place": self.name[:1].lower() + self.name[1:]}


def catalogue_provinces() -> list[tuple[str, str]]:
    """(code, name) of the provinces after 1 July 2025, by name."""
    from vietnam_provinces import Province

    return sorted(((str(int(p.code)), p.name) for p in Province.iter_all()), key=lambda p: p[1])


def catalogue_wards(province_code: str) -> list[CatalogueUnit]:
    """The xã, phường and đặc khu of a province (its official code, as catalogue_provinces
    gives it), by official code; [] for an unknown province."""
    from vietnam_provinces import ProvinceCode, Ward

    try:
        province = ProvinceCode(int(province_code))
    except ValueError:
        return []
    return sorted(
        (
            CatalogueUnit(
                gso_code=f"{int(w.code):05d}",
                name=w.name,
                code=w.codename.replace("_", "-")[:64],
            )
            for w in Ward.iter_by_province(province)
        ),
        key=lambda w: w.gso_code,
    )


def catalogue_specs(
    *,
    province_code: str,
    parent: Unit,
    date: dt.date,
    document_number: str,
    document_date: dt.date | None = None,
    document_body: str = "",
) -> list[tuple[int, ChangeSpec]]:
    """One create change a ward of the province not yet a unit (by its official code under
    `parent`), the unit's code made unique with the official code when another unit has it."""
    have = set(
        Unit.objects.filter(parent=parent).exclude(gso_code="").values_list("gso_code", flat=True)
    )
    wards = [w for w in catalogue_wards(province_code) if w.gso_code not in have]
    taken = set(
        Unit.objects.filter(code__in=[w.code for w in wards]).values_list("code", flat=True)
    )
    return [
        (
            number,
            ChangeSpec(
                kind=Kind.CREATE,
                date=date,
                document_number=document_number,
                document_date=document_date,
                document_body=document_body,
                new_unit=NewUnit(
                    code=f"{w.code}-{w.gso_code}" if w.code in taken else w.code,
                    name=w.unit_name,
                    short_name=w.name,
                    kind=Unit.Kind.GRASSROOTS,
                    gso_code=w.gso_code,
                    parent=parent.code,
                ),
            ),
        )
        for number, w in enumerate(wards, start=1)
    ]
