"""How a partner token is named in the access audit: its id and label (never the token)."""
from sqlalchemy import select

from analysis_svc.adapters.orm import partner_tokens


def token_holder(session, hashed: str) -> str | None:
    """`token#<id> (<label>)` for a token issued here (live or revoked), else None."""
    row = session.execute(select(partner_tokens.c.id, partner_tokens.c.label).where(
        partner_tokens.c.token_hash == hashed)).first()
    if row is None:
        return None
    return f"token#{row.id}" + (f" ({row.label})" if row.label else "")
