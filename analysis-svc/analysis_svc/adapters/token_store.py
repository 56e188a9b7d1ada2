"""Partner tokens, stored only as SHA-256 hashes, with the directorates they may see."""
from datetime import datetime

from sqlalchemy import select, update

from analysis_svc.adapters.orm import partner_tokens


class TokenStore:
    def __init__(self, sessions):
        self.sessions = sessions

    def add(self, token_hash: str, directorates: list[str], label: str | None,
            email: str | None, now: datetime) -> int:
        with self.sessions() as session, session.begin():
            result = session.execute(partner_tokens.insert().values(
                token_hash=token_hash, directorates=sorted(set(directorates)), label=label,
                email=email, created_at=now))
            return result.inserted_primary_key[0]

    def lookup(self, token_hash: str) -> set[str] | None:
        with self.sessions() as session:
            row = session.execute(select(partner_tokens.c.directorates).where(
                partner_tokens.c.token_hash == token_hash,
                partner_tokens.c.revoked_at.is_(None))).first()
        return None if row is None else set(row[0])

    def revoke(self, token_id: int, now: datetime) -> bool:
        with self.sessions() as session, session.begin():
            return session.execute(update(partner_tokens).where(
                partner_tokens.c.id == token_id, partner_tokens.c.revoked_at.is_(None))
                .values(revoked_at=now)).rowcount == 1

    def listing(self) -> list[dict]:
        stmt = select(partner_tokens.c.id, partner_tokens.c.directorates, partner_tokens.c.label,
                      partner_tokens.c.created_at, partner_tokens.c.revoked_at)
        with self.sessions() as session:
            return [dict(r) for r in session.execute(stmt.order_by(partner_tokens.c.id)).mappings()]

    def emails_for(self, directorate: str) -> list[str]:
        """Business partners' addresses for a directorate (tokens created with --email)."""
        stmt = select(partner_tokens.c.email, partner_tokens.c.directorates).where(
            partner_tokens.c.email.is_not(None), partner_tokens.c.revoked_at.is_(None))
        with self.sessions() as session:
            return sorted({email for email, dirs in session.execute(stmt) if directorate in dirs})
