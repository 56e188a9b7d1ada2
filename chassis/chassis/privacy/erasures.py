"""A service's record of the erasures it carried out (chassis.privacy.tables), one way for all:
each request once, and every erased ref remembered so a replayed event stays anonymous."""
import uuid

import sqlalchemy as sa

from contracts.envelope import Envelope, make_envelope

_EVENTS = uuid.UUID("0f8e7d52-3c1b-4a96-8e25-6b9d4f1a2c70")


class ErasureLog:
    """On the unit of work's session or connection, over the service's privacy tables."""

    def __init__(self, session, tables: dict[str, sa.Table], responses: sa.Table):
        self.session = session
        self.erasures, self.refs = tables["erasures"], tables["erased_refs"]
        self.responses = responses  # the service's answers: response_id, invitation_id, subject

    def answers_of(self, invitation_ids: set[str], subjects: set[str]) -> list[tuple[str, str]]:
        """(response id, invitation id or None) of their answers."""
        answers = self.responses.c
        found = [answers.invitation_id.in_(sorted(invitation_ids)),
                 answers.subject.in_(sorted(subjects))]
        return [tuple(row) for row in self.session.execute(
            sa.select(answers.response_id, answers.invitation_id).where(sa.or_(*found)))]

    def get(self, request_id: str) -> dict | None:
        row = self.session.execute(sa.select(self.erasures).where(
            self.erasures.c.request_id == request_id)).first()
        return dict(row._mapping) if row else None

    def erased(self, refs: set[str]) -> set[str]:
        """Of these invitation ids, response ids or subjects, those already erased."""
        if not refs:
            return set()
        return set(self.session.execute(sa.select(self.refs.c.ref).where(
            self.refs.c.ref.in_(sorted(refs)))).scalars())

    def record(self, request_id: str, subjects: list[str], invitation_ids: list[str],
               counts: dict, refs: dict[str, str], now) -> None:
        """The request done, and every ref (ref -> "invitation" | "subject" | "response")."""
        self.session.execute(sa.insert(self.erasures).values(
            request_id=request_id, subjects=subjects, invitation_ids=invitation_ids,
            received_at=now, completed_at=now, counts=counts))
        new = sorted(set(refs) - self.erased(set(refs)))
        if new:
            self.session.execute(sa.insert(self.refs), [
                {"ref": ref, "kind": refs[ref], "request_id": request_id, "erased_at": now}
                for ref in new])


def refs_of(subjects, invitation_ids, answers) -> dict[str, str]:
    """What to remember of an erasure: its subjects, invitations, and answers to no invitation
    (answers are (response id, invitation id or None))."""
    return {**dict.fromkeys(subjects, "subject"), **dict.fromkeys(invitation_ids, "invitation"),
            **{rid: "response" for rid, invitation_id in answers if invitation_id is None}}


def completed_event(service: str, done: dict) -> Envelope:
    """`erasure.completed` for a recorded erasure; the same event id however often it is sent."""
    return make_envelope("erasure.completed", {
        "request_id": done["request_id"], "service": service,
        "completed_at": done["completed_at"], "counts": done["counts"]}, service,
        event_id=str(uuid.uuid5(_EVENTS, f"{service}:{done['request_id']}")))
