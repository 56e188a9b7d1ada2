"""Email replies: match the invitation, read the rating, record it or keep it for review."""
import email
import email.policy

from ingest_svc.domain import commands
from ingest_svc.domain.model import Answer
from ingest_svc.domain.reply import invitation_from, parse_reply, plain_text
from ingest_svc.service_layer.answers import submit_answer

_ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")


def ingest_email_reply(cmd: commands.IngestEmailReply, uow, delivery, clock):
    """Record a reply's rating; anything that cannot be matched or read is kept for review."""
    message = email.message_from_bytes(cmd.raw, policy=email.policy.default)
    try:
        body = plain_text(message)
    except (LookupError, ValueError, AttributeError):
        body = ""
    addresses = list(cmd.recipients) + [str(v) for h in _ADDRESS_HEADERS
                                        for v in (message.get_all(h) or [])]
    invitation_id = invitation_from(addresses, body)
    reason = None
    with uow:
        invitation = uow.invitations.get(invitation_id) if invitation_id else None
        if invitation_id is None:
            reason = "no survey reference"
        elif invitation is None:
            reason = "unknown invitation"
        elif invitation.expires_at and invitation.expires_at <= clock.now():
            reason = "invitation expired"
        elif uow.invitations.closed(invitation_id):
            reason = "invitation " + uow.invitations.closed(invitation_id)
    parsed = parse_reply(body)
    if reason is None and parsed.score is None:
        reason = "no rating on the first line"
    if reason is not None:
        with uow:
            uow.unmatched.add(invitation_id, reason, cmd.via, cmd.raw, clock.now())
            uow.commit()
        return None
    message_id = str(message.get("Message-ID") or "").strip() or None
    return submit_answer(commands.SubmitAnswer(
        invitation, Answer(parsed.score, None, parsed.comment), channel="email_reply",
        source=cmd.via, idempotency_key=message_id and f"mail:{message_id}"), uow, delivery, clock)
