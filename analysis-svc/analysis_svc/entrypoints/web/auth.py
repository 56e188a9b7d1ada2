"""Who is looking: a token signed in to the session, or a trusted proxy header when configured."""
from dataclasses import dataclass
from functools import wraps

from flask import current_app, g, redirect, request, session, url_for
from sqlalchemy import select

from analysis_svc.adapters.orm import partner_tokens
from analysis_svc.service_layer.auth import Unauthorised, scope_for


@dataclass(frozen=True)
class Viewer:
    name: str
    scope: frozenset | None  # None: an admin, who sees every directorate

    @property
    def is_admin(self) -> bool:
        return self.scope is None


def _partner(session, column, value) -> Viewer | None:
    row = session.execute(select(partner_tokens.c.directorates, partner_tokens.c.label).where(
        column == value, partner_tokens.c.revoked_at.is_(None))).first()
    return Viewer(row.label or "Business partner", frozenset(row.directorates)) if row else None


def viewer_for_token(session, admin_token: str | None, token: str) -> Viewer | None:
    """The viewer a token stands for (the feeds' own scoping rules), or None if it is not live."""
    found: dict = {}

    def lookup(token_hash: str):
        found["viewer"] = _partner(session, partner_tokens.c.token_hash, token_hash)
        return found["viewer"] and set(found["viewer"].scope)
    try:
        scope = scope_for((token or "").strip(), admin_token, lookup)
    except Unauthorised:
        return None
    return Viewer("Administrator", None) if scope is None else found["viewer"]


def viewer_for_header(session, value: str, admins: list[str]) -> Viewer | None:
    """The viewer a trusted proxy named: an admin by name, or a partner by the token's email."""
    value = (value or "").strip().lower()
    if not value:
        return None
    if value in {a.strip().lower() for a in admins}:
        return Viewer(value, None)
    return _partner(session, partner_tokens.c.email, value)


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
    ext = current_app.extensions["dashboard"]
    viewer = None
    if stored := session.get("viewer"):
        scope = stored.get("scope")
        viewer = Viewer(stored["name"], None if scope is None else frozenset(scope))
    elif request.authorization and request.authorization.type == "bearer":
        with ext.session_factory() as db:
            viewer = viewer_for_token(db, ext.admin_token, request.authorization.token or "")
    elif ext.web.trusted_header_name and request.headers.get(ext.web.trusted_header_name):
        with ext.session_factory() as db:
            viewer = viewer_for_header(db, request.headers[ext.web.trusted_header_name],
                                       ext.web.trusted_admins)
    g.viewer = viewer
    return viewer


def signed_in(view):
    """Send anyone not signed in to the sign-in page, then back."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_viewer() is None:
            return redirect(url_for("dashboard.sign_in", next=request.full_path))
        return view(*args, **kwargs)
    return wrapper
