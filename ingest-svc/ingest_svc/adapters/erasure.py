"""What ingest-svc holds about people being erased: found, anonymised, and remembered."""
from email.parser import BytesHeaderParser
from email.policy import compat32

from sqlalchemy import delete, insert, or_, select, update

from chassis.auth import address_hash

from ingest_svc.adapters.orm import (idempotency_keys, invitations, privacy, responses,
                                     unmatched_replies)

erasures, erased_refs = privacy["erasures"], privacy["erased_refs"]
ERASED = "erased"  # why an erased invitation is closed: its links take no more answers
_HEADERS = BytesHeaderParser(policy=compat32)


def _sender_hash(key: str, raw: bytes) -> str | None:
    try:
        return address_hash(key, str(_HEADERS.parsebytes(raw).get("From") or ""))
    except (LookupError, ValueError, TypeError, AttributeError, IndexError):  # a mangled header
        return None


class ErasureRepository:
    def __init__(self, session):
        self.session = session

    def get(self, request_id: str) -> dict | None:
        row = self.session.execute(select(erasures).where(
            erasures.c.request_id == request_id)).first()
        return dict(row._mapping) if row else None

    def invitations_of(self, subjects: set[str]) -> set[str]:
        """The invitations whose invitee is one of these people."""
        if not subjects:
            return set()
        return set(self.session.execute(select(invitations.c.invitation_id).where(
            invitations.c.invitee.in_(sorted(subjects)))).scalars())

    def answers_of(self, invitation_ids: set[str], subjects: set[str]) -> list[tuple[str, str]]:
        """(response id, invitation id or None) of their answers."""
        found = [responses.c.invitation_id.in_(sorted(invitation_ids)),
                 responses.c.subject.in_(sorted(subjects))]
        return [tuple(row) for row in self.session.execute(
            select(responses.c.response_id, responses.c.invitation_id).where(or_(*found)))]

    def anonymise_answers(self, response_ids: set[str]) -> int:
        """Comment and subject gone; the score, the cohort and the channel stay."""
        if not response_ids:
            return 0
        return self.session.execute(update(responses).where(
            responses.c.response_id.in_(sorted(response_ids)),
            or_(responses.c.comment.is_not(None), responses.c.subject.is_not(None)))
            .values(comment=None, subject=None)).rowcount

    def rewrite_envelopes(self, response_ids: set[str], change) -> int:
        """The events kept for idempotent replays, each through change(text) (None: as it is)."""
        if not response_ids:
            return 0
        c, changed = idempotency_keys.c, 0
        for scope, key, envelope in self.session.execute(select(c.scope, c.key, c.envelope).where(
                c.response_id.in_(sorted(response_ids)))).all():
            if (new := change(envelope)) is not None:
                self.session.execute(update(idempotency_keys).where(
                    c.scope == scope, c.key == key).values(envelope=new))
                changed += 1
        return changed

    def delete_replies(self, invitation_ids: set[str], subjects: set[str], key: str) -> int:
        """Unmatched replies to their invitations or from their address (whole emails)."""
        gone = set()
        for row_id, invitation_id, raw in self.session.execute(select(
                unmatched_replies.c.id, unmatched_replies.c.invitation_id,
                unmatched_replies.c.raw)).yield_per(200):
            if invitation_id in invitation_ids or _sender_hash(key, raw) in subjects:
                gone.add(row_id)
        if gone:
            self.session.execute(delete(unmatched_replies).where(
                unmatched_replies.c.id.in_(sorted(gone))))
        return len(gone)

    def close_invitations(self, invitation_ids: set[str]) -> int:
        """The invitee's address hash gone and the links closed."""
        if not invitation_ids:
            return 0
        return self.session.execute(update(invitations).where(
            invitations.c.invitation_id.in_(sorted(invitation_ids)),
            or_(invitations.c.invitee.is_not(None), invitations.c.closed.is_(None),
                invitations.c.closed != ERASED))
            .values(invitee=None, closed=ERASED)).rowcount

    def erased(self, refs: set[str]) -> set[str]:
        """Of these invitation ids, response ids or subjects, those already erased."""
        if not refs:
            return set()
        return set(self.session.execute(select(erased_refs.c.ref).where(
            erased_refs.c.ref.in_(sorted(refs)))).scalars())

    def record(self, request_id: str, subjects: list[str], invitation_ids: list[str],
               counts: dict, refs: dict[str, str], now) -> None:
        """The request done, and every ref (ref -> kind) remembered so replays stay anonymous."""
        self.session.execute(insert(erasures).values(
            request_id=request_id, subjects=subjects, invitation_ids=invitation_ids,
            received_at=now, completed_at=now, counts=counts))
        new = sorted(set(refs) - self.erased(set(refs)))
        if new:
            self.session.execute(insert(erased_refs), [
                {"ref": ref, "kind": refs[ref], "request_id": request_id, "erased_at": now}
                for ref in new])
