"""The dates of the demo reports (`services.demo`): around each period's deadline, most on time
and some late, the same for the same unit and deadline, never after the load. Not the clock's:
"Sửa lần cuối", the history and completeness then tell a true story of each year.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from ..models import Period, Report

# The share of the stage's reports sent after the deadline.
DEMO_LATE_SHARE = 0.2

# Submitted reports sent after the deadline, by how many days; the others came 1 to 6 days
# before it.
DEMO_OPEN_LATE = {"giong-rieng": 9, "khoi-co-quan": 23}


def seeded_random(*key) -> random.Random:
    return random.Random("-".join(map(str, key)))


@dataclass(frozen=True)
class DemoDates:
    """When a demo report was created, its figures last entered, sent and approved or
    returned (None: not yet), and so last edited."""

    created: dt.datetime
    entered: dt.datetime
    submitted: dt.datetime | None = None
    decided: dt.datetime | None = None

    @property
    def last(self) -> dt.datetime:
        return self.decided or self.submitted or self.entered


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A moment of office hours on `day`, in the site's time zone."""
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(rng.randint(7, 16), rng.randint(0, 59)))
    )


def _sent(submitted: dt.datetime, rng: random.Random, decided_days: int = 0) -> DemoDates:
    """The dates of a report sent at `submitted`, approved or returned `decided_days` later
    (0: not yet)."""
    entered = submitted - dt.timedelta(days=rng.randint(0, 2), minutes=rng.randint(10, 300))
    created = _at(submitted.date() - dt.timedelta(days=rng.randint(10, 30)), rng)
    decided = _at(submitted.date() + dt.timedelta(days=decided_days), rng) if decided_days else None
    if decided is not None and decided <= submitted:
        decided = submitted + dt.timedelta(hours=2)
    return DemoDates(
        created=min(created, entered), entered=entered, submitted=submitted, decided=decided
    )


def _until(dates: DemoDates, now: dt.datetime) -> DemoDates:
    """`dates`, moved earlier together where the last of them is after `now`."""
    late = dates.last - now
    if late <= dt.timedelta(0):
        return dates
    return DemoDates(
        **{name: moment - late if moment else moment for name, moment in vars(dates).items()}
    )


def demo_dates(unit_code: str, deadline: dt.date) -> DemoDates:
    """The dates of a unit's approved demo report due on `deadline`: sent on the deadline or
    up to 9 days before it, or (DEMO_LATE_SHARE of them) 1 to 35 days after; approved 1 to 7
    days after being sent. The same for the same unit and deadline."""
    rng = seeded_random("dates", unit_code, deadline.isoformat())
    if rng.random() < DEMO_LATE_SHARE:
        day = deadline + dt.timedelta(days=rng.randint(1, 35))
    else:
        day = deadline - dt.timedelta(days=rng.randint(0, 9))
    return _sent(_at(day, rng), rng, decided_days=rng.randint(1, 7))


def stage_dates(unit_code: str, period: Period, now: dt.datetime) -> DemoDates:
    """`demo_dates` of a unit's report of `period` (due 15 January after it when the period
    has no deadline), none after `now`."""
    deadline = period.deadline or dt.date(period.year + 1, 1, 15)
    return _until(demo_dates(unit_code, deadline), now)


def demo_open_dates(
    unit_code: str, status: str, deadline: dt.date, now: dt.datetime | None = None
) -> DemoDates:
    """The dates of a unit's demo report of the open period due on `deadline`, by `status`: a
    draft last edited within 12 days of the deadline; a submitted report sent 1 to 6 days
    before it, or DEMO_OPEN_LATE days after; a returned one sent 2 days before and returned a
    week later. None after `now` (default: the clock)."""
    rng = seeded_random("open", unit_code, deadline.isoformat())
    if status == Report.Status.DRAFT:
        edited = _at(deadline + dt.timedelta(days=rng.randint(-12, 12)), rng)
        created = _at(edited.date() - dt.timedelta(days=rng.randint(5, 25)), rng)
        dates = DemoDates(created=created, entered=edited)
    elif status == Report.Status.RETURNED:
        dates = _sent(_at(deadline - dt.timedelta(days=2), rng), rng, decided_days=7)
    else:
        late = DEMO_OPEN_LATE.get(unit_code)
        days = late if late else -rng.randint(1, 6)
        dates = _sent(_at(deadline + dt.timedelta(days=days), rng), rng)
    return _until(dates, now or timezone.now())
