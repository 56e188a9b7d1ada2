"""The ITSM webhook: one resolved or reopened ticket, signed with WEBHOOK_SECRET."""
from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from chassis.auth import signature_valid
from survey_svc.adapters.tickets import ticket_from_data
from survey_svc.domain.commands import ReopenTicket, ResolveTicket
from survey_svc.entrypoints.api.schemas import IntakeResultSchema, TicketResolvedSchema

blp = Blueprint("tickets", __name__, url_prefix="/v1/tickets",
                description="Resolved tickets from the ITSM tool")


@blp.before_request
def verify_signature():
    # Read the body first: an oversized one answers 413 before anything else.
    body = request.get_data(cache=True)
    secret = current_app.extensions["bus"].settings.webhook_secret
    if not signature_valid(secret, body, request.headers.get("X-Signature")):
        abort(401, message="Missing or wrong X-Signature.")


@blp.route("/resolved")
class Resolved(MethodView):
    @blp.arguments(TicketResolvedSchema)
    @blp.response(202, IntakeResultSchema)
    @blp.alt_response(401, description="Unsigned or wrongly signed")
    @blp.alt_response(413, description="Body too large")
    def post(self, data):
        """Take one resolved (or reopened) ticket."""
        bus = current_app.extensions["bus"]
        ticket = ticket_from_data(data)
        result = {"ticket_id": ticket.ticket_id, "resolution": ticket.resolution}
        if data.get("reopened"):
            cancelled = bus.handle(ReopenTicket(ticket.ticket_id, ticket.resolution))
            return {**result, "surveyed": False, "reason": "reopened", "cancelled": cancelled}
        outcome = bus.handle(ResolveTicket(ticket))
        return {**result, "surveyed": outcome.surveyed, "reason": outcome.reason,
                "invitation_id": outcome.invitation_id, "duplicate": outcome.duplicate}
