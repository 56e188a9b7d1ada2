"""API request and response shapes (marshmallow at the edge only)."""
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from contracts import fastpath
from contracts.questions import MAX_TEXT_ANSWER
from contracts.text import FREE_TEXT, NAME

from ingest_svc.domain.model import MAX_COMMENT, RESOLVED_LABELS


class QuickLoad:
    """Schema.load through contracts' quick path (the schema's own fields and validators, without
    marshmallow's per-call machinery: ~3x faster); anything it cannot settle, every rejection
    included, goes through marshmallow's full load, so errors and messages are unchanged."""

    def load(self, data, *, many=None, partial=None, unknown=None):
        if not many and partial is None:
            return fastpath.load(self, data, unknown=unknown, full=super().load)
        return super().load(data, many=many, partial=partial, unknown=unknown)


def _text(rule, length: validate.Length, *more, **kwargs) -> fields.String:
    """A string checked by contracts' rule (NAME: one line, no control characters; FREE_TEXT),
    so what the events would refuse is a 400 naming the field here, never a 500 later."""
    metadata = {"pattern": rule.pattern, **kwargs.pop("metadata", {})}
    return fields.String(validate=[length, rule, *more], metadata=metadata, **kwargs)


def _name(max_len: int, *more, min_len: int = 0, **kwargs) -> fields.String:
    return _text(NAME, validate.Length(min=min_len, max=max_len), *more, **kwargs)


OPTIONAL = {"load_default": None, "allow_none": True}
# The survey's own channels: an answer from another system never passes for one of them.
SURVEY_CHANNELS = ("email_link", "email_reply")


class WholeNumber(fields.Integer):
    """An integer, also written 4.0 (an integer to JSON Schema); never "4", 4.5 or true."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super()._deserialize(value, attr, data, **kwargs)


class AnswerValue(fields.Field):
    """A scale point (a whole number), a choice's option id or a short text."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if type(value) is int:  # its range is the question's: a 422 from the set check
            return value
        if isinstance(value, str) and len(value) <= MAX_TEXT_ANSWER:
            return value
        raise ValidationError(f"Must be a whole number, or text of at most {MAX_TEXT_ANSWER} "
                              "characters.")


class AnswerIn(Schema):
    """One answer to an extra question of the invitation's question set."""

    class Meta:
        unknown = RAISE

    question_id = _name(40, min_len=1, required=True)
    value = AnswerValue(required=True, metadata={"type": ["integer", "string"],
                                                 "maxLength": MAX_TEXT_ANSWER})


class ResponseIn(QuickLoad, Schema):
    class Meta:
        unknown = RAISE

    score = WholeNumber(required=True, strict=True, validate=validate.Range(min=1, max=5))
    resolved = fields.String(load_default=None, allow_none=True,
                             validate=validate.OneOf(list(RESOLVED_LABELS)))
    comment = _text(FREE_TEXT, validate.Length(max=MAX_COMMENT), **OPTIONAL)
    directorate = _name(100, min_len=1, **OPTIONAL, metadata={
        "description": "required unless invitation_id is given (then the invitation's is used)"})
    service = _name(100, **OPTIONAL)
    category = _name(100, **OPTIONAL)
    team = _name(100, **OPTIONAL)
    invitation_id = fields.String(load_default=None, allow_none=True,
                                  validate=validate.Regexp(r"^[0-9a-f]{32}$"))
    ticket_id = _name(100, **OPTIONAL)
    language = _name(10, min_len=2, load_default="en")
    # The extra questions of the invitation's question set (contracts.questions), if it has one.
    answers = fields.List(fields.Nested(AnswerIn), load_default=list,
                          validate=validate.Length(max=10))
    channel = _name(50, validate.NoneOf(
        SURVEY_CHANNELS, error="The survey's own channels ({values}) are not for other systems."), min_len=1, **OPTIONAL)

    def load(self, data, **kwargs):
        return placed(super().load(data, **kwargs))


def placed(answer: dict) -> dict:
    """An answer that names no invitation must say where it belongs (a hook would cost the
    quick path, so the one cross-field rule runs after either path)."""
    if answer.get("invitation_id") is None and answer.get("directorate") is None:
        raise ValidationError({"directorate": ["Required unless the answer names its invitation_id."]})
    return answer


class BatchLineIn(ResponseIn):
    idempotency_key = _name(200, min_len=1, **OPTIONAL)


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
    # bounded by the id column's 64-bit range: a larger number is a 400, not an overflow
    cursor = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**63 - 1), metadata={
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
