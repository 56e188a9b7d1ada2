"""Aggregate feeds: trends, summary, themes (from rollups only, small cells suppressed), each
"as it was" or "as it is now" (`view`, #17)."""
from dataclasses import fields as dc_fields

from flask import g, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from analysis_svc import read_model
from analysis_svc.entrypoints.api.auth import bus, check_directorate, require_token
from analysis_svc.domain.periods import local_day
from analysis_svc.entrypoints.api.schemas import AggregateArgs, SummarySchema, ThemesRowSchema
from analysis_svc.entrypoints.api.structure_schemas import (ViewArgs, ViewTotalsRowSchema,
                                                            ViewTrendRowSchema)
from analysis_svc.read_model import structure_views

blp = Blueprint("feeds", __name__, url_prefix="/v1", description="Trends and summaries")
blp.before_request(require_token)
_FILTER_FIELDS = {f.name for f in dc_fields(read_model.Filters)}


def filters_from(args: dict) -> read_model.Filters:
    check_directorate(args.get("directorate"))
    settings = bus().settings
    values = {k: v for k, v in args.items() if k in _FILTER_FIELDS and k != "group_by"}
    return read_model.Filters(**values, group_by=tuple(p for p in args["group_by"].split(",") if p),
                           min_cell=settings.min_cell_size, alpha=settings.alpha,
                           trend_periods=settings.trend_periods)


def _session():
    return bus().sessions()


def _rows(query, args, in_view=None):
    """query(session, scope, filters) as JSON; from after to is an empty window, not an error
    (an OpenAPI schema cannot say "from <= to", so refusing it would refuse valid requests).
    With `view` given, in_view(session, scope, filters, view, today) answers instead (#17)."""
    view = args.pop("view", None)
    filters = filters_from(args)
    if filters.start and filters.end and filters.start > filters.end:
        return jsonify([])
    with _session() as session:
        # Already JSON-ready; skipping the schema dump (kept for the docs) halves the time.
        if view and in_view:
            today = local_day(bus().clock.now(), bus().settings.zone)
            return jsonify(in_view(session, g.scope, filters, view, today))
        return jsonify(query(session, g.scope, filters))


@blp.route("/trends")
class Trends(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(ViewArgs, location="query", unknown=RAISE)
    @blp.response(200, ViewTrendRowSchema(many=True))
    def get(self, args):
        """Measures per group per week or month, with the change from the previous period."""
        return _rows(read_model.trends, args, structure_views.trends)


@blp.route("/summary")
class Summary(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(AggregateArgs, location="query", unknown=RAISE)
    @blp.response(200, SummarySchema(many=True))
    def get(self, args):
        """Latest period per group: measures, change, trend test, top themes."""
        return _rows(read_model.summary, args, structure_views.summary)


@blp.route("/totals")
class Totals(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(ViewArgs, location="query", unknown=RAISE)
    @blp.response(200, ViewTotalsRowSchema(many=True))
    def get(self, args):
        """Measures per group over the whole window (the board report's headline figures)."""
        return _rows(read_model.totals, args, structure_views.totals)


@blp.route("/themes")
class Themes(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(AggregateArgs, location="query", unknown=RAISE)
    @blp.response(200, ThemesRowSchema(many=True))
    def get(self, args):
        """Theme counts and shares of commented responses per group over the window."""
        return _rows(read_model.themes, args, structure_views.themes)
