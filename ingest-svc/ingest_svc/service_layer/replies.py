"""Email replies: match the invitation, read the rating, record it or keep it for review."""
import hashlib

from ingest_svc.domain import commands
from ingest_svc.domain.model import Answer
from ingest_svc.domain.mime import Unreadable, read_mail
from ingest_svc.domain.reply import invitation_from, parse_reply
from ingest_svc.service_layer.answers import submit_answer

_ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")


def ingest_email_reply(cmd: commands.IngestEmailReply, uow, delivery, clock):
    """Record a reply's rating; anything that cannot be matched or read is kept for review."""
    try:
        mail = read_mail(cmd.raw)
    except Unreadable as err:  # hostile or mangled: kept for review, never a retry loop
        return _keep_for_review(None, str(err), cmd, uow, clock)
    message, body = mail.headers, mail.text
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
        return _keep_for_review(invitation_id, reason, cmd, uow, clock)
    return submit_answer(commands.SubmitAnswer(
        invitation, Answer(parsed.score, None, parsed.comment), channel="email_reply",
        source=cmd.via, idempotency_key=_mail_key(message)), uow, delivery, clock)


def _keep_for_review(invitation_id, reason: str, cmd: commands.IngestEmailReply, uow, clock) -> None:
    with uow:
        uow.unmatched.add(invitation_id, reason, cmd.via, cmd.raw, clock.now())
        uow.commit()


def _mail_key(message) -> str | None:
    """The idempotency key of a reply: its Message-ID, hashed when too long for the key column."""
    message_id = str(message.get("Message-ID") or "").strip()
    if len(message_id) > 190:
        message_id = "sha256:" + hashlib.sha256(message_id.encode("utf-8", "surrogateescape")).hexdigest()
    return f"mail:{message_id}" if message_id else None
