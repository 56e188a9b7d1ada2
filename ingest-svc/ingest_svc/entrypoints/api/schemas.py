"""API request and response shapes (marshmallow at the edge only)."""
from marshmallow import RAISE, Schema, fields, validate

from contracts import fastpath

from ingest_svc.domain.model import MAX_COMMENT, RESOLVED_LABELS


class QuickLoad:
    """Schema.load through contracts' quick path (the schema's own fields and validators, without
    marshmallow's per-call machinery: ~3x faster); anything it cannot settle, every rejection
    included, goes through marshmallow's full load, so errors and messages are unchanged."""

    def load(self, data, *, many=None, partial=None, unknown=None):
        if not many and partial is None:
            return fastpath.load(self, data, unknown=unknown, full=super().load)
        return super().load(data, many=many, partial=partial, unknown=unknown)


class ResponseIn(QuickLoad, Schema):
    class Meta:
        unknown = RAISE

    score = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    resolved = fields.String(load_default=None, allow_none=True,
                             validate=validate.OneOf(list(RESOLVED_LABELS)))
    comment = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(max=MAX_COMMENT))
    directorate = fields.String(required=True, validate=validate.Length(min=1, max=100))
    service = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    category = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    team = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    invitation_id = fields.String(load_default=None, allow_none=True,
                                  validate=validate.Regexp(r"^[0-9a-f]{32}$"))
    ticket_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    language = fields.String(load_default="en", validate=validate.Length(min=2, max=10))
    channel = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(min=1, max=50))


class BatchLineIn(ResponseIn):
    idempotency_key = fields.String(load_default=None, allow_none=True,
                                    validate=validate.Length(min=1, max=200))


class ReceiptOut(Schema):
    response_id = fields.String()
    version = fields.Integer()
    delivery = fields.String(metadata={"description": "published (broker confirmed) or spooled"})
    replayed = fields.Boolean(metadata={"description": "true when an idempotency key matched"})


class BatchLineOut(Schema):
    line = fields.Integer()
    status = fields.String(metadata={"description": "accepted or rejected"})
    response_id = fields.String()
    version = fields.Integer()
    errors = fields.Dict()


class BatchOut(Schema):
    accepted = fields.Integer()
    rejected = fields.Integer()
    delivery = fields.String()
    results = fields.List(fields.Nested(BatchLineOut))


class UnmatchedQuery(Schema):
    cursor = fields.Integer(load_default=None, validate=validate.Range(min=1), metadata={
        "description": "next_cursor of the previous page"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class UnmatchedReplyOut(Schema):
    id = fields.Integer()
    invitation_id = fields.String(allow_none=True)
    reason = fields.String(metadata={"description": "why it could not be recorded"})
    via = fields.String(metadata={"description": "inbound-webhook or smtp"})
    received_at = fields.DateTime()
    sender = fields.String(metadata={"description": "the From header (personal data)"})
    subject = fields.String()
    text = fields.String(metadata={"description": "the plain-text body (first 20,000 characters)"})


class UnmatchedPageOut(Schema):
    items = fields.List(fields.Nested(UnmatchedReplyOut))
    next_cursor = fields.Integer(allow_none=True, metadata={"description": "null on the last page"})


class InboundOut(Schema):
    status = fields.String(metadata={"description": "recorded or kept_for_review"})
    response_id = fields.String()
    version = fields.Integer()
