"""Writes made by people, not the stream: follow-ups of detractors, partner tokens."""
from datetime import datetime

from sqlalchemy import select, update

from chassis.scope import scoped

from analysis_svc.adapters.followups_orm import followups
from analysis_svc.adapters.orm import partner_tokens, responses
from analysis_svc.domain.followup import FollowUp


class FollowUpRepository:
    def __init__(self, session):
        self.session = session

    def response_in_scope(self, response_id: str, scope) -> dict | None:
        """The response's id, directorate, score and time, if the scope may see it."""
        stmt = select(responses.c.response_id, responses.c.directorate, responses.c.score,
                      responses.c.submitted_at).where(responses.c.response_id == response_id)
        row = self.session.execute(scoped(stmt, responses.c.directorate, scope)).mappings().first()
        return None if row is None else dict(row)

    def add_once(self, record: FollowUp) -> None:
        """Keep the first follow-up of a response; marking it again changes nothing."""
        if self.session.execute(select(followups.c.response_id).where(
                followups.c.response_id == record.response_id)).first() is None:
            self.session.execute(followups.insert().values(**record.__dict__))


class TokenRepository:
    """Partner tokens, stored only as SHA-256 hashes, with the directorates they may see."""

    def __init__(self, session):
        self.session = session

    def add(self, token_hash: str, directorates: list[str], label: str | None,
            email: str | None, now: datetime, organisations: list[str] = ()) -> int:
        """`organisations` empty: stored as NULL, a directorate-only token."""
        return self.session.execute(partner_tokens.insert().values(
            token_hash=token_hash, directorates=sorted(set(directorates)), label=label,
            email=email, created_at=now,
            organisations=sorted(set(organisations)) or None)).inserted_primary_key[0]

    def revoke(self, token_id: int, now: datetime) -> bool:
        return self.session.execute(update(partner_tokens).where(
            partner_tokens.c.id == token_id, partner_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)).rowcount == 1
