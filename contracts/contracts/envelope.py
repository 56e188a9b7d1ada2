"""The JSON envelope every message travels in; producers dump strictly, consumers load tolerantly."""
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

import orjson
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from contracts.errors import InvalidEvent
from contracts.fastpath import load as _load, quick_dump
from contracts.registry import schema_for, spec_for
from contracts.text import NAME


class EnvelopeSchema(Schema):
    class Meta:
        unknown = EXCLUDE
        ordered = True

    event_id = fields.UUID(required=True)
    event_type = fields.String(required=True, validate=validate.Length(min=1, max=100))
    schema_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True, default_timezone=timezone.utc)
    producer = fields.String(required=True, validate=[validate.Length(min=1, max=100), NAME],
                             metadata={"pattern": NAME.pattern})
    data = fields.Dict(required=True)


_ENVELOPE = EnvelopeSchema()


@dataclass(frozen=True)
class Envelope:
    event_type: str
    data: dict
    producer: str
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    schema_version: int = 1

    @property
    def topic(self) -> str:
        return spec_for(self.event_type).topic

    @property
    def key(self) -> str | None:
        spec = spec_for(self.event_type)
        value = self.data.get(spec.key_field)
        if value is None and spec.fallback_key_field:
            value = self.data.get(spec.fallback_key_field)
        return None if value is None else str(value)


def make_envelope(event_type: str, data: dict, producer: str, *, validate: bool = True,
                  **kwargs) -> Envelope:
    """Validate `data` against its event schema and wrap it; raises InvalidEvent.

    validate=False skips the load for data a producer builds field by field from its own typed,
    already-validated values (every field present, in its loaded type); the producer must have a
    test that such events pass the schema. encode still dumps through the schema.
    """
    spec = spec_for(event_type)
    if not validate:
        return Envelope(event_type, data, producer, schema_version=spec.version, **kwargs)
    try:
        loaded = _load(schema_for(event_type), data, unknown="raise")
    except ValidationError as err:
        raise InvalidEvent(f"invalid {event_type}", err.messages) from None
    return Envelope(event_type, loaded, producer, schema_version=spec.version, **kwargs)


def to_dict(envelope: Envelope) -> dict:
    return quick_dump(_ENVELOPE, {
        "event_id": envelope.event_id,
        "event_type": envelope.event_type,
        "schema_version": envelope.schema_version,
        "occurred_at": envelope.occurred_at,
        "producer": envelope.producer,
        "data": quick_dump(schema_for(envelope.event_type), envelope.data),
    })


def encode(envelope: Envelope) -> bytes:
    """Compact UTF-8 JSON (orjson; marshmallow error dicts may have int keys, written as text)."""
    return orjson.dumps(to_dict(envelope), option=orjson.OPT_NON_STR_KEYS)


def decode(raw: bytes | str | dict) -> Envelope:
    """Parse and validate one message; raises InvalidEvent with field messages."""
    try:
        doc = raw if isinstance(raw, dict) else orjson.loads(raw)
    except (ValueError, UnicodeDecodeError) as err:  # orjson.JSONDecodeError is a ValueError
        raise InvalidEvent(f"not JSON: {err}", {"_schema": ["Not valid JSON."]}) from None
    try:
        env = _load(_ENVELOPE, doc)
        data = _load(schema_for(env["event_type"]), env["data"])
    except ValidationError as err:
        raise InvalidEvent("invalid event", err.messages) from None
    return Envelope(env["event_type"], data, env["producer"], event_id=str(env["event_id"]),
                    occurred_at=env["occurred_at"], schema_version=env["schema_version"])
