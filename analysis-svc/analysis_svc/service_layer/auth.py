"""Bearer tokens scoped to directorates: the admin token sees all, partner tokens their own."""
import hashlib
import hmac
import secrets
from typing import Callable


class Unauthorised(Exception):
    """No token, or one this service does not know."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return "pt_" + secrets.token_urlsafe(32)


def scope_for(token: str | None, admin_token: str | None,
              lookup: Callable[[str], set[str] | None]) -> set[str] | None:
    """The directorates a token may see (None = all); raises Unauthorised."""
    if not token:
        raise Unauthorised("a bearer token is required")
    if admin_token and hmac.compare_digest(token.encode(), admin_token.encode()):
        return None
    directorates = lookup(hash_token(token))
    if directorates is None:
        raise Unauthorised("unknown or revoked token")
    return directorates


def bearer(header: str | None) -> str | None:
    """The token in an `Authorization: Bearer ...` header."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None
