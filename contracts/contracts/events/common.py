"""Field helpers every event schema uses, so types stay consistent across topics."""
from datetime import timezone

from marshmallow import EXCLUDE, Schema, fields, validate

from contracts.text import FREE_TEXT, NAME, NoControlCharacters

SCORES = validate.Range(min=1, max=5)
RESOLVED_ANSWERS = ("yes", "no", "not_sure")


class EventSchema(Schema):
    """Base for event payloads: unknown fields are ignored on load (tolerant readers)."""

    class Meta:
        unknown = EXCLUDE
        ordered = True


def timestamp(**kwargs) -> fields.AwareDateTime:
    return fields.AwareDateTime(default_timezone=timezone.utc, **kwargs)


def _string(length: validate.Length, rule: NoControlCharacters | None, **kwargs) -> fields.String:
    if rule is None:
        return fields.String(validate=length, **kwargs)
    return fields.String(validate=[length, rule], metadata={"pattern": rule.pattern}, **kwargs)


def text(max_len: int = 200, **kwargs) -> fields.String:
    """A name, id or label: one line, no control characters."""
    return _string(validate.Length(max=max_len), NAME, **kwargs)


def required_text(max_len: int = 200) -> fields.String:
    return _string(validate.Length(min=1, max=max_len), NAME, required=True)


def free_text(max_len: int, **kwargs) -> fields.String:
    """A comment or a reason: line breaks and tabs kept, other control characters refused."""
    return _string(validate.Length(max=max_len), FREE_TEXT, **kwargs)


def any_text(max_len: int, *, required: bool = False, **kwargs) -> fields.String:
    """Unchecked text, for the dead-letter topic only: it must keep whatever was refused."""
    return _string(validate.Length(min=1 if required else 0, max=max_len), None,
                   required=required, **kwargs)


def name_list() -> fields.List:
    return fields.List(fields.String(validate=NAME, metadata={"pattern": NAME.pattern}),
                       load_default=list)


class CohortFields(EventSchema):
    """Where a ticket sits in the organisation: what rollups group by."""

    directorate = required_text(100)
    service = text(100, load_default=None, allow_none=True)
    category = text(100, load_default=None, allow_none=True)
    team = text(100, load_default=None, allow_none=True)
