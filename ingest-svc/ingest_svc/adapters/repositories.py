"""Repositories over ingest-svc's tables; each takes the unit of work's session."""
from sqlalchemy import bindparam, exists, insert, select, update
from sqlalchemy.exc import IntegrityError

from ingest_svc.adapters.orm import (idempotency_keys, invitations, provisional_ratings, responses,
                                     unmatched_replies)
from ingest_svc.domain.model import Answer, Cohort, Invitation

_COHORT = ("directorate", "service", "category", "team")


# Built once: the hot path runs each with parameters, not a freshly built (and keyed) statement.
_INSERT_RESPONSE = insert(responses)
_INSERT_KEY = insert(idempotency_keys)
# In the order Invitation takes them: an API answer's check reads one row by primary key.
_SELECT_INVITATION = select(*(invitations.c[k] for k in (
    "invitation_id", "directorate", "service", "category", "team", "ticket_id", "channel", "language",
    "expires_at", "invitee", "closed", "question_set", "organisation"))).where(
    invitations.c.invitation_id == bindparam("i"))
_ANSWER = ("score", "resolved", "comment", "channel", "source", "updated_at", "subject")
_AMEND_RESPONSE = (update(responses).where(responses.c.invitation_id == bindparam("inv"))
                   .values(version=responses.c.version + 1, **{k: bindparam(f"new_{k}") for k in _ANSWER})
                   .returning(responses.c.response_id, responses.c.version))
_SETTLE_PROVISIONAL = update(provisional_ratings).where(
    provisional_ratings.c.invitation_id == bindparam("inv"),
    provisional_ratings.c.settled_at.is_(None)).values(settled_at=bindparam("at"))
_SELECT_KEY = select(idempotency_keys).where(idempotency_keys.c.scope == bindparam("s"),
                                             idempotency_keys.c.key == bindparam("k"))


def _invitation(row) -> Invitation:
    m = row._mapping
    return Invitation(m["invitation_id"], Cohort(*(m[k] for k in _COHORT)), m["ticket_id"],
                      m["channel"], m["language"] or "en", m.get("expires_at"), m.get("invitee"),
                      m.get("closed"))


def _invitation_values(inv: Invitation) -> dict:
    c = inv.cohort
    return {"invitation_id": inv.invitation_id, "ticket_id": inv.ticket_id,
            "directorate": c.directorate, "service": c.service, "category": c.category,
            "team": c.team, "channel": inv.ticket_channel, "language": inv.language}


class ResponseRepository:
    def __init__(self, session):
        self.session = session

    def record(self, invitation_id, response_id, answer: Answer, channel, source, at,
               subject: str | None = None) -> tuple[str, int]:
        """Store the answer; returns (response_id, version), amending the invitation's answer."""
        values = {"score": answer.score, "resolved": answer.resolved, "comment": answer.comment,
                  "channel": channel, "source": source, "updated_at": at, "subject": subject}
        if invitation_id is not None:
            row = self.session.execute(_AMEND_RESPONSE, {
                "inv": invitation_id, **{f"new_{k}": v for k, v in values.items()}}).first()
            if row is not None:
                return row[0], row[1]
        row = {"response_id": response_id, "invitation_id": invitation_id, "version": 1, **values}
        if invitation_id is None:  # nothing to race for: no savepoint to retry from
            self.session.execute(_INSERT_RESPONSE, row)
            return response_id, 1
        try:
            with self.session.begin_nested():
                self.session.execute(_INSERT_RESPONSE, row)
        except IntegrityError:
            if invitation_id is None:
                raise
            return self.record(invitation_id, response_id, answer, channel, source, at, subject)
        return response_id, 1

    def exists_for(self, invitation_id: str) -> bool:
        return self.session.execute(select(exists().where(
            responses.c.invitation_id == invitation_id))).scalar()

    def get(self, response_id: str):
        return self.session.execute(
            select(responses).where(responses.c.response_id == response_id)).first()


class IdempotencyRepository:
    def __init__(self, session):
        self.session = session

    def get(self, scope: str, key: str) -> dict | None:
        row = self.session.execute(_SELECT_KEY, {"s": scope, "k": key}).first()
        return dict(row._mapping) if row else None

    def add(self, scope, key, fingerprint, response_id, version, envelope, at) -> None:
        self.session.execute(_INSERT_KEY, {
            "scope": scope, "key": key, "fingerprint": fingerprint, "response_id": response_id,
            "version": version, "envelope": envelope, "created_at": at})


class InvitationRepository:
    def __init__(self, session):
        self.session = session

    def get(self, invitation_id: str) -> Invitation | None:
        """The invitation with its invitee and why it closed: one primary-key read."""
        row = self.session.execute(_SELECT_INVITATION, {"i": invitation_id}).first()
        if row is None:
            return None
        inv_id, directorate, service, category, team, ticket, channel, language, *rest, org = row
        return Invitation(inv_id, Cohort(directorate, service, category, team, org), ticket,
                          channel, language or "en", *rest)

    def closed(self, invitation_id: str) -> str | None:
        """Why survey-svc closed this invitation (e.g. "cancelled"), or None."""
        return self.session.execute(select(invitations.c.closed).where(
            invitations.c.invitation_id == invitation_id)).scalar()

    def upsert(self, inv: Invitation, closed: str | None = None) -> None:
        values = {**_invitation_values(inv), "expires_at": inv.expires_at}
        if closed:
            values["closed"] = closed
        if inv.invitee:  # only invitation.created names the invitee; later steps keep it
            values["invitee"] = inv.invitee
        if inv.question_set:  # likewise its question set
            values["question_set"] = inv.question_set
        if inv.cohort.organisation:  # and its organisation (#17), which every answer carries
            values["organisation"] = inv.cohort.organisation
        found = self.session.execute(update(invitations).where(
            invitations.c.invitation_id == inv.invitation_id).values(**values)).rowcount
        if not found:
            self.session.execute(insert(invitations).values(**values))


class ProvisionalRepository:
    def __init__(self, session):
        self.session = session

    def upsert(self, inv: Invitation, score: int, at) -> None:
        values = {**_invitation_values(inv), "score": score, "recorded_at": at}
        found = self.session.execute(update(provisional_ratings).where(
            provisional_ratings.c.invitation_id == inv.invitation_id,
            provisional_ratings.c.settled_at.is_(None)).values(**values)).rowcount
        if not found and not self.session.execute(select(exists().where(
                provisional_ratings.c.invitation_id == inv.invitation_id))).scalar():
            self.session.execute(insert(provisional_ratings).values(**values))

    def settle(self, invitation_id: str, at) -> None:
        self.session.execute(_SETTLE_PROVISIONAL, {"inv": invitation_id, "at": at})

    def stale(self, cutoff) -> list[tuple[Invitation, int]]:
        rows = self.session.execute(select(provisional_ratings).where(
            provisional_ratings.c.settled_at.is_(None),
            provisional_ratings.c.recorded_at <= cutoff)).all()
        return [(_invitation(r), r._mapping["score"]) for r in rows]

    def get(self, invitation_id: str):
        return self.session.execute(select(provisional_ratings).where(
            provisional_ratings.c.invitation_id == invitation_id)).first()


class UnmatchedReplyRepository:
    def __init__(self, session):
        self.session = session

    def add(self, invitation_id, reason, via, raw: bytes, at) -> None:
        self.session.execute(insert(unmatched_replies).values(
            invitation_id=invitation_id, reason=reason, via=via, raw=raw, received_at=at))

    def list(self, limit: int = 100, before_id: int | None = None) -> list:
        """Newest first; `before_id` continues a page after the reply with that id."""
        query = select(unmatched_replies).order_by(unmatched_replies.c.id.desc()).limit(limit)
        if before_id is not None:
            query = query.where(unmatched_replies.c.id < before_id)
        return self.session.execute(query).all()

