from marshmallow import fields, validate

from contracts.events.common import CohortFields, EventSchema, required_text, text, timestamp
from contracts.organisations import organisation_field
from contracts.personal import sealable


class Requester(EventSchema):
    """Who raised the ticket: every field personal (sealed by a producer that holds the vault)."""

    id = sealable(required_text(200), 200)
    email = sealable(fields.Email(load_default=None, allow_none=True), 320)
    name = sealable(text(200, load_default=None, allow_none=True), 200)


class TicketResolved(CohortFields):
    ticket_id = required_text(100)
    resolution = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    resolved_at = timestamp(required=True)
    requester = fields.Nested(Requester, required=True)
    priority = text(50, load_default=None, allow_none=True)
    channel = text(50, load_default=None, allow_none=True)
    language = text(10, load_default="en")
    reopened = fields.Boolean(load_default=False)
    auto_closed = fields.Boolean(load_default=False)
    # Optional (#17): the organisation the ticket is for (a shared service desk serves several);
    # no default, so a ticket without one reads and writes as before.
    organisation = organisation_field()


class TicketReopened(EventSchema):
    ticket_id = required_text(100)
    resolution = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    reopened_at = timestamp(required=True)
