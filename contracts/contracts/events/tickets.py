from marshmallow import fields, validate

from contracts.events.common import CohortFields, EventSchema, required_text, text, timestamp


class Requester(EventSchema):
    id = required_text(200)
    email = fields.Email(load_default=None, allow_none=True)
    name = text(200, load_default=None, allow_none=True)


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


class TicketReopened(EventSchema):
    ticket_id = required_text(100)
    resolution = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    reopened_at = timestamp(required=True)
