"""The API channel: single answers and NDJSON batches from phone, kiosk and chat systems."""
from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from chassis.kafka import PublishError

from ingest_svc.domain import commands
from ingest_svc.domain.model import Answer, Cohort, Invitation
from ingest_svc.entrypoints.api import batch
from ingest_svc.entrypoints.api.auth import api_source
from ingest_svc.entrypoints.api.schemas import BatchOut, ReceiptOut, ResponseIn
from ingest_svc.service_layer.handlers import Conflict

blp = Blueprint("responses", __name__, url_prefix="/v1/responses",
                description="Answers from other source systems")
BATCH_MAX_BODY = 16 * 1024 * 1024
IDEMPOTENCY = {"Idempotency-Key": {"description": "Retry-safe key (max 200 chars)",
                                   "schema": {"type": "string"}}}


def to_command(body: dict, source: str, key: str | None) -> commands.SubmitAnswer:
    cohort = Cohort(body["directorate"], body["service"], body["category"], body["team"])
    invitation = Invitation(body["invitation_id"], cohort, body["ticket_id"], None,
                            body["language"])
    answer = Answer(body["score"], body["resolved"], body["comment"])
    return commands.SubmitAnswer(invitation, answer, body["channel"] or source, f"api:{source}", key)


def bus():
    return current_app.extensions["ingest"].bus


@blp.route("")
class Responses(MethodView):
    @blp.arguments(ResponseIn)
    @blp.response(202, ReceiptOut)
    @blp.doc(security=[{"bearerAuth": []}], parameters=[
        {"in": "header", "name": "Idempotency-Key", "required": False, "schema": {"type": "string"}}])
    def post(self, body):
        """Accept one answer; 202 once the broker (or the durable spool) has it."""
        source = api_source()
        key = request.headers.get("Idempotency-Key") or None
        if key is not None and len(key) > 200:
            abort(400, message="Idempotency-Key is too long.", errors={"Idempotency-Key": ["Longer than 200."]})
        try:
            receipt = bus().handle(to_command(body, source, key))
        except Conflict as err:
            abort(422, message=str(err))
        except (PublishError, OSError):
            abort(503, message="The answer could not be stored; retry with the same key.")
        return receipt


@blp.route("/batch")
class Batch(MethodView):
    @blp.response(200, BatchOut)
    @blp.doc(security=[{"bearerAuth": []}], requestBody={"content": {"application/x-ndjson": {
        "schema": {"type": "string", "description": "Up to 10,000 ResponseIn objects, one per line"}}}})
    def post(self):
        """Accept up to 10,000 NDJSON answers, one result per line."""
        source = api_source()
        request.max_content_length = BATCH_MAX_BODY
        try:
            return batch.run(request.get_data(cache=False), source, bus())
        except batch.TooManyLines as err:
            abort(413, message=str(err))
        except (PublishError, OSError):
            abort(503, message="The batch could not be stored; retry it (use idempotency keys).")
