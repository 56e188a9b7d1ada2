"""Request and response shapes of the HTTP API."""
from marshmallow import Schema, fields, validate

from contracts.events.tickets import TicketResolved
from survey_svc.domain.policy import Policy

_DEFAULTS = Policy()


class TicketResolvedSchema(TicketResolved):
    """The webhook body: the `ticket.resolved` event payload (reopened: true for a reopen)."""


class IntakeResultSchema(Schema):
    ticket_id = fields.String()
    resolution = fields.Integer()
    surveyed = fields.Boolean()
    reason = fields.String(allow_none=True)
    invitation_id = fields.String(allow_none=True)
    duplicate = fields.Boolean()
    cancelled = fields.Integer()


class InvitationSchema(Schema):
    id = fields.String()
    ticket_id = fields.String()
    resolution = fields.Integer()
    requester_id = fields.String()
    directorate = fields.String()
    status = fields.String()
    due_at = fields.DateTime()
    expires_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    reminded_at = fields.DateTime(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    attempts = fields.Integer()


class InvitationQuerySchema(Schema):
    ticket_id = fields.String(validate=validate.Length(min=1, max=100))
    requester_id = fields.String(validate=validate.Length(min=1, max=200))


class PolicySchema(Schema):
    """Every field optional on PUT: only the given ones change."""

    sampling_rate = fields.Float(validate=validate.Range(min=0, max=100))
    throttle_days = fields.Integer(validate=validate.Range(min=0, max=3650))
    delay_minutes = fields.Integer(validate=validate.Range(min=0, max=43200))
    reminder_days = fields.Integer(validate=validate.Range(min=0, max=365))
    expiry_days = fields.Integer(validate=validate.Range(min=1, max=365))
    excluded_categories = fields.List(fields.String(validate=validate.Length(max=100)))
    test_accounts = fields.List(fields.String(validate=validate.Length(max=320)))
    exclude_auto_closed = fields.Boolean()


class PolicyViewSchema(Schema):
    directorate = fields.String()
    effective = fields.Nested(PolicySchema)
    overrides = fields.Dict()


class AuditEntrySchema(Schema):
    directorate = fields.String()
    changed_at = fields.DateTime()
    changed_by = fields.String()
    old = fields.Dict(allow_none=True)
    new = fields.Dict(allow_none=True)


class OptOutSchema(Schema):
    requester_id = fields.String(required=True, validate=validate.Length(min=1, max=200))


class OptOutResultSchema(Schema):
    requester_id = fields.String()
    opted_out = fields.Boolean()
    changed = fields.Boolean()


class StatsQuerySchema(Schema):
    since = fields.AwareDateTime(load_default=None)
    until = fields.AwareDateTime(load_default=None)
    directorate = fields.String(load_default=None, validate=validate.Length(max=100))


class StatsRowSchema(Schema):
    directorate = fields.String()
    invited = fields.Integer()
    sent = fields.Integer()
    answered = fields.Integer()
    bounced = fields.Integer()
