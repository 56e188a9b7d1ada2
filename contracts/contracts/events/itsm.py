"""What became of the customer's answer in the service desk ticket (survey-svc's write-back),
and the team's own follow-up in the tool afterwards. Nothing personal: ids, times, states."""
from marshmallow import fields, validate

from contracts.events.common import EventSchema, free_text, required_text, text, timestamp


class TicketTrail(EventSchema):
    """Which answer, which ticket, which tool."""

    response_id = required_text(64)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    ticket_id = required_text(100)
    directorate = required_text(100)
    # The connector's kind (rt, servicenow, jira, freshservice, glpi) and its configured name.
    tool = required_text(50)
    connector = required_text(50)
    ref = required_text(200)  # the tool's own id of the ticket
    link = text(1000, load_default=None, allow_none=True)  # the ticket in the tool, for people
    at = timestamp(required=True)


class WriteBackEvent(TicketTrail):
    """writeback.delivered / writeback.retrying / writeback.parked."""

    reopened = fields.Boolean(load_default=False)
    attempts = fields.Integer(load_default=0, validate=validate.Range(min=0))
    # Why the tool did not take it ("note: HTTP 503", "reopen: ConnectionError"): no body text.
    reason = free_text(300, load_default=None, allow_none=True)
    next_attempt_at = timestamp(load_default=None, allow_none=True)


class TicketFollowedUp(TicketTrail):
    """The team did something in the tool after our note: a reply, a comment, a resolution."""

    summary = text(200, required=True)  # "Reply added in Request Tracker": never its text
