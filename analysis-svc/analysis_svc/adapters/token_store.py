"""Reads of partner tokens: a token's scope, who holds it, and the partners' alert addresses."""
from datetime import date
from typing import NamedTuple

from sqlalchemy import select

from analysis_svc.adapters.orm import partner_tokens, rollups
from analysis_svc.adapters.structure_repository import load_structure
from analysis_svc.domain.organisation_scope import organisation_names
from analysis_svc.service_layer.auth import Access, access_for

_LIVE = partner_tokens.c.revoked_at.is_(None)


class Partner(NamedTuple):
    label: str | None
    directorates: list[str]
    organisations: list[str]  # organisation ids; empty: directorates only


class TokenStore:
    def __init__(self, sessions):
        self.sessions = sessions

    def lookup(self, token_hash: str) -> set[str] | None:
        """The directorates a live token names; None for an unknown or revoked token."""
        partner = self.partner(token_hash)
        return None if partner is None else set(partner.directorates)

    def access(self, token_hash: str, today: date) -> Access | None:
        """What a live token may see today (its organisations resolved now); None if not live."""
        partner = self.partner(token_hash)
        return None if partner is None else self.access_of(partner, today)

    def access_of(self, partner: Partner, today: date) -> Access:
        return access_for(partner.directorates, partner.organisations,
                          lambda organisations: self.names_of(organisations, today))

    def names_of(self, organisations, today: date) -> frozenset[str]:
        """Every directorate name the organisations have or had (structure read now)."""
        with self.sessions() as session:
            structure = load_structure(session)
            # every answer has a month cell too: the fewer rows (ix_rollups_kind_start) suffice
            stored = session.execute(select(rollups.c.directorate).where(
                rollups.c.period_kind == "month").distinct()).scalars().all()
        return organisation_names(structure, organisations, today, stored)

    def organisation_ids(self) -> set[str]:
        with self.sessions() as session:
            return set(load_structure(session).organisations)

    def partner(self, token_hash: str) -> Partner | None:
        """The label, directorates and organisations of a live token."""
        return self._first(partner_tokens.c.token_hash == token_hash)

    def partner_by_email(self, email: str) -> Partner | None:
        """The live token made for this address."""
        return self._first(partner_tokens.c.email == email)

    def _first(self, where) -> Partner | None:
        with self.sessions() as session:
            row = session.execute(select(partner_tokens.c.label, partner_tokens.c.directorates,
                                         partner_tokens.c.organisations)
                                  .where(where, _LIVE)).first()
        return None if row is None else Partner(row.label, list(row.directorates),
                                                list(row.organisations or ()))

    def listing(self) -> list[dict]:
        stmt = select(partner_tokens.c.id, partner_tokens.c.directorates,
                      partner_tokens.c.organisations, partner_tokens.c.label,
                      partner_tokens.c.created_at, partner_tokens.c.revoked_at)
        with self.sessions() as session:
            return [dict(r) for r in session.execute(stmt.order_by(partner_tokens.c.id)).mappings()]

    def emails_for(self, directorate: str, today: date | None = None) -> list[str]:
        """Business partners' addresses for a directorate (tokens created with --email), an
        organisation's partners included when it is one of that organisation's names today."""
        stmt = select(partner_tokens.c.email, partner_tokens.c.directorates,
                      partner_tokens.c.organisations).where(partner_tokens.c.email.is_not(None),
                                                            _LIVE)
        with self.sessions() as session:
            rows = session.execute(stmt).all()
        today = today or date.today()
        return sorted({email for email, dirs, orgs in rows if directorate in dirs
                       or (orgs and directorate in self.names_of(orgs, today))})
