"""Bearer-token scoping for every feed: sets g.scope (directorate names, None = admin) and
g.organisations (None = admin, else the organisation ids granted) or answers 401/403."""
from flask import current_app, g
from flask_limiter.util import get_remote_address
from flask_smorest import abort

from chassis.auth import request_bearer, token_hash, unauthorised
from chassis.scope import OutOfScope, check_directorate as check_scope

from analysis_svc.domain.periods import local_day
from analysis_svc.service_layer.auth import Unauthorised, scope_for


def bus():
    return current_app.extensions["bus"]


def _caller() -> tuple:
    """(access, None) for a known token, (None, why) otherwise; looked up once per request, its
    organisations resolved against today's structure (a rename or new alias counts at once)."""
    if "caller" not in g:
        today = local_day(bus().clock.now(), bus().settings.zone)
        try:
            g.caller = (scope_for(request_bearer(), bus().settings.admin_token,
                                  lambda hashed: bus().tokens.access(hashed, today)), None)
        except Unauthorised as err:
            g.caller = (None, str(err))
    return g.caller


def require_token() -> None:
    access, refused = _caller()
    if refused:
        unauthorised(refused, "analysis-svc")
    g.scope, g.organisations = access.scope, access.organisations


def rate_key() -> str:
    """Known tokens count alone; anything else counts against the client's address (so made-up
    tokens cannot each get a fresh allowance)."""
    _, refused = _caller()
    return "address:" + get_remote_address() if refused else "token:" + token_hash(request_bearer())


def check_directorate(directorate: str | None) -> None:
    """A partner who names a directorate outside their scope is refused, not shown an empty page."""
    try:
        check_scope(g.scope, directorate)
    except OutOfScope:
        abort(403, message="That directorate is not in your token's scope.",
              messages={"query": {"directorate": ["Not in your scope."]}})
