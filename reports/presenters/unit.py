"""One unit's page: its indicators by year beside its peers, its reports, and where it stands
among its peers."""

from __future__ import annotations

from django.utils.translation import gettext as _

from movements.models import Indicator, Report, Unit

from .. import charts, selectors, tables
from ..coverage_text import unrated_words
from . import Dashboard, Page, by_name, coverage_summary, named


def unit_page(
    board: Dashboard,
    unit: Unit,
    peers: list[Unit],
    rows: list[selectors.ProfileRow],
    reports: list[Report] | None,
    coverage: selectors.ProfileCoverage | None = None,
    mapping: selectors.SuccessionMapping | None = None,
) -> Page:
    """The page of `unit` from its profile (`peers`, `rows`), its `reports` (None when the
    user may read only its totals) and what its figures span (`coverage`: the units counted
    each year in its subtree and in the province; the peers without a member count)."""
    movement, stage = board.data["movement"], board.stage
    with_peers = len(peers) > 1
    # The unit's years over its own subtree; the province's figures (its total, the unit's
    # share, the peers' rates) over the province's, which the profile counted already.
    own = board.coverage(unit)
    province = coverage.province if coverage is not None else board.coverage(board.scope.root)
    report_urls = {
        r.period.year: tables.report_url(r)
        for r in reports or []
        if r.period.kind == movement.period_kind
    }
    profile = named(
        tables.profile_table(
            rows,
            board.years,
            with_peers=with_peers,
            report_urls=report_urls,
            provisional=charts.provisional_years(own),
            province_provisional=charts.provisional_years(province),
        ),
        "chi-tieu",
        _("%(unit)s: các chỉ tiêu theo năm, %(stage)s") % {"unit": unit.short_name, "stage": stage},
    )
    reports_table = None
    if reports is not None:
        reports_table = named(
            tables.unit_reports_table(reports),
            "bao-cao",
            _("Báo cáo của đơn vị"),
        )
    return Page(
        tables=by_name(profile, reports_table),
        heading=board.heading(
            "don-vi",
            unit,
            coverage=tuple(province.values()),
            coverage_of=board.scope.root.short_name if board.scope.root else "",
        ),
        context={
            "movement": movement,
            "stage": stage,
            "peers": peers,
            "with_peers": with_peers,
            "profile": profile,
            "reports_table": reports_table,
            "figure": _peer_figure(unit, peers, rows, board.span) if with_peers else None,
            "has_data": any(r.total is not None for r in rows),
            "include_submitted": board.data["submitted"],
            "mapping_text": mapping.describe(board.data["start"]) if mapping else "",
            **_coverage_context(board, coverage),
        },
    )


def _coverage_context(board: Dashboard, coverage: selectors.ProfileCoverage | None) -> dict:
    """The words of what the unit page's figures span: the unit's subtree (when it holds more
    than the unit), the province's, the peers compared per 100 members and those left out."""
    if coverage is None:
        return {}
    approved_only = not board.data["submitted"]
    years = board.years
    unit_years = [coverage.unit[y] for y in years if y in coverage.unit]
    return {
        "unit_coverage": coverage_summary(unit_years, approved_only=approved_only)
        if any(c.due > 1 for c in unit_years)
        else "",
        "province_coverage": coverage_summary(
            [coverage.province[y] for y in years if y in coverage.province],
            approved_only=approved_only,
        ),
        "rated_peers": coverage.rated,
        "unrated_peers": [(u, unrated_words(c)) for u, c in coverage.unrated],
        "raw": bool(board.data.get("raw")),
        "end_year": coverage.end_year,
    }


def _peer_figure(unit: Unit, peers: list[Unit], rows: list[selectors.ProfileRow], span: str):
    """Where the unit stands among its peers on each indicator, per 100 members over the
    years (`span`: Dashboard.span)."""
    per_hundred = _("%(measure)s / 100 đoàn viên")
    return charts.peer_range(
        _("%(unit)s trong %(n)s đơn vị cùng nhóm: trên 100 đoàn viên, %(span)s")
        % {"unit": unit.short_name, "n": len(peers), "span": span},
        [
            charts.PeerRange(
                label=r.indicator.label,
                value=r.rate,
                low=r.rate_low,
                median=r.rate_median,
                high=r.rate_high,
                kind=r.indicator.kind,
                measure=""
                if r.indicator.kind == Indicator.Kind.RATIO
                else per_hundred % {"measure": r.indicator.measure},
            )
            for r in rows
        ],
        group=unit.peer_group,
    )
