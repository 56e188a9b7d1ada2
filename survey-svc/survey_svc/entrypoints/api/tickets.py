"""The ITSM webhook: one resolved or reopened ticket, signed with WEBHOOK_SECRET."""
import hashlib
import hmac

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from survey_svc.adapters.tickets import ticket_from_data
from survey_svc.entrypoints.api.schemas import IntakeResultSchema, TicketResolvedSchema
from survey_svc.service_layer import intake

blp = Blueprint("tickets", __name__, url_prefix="/v1/tickets",
                description="Resolved tickets from the ITSM tool")


@blp.before_request
def verify_signature():
    # Read the body first: an oversized one answers 413 before anything else.
    body = request.get_data(cache=True)
    secret = current_app.config["SETTINGS"].webhook_secret.encode()
    expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(request.headers.get("X-Signature", ""), expected):
        abort(401, message="Missing or wrong X-Signature.")


@blp.route("/resolved")
class Resolved(MethodView):
    @blp.arguments(TicketResolvedSchema)
    @blp.response(202, IntakeResultSchema)
    @blp.alt_response(401, description="Unsigned or wrongly signed")
    @blp.alt_response(413, description="Body too large")
    def post(self, data):
        """Take one resolved (or reopened) ticket."""
        services = current_app.extensions["survey"]
        ticket = ticket_from_data(data)
        result = {"ticket_id": ticket.ticket_id, "resolution": ticket.resolution}
        if data.get("reopened"):
            cancelled = intake.reopen_ticket(services.uow(), services.clock, ticket.ticket_id,
                                             ticket.resolution)
            return {**result, "surveyed": False, "reason": "reopened", "cancelled": cancelled}
        outcome = intake.resolve_ticket(services.uow(), services.clock, ticket)
        return {**result, "surveyed": outcome.surveyed, "reason": outcome.reason,
                "invitation_id": outcome.invitation_id, "duplicate": outcome.duplicate}
