"""The read side: what the pages and the review API show, read through a unit of work."""
import email
import email.policy

from ingest_svc.domain.reply import plain_text

REVIEW_TEXT = 20_000


def invitation_state(invitation_id: str, uow) -> tuple[str | None, bool]:
    """(why it no longer takes answers, or None; answered already?)."""
    with uow:
        return uow.invitations.closed(invitation_id), uow.responses.exists_for(invitation_id)


def unmatched_replies(limit: int, before_id: int | None, uow) -> list[dict]:
    """The newest unmatched replies, each with who sent it and its text."""
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
