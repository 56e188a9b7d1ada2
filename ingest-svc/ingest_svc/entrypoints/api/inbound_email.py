"""Email replies posted by a mail provider's inbound webhook (raw RFC 5322 message)."""
from flask import current_app, request
from jinja2.utils import htmlsafe_json_dumps
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE

from chassis.privacy.audit_api import audit_read

from ingest_svc import views
from ingest_svc.domain import commands
from ingest_svc.entrypoints.api.auth import admin_allowed, inbound_allowed
from ingest_svc.entrypoints.api.schemas import InboundOut, UnmatchedPageOut, UnmatchedQuery

blp = Blueprint("inbound_email", __name__, url_prefix="/v1/inbound-email",
                description="Email replies from a mail provider's inbound webhook")
MAX_MESSAGE = 10 * 1024 * 1024
# Field names of the raw MIME message in common providers' inbound webhooks.
RAW_FIELDS = ("email", "body-mime", "RawEmail", "raw", "message")
RECIPIENT_FIELDS = ("to", "recipient", "envelope_to")


def raw_message() -> tuple[bytes, tuple[str, ...]]:
    mimetype = request.mimetype
    if mimetype in ("message/rfc822", "text/plain", "application/octet-stream"):
        return request.get_data(), ()
    if mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for name in RAW_FIELDS:
            if name in request.files:
                return request.files[name].read(), _recipients()
            if name in request.form:
                return request.form[name].encode("utf-8", "surrogateescape"), _recipients()
        abort(400, message="No raw message found.", messages={"form": {"email": ["Missing raw MIME field."]}})
    if mimetype == "application/json":
        doc = request.get_json(silent=True) or {}
        raw = doc.get("RawEmail") or doc.get("raw") or doc.get("email")
        if isinstance(raw, str) and raw:
            return raw.encode("utf-8"), tuple(str(doc.get(k)) for k in RECIPIENT_FIELDS if doc.get(k))
        abort(400, message="No raw message found.", messages={"body": {"raw": ["Missing raw MIME text."]}})
    abort(415, message="Send message/rfc822, multipart/form-data or JSON with the raw message.")


def _recipients() -> tuple[str, ...]:
    return tuple(request.form[k] for k in RECIPIENT_FIELDS if request.form.get(k))


@blp.route("")
class InboundEmail(MethodView):
    @blp.response(202, InboundOut)
    @blp.doc(security=[{"bearerAuth": []}], requestBody={"required": True, "content": {
        "message/rfc822": {"schema": {"type": "string"}},
        "multipart/form-data": {"schema": {"type": "object", "required": ["email"], "properties": {
            "email": {"type": "string"}, "to": {"type": "string"}}}}}})
    def post(self):
        """Record a reply's rating, or keep the reply for review when it cannot be matched."""
        inbound_allowed()
        request.max_content_length = MAX_MESSAGE
        raw, recipients = raw_message()
        receipt = current_app.extensions["bus"].handle(
            commands.IngestEmailReply(raw, "inbound-webhook", recipients))
        if receipt is None:
            return {"status": "kept_for_review"}
        return {"status": "recorded", "response_id": receipt.response_id, "version": receipt.version}


@blp.before_request
def admin_for_review() -> None:
    """Before the query is parsed: nobody but an admin learns anything from this endpoint."""
    if request.endpoint == f"{blp.name}.UnmatchedReplies":
        admin_allowed()


@blp.route("/unmatched")
class UnmatchedReplies(MethodView):
    @blp.arguments(UnmatchedQuery, location="query", unknown=RAISE)
    @blp.response(200, UnmatchedPageOut)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, args):
        """Replies kept for review, newest first (admin token only: they hold personal data)."""
        limit = args["limit"]
        items = views.unmatched_replies(limit + 1, args["cursor"],
                                        current_app.extensions["bus"].uow_factory())
        page = {"items": items[:limit], "next_cursor": items[limit - 1]["id"] if len(items) > limit else None}
        audit_read("unmatched_replies.list", rows=len(page["items"]), target="unmatched_replies")
        # <, > and & as JSON escapes: the message text can never be read as markup.
        return current_app.response_class(htmlsafe_json_dumps(UnmatchedPageOut().dump(page)),
                                          mimetype="application/json")
