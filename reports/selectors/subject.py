"""What a page, export or báo cáo reads figures about: one frozen object that the selectors take
instead of the same (movement, unit, start_year, end_year, include_submitted) every time."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from movements.models import Movement, Report, Unit


@dataclass(frozen=True)
class Subject:
    """The `movement`'s figures over `unit`'s subtree in the years start_year..end_year, from
    the reports whose status is one of `statuses`. Build it with `Subject.of`, which says
    which statuses count; a selector that compares units below `unit` (children, peers) takes
    `unit` as their parent."""

    movement: Movement
    unit: Unit
    start_year: int
    end_year: int
    statuses: tuple[str, ...]

    @classmethod
    def of(
        cls,
        *,
        movement: Movement,
        unit: Unit,
        start_year: int,
        end_year: int,
        include_submitted: bool = False,
    ) -> Subject:
        """The subject of those years; the figures of approved reports, and of submitted ones
        (waiting for review) when `include_submitted`."""
        return cls(movement, unit, start_year, end_year, Report.Status.counted(include_submitted))

    @property
    def include_submitted(self) -> bool:
        """Do submitted reports (not yet approved) count?"""
        return set(Report.Status.COUNTED_ON_REQUEST) <= set(self.statuses)

    @property
    def years(self) -> list[int]:
        """start_year..end_year, each year once, in order."""
        return list(range(self.start_year, self.end_year + 1))

    def with_unit(self, unit: Unit) -> Subject:
        """The same movement, years and statuses over `unit`'s subtree."""
        return dataclasses.replace(self, unit=unit)

    def with_years(self, start_year: int, end_year: int) -> Subject:
        """The same movement, unit and statuses over the years start_year..end_year."""
        return dataclasses.replace(self, start_year=start_year, end_year=end_year)
