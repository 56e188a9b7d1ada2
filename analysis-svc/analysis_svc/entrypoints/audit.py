"""Who read personal data here, for the access audit: the admin token, a partner token (by its id
and label), the person the identity provider signed in, or the user a trusted proxy named. The same precedence as web.auth.current_viewer:
session cookie, then bearer token, then the trusted header."""
from flask import current_app, request, session

from chassis.auth import request_bearer, same_secret, token_hash
from chassis.privacy.audit_api import ADMIN_ACTOR, admin_actor, audit_read

from analysis_svc.read_model.audit_actors import token_holder

__all__ = ["audit_read", "feed_actor", "viewer_actor"]


def _bus():
    return current_app.extensions["bus"]


def _token_actor(hashed: str, via: str) -> str:
    admin = _bus().settings.admin_token
    if admin and same_secret(hashed, token_hash(admin)):
        return admin_actor() if via == "bearer" else f"{ADMIN_ACTOR} ({via})"
    with _bus().sessions() as db:
        holder = token_holder(db, hashed)
    name = holder or "unknown token"
    return name if via == "bearer" else f"{name} ({via})"


def feed_actor() -> str:
    """The bearer token of a feed request (already checked by require_token)."""
    return _token_actor(token_hash(request_bearer() or ""), "bearer")


def viewer_actor() -> str:
    """The signed-in dashboard viewer: how they signed in, and as whom."""
    if session.get("token_hash"):
        return _token_actor(session["token_hash"], "dashboard session")
    if session.get("sso_user"):  # the identity provider's account, never a group or token
        return f"oidc:{session['sso_user']} (dashboard session)"
    if (token := request_bearer()) is not None:
        return _token_actor(token_hash(token), "bearer")
    header = _bus().settings.trusted_header_name
    return f"sso:{(request.headers.get(header) or '').strip().lower()}" if header else "unknown"
