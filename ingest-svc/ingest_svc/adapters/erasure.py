"""What ingest-svc holds about people being erased: found, anonymised, and remembered."""
from dataclasses import replace
from email.parser import BytesHeaderParser
from email.policy import compat32

from sqlalchemy import delete, or_, select, update

from chassis.auth import address_hash
from chassis.privacy.erasures import ErasureLog

from ingest_svc.adapters.orm import (idempotency_keys, invitations, privacy, responses,
                                     unmatched_replies)
from ingest_svc.domain.model import Invitation

ERASED = "erased"  # why an erased invitation is closed: its links take no more answers
_HEADERS = BytesHeaderParser(policy=compat32)


def _sender_hash(key: str, raw: bytes) -> str | None:
    try:
        return address_hash(key, str(_HEADERS.parsebytes(raw).get("From") or ""))
    except (LookupError, ValueError, TypeError, AttributeError, IndexError):  # a mangled header
        return None


class ErasureRepository(ErasureLog):
    def __init__(self, session):
        super().__init__(session, privacy, responses)

    def invitations_of(self, subjects: set[str]) -> set[str]:
        """The invitations whose invitee is one of these people."""
        if not subjects:
            return set()
        return set(self.session.execute(select(invitations.c.invitation_id).where(
            invitations.c.invitee.in_(sorted(subjects)))).scalars())

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

    def unless_erased(self, invitation: Invitation,
                      closed: str | None) -> tuple[Invitation, str | None]:
        """A replayed step of an erased invitation lands without its invitee, and closed."""
        if self.erased({invitation.invitation_id}):
            return replace(invitation, invitee=None), ERASED
        return invitation, closed
