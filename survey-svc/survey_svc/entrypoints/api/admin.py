"""Admin API: invitations, policies, opt-outs and counts, behind the ADMIN_TOKEN."""
from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, ValidationError, validate

from chassis import auth
from contracts.organisations import OrganisationId
from contracts.text import NAME
from survey_svc.adapters import queries
from survey_svc.domain.commands import (OptInRequester, OptOutRequester, SetOrganisationPolicy,
                                        SetPolicy)
from survey_svc.domain.policy import PolicyInvalid
from survey_svc.entrypoints.api import schemas as s
from survey_svc.service_layer.policies import (organisation_policy_audit,
                                               organisation_policy_view, policy_audit, policy_view)

blp = Blueprint("admin", __name__, url_prefix="/v1", description="Survey administration")
DIRECTORATE = s.path_name("directorate", 100)
ORGANISATION = s.path_organisation()
INCONSISTENT = ("The change would leave the policy inconsistent (e.g. reminder_days not shorter "
                "than expiry_days)")


def _bus():
    return current_app.extensions["bus"]


@blp.before_request
def require_admin():
    auth.require_admin(_bus().settings.admin_token)
    # Without a JSON content type the body would be ignored: a PUT that changes nothing.
    if request.method in ("POST", "PUT") and not request.is_json:
        abort(415, message="Send a JSON body (Content-Type: application/json).")


def _name(value: str, field: str, max_len: int, location: str = "path") -> str:
    """A name from the path or a header, held to the contracts' rule: 400 naming it."""
    try:
        return NAME(validate.Length(min=1, max=max_len)(value))
    except ValidationError as err:
        abort(400, message=f"Invalid {field}.", messages={location: {field: err.messages}})


def _organisation(value: str) -> str:
    try:
        return OrganisationId()(value)
    except ValidationError as err:
        abort(400, message="Invalid organisation.",
              messages={"path": {"organisation": err.messages}})


def _actor() -> str:
    return _name(request.headers.get("X-Actor", "admin-api")[:100], "X-Actor", 100, "headers")


@blp.route("/invitations")
class Invitations(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(s.InvitationQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, s.InvitationSchema(many=True))
    def get(self, args):
        """List a ticket's or a requester's invitations (without either: the newest 500)."""
        with _bus().sessions() as session:
            return queries.invitations_by(session, **args)


@blp.route("/policies/<directorate>", parameters=[DIRECTORATE])
class DirectoratePolicy(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(s.PolicyQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, s.PolicyViewSchema)
    def get(self, args, directorate):
        """Show a directorate's effective policy and its overrides ('*' for the defaults)."""
        return policy_view(_bus().uow_factory(), _name(directorate, "directorate", 100),
                           args.get("organisation"))

    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(s.PolicySchema)
    @blp.response(200, s.PolicyViewSchema)
    @blp.alt_response(409, description=INCONSISTENT)
    def put(self, changes, directorate):
        """Change some of a directorate's policy settings; the change is audited."""
        directorate = _name(directorate, "directorate", 100)
        actor = _actor()
        try:
            _bus().handle(SetPolicy(directorate, changes, actor))
        except PolicyInvalid as err:
            # Each field is in range (the schema saw to it): together with the settings the
            # directorate already has, they conflict.
            abort(409, message="The policy would be inconsistent.", messages={"json": err.problems})
        return policy_view(_bus().uow_factory(), directorate)


@blp.route("/policies/<directorate>/audit", parameters=[DIRECTORATE])
class PolicyAudit(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.response(200, s.AuditEntrySchema(many=True))
    def get(self, directorate):
        """Every change to a directorate's policy: who, when, old and new."""
        return policy_audit(_bus().uow_factory(), _name(directorate, "directorate", 100))


@blp.route("/organisation-policies/<organisation>", parameters=[ORGANISATION])
class OrganisationPolicy(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.response(200, s.OrganisationPolicyViewSchema)
    def get(self, organisation):
        """Show an organisation's policy (over the defaults) and its overrides."""
        return organisation_policy_view(_bus().uow_factory(), _organisation(organisation))

    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(s.PolicySchema)
    @blp.response(200, s.OrganisationPolicyViewSchema)
    @blp.alt_response(409, description=INCONSISTENT + ", also for one of its directorates")
    def put(self, changes, organisation):
        """Change some of an organisation's policy settings; the change is audited."""
        organisation, actor = _organisation(organisation), _actor()
        try:
            _bus().handle(SetOrganisationPolicy(organisation, changes, actor))
        except PolicyInvalid as err:
            abort(409, message="The policy would be inconsistent.", messages={"json": err.problems})
        return organisation_policy_view(_bus().uow_factory(), organisation)


@blp.route("/organisation-policies/<organisation>/audit", parameters=[ORGANISATION])
class OrganisationPolicyAudit(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.response(200, s.OrganisationAuditEntrySchema(many=True))
    def get(self, organisation):
        """Every change to an organisation's policy: who, when, old and new."""
        return organisation_policy_audit(_bus().uow_factory(), _organisation(organisation))


@blp.route("/opt-outs")
class OptOuts(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(s.OptOutSchema)
    @blp.response(200, s.OptOutResultSchema)
    def post(self, args):
        """Opt a requester out of all surveys."""
        changed = _bus().handle(OptOutRequester(args["requester_id"]))
        return {"requester_id": args["requester_id"], "opted_out": True, "changed": changed}


@blp.route("/opt-outs/<requester_id>", parameters=[s.path_name("requester_id", 200)])
class OptIn(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.response(200, s.OptOutResultSchema)
    def delete(self, requester_id):
        """Opt a requester back in."""
        requester_id = _name(requester_id, "requester_id", 200)
        changed = _bus().handle(OptInRequester(requester_id))
        return {"requester_id": requester_id, "opted_out": False, "changed": changed}


@blp.route("/stats")
class Stats(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(s.StatsQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, s.StatsRowSchema(many=True))
    def get(self, args):
        """Count invited, sent, answered and bounced per directorate and period."""
        with _bus().sessions() as session:
            return queries.counts(session, **args)
