"""Read side used by the feeds and the dashboard: every function takes (session, scope, filters).

`scope` is the set of directorates the caller may see (None = all). Aggregates come from the
rollup tables only, never from raw responses; cells under `filters.min_cell` are suppressed.
"""
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import Select, and_, false, func, select

from analysis_svc.adapters.orm import COHORT, rollup_themes, rollups
from analysis_svc.domain.periods import period_of, period_start, shift
from analysis_svc.service_layer.measures import COUNTERS, change, measures, trend
# Record-level reads live next door; re-exported so callers import one module.
from analysis_svc.service_layer.response_queries import (  # noqa: F401
    EXPORT_COLUMNS, BadCursor, ResponseFilters, iter_export, responses_page)

__all__ = ["EXPORT_COLUMNS", "BadCursor", "Filters", "ResponseFilters", "Window", "iter_export",
           "responses_page", "summary", "themes", "totals", "trends", "window"]
DEFAULT_PERIODS = 12


@dataclass(frozen=True)
class Filters:
    period: str = "week"  # "week" | "month"
    start: date | None = None  # first day included (default: DEFAULT_PERIODS before `end`)
    end: date | None = None  # last day included (default: the latest period with data)
    directorate: str | None = None
    service: str | None = None
    team: str | None = None
    group_by: tuple[str, ...] = ("directorate",)  # any of COHORT, in that order
    min_cell: int = 5
    alpha: float = 0.05
    trend_periods: int = 6


@dataclass(frozen=True)
class Window:
    kind: str
    first: str  # period keys, inclusive
    last: str
    periods: list[str] = field(default_factory=list)


def _scoped(stmt: Select, table, scope: set[str] | None, filters: Filters) -> Select:
    if scope is not None:
        stmt = stmt.where(table.c.directorate.in_(sorted(scope)) if scope else false())
    for name in COHORT:
        value = getattr(filters, name)
        if value is not None:
            stmt = stmt.where(table.c[name] == value)
    return stmt


def window(session, scope: set[str] | None, filters: Filters, extra: int = 0) -> Window | None:
    """The periods a query covers (oldest first), plus `extra` earlier ones for comparisons."""
    kind = filters.period
    end = filters.end
    if end is None:
        stmt = _scoped(select(func.max(rollups.c.period_start))
                       .where(rollups.c.period_kind == kind), rollups, scope, filters)
        end = session.execute(stmt).scalar()
        if end is None:
            return None
    last = period_of(kind, end)
    first = (period_of(kind, filters.start) if filters.start
             else shift(kind, last, DEFAULT_PERIODS - 1))
    first = shift(kind, first, extra)
    periods, cursor = [last], last
    while cursor != first and period_start(kind, cursor) > period_start(kind, first):
        cursor = shift(kind, cursor, 1)
        periods.append(cursor)
    return Window(kind, first, last, periods[::-1])


def _sums(session, scope, filters: Filters, win: Window) -> dict[tuple, dict[str, dict]]:
    """Summed counters per group key, then per period key."""
    keys = [rollups.c[name] for name in filters.group_by]
    stmt = select(*keys, rollups.c.period,
                  *[func.sum(rollups.c[name]).label(name) for name in COUNTERS]).where(
        rollups.c.period_kind == win.kind,
        rollups.c.period_start.between(period_start(win.kind, win.first),
                                       period_start(win.kind, win.last)),
    ).group_by(*keys, rollups.c.period)
    out: dict[tuple, dict[str, dict]] = defaultdict(dict)
    width = len(keys)
    # Plain tuples by position: a feed reads thousands of rows, and .mappings() doubled the cost.
    for row in session.execute(_scoped(stmt, rollups, scope, filters)).tuples():
        out[row[:width]][row[width]] = {name: value or 0
                                        for name, value in zip(COUNTERS, row[width + 1:])}
    return out


def _group_fields(filters: Filters, group: tuple) -> dict:
    return {name: (value or None) for name, value in zip(filters.group_by, group)}


def trends(session, scope: set[str] | None, filters: Filters) -> list[dict]:
    """One row per group per period: measures plus the change from the previous period."""
    win = window(session, scope, filters, extra=1)
    if win is None:
        return []
    rows = []
    starts = {period: period_start(win.kind, period).isoformat() for period in win.periods}
    for group, by_period in sorted(_sums(session, scope, filters, win).items()):
        fields = _group_fields(filters, group)
        for before, period in zip(win.periods, win.periods[1:]):
            sums = by_period.get(period)
            if sums is None:
                continue
            rows.append(fields | {
                "period": period, "period_start": starts[period],
                **measures(sums, filters.min_cell),
                "change": change(sums, by_period.get(before), filters.min_cell, filters.alpha),
            })
    return rows


def totals(session, scope: set[str] | None, filters: Filters) -> list[dict]:
    """Per group, over the whole window: measures (every period summed), the CSAT change from
    the window of the same length just before, and the trend test across the window's periods."""
    win = window(session, scope, filters)
    if win is None:
        return []
    wide = window(session, scope, replace(filters, end=period_start(win.kind, win.last)),
                  extra=len(win.periods))
    current, previous = set(win.periods), set(wide.periods) - set(win.periods)
    out = []
    for group, by_period in sorted(_sums(session, scope, filters, wide).items()):
        if not current & set(by_period):
            continue
        now = _total({p: s for p, s in by_period.items() if p in current})
        before = _total({p: s for p, s in by_period.items() if p in previous})
        out.append(_group_fields(filters, group) | {
            "period_from": win.first, "period_to": win.last, **measures(now, filters.min_cell),
            "change": change(now, before, filters.min_cell, filters.alpha),
            "trend": trend([by_period.get(p, {}) for p in win.periods], filters.min_cell,
                           filters.alpha)})
    return out


def summary(session, scope: set[str] | None, filters: Filters) -> list[dict]:
    """Per group: the latest period's measures, change, trend over the last k periods, top themes."""
    latest = window(session, scope, replace(filters, start=None))
    if latest is None:
        return []
    kind, last = filters.period, latest.last
    first = shift(kind, last, max(filters.trend_periods, 2) - 1)
    win = window(session, scope, replace(filters, start=period_start(kind, first),
                                         end=period_start(kind, last)))
    current_only = replace(filters, start=period_start(kind, last), end=period_start(kind, last))
    theme_rows = {tuple(_key(r, filters)): r["themes"]
                  for r in themes(session, scope, current_only)}
    out = []
    for group, by_period in sorted(_sums(session, scope, filters, win).items()):
        current = by_period.get(last)
        before = by_period.get(win.periods[-2]) if len(win.periods) > 1 else None
        item = _group_fields(filters, group) | {"period": last}
        item |= measures(current or {}, filters.min_cell)
        item["change"] = change(current, before, filters.min_cell, filters.alpha)
        item["trend"] = trend([by_period.get(p, {}) for p in win.periods],
                              filters.min_cell, filters.alpha)
        item["top_themes"] = (theme_rows.get(group) or [])[:5]
        out.append(item)
    return out


def _key(row: dict, filters: Filters) -> list:
    return [row.get(name) or "" for name in filters.group_by]



def themes(session, scope: set[str] | None, filters: Filters) -> list[dict]:
    """Per group over the window: each theme's count and share of commented responses."""
    win = window(session, scope, filters)
    if win is None:
        return []
    sums = {g: _total(p) for g, p in _sums(session, scope, filters, win).items()}
    keys = [rollup_themes.c[name] for name in filters.group_by]
    stmt = select(*keys, rollup_themes.c.theme, func.sum(rollup_themes.c.count)).where(
        and_(rollup_themes.c.period_kind == win.kind,
             rollup_themes.c.period_start.between(period_start(win.kind, win.first),
                                                  period_start(win.kind, win.last))),
    ).group_by(*keys, rollup_themes.c.theme)
    counts: dict[tuple, list] = defaultdict(list)
    for row in session.execute(_scoped(stmt, rollup_themes, scope, filters)):
        counts[tuple(row[:-2])].append((row[-2], int(row[-1] or 0)))
    out = []
    for group, total in sorted(sums.items()):
        small = total["responses"] < filters.min_cell
        commented = total["commented"]
        listed = [] if small else sorted(
            ({"theme": t, "count": c, "share": round(c / commented, 4) if commented else None}
             for t, c in counts.get(group, []) if c > 0),
            key=lambda item: (-item["count"], item["theme"]))
        out.append(_group_fields(filters, group) | {
            "period_from": win.first, "period_to": win.last,
            "responses": None if small else total["responses"],
            "commented": None if small else commented,
            "suppressed": small, "themes": listed})
    return out


def _total(by_period: dict[str, dict]) -> dict:
    return {name: sum(p[name] for p in by_period.values()) for name in COUNTERS}
