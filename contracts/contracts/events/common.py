"""Field helpers every event schema uses, so types stay consistent across topics."""
from datetime import timezone

from marshmallow import EXCLUDE, Schema, fields, validate

SCORES = validate.Range(min=1, max=5)
RESOLVED_ANSWERS = ("yes", "no", "not_sure")


class EventSchema(Schema):
    """Base for event payloads: unknown fields are ignored on load (tolerant readers)."""

    class Meta:
        unknown = EXCLUDE
        ordered = True


def timestamp(**kwargs) -> fields.AwareDateTime:
    return fields.AwareDateTime(default_timezone=timezone.utc, **kwargs)


def text(max_len: int = 200, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=max_len), **kwargs)


def required_text(max_len: int = 200) -> fields.String:
    return fields.String(required=True, validate=validate.Length(min=1, max=max_len))


class CohortFields(EventSchema):
    """Where a ticket sits in the organisation: what rollups group by."""

    directorate = required_text(100)
    service = text(100, load_default=None, allow_none=True)
    category = text(100, load_default=None, allow_none=True)
    team = text(100, load_default=None, allow_none=True)
