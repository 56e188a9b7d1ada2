"""Who is looking: a token or a person (single sign-on) signed in to the session, a bearer token,
or a trusted proxy header when configured.

The session holds the hash of the token signed in with, or the groups the identity provider named,
never a scope: each request maps them again (a revoked token or an unmapped group is signed out
on its next request) to directorates and organisations, the organisations resolved to directorate
names against today's structure; `g.scope` and `g.organisations` are set from the viewer, as the
feeds set them. A session ends `session_hours` after sign-in however busy it is.
"""
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps

from flask import current_app, g, redirect, request, session, url_for

from chassis.auth import request_bearer, same_secret, token_hash, unauthorised

from analysis_svc.adapters.structure_repository import load_structure
from analysis_svc.domain.periods import local_day
from analysis_svc.domain.sign_on import NoMappedGroup, grant_for_groups
from analysis_svc.service_layer.auth import ADMIN, Access, Unauthorised, access_for, scope_for

PROXY_SECRET_HEADER = "X-Trusted-Proxy-Secret"


@dataclass(frozen=True)
class Viewer:
    name: str
    scope: frozenset | None  # None: an admin, who sees every directorate
    organisations: frozenset | None = frozenset()  # None: an admin; empty: directorates only
    from_organisations: frozenset = frozenset()  # the names in scope the organisations give

    @property
    def is_admin(self) -> bool:
        return self.scope is None


def _today():
    bus = current_app.extensions["bus"]
    return local_day(bus.clock.now(), bus.settings.zone)


def scope_label(viewer: Viewer) -> str:
    """What the banner says a viewer sees: all, their organisations' names, or directorates."""
    if viewer.is_admin:
        return "all directorates"
    if not viewer.organisations:
        return ", ".join(sorted(viewer.scope))
    bus = current_app.extensions["bus"]
    with bus.sessions() as session:
        known = load_structure(session).organisations
    names = sorted(known[o].name if o in known else o for o in viewer.organisations)
    # directorates granted beside the organisations (sign-on groups may mix both) stay named
    return ", ".join(names + sorted(viewer.scope - viewer.from_organisations))


def _viewer(name: str, access: Access) -> Viewer:
    return Viewer(name, access.scope, access.organisations, access.from_organisations)


def _partner(tokens, found) -> Viewer | None:
    """A token holder's viewer, their organisations resolved to today's directorate names."""
    if not found:
        return None
    today = _today() if found.organisations else None  # the structure is read only when needed
    return _viewer(found.label or "Business partner", tokens.access_of(found, today))


def viewer_for_token(tokens, admin_token: str | None, token: str) -> Viewer | None:
    """The viewer a token stands for (the feeds' own scoping rules), or None if it is not live."""
    partner = None

    def lookup(token_hash: str):
        nonlocal partner
        partner = tokens.partner(token_hash)
        return None if partner is None else Access(frozenset())
    try:
        access = scope_for((token or "").strip(), admin_token, lookup)
    except Unauthorised:
        return None
    return _viewer("Administrator", ADMIN) if access.is_admin else _partner(tokens, partner)


def viewer_for_hash(tokens, admin_token: str | None, hashed: str) -> Viewer | None:
    """The viewer a signed-in token's hash stands for now (None once revoked or rotated)."""
    if admin_token and same_secret(hashed, token_hash(admin_token)):
        return _viewer("Administrator", ADMIN)
    return _partner(tokens, tokens.partner(hashed))


def viewer_for_header(tokens, value: str, admins) -> Viewer | None:
    """The viewer a trusted proxy named: an admin by name, or a partner by the token's email."""
    value = (value or "").strip().lower()
    if not value:
        return None
    if value in {a.strip().lower() for a in admins}:
        return _viewer(value, ADMIN)
    return _partner(tokens, tokens.partner_by_email(value))


def from_trusted_proxy(environ, headers, settings) -> bool:
    """The direct peer is an allowed proxy (and sent the shared secret, when one is set).

    The peer is the socket's address before ProxyFix rewrote REMOTE_ADDR from X-Forwarded-For,
    which a client can write itself."""
    allowed, secret = settings.trusted_proxy_addresses, settings.trusted_header_secret
    if not allowed and not secret:
        return False
    if allowed:
        peer = (environ.get("werkzeug.proxy_fix.orig") or {}).get("REMOTE_ADDR",
                                                                 environ.get("REMOTE_ADDR"))
        try:
            address = ipaddress.ip_address(peer or "")
        except ValueError:
            return False
        if not any(address in network for network in allowed):
            return False
    return not secret or same_secret(headers.get(PROXY_SECRET_HEADER), secret)


def _now():
    return current_app.extensions["bus"].clock.now()


def _new_session(**identity) -> None:
    """A new session: whatever the browser came with is dropped (fixation)."""
    session.clear()
    session.update(signed_in_at=_now().timestamp(), sid=secrets.token_urlsafe(16), **identity)
    session.permanent = True
    g.pop("viewer", None)


def sign_in(token: str) -> None:
    """A new session for a checked token."""
    _new_session(token_hash=token_hash(token.strip()))


def sign_in_person(user: str, name: str, groups) -> None:
    """A new session for someone the identity provider vouched for, with the groups it named."""
    _new_session(sso_user=user, sso_name=name, sso_groups=list(groups))


def viewer_for_groups(settings, name: str, groups, tokens=None) -> Viewer | None:
    """The viewer a signed-on person's groups make them now (None once no group is mapped);
    `tokens` resolves a group's organisations to today's directorate names."""
    if not settings.sign_on_enabled:
        return None
    try:
        grant = grant_for_groups(groups, settings.oidc_group_scopes)
    except NoMappedGroup:
        return None
    if grant.directorates is None:
        return _viewer(name, ADMIN)
    if grant.organisations and tokens is None:  # nothing to resolve them with: refuse, never widen
        return None
    today = _today() if grant.organisations else None
    return _viewer(name, access_for(grant.directorates, grant.organisations,
                                    lambda organisations: tokens.names_of(organisations, today)))


def _session_viewer(bus) -> Viewer | None:
    """The signed-in viewer if the session is young enough and its token still live."""
    signed_in_at = session.get("signed_in_at")
    age = _now().timestamp() - signed_in_at if isinstance(signed_in_at, (int, float)) else None
    lifetime = timedelta(hours=bus.settings.session_hours).total_seconds()
    if age is None or not -60 <= age <= lifetime:
        return None
    if session.get("sso_user"):  # the mapping is read again each request, like a token's scope
        return viewer_for_groups(bus.settings, session.get("sso_name") or session["sso_user"],
                                 session.get("sso_groups") or (), bus.tokens)
    return viewer_for_hash(bus.tokens, bus.settings.admin_token, session["token_hash"])


def current_viewer() -> Viewer | None:
    """From the session cookie, a bearer token, or (only from a trusted proxy) the header."""
    if "viewer" in g:  # looked up once per request, never longer
        return g.viewer
    bus = current_app.extensions["bus"]
    settings, viewer = bus.settings, None
    if session.get("token_hash") or session.get("sso_user"):
        viewer = _session_viewer(bus)
        if viewer is None:
            session.clear()  # revoked or expired: the cookie goes too
    elif (token := request_bearer()) is not None:
        viewer = viewer_for_token(bus.tokens, settings.admin_token, token)
    elif (settings.trusted_header_name and request.headers.get(settings.trusted_header_name)
          and from_trusted_proxy(request.environ, request.headers, settings)):
        viewer = viewer_for_header(bus.tokens, request.headers[settings.trusted_header_name],
                                   settings.trusted_admins)
    g.viewer = viewer
    if viewer is not None:  # the dashboard and the reports read the scope as the feeds do
        g.scope, g.organisations = viewer.scope, viewer.organisations
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
