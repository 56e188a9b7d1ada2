"""Email replies: match the invitation, read the rating, record it or keep it for review."""
import email
import email.policy
import re
from html import unescape

from ingest_svc.domain import commands
from ingest_svc.domain.model import Answer
from ingest_svc.domain.reply import invitation_from, parse_reply

_ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
REVIEW_TEXT = 20_000


def plain_text(message) -> str:
    """The text/plain body, else the text of the HTML body."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if part.get_content_subtype() == "html":
        text = re.sub(r"<blockquote.*?</blockquote>", "", text, flags=re.S | re.I)
        text = unescape(re.sub(r"<br\s*/?>|</p>|</div>", "\n", text, flags=re.I))
        text = re.sub(r"<[^>]+>", "", text)
    return text


def ingest_email_reply(cmd: commands.IngestEmailReply, uow, delivery, clock):
    """Record a reply's rating; anything that cannot be matched or read is kept for review."""
    from ingest_svc.service_layer.handlers import submit_answer
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


def unmatched_replies(uow, limit: int, before_id: int | None = None) -> list[dict]:
    """Read side for review: the newest unmatched replies, each with who sent it and its text."""
    with uow:
        rows = uow.unmatched.list(limit, before_id)
    return [_for_review(row._mapping) for row in rows]


def _for_review(row) -> dict:
    message = email.message_from_bytes(row["raw"], policy=email.policy.default)
    try:
        sender, subject, text = str(message.get("From", "")), str(message.get("Subject", "")), plain_text(message)
    except (LookupError, ValueError, AttributeError):  # a mangled message is still shown raw
        sender, subject, text = "", "", row["raw"].decode("utf-8", "replace")
    return {"id": row["id"], "invitation_id": row["invitation_id"], "reason": row["reason"],
            "via": row["via"], "received_at": row["received_at"], "sender": sender,
            "subject": subject, "text": text[:REVIEW_TEXT]}

