"""Reads of partner tokens: a token's scope, who holds it, and the partners' alert addresses."""
from sqlalchemy import select

from analysis_svc.adapters.orm import partner_tokens

_LIVE = partner_tokens.c.revoked_at.is_(None)


class TokenStore:
    def __init__(self, sessions):
        self.sessions = sessions

    def lookup(self, token_hash: str) -> set[str] | None:
        """The directorates a live token may see; None for an unknown or revoked token."""
        partner = self.partner(token_hash)
        return None if partner is None else set(partner[1])

    def partner(self, token_hash: str) -> tuple[str | None, list[str]] | None:
        """(label, directorates) of a live token."""
        return self._first(partner_tokens.c.token_hash == token_hash)

    def partner_by_email(self, email: str) -> tuple[str | None, list[str]] | None:
        """(label, directorates) of the live token made for this address."""
        return self._first(partner_tokens.c.email == email)

    def _first(self, where):
        with self.sessions() as session:
            row = session.execute(select(partner_tokens.c.label, partner_tokens.c.directorates)
                                  .where(where, _LIVE)).first()
        return None if row is None else (row.label, list(row.directorates))

    def listing(self) -> list[dict]:
        stmt = select(partner_tokens.c.id, partner_tokens.c.directorates, partner_tokens.c.label,
                      partner_tokens.c.created_at, partner_tokens.c.revoked_at)
        with self.sessions() as session:
            return [dict(r) for r in session.execute(stmt.order_by(partner_tokens.c.id)).mappings()]

    def emails_for(self, directorate: str) -> list[str]:
        """Business partners' addresses for a directorate (tokens created with --email)."""
        stmt = select(partner_tokens.c.email, partner_tokens.c.directorates).where(
            partner_tokens.c.email.is_not(None), _LIVE)
        with self.sessions() as session:
            return sorted({email for email, dirs in session.execute(stmt) if directorate in dirs})
