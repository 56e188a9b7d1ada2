from marshmallow import ValidationError, fields, validate

from contracts.events.common import (RESOLVED_ANSWERS, SCORES, CohortFields, EventSchema,
                                     any_text, free_text, required_text, text, timestamp)
from contracts.organisations import organisation_field
from contracts.personal import sealable
from contracts.text import NAME as NAME_RULE

MAX_COMMENT = 1200
# The extra questions' short texts, as one JSON object {question_id: text}: one personal field,
# sealed like the comment (three at most, MAX_TEXT_ANSWER characters each, 2000 once escaped).
MAX_TEXT_ANSWERS = 2000


class AnswerValue(fields.Field):
    """A scale point (NPS 0-10, CES 1-7) or a choice's option id."""

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is int and -1000 < value < 1000:
            return value
        if isinstance(value, str) and 0 < len(value) <= 40 and NAME_RULE(value):
            return value
        raise ValidationError("Must be a whole number or an option id.")


class Answer(EventSchema):
    """One extra question's answer (contracts.questions)."""

    question_id = required_text(40)
    value = AnswerValue(required=True, metadata={"type": ["integer", "string"]})


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
    # Version 2 (optional): the question set the invitation was sent with ("<name>@<version>"),
    # the extra questions' answers, and their short texts (personal, sealed).
    question_set = text(60, load_default=None, allow_none=True)
    answers = fields.List(fields.Nested(Answer), load_default=list,
                          validate=validate.Length(max=10))
    text_answers = sealable(free_text(MAX_TEXT_ANSWERS, load_default=None, allow_none=True),
                            MAX_TEXT_ANSWERS)
    # Who answered, when ingest-svc knows (chassis.privacy.subject_of): erasure finds it by this.
    subject = text(64, load_default=None, allow_none=True)
    # Optional (#17): the invitation's organisation, when it had one.
    organisation = organisation_field()


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
