"""Subject access: everything every service holds about one person, as one JSON document."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from chassis import auth
from chassis.privacy.audit_api import admin_actor
from survey_svc.domain.subject_access import AnswerSubjectAccess
from survey_svc.entrypoints.api import subject_access_schemas as s

blp = Blueprint("subject_access", __name__, url_prefix="/v1",
                description="Subject access requests (UK GDPR article 15)")


def _bus():
    return current_app.extensions["bus"]


@blp.before_request
def require_admin():
    auth.require_admin(_bus().settings.admin_token)


@blp.route("/subject-access")
class SubjectAccess(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(s.SubjectAccessQuery, location="query", unknown=RAISE)
    @blp.response(200, s.SubjectAccessSchema)
    def get(self, args):
        """Everything survey-svc, ingest-svc and analysis-svc hold about a person (audited)."""
        return _bus().handle(AnswerSubjectAccess(args.get("email"), args.get("requester_id"),
                                                 admin_actor()))
