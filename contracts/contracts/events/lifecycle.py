from marshmallow import fields, validate

from contracts.events.common import CohortFields, free_text, required_text, text, timestamp
from contracts.organisations import organisation_field
from contracts.personal import sealable


class InvitationEvent(CohortFields):
    """Every lifecycle step: which invitation, when, and (where it applies) why."""

    invitation_id = required_text(64)
    ticket_id = required_text(100)
    at = timestamp(required=True)
    reason = free_text(500, load_default=None, allow_none=True)
    # Optional (#17): the ticket's organisation, when it had or was given one.
    organisation = organisation_field()


class InvitationCreated(InvitationEvent):
    resolution = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    # Pseudonymous id and display name: analysis redacts the requester's own name.
    # Both sealed by survey-svc (contracts.personal).
    requester_id = sealable(required_text(200), 200)
    requester_name = sealable(text(200, load_default=None, allow_none=True), 200)
    # chassis.auth.address_hash(REPLY_TAG_KEY, requester email): ingest-svc checks that an email
    # reply comes from the invitee without the address itself crossing the stream.
    requester_email_hash = text(64, load_default=None, allow_none=True)
    channel = text(50, load_default=None, allow_none=True)
    language = text(10, load_default="en")
    # The question set it was sent with ("<name>@<version>", contracts.questions); None: the default.
    question_set = text(60, load_default=None, allow_none=True)
    due_at = timestamp(required=True)
    expires_at = timestamp(required=True)
