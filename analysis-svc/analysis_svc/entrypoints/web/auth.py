"""Who is looking: a token signed in to the session, or a trusted proxy header when configured."""
from dataclasses import dataclass
from functools import wraps

from flask import current_app, g, redirect, request, session, url_for

from chassis.auth import request_bearer, unauthorised

from analysis_svc.service_layer.auth import Unauthorised, scope_for


@dataclass(frozen=True)
class Viewer:
    name: str
    scope: frozenset | None  # None: an admin, who sees every directorate

    @property
    def is_admin(self) -> bool:
        return self.scope is None


def _partner(found) -> Viewer | None:
    return Viewer(found[0] or "Business partner", frozenset(found[1])) if found else None


def viewer_for_token(tokens, admin_token: str | None, token: str) -> Viewer | None:
    """The viewer a token stands for (the feeds' own scoping rules), or None if it is not live."""
    partner = None

    def lookup(token_hash: str):
        nonlocal partner
        partner = tokens.partner(token_hash)
        return None if partner is None else set(partner[1])
    try:
        scope = scope_for((token or "").strip(), admin_token, lookup)
    except Unauthorised:
        return None
    return Viewer("Administrator", None) if scope is None else _partner(partner)


def viewer_for_header(tokens, value: str, admins) -> Viewer | None:
    """The viewer a trusted proxy named: an admin by name, or a partner by the token's email."""
    value = (value or "").strip().lower()
    if not value:
        return None
    if value in {a.strip().lower() for a in admins}:
        return Viewer(value, None)
    return _partner(tokens.partner_by_email(value))


def _to_session(viewer: Viewer) -> dict:
    return {"name": viewer.name, "scope": None if viewer.scope is None else sorted(viewer.scope)}


def sign_in(viewer: Viewer) -> None:
    session.clear()
    session["viewer"] = _to_session(viewer)
    session.permanent = True


def current_viewer() -> Viewer | None:
    """From the session cookie, a bearer token, or (only if configured) the trusted header."""
    if "viewer" in g:
        return g.viewer
    bus = current_app.extensions["bus"]
    settings, viewer = bus.settings, None
    if stored := session.get("viewer"):
        scope = stored.get("scope")
        viewer = Viewer(stored["name"], None if scope is None else frozenset(scope))
    elif (token := request_bearer()) is not None:
        viewer = viewer_for_token(bus.tokens, settings.admin_token, token)
    elif settings.trusted_header_name and request.headers.get(settings.trusted_header_name):
        viewer = viewer_for_header(bus.tokens, request.headers[settings.trusted_header_name],
                                   settings.trusted_admins)
    g.viewer = viewer
    return viewer


def refuse_unknown_bearer() -> None:
    """A client that sent a token no one holds gets 401, not the sign-in page meant for people."""
    if request_bearer() is not None and current_viewer() is None:
        unauthorised("unknown or revoked token", "analysis-svc")


def signed_in(view):
    """Send anyone not signed in to the sign-in page, then back."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_viewer() is None:
            refuse_unknown_bearer()
            return redirect(url_for("dashboard.sign_in", next=request.full_path))
        return view(*args, **kwargs)
    return wrapper
