"""Push: each service desk's own webhook or automation payload, through its source's mapping.

POST /v1/tickets/resolved/<source>: the source (SURVEY_CONNECTORS_FILE) names the mapping and
the authentication; the mapped ticket goes through the same command and handler as our own
signed format on /v1/tickets/resolved.
"""
import json
from dataclasses import replace

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields

from chassis.auth import unauthorised
from survey_svc.connectors.auth import authenticated
from survey_svc.connectors.intake import MappingError, NotResolved, command_for
from survey_svc.domain.commands import ReopenTicket, ResolveTicket
from survey_svc.entrypoints.api.schemas import IntakeResultSchema, path_name

blp = Blueprint("push", __name__, url_prefix="/v1/tickets/resolved",
                description="Resolved tickets as each service desk sends them")
SOURCE = path_name("source", 50)
NATIVE_BODY = {"required": True, "description": (
    "The service desk's own JSON (ServiceNow record, Jira issue, Freshservice ticket, GLPI "
    "webhook...), as the source's mapping file reads it."),
    "content": {"application/json": {"schema": {"type": "object"}}}}
AUTH_HEADERS = [
    {"in": "header", "name": name, "required": False, "schema": {"type": "string"},
     "description": why} for name, why in (
        ("Authorization", "HTTP Basic, for a source with auth = basic"),
        ("X-Survey-Token", "The shared secret, for auth = header (the header name is configurable)"),
        ("X-Hub-Signature", "sha256=<hex HMAC-SHA256 of the body>, for auth = hmac"),
        ("X-GLPI-signature", "hex HMAC-SHA256 of body + X-GLPI-timestamp, for auth = glpi"),
        ("X-GLPI-timestamp", "unix seconds, for auth = glpi"),
        ("X-Signature", "t=<unix seconds>,v1=<hex>, for auth = signed"))]


class PushResultSchema(IntakeResultSchema):
    source = fields.String()


@blp.route("/<source>")
class Push(MethodView):
    @blp.doc(parameters=[SOURCE, *AUTH_HEADERS], requestBody=NATIVE_BODY)
    @blp.response(202, PushResultSchema)
    @blp.alt_response(401, description="Wrong or missing credentials for this source")
    @blp.alt_response(404, description="No push source of that name")
    @blp.alt_response(413, description="Body too large")
    @blp.alt_response(422, description="Not JSON, or a field the mapping cannot find (named)")
    @blp.alt_response(429, description="Too many requests: retry after Retry-After seconds")
    def post(self, source):
        """Take one resolved (or reopened) ticket in the service desk's own shape."""
        bus = current_app.extensions["bus"]
        body = request.get_data(cache=True)  # first: an oversized body is a 413
        src = bus.push_sources.get(source)
        if src is None:
            abort(404, message=f"No push source named {source!r}.")
        if not authenticated(src, request.headers, body, bus.clock.now().timestamp()):
            unauthorised(f"Wrong or missing credentials for source {source!r}.", f"push:{source}")
        try:
            command = command_for(src.mapping, _json(body))
        except NotResolved:
            return {"source": source, "surveyed": False, "reason": "not_resolved"}
        except MappingError as err:
            abort(422, message=f"Cannot make a ticket of this payload: {err}",
                  messages={err.field: [err.problem + _where(err)]})
        if isinstance(command, ResolveTicket):  # a tool we write back to: record through which
            command = replace(command, connector=src.writes_back_through(bus.connectors))
        return {"source": source, **_handled(bus, command)}


def _json(body: bytes):
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise MappingError("payload", None, "not JSON") from None


def _where(err: MappingError) -> str:
    return f" (expression {err.expression!r})" if err.expression else ""


def _handled(bus, command) -> dict:
    if isinstance(command, ReopenTicket):
        cancelled = bus.handle(command)
        return {"ticket_id": command.ticket_id, "resolution": command.resolution,
                "surveyed": False, "reason": "reopened", "cancelled": cancelled}
    outcome = bus.handle(command)
    return {"ticket_id": command.ticket.ticket_id, "resolution": command.ticket.resolution,
            "surveyed": outcome.surveyed, "reason": outcome.reason,
            "invitation_id": outcome.invitation_id, "duplicate": outcome.duplicate}
