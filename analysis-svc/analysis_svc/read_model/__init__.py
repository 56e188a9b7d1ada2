"""The read side: every SQL query of the feeds, the dashboard, its choices and the board report.

Functions take (session, scope, ...): `scope` is the set of directorates the caller may see
(None = all), applied by chassis.scope.scoped in every query. Writes go through the bus.
"""
from analysis_svc.read_model.choices import directorates_in_view, latest_month
from analysis_svc.read_model.disagreements import disagreements
from analysis_svc.read_model.feeds import (CHANGE_LEVELS, changes, summary, summary_rows,
                                           theme_periods, themes, totals, trends)
from analysis_svc.read_model.followups import closure, detractor_queue
from analysis_svc.read_model.responses import (EXPORT_COLUMNS, BadCursor, ResponseFilters,
                                               iter_export, responses_page)
from analysis_svc.read_model.rollup_sums import Filters, Window, window
from analysis_svc.read_model.ticket_trail import failing_write_backs, trail_for

__all__ = ["CHANGE_LEVELS", "EXPORT_COLUMNS", "BadCursor", "Filters", "ResponseFilters", "Window",
           "changes", "closure", "detractor_queue", "disagreements", "directorates_in_view",
           "failing_write_backs", "trail_for",
           "iter_export", "latest_month", "responses_page", "summary", "summary_rows",
           "theme_periods", "themes", "totals", "trends", "window"]
