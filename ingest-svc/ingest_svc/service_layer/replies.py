"""Email replies: match the invitation, read the rating, record it or keep it for review."""
import hashlib

from chassis.auth import address_hash, reply_tag_valid, same_secret

from ingest_svc.domain import commands
from ingest_svc.domain.model import Answer
from ingest_svc.domain.mime import Unreadable, read_mail
from ingest_svc.domain.reply import invitation_from, parse_reply
from ingest_svc.service_layer.answers import submit_answer

_ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")


def match_invitation(message, addresses, body, settings, uow, clock):
    """(invitation id, invitation, why the reply cannot answer it): the reply address must carry
    the invitation's tag and the sender must be the invitee; anything else is reviewed."""
    key = settings.reply_tag_key
    invitation_id, reason = invitation_from(
        addresses, body, lambda inv_id, tag: reply_tag_valid(key, inv_id, tag))
    if reason is not None:
        return invitation_id, None, reason
    with uow:
        invitation = uow.invitations.get(invitation_id)
    if invitation is None:
        return invitation_id, None, "unknown invitation"
    closed = invitation.why_closed(clock.now())
    if closed:
        return invitation_id, None, closed
    if invitation.invitee is None:  # announced without it (an older survey-svc): nobody can answer
        return invitation_id, None, "invitee address unknown"
    sender = address_hash(key, _sender(message))
    if sender is None or not same_secret(sender, invitation.invitee):
        return invitation_id, None, "sender is not the invitee"
    return invitation_id, invitation, None


def _sender(message) -> str:
    try:
        return str(message.get("From") or "")
    except (LookupError, ValueError, AttributeError, IndexError, TypeError):  # a mangled header
        return ""


def ingest_email_reply(cmd: commands.IngestEmailReply, uow, delivery, clock, settings):
    """Record a reply's rating; anything that cannot be matched or read is kept for review."""
    try:
        mail = read_mail(cmd.raw)
    except Unreadable as err:  # hostile or mangled: kept for review, never a retry loop
        return _keep_for_review(None, str(err), cmd, uow, clock)
    message, body = mail.headers, mail.text
    addresses = list(cmd.recipients) + [str(v) for h in _ADDRESS_HEADERS
                                        for v in (message.get_all(h) or [])]
    invitation_id, invitation, reason = match_invitation(message, addresses, body, settings, uow, clock)
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
