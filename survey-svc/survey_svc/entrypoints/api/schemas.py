"""Request and response shapes of the HTTP API."""
from marshmallow import Schema, fields, validate

from contracts import organisations
from contracts.events.tickets import TicketResolved
from contracts.text import NAME
from survey_svc.domain.policy import Policy

_DEFAULTS = Policy()


class JsonBoolean(fields.Boolean):
    """true or false, as JSON Schema's boolean (marshmallow alone takes 0, 1, "yes"...)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class JsonInteger(fields.Integer):
    """A JSON number without a fraction (5 or 5.0, as JSON Schema's integer); never a string."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                isinstance(value, float) and not value.is_integer()):
            raise self.make_error("invalid")
        return int(value)


class JsonNumber(fields.Float):
    """A JSON number; never a string or a boolean."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class TicketResolvedSchema(TicketResolved):
    """The webhook body: the `ticket.resolved` event payload (reopened: true for a reopen).

    Numbers and flags as the document says: 0 is not false, 2.0 is the integer 2."""

    # Bounded by the database's INTEGER column: a bigger one would be a 500, not a 400.
    resolution = JsonInteger(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    reopened = JsonBoolean(load_default=False)
    auto_closed = JsonBoolean(load_default=False)


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
    organisation = fields.String(allow_none=True)  # #17: the ticket's, given or derived


def _name(max_len: int, **kwargs) -> fields.String:
    """A name, id or label as the contracts hold them: one line, no control characters."""
    return fields.String(validate=[validate.Length(min=1, max=max_len), NAME],
                         metadata={"pattern": NAME.pattern}, **kwargs)


def path_name(name: str, max_len: int) -> dict:
    """The OpenAPI description of a name in the path, held to the same rule."""
    return {"in": "path", "name": name, "required": True,
            "schema": {"type": "string", "minLength": 1, "maxLength": max_len,
                       "pattern": NAME.pattern}}


class InvitationQuerySchema(Schema):
    ticket_id = _name(100)
    requester_id = _name(200)


class PolicySchema(Schema):
    """Every field optional on PUT: only the given ones change."""

    sampling_rate = JsonNumber(validate=validate.Range(min=0, max=100))
    throttle_days = JsonInteger(validate=validate.Range(min=0, max=3650))
    delay_minutes = JsonInteger(validate=validate.Range(min=0, max=43200))
    reminder_days = JsonInteger(validate=validate.Range(min=0, max=365))
    expiry_days = JsonInteger(validate=validate.Range(min=1, max=365))
    excluded_categories = fields.List(_name(100))
    test_accounts = fields.List(_name(320))
    exclude_auto_closed = JsonBoolean()


class PolicyViewSchema(Schema):
    directorate = fields.String()
    effective = fields.Nested(PolicySchema)
    overrides = fields.Dict()
    # With ?organisation=: the policy a ticket of that organisation in this directorate gets.
    organisation = fields.String()
    organisation_overrides = fields.Dict()


class PolicyQuerySchema(Schema):
    organisation = fields.String(
        validate=[validate.Length(min=1, max=organisations.MAX_LENGTH),
                  organisations.OrganisationId()],
        metadata={"pattern": organisations.PATTERN,
                  "description": "Show the policy within this organisation (the defaults, then "
                                 "the organisation's overrides, then the directorate's)."})


class OrganisationPolicyViewSchema(Schema):
    organisation = fields.String()
    effective = fields.Nested(PolicySchema)
    overrides = fields.Dict()


class OrganisationAuditEntrySchema(Schema):
    organisation = fields.String()
    changed_at = fields.DateTime()
    changed_by = fields.String()
    old = fields.Dict(allow_none=True)
    new = fields.Dict(allow_none=True)


def path_organisation() -> dict:
    """The OpenAPI description of an organisation id in the path."""
    return {"in": "path", "name": "organisation", "required": True,
            "schema": {"type": "string", "minLength": 1, "maxLength": organisations.MAX_LENGTH,
                       "pattern": organisations.PATTERN}}


class AuditEntrySchema(Schema):
    directorate = fields.String()
    changed_at = fields.DateTime()
    changed_by = fields.String()
    old = fields.Dict(allow_none=True)
    new = fields.Dict(allow_none=True)


class OptOutSchema(Schema):
    requester_id = _name(200, required=True)


class OptOutResultSchema(Schema):
    requester_id = fields.String()
    opted_out = fields.Boolean()
    changed = fields.Boolean()


class StatsQuerySchema(Schema):
    since = fields.AwareDateTime(load_default=None)
    until = fields.AwareDateTime(load_default=None)
    directorate = _name(100, load_default=None)


class StatsRowSchema(Schema):
    directorate = fields.String()
    invited = fields.Integer()
    sent = fields.Integer()
    answered = fields.Integer()
    bounced = fields.Integer()
