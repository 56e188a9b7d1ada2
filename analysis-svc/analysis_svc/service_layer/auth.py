"""Bearer tokens scoped to directorates and organisations: the admin token sees all, partner
tokens their own (an organisation's every directorate name, resolved at request time)."""
import secrets
from dataclasses import dataclass
from typing import Callable

from chassis.auth import same_secret, token_hash

__all__ = ["ADMIN", "Access", "Unauthorised", "access_for", "new_token", "scope_for", "token_hash"]


class Unauthorised(Exception):
    """No token, or one this service does not know."""


@dataclass(frozen=True)
class Access:
    """What a caller may see: `scope` is directorate names (None: every one), `organisations`
    the organisation ids granted (None: the shared-service admin; empty: directorates only)."""

    scope: frozenset | None
    organisations: frozenset | None = frozenset()
    # the part of `scope` the organisations give (so a banner can name them instead)
    from_organisations: frozenset = frozenset()

    @property
    def is_admin(self) -> bool:
        return self.scope is None


ADMIN = Access(None, None)


def new_token() -> str:
    return "pt_" + secrets.token_urlsafe(32)


def access_for(directorates, organisations, names_of: Callable[[frozenset], frozenset]) -> Access:
    """A grant's access now: its directorates, plus every name its organisations' directorates
    have or had (`names_of`, read from the structure each time, so a rename is seen at once).
    An organisation with no directorates adds nothing: it never widens to everything."""
    granted = frozenset(organisations or ())
    names = names_of(granted) if granted else frozenset()
    return Access(frozenset(directorates) | frozenset(names), granted, frozenset(names))


def scope_for(token: str | None, admin_token: str | None,
              lookup: Callable[[str], Access | None]) -> Access:
    """The access a bearer token gives (ADMIN for the admin token); raises Unauthorised."""
    if not token:
        raise Unauthorised("a bearer token is required")
    if same_secret(token, admin_token):
        return ADMIN
    access = lookup(token_hash(token))
    if access is None:
        raise Unauthorised("unknown or revoked token")
    return access
