"""The API channel: single answers and NDJSON batches from phone, kiosk and chat systems."""
import logging

from flask import current_app, g, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from werkzeug.exceptions import BadRequest

from chassis.web import error_response

from ingest_svc.domain import commands
from ingest_svc.entrypoints.api import batch
from ingest_svc.entrypoints.api.auth import api_source
from ingest_svc.entrypoints.api.schemas import BatchOut, ReceiptOut, ResponseIn
from ingest_svc.entrypoints.api.translate import to_command
from ingest_svc.service_layer.answers import Conflict, InvitationMismatch

blp = Blueprint("responses", __name__, url_prefix="/v1/responses",
                description="Answers from other source systems")
log = logging.getLogger(__name__)
BATCH_MAX_BODY = 16 * 1024 * 1024
# An instance, not the class: webargs would build (deep-copy) a schema on every request.
RESPONSE_IN = ResponseIn()


def bus():
    return current_app.extensions["bus"]


def dead_letter_invalid(err: BadRequest):
    """An answer that failed validation: 400 with field messages, and kept on the DLQ."""
    messages = (getattr(err, "data", None) or {}).get("messages")
    if messages:
        try:
            bus().handle(commands.DeadLetterInput(((request.get_data(cache=True), messages),),
                                                  "invalid body for POST /v1/responses"))
        except Exception:  # the caller's 400 matters more than the DLQ copy
            log.warning("could not dead-letter an invalid answer")
    said = (getattr(err, "data", None) or {}).get("message")  # a view's own abort(400, message=...)
    return error_response(400, said or "The answer is not valid.", messages)


@blp.route("")
class Responses(MethodView):
    @blp.arguments(RESPONSE_IN)
    @blp.response(202, ReceiptOut)
    @blp.doc(security=[{"bearerAuth": []}], parameters=[
        {"in": "header", "name": "Idempotency-Key", "required": False, "schema": {"type": "string"}}])
    def post(self, body):
        """Accept one answer; 202 once the broker (or the durable spool) has it."""
        key = request.headers.get("Idempotency-Key") or None
        if key is not None and len(key) > 200:
            abort(400, message="Idempotency-Key is too long.", messages={"headers": {"Idempotency-Key": ["Longer than 200."]}})
        try:
            return bus().handle(to_command(body, g.api_source, key))
        except Conflict as err:
            abort(422, message=str(err))
        except InvitationMismatch as err:
            abort(422, message=str(err), messages={"json": err.errors})


@blp.route("/batch")
class Batch(MethodView):
    @blp.response(200, BatchOut)
    @blp.doc(security=[{"bearerAuth": []}], requestBody={"required": True, "content": {"application/x-ndjson": {
        "schema": {"type": "string", "pattern": r"\S",
                   "description": "1 to 10,000 ResponseIn objects, one per line"}}}})
    def post(self):
        """Accept up to 10,000 NDJSON answers, one result per line."""
        request.max_content_length = BATCH_MAX_BODY
        try:
            return batch.run(request.get_data(cache=False), g.api_source, bus())
        except batch.TooManyLines as err:
            abort(413, message=str(err))
        except batch.EmptyBatch as err:
            abort(400, message=str(err))


def document_placement(spec) -> None:
    """Say in the OpenAPI document what placed() checks: an answer names its invitation or its
    directorate (a fuzzer reading the document then sends only well-formed answers)."""
    either = [{"required": [name], "properties": {name: {"type": "string"}}}
              for name in ("directorate", "invitation_id")]
    for name in ("ResponseIn", "BatchLineIn"):
        if name in spec.components.schemas:
            spec.components.schemas[name]["anyOf"] = either


def authenticate() -> None:
    """Before parsing: only a known source system's invalid answers reach the DLQ."""
    g.api_source = api_source()


blp.before_request(authenticate)
blp.register_error_handler(BadRequest, dead_letter_invalid)
