"""The rollup reads every aggregate is built from: a window of periods and summed counters.

`scope` is the set of directorates the caller may see (None = all); every query here passes
through chassis.scope.scoped. Aggregates come from the rollup tables only, never raw responses.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, func, select

from chassis.scope import scoped

from analysis_svc.adapters.orm import COHORT, rollup_themes, rollups
from analysis_svc.domain.periods import period_of, period_start, periods_between, shift
from analysis_svc.service_layer.measures import COUNTERS

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
    alpha: float = 0.05  # SIGNIFICANCE_LEVEL: the false discovery rate q of each feed's tests
    trend_periods: int = 6


@dataclass(frozen=True)
class Window:
    kind: str
    first: str  # period keys, inclusive
    last: str
    periods: list[str] = field(default_factory=list)


def filtered(stmt: Select, table, scope: set[str] | None, filters: Filters) -> Select:
    """The caller's scope, then the cohort the filters name."""
    stmt = scoped(stmt, table.c.directorate, scope, filters.directorate)
    for name in COHORT:
        value = getattr(filters, name)
        if value is not None and name != "directorate":
            stmt = stmt.where(table.c[name] == value)
    return stmt


def window(session, scope: set[str] | None, filters: Filters, extra: int = 0) -> Window | None:
    """The periods a query covers (oldest first), plus `extra` earlier ones for comparisons."""
    kind = filters.period
    end = filters.end
    if end is None:
        stmt = filtered(select(func.max(rollups.c.period_start))
                        .where(rollups.c.period_kind == kind), rollups, scope, filters)
        end = session.execute(stmt).scalar()
        if end is None:
            return None
    last = period_of(kind, end)
    first = (period_of(kind, filters.start) if filters.start
             else shift(kind, last, DEFAULT_PERIODS - 1))
    first = shift(kind, first, extra)
    return Window(kind, first, last, periods_between(kind, first, last) or [last])


def _between(table, win: Window):
    return table.c.period_start.between(period_start(win.kind, win.first),
                                        period_start(win.kind, win.last))


def sums(session, scope, filters: Filters, win: Window) -> dict[tuple, dict[str, dict]]:
    """Summed counters per group key, then per period key."""
    keys = [rollups.c[name] for name in filters.group_by]
    stmt = select(*keys, rollups.c.period,
                  *[func.sum(rollups.c[name]).label(name) for name in COUNTERS]).where(
        rollups.c.period_kind == win.kind, _between(rollups, win)).group_by(*keys, rollups.c.period)
    out: dict[tuple, dict[str, dict]] = defaultdict(dict)
    width = len(keys)
    # Plain tuples by position: a feed reads thousands of rows, and .mappings() doubled the cost.
    for row in session.execute(filtered(stmt, rollups, scope, filters)).tuples():
        out[row[:width]][row[width]] = {name: value or 0
                                        for name, value in zip(COUNTERS, row[width + 1:])}
    return out


def theme_counts(session, scope, filters: Filters, win: Window,
                 by: tuple[str, ...]) -> list[tuple]:
    """(*by values, theme, count) summed over the window; `by` names columns or "period"."""
    keys = [rollup_themes.c[name] for name in by]
    stmt = select(*keys, rollup_themes.c.theme, func.sum(rollup_themes.c.count)).where(
        rollup_themes.c.period_kind == win.kind, _between(rollup_themes, win),
    ).group_by(*keys, rollup_themes.c.theme)
    return [tuple(row) for row in session.execute(filtered(stmt, rollup_themes, scope, filters))]


def group_fields(filters: Filters, group: tuple) -> dict:
    return {name: (value or None) for name, value in zip(filters.group_by, group)}


def total(by_period: dict[str, dict]) -> dict:
    return {name: sum(p[name] for p in by_period.values()) for name in COUNTERS}
