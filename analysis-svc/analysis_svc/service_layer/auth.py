"""Bearer tokens scoped to directorates: the admin token sees all, partner tokens their own."""
import secrets
from typing import Callable

from chassis.auth import same_secret, token_hash

__all__ = ["Unauthorised", "new_token", "scope_for", "token_hash"]


class Unauthorised(Exception):
    """No token, or one this service does not know."""


def new_token() -> str:
    return "pt_" + secrets.token_urlsafe(32)


def scope_for(token: str | None, admin_token: str | None,
              lookup: Callable[[str], set[str] | None]) -> set[str] | None:
    """The directorates a token may see (None = all); raises Unauthorised."""
    if not token:
        raise Unauthorised("a bearer token is required")
    if same_secret(token, admin_token):
        return None
    directorates = lookup(token_hash(token))
    if directorates is None:
        raise Unauthorised("unknown or revoked token")
    return directorates
