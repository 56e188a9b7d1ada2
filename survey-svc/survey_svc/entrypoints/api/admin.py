"""Admin API: invitations, policies, opt-outs and counts, behind the ADMIN_TOKEN."""
from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from chassis import auth
from survey_svc.adapters import queries
from survey_svc.domain.commands import OptInRequester, OptOutRequester, SetPolicy
from survey_svc.domain.policy import PolicyInvalid
from survey_svc.entrypoints.api import schemas as s
from survey_svc.service_layer.policies import policy_audit, policy_view

blp = Blueprint("admin", __name__, url_prefix="/v1", description="Survey administration")


def _bus():
    return current_app.extensions["bus"]


@blp.before_request
def require_admin():
    auth.require_admin(_bus().settings.admin_token)


@blp.route("/invitations")
class Invitations(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(s.InvitationQuerySchema, location="query")
    @blp.response(200, s.InvitationSchema(many=True))
    def get(self, args):
        """List invitations for a ticket or a requester."""
        if not args:
            abort(400, message="Give ticket_id or requester_id.",
                  messages={"query": {"ticket_id": ["ticket_id or requester_id is required."]}})
        with _bus().sessions() as session:
            return queries.invitations_by(session, **args)


@blp.route("/policies/<directorate>")
class DirectoratePolicy(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.response(200, s.PolicyViewSchema)
    def get(self, directorate):
        """Show a directorate's effective policy and its overrides ('*' for the defaults)."""
        return policy_view(_bus().uow_factory(), directorate)

    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(s.PolicySchema)
    @blp.response(200, s.PolicyViewSchema)
    def put(self, changes, directorate):
        """Change some of a directorate's policy settings; the change is audited."""
        actor = request.headers.get("X-Actor", "admin-api")[:100]
        try:
            _bus().handle(SetPolicy(directorate, changes, actor))
        except PolicyInvalid as err:
            abort(400, message="Invalid policy.", messages={"json": err.problems})
        return policy_view(_bus().uow_factory(), directorate)


@blp.route("/policies/<directorate>/audit")
class PolicyAudit(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.response(200, s.AuditEntrySchema(many=True))
    def get(self, directorate):
        """Every change to a directorate's policy: who, when, old and new."""
        return policy_audit(_bus().uow_factory(), directorate)


@blp.route("/opt-outs")
class OptOuts(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(s.OptOutSchema)
    @blp.response(200, s.OptOutResultSchema)
    def post(self, args):
        """Opt a requester out of all surveys."""
        changed = _bus().handle(OptOutRequester(args["requester_id"]))
        return {"requester_id": args["requester_id"], "opted_out": True, "changed": changed}


@blp.route("/opt-outs/<requester_id>")
class OptIn(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.response(200, s.OptOutResultSchema)
    def delete(self, requester_id):
        """Opt a requester back in."""
        changed = _bus().handle(OptInRequester(requester_id))
        return {"requester_id": requester_id, "opted_out": False, "changed": changed}


@blp.route("/stats")
class Stats(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(s.StatsQuerySchema, location="query")
    @blp.response(200, s.StatsRowSchema(many=True))
    def get(self, args):
        """Count invited, sent, answered and bounced per directorate and period."""
        with _bus().sessions() as session:
            return queries.counts(session, **args)
