"""The aggregate feeds (trends, totals, summary, themes), also the dashboard's and the report's.

Cells under `filters.min_cell` are suppressed; every read is scoped (see rollup_sums).
The change and trend tests of one feed answer are one family: `significant` holds the false
discovery rate at `filters.alpha` across it (Benjamini-Hochberg, domain.fdr); `p_value` stays raw.
Every feed reads its rollups through a `Source`: STORED (the names answers were given under, as
it was) or the "as it is now" regrouping of read_model.structure_views (#17).
"""
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Callable

from analysis_svc.domain.fdr import control_fdr
from analysis_svc.domain.periods import period_start, shift
from analysis_svc.read_model.rollup_sums import (Filters, group_fields, sums, theme_counts, total,
                                                 window)
from analysis_svc.service_layer.measures import change, measures, trend


@dataclass(frozen=True)
class Source:
    """The rollup reads a feed is built from (rollup_sums' signatures)."""

    window: Callable = window
    sums: Callable = sums
    theme_counts: Callable = theme_counts


STORED = Source()


def trends(session, scope: set[str] | None, filters: Filters,
           source: Source = STORED) -> list[dict]:
    """One row per group per period: measures plus the change from the previous period."""
    win = source.window(session, scope, filters, extra=1)
    if win is None:
        return []
    rows = []
    starts = {period: period_start(win.kind, period).isoformat() for period in win.periods}
    for group, by_period in sorted(source.sums(session, scope, filters, win).items()):
        fields = group_fields(filters, group)
        for before, period in zip(win.periods, win.periods[1:]):
            cell = by_period.get(period)
            if cell is None:
                continue
            rows.append(fields | {
                "period": period, "period_start": starts[period],
                **measures(cell, filters.min_cell),
                "change": change(cell, by_period.get(before), filters.min_cell, filters.alpha),
            })
    control_fdr(rows, filters.alpha)
    return rows


def totals(session, scope: set[str] | None, filters: Filters,
           source: Source = STORED) -> list[dict]:
    """Per group, over the whole window: measures (every period summed), the CSAT change from
    the window of the same length just before, and the trend test across the window's periods."""
    win = source.window(session, scope, filters)
    if win is None:
        return []
    wide = source.window(session, scope, replace(filters, end=period_start(win.kind, win.last)),
                         extra=len(win.periods))
    current, previous = set(win.periods), set(wide.periods) - set(win.periods)
    out = []
    for group, by_period in sorted(source.sums(session, scope, filters, wide).items()):
        if not current & set(by_period):
            continue
        now = total({p: s for p, s in by_period.items() if p in current})
        before = total({p: s for p, s in by_period.items() if p in previous})
        out.append(group_fields(filters, group) | {
            "period_from": win.first, "period_to": win.last, **measures(now, filters.min_cell),
            "change": change(now, before, filters.min_cell, filters.alpha),
            "trend": trend([by_period.get(p, {}) for p in win.periods], filters.min_cell,
                           filters.alpha)})
    control_fdr(out, filters.alpha)
    return out


def summary(session, scope: set[str] | None, filters: Filters,
            source: Source = STORED) -> list[dict]:
    """Per group: the latest period's measures, change, trend over the last k periods, top themes."""
    latest = source.window(session, scope, replace(filters, start=None))
    if latest is None:
        return []
    kind, last = filters.period, latest.last
    first = shift(kind, last, max(filters.trend_periods, 2) - 1)
    win = source.window(session, scope, replace(filters, start=period_start(kind, first),
                                                end=period_start(kind, last)))
    current_only = replace(filters, start=period_start(kind, last), end=period_start(kind, last))
    theme_rows = {tuple(_key(r, filters)): r["themes"]
                  for r in themes(session, scope, current_only, source)}
    out = summary_rows(source.sums(session, scope, filters, win), win.periods, filters)
    for item in out:
        item["top_themes"] = (theme_rows.get(tuple(_key(item, filters))) or [])[:5]
    return out


def summary_rows(groups: dict[tuple, dict[str, dict]], periods: list[str],
                 filters: Filters) -> list[dict]:
    """Per group (summed counters per period): the last period's measures, its change from the
    one before and the trend over `periods`, adjusted as one family (no SQL: bench/ calls it)."""
    last = periods[-1]
    out = []
    for group, by_period in sorted(groups.items()):
        current = by_period.get(last)
        before = by_period.get(periods[-2]) if len(periods) > 1 else None
        item = group_fields(filters, group) | {"period": last}
        item |= measures(current or {}, filters.min_cell)
        item["change"] = change(current, before, filters.min_cell, filters.alpha)
        item["trend"] = trend([by_period.get(p, {}) for p in periods],
                              filters.min_cell, filters.alpha)
        out.append(item)
    control_fdr(out, filters.alpha)
    return out


# The overview's and the board report's "what changed" view tests both levels at once.
CHANGE_LEVELS = (("directorate",), ("directorate", "service"))


def changes(session, scope: set[str] | None, filters: Filters,
            source: Source = STORED) -> tuple[list[dict], int]:
    """Summary rows of every directorate and directorate x service cell, their change and
    trend tests adjusted as one family (the view's); returns (rows, family size)."""
    rows = [row for levels in CHANGE_LEVELS
            for row in summary(session, scope, replace(filters, group_by=levels), source)]
    return rows, control_fdr(rows, filters.alpha)


def _key(row: dict, filters: Filters) -> list:
    return [row.get(name) or "" for name in filters.group_by]


def themes(session, scope: set[str] | None, filters: Filters,
           source: Source = STORED) -> list[dict]:
    """Per group over the window: each theme's count and share of commented responses."""
    win = source.window(session, scope, filters)
    if win is None:
        return []
    by_group = {g: total(p) for g, p in source.sums(session, scope, filters, win).items()}
    counts: dict[tuple, list] = defaultdict(list)
    for row in source.theme_counts(session, scope, filters, win, filters.group_by):
        counts[tuple(row[:-2])].append((row[-2], int(row[-1] or 0)))
    out = []
    for group, summed in sorted(by_group.items()):
        small = summed["responses"] < filters.min_cell
        commented = summed["commented"]
        listed = [] if small else sorted(
            ({"theme": t, "count": c, "share": round(c / commented, 4) if commented else None}
             for t, c in counts.get(group, []) if c > 0),
            key=lambda item: (-item["count"], item["theme"]))
        out.append(group_fields(filters, group) | {
            "period_from": win.first, "period_to": win.last,
            "responses": None if small else summed["responses"],
            "commented": None if small else commented,
            "suppressed": small, "themes": listed})
    return out


def theme_periods(session, scope, filters: Filters,
                  source: Source = STORED) -> tuple[dict, list] | None:
    """For the whole selection: commented responses per period (cells big enough to publish
    theme shares, as in the themes feed) and (period, theme, count) rows; None without data."""
    whole = replace(filters, group_by=())
    win = source.window(session, scope, whole)
    if win is None:
        return None
    cells = source.sums(session, scope, whole, win).get((), {})
    commented = {p: c["commented"] for p, c in cells.items() if c["responses"] >= whole.min_cell}
    return commented, source.theme_counts(session, scope, whole, win, ("period",))
