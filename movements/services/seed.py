"""Load the seed: the units of Tỉnh Đoàn Kiên Giang, the movement, its indicators and the
figures published in report 44A (idempotent)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from .. import seed_data
from ..models import (
    Indicator,
    IndicatorBound,
    IndicatorGroup,
    Movement,
    Period,
    PublishedFigure,
    Stage,
    Unit,
)


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0

    def __str__(self) -> str:
        return f"{self.created} mới, {self.updated} cập nhật"


def upsert(model, lookup: dict, defaults: dict, result: LoadResult):
    """get-or-create that saves only when something differs, so reloading changes nothing."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **defaults)
        obj.save()
        result.created += 1
        return obj
    changed = [name for name, value in defaults.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, defaults[name])
        obj.save()
        result.updated += 1
    return obj


@transaction.atomic
def seed_load() -> LoadResult:
    """Load the units, the movement "3tn" with its indicators and their sanity bounds (by peer
    group too) and the figures of report 44A (idempotent)."""
    result = LoadResult()
    code, name, short, kind, gso, since = seed_data.PROVINCE_UNIT
    province = upsert(
        Unit,
        {"code": code},
        {
            "name": name,
            "short_name": short,
            "kind": kind,
            "gso_code": gso,
            "valid_from": since,
            "parent": None,
            "sort_order": 0,
        },
        result,
    )
    for order, (code, name, short, kind, gso, since) in enumerate(
        seed_data.DISTRICTS + seed_data.BRANCHES, start=1
    ):
        upsert(
            Unit,
            {"code": code},
            {
                "name": name,
                "short_name": short,
                "kind": kind,
                "gso_code": gso,
                "valid_from": since,
                "parent": province,
                "sort_order": order,
            },
            result,
        )

    spec = seed_data.MOVEMENT
    movement = upsert(
        Movement, {"code": spec["code"]}, {k: v for k, v in spec.items() if k != "code"}, result
    )
    upsert(
        Stage,
        {"movement": movement, "first_year": movement.start_year},
        {"name": seed_data.STAGE_NAME, "last_year": movement.end_year, "order": 1},
        result,
    )
    for year in range(movement.start_year, movement.end_year + 1):
        upsert(
            Period,
            {"kind": Period.Kind.YEAR, "year": year, "number": 0},
            {"deadline": dt.date(year + 1, 1, 15)},
            result,
        )

    groups = {}
    for order, (code, numbering, name) in enumerate(seed_data.GROUPS, start=1):
        groups[code] = upsert(
            IndicatorGroup,
            {"movement": movement, "code": code},
            {"name": name, "numbering": numbering, "order": order},
            result,
        )

    indicators: dict[str, Indicator] = {}
    for order, (group, code, name, short, measure, kind, aggregation, extra) in enumerate(
        seed_data.INDICATORS, start=1
    ):
        indicators[code] = upsert(
            Indicator,
            {"movement": movement, "code": code},
            {
                "group": groups[group],
                "name": name,
                "short_name": short,
                "measure": measure,
                "kind": kind,
                "aggregation": aggregation,
                "numerator": indicators.get(extra.get("numerator")),
                "denominator": indicators.get(extra.get("denominator")),
                "part_of": indicators.get(extra.get("part_of")),
                "min_value": extra.get("min"),
                "max_value": extra.get("max"),
                "requires": indicators.get(extra.get("requires")),
                "members": indicators.get(extra.get("members")),
                "members_factor": Decimal(extra.get("members_factor", 1)),
                "is_headline": extra.get("headline", False),
                "order": order,
            },
            result,
        )
        for peer_group, (low, high) in extra.get("bounds", {}).items():
            upsert(
                IndicatorBound,
                {"indicator": indicators[code], "peer_group": peer_group},
                {"min_value": low, "max_value": high},
                result,
            )

    units = {u.code: u for u in Unit.objects.all()}
    for order, (indicator, unit, value, qualifier, quote) in enumerate(
        seed_data.PUBLISHED, start=1
    ):
        upsert(
            PublishedFigure,
            {
                "indicator": indicators[indicator],
                "unit": units[unit],
                "start_year": movement.start_year,
                "end_year": movement.end_year,
                "document": seed_data.DOCUMENT,
            },
            {
                "value": value,
                "qualifier": qualifier,
                "quote": quote,
                "document_date": seed_data.DOCUMENT_DATE,
                "order": order,
            },
            result,
        )
    return result
