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
from analysis_svc.read_model.rollup_sums import Filters, Window, sums, window
from analysis_svc.service_layer.measures import COUNTERS

VIEWS = ("as_was", "as_now")


def now_sums(structure: Structure, today: date, session, scope, filters: Filters,
             win: Window) -> dict[tuple, dict[str, dict]]:
    """sums() over every stored cell, each placed by structure.as_now, then scoped and grouped."""
    raw = sums(session, None, replace(filters, directorate=None, group_by=COHORT), win)
    out: dict[tuple, dict[str, dict]] = defaultdict(dict)
    placed: dict[tuple, str] = {}
    for (directorate, service, team), by_period in raw.items():
        values = {"service": service, "team": team}
        for period, cell in by_period.items():
            day = period_start(win.kind, period)
            key = (directorate, service, team, day)
            if key not in placed:
                placed[key] = structure.as_now(directorate, day, today, values).name
            name = placed[key]
            if not allows(scope, name) or (filters.directorate and name != filters.directorate):
                continue
            fields = {"directorate": name, "service": service, "team": team}
            group = tuple(fields[g] for g in filters.group_by)
            summed = out[group].setdefault(period, dict.fromkeys(COUNTERS, 0))
            for counter in COUNTERS:
                summed[counter] += cell[counter]
    return out


def whole_window(session, scope, filters: Filters, extra: int = 0) -> Window | None:
    """The window over every stored name: a scope names today's directorates, not stored ones."""
    return window(session, None, replace(filters, directorate=None), extra)


def trends(session, scope, filters: Filters, view: str, today: date) -> list[dict]:
    """/v1/trends in a view; rows of a period holding a change carry its markers."""
    structure = load_structure(session)
    if view == "as_now" and structure:
        rows = feeds.trends(session, scope, filters, window=whole_window,
                            sums=partial(now_sums, structure, today))
    else:
        rows = feeds.trends(session, scope, filters)
    return with_markers(rows, structure, filters, scope, today)


def totals(session, scope, filters: Filters, view: str, today: date) -> list[dict]:
    structure = load_structure(session)
    if view == "as_now" and structure:
        return feeds.totals(session, scope, filters, window=whole_window,
                            sums=partial(now_sums, structure, today))
    return feeds.totals(session, scope, filters)


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
