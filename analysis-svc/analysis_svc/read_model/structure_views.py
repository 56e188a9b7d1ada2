"""The "as it is now" view of the feeds: stored rollups regrouped by today's structure at query
time (issue #17). Rollups keep the names answers were given under and the service and team a
split rule reads, so recording or correcting a reorganisation replays nothing and `rebuild`
gives the same figures by construction. The caller's scope applies to the resulting names.
"""
from collections import defaultdict
from dataclasses import replace
from datetime import date
from functools import partial

from chassis.scope import allows

from analysis_svc.adapters.orm import COHORT
from analysis_svc.adapters.structure_repository import load_structure
from analysis_svc.domain.periods import period_start, shift
from analysis_svc.domain.structure import Structure
from analysis_svc.read_model import feeds
from analysis_svc.read_model.rollup_sums import Filters, Window, sums, theme_counts, window
from analysis_svc.service_layer.measures import COUNTERS

VIEWS = ("as_was", "as_now")


class Placer:
    """Today's directorate name of stored (directorate, service, team) cells, by period start."""

    def __init__(self, structure: Structure, today: date):
        self.structure, self.today = structure, today
        self._placed: dict[tuple, str] = {}

    def name(self, directorate: str, service, team, day: date) -> str:
        key = (directorate, service, team, day)
        if key not in self._placed:
            self._placed[key] = self.structure.as_now(
                directorate, day, self.today, {"service": service, "team": team}).name
        return self._placed[key]

    def keeps(self, name: str, scope, filters: Filters) -> bool:
        """The caller's scope and directorate filter apply to today's names."""
        return allows(scope, name) and (not filters.directorate or name == filters.directorate)


def now_sums(placer: Placer, session, scope, filters: Filters,
             win: Window) -> dict[tuple, dict[str, dict]]:
    """sums() over every stored cell, each placed by structure.as_now, then scoped and grouped."""
    raw = sums(session, None, replace(filters, directorate=None, group_by=COHORT), win)
    out: dict[tuple, dict[str, dict]] = defaultdict(dict)
    for (directorate, service, team), by_period in raw.items():
        for period, cell in by_period.items():
            name = placer.name(directorate, service, team, period_start(win.kind, period))
            if not placer.keeps(name, scope, filters):
                continue
            fields = {"directorate": name, "service": service, "team": team}
            group = tuple(fields[g] for g in filters.group_by)
            summed = out[group].setdefault(period, dict.fromkeys(COUNTERS, 0))
            for counter in COUNTERS:
                summed[counter] += cell[counter]
    return out


def now_theme_counts(placer: Placer, session, scope, filters: Filters, win: Window,
                     by: tuple[str, ...]) -> list[tuple]:
    """theme_counts() regrouped like now_sums: (*by values, theme, count)."""
    raw = theme_counts(session, None, replace(filters, directorate=None), win,
                       (*COHORT, "period"))
    out: dict[tuple, int] = defaultdict(int)
    for directorate, service, team, period, theme, count in raw:
        name = placer.name(directorate, service, team, period_start(win.kind, period))
        if not placer.keeps(name, scope, filters):
            continue
        fields = {"directorate": name, "service": service, "team": team, "period": period}
        out[(*(fields[b] for b in by), theme)] += int(count or 0)
    return [(*key, count) for key, count in out.items()]


def whole_window(session, scope, filters: Filters, extra: int = 0) -> Window | None:
    """The window over every stored name: a scope names today's directorates, not stored ones."""
    return window(session, None, replace(filters, directorate=None), extra)


def source(session, view: str | None, today: date) -> feeds.Source:
    """The rollup reads of a view: as stored, or regrouped into today's structure."""
    structure = load_structure(session) if view == "as_now" else None
    if not structure:
        return feeds.STORED
    placer = Placer(structure, today)
    return feeds.Source(window=whole_window, sums=partial(now_sums, placer),
                        theme_counts=partial(now_theme_counts, placer))


def in_view(feed):
    """feed(session, scope, filters, source) as feed(session, scope, filters, view, today)."""
    def read(session, scope, filters: Filters, view: str, today: date):
        return feed(session, scope, filters, source(session, view, today))
    read.__doc__ = feed.__doc__
    return read


summary, themes, totals = in_view(feeds.summary), in_view(feeds.themes), in_view(feeds.totals)
changes, theme_periods = in_view(feeds.changes), in_view(feeds.theme_periods)


def trends(session, scope, filters: Filters, view: str, today: date) -> list[dict]:
    """/v1/trends in a view; rows of a period holding a change carry its markers."""
    rows = feeds.trends(session, scope, filters, source(session, view, today))
    return with_markers(rows, load_structure(session), filters, scope, today)


def markers(session, scope, today: date, first: date, last: date) -> list[dict]:
    """The changes effective from `first` to `last` (inclusive) a caller may see, oldest first:
    what a chart marks and lists beside itself."""
    structure = load_structure(session)
    return [{"date": m.date.isoformat(), "kind": m.kind,
             "label": m.label if scope is None else _scoped_label(m, scope)}
            for m in structure.markers(today) if first <= m.date <= last
            and (scope is None or m.names & set(scope))]


def with_markers(rows: list[dict], structure: Structure, filters: Filters, scope,
                 today: date) -> list[dict]:
    """Each row gets `markers`: the changes effective in its period that touch its directorate
    (every one when rows are not by directorate), labelled only with names the caller may see."""
    markers = [m for m in structure.markers(today) if scope is None or m.names & set(scope)]
    for row in rows:
        start = date.fromisoformat(row["period_start"])
        end = period_start(filters.period, shift(filters.period, row["period"], -1))
        row["markers"] = [
            {"date": m.date.isoformat(), "kind": m.kind,
             "label": m.label if scope is None else _scoped_label(m, scope)}
            for m in markers if start <= m.date < end
            and ("directorate" not in filters.group_by or row.get("directorate") in m.names)]
    return rows


def _scoped_label(marker, scope) -> str:
    """A partner's label names only directorates in their scope (never another council's)."""
    return f"{marker.kind}: {', '.join(sorted(marker.names & set(scope)))}"
