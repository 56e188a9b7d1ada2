"""The benchmarking view (#17): per organisation and service, its CSAT beside the peers'.

Monthly rollups over the window, each cell placed in today's structure (as_now: an answer
belongs to the organisation its directorate is in today), summed per organisation x service;
the small-cell and naming rules are domain.benchmarks'. Names no node resolves belong to no
organisation and stay out; so do answers without a service. The caller's directorate scope does
not narrow the peers (they are the point), only `organisations` picks whose rows are answered.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from analysis_svc.adapters.orm import COHORT
from analysis_svc.adapters.structure_orm import organisations as organisation_table
from analysis_svc.adapters.structure_repository import load_structure
from analysis_svc.domain.benchmarks import Cell, benchmark
from analysis_svc.domain.periods import period_start, shift
from analysis_svc.read_model.rollup_sums import Filters, sums, window

DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class BenchmarkFilters:
    start: date | None = None
    end: date | None = None  # default: the latest month with data
    months: int = DEFAULT_MONTHS  # with no start: this many months up to `end`
    service: str | None = None


def organisation_cells(session, filters: BenchmarkFilters, today: date):
    """(window, {service: {organisation: [responses, satisfied]}}) or (None, {})."""
    wanted = Filters(period="month", start=filters.start, end=filters.end,
                     service=filters.service, group_by=COHORT)
    win = window(session, None, wanted)
    if win is None:
        return None, {}
    if filters.start is None:
        first = shift("month", win.last, filters.months - 1)
        win = window(session, None, Filters(period="month", start=period_start("month", first),
                                            end=period_start("month", win.last)))
    structure = load_structure(session)
    out: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for (directorate, service, team), by_period in sums(session, None, wanted, win).items():
        if not service:
            continue
        for period, cell in by_period.items():
            placed = structure.as_now(directorate, period_start("month", period), today,
                                      {"service": service, "team": team})
            if placed.organisation is None:
                continue
            summed = out[service][placed.organisation]
            summed[0] += cell["responses"]
            summed[1] += cell["satisfied"]
    return win, out


def benchmarks(session, organisations: set[str] | None, filters: BenchmarkFilters,
               today: date) -> list[dict]:
    """One row per organisation (of `organisations`; None: every one) per service it answered."""
    win, by_service = organisation_cells(session, filters, today)
    if win is None:
        return []
    rows = session.execute(select(organisation_table.c.id, organisation_table.c.name,
                                  organisation_table.c.share_named)).all()
    names = {row.id: row.name for row in rows}
    sharing = {row.id for row in rows if row.share_named}
    out = []
    for service, by_org in sorted(by_service.items()):
        cells = [Cell(org, n, satisfied) for org, (n, satisfied) in sorted(by_org.items())]
        for org in sorted(by_org):
            if organisations is not None and org not in organisations:
                continue
            out.append({"organisation": org, "organisation_name": names.get(org, org),
                        "service": service, "period_from": win.first, "period_to": win.last}
                       | benchmark(org, cells, sharing, names))
    return out
