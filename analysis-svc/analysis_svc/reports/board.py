"""Gather the board report's figures from the feeds' own queries, for one date range."""
from dataclasses import dataclass, replace
from datetime import date, timedelta

from analysis_svc.service_layer import queries
from analysis_svc.service_layer.measures import change, measures, trend
from analysis_svc.service_layer.queries import Filters, ResponseFilters


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def before(self) -> "Period":
        """The same number of days immediately before, for comparison."""
        days = (self.end - self.start).days + 1
        return Period(self.start - timedelta(days=days), self.start - timedelta(days=1))


def _totals(session, scope, filters: Filters, group_by: tuple) -> dict[tuple, dict]:
    """Summed rollup counters per group over the whole range (months inside it)."""
    f = replace(filters, group_by=group_by)
    win = queries.window(session, scope, f)
    if win is None:
        return {}
    return {g: queries._total(p) for g, p in queries._sums(session, scope, f, win).items()}


def _monthly(session, scope, filters: Filters, group_by: tuple) -> dict[tuple, dict]:
    f = replace(filters, group_by=group_by)
    win = queries.window(session, scope, f)
    if win is None:
        return {}
    return {g: [p.get(k, {}) for k in win.periods] for g, p in queries._sums(session, scope, f, win).items()}


def build(session, scope, period: Period, settings) -> dict:
    """Everything the report shows, as plain data (numbers match /v1/trends and /v1/summary)."""
    base = Filters(period="month", start=period.start, end=period.end, min_cell=settings.min_cell_size,
                   alpha=settings.alpha, trend_periods=settings.trend_periods)
    prior = replace(base, start=period.before().start, end=period.before().end)
    total = _totals(session, scope, base, ()).get((), {})
    groups = []
    for group_by in (("directorate",), ("directorate", "service")):
        now, then = _totals(session, scope, base, group_by), _totals(session, scope, prior, group_by)
        months = _monthly(session, scope, base, group_by)
        for key, sums in sorted(now.items()):
            groups.append({"name": " – ".join(k for k in key if k), "level": len(group_by),
                           **measures(sums, base.min_cell),
                           "change": change(sums, then.get(key), base.min_cell, base.alpha),
                           "trend": trend(months.get(key, []), base.min_cell, base.alpha)})
    return {
        "period": period, "headline": measures(total, base.min_cell),
        "previous": measures(_totals(session, scope, prior, ()).get((), {}), base.min_cell),
        "headline_change": change(total, _totals(session, scope, prior, ()).get(()), base.min_cell, base.alpha),
        "monthly": queries.trends(session, scope, replace(base, group_by=())),
        "groups": groups,
        "themes": _themes(session, scope, base, prior),
        "quotes": quotes(session, scope, period),
        "min_cell": base.min_cell, "alpha": base.alpha,
    }


def _themes(session, scope, base: Filters, prior: Filters) -> list[dict]:
    now = (queries.themes(session, scope, replace(base, group_by=())) or [{}])[0].get("themes", [])
    then = {t["theme"]: t["share"] for t in
            ((queries.themes(session, scope, replace(prior, group_by=())) or [{}])[0].get("themes", []))}
    return [{**t, "previous_share": then.get(t["theme"])} for t in now[:8]]


def quotes(session, scope, period: Period, per_side: int = 3) -> list[dict]:
    """A few short, already-redacted comments: some praise, some criticism."""
    out = []
    for low, high in ((4, 5), (1, 2)):
        page = queries.responses_page(session, scope, ResponseFilters(
            start=period.start, end=period.end, min_score=low, max_score=high, with_comment=True), limit=60)
        picked = [r for r in page["items"] if 25 <= len(r["comment"] or "") <= 220][:per_side]
        out += [{"text": r["comment"], "score": r["score"], "directorate": r["directorate"]} for r in picked]
    return out
