"""POST /v1/analyze: the same analyser the stream uses, one text at a time."""
from dataclasses import asdict

from flask.views import MethodView
from flask_smorest import Blueprint

from analysis_svc.entrypoints.api.auth import bus, require_token
from analysis_svc.entrypoints.api.schemas import AnalysisSchema, AnalyzeArgs

blp = Blueprint("analyze", __name__, url_prefix="/v1", description="Text analysis")
blp.before_request(require_token)


@blp.route("/analyze")
class Analyze(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(AnalyzeArgs)
    @blp.response(200, AnalysisSchema)
    def post(self, args):
        """Redact, score sentiment and match themes for one text."""
        result = bus().analyser.analyse(args["text"], score=args.get("score"))
        return _as_dict(result)


def _as_dict(result) -> dict:
    try:
        return asdict(result)
    except TypeError:
        return {k: getattr(result, k) for k in ("label", "compound", "themes", "redacted",
                                                 "disagreement")}
