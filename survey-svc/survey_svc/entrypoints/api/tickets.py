"""The ITSM webhook: one resolved or reopened ticket, signed with WEBHOOK_SECRET.

`X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` (chassis.auth.sign_webhook),
within five minutes of our clock, so a captured delivery cannot be replayed later.
"""
from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from chassis.auth import webhook_signature_valid
from survey_svc.adapters.tickets import ticket_from_data
from survey_svc.domain.commands import ReopenTicket, ResolveTicket
from survey_svc.entrypoints.api.schemas import IntakeResultSchema, TicketResolvedSchema

blp = Blueprint("tickets", __name__, url_prefix="/v1/tickets",
                description="Resolved tickets from the ITSM tool")


@blp.before_request
def verify_signature():
    # Read the body first: an oversized one answers 413 before anything else.
    body = request.get_data(cache=True)
    bus = current_app.extensions["bus"]
    settings = bus.settings
    if not webhook_signature_valid(
            settings.webhook_secret, body, request.headers.get("X-Signature"),
            bus.clock.now().timestamp(),
            allow_body_only=settings.webhook_allow_body_only_signature):
        abort(401, message="Missing, wrong or expired X-Signature (t=<unix>,v1=<hex>).")


@blp.route("/resolved")
class Resolved(MethodView):
    @blp.doc(parameters=[{"in": "header", "name": "X-Signature", "required": True,
                          "description": "t=<unix seconds>,v1=<hex HMAC-SHA256 of t.body>",
                          "schema": {"type": "string"}}])
    @blp.arguments(TicketResolvedSchema)
    @blp.response(202, IntakeResultSchema)
    @blp.alt_response(401, description="Unsigned, wrongly signed or expired signature")
    @blp.alt_response(413, description="Body too large")
    @blp.alt_response(429, description="Too many requests: retry after Retry-After seconds")
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
