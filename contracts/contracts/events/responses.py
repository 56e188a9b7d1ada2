from marshmallow import fields, validate

from contracts.events.common import (RESOLVED_ANSWERS, SCORES, CohortFields, EventSchema,
                                     any_text, free_text, required_text, text, timestamp)
from contracts.personal import sealable

MAX_COMMENT = 1200


class ResponseSubmitted(CohortFields):
    """One answer, version 1; an amendment carries the same response_id and a higher version."""

    response_id = required_text(64)
    invitation_id = text(64, load_default=None, allow_none=True)
    ticket_id = text(100, load_default=None, allow_none=True)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    score = fields.Integer(required=True, strict=True, validate=SCORES)
    resolved = fields.String(load_default=None, allow_none=True,
                             validate=validate.OneOf(RESOLVED_ANSWERS))
    comment = sealable(free_text(MAX_COMMENT, load_default=None, allow_none=True), MAX_COMMENT)
    channel = required_text(50)
    source = text(100, load_default=None, allow_none=True)
    language = text(10, load_default="en")
    submitted_at = timestamp(required=True)
    # Who answered, when ingest-svc knows (chassis.privacy.subject_of): erasure finds it by this.
    subject = text(64, load_default=None, allow_none=True)


class ResponseAmended(ResponseSubmitted):
    pass


class MessageRejected(EventSchema):
    """Anything that failed validation, kept with the reason (the DLQ)."""

    # unchecked: the message was refused, maybe for these very characters, and must still land
    topic = any_text(200, required=True)
    key = any_text(500, load_default=None, allow_none=True)
    value = fields.String(required=True, validate=validate.Length(max=1_000_000))
    reason = any_text(2000, required=True)
    errors = fields.Dict(load_default=dict)
    rejected_by = required_text(100)


class OptOutRequested(EventSchema):
    """A person asked, from a survey link, never to be surveyed again; survey-svc acts on it."""

    invitation_id = required_text(64)
    requested_at = timestamp(required=True)
    channel = required_text(50)
