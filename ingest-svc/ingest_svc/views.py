"""The read side: what the pages and the review API show, read through a unit of work."""
from email.header import decode_header, make_header

from ingest_svc.domain.mime import Unreadable, read_mail

REVIEW_TEXT = 20_000
MAX_SHOWN = 1000


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
    try:
        mail = read_mail(row["raw"])
        sender, subject, text = (_shown(mail.headers.get("From")), _shown(mail.headers.get("Subject")),
                                 mail.text)
    except Unreadable:  # a hostile or mangled message is still shown raw
        sender, subject, text = "", "", row["raw"][:REVIEW_TEXT * 4].decode("utf-8", "replace")
    return {"id": row["id"], "invitation_id": row["invitation_id"], "reason": row["reason"],
            "via": row["via"], "received_at": row["received_at"], "sender": sender,
            "subject": subject, "text": text[:REVIEW_TEXT]}


def _shown(value) -> str:
    """A header as a person reads it: encoded words decoded, within a bound."""
    text = str(value or "")[:MAX_SHOWN]
    try:
        return str(make_header(decode_header(text)))
    except (LookupError, ValueError, UnicodeError):
        return text
