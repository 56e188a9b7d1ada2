"""Gather the board report's figures from the feeds' own read model, for one date range."""
from dataclasses import dataclass, replace
from datetime import date, timedelta

from analysis_svc import read_model
from analysis_svc.domain.fdr import control_fdr
from analysis_svc.domain.periods import period_of
from analysis_svc.read_model import Filters, ResponseFilters, structure_views
from analysis_svc.reports.privacy import coverage_statement
from analysis_svc.service_layer.measures import measures


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def before(self) -> "Period":
        """The same number of days immediately before, for comparison."""
        days = (self.end - self.start).days + 1
        return Period(self.start - timedelta(days=days), self.start - timedelta(days=1))


def build(session, scope, period: Period, settings, view: str = "as_was",
          today: date | None = None) -> dict:
    """Everything the report shows, as plain data: the headline and group figures are
    /v1/totals' rows for the same months, scope and view, the monthly table /v1/trends' rows;
    `view` "as_now" groups directorates as they are `today` (#17)."""
    today = today or date.today()
    base = Filters(period="month", start=period.start, end=period.end, min_cell=settings.min_cell_size,
                   alpha=settings.alpha, trend_periods=settings.trend_periods)
    prior = replace(base, start=period.before().start, end=period.before().end)
    source = structure_views.source(session, view, today)
    headline = (read_model.totals(session, scope, replace(base, group_by=()), source)
                or [_empty(base)])[0]
    groups = []
    for group_by in (("directorate",), ("directorate", "service")):
        for row in read_model.totals(session, scope, replace(base, group_by=group_by), source):
            groups.append(row | {"name": " – ".join(row[k] for k in group_by if row[k]),
                                 "level": len(group_by)})
    # One family: every change and trend the report lists or speaks of (the headline's trend is
    # not shown, so it is left out), adjusted together from their raw p-values.
    family = control_fdr([{"change": headline.get("change")}] + groups, base.alpha)
    return {
        "period": period, "headline": headline, "headline_change": headline.get("change"),
        "monthly": read_model.trends(session, scope, replace(base, group_by=()), source),
        "groups": groups,
        "themes": _themes(session, scope, base, prior, source),
        "quotes": quotes(session, scope, period, settings.zone, view=view, today=today),
        "view": view, "markers": [m | {"period": period_of("month", date.fromisoformat(m["date"]))}
                                  for m in structure_views.markers(session, scope, today,
                                                                   period.start, period.end)],
        "min_cell": base.min_cell, "alpha": base.alpha, "family_size": family,
        "privacy": coverage_statement(),  # the quotes above went through that redaction
    }


def _empty(base: Filters) -> dict:
    return measures({}, base.min_cell) | {"change": None, "trend": None}


def _themes(session, scope, base: Filters, prior: Filters, source) -> list[dict]:
    def shares(filters: Filters) -> list[dict]:
        rows = read_model.themes(session, scope, replace(filters, group_by=()), source)
        return (rows or [{}])[0].get("themes", [])
    now = shares(base)
    then = {t["theme"]: t["share"] for t in shares(prior)}
    return [{**t, "previous_share": then.get(t["theme"])} for t in now[:8]]


def quotes(session, scope, period: Period, zone, per_side: int = 3, view: str = "as_was",
           today: date | None = None) -> list[dict]:
    """A few short, already-redacted comments: some praise, some criticism."""
    out = []
    for low, high in ((4, 5), (1, 2)):
        page = read_model.responses_page(session, scope, ResponseFilters(
            start=period.start, end=period.end, min_score=low, max_score=high, with_comment=True,
            zone=zone, view=view, today=today), limit=60)
        picked = [r for r in page["items"] if 25 <= len(r["comment"] or "") <= 220][:per_side]
        out += [{"text": r["comment"], "score": r["score"], "directorate": r["directorate"]} for r in picked]
    return out
