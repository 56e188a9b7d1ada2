"""GET /v1/benchmarks (#17): each of the caller's organisations per service, beside its peers.

Whose rows: g.organisations (set by require_token; None = the shared-service admin, who may
name one with ?organisation=). A token of no organisation is refused: there is nothing of its
own to compare. Peers are every other organisation, under domain.benchmarks' small-cell rules.
"""
from flask import g, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE

from analysis_svc.domain.periods import local_day
from analysis_svc.entrypoints.api.auth import bus, require_token
from analysis_svc.entrypoints.api.benchmark_schemas import BenchmarkArgs, BenchmarkRowSchema
from analysis_svc.adapters.structure_repository import load_structure
from analysis_svc.read_model.benchmarks import BenchmarkFilters, benchmarks

blp = Blueprint("benchmarks", __name__, url_prefix="/v1",
                description="Each organisation beside its peers (median, quartiles)")
blp.before_request(require_token)
NOT_YOURS = "Not one of your organisations."


def chosen(session, mine: set[str] | None, asked: str | None) -> set[str] | None:
    """Whose rows to answer: 403 for a token of no organisation or one not its own, 404 for an
    admin naming an organisation that does not exist."""
    if mine is None:
        if asked and asked not in load_structure(session).organisations:
            abort(404, message="No such organisation.",
                  messages={"query": {"organisation": ["Unknown organisation."]}})
        return {asked} if asked else None
    if not mine:
        abort(403, message="This token belongs to no organisation: there is nothing to compare.")
    if asked and asked not in mine:
        abort(403, message=NOT_YOURS, messages={"query": {"organisation": [NOT_YOURS]}})
    return {asked} if asked else set(mine)


@blp.route("/benchmarks")
class Benchmarks(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(BenchmarkArgs, location="query", unknown=RAISE)
    @blp.alt_response(403, description="A token of no organisation, or another's organisation.")
    @blp.alt_response(404, description="Admin: no such organisation.")
    @blp.response(200, BenchmarkRowSchema(many=True))
    def get(self, args):
        """Your CSAT per service beside the peer median and quartiles (small cells suppressed)."""
        filters = BenchmarkFilters(args.get("start"), args.get("end"), args["months"],
                                   args.get("service"))
        if filters.start and filters.end and filters.start > filters.end:
            return jsonify([])
        today = local_day(bus().clock.now(), bus().settings.zone)
        with bus().sessions() as session:
            whose = chosen(session, g.organisations, args.get("organisation"))
            return jsonify(benchmarks(session, whose, filters, today))
