"""The personal-data lifecycle's requests: they carry subject hashes and ids, never an address."""
from marshmallow import fields, validate

from contracts.events.common import EventSchema, required_text, timestamp
from contracts.text import NAME

SUBJECT = 64  # chassis.auth.address_hash: hex SHA-256


def _ids(max_len: int) -> fields.List:
    return fields.List(fields.String(validate=[validate.Length(min=1, max=max_len), NAME],
                                     metadata={"pattern": NAME.pattern}),
                       load_default=list)


class ErasureRequested(EventSchema):
    """Forget these people: their subjects (chassis.privacy.subject_of) and invitation ids."""

    request_id = required_text(64)
    subjects = _ids(SUBJECT)
    invitation_ids = _ids(64)
    requested_at = timestamp(required=True)


class ErasureCompleted(EventSchema):
    """One service has erased or anonymised what it held for a request, with counts per kind."""

    request_id = required_text(64)
    service = required_text(100)
    completed_at = timestamp(required=True)
    counts = fields.Dict(keys=fields.String(validate=NAME), values=fields.Integer(strict=True),
                         load_default=dict)
