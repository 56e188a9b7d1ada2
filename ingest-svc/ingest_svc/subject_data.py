"""Subject access: everything ingest-svc holds about some people, each kind of record as stored
(answers with their raw comments and every version's event, replies kept for review, provisional
ratings, spooled events, invitations, and the access audit's entries about them)."""
import json
from email.parser import BytesHeaderParser
from email.policy import compat32

from sqlalchemy import or_, select

from chassis.auth import address_hash
from chassis.privacy.subject_records import readable_event

from ingest_svc.adapters.orm import (idempotency_keys, invitations, provisional_ratings, responses,
                                     unmatched_replies)
from ingest_svc.views import _for_review

_HEADERS = BytesHeaderParser(policy=compat32)


def _rows(session, stmt) -> list[dict]:
    return [dict(row._mapping) for row in session.execute(stmt)]


def _event(text, vault):
    """A kept event as JSON with its personal fields opened, or its text when it is no JSON."""
    try:
        return readable_event(json.loads(text), vault)
    except (TypeError, ValueError):
        return text.decode("utf-8", "replace") if isinstance(text, bytes) else text


def _sender_is(key: str, raw: bytes, subjects: set[str]) -> bool:
    try:
        return address_hash(key, str(_HEADERS.parsebytes(raw).get("From") or "")) in subjects
    except (LookupError, ValueError, TypeError, AttributeError, IndexError):  # a mangled header
        return False


def _replies(session, invitation_ids: set[str], subjects: set[str], key: str) -> list[dict]:
    """Kept replies to their invitations or from their address, as a reviewer sees them."""
    found = []
    for row in session.execute(select(unmatched_replies).order_by(unmatched_replies.c.id)).yield_per(200):
        if row.invitation_id in invitation_ids or _sender_is(key, row.raw, subjects):
            found.append(_for_review(row._mapping))
    return found


def _answers(session, invitation_ids: set[str], subjects: set[str], vault) -> list[dict]:
    found = _rows(session, select(responses).where(or_(
        responses.c.invitation_id.in_(sorted(invitation_ids)),
        responses.c.subject.in_(sorted(subjects)))).order_by(responses.c.updated_at))
    c = idempotency_keys.c
    versions = _rows(session, select(c.scope, c.key, c.response_id, c.version, c.created_at,
                                     c.envelope).where(
        c.response_id.in_(sorted(a["response_id"] for a in found))).order_by(c.version))
    for answer in found:
        answer["versions"] = [{**{k: v for k, v in kept.items() if k != "envelope"},
                               "event": _event(kept["envelope"], vault)}
                              for kept in versions if kept["response_id"] == answer["response_id"]]
    return found


def held(bus, subjects: list[str], invitation_ids: list[str]) -> dict[str, list]:
    """What ingest-svc holds about these subjects and invitations, by kind."""
    subjects, ids = set(subjects), set(invitation_ids)
    vault = getattr(bus, "key_vault", None)
    with bus.uow_factory() as uow:
        session = uow.session
        invites = _rows(session, select(invitations).where(or_(
            invitations.c.invitation_id.in_(sorted(ids)), invitations.c.invitee.in_(sorted(subjects)))))
        # What was found names them too: their invitations' invitee, their answers' subject.
        ids |= {i["invitation_id"] for i in invites}
        subjects |= {i["invitee"] for i in invites if i["invitee"]}
        answers = _answers(session, ids, subjects, vault)
        ids |= {a["invitation_id"] for a in answers if a["invitation_id"]}
        subjects |= {a["subject"] for a in answers if a["subject"]}
        records = {
            "invitations": invites, "responses": answers,
            "provisional_ratings": _rows(session, select(provisional_ratings).where(
                provisional_ratings.c.invitation_id.in_(sorted(ids)))),
            "unmatched_replies": _replies(session, ids, subjects, bus.settings.reply_tag_key),
            "access_audit": uow.access_audit.about(subjects | ids)}
    records["spooled_events"] = [
        {"seq": seq, "topic": topic, "key": key, "event": _event(value, vault)}
        for seq, topic, key, value in bus.spool.peek(limit=1_000_000) if key in ids]
    return records
